# shellcheck shell=bash
# Shared plumbing of the bench commands (media-capacity.sh, intake.sh, turn-overhead.sh, barge-in.sh, smoke.sh).
# Source it: `. "$(dirname "$0")/lib.sh"`. Everything binds 127.0.0.1 on free ports; every process started here is
# killed (by PID, TERM then KILL) and the WORK dir removed when the sourcing script exits.
#
# Environment understood by every command:
#   JAR=path            the gateway jar (default target/apex-voice-gateway.jar, built with ./mvnw when missing)
#   PIPELINE_JAR=path   the bare-pipeline baseline jar (default bench/baselines/bare-pipeline/target/bare-pipeline.jar)
#   BENCH_SMOKE=1       tiny run: no README change, results into BENCH_RESULTS_DIR or WORK
#   BENCH_RESULTS_DIR   where the JSONL results go (default bench/results; WORK when BENCH_SMOKE=1)
#   BENCH_README        the Markdown file publish writes (default bench/README.md)
#   GATEWAY_HEAP        -Xmx of the gateway and the bare pipeline (default 1g; -Xms256m)
#   GATEWAY_JAVA_OPTS   the gateway's JVM options (default GATEWAY_JAVA_DEFAULTS below, the flags the container
#                       image runs with: pom.xml, Jib jvmFlags); the baselines run with the JVM's defaults (G1)
#   BENCH_JAVA_OPTS     more JVM options for both (smoke.sh: -XX:TieredStopAtLevel=1, a faster start)
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
NODE=${NODE:-node}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/apex-bench.XXXXXX")
BENCH_PIDS=()
BENCH_SMOKE=${BENCH_SMOKE:-0}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# stop_pid PID...: TERM, up to 10 s for it to exit, then KILL; forgets the PID.
stop_pid() {
  local p i
  for p in "$@"; do
    [ -n "$p" ] || continue
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
    local keep=() q
    for q in "${BENCH_PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
    BENCH_PIDS=("${keep[@]}")
  done
}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local pids=("${BENCH_PIDS[@]}") p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ -n "${BENCH_KEEP_WORK:-}" ]; then
    echo "bench: logs kept in $WORK (BENCH_KEEP_WORK)" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# track PID: the cleanup trap will stop it
track() { BENCH_PIDS+=("$1"); }

# parse_args "$@": NAME=VALUE arguments become environment variables (the same as setting them before the command)
parse_args() {
  local a
  for a in "$@"; do
    case "$a" in
      -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      [A-Z_]*=*) export "${a?}" ;;
      *) die "unknown argument '$a' (options are NAME=VALUE, see --help)" ;;
    esac
  done
}

# command_line NAME...: the command as run, with the effective value of each named parameter
command_line() {
  local s="" n
  for n in "$@"; do s+="$n=${!n} "; done
  printf '%sbench/%s' "$s" "$(basename "$0")"
}

free_port() {
  free_ports 1
}

