#!/usr/bin/env bash
# Reads through the gateway, beside what the same JVM serves for the gateway's actuator/info:
#   1. GET /v1/instances/{name} with wrk, 16 connections and 1;
#   2. GET /v1/instances?limit=100 (the first page) of a tenant with 10,000 instances, and EXPLAIN of its query.
# It creates a tenant "bench" (admin key) and fills its read model directly with 10,000 instances (SQL into
# status-service's database dbcloud_status; nothing is provisioned).
#
# usage: bench/reads.sh HOME ACTUATOR_URL [DURATION]
#   HOME          the --home of a running local stack (its credentials file and control-plane password are read)
#   ACTUATOR_URL  the gateway's actuator as the stack printed it ("Actuator of api-gateway: ...")
# Needs wrk, curl, jq and psql (PSQL=/usr/lib/postgresql/15/bin/psql by default).
set -euo pipefail
home=${1:?usage: bench/reads.sh HOME ACTUATOR_URL [DURATION]}
actuator=${2:?usage: bench/reads.sh HOME ACTUATOR_URL [DURATION]}
duration=${3:-20s}
psql=${PSQL:-/usr/lib/postgresql/15/bin/psql}
tenant=bench

credential() { sed -n "s/^$1=//p" "$home/credentials"; }
url=$(credential url)
admin=$(credential admin_key)
export PGPASSWORD=$(cat "$home/control-plane.password")
pgport=$(sed -n 4p "$home/control-plane/postmaster.pid")
sql() { "$psql" -X -q -h 127.0.0.1 -p "$pgport" -U postgres -d "$1" -v ON_ERROR_STOP=1 "${@:2}"; }

# The tenant and a key of its own: a new key each run (the tenant's first comes from its creation).
if curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$url/v1/admin/tenants/$tenant" 2> /dev/null; then
  key=$(curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
    "$url/v1/admin/tenants/$tenant/keys" | jq -r .key)
else
  key=$(curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "{\"name\":\"$tenant\"}" \
    "$url/v1/admin/tenants" | jq -r .apiKey.key)
fi

sql dbcloud_status <<SQL
INSERT INTO instances (id, tenant, name, status, host_name, port, admin_username, driver, created_at, updated_at)
SELECT gen_random_uuid(), '$tenant', 'bench_' || lpad(i::text, 5, '0'), 'AVAILABLE', 'localhost', 20000 + i,
       'alice', 'LOCAL', now(), now()
  FROM generate_series(1, 10000) AS i
ON CONFLICT DO NOTHING;
ANALYZE instances;
SQL
echo "tenant $tenant: $(sql dbcloud_status -tAc "SELECT count(*) FROM instances WHERE tenant = '$tenant' AND status <> 'DESTROYED'") instances"

auth="Authorization: Bearer $key"
one="$url/v1/instances/bench_04242"
curl -fsS -H "$auth" "$one" | jq -c .
# Warm up both paths (JIT, pools, the key's cache entry).
wrk -t2 -c16 -d5s -H "$auth" "$one" > /dev/null
wrk -t2 -c16 -d5s "$actuator/info" > /dev/null

# The stack's process, by the gateway's port: its CPU time per request says what a request costs even on a busy
# machine, where latencies mostly say how long the request waited for a core.
port=${url##*:}
pid=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
run() {
  echo; echo "== $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))"; shift
  local before result
  before=$(ticks)
  result=$(wrk --latency "$@")
  echo "$result" | sed -n '/Latency/,/Transfer/p'
  echo "$result" | awk -v t=$(($(ticks) - before)) -v hz="$(getconf CLK_TCK)" \
    '/requests in/ {printf "CPU of the stack per request: %.2f ms\n", t * 1000 / hz / $1}'
}
run "GET /v1/instances/{name}, 16 connections" -t2 -c16 -d"$duration" -H "$auth" "$one"
run "actuator/info, 16 connections" -t2 -c16 -d"$duration" "$actuator/info"
run "GET /v1/instances/{name}, 1 connection" -t1 -c1 -d"$duration" -H "$auth" "$one"
run "actuator/info, 1 connection" -t1 -c1 -d"$duration" "$actuator/info"

echo
echo "== first page of 10,000: GET /v1/instances?limit=100, 20 times, one after another (load: $(cut -d' ' -f1-3 /proc/loadavg))"
for i in $(seq 20); do
  curl -fsS -o /dev/null -w '%{time_total}\n' -H "$auth" "$url/v1/instances?limit=100"
done | sort -n | awk '{t[NR]=$1} END {printf "min %.1f ms, median %.1f ms, max %.1f ms\n", t[1]*1000, t[int((NR+1)/2)]*1000, t[NR]*1000}'
run "GET /v1/instances?limit=100, 16 connections" -t2 -c16 -d"$duration" -H "$auth" "$url/v1/instances?limit=100"

echo
echo "== the first page's query in status-service"
sql dbcloud_status <<SQL
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT name, host_name, port, status, CASE WHEN status = 'UNAVAILABLE' THEN status_reason END AS status_reason,
       admin_username, driver, created_at, updated_at, restored_from, restored_to
  FROM instances WHERE tenant = '$tenant' AND status <> 'DESTROYED' ORDER BY name LIMIT 101;
SQL
