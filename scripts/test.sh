#!/usr/bin/env bash
# `npm test`: installs what the suite needs (scripts/setup-test-env.sh), starts a throwaway redis-server on a free
# loopback port for the Redis store's tests, runs everything (npm run test:all) and stops Redis afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" --daemonize yes \
  --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
stop_redis() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$redis_dir"
}
trap stop_redis EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "test: redis-server on 127.0.0.1:$port"

export MASKO_TEST_REDIS_URL="redis://127.0.0.1:$port"
npm run test:all
