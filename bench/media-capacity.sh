#!/usr/bin/env bash
# Media-plane capacity: how many concurrent real-time calls the gateway relays Twilio → Deepgram without losing or
# delaying a frame, against the bare relay baseline (bench/baselines/bare-pipeline, MODE=relay) on the same machine.
#
# ROUNDS times, alternating, each with a fresh process: the bare relay (media-load --no-webhook), then the gateway
# (signed webhook, then the Media Streams socket). media-load steps through STEPS concurrent calls (STEP_SECONDS
# measured after a RAMP_SECONDS ramp each); a step is ok when no frame was lost, reordered or misrouted, no call
# failed and the Twilio → STT delay p99 < 20 ms. capacity = the largest ok step. CPU µs per frame is the target
# process's CPU time in the window over the frames it relayed.
# Then the burst rows: a fresh relay and a fresh gateway, the first step BURST_CALLS calls at once (ramp 1 s);
# lost must be 0. The gateway's burst run also reads its heap (jcmd GC.class_histogram: the bytes of live objects after a full GC, whichever the collector): before any call, with
# BURST_CALLS calls live, and in a second step with HEAP_CALLS calls live (the readings' full GCs pause the gateway
# mid-step, so the burst rows report frames lost, not delay).
#
# Usage: bench/media-capacity.sh [NAME=VALUE...]      (or the same as environment variables)
#   STEPS=200,400,600,800,1000 STEP_SECONDS=20 RAMP_SECONDS=5 ROUNDS=2 BURST_CALLS=200 HEAP_CALLS=400
#   JAR=target/apex-voice-gateway.jar  BENCH_SMOKE=1 (no README change)  see bench/lib.sh for the rest
# Results: bench/results/media-capacity-<UTC stamp>.jsonl, the table in bench/README.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_args "$@"
STEPS=${STEPS:-200,400,600,800,1000}
STEP_SECONDS=${STEP_SECONDS:-20}
RAMP_SECONDS=${RAMP_SECONDS:-5}
ROUNDS=${ROUNDS:-2}
BURST_CALLS=${BURST_CALLS:-200}
HEAP_CALLS=${HEAP_CALLS:-400}
CMDLINE=$(command_line STEPS STEP_SECONDS RAMP_SECONDS ROUNDS BURST_CALLS HEAP_CALLS)
results media-capacity
log "media-capacity: $CMDLINE → $RESULTS"
gateway_jar > /dev/null
pipeline_jar > /dev/null
start_redis # the gateway's Redis (the relay needs none)

# heap.sh PID PORT: "HEAP REPLAY DIRECT" in KiB: the live heap of process PID (GC.class_histogram runs a full GC
# first; its Total line is in bytes), and from the gateway's actuator on PORT the STT replay audio its calls keep off
# the heap (apex.stt.replay.audio.bytes, state kept) and the JVM's direct buffers in all (-1 when unreadable)
cat > "$WORK/heap.sh" <<'SH'
#!/bin/sh
heap=$(jcmd "$1" GC.class_histogram 2> /dev/null | awk '$1 == "Total" { printf "%d", $3 / 1024; found = 1 } END { exit !found }') || exit 1
metric() {
  curl -sf "http://127.0.0.1:$2/actuator/metrics/$1" | sed -n 's/.*"value":\([0-9.E+]*\).*/\1/p' \
    | awk '{ printf "%d", $1 / 1024 }'
}
replay=$(metric 'apex.stt.replay.audio.bytes?tag=state:kept' "$2")
direct=$(metric 'jvm.buffer.memory.used?tag=id:direct' "$2")
echo "$heap ${replay:--1} ${direct:--1}"
SH
chmod +x "$WORK/heap.sh"

# media TARGET ROUND KIND STEPS RAMP [media-load options...]: one media-load run against the target up now
media() {
  local target=$1 rnd=$2 kind=$3 steps=$4 ramp=$5 out
  shift 5
  out=$WORK/$target-$rnd-$kind.jsonl
  run_tool "$out" "$PID" "$GW_LOG" "$NODE" bench/load/media-load.mjs --media-url "ws://127.0.0.1:$MP/twilio/media" \
    --sink-port "$SP" --steps "$steps" --step-seconds "$STEP_SECONDS" --ramp-seconds "$ramp" --target-pid "$PID" \
    --auth-token local-dev-auth-token --json "$@"
  record "$target" "$rnd" kind="$kind" < "$out"
  grep -q '"summary":true' "$out" || die "media-load printed no summary ($target, round $rnd, $kind)"
  "$PY" - "$out" "$target" "$kind" <<'PY' >&2
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("summary"):
        print(f"  {sys.argv[2]} {sys.argv[3]}: capacity {r['capacity']}")
    else:
        print(f"  {sys.argv[2]} {r['calls']} calls: ok={r['ok']} lost={r['lost']} p99={r['delay_p99_ms']} ms "
              f"max={r['delay_max_ms']} ms {r['cpu_us_per_frame']} us/frame failed={r['calls_failed']}")
PY
}