# free_ports N: N distinct free ports, one a line
free_ports() {
  "$PY" - "$1" <<'PY'
import random, socket, sys
# Below the kernel's ephemeral range: a port from bind(0) comes from that range, and between our check and the
# target's bind any outgoing connection on the machine (the target's own, to Redis, say) may take it as its local port.
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 0
socks = []
for _ in range(int(sys.argv[1])):
    for _ in range(200 if low > 11000 else 0):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", random.randrange(10000, low))); socks.append(s); break
        except OSError:
            s.close()
    else:
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# wait_http URL SECONDS PID LOG: until URL answers 200; fails with LOG's tail if PID dies (or logs that its start
# failed) or time runs out
wait_http() {
  local url=$1 secs=$2 pid=$3 logf=$4 i
  for i in $(seq 1 $((secs * 4))); do
    if ! kill -0 "$pid" 2>/dev/null || grep -q 'APPLICATION FAILED TO START\|Application run failed' "$logf"; then
      tail -n 40 "$logf" >&2 || true
      die "process $pid died before $url answered (log above: $logf)"
    fi
    curl -sf -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.25
  done
  tail -n 40 "$logf" >&2 || true
  die "$url did not answer 200 within $secs s"
}

# alive PID WHAT: fails when the target process is gone
alive() { kill -0 "$1" 2>/dev/null || die "$2 (pid $1) died; log tail: $(tail -n 20 "${3:-/dev/null}" 2>/dev/null)"; }

# start_redis: a redis-server on loopback, random port, no persistence; exports RP (port) and REDIS_PID
start_redis() {
  command -v redis-server > /dev/null || die "redis-server not found (Debian: apt-get install -y redis-server)"
  RP=$(free_port)
  mkdir -p "$WORK/redis-$RP"
  redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis-$RP" \
    --maxclients 10000 > "$WORK/redis-$RP.log" 2>&1 &
  REDIS_PID=$!
  track "$REDIS_PID"
  local i
  for i in $(seq 1 100); do redis-cli -p "$RP" ping > /dev/null 2>&1 && break; sleep 0.1; done
  [ "$(redis-cli -p "$RP" ping 2>/dev/null)" = PONG ] || die "redis-server did not start: $(tail -n 5 "$WORK/redis-$RP.log")"
  export RP REDIS_PID
}

# gateway_jar: prints the gateway jar (JAR, default target/apex-voice-gateway.jar), building it only when missing
gateway_jar() {
  local jar=${JAR:-$ROOT/target/apex-voice-gateway.jar}
  if [ ! -f "$jar" ]; then
    [ -z "${JAR:-}" ] || die "JAR=$JAR does not exist"
    log "building the gateway jar (./mvnw -B -q -DskipTests package)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package) >&2 || die "gateway build failed"
  fi
  printf '%s\n' "$jar"
}

# pipeline_jar: prints the bare-pipeline jar, building it only when missing
pipeline_jar() {
  local jar=${PIPELINE_JAR:-$BENCH/baselines/bare-pipeline/target/bare-pipeline.jar}
  if [ ! -f "$jar" ]; then
    [ -z "${PIPELINE_JAR:-}" ] || die "PIPELINE_JAR=$PIPELINE_JAR does not exist"
    log "building the bare-pipeline baseline jar"
    "$ROOT/mvnw" -B -q -ntp -f "$BENCH/baselines/bare-pipeline/pom.xml" package >&2 || die "bare-pipeline build failed"
  fi
  printf '%s\n' "$jar"
}

# tenants_file: config/tenants.yaml with the premium tier's call limits lifted (the demo tenant is premium)
tenants_file() {
  local f=$WORK/tenants.yaml
  if [ ! -f "$f" ]; then
    sed -E 's/premium: \{ callsPerMinute: [0-9]+, maxConcurrentCalls: [0-9]+/premium: { callsPerMinute: 10000000, maxConcurrentCalls: 10000000/' \
      "$ROOT/config/tenants.yaml" > "$f"
    grep -q 'premium: { callsPerMinute: 10000000, maxConcurrentCalls: 10000000' "$f" \
      || die "could not lift the premium tier's limits in config/tenants.yaml (the sed no longer matches)"
  fi
  printf '%s\n' "$f"
}

# start_gateway [REDIS_DB]: a fresh gateway (local profile, loopback simulators) on new ports, using redis-server RP
# (started here when RP is unset) and the STT sink on SP. Exports GP (HTTP), MP (media), SP (Deepgram sink port for
# the load tool), PID, GW_LOG. Waits for /health (180 s: the warm-up lasts up to 90 s); fails with the log tail if it
# dies.
GW_N=0
GATEWAY_JAVA_DEFAULTS="-XX:+UseG1GC -XX:MaxTenuringThreshold=2 -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch \
-XX:-ClassUnloadingWithConcurrentMark -XX:MetaspaceSize=256m"
start_gateway() {
  local db=${1:-0} jar tenants
  jar=$(gateway_jar)
  tenants=$(tenants_file)
  [ -n "${RP:-}" ] || start_redis
  GW_N=$((GW_N + 1))
  { read -r GP; read -r MP; read -r SP; } < <(free_ports 3)
  GW_LOG=$WORK/gateway-$GW_N.log
  mkdir -p "$WORK/calls-$GW_N"
  # from ROOT: the jar reads its Camel routes from routes/*.yaml (ROUTES_INCLUDE_PATTERN overrides)
  (cd "$ROOT" && SERVER_PORT=$GP MEDIA_PORT=$MP REDIS_URL="redis://127.0.0.1:$RP/$db" TENANTS_SOURCE="file:$tenants" \
    RECORDS_STORE="file:$WORK/calls-$GW_N" PUBLIC_BASE_URL="http://127.0.0.1:$GP" \
    DEEPGRAM_URL="ws://127.0.0.1:$SP/v1/listen" DEEPGRAM_API_KEY=bench-deepgram-key \
    exec env "${SIM_ENV[@]}" java -Xms256m "-Xmx${GATEWAY_HEAP:-1g}" ${GATEWAY_JAVA_OPTS-$GATEWAY_JAVA_DEFAULTS} ${BENCH_JAVA_OPTS:-} -jar "$jar") \
    > "$GW_LOG" 2>&1 &
  PID=$!
  track "$PID"
  wait_http "http://127.0.0.1:$GP/health" 180 "$PID" "$GW_LOG"
  export GP MP SP PID GW_LOG
  log "gateway up: pid $PID http $GP media $MP stt-sink $SP redis $RP/$db"
}

# start_pipeline relay|pipeline: a fresh bare-pipeline baseline; pipeline mode needs RP and TTS_KEY (see store_tts).
# Exports MP, SP, PID, GW_LOG (its log).
start_pipeline() {
  local mode=$1 jar i
  jar=$(pipeline_jar)
  { read -r MP; read -r SP; } < <(free_ports 2)
  GW_N=$((GW_N + 1))
  GW_LOG=$WORK/$mode-$GW_N.log
  (MODE=$mode MEDIA_HOST=127.0.0.1 MEDIA_PORT=$MP DEEPGRAM_URL="ws://127.0.0.1:$SP/v1/listen" \
    DEEPGRAM_API_KEY=bench-deepgram-key REDIS_HOST=127.0.0.1 REDIS_PORT=${RP:-6379} TTS_KEY=${TTS_KEY:-tts:bench} \
    LLM_URL=${PIPELINE_LLM_URL:-} LLM_API_KEY=local-dev-groq-key \
    exec java -Xms256m "-Xmx${GATEWAY_HEAP:-1g}" ${BENCH_JAVA_OPTS:-} -jar "$jar") > "$GW_LOG" 2>&1 &
  PID=$!
  track "$PID"
  for i in $(seq 1 240); do
    grep -q "bare-pipeline listening" "$GW_LOG" && break
    kill -0 "$PID" 2>/dev/null || { tail -n 20 "$GW_LOG" >&2; die "bare-pipeline ($mode) died at start"; }
    sleep 0.25
  done
  grep -q "bare-pipeline listening" "$GW_LOG" || die "bare-pipeline ($mode) did not start within 60 s"
  export MP SP PID GW_LOG
  log "bare-pipeline $mode up: pid $PID media $MP stt-sink $SP"
}

# store_tts SECONDS: TTS_KEY in redis RP holds SECONDS of mu-law audio (8000 bytes/s, a 0x7f/0xff pattern)
store_tts() {
  TTS_KEY=${TTS_KEY:-tts:bench}
  local bytes
  bytes=$("$PY" -c "import sys; print(int(float(sys.argv[1]) * 8000))" "$1")
  "$PY" -c "import sys; n = int(sys.argv[1]); sys.stdout.buffer.write((b'\x7f\xff' * n)[:n])" "$bytes" > "$WORK/tts.ulaw"
  redis-cli -p "$RP" -x set "$TTS_KEY" < "$WORK/tts.ulaw" > /dev/null
  [ "$(redis-cli -p "$RP" strlen "$TTS_KEY")" = "$bytes" ] || die "could not store $bytes bytes of TTS audio in Redis"
  export TTS_KEY
}

# fastapi_ok: whether /usr/bin/python3 has fastapi, uvicorn and redis
fastapi_ok() { "$PY" -c 'import fastapi, uvicorn, redis' 2> /dev/null; }

# start_fastapi [REDIS_DB]: the FastAPI intake baseline (2 uvicorn workers) on redis RP; exports FP, FASTAPI_PID
start_fastapi() {
  local db=${1:-1} i
  fastapi_ok || die "$PY lacks fastapi/uvicorn/redis (Debian: apt-get install -y python3-fastapi python3-uvicorn python3-redis)"
  [ -n "${RP:-}" ] || start_redis
  FP=$(free_port)
  (cd "$BENCH/baselines/fastapi-intake" && REDIS_URL="redis://127.0.0.1:$RP/$db" TWILIO_AUTH_TOKEN=local-dev-auth-token \
    PUBLIC_BASE_URL="http://127.0.0.1:$FP" CALLS_PER_MINUTE=10000000 MAX_CONCURRENT_CALLS=10000000 \
    exec "$PY" -m uvicorn app:app --workers "${FASTAPI_WORKERS:-2}" --host 127.0.0.1 --port "$FP" --log-level warning) \
    > "$WORK/fastapi.log" 2>&1 &
  FASTAPI_PID=$!
  track "$FASTAPI_PID"
  for i in $(seq 1 120); do
    kill -0 "$FASTAPI_PID" 2>/dev/null || { tail -n 20 "$WORK/fastapi.log" >&2; die "uvicorn died at start"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FP/" 2>/dev/null)" != 000 ] && break
    sleep 0.25
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FP/")" != 000 ] || die "uvicorn did not answer within 30 s"
  export FP FASTAPI_PID
  log "fastapi up: pid $FASTAPI_PID port $FP redis $RP/$db"
}

