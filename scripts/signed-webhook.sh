#!/usr/bin/env bash
# Places one call's webhooks against a running gateway exactly as Twilio would send them (signed with
# X-Twilio-Signature), then reads the call record back through the tenant API.
#   scripts/signed-webhook.sh [gateway-url] [tenant] [api-key]
# Defaults match the local profile: http://127.0.0.1:8080, tenant demo, key demo-key-change-me, auth token
# local-dev-auth-token (TWILIO_AUTH_TOKEN overrides). Needs curl, openssl, od.
set -euo pipefail
gateway=${1:-http://127.0.0.1:8080}
tenant=${2:-demo}
api_key=${3:-demo-key-change-me}
token=${TWILIO_AUTH_TOKEN:-local-dev-auth-token}
public=${PUBLIC_BASE_URL:-$gateway}
call_sid="CA$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# Twilio's algorithm (PROTOCOLS 1.2): URL + each field name+value, names sorted; HMAC-SHA1 with the auth token; base64.
sign() { # url, then name=value pairs (unencoded)
  local data=$1; shift
  while IFS= read -r pair; do data+="${pair%%=*}${pair#*=}"; done < <(printf '%s\n' "$@" | LC_ALL=C sort)
  printf '%s' "$data" | openssl dgst -sha1 -hmac "$token" -binary | openssl base64 -A
}
post() { # path, then name=value pairs
  local path=$1; shift
  local args=() pair
  for pair in "$@"; do args+=(--data-urlencode "$pair"); done
  echo "> POST $path"
  curl -sS -w '\n< HTTP %{http_code}\n' -H "X-Twilio-Signature: $(sign "$public$path" "$@")" "${args[@]}" "$gateway$path"
}

common=("AccountSid=AC00000000000000000000000000000000" "CallSid=$call_sid" "From=+14155550123" "To=+15005550006")
post "/twilio/$tenant/voice" "${common[@]}" "CallStatus=ringing" "Direction=inbound" "ApiVersion=2010-04-01"
echo "> POST (same webhook again: Twilio retry)"; post "/twilio/$tenant/voice" "${common[@]}" "CallStatus=ringing" "Direction=inbound" "ApiVersion=2010-04-01"
post "/twilio/$tenant/status" "${common[@]}" "CallStatus=completed" "SequenceNumber=3" "CallbackSource=call-progress-events"
post "/twilio/$tenant/status" "${common[@]}" "CallStatus=in-progress" "SequenceNumber=2" "CallbackSource=call-progress-events"
echo "> GET /api/v1/tenants/$tenant/calls/$call_sid"
curl -sS -w '\n< HTTP %{http_code}\n' -H "Authorization: Bearer $api_key" "$gateway/api/v1/tenants/$tenant/calls/$call_sid"
echo "> POST unsigned (must be 403)"
curl -sS -w '\n< HTTP %{http_code}\n' --data-urlencode "CallSid=$call_sid" "$gateway/twilio/$tenant/voice"
