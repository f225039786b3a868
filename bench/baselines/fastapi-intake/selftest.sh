#!/usr/bin/env bash
# Self test of app.py: a throwaway redis-server and uvicorn (2 workers), both on loopback and random ports, driven
# with curl; a Python snippet signs each request as Twilio does. Exits non-zero at the first failure.
# Needs /usr/bin/python3 with fastapi, uvicorn and redis (Debian: python3-fastapi python3-uvicorn python3-redis),
# redis-server >= 7.0, redis-cli and curl.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
http_port=$(free_port)
export TOKEN=selftest-auth-token SECRET=selftest-stream-secret
base=https://gw.example.test # Twilio's view of the service; the requests themselves go to loopback
max_calls=4
per_minute=1000

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
pids+=($!)
(cd "$here" && REDIS_URL="redis://127.0.0.1:$redis_port/0" TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_BASE_URL=$base \
  STREAM_TOKEN_SECRET=$SECRET MAX_CONCURRENT_CALLS=$max_calls CALLS_PER_MINUTE=$per_minute \
  exec $py -m uvicorn app:app --workers 2 --host 127.0.0.1 --port "$http_port" --log-level warning) > "$work/uvicorn.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break; sleep 0.1; done

passed=0
fail() { echo "fastapi-intake selftest FAILED: $*" >&2; cat "$work/uvicorn.log" >&2; exit 1; }
ok() { passed=$((passed + 1)); echo "ok - $*"; }
rcli() { redis-cli -p "$redis_port" "$@"; }

# sign URL NAME=VALUE...: X-Twilio-Signature as Twilio computes it (PROTOCOLS 1.2)
sign() {
  $py - "$@" <<'PY'
import base64, hashlib, hmac, os, sys
url, pairs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
data = url + "".join(k + v for k, v in sorted(pairs))
print(base64.b64encode(hmac.new(os.environ["TOKEN"].encode(), data.encode(), hashlib.sha1).digest()).decode())
PY
}

# post TENANT SIGNATURE NAME=VALUE...: sets $status and $ctype, the body goes to $work/${BODY:-body}
post() {
  local tenant=$1 sig=$2 args=()
  shift 2
  for p in "$@"; do args+=(--data-urlencode "$p"); done
  read -r status ctype < <(curl -s -o "$work/${BODY:-body}" -w '%{http_code} %{content_type}\n' \
    ${sig:+-H "X-Twilio-Signature: $sig"} "${args[@]}" "http://127.0.0.1:$http_port/twilio/$tenant/voice")
}

# call_params CALLSID: a ringing inbound call as Twilio posts it (a blank field included)
call_params() {
  echo "AccountSid=AC00000000000000000000000000000000 ApiVersion=2010-04-01 CallSid=$1 CallStatus=ringing" \
    "Called=+14155550199 Caller=+14155550100 Direction=inbound From=+14155550100 FromCity= To=+14155550199"
}

# signed_call CALLSID [URL TWILIO SIGNED]: posts the call to the demo tenant, signed over URL
signed_call() {
  local url=${2:-$base/twilio/demo/voice}
  # shellcheck disable=SC2046
  post demo "$(sign "$url" $(call_params "$1"))" $(call_params "$1")
}

new_sid() { echo "CA$($py -c 'import secrets; print(secrets.token_hex(16))')"; }

expect_status() { [ "$status" = "$1" ] || fail "$2: HTTP $status, expected $1: $(cat "$work/${BODY:-body}")"; }

# expect_twiml connect|busy CALLSID: 200, text/xml, and the TwiML's shape; a connect's stream URL and token are checked
expect_twiml() {
  expect_status 200 "$1 TwiML for $2"
  [[ "$ctype" == text/xml* ]] || fail "content type $ctype"
  $py - "$1" "$2" "$work/${BODY:-body}" <<'PY' || fail "$1 TwiML for $2: $(cat "$work/${BODY:-body}")"
import hashlib, hmac, os, sys, time, xml.etree.ElementTree as ET
kind, sid, path = sys.argv[1:]
root = ET.parse(path).getroot()
assert root.tag == "Response"
if kind == "busy":
    assert [c.tag for c in root] == ["Say", "Hangup"], "busy shape"
    sys.exit()
assert [c.tag for c in root] == ["Connect", "Say", "Hangup"], "connect shape"
stream = root.find("Connect/Stream")
assert stream.get("url") == "wss://gw.example.test/twilio/media", stream.get("url")
params = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
assert params["tenant"] == "demo"
expiry, mac = params["token"].split(".")
now = int(time.time())
assert now < int(expiry) <= now + 301, "token expiry"
want = hmac.new(os.environ["SECRET"].encode(), f"{sid}|demo|{expiry}".encode(), hashlib.sha256).hexdigest()
assert hmac.compare_digest(mac, want), "token HMAC"
PY
}

