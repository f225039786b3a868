#!/usr/bin/env bash
# Voice-webhook intake throughput: the gateway's POST /twilio/demo/voice against the FastAPI baseline
# (bench/baselines/fastapi-intake/app.py, 2 uvicorn workers: the Python service the gateway replaces, doing the same
# work: signature, tenant, CallSid, idempotency key, rate window and concurrent-call admission in Redis, TwiML with a
# stream token).
#
# One redis-server; the gateway uses db 0, FastAPI db 1 (both with the demo tenant's call limits lifted). Both stay up
# for the whole run; each first gets an unmeasured warm-up run (PREWARM_SECONDS), then ROUNDS alternating rounds
# (FastAPI, gateway, FastAPI, gateway, ...) of intake-load: CONCURRENCY closed-loop keep-alive connections, each
# request a signed first delivery with a fresh CallSid, WARMUP_SECONDS then ROUND_SECONDS measured.
#
# Usage: bench/intake.sh [NAME=VALUE...]      (or the same as environment variables)
#   ROUNDS=3 CONCURRENCY=50 ROUND_SECONDS=10 WARMUP_SECONDS=2 PREWARM_SECONDS=30 FASTAPI_WORKERS=2
#   SKIP_FASTAPI=1 (gateway only, when /usr/bin/python3 lacks fastapi/uvicorn/redis)  JAR=...  BENCH_SMOKE=1
# Results: bench/results/intake-<UTC stamp>.jsonl, the table in bench/README.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_args "$@"
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-50}
ROUND_SECONDS=${ROUND_SECONDS:-10} # (not SECONDS: bash's own $SECONDS counts the script's run time)
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
PREWARM_SECONDS=${PREWARM_SECONDS:-30}
SKIP_FASTAPI=${SKIP_FASTAPI:-0}
CMDLINE=$(command_line ROUNDS CONCURRENCY ROUND_SECONDS WARMUP_SECONDS PREWARM_SECONDS)
results intake
log "intake: $CMDLINE → $RESULTS"
if [ "$SKIP_FASTAPI" != 1 ] && ! fastapi_ok; then
  die "$PY lacks fastapi/uvicorn/redis (Debian: apt-get install -y python3-fastapi python3-uvicorn python3-redis); SKIP_FASTAPI=1 runs the gateway alone"
fi

start_redis
start_gateway 0
GW_PID=$PID
targets=(gateway)
if [ "$SKIP_FASTAPI" != 1 ]; then
  start_fastapi 1
  targets=(fastapi gateway)
else
  log "SKIP_FASTAPI=1: the FastAPI baseline is not run"
fi

url_of() { if [ "$1" = gateway ]; then echo "http://127.0.0.1:$GP/twilio/demo/voice"; else echo "http://127.0.0.1:$FP/twilio/demo/voice"; fi; }
pid_of() { if [ "$1" = gateway ]; then echo "$GW_PID"; else echo "$FASTAPI_PID"; fi; }
log_of() { if [ "$1" = gateway ]; then echo "$GW_LOG"; else echo "$WORK/fastapi.log"; fi; }

# intake TARGET ROUND SECONDS WARMUP OUT
intake() {
  run_tool "$5" "$(pid_of "$1")" "$(log_of "$1")" "$NODE" bench/load/intake-load.mjs --url "$(url_of "$1")" \
    --auth-token local-dev-auth-token --concurrency "$CONCURRENCY" --seconds "$3" --warmup-seconds "$4" --json
}

for t in "${targets[@]}"; do
  log "warm-up: $t, $PREWARM_SECONDS s (not recorded)"
  intake "$t" 0 "$PREWARM_SECONDS" 0 "$WORK/warmup-$t.json"
done
for rnd in $(seq 1 "$ROUNDS"); do
  for t in "${targets[@]}"; do
    out=$WORK/$t-$rnd.json
    intake "$t" "$rnd" "$ROUND_SECONDS" "$WARMUP_SECONDS" "$out"
    record "$t" "$rnd" < "$out"
    "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); print("  %s round %s: %s rps, p50 %s ms, p99 %s ms, ok %s/%s, non-ok %s" % (sys.argv[2], sys.argv[3], r["rps"], r["p50_ms"], r["p99_ms"], r["ok"], r["requests"], r["non_ok"]))' \
      "$out" "$t" "$rnd" >&2
  done
done

md=$WORK/intake.md
"$PY" - "$RESULTS" "$CONCURRENCY" "$ROUND_SECONDS" > "$md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
conc, secs = sys.argv[2], sys.argv[3]
targets = [t for t in ("fastapi", "gateway") if any(r["target"] == t for r in rows)]
name = {"fastapi": "FastAPI (2 workers)", "gateway": "gateway"}
nonok = lambda r: sum(r["non_ok"].values())
print(f"Signed voice webhooks (`POST /twilio/demo/voice`, every request a first delivery), {conc} keep-alive "
      f"connections, {secs} s per round, rounds alternating, both targets warmed up first.\n")
print("| round | " + " | ".join(f"{name[t]}: rps / p50 ms / p99 ms / non-ok" for t in targets) + " |")
print("|---|" + "---|" * len(targets))
by = {t: sorted((r for r in rows if r["target"] == t), key=lambda r: r["round"]) for t in targets}
for i in range(max(len(v) for v in by.values())):
    cells = []
    for t in targets:
        r = by[t][i] if i < len(by[t]) else None
        cells.append("—" if r is None else f"{r['rps']:.0f} / {r['p50_ms']:.1f} / {r['p99_ms']:.1f} / {nonok(r)}")
    print(f"| {i + 1} | " + " | ".join(cells) + " |")
med = {t: {k: statistics.median([r[k] for r in by[t]]) for k in ("rps", "p50_ms", "p99_ms")} for t in targets}
print("| **median** | " + " | ".join(f"**{med[t]['rps']:.0f}** / {med[t]['p50_ms']:.1f} / {med[t]['p99_ms']:.1f} / "
                                    f"{sum(nonok(r) for r in by[t])} (total)" for t in targets) + " |")
kinds = sorted({k for t in targets for r in by[t] for k in r["non_ok"]})
if kinds:
    print(f"\nNon-ok outcomes: " + "; ".join(f"{name[t]} " + json.dumps({k: sum(r['non_ok'].get(k, 0) for r in by[t]) for k in kinds})
                                           for t in targets) + ".")
if len(targets) == 2:
    g, f = med["gateway"], med["fastapi"]
    print(f"\nGateway/FastAPI (medians): throughput {g['rps'] / f['rps']:.2f}×, p99 latency (lower is better) "
          f"{g['p99_ms'] / f['p99_ms']:.2f}×." if f["rps"] and f["p99_ms"] else "")
PY
footer "$CMDLINE" >> "$md"
echo
cat "$md"
publish intake "$md"