# start_simulators: the gateway's Groq and Azure TTS simulators in a process of their own (`java -jar JAR simulators`,
# the local profile's defaults), at 0 ms and without the Groq quota (see zero_simulators), so their work is not counted
# as the gateway's CPU, heap or event-loop time. Gateways started afterwards use them (GROQ_URL, AZURE_TTS_URL).
# Exports SIM_PID, SIM_LOG, GROQ_SIM, AZURE_SIM (their URLs) and SIM_ENV (the gateway's environment for them).
start_simulators() {
  local jar i
  jar=$(gateway_jar)
  SIM_LOG=$WORK/simulators.log
  # a fixed 512 MB heap, so that this stand-in for remote providers collects rarely (each of its pauses would be
  # counted in the gateway's turn); its GC log is in $WORK (BENCH_KEEP_WORK=1 keeps it)
  java -Xms512m -Xmx512m -XX:+UseG1GC "-Xlog:gc:file=$WORK/simulators-gc.log" ${BENCH_JAVA_OPTS:-} \
    -jar "$jar" simulators --only groq,azure-tts > "$SIM_LOG" 2>&1 &
  SIM_PID=$!
  track "$SIM_PID"
  for i in $(seq 1 240); do
    grep -qx ready "$SIM_LOG" && break
    kill -0 "$SIM_PID" 2>/dev/null || { tail -n 20 "$SIM_LOG" >&2; die "the simulators process died at start"; }
    sleep 0.25
  done
  grep -qx ready "$SIM_LOG" || die "the simulators did not start within 60 s"
  GROQ_SIM=$(sed -n 's/^groq=//p' "$SIM_LOG")
  AZURE_SIM=$(sed -n 's/^azure-tts=//p' "$SIM_LOG")
  SIM_ENV=(GROQ_URL="$GROQ_SIM" GROQ_API_KEY=local-dev-groq-key AZURE_TTS_URL="$AZURE_SIM" AZURE_TTS_KEY=local-dev-azure-key)
  export SIM_PID SIM_LOG GROQ_SIM AZURE_SIM
  zero_simulators
  log "simulators up: pid $SIM_PID groq $GROQ_SIM azure-tts $AZURE_SIM"
}
SIM_ENV=()

