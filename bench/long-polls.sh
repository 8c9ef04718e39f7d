#!/usr/bin/env bash
# Do 200 long-polls that wait cost the other requests anything? Measures GET /v1/instances/{name} with wrk
# (2 threads, 16 connections) alone, then again while 200 GET /v1/operations/{id}?waitSeconds=60 wait on
# operations that stay PENDING (4 tenants of 50 long-polls each: a tenant may hold 50 at once by default).
# The pending operations and the instance read are written directly into status-service's read model
# (dbcloud_status); nothing is provisioned. Run bench/reads.sh first or not: this needs only a running stack.
#
# usage: bench/long-polls.sh HOME [SECONDS]   (of each measurement; the long-polls wait up to 60 s: keep it under 50)
# Needs wrk, curl, jq and psql (PSQL=/usr/lib/postgresql/15/bin/psql by default).
set -euo pipefail
home=${1:?usage: bench/long-polls.sh HOME [SECONDS]}
seconds=${2:-20}
duration=${seconds}s
psql=${PSQL:-/usr/lib/postgresql/15/bin/psql}

credential() { sed -n "s/^$1=//p" "$home/credentials"; }
url=$(credential url)
admin=$(credential admin_key)
export PGPASSWORD=$(cat "$home/control-plane.password")
pgport=$(sed -n 4p "$home/control-plane/postmaster.pid")
sql() { "$psql" -X -q -h 127.0.0.1 -p "$pgport" -U postgres -d dbcloud_status -v ON_ERROR_STOP=1 "$@"; }

# A tenant's key: the tenant is created on first use, a new key issued each run.
key_of() {
  if curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$url/v1/admin/tenants/$1" 2> /dev/null; then
    curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
      "$url/v1/admin/tenants/$1/keys" | jq -r .key
  else
    curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" \
      "$url/v1/admin/tenants" | jq -r .apiKey.key
  fi
}

reader=$(key_of lp-reader)
sql -c "INSERT INTO instances (id, tenant, name, status, host_name, port, admin_username, driver, created_at, updated_at)
        VALUES (gen_random_uuid(), 'lp-reader', 'one', 'AVAILABLE', 'localhost', 20000, 'alice', 'LOCAL', now(), now())
        ON CONFLICT DO NOTHING"
one="$url/v1/instances/one"
curl -fsS -H "Authorization: Bearer $reader" "$one" > /dev/null

waiters=()
tag=$(( $(date +%s) % 100000 ))
for n in 1 2 3 4; do
  # Tenants of this run only: a long-poll whose client left holds its tenant's share until its 60 s are up, so a run
  # right after another would get 429s for its predecessor's waits.
  key=$(key_of "lp-waiter$n-$tag")
  operation=$(sql -tA -c "INSERT INTO operations (id, tenant, instance_name, type, status, created_at, updated_at)
                          VALUES (gen_random_uuid(), 'lp-waiter$n-$tag', 'slow', 'PROVISION', 'PENDING', now(), now())
                          RETURNING id" | head -1)
  waiters+=("$key $operation")
done

wrk -t2 -c16 -d5s -H "Authorization: Bearer $reader" "$one" > /dev/null
run() { echo; echo "== $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))"; shift; wrk --latency "$@" | sed -n '/Latency/,/Transfer/p'; }
run "GET /v1/instances/{name}, 16 connections, no long-poll" -t2 -c16 -d"$duration" -H "Authorization: Bearer $reader" "$one"

# 4 x 50 connections, each holding one long-poll of up to 60 s; they outlast the measurement below.
pids=()
out=$(mktemp -d)
for waiter in "${waiters[@]}"; do
  set -- $waiter
  wrk -t1 -c50 -d$((seconds + 10))s --timeout 70s -H "Authorization: Bearer $1" "$url/v1/operations/$2?waitSeconds=60" \
    > "$out/$2.txt" &
  pids+=($!)
done
sleep 5
threads=$(jcmd 2>/dev/null | awk '/dbcloud-local/ {print $1}' | head -1)
if [ -n "$threads" ]; then
  echo "java threads while 200 long-polls wait: $(ls /proc/$threads/task | wc -l)"
fi
run "GET /v1/instances/{name}, 16 connections, while 200 long-polls wait" -t2 -c16 -d"$duration" \
  -H "Authorization: Bearer $reader" "$one"
wait "${pids[@]}"
echo
echo "long-polls answered before their wrk ended (none should be: they wait 60 s; a 429 would count here):"
cat "$out"/*.txt | grep -E 'requests in|Non-2xx|Socket errors' || true
rm -rf "$out"
