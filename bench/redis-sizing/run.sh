#!/usr/bin/env bash
# Measures Redis memory per call, per cached TTS phrase and per queued campaign job with the gateway's own Redis
# classes against a real Redis started with the shipped config/redis.conf. Results: docs/redis-sizing.md.
# Uses redis-server from PATH (apt-get install redis-server), else the one inside the embedded-redis jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'kill "$(cat "$work/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
server="$(command -v redis-server || true)"
if [ -z "$server" ]; then
  jar="$(find ~/.m2/repository/com/github/codemonstur/embedded-redis -name 'embedded-redis-*.jar' | sort | tail -1)"
  unzip -q -o -j "$jar" 'redis-server-6.2.6-v5-linux-amd64' -d "$work"
  server="$work/redis-server-6.2.6-v5-linux-amd64"
  chmod +x "$server"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$server" config/redis.conf --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
echo "Redis: $("$server" --version)"
./mvnw -B -q -o compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
java -cp "target/classes:$(cat "$work/cp.txt")" bench/redis-sizing/RedisSizing.java 127.0.0.1 "$port"
