#!/usr/bin/env bash
# Gateway overhead per conversation turn under concurrent calls, on this machine, fully offline.
#
# Starts the jar in the local profile (embedded Redis, loopback simulators), sets every simulator's injected latency
# to zero (Groq first token / inter-token, Azure first byte / chunk interval, Deepgram result delay), runs
# `simulate-call` with CALLS concurrent calls, then reads the gateway's own histograms from /actuator/prometheus:
#   apex_turn_latency_seconds  final transcript → first agent audio frame (LLM + split + TTS cache + framing,
#                              all providers at zero latency: what is left is the gateway and loopback I/O)
#   apex_stt_final_latency_seconds  caller's last word → final transcript (dominated by 300 ms endpointing)
# Usage: bench/turn-overhead.sh [CALLS=50] [RAMP_SECONDS=10]      (writes bench/results/turn-overhead-<date>.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-50}
ramp=${2:-10}
http_port=${BENCH_HTTP_PORT:-18480}
media_port=${BENCH_MEDIA_PORT:-18481}
jar=target/apex-voice-gateway.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package
work=$(mktemp -d)
log="$work/gateway.log"
mkdir -p bench/results
out="bench/results/turn-overhead-$(date -u +%Y%m%dT%H%M%SZ).txt"

# the demo tenant with its tier's call limits lifted, so the run measures the gateway, not the tenant's admission
sed -E 's/premium: \{ callsPerMinute: [0-9]+, maxConcurrentCalls: [0-9]+/premium: { callsPerMinute: 100000, maxConcurrentCalls: 10000/' \
  config/tenants.yaml > "$work/tenants.yaml"
grep -q "maxConcurrentCalls: 10000" "$work/tenants.yaml" || { echo "could not lift the demo tier's limits" >&2; exit 1; }
SERVER_PORT=$http_port MEDIA_PORT=$media_port RECORDS_STORE="file:$work/calls" TENANTS_SOURCE="file:$work/tenants.yaml" \
  java -Xmx512m -jar "$jar" > "$log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 90); do grep -q "Provider simulators" "$log" && break; sleep 1; done
sim() { grep -o "$1=http://127.0.0.1:[0-9]*" "$log" | head -1 | cut -d= -f2; }
patch() { curl -sf -X PATCH -H 'Content-Type: application/json' -d "$2" "$1/__control/settings" > /dev/null; }
patch "$(sim groq)" '{"firstTokenDelayMs":0,"interTokenDelayMs":0}'
patch "$(sim azure-tts)" '{"firstByteDelayMs":0,"chunkIntervalMs":0}'
patch "$(sim deepgram)" '{"resultDelayMs":0}'

# one warm-up call (JIT, connection pools, TTS cache for the greeting), then the measured run from clean histograms
java -jar "$jar" simulate-call --gateway "http://127.0.0.1:$http_port" --calls 2 > /dev/null 2>&1 || true
curl -s "http://127.0.0.1:$http_port/actuator/prometheus" > "$work/before.prom"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gateway/stat"; }
ticks_before=$(cpu_ticks)
start=$(date +%s)
java -jar "$jar" simulate-call --gateway "http://127.0.0.1:$http_port" --calls "$calls" --ramp "$ramp" > "$work/sim.txt" 2>&1 \
  && status=ok || status="some calls failed"
elapsed=$(( $(date +%s) - start ))
gateway_cpu_s=$(( ($(cpu_ticks) - ticks_before) / $(getconf CLK_TCK) ))
curl -s "http://127.0.0.1:$http_port/actuator/prometheus" > "$work/after.prom"

python3 - "$calls" "$ramp" "$elapsed" "$status" "$work/before.prom" "$work/after.prom" "$gateway_cpu_s" "$(nproc)" <<'PY' > "$out"
import re, sys
calls, ramp, elapsed, status, before_file, after_file, cpu_s, cores = sys.argv[1:9]
before, after = open(before_file).read(), open(after_file).read()
def buckets(text, name, having=""):
    out = {}
    for m in re.finditer(r'^%s_bucket\{([^}]*)\} ([0-9.eE+-]+)' % name, text, re.M):
        labels = m.group(1)
        if having not in labels:
            continue
        le_text = re.search(r'le="([^"]+)"', labels).group(1)
        le = float('inf') if le_text == '+Inf' else float(le_text)
        out[le] = out.get(le, 0) + float(m.group(2))
    return out
def quantiles(name, having=""):
    b, a = buckets(before, name, having), buckets(after, name, having)
    diff = sorted((le, a[le] - b.get(le, 0)) for le in a)
    total = diff[-1][1] if diff else 0
    res = {}
    for q in (0.5, 0.95, 0.99):
        res[q] = next((le for le, c in diff if total and c >= q * total), float('nan'))
    return total, res
def gauge(text, name):
    m = re.search(r'^%s(\{[^}]*\})? ([0-9.eE+-]+)' % name, text, re.M)
    return float(m.group(2)) if m else float('nan')
print(f"calls={calls} ramp={ramp}s wall={elapsed}s result={status}")
print(f"gateway process CPU during the run: {cpu_s} s = {int(cpu_s) / int(elapsed) * 100:.0f}% of one core "
      f"({int(cpu_s) / int(elapsed) / int(cores) * 100:.0f}% of the machine's {cores} cores; the rest is the load generator, "
      f"the simulators and Redis)")
for name, having, label in (
        ("apex_turn_latency_seconds", "", "turn (final transcript -> first agent frame), providers at 0 ms"),
        ("apex_llm_first_token_seconds", "", "  of which: LLM request -> first token (loopback SSE)"),
        ("apex_tts_first_byte_seconds", 'cache="miss"', "  of which: TTS request -> first audio byte, cache misses"),
        ("apex_tts_first_byte_seconds", 'cache="hit"', "  TTS cache hits -> first audio byte"),
        ("apex_stt_final_latency_seconds", "", "STT (last word -> final transcript), endpointing 300 ms")):
    n, q = quantiles(name, having)
    if n:
        print(f"{label}: n={int(n)} p50<={q[0.5]*1000:.1f} ms p95<={q[0.95]*1000:.1f} ms p99<={q[0.99]*1000:.1f} ms")
    else:  # a timer without a histogram: its mean
        count, total = (sum(float(m.group(2)) - 0 for m in re.finditer(r'^%s_%s\{([^}]*)\} ([0-9.eE+-]+)' % (name, kind), text, re.M)
                            if having in m.group(1)) for kind, text in (("count", after), ("sum", after)))
        count0, total0 = (sum(float(m.group(2)) for m in re.finditer(r'^%s_%s\{([^}]*)\} ([0-9.eE+-]+)' % (name, kind), text, re.M)
                              if having in m.group(1)) for kind, text in (("count", before), ("sum", before)))
        n = count - count0
        print(f"{label}: n={int(n)} mean={(total - total0) / n * 1000:.1f} ms" if n else f"{label}: n=0")
heap = sum(float(m.group(1)) for m in re.finditer(r'^jvm_memory_used_bytes\{[^}]*area="heap"[^}]*\} ([0-9.eE+-]+)', after, re.M))
print(f"heap used after run: {heap/1e6:.0f} MB")
PY
grep "^summary" "$work/sim.txt" >> "$out"
cat "$out"
