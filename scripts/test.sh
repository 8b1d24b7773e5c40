#!/usr/bin/env bash
# `npm test`: installs what the suite needs (scripts/setup-test-env.sh), starts a throwaway redis-server on a free
# loopback port for the Redis store's tests and a local Redis Cluster for the cluster project's, runs everything
# (npm run test:all) and stops both afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" --daemonize yes \
  --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
# A local Redis Cluster (three primaries, three replicas) for the cluster project: six consecutive free ports whose
# cluster-bus ports (+10000) are free too.
cluster_base=$(node -e '
const net = require("net");
const free = (p) => new Promise((ok) => { const s = net.createServer(); s.once("error", () => ok(false));
  s.listen(p, "127.0.0.1", () => s.close(() => ok(true))); });
(async () => { for (;;) { const base = 20000 + Math.floor(Math.random() * 9000); let all = true;
  for (let i = 0; i < 6 && all; i++) all = (await free(base + i)) && (await free(base + 10000 + i));
  if (all) { console.log(base); return; } } })();')
cluster_dir=$(mktemp -d)
stop_redis() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$redis_dir"
  bash scripts/redis-cluster.sh stop "$cluster_dir" "$cluster_base" || true
}
trap stop_redis EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "test: redis-server on 127.0.0.1:$port"
cluster=$(bash scripts/redis-cluster.sh start "$cluster_dir" "$cluster_base")
echo "test: Redis Cluster (3 primaries, 3 replicas) on $cluster"
export MASKO_TEST_REDIS_CLUSTER="$cluster"

export MASKO_TEST_REDIS_URL="redis://127.0.0.1:$port"
npm run test:all
