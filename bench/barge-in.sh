#!/usr/bin/env bash
# Barge-in latency: the caller starts speaking while the agent talks → the clear on Twilio's socket (the agent's
# audio stops), for the gateway (Deepgram SpeechStarted + interim transcript → barge-in rules (min words,
# backchannels) → clear, cancel of the LLM/TTS turn) against the bare pipeline baseline (MODE=pipeline: clear on
# SpeechStarted or an interim of >= 2 words while a mark is pending, nothing else).
#
# ROUNDS times, alternating with a fresh process each: the pipeline, then the gateway (Groq and Azure simulators at
# 0 ms). Each target first gets WARMUP_CALLS calls (not recorded), then voice-load --mode bargein: CALLS concurrent
# real-time calls ramped over RAMP_SECONDS; 300 ms into each greeting (its mark still pending) the tool, as
# Deepgram, sends SpeechStarted and an interim "wait stop please". Reported: interim → clear p50/p99 (and from
# SpeechStarted), calls with no clear within 5 s (missed), agent frames within 300 ms after the clear.
# The gateway's Groq and Azure TTS simulators run in a process of their own (`java -jar JAR simulators`).
# The pipeline's greeting is TTS_SECONDS of mu-law audio in a throwaway redis-server; auto = as long as the gateway's
# greeting (the Azure TTS simulator's audio for the demo tenant's greeting, about 4.6 s).
#
# Usage: bench/barge-in.sh [NAME=VALUE...]      (or the same as environment variables)
#   CALLS=200 ROUNDS=2 RAMP_SECONDS=10 WARMUP_CALLS=3 (0: none) TTS_SECONDS=auto  JAR=...  BENCH_SMOKE=1
# Results: bench/results/barge-in-<UTC stamp>.jsonl, the table in bench/README.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_args "$@"
CALLS=${CALLS:-200}
ROUNDS=${ROUNDS:-2}
RAMP_SECONDS=${RAMP_SECONDS:-10}
WARMUP_CALLS=${WARMUP_CALLS:-3}
TTS_SECONDS=${TTS_SECONDS:-auto}
CMDLINE=$(command_line CALLS ROUNDS RAMP_SECONDS WARMUP_CALLS TTS_SECONDS)
results barge-in
log "barge-in: $CMDLINE → $RESULTS"
gateway_jar > /dev/null
pipeline_jar > /dev/null
start_redis
start_simulators
# the demo tenant's greeting (config/tenants.yaml), one synthesis per sentence
[ "$TTS_SECONDS" != auto ] || TTS_SECONDS=$(spoken_seconds "Hi, this is the Apex demo assistant." \
  "How can I help you today?")
store_tts "$TTS_SECONDS"

for rnd in $(seq 1 "$ROUNDS"); do
  for target in pipeline gateway; do
    log "round $rnd/$ROUNDS: $target"
    start_voice_target "$target"
    [ "$WARMUP_CALLS" = 0 ] || voice_load "$WORK/warmup.json" bargein "$WARMUP_CALLS" 1 1
    out=$WORK/$target-$rnd.json
    voice_load "$out" bargein "$CALLS" "$RAMP_SECONDS" 1
    record "$target" "$rnd" < "$out"
    "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); print("  %s: n=%s interim->clear p50 %s p99 %s max %s ms, missed %s, frames after clear %s, no greeting %s, no opportunity %s, failed %s" % (sys.argv[2], r["n"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["missed"], r["frames_after_clear"], r["no_greeting"], r["no_opportunity"], r["calls_failed"]))' \
      "$out" "$target" >&2
    stop_pid "$PID"
  done
done

md=$WORK/barge-in.md
"$PY" - "$RESULTS" > "$md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
f = lambda x: "—" if x is None else f"{x:.1f}"
print("Caller speech during the agent's greeting → `clear` on the Twilio socket. The tool, as Deepgram, sends "
      "SpeechStarted then an interim transcript 300 ms into the greeting; latency from the interim (from SpeechStarted "
      "in brackets). Bare pipeline (`MODE=pipeline`) vs the gateway; each row a fresh process, after a warm-up.\n")
print("| round | target | calls | n | p50 / p99 / max ms (from SpeechStarted p50 / p99) | missed | agent frames ≤ 300 ms after clear | cleared before the interim | no greeting / no opportunity / failed |")
print("|---|---|---|---|---|---|---|---|---|")
for r in sorted(rows, key=lambda r: (r["round"], r["target"] != "pipeline")):
    s = r["from_speech_started"]
    print(f"| {r['round']} | {r['target']} | {r['calls']} | {r['n']} | {f(r['p50_ms'])} / {f(r['p99_ms'])} / {f(r['max_ms'])} "
          f"({f(s['p50_ms'])} / {f(s['p99_ms'])}) | {r['missed']} | {r['frames_after_clear']} | {r['cleared_before_interim']} | "
          f"{r['no_greeting']} / {r['no_opportunity']} / {r['calls_failed']} |")
med = {t: {k: statistics.median([r[k] for r in rows if r["target"] == t and r[k] is not None] or [float("nan")])
           for k in ("p50_ms", "p99_ms")} for t in ("pipeline", "gateway")}
tot = {t: {k: sum(r[k] for r in rows if r["target"] == t) for k in ("missed", "frames_after_clear")} for t in med}
print(f"\nMedians over the rounds: pipeline p50 {f(med['pipeline']['p50_ms'])} / p99 {f(med['pipeline']['p99_ms'])} ms, "
      f"gateway p50 {f(med['gateway']['p50_ms'])} / p99 {f(med['gateway']['p99_ms'])} ms"
      + (f" (p99 ratio gateway/pipeline {med['gateway']['p99_ms'] / med['pipeline']['p99_ms']:.2f}×)" if med['pipeline']['p99_ms'] else "")
      + f". Missed: pipeline {tot['pipeline']['missed']}, gateway {tot['gateway']['missed']}; agent frames after the clear: "
      f"pipeline {tot['pipeline']['frames_after_clear']}, gateway {tot['gateway']['frames_after_clear']}.")
PY
footer "$CMDLINE" >> "$md"
echo
cat "$md"
publish barge-in "$md"
