#!/usr/bin/env bash
# Provisioning under a burst, on a running local stack: one provisioning alone (ROUNDS times), then N sent at once
# (default 20), each timed from its POST /v1/instances to its operation's SUCCEEDED (long-polled), the burst until its
# last one. Every instance made is destroyed (and waited for) before the next measurement.
#
# Start a stack of its own on a new home (its command topic gets 6 partitions), with the warm pool off so that every
# provisioning does the same work:
#   DBCLOUD_POOL_SIZE=0 java -jar local-stack/target/dbcloud-local.jar --home /tmp/burst --port 0 --kafka-port 0
# (DBCLOUD_MAX_PARALLEL_COMMANDS=1 for commands one at a time, as before), then
#   bench/provision-burst.sh /tmp/burst [N]
# With the warm pool on (DBCLOUD_POOL_SIZE=24, say), POOL=24 makes each measurement wait until that many pooled
# servers are ready (data directories under HOME/instances that still wait for their instance's password).
# Needs curl, jq and bc.
set -euo pipefail
home=${1:?usage: bench/provision-burst.sh HOME [N]}
n=${2:-20}
rounds=${ROUNDS:-3}
password=Burst-Passw0rd-long

credential() { sed -n "s/^$1=//p" "$home/credentials"; }
url=$(credential url)
key=$(credential api_key)
api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
now() { date +%s.%N; }

# Waits for an operation to end; prints its status.
finish() {
  local status
  while :; do
    status=$(api "$url/v1/operations/$1?waitSeconds=60" | jq -r .status)
    [ "$status" = PENDING ] || { echo "$status"; return; }
  done
}

# Provisions NAME, waits for the outcome; prints "NAME STATUS SECONDS" (from the POST to the outcome).
provision() {
  local start id
  start=$(now)
  id=$(api -X POST "$url/v1/instances" -d "{\"name\":\"$1\",\"username\":\"alice\",\"password\":\"$password\"}" | jq -r .id)
  echo "$1 $(finish "$id") $(echo "$(now) - $start" | bc)"
}

destroy() {
  local id
  id=$(api -X DELETE "$url/v1/instances/$1" | jq -r .id)
  [ "$(finish "$id")" = SUCCEEDED ] || echo "destroying $1 failed" >&2
}

pooled() { find "$home/instances" -maxdepth 2 -name dbcloud.control-password-pending 2>/dev/null | wc -l; }
await_pool() {
  [ -n "${POOL:-}" ] || return 0
  until [ "$(pooled)" -ge "$POOL" ]; do sleep 1; done
  sleep 2
}

echo "load before: $(uptime)"
singles=()
for round in $(seq "$rounds"); do
  await_pool
  read -r _ status took < <(provision "alone$round")
  [ "$status" = SUCCEEDED ] || { echo "alone$round: $status" >&2; exit 1; }
  echo "alone, round $round: $took s"
  singles+=("$took")
  destroy "alone$round"
done
single=$(printf '%s\n' "${singles[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")

await_pool
out=$(mktemp)
start=$(now)
for i in $(seq "$n"); do provision "burst$i" >> "$out" & done
wait
burst=$(echo "$(now) - $start" | bc)
load=$(uptime)
succeeded=$(grep -c ' SUCCEEDED ' "$out" || true)
median=$(awk '{print $3}' "$out" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
echo "burst of $n: $succeeded SUCCEEDED, the last after $burst s (median provisioning $median s)"
echo "one alone (median of $rounds): $single s; the burst took $(echo "scale=1; $burst / $single" | bc) times one alone (serial: $n times)"
echo "load after the burst: $load"
for i in $(seq "$n"); do destroy "burst$i" & done
wait
rm -f "$out"
[ "$succeeded" = "$n" ]
