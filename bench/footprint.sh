#!/usr/bin/env bash
# The local stack's footprint: the time from launch to "dbcloud is ready", the java process's resident memory
# (VmRSS, and PSS from smaps_rollup) once idle, then one instance provisioned and left idle, measured as the sum of
# its postmaster's and its children's RSS and PSS (PSS counts shared pages once, split among the processes).
#
# usage: bench/footprint.sh [JAR] [IDLE_SECONDS]
#   JAR  the local stack (default local-stack/target/dbcloud-local.jar); JAVA_OPTS adds JVM options
# A fresh home in a temporary folder, free ports; the stack is stopped at the end. Needs curl and jq.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=${1:-$root/local-stack/target/dbcloud-local.jar}
idle=${2:-30}
home=$(mktemp -d /tmp/dbcloud-footprint.XXXXXX)
log=$home.log

kib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }

echo "load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$jar" --home "$home" --port 0 --kafka-port 0 > "$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$home"' EXIT
until grep -q 'dbcloud is ready' "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "the stack did not start:"; tail -20 "$log"; exit 1; fi
  sleep 0.1
done
ready=$(date +%s.%N)
echo "launch to ready (wall clock): $(awk -v a="$start" -v b="$ready" 'BEGIN {printf "%.1f s", b - a}')"
grep 'dbcloud is ready' "$log"
echo "JVM options: ${JAVA_OPTS:-(none)}"

sleep "$idle"
echo "java process, idle ${idle} s after ready (load: $(cut -d' ' -f1-3 /proc/loadavg)):" \
  "RSS $(kib "$(rss $pid)"), PSS $(kib "$(pss $pid)"), threads $(ls /proc/$pid/task | wc -l)"

url=$(sed -n 's/^url=//p' "$home/credentials")
key=$(sed -n 's/^api_key=//p' "$home/credentials")
accepted=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"name":"idle","username":"alice","password":"footprint-pass-1"}' "$url/v1/instances" | jq -r .id)
state=$(curl -fsS -H "Authorization: Bearer $key" "$url/v1/operations/$accepted?waitSeconds=60" | jq -r .status)
echo "provisioned: $state"
postmaster=$(head -1 "$(find "$home" -name postmaster.pid -not -path '*/control-plane/*' | head -1)")
sleep "$idle"
total_rss=0; total_pss=0; count=0
for p in $postmaster $(cat /proc/$postmaster/task/*/children); do
  total_rss=$((total_rss + $(rss "$p"))); total_pss=$((total_pss + $(pss "$p"))); count=$((count + 1))
done
echo "idle instance, ${idle} s after provisioning (load: $(cut -d' ' -f1-3 /proc/loadavg)): $count processes," \
  "RSS summed $(kib $total_rss), PSS summed $(kib $total_pss)"
echo "java process with the instance: RSS $(kib "$(rss $pid)")"
