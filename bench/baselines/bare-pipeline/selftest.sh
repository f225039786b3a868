#!/usr/bin/env bash
# Builds bare-pipeline.jar and runs selftest.mjs against it: relay mode, then pipeline mode without and with a fake
# LLM asked before each turn, with a throwaway redis-server (loopback, random port, no persistence) whose TTS key
# holds 1600 random bytes (10 frames).
# Exits non-zero on any failure. Needs Java 17, Node 20, redis-server and redis-cli.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
redis_pid=
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$here" && "$repo/mvnw" -B -q -ntp -f pom.xml package)
jar="$here/target/bare-pipeline.jar"

node "$here/selftest.mjs" relay "$jar"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 50); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.1; done
key="tts:selftest"
head -c 1600 /dev/urandom > "$work/tts.ulaw"
redis-cli -p "$port" -x set "$key" < "$work/tts.ulaw" > /dev/null
[ "$(redis-cli -p "$port" strlen "$key")" = 1600 ] || { echo "could not store the TTS audio in Redis" >&2; exit 1; }

node "$here/selftest.mjs" pipeline "$jar" "$port" "$key" "$work/tts.ulaw"
node "$here/selftest.mjs" pipeline-llm "$jar" "$port" "$key" "$work/tts.ulaw"
echo "bare-pipeline selftest: 3 passed, 0 failed"