window_count() { # calls counted in the demo tenant's rate windows
  local n=0
  for k in $(rcli --scan --pattern 'rl:{demo}:[0-9]*'); do n=$((n + $(rcli get "$k"))); done
  echo $n
}
active_calls() { rcli zcard 'rl:{demo}:active'; }

# --- a first delivery and its duplicate
a=$(new_sid)
signed_call "$a"
expect_twiml connect "$a"
cp "$work/body" "$work/first"
[ "$(rcli get "idem:{$a}")" = "$(cat "$work/first")" ] || fail "TwiML not stored under idem:{$a}"
ttl=$(rcli ttl "idem:{$a}")
[ "$ttl" -gt 0 ] && [ "$ttl" -le 300 ] || fail "idem:{$a} TTL $ttl"
ok "signed webhook → 200 <Connect><Stream> with tenant and a valid stream token, stored under idem:{CallSid}"
sleep 1.1 # so a re-computed token would carry another expiry
signed_call "$a"
expect_status 200 "duplicate"
cmp -s "$work/first" "$work/body" || fail "duplicate TwiML differs: $(cat "$work/body")"
[ "$(window_count)" = 1 ] && [ "$(active_calls)" = 1 ] || fail "duplicate counted again: window $(window_count), active $(active_calls)"
ok "duplicate → the identical TwiML, counted once"

# --- signatures
signed_call "$(new_sid)" "$base:443/twilio/demo/voice"
expect_twiml connect "port variant"
ok "signature over the URL with the default port (:443) accepted"
bad=$(new_sid)
# shellcheck disable=SC2046
post demo "$(sign "$base/twilio/demo/voice" $(call_params "$bad"))" $(call_params "$bad") Digits=1
expect_status 403 "tampered body"
# shellcheck disable=SC2046
post demo "$(sign "http://gw.example.test/twilio/demo/voice" $(call_params "$bad"))" $(call_params "$bad")
expect_status 403 "signed for another scheme"
# shellcheck disable=SC2046
post demo "" $(call_params "$bad")
expect_status 403 "no signature"
[ "$(rcli exists "idem:{$bad}")" = 0 ] || fail "a refused signature wrote idem:{$bad}"
ok "bad, wrong-URL or missing signature → 403, nothing written"

# --- tenant and CallSid
sid=$(new_sid)
# shellcheck disable=SC2046
post acme "$(sign "$base/twilio/acme/voice" $(call_params "$sid"))" $(call_params "$sid")
expect_status 404 "unknown tenant"
ok "unknown tenant → 404"
for bad_sid in CA123 "CA$(new_sid | cut -c3- | tr a-f A-F)" ""; do
  signed_call "$bad_sid"
  expect_status 400 "CallSid '$bad_sid'"
done
ok "malformed or missing CallSid → 400"

# --- a duplicate while the first delivery is still pending
b=$(new_sid)
rcli set "idem:{$b}" pending EX 300 > /dev/null
(BODY=pending; signed_call "$b"; echo "$status" > "$work/pending.status") &
sleep 0.3
rcli set "idem:{$b}" '<Response><Say>first</Say></Response>' XX KEEPTTL > /dev/null
wait $!
[ "$(cat "$work/pending.status")" = 200 ] && [ "$(cat "$work/pending")" = '<Response><Say>first</Say></Response>' ] \
  || fail "duplicate of a pending delivery: HTTP $(cat "$work/pending.status") $(cat "$work/pending")"
ok "duplicate of a pending delivery waits for its TwiML"
c=$(new_sid)
rcli set "idem:{$c}" pending EX 300 > /dev/null
signed_call "$c"
expect_status 503 "duplicate of a delivery that never completes"
ok "duplicate of a delivery that never completes → 503 after the wait"

# --- limits: the minute window, then the concurrent calls (two are admitted so far)
minute=$(( $(date +%s) / 60 ))
for m in $minute $((minute + 1)); do rcli set "rl:{demo}:$m" $per_minute EX 120 > /dev/null; done
limited=$(new_sid)
signed_call "$limited"
expect_twiml busy "$limited"
[ "$(active_calls)" = 2 ] || fail "a rate-limited call kept a slot: $(active_calls) active"
[ "$(rcli get "idem:{$limited}")" = "$(cat "$work/body")" ] || fail "busy TwiML not stored"
rcli del "rl:{demo}:$minute" "rl:{demo}:$((minute + 1))" > /dev/null
ok "over the calls-per-minute limit → busy TwiML, no slot taken, stored for duplicates"
for _ in 3 4; do
  sid=$(new_sid)
  signed_call "$sid"
  expect_twiml connect "$sid"
done
over=$(new_sid)
signed_call "$over"
expect_twiml busy "$over"
[ "$(active_calls)" = $max_calls ] && [ -z "$(rcli zscore 'rl:{demo}:active' "$over")" ] \
  || fail "over the concurrent limit: $(active_calls) active"
ok "over the concurrent-call limit → busy TwiML, slot given back"

echo "fastapi-intake selftest: $passed passed, 0 failed"
