#!/usr/bin/env bash
# Turn overhead: final transcript → first agent audio frame, seen from Twilio's side, for the gateway (full path:
# conversation-turn route, session, tenant and LLM permits, Groq SSE → sentence split → TTS cache / Azure → framing)
# with its Groq and Azure simulators at 0 ms, against the bare pipeline baseline (bench/baselines/bare-pipeline,
# MODE=pipeline: one Redis GET of ready mu-law audio per final transcript, then 20 ms frames + a mark), the least
# any voice agent must do. What the gateway adds over the baseline is its own cost per turn.
#
# The gateway's Groq and Azure TTS simulators run in a process of their own (`java -jar JAR simulators`), started
# once, so their work is not counted as the gateway's.
# LLM_FLOOR=1 (default) adds a third target between the two: the bare pipeline that first asks the Groq simulator
# (one streamed chat completion per final transcript, the turn going on at its first bytes), the least any agent that
# calls an LLM must do: what the gateway adds over it is its own cost; over the plain pipeline, also the LLM hop.
# For each CALLS value, ROUNDS times, alternating with a fresh process each: the pipeline, then the gateway. Each
# target first gets WARMUP_RUNS unrecorded runs of WARMUP_CALLS calls (default: the measured CALLS) with the same turns
# and ramp, so both are JIT-warm as in production and the gateway's TTS cache holds the replies (0: no warm-up), then
# voice-load --mode turn: CALLS concurrent real-time calls ramped over RAMP_SECONDS, each TURNS turns after the
# greeting; the tool is also the Deepgram endpoint and sends each final transcript itself.
# The pipeline's TTS_KEY holds TTS_SECONDS of mu-law audio (a 0x7f/0xff pattern) in a throwaway redis-server; auto =
# as long as the gateway's reply to the tool's question (the Azure TTS simulator's audio for it, about 6 s), so both
# targets send the tool the same number of frames per turn.
#
# Usage: bench/turn-overhead.sh [NAME=VALUE...]      (or the same as environment variables)
#   CALLS=50,200 ROUNDS=2 RAMP_SECONDS=10 TURNS=3 WARMUP_CALLS=<CALLS> (0: none) WARMUP_RUNS=3 TTS_SECONDS=auto
#   LLM_FLOOR=1
#   JAR=...  BENCH_SMOKE=1
# A gateway turn answered with the fallback phrase (LLM or TTS refused) is not the path measured: their count is in
# the results ("fallbacks") and the table, and should be 0.
# Results: bench/results/turn-overhead-<UTC stamp>.jsonl, the table in bench/README.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_args "$@"
CALLS=${CALLS:-50,200}
ROUNDS=${ROUNDS:-2}
RAMP_SECONDS=${RAMP_SECONDS:-10}
TURNS=${TURNS:-3}
WARMUP_CALLS=${WARMUP_CALLS:-}
WARMUP_RUNS=${WARMUP_RUNS:-3}
TTS_SECONDS=${TTS_SECONDS:-auto}
LLM_FLOOR=${LLM_FLOOR:-1}
CMDLINE=$(command_line CALLS ROUNDS RAMP_SECONDS TURNS WARMUP_CALLS WARMUP_RUNS TTS_SECONDS LLM_FLOOR)
targets=(pipeline gateway)
[ "$LLM_FLOOR" = 0 ] || targets=(pipeline pipeline-llm gateway)
results turn-overhead
log "turn-overhead: $CMDLINE → $RESULTS"
gateway_jar > /dev/null
pipeline_jar > /dev/null
start_redis
start_simulators
# the demo tenant's reply to voice-load's question (LocalSimulators.DEMO_REPLIES), one synthesis per sentence
[ "$TTS_SECONDS" != auto ] || TTS_SECONDS=$(spoken_seconds \
  "We are open every day from nine in the morning to six in the evening." "Anything else?")
store_tts "$TTS_SECONDS"

IFS=, read -r -a calls_list <<< "$CALLS"
for calls in "${calls_list[@]}"; do
  for rnd in $(seq 1 "$ROUNDS"); do
    for target in "${targets[@]}"; do
      log "$calls calls, round $rnd/$ROUNDS: $target"
      start_voice_target "$target"
      warm=${WARMUP_CALLS:-$calls}
      if [ "$warm" != 0 ]; then
        for _ in $(seq 1 "$WARMUP_RUNS"); do voice_load "$WORK/warmup.json" turn "$warm" "$RAMP_SECONDS" "$TURNS"; done
      fi
      out=$WORK/$target-$calls-$rnd.json
      before=$(fallbacks "$target")
      voice_load "$out" turn "$calls" "$RAMP_SECONDS" "$TURNS"
      record "$target" "$rnd" fallbacks=$(($(fallbacks "$target") - before)) < "$out"
      "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); print("  %s: n=%s p50 %s p90 %s p99 %s max %s ms, timeouts %s, no greeting %s, failed %s" % (sys.argv[2], r["n"], r["p50_ms"], r["p90_ms"], r["p99_ms"], r["max_ms"], r["timeouts"], r["no_greeting"], r["calls_failed"]))' \
        "$out" "$target" >&2
      stop_pid "$PID"
    done
  done
