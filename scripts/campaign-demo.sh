#!/usr/bin/env bash
# Runs a small outbound campaign against a running gateway and follows it to the end:
# POST a campaign (3 contacts with variables), then print its progress every second until every call is done.
#   scripts/campaign-demo.sh [gateway-url] [tenant] [api-key]
# Defaults match the local profile (java -jar target/apex-voice-gateway.jar): http://127.0.0.1:8080, tenant demo,
# key demo-key-change-me. There the built-in Twilio simulator places each call and, when it answers, calls the
# gateway back (voice webhook + media stream), so every call runs a real conversation. Needs curl.
set -euo pipefail
gateway=${1:-http://127.0.0.1:8080}
tenant=${2:-demo}
api_key=${3:-demo-key-change-me}
api="$gateway/api/v1/tenants/$tenant"
auth="Authorization: Bearer $api_key"

created=$(curl -sS -X POST "$api/campaigns" -H "$auth" -H 'Content-Type: application/json' -d '{
  "name": "demo reminders", "priority": 5,
  "contacts": [
    {"to": "+14155550101", "variables": {"name": "Ada"}},
    {"to": "+14155550102", "variables": {"name": "Grace"}},
    {"to": "+14155550103", "variables": {"name": "Linus"}}
  ]}')
echo "created: $created"
id=$(printf '%s' "$created" | sed -n 's/.*"campaignId":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "campaign not accepted" >&2; exit 1; }

for _ in $(seq 1 120); do
  progress=$(curl -sS "$api/campaigns/$id" -H "$auth")
  printf '%s  %s\n' "$(date +%T)" "$(printf '%s' "$progress" | sed 's/,"deadLetters".*//; s/"window":{[^}]*},//')"
  case "$progress" in
    *'"state":"finished"'*|*'"state":"cancelled"'*)
      echo "queue: $(curl -sS "$api/queue" -H "$auth")"
      case "$progress" in *'"completed":3'*) exit 0 ;; *) exit 1 ;; esac ;;
  esac
  sleep 1
done
echo "campaign still running after 120 s" >&2
exit 1