# zero_simulators: the Groq and Azure TTS simulators answer at once (no injected latency) and without the Groq quota
# (600 requests per minute by default: the turn measures would hit it and time fallback phrases instead)
zero_simulators() {
  local groq azure
  groq=$(grep -o 'groq=http://127.0.0.1:[0-9]*' "${SIM_LOG:-$GW_LOG}" | head -1 | cut -d= -f2)
  azure=$(grep -o 'azure-tts=http://127.0.0.1:[0-9]*' "${SIM_LOG:-$GW_LOG}" | head -1 | cut -d= -f2)
  [ -n "$groq" ] && [ -n "$azure" ] || die "simulator URLs not found in ${SIM_LOG:-$GW_LOG}"
  curl -sf -X PATCH -H 'Content-Type: application/json' \
    -d '{"firstTokenDelayMs":0,"interTokenDelayMs":0,"rpm":100000000,"tpm":2000000000,"rpd":2000000000}' \
    "$groq/__control/settings" > /dev/null || die "could not zero the Groq simulator ($groq)"
  curl -sf -X PATCH -H 'Content-Type: application/json' -d '{"firstByteDelayMs":0,"chunkIntervalMs":0}' \
    "$azure/__control/settings" > /dev/null || die "could not zero the Azure TTS simulator ($azure)"
}

