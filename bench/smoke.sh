#!/usr/bin/env bash
# Smoke test of the bench commands: runs media-capacity.sh, intake.sh, turn-overhead.sh and barge-in.sh with
# BENCH_SMOKE=1 and tiny parameters (5 calls, 2 s windows, 1 round), results into a temp dir, bench/README.md
# untouched, then checks each run's JSON lines (frames received > 0 and lost == 0 at 5 calls, turns measured, clears
# measured, requests answered). Exits non-zero when a run fails or a check does not hold. Timing figures are not
# checked: they mean nothing at this size.
#
# Installs what is missing when it can (CI): redis-server (apt-get install -y redis-server) and, for /usr/bin/python3,
# fastapi, uvicorn and redis (apt-get install -y python3-fastapi python3-uvicorn python3-redis); when those cannot be
# installed only the FastAPI part of intake.sh is skipped, with a message saying so.
# Needs Java 17 and Node 20. JAR=... as for every bench command (the gateway is built only when the jar is missing).
# Usage: bench/smoke.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_args "$@"
started=$(date +%s)
readme_before=$(md5sum < "$BENCH/README.md")

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo > /dev/null; then sudo -n "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  command -v apt-get > /dev/null || return 1
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2 || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

if ! command -v redis-server > /dev/null || ! command -v redis-cli > /dev/null; then
  log "redis-server missing: apt-get install -y redis-server"
  apt_install redis-server || die "redis-server is missing and could not be installed"
fi
SKIP_FASTAPI=0
if ! fastapi_ok; then
  log "$PY lacks fastapi/uvicorn/redis: apt-get install -y python3-fastapi python3-uvicorn python3-redis"
  if ! apt_install python3-fastapi python3-uvicorn python3-redis || ! fastapi_ok; then
    SKIP_FASTAPI=1
    log "SKIPPING the FastAPI baseline of intake.sh: fastapi/uvicorn/redis could not be installed for $PY"
  fi
fi

# the gateway's warm-up before readiness (INTAKE_WARMUP, 30 s, and its settling rounds up to INTAKE_WARMUP_MAX, 45 s)
# shortened: the smoke checks the harness, not speed
export BENCH_SMOKE=1 BENCH_RESULTS_DIR=$WORK/results SKIP_FASTAPI INTAKE_WARMUP=${INTAKE_WARMUP:-2s} \
  INTAKE_WARMUP_MAX=${INTAKE_WARMUP_MAX:-2s}
failed=()
run() { # NAME command...
  local name=$1 t0
  shift
  t0=$(date +%s)
  log "smoke: $name"
  if "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"; then
    log "smoke: $name done in $(($(date +%s) - t0)) s"
  else
    tail -n 30 "$WORK/$name.err" >&2
    log "smoke: $name FAILED (exit status above)"
    failed+=("$name")
  fi
}
run media-capacity "$BENCH/media-capacity.sh" STEPS=5 STEP_SECONDS=2 RAMP_SECONDS=1 ROUNDS=1 BURST_CALLS=5 HEAP_CALLS=10
run intake "$BENCH/intake.sh" ROUNDS=1 CONCURRENCY=5 ROUND_SECONDS=2 WARMUP_SECONDS=1 PREWARM_SECONDS=1
run turn-overhead "$BENCH/turn-overhead.sh" CALLS=5 ROUNDS=1 RAMP_SECONDS=1 TURNS=1 WARMUP_CALLS=0
run barge-in "$BENCH/barge-in.sh" CALLS=5 ROUNDS=1 RAMP_SECONDS=1 WARMUP_CALLS=0

# the checks, on the JSON lines each run wrote
"$PY" - "$BENCH_RESULTS_DIR" "$SKIP_FASTAPI" <<'PY' || failed+=(checks)
import glob, json, os, sys
results, skip_fastapi = sys.argv[1], sys.argv[2] == "1"
bad = []
def lines(measure):
    files = glob.glob(os.path.join(results, f"{measure}-*.jsonl"))
    return [json.loads(l) for f in files for l in open(f) if l.strip()]
def check(ok, what):
    print(("ok   - " if ok else "FAIL - ") + what)
    if not ok: bad.append(what)

m = lines("media-capacity")
steps = [r for r in m if r.get("tool") == "media-load" and not r.get("summary")]
for target in ("relay", "gateway"):
    for kind in ("steps", "burst"):
        rs = [r for r in steps if r["target"] == target and r["kind"] == kind]
        check(bool(rs), f"media-capacity {target} {kind}: result lines present ({len(rs)})")
        for r in rs:
            check(r["frames_received"] > 0 and r["cpu_us_per_frame"] is not None,
                  f"media-capacity {target} {kind} {r['calls']} calls: {r['frames_received']} frames received, "
                  f"{r['cpu_us_per_frame']} us/frame")
            check(r["lost"] == 0 and r["calls_failed"] == 0,
                  f"media-capacity {target} {kind} {r['calls']} calls: lost {r['lost']}, failed {r['calls_failed']}")
check(sum(1 for r in m if r.get("summary")) == 4, "media-capacity: a summary line per media-load run (4)")
heap = [r for r in steps if r["target"] == "gateway" and r["kind"] == "burst"]
check(any(r.get("kind") == "heap-before" for r in m) and heap
      and all(r.get("on_step_exit") == 0 and [x.isdigit() for x in str(r.get("on_step_output")).split()] == [True, True, True]
              for r in heap),
      "media-capacity: gateway heap, replay audio and direct buffers read before calls and at every burst step")

i = lines("intake")
for target in ("gateway",) + (() if skip_fastapi else ("fastapi",)):
    rs = [r for r in i if r["target"] == target]
    check(bool(rs) and all(r["requests"] > 0 and r["ok"] == r["requests"] for r in rs),
          f"intake {target}: " + ", ".join(f"{r['requests']} requests, {r['ok']} ok" for r in rs))
if skip_fastapi:
    print("skip - intake fastapi: fastapi/uvicorn/redis not available for /usr/bin/python3")

for measure, mode in (("turn-overhead", "turn"), ("barge-in", "bargein")):
    rs = lines(measure)
    for target in ("pipeline", "pipeline-llm", "gateway") if mode == "turn" else ("pipeline", "gateway"):
        t = [r for r in rs if r["target"] == target]
        check(bool(t), f"{measure} {target}: result line present")
        for r in t:
            extra = r["timeouts"] if mode == "turn" else r["missed"]
            check(r["mode"] == mode and r["n"] > 0 and r["p50_ms"] is not None and extra == 0 and r["calls_failed"] == 0,
                  f"{measure} {target}: n={r['n']} p50={r['p50_ms']} ms, "
                  f"{'timeouts' if mode == 'turn' else 'missed'} {extra}, failed {r['calls_failed']}")
            if mode == "turn":
                check(r.get("fallbacks", 0) == 0, f"{measure} {target}: {r.get('fallbacks', 0)} turns answered with the fallback phrase")
            check(r["frames_received"] > 0 and r["lost"] == 0,
                  f"{measure} {target}: {r['frames_received']} frames received by the STT side, lost {r['lost']}")
sys.exit(1 if bad else 0)
PY

[ "$(md5sum < "$BENCH/README.md")" = "$readme_before" ] || { log "FAIL - bench/README.md changed during the smoke run"; failed+=(readme); }
log "smoke: $(($(date +%s) - started)) s in all"
if [ ${#failed[@]} -gt 0 ]; then die "bench smoke: failed: ${failed[*]}"; fi
log "bench smoke: all passed"