for rnd in $(seq 1 "$ROUNDS"); do
  log "round $rnd/$ROUNDS: bare relay"
  start_pipeline relay
  media relay "$rnd" steps "$STEPS" "$RAMP_SECONDS" --no-webhook --url "http://127.0.0.1:$MP"
  stop_pid "$PID"
  log "round $rnd/$ROUNDS: gateway"
  start_gateway 0
  media gateway "$rnd" steps "$STEPS" "$RAMP_SECONDS" --url "http://127.0.0.1:$GP"
  stop_pid "$PID"
done

log "burst right after start: bare relay"
start_pipeline relay
media relay 1 burst "$BURST_CALLS" 1 --no-webhook --url "http://127.0.0.1:$MP"
stop_pid "$PID"
log "burst right after start + heap per call: gateway"
start_gateway 0
sleep 3 # let the start-up work (TTS prewarm, first tenant reload) settle; the second of two full GCs is read
"$WORK/heap.sh" "$PID" "$GP" > /dev/null || die "jcmd could not read the gateway's heap"
readings=$("$WORK/heap.sh" "$PID" "$GP") || die "jcmd could not read the gateway's heap"
read -r heap0 replay0 direct0 <<< "$readings"
echo "{\"heap_before_kib\":$heap0,\"replay_before_kib\":$replay0,\"direct_before_kib\":$direct0}" \
  | record gateway 1 kind=heap-before
media gateway 1 burst "$BURST_CALLS,$HEAP_CALLS" 1 --url "http://127.0.0.1:$GP" --on-step-cmd "'$WORK/heap.sh' $PID $GP"
stop_pid "$PID"

md=$WORK/media-capacity.md
"$PY" - "$RESULTS" "$BURST_CALLS" "$HEAP_CALLS" > "$md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
burst_calls, heap_calls = int(sys.argv[2]), int(sys.argv[3])
steps = [r for r in rows if r.get("kind") == "steps" and not r.get("summary")]
summ = [r for r in rows if r.get("kind") == "steps" and r.get("summary")]
med = lambda xs: statistics.median(xs) if xs else None
fmt = lambda x, d=1: "—" if x is None else (f"{x:.{d}f}" if isinstance(x, float) else str(x))
def at(target, calls): return [r for r in steps if r["target"] == target and r["calls"] == calls]
print("Media plane, Twilio → STT, bare relay (`MODE=relay`, no webhook) vs the gateway (signed webhook + media "
      "stream); medians over the rounds, each round a fresh process.\n")
print("| concurrent calls | ok per round: relay / gateway | delay p99 ms: relay / gateway | delay max ms: relay / gateway "
      "| CPU µs/frame: relay / gateway (ratio) | frames lost: relay / gateway |")
print("|---|---|---|---|---|---|")
for calls in sorted({r["calls"] for r in steps}):
    rl, gw = at("relay", calls), at("gateway", calls)
    ok = lambda rs: "".join("✓" if r["ok"] else "✗" for r in rs) or "—"
    p99 = lambda rs: med([r["delay_p99_ms"] for r in rs if r["delay_p99_ms"] is not None])
    mx = lambda rs: max([r["delay_max_ms"] for r in rs if r["delay_max_ms"] is not None], default=None)
    us = lambda rs: med([r["cpu_us_per_frame"] for r in rs if r["cpu_us_per_frame"] is not None])
    ratio = f" ({us(gw) / us(rl):.2f}×)" if us(rl) and us(gw) else ""
    lost = lambda rs: "+".join(str(r["lost"]) for r in rs)
    print(f"| {calls} | {ok(rl)} / {ok(gw)} | {fmt(p99(rl))} / {fmt(p99(gw))} | {fmt(mx(rl))} / {fmt(mx(gw))} "
          f"| {fmt(us(rl))} / {fmt(us(gw))}{ratio} | {lost(rl)} / {lost(gw)} |")