# spoken_seconds TEXT...: seconds of mu-law audio the Azure TTS simulator (start_simulators) renders for the texts,
# each synthesised on its own as the gateway does per sentence, in the demo tenant's voice
spoken_seconds() {
  local text bytes=0 n
  for text in "$@"; do
    n=$(curl -sf -X POST -H 'Content-Type: application/ssml+xml' -H 'Ocp-Apim-Subscription-Key: local-dev-azure-key' \
      -H 'X-Microsoft-OutputFormat: raw-8khz-8bit-mono-mulaw' \
      --data-binary "<speak version='1.0' xml:lang='en-US' xmlns='http://www.w3.org/2001/10/synthesis'><voice xml:lang='en-US' name='en-US-JennyNeural'>$text</voice></speak>" \
      "$AZURE_SIM" | wc -c) || die "the Azure TTS simulator did not synthesise '$text'"
    bytes=$((bytes + n))
  done
  "$PY" -c "import sys; print(round(int(sys.argv[1]) / 8000, 2))" "$bytes"
}

# fallbacks TARGET: turns the gateway answered with its fallback phrase so far (apex_turn_fallbacks_total, every
# reason); 0 for the baselines, which have none
fallbacks() {
  [ "$1" = gateway ] || { echo 0; return; }
  curl -sf "http://127.0.0.1:$GP/actuator/prometheus" |
    awk '/^apex_turn_fallbacks_total/ { n += $NF } END { printf "%d\n", n }'
}

# machine_line: cores, CPU model, RAM, Java, Node and Redis versions on one line
machine_line() {
  local cpu ram java nodev redis
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
  java=$(java -version 2>&1 | head -1 | sed 's/"//g')
  nodev=$("$NODE" --version)
  redis=$(redis-server --version 2>/dev/null | grep -o 'v=[0-9.]*' | cut -d= -f2)
  printf '%s cores (%s), %s RAM, %s, Node %s, redis-server %s' "$(nproc)" "${cpu:-unknown CPU}" "$ram" "$java" "$nodev" "${redis:-?}"
}

# results MEASURE: sets RESULTS to the JSONL file of this run
results() {
  local dir
  if [ -n "${BENCH_RESULTS_DIR:-}" ]; then dir=$BENCH_RESULTS_DIR
  elif [ "$BENCH_SMOKE" = 1 ]; then dir=$WORK/results
  else dir=$BENCH/results; fi
  mkdir -p "$dir"
  RESULTS=$dir/$1-$STAMP.jsonl
  : > "$RESULTS"
  export RESULTS
}

# record TARGET ROUND [KEY=VALUE...] < json lines: appends each line to RESULTS tagged with target, round and KEYs
# (a VALUE that parses as JSON is stored as such, else as a string)
record() {
  "$PY" -c '
import json, os, sys
target, rnd, extra = sys.argv[1], int(sys.argv[2]), {}
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    try: extra[k] = json.loads(v)
    except ValueError: extra[k] = v
with open(os.environ["RESULTS"], "a") as out:
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"): continue
        d = json.loads(line)
        d.update({"target": target, "round": rnd, **extra})
        out.write(json.dumps(d) + "\n")
' "$@"
}