done

md=$WORK/turn-overhead.md
"$PY" - "$RESULTS" "$TURNS" "$TTS_SECONDS" > "$md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
turns, tts_seconds = sys.argv[2], sys.argv[3]
f = lambda x: "—" if x is None else f"{x:.1f}"
def cell(r):
    extra = [f"{r[k]} {k.replace('_', ' ')}" for k in ("timeouts", "no_greeting", "calls_failed", "calls_dropped", "fallbacks") if r.get(k)]
    return f"{f(r['p50_ms'])} / {f(r['p99_ms'])} / {f(r['max_ms'])} (n={r['n']}{', ' + ', '.join(extra) if extra else ''})"
targets = [t for t in ("pipeline", "pipeline-llm", "gateway") if any(r["target"] == t for r in rows)]
names = {"pipeline": "pipeline", "pipeline-llm": "pipeline + LLM", "gateway": "gateway"}
print("Final transcript (sent by the tool as Deepgram) → first agent media frame on the call's Twilio socket, "
      f"{turns} turns per call after the greeting. Bare pipeline (`MODE=pipeline`, one Redis GET per turn) vs the "
      "gateway with its Groq and Azure simulators at 0 ms (in a process of their own); each row a fresh process, after "
      "its warm-up runs. The pipeline plays " + tts_seconds + " s of audio per turn, as long as the gateway's reply."
      + (" Pipeline + LLM (`LLM_URL`): the same pipeline asking the Groq simulator first (one streamed chat completion,"
         " going on at its first bytes), the least a turn with an LLM request costs." if "pipeline-llm" in targets
         else "") + "\n")
print("| concurrent calls | round | " + " | ".join(f"{names[t]} p50 / p99 / max ms" for t in targets) + " |")
print("|---|---|" + "---|" * len(targets))
calls_values = sorted({r["calls"] for r in rows})
med = {}
for c in calls_values:
    by = {t: sorted((r for r in rows if r["calls"] == c and r["target"] == t), key=lambda r: r["round"]) for t in targets}
    for i in range(max(len(v) for v in by.values())):
        cells = [cell(by[t][i]) if i < len(by[t]) else "—" for t in targets]
        print(f"| {c} | {i + 1} | " + " | ".join(cells) + " |")
    for t in targets:
        med[(c, t)] = {k: statistics.median([r[k] for r in by[t] if r[k] is not None] or [float("nan")]) for k in ("p50_ms", "p99_ms", "max_ms")}
    print(f"| {c} | **median** | " + " | ".join(f"**{f(med[(c, t)]['p50_ms'])} / {f(med[(c, t)]['p99_ms'])}** / {f(med[(c, t)]['max_ms'])}"
                                           for t in targets) + " |")
c = 200 if 200 in calls_values else calls_values[-1]
p, g = med[(c, "pipeline")]["p99_ms"], med[(c, "gateway")]["p99_ms"]
frames = {t: sum(r.get("agent_frames", 0) for r in rows if r["target"] == t) for t in targets}
print("\nAgent media frames the tool received over the measured runs: "
      + ", ".join(f"{names[t]} {frames[t]}" for t in targets) + " (the same audio per turn: equal load on the tool and the sockets).")
l = med[(c, "pipeline-llm")]["p99_ms"] if "pipeline-llm" in targets else None
if not p:
    pass
elif l:
    print(f"\np99 at {c} calls (medians): gateway {f(g)} ms vs pipeline {f(p)} ms = {g / p:.2f}×. "
          f"Pipeline + LLM {f(l)} ms = {l / p:.2f}× the pipeline (the LLM hop alone ≈ {f(l - p)} ms); the gateway over it {g / l:.2f}×, its own "
          f"cost per turn at p99 ≈ {f(g - l)} ms.")
else:
    print(f"\np99 at {c} calls (medians): gateway {f(g)} ms vs pipeline {f(p)} ms = {g / p:.2f}×; the gateway's own cost "
          f"per turn at p99 ≈ {f(g - p)} ms.")
PY
footer "$CMDLINE" >> "$md"
echo
cat "$md"
publish turn-overhead "$md"
