#!/usr/bin/env bash
# A local Redis Cluster for the tests: three primaries and three replicas of Debian's redis-server on loopback,
# joined with `redis-cli --cluster create`. Nothing persisted; fast failover (cluster-node-timeout 1000 ms).
#   bash scripts/redis-cluster.sh start DIR FIRST_PORT   → prints the seed list 127.0.0.1:P,127.0.0.1:P+1,…
#   bash scripts/redis-cluster.sh stop DIR FIRST_PORT
set -euo pipefail
action=$1 dir=$2 first=$3
ports=$(seq "$first" $((first + 5)))

if [ "$action" = stop ]; then
  for port in $ports; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
  exit 0
fi

mkdir -p "$dir"
for port in $ports; do
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir/$port" --daemonize yes \
    --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 1000 \
    --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
done
for port in $ports; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
# shellcheck disable=SC2046
redis-cli --cluster create $(for port in $ports; do printf '127.0.0.1:%s ' "$port"; done) \
  --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1
for _ in $(seq 1 100); do
  ok=1
  for port in $ports; do
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ok=0
  done
  [ "$ok" = 1 ] && break
  sleep 0.1
done
[ "$ok" = 1 ] || { echo "redis-cluster: the cluster on $first… did not become ready" >&2; exit 1; }
echo "$ports" | sed 's/^/127.0.0.1:/' | paste -sd, -
