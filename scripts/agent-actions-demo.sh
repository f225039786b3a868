#!/usr/bin/env bash
# A campaign call in which the model transfers the callee to a person: the built-in Twilio simulator places the call,
# its callee asks for a real person, the model calls transfer_call (the demo tenant allows +15005550199 only), the
# callee hears "Connecting you now, please hold." and the gateway redirects the call through Twilio REST with
# <Dial>+15005550199</Dial>; the simulator accepts the update (callsRedirected) and the callee's leg goes on there.
# Exits 0 once the campaign finished with the call redirected and the gateway counted transfer_call ok.
#   scripts/agent-actions-demo.sh [gateway-url] [tenant] [api-key] <twilio-simulator-url>
# The last argument is the built-in Twilio simulator's URL, from the gateway's startup line
# "twilio simulator listening on 127.0.0.1:<port>": the script gives its callees this script
# (PATCH /__control/settings) and puts the default back at the end. Needs curl.
set -euo pipefail
gateway=${1:-http://127.0.0.1:8080}
tenant=${2:-demo}
api_key=${3:-demo-key-change-me}
twilio_simulator=${4:?usage: $0 [gateway-url] [tenant] [api-key] <twilio-simulator-url>}
api="$gateway/api/v1/tenants/$tenant"
auth="Authorization: Bearer $api_key"

callee='- waitForAgent: { timeoutMs: 20000 }\n- say: \"Hi. Can I speak to a real person, please?\"\n'
callee+='- waitForAgent: { timeoutMs: 20000 }\n- silence: 3000\n- hangup\n'
curl -sS -f -X PATCH "$twilio_simulator/__control/settings" -H 'Content-Type: application/json' \
  -d "{\"calleeScript\":\"$callee\"}" >/dev/null
trap 'curl -sS -X PATCH "$twilio_simulator/__control/settings" -H "Content-Type: application/json" \
  -d "{\"calleeScript\":null}" >/dev/null || true' EXIT
redirected_before=$(curl -sS "$twilio_simulator/__control/stats" | sed -n 's/.*"callsRedirected":\([0-9]*\).*/\1/p')
echo "twilio simulator: callees ask for a person (redirected so far: $redirected_before)"

created=$(curl -sS -X POST "$api/campaigns" -H "$auth" -H 'Content-Type: application/json' -d '{
  "name": "demo transfer to a person", "priority": 5,
  "contacts": [{"to": "+14155550133", "variables": {"name": "Linus"}}]}')
echo "created: $created"
id=$(printf '%s' "$created" | sed -n 's/.*"campaignId":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "campaign not accepted" >&2; exit 1; }

for _ in $(seq 1 90); do
  progress=$(curl -sS "$api/campaigns/$id" -H "$auth")
  printf '%s  %s\n' "$(date +%T)" "$(printf '%s' "$progress" | sed 's/,"deadLetters".*//')"
  case "$progress" in *'"state":"finished"'*|*'"state":"cancelled"'*) break ;; esac
  sleep 1
done
redirected=$(curl -sS "$twilio_simulator/__control/stats" | sed -n 's/.*"callsRedirected":\([0-9]*\).*/\1/p')
transfers=$(curl -sS "$gateway/actuator/prometheus" \
  | grep "^apex_tool_calls_total{.*outcome=\"ok\".*tool=\"transfer_call\"" || true)
echo "twilio simulator: calls redirected $redirected_before -> $redirected"
echo "gateway: ${transfers:-no transfer_call ok in apex_tool_calls_total}"
[ "$redirected" -gt "$redirected_before" ] && [ -n "$transfers" ] || { echo "no transfer seen" >&2; exit 1; }