cap = {t: [r["capacity"] for r in summ if r["target"] == t] for t in ("relay", "gateway")}
print()
crl, cgw = med(cap["relay"]), med(cap["gateway"])
ratio = f"{cgw / crl:.2f}" if crl else "—"
print(f"Capacity (largest ok step, per round): relay {cap['relay']}, gateway {cap['gateway']}; "
      f"gateway/relay (medians) = {ratio}.")
top = [c for c in sorted({r["calls"] for r in steps}) if at("relay", c) and at("gateway", c)
       and all(r["ok"] for r in at("relay", c) + at("gateway", c))]
if top:
    c = top[-1]
    u = lambda t: med([r["cpu_us_per_frame"] for r in at(t, c) if r["cpu_us_per_frame"] is not None])
    if u("relay") and u("gateway"):
        print(f"CPU per frame at {c} calls (the largest step both passed every round): gateway/relay = "
              f"{u('gateway') / u('relay'):.2f}.")
burst = [r for r in rows if r.get("kind") == "burst" and not r.get("summary")]
print()
print("| burst right after start (fresh process, ramp 1 s) | calls | frames received | lost | calls failed/dropped | verdict |")
print("|---|---|---|---|---|---|")
for r in burst:
    if r["calls"] != burst_calls:
        continue
    print(f"| {r['target']} | {r['calls']} | {r['frames_received']} | {r['lost']} | "
          f"{r['calls_failed']}/{r['calls_dropped']} | {'ok (lost 0)' if r['lost'] == 0 else 'NOT OK: frames lost'} |")
h0 = next((r["heap_before_kib"] for r in rows if r.get("kind") == "heap-before"), None)
r0 = next((r.get("replay_before_kib", -1) for r in rows if r.get("kind") == "heap-before"), -1)
d0 = next((r.get("direct_before_kib", -1) for r in rows if r.get("kind") == "heap-before"), -1)
readings = {r["calls"]: [int(x) for x in str(r.get("on_step_output") or "").split()] for r in burst
            if r["target"] == "gateway" and r.get("on_step_exit") == 0
            and all(x.lstrip("-").isdigit() for x in str(r.get("on_step_output") or "x").split())}
heap = {n: v[0] for n, v in readings.items() if v}
replay = {n: v[1] for n, v in readings.items() if len(v) > 2 and v[1] >= 0}
direct = {n: v[2] for n, v in readings.items() if len(v) > 2 and v[2] >= 0}
print()
if h0 is not None and heap:
    parts = [f"before any call {h0 / 1024:.1f} MiB"] + [f"{n} calls live {kib / 1024:.1f} MiB" for n, kib in sorted(heap.items())]
    print("Gateway live heap (`jcmd GC.class_histogram` total, after its full GC): " + ", ".join(parts) + ".")
    n1, n2 = min(heap), max(heap)
    if n2 > n1:
        print(f"**Heap per call: {(heap[n2] - heap[n1]) / (n2 - n1):.1f} KiB** (marginal: ({heap[n2]} − {heap[n1]}) KiB "
              f"/ ({n2} − {n1}) calls); from before any call to {n1} calls: {(heap[n1] - h0) / n1:.1f} KiB per call "
              f"(includes one-time initialisation).")
    else:
        print(f"Heap per call: ({heap[n1]} − {h0}) KiB / {n1} = {(heap[n1] - h0) / n1:.1f} KiB (includes one-time "
              f"initialisation).")
    if len(replay) == len(heap) and len(direct) == len(heap) and r0 >= 0 and n2 > n1:
        print(f"Off the heap: STT replay audio the calls keep (`apex.stt.replay.audio.bytes`, kept) before any call "
              f"{r0} KiB, " + ", ".join(f"{n} calls live {kib / 1024:.1f} MiB" for n, kib in sorted(replay.items()))
              + f": **{(replay[n2] - replay[n1]) / (n2 - n1):.1f} KiB per call** (marginal); the JVM's direct "
              f"buffers in all (`jvm.buffer.memory.used`, id `direct`, free replay pages kept for reuse included) "
              f"before any call {d0 / 1024:.1f} MiB, "
              + ", ".join(f"{n} calls live {kib / 1024:.1f} MiB" for n, kib in sorted(direct.items())) + ".")
else:
    print("Gateway heap per call: no reading (jcmd failed).")
PY
footer "$CMDLINE" >> "$md"
echo
cat "$md"
publish media-capacity "$md"
# the verdict (the exit status reports failed runs only)
if grep -q 'NOT OK' "$md"; then log "verdict: frames lost in a burst right after start"; else log "verdict: no frame lost in the bursts"; fi
