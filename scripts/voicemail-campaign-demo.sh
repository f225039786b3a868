#!/usr/bin/env bash
# Runs a two-contact outbound campaign with answering machine detection against a running gateway: the first contact
# is a voicemail box, the second a person. The box hears the campaign's voicemail message (with the contact's name)
# and is hung up; the person talks with the agent. Prints the progress every second until both calls are done, then
# exits 0 when the message was left once and the person was counted as human.
#   scripts/voicemail-campaign-demo.sh [gateway-url] [tenant] [api-key] [twilio-simulator-url]
# Defaults match the local profile (java -jar target/apex-voice-gateway.jar): http://127.0.0.1:8080, tenant demo,
# key demo-key-change-me. The last argument is the built-in Twilio simulator's URL, from the gateway's startup line
# "twilio simulator listening on 127.0.0.1:<port>": the script tells it that the first number is a voicemail box
# (PATCH /__control/settings). Against real Twilio leave it out and call a real voicemail box. Needs curl.
set -euo pipefail
gateway=${1:-http://127.0.0.1:8080}
tenant=${2:-demo}
api_key=${3:-demo-key-change-me}
twilio_simulator=${4:-}
api="$gateway/api/v1/tenants/$tenant"
auth="Authorization: Bearer $api_key"
voicemail_box=+14155550111
person=+14155550122

if [ -n "$twilio_simulator" ]; then
  curl -sS -f -X PATCH "$twilio_simulator/__control/settings" -H 'Content-Type: application/json' \
    -d "{\"answeredBy\":{\"$voicemail_box\":\"machine_end_beep\"},\"amdDelayMs\":3000}" >/dev/null
  echo "twilio simulator: $voicemail_box answers as a voicemail box (machine_end_beep after 3 s)"
fi

created=$(curl -sS -X POST "$api/campaigns" -H "$auth" -H 'Content-Type: application/json' -d '{
  "name": "demo reminders with voicemail", "priority": 5,
  "contacts": [
    {"to": "'"$voicemail_box"'", "variables": {"name": "Ada"}},
    {"to": "'"$person"'", "variables": {"name": "Grace"}}
  ],
  "voicemail": {
    "message": "Hi {{name}}, this is a reminder of your appointment tomorrow at ten. Please call us back.",
    "policy": "leave"
  }}')
echo "created: $created"
id=$(printf '%s' "$created" | sed -n 's/.*"campaignId":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || { echo "campaign not accepted" >&2; exit 1; }

for _ in $(seq 1 120); do
  progress=$(curl -sS "$api/campaigns/$id" -H "$auth")
  shown=$(printf '%s' "$progress" | sed 's/,"deadLetters".*//; s/"voicemail":{.*"policy":"[a-z]*"},//')
  printf '%s  %s\n' "$(date +%T)" "$shown"
  case "$progress" in
    *'"state":"finished"'*|*'"state":"cancelled"'*)
      case "$progress" in
        *'"completed":2'*'"answeredHuman":1'*'"voicemailLeft":1'*) exit 0 ;;
        *'"state":"finished"'*) ;;   # the last counters land just after the final status: look once more
        *) exit 1 ;;
      esac ;;
  esac
  sleep 1
done
echo "campaign not finished with a voicemail left after 120 s" >&2
exit 1
