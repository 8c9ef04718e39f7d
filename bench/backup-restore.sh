#!/usr/bin/env bash
# Base backup and restore figures for a ~100 MB database, on a running local stack.
#
# Start the stack with a short backup interval, so a base backup is taken after the data is loaded:
#   DBCLOUD_BACKUP_INTERVAL=20s DBCLOUD_BACKUP_CHECK_INTERVAL=5s java -jar local-stack/target/dbcloud-local.jar
# then run this script (needs curl, jq, bc and psql: apt-get install curl jq bc postgresql-client).
# It provisions an instance `bench`, loads ~100 MB into its database `bench`, waits for a base backup of it,
# restores the latest state and a moment in the middle into new instances, checks their rows, and destroys all three.
set -euo pipefail

HOME_DIR=${DBCLOUD_HOME:-$HOME/.dbcloud}
URL=$(sed -n 's/^url=//p' "$HOME_DIR/credentials")
KEY=$(sed -n 's/^api_key=//p' "$HOME_DIR/credentials")
PASSWORD=bench-Passw0rd-long
ROWS=${ROWS:-800000}

api() { curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$@"; }
now() { date +%s.%N; }
wait_op() { # operation id -> final status
  local status
  while :; do
    status=$(api "$URL/v1/operations/$1" | jq -r .status)
    [ "$status" = PENDING ] || { echo "$status"; return; }
    sleep 0.2
  done
}
sql() { PGPASSWORD=$PASSWORD psql -qAtX -h localhost -p "$1" -U alice -d bench -c "$2"; }

for name in bench bench_latest bench_then; do api -X DELETE "$URL/v1/instances/$name" >/dev/null || true; done
sleep 2

op=$(api -X POST "$URL/v1/instances" -d "{\"name\":\"bench\",\"username\":\"alice\",\"password\":\"$PASSWORD\"}" | jq -r .id)
[ "$(wait_op "$op")" = SUCCEEDED ]
port=$(api "$URL/v1/instances/bench" | jq -r .port)
op=$(api -X POST "$URL/v1/instances/bench/databases" -d '{"name":"bench"}' | jq -r .id)
[ "$(wait_op "$op")" = SUCCEEDED ]

start=$(now)
sql "$port" "CREATE TABLE items (id bigint PRIMARY KEY, payload text);
             INSERT INTO items SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, $ROWS) g;"
echo "loaded $ROWS rows in $(echo "$(now) - $start" | bc) s; database size: $(sql "$port" "SELECT pg_size_pretty(pg_database_size('bench'))")"
moment=$(sql "$port" "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
sql "$port" "UPDATE items SET payload = 'changed' WHERE id <= 1000"
loaded=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "waiting for a base backup that starts after the load ($loaded)..."
while :; do
  backup=$(api "$URL/v1/instances/bench/backups" | jq -c --arg t "$loaded" '[.backups[] | select(.startedAt > $t)][0] // empty')
  [ -n "$backup" ] && break
  sleep 1
done
started=$(date -d "$(echo "$backup" | jq -r .startedAt)" +%s.%N)
finished=$(date -d "$(echo "$backup" | jq -r .finishedAt)" +%s.%N)
echo "base backup: $(echo "$backup" | jq '.sizeBytes / 1000000 | floor') MB in $(echo "$finished - $started" | bc) s"

for target in latest then; do
  body="{\"targetName\":\"bench_$target\"}"
  [ "$target" = then ] && body="{\"targetName\":\"bench_then\",\"pointInTime\":\"$moment\"}"
  start=$(now)
  op=$(api -X POST "$URL/v1/instances/bench/restore" -d "$body" | jq -r .id)
  status=$(wait_op "$op")
  took=$(echo "$(now) - $start" | bc)
  copy=$(api "$URL/v1/instances/bench_$target" | jq -r .port)
  echo "restore ($target): $status in $took s; rows: $(sql "$copy" "SELECT count(*) FROM items"), changed: $(sql "$copy" "SELECT count(*) FROM items WHERE payload = 'changed'")"
done

for name in bench_latest bench_then bench; do api -X DELETE "$URL/v1/instances/$name" >/dev/null; done