# run_tool OUT TARGET_PID TARGET_LOG node bench/load/X.mjs ...: runs a load tool, stdout to OUT, stderr to OUT.err;
# fails when the tool fails or the target died meanwhile
run_tool() {
  local out=$1 tpid=$2 tlog=$3
  shift 3
  log "run: ${*#"$ROOT/"}"
  if ! (cd "$ROOT" && "$@") > "$out" 2> "$out.err"; then
    tail -n 20 "$out.err" >&2
    die "load tool failed: $*"
  fi
  alive "$tpid" "the target" "$tlog"
  grep -q '^{' "$out" || { tail -n 20 "$out.err" >&2; die "load tool printed no JSON: $*"; }
}

# publish MEASURE MARKDOWN_FILE: replaces the block between <!-- bench:MEASURE:start --> and <!-- bench:MEASURE:end -->
# in bench/README.md (markers created at the end of its "## Results" section, the heading too when absent)
publish() {
  local measure=$1 md=$2
  if [ "$BENCH_SMOKE" = 1 ]; then log "BENCH_SMOKE=1: bench/README.md left as it is"; return 0; fi
  "$PY" - "${BENCH_README:-$BENCH/README.md}" "$measure" "$md" <<'PY'
import re, sys
readme, measure, md = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().strip()
text = open(readme).read()
start, end = f"<!-- bench:{measure}:start -->", f"<!-- bench:{measure}:end -->"
block = f"{start}\n{md}\n{end}"
if start in text and end in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
else:
    m = re.search(r"^## Results[ \t]*$", text, re.M)
    if not m:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    else:
        nxt = re.search(r"^## ", text[m.end():], re.M)
        at = m.end() + nxt.start() if nxt else len(text)
        text = text[:at].rstrip("\n") + "\n\n" + block + "\n\n" + text[at:].lstrip("\n")
open(readme, "w").write(text.rstrip("\n") + "\n")
PY
  log "${BENCH_README:-bench/README.md}: results of $measure updated"
}

# footer COMMAND_LINE: the machine, date and command lines appended under each published table
footer() {
  printf '\n%s, %s UTC. Command: `%s`. Raw results: `%s`.\n' "$(machine_line)" "$(date -u '+%Y-%m-%d %H:%M')" "$1" \
    "${RESULTS#"$ROOT/"}"
}

# --- the voice measures (turn-overhead.sh, barge-in.sh): the bare pipeline and the gateway, same tool, same options

# start_voice_target pipeline|pipeline-llm|gateway: a fresh target ready for voice-load. The pipeline plays TTS_KEY
# (store_tts first), pipeline-llm too after asking the Groq simulator (LLM_URL: the least turn with an LLM request);
# the gateway gets its Groq and Azure simulators at 0 ms. Sets PID, MP, SP (and GP), VOICE_ARGS.
start_voice_target() {
  if [ "$1" = pipeline ] || [ "$1" = pipeline-llm ]; then
    if [ "$1" = pipeline-llm ]; then
      [ -n "${SIM_PID:-}" ] || start_simulators
      PIPELINE_LLM_URL=$GROQ_SIM start_pipeline pipeline
    else
      start_pipeline pipeline
    fi
    VOICE_ARGS=(--no-webhook --url "http://127.0.0.1:$MP")
  else
    [ -n "${SIM_PID:-}" ] || start_simulators
    start_gateway 0
    VOICE_ARGS=(--url "http://127.0.0.1:$GP")
  fi
}

# voice_load OUT MODE CALLS RAMP_SECONDS TURNS: voice-load against the target started by start_voice_target
voice_load() {
  run_tool "$1" "$PID" "$GW_LOG" "$NODE" bench/load/voice-load.mjs --media-url "ws://127.0.0.1:$MP/twilio/media" \
    --sink-port "$SP" --auth-token local-dev-auth-token --mode "$2" --calls "$3" --ramp-seconds "$4" --turns "$5" \
    --json "${VOICE_ARGS[@]}"
}
