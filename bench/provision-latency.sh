#!/usr/bin/env bash
# Provisioning latency: POST /v1/instances to SUCCEEDED, one provisioning after another, beside the raw floor of
# what a provisioning must do, timed by hand in the same run with the stack's own PostgreSQL binaries:
#   initdb floor:  initdb + pg_ctl start -w + CREATE ROLE  (what a provisioning costs without the warm pool)
#   claim floor:   pg_ctl start -w + one psql session logged in with the pooled password (ALTER ROLE dbosadmin to
#                  the instance's, CREATE ROLE), on a data directory initialized beforehand, untimed (what it cost
#                  with a pooled directory that was not started yet, before the pool ran its servers)
#   role floor:    that psql session alone, on the server started beforehand (what it costs with a pooled server
#                  already running; the driver's session is logged in already, psql's is not)
#
# usage: bench/provision-latency.sh HOME [COUNT] [PAUSE]
#   HOME   the --home of a running local stack (start it with DBCLOUD_POOL_SIZE=0 for "pool off"; 2 is the default)
#   COUNT  provisionings (and floor rounds) to time, 20 by default
#   PAUSE  seconds to wait after each provisioning, 0 by default (back to back: the pool refills in the background
#          meanwhile, at nice 19, about one server a second)
# Each operation is awaited with the long-poll GET /v1/operations/{id}?waitSeconds=30. The instances it makes
# (lat_<run>_<n>) are destroyed at the end. Needs curl, jq and psql (PSQL=/usr/lib/postgresql/15/bin/psql by default).
set -euo pipefail
home=${1:?usage: bench/provision-latency.sh HOME [COUNT] [PAUSE]}
count=${2:-20}
pause=${3:-0}
psql=${PSQL:-/usr/lib/postgresql/15/bin/psql}
password=Bench-latency-pass1

credential() { sed -n "s/^$1=//p" "$home/credentials"; }
url=$(credential url)
key=$(credential api_key)
run=$(( $(date +%s) % 100000 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# PostgreSQL refuses to run as root: as the driver does, run it in a user namespace of its own then.
as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(unshare -U)

api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
# Nearest-rank percentiles of the numbers in a file: "p50 p90 min max".
percentiles() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { printf "p50 %d ms, p90 %d ms (min %d, max %d, n %d)", \
    v[int((NR * 50 + 99) / 100)], v[int((NR * 90 + 99) / 100)], v[1], v[NR], NR }'
}

echo "run $run: $count provisionings against $url, pause ${pause}s"
echo "load before: $(uptime)"

# 1. Through the API.
for i in $(seq 1 "$count"); do
  name="lat_${run}_$i"
  start=$(now_ns)
  op=$(api -X POST "$url/v1/instances" -d "{\"name\":\"$name\",\"username\":\"alice\",\"password\":\"$password\"}" | jq -r .id)
  status=PENDING
  while [ "$status" != SUCCEEDED ] && [ "$status" != FAILED ]; do
    status=$(api "$url/v1/operations/$op?waitSeconds=30" | jq -r .status)
  done
  took=$(ms_since "$start")
  [ "$status" = SUCCEEDED ] || { echo "provisioning $name ended $status" >&2; exit 1; }
  echo "$took" >> "$work/api"
  [ "$pause" = 0 ] || sleep "$pause"
done
echo "load after the API run: $(uptime)"

# 2. The floors, by hand, on ports far from the stack's range, with the binaries the instances run on: those zonky
# extracted for the control plane (HOME/postgres), or, from a stack before bc176c2, the driver's own (HOME/binaries).
bin=
for candidate in "$home"/postgres/PG-*/bin "$home"/binaries/postgresql-*/bin; do
  [ -x "$candidate/postgres" ] && { bin=$candidate; break; }
done
[ -n "$bin" ] || { echo "no PostgreSQL binaries under $home" >&2; exit 1; }
echo "binaries: $bin ($("$bin/postgres" --version))"
floor_port=$(( 46000 + run % 1000 ))
role() { # port -> CREATE ROLE over TCP as dbosadmin
  PGPASSWORD=$2 "$psql" -X -q -h 127.0.0.1 -p "$1" -U dbosadmin -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE alice WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '$password'" >/dev/null
}
claim_role() { # port pooled-password new-password -> one session: the control role's new password, the admin role
  PGPASSWORD=$2 "$psql" -X -q -h 127.0.0.1 -p "$1" -U dbosadmin -d postgres -v ON_ERROR_STOP=1 \
    -c "ALTER ROLE dbosadmin PASSWORD '$3'" \
    -c "CREATE ROLE alice WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '$password'" >/dev/null
}
initdb_() { # dir password
  printf '%s' "$2" > "$work/pw"
  "${as_pg[@]}" "$bin/initdb" -D "$1" -U dbosadmin --pwfile="$work/pw" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
  rm -f "$work/pw"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' > "$1/pg_hba.conf"
  printf "port = %d\nlisten_addresses = 'localhost'\nunix_socket_directories = ''\n" "$3" >> "$1/postgresql.conf"
}
start_() { "${as_pg[@]}" "$bin/pg_ctl" -D "$1" -l "$1/server.log" -w start >/dev/null; }
stop_() { "${as_pg[@]}" "$bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1; rm -rf "$1"; }

for i in $(seq 1 "$count"); do
  dir="$work/initdb-$i"
  start=$(now_ns)
  initdb_ "$dir" control-pass-1 "$floor_port"
  start_ "$dir"
  role "$floor_port" control-pass-1
  ms_since "$start" >> "$work/initdb-floor"
  stop_ "$dir"

  dir="$work/claim-$i"
  initdb_ "$dir" pooled-pass-1 "$floor_port"
  start=$(now_ns)
  start_ "$dir"
  started=$(ms_since "$start")
  role_start=$(now_ns)
  claim_role "$floor_port" pooled-pass-1 control-pass-2
  ms_since "$start" >> "$work/claim-floor"
  ms_since "$role_start" >> "$work/role-floor"
  echo "$started" >> "$work/start"
  stop_ "$dir"
done
echo "load after the floors: $(uptime)"

echo "API, POST to SUCCEEDED:       $(percentiles "$work/api")"
echo "initdb floor (initdb+start+role): $(percentiles "$work/initdb-floor")"
echo "claim floor (start+role):         $(percentiles "$work/claim-floor")"
echo "  of which pg_ctl start -w:       $(percentiles "$work/start")"
echo "role floor (one psql session):    $(percentiles "$work/role-floor")"

for i in $(seq 1 "$count"); do api -X DELETE "$url/v1/instances/lat_${run}_$i" >/dev/null || true; done
