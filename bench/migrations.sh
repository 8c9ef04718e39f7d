#!/usr/bin/env bash
# Migrations: COUNT small migrations (V1..V<COUNT>, each a CREATE TABLE, an ALTER TABLE ADD COLUMN or an INSERT)
# applied through the API, beside raw Flyway applying the very same scripts on the same server, round after round.
#   API:  one POST /v1/instances/{name}/migrations holding all the scripts (what `dbcloud migrate` sends), to the
#         operation's SUCCEEDED (long-poll GET /v1/operations/{id}?waitSeconds=30); each round a new application,
#         so a new database, as the raw run gets. This includes the gateway, the outbox and Kafka both ways, the
#         restore point, CREATE DATABASE, the migrator role, validation, the breaking-change guard's dry run,
#         Flyway and the read model.
#   raw:  Flyway's Java API (flyway-core, flyway-database-postgresql, the PostgreSQL driver, from ~/.m2) in one
#         JVM, logging in as the instance's admin user over TCP, the same scripts from a folder, each round on a
#         database created beforehand, untimed; timed is Flyway.configure()...load().migrate().
# The two take turns, round by round (an API round, then a raw round), so both see the machine as it is at that
# moment; before the timed rounds, WARMUP untimed rounds of each (2 by default: the service's and the raw JVM's first
# Flyway runs load classes and compile code, which a long-running service has done long since).
#
# usage: bench/migrations.sh HOME [ROUNDS] [COUNT]
#   HOME    the --home of a running local stack
#   ROUNDS  timed rounds of each, 7 by default
#   COUNT   migrations per round, 50 by default
# ALLOW_BREAKING_CHANGES=true sends allowBreakingChanges, which skips the breaking-change guard's dry run (to see
# what the guard costs); false by default, as `dbcloud migrate` sends it.
# DATABASE_MADE_BEFORE=true (the default) creates each round's application database through the API, untimed, before
# the timed migration, as raw Flyway gets its database; false times the migration's own CREATE DATABASE too.
# It provisions an instance (mig_<run>) and destroys it at the end. Needs curl, jq, java and psql
# (PSQL=/usr/lib/postgresql/15/bin/psql by default), and the jars above in ~/.m2 (M2=~/.m2/repository).
set -euo pipefail
home=${1:?usage: bench/migrations.sh HOME [ROUNDS] [COUNT]}
rounds=${2:-7}
count=${3:-50}
psql=${PSQL:-/usr/lib/postgresql/15/bin/psql}
m2=${M2:-$HOME/.m2/repository}
password=Bench-migrations-pass1
allow_breaking=${ALLOW_BREAKING_CHANGES:-false}
made_before=${DATABASE_MADE_BEFORE:-true}
warmup=${WARMUP:-2}

credential() { sed -n "s/^$1=//p" "$home/credentials"; }
url=$(credential url)
key=$(credential api_key)
run=$(( $(date +%s) % 100000 ))
instance="mig_$run"
work=$(mktemp -d)
cleanup() {
  [ -z "${RAW_PID:-}" ] || kill "$RAW_PID" 2>/dev/null || true
  curl -fsS -X DELETE -H "Authorization: Bearer $key" "$url/v1/instances/$instance" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
await() { # operation id -> its final status
  local status=PENDING
  while [ "$status" != SUCCEEDED ] && [ "$status" != FAILED ]; do
    status=$(api "$url/v1/operations/$1?waitSeconds=30" | jq -r .status)
  done
  echo "$status"
}
# Median (lower of the two middle values for an even count), min, max of the numbers in a file.
summary() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { printf "median %d ms (min %d, max %d, n %d)", \
    v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
jar() { # group path, artifact, version
  local file="$m2/$1/$2/$3/$2-$3.jar"
  [ -f "$file" ] || { echo "missing $file" >&2; exit 1; }
  echo "$file"
}

# The scripts: every third one creates a table, the next adds a column to it, the next inserts rows into it.
mkdir "$work/scripts"
for i in $(seq 1 "$count"); do
  t="t$(( (i - 1) / 3 + 1 ))"
  case $(( (i - 1) % 3 )) in
    0) sql="CREATE TABLE $t (id bigint PRIMARY KEY, name text NOT NULL);" ;;
    1) sql="ALTER TABLE $t ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();" ;;
    2) sql="INSERT INTO $t (id, name) SELECT g, 'row ' || g FROM generate_series(1, 100) AS g;" ;;
  esac
  printf '%s\n' "$sql" > "$work/scripts/V${i}__step_${i}.sql"
done
# The request body's migrations, as the CLI builds them from the folder.
for i in $(seq 1 "$count"); do
  jq -n --arg v "$i" --arg d "step $i" --rawfile s "$work/scripts/V${i}__step_${i}.sql" \
    '{version: $v, description: $d, sql: $s}'
done | jq -s . > "$work/migrations.json"

echo "run $run: $rounds rounds of $count migrations against $url (allowBreakingChanges $allow_breaking, database made before: $made_before)"
echo "load before: $(uptime)"

op=$(api -X POST "$url/v1/instances" \
  -d "{\"name\":\"$instance\",\"username\":\"alice\",\"password\":\"$password\"}" | jq -r .id)
[ "$(await "$op")" = SUCCEEDED ] || { echo "provisioning $instance failed" >&2; exit 1; }
port=$(api "$url/v1/instances/$instance" | jq -r .port)
echo "instance $instance on 127.0.0.1:$port"

# Raw Flyway's databases, made beforehand (untimed), on the same server, for the instance's admin user.
last=$(( warmup + rounds - 1 ))
for round in $(seq 0 "$last"); do
  PGPASSWORD=$password "$psql" -X -q -h 127.0.0.1 -p "$port" -U alice -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE raw_$round" >/dev/null
done
# The raw runner, a single-file Java program (java's source launcher compiles it on the fly), kept running beside
# this script: it migrates one database per round number it reads.
cat > "$work/RawFlyway.java" <<'JAVA'
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Raw Flyway for bench/migrations.sh: for each round number N read from standard input, applies the scripts of a
 * folder to database PREFIX<N> (created beforehand, empty) and prints how long that Flyway run took, in ms. The
 * password comes from PGPASSWORD. Fails unless each run applies every script.
 *
 * usage: java -cp flyway-core:flyway-database-postgresql:postgresql:jackson... RawFlyway.java PREFIX USER FOLDER COUNT
 */
public class RawFlyway {
    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        String user = args[1];
        String folder = Path.of(args[2]).toAbsolutePath().toString();
        int count = Integer.parseInt(args[3]);
        String password = System.getenv("PGPASSWORD");
        BufferedReader rounds = new BufferedReader(new InputStreamReader(System.in));
        for (String round = rounds.readLine(); round != null; round = rounds.readLine()) {
            long start = System.nanoTime();
            MigrateResult result = Flyway.configure()
                    .dataSource(prefix + round.strip(), user, password)
                    .locations("filesystem:" + folder)
                    .load()
                    .migrate();
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (result.migrationsExecuted != count) {
                throw new IllegalStateException("round " + round + " applied " + result.migrationsExecuted);
            }
            System.out.println(millis);
        }
    }
}
JAVA
cp=$(jar org/flywaydb flyway-core 12.4.0):$(jar org/flywaydb flyway-database-postgresql 12.4.0)
cp=$cp:$(jar org/postgresql postgresql 42.7.13)
cp=$cp:$(jar tools/jackson/core jackson-databind 3.1.5):$(jar tools/jackson/core jackson-core 3.1.5)
cp=$cp:$(jar com/fasterxml/jackson/core jackson-annotations 2.21)
coproc RAW { PGPASSWORD=$password exec java -cp "$cp" "$work/RawFlyway.java" "jdbc:postgresql://127.0.0.1:$port/raw_" \
  alice "$work/scripts" "$count" 2> "$work/raw-flyway.log"; }

api_round() { # round -> ms, POST to SUCCEEDED
  local application="app_$1"
  jq -n --arg a "$application" --argjson allow "$allow_breaking" --slurpfile m "$work/migrations.json" \
    '{application: $a, migrations: $m[0], allowBreakingChanges: $allow}' \
    > "$work/request.json"
  if [ "$made_before" = true ]; then
    made=$(api -X POST "$url/v1/instances/$instance/databases" -d "{\"name\":\"$application\"}" | jq -r .id)
    [ "$(await "$made")" = SUCCEEDED ] || { echo "creating $application failed" >&2; exit 1; }
  fi
  local start status took
  start=$(now_ns)
  op=$(api -X POST "$url/v1/instances/$instance/migrations" --data-binary "@$work/request.json" | jq -r .id)
  status=$(await "$op")
  took=$(ms_since "$start")
  [ "$status" = SUCCEEDED ] || { echo "migration round $1 ended $status" >&2; api "$url/v1/operations/$op" >&2; exit 1; }
  echo "$took"
}
raw_round() { # round -> raw_ms, Flyway.configure()...migrate() (not in a subshell: the coprocess's pipes are here)
  echo "$1" >&"${RAW[1]}"
  read -r raw_ms <&"${RAW[0]}" || { echo "raw Flyway stopped:" >&2; cat "$work/raw-flyway.log" >&2; exit 1; }
}

for round in $(seq 0 "$last"); do
  api_ms=$(api_round "$round")
  raw_round "$round"
  if [ "$round" -lt "$warmup" ]; then
    echo "untimed round $round: API $api_ms ms, raw Flyway $raw_ms ms"
  else
    echo "$api_ms" >> "$work/api"
    echo "$raw_ms" >> "$work/raw"
    echo "$api_ms $raw_ms" >> "$work/pairs"
  fi
done
exec {RAW[1]}>&-
echo "load after: $(uptime)"

echo "API, POST to SUCCEEDED:  $(summary "$work/api")"
echo "raw Flyway migrate():    $(summary "$work/raw")"
api_median=$(median "$work/api")
raw_median=$(median "$work/raw")
api_min=$(sort -n "$work/api" | head -1)
raw_min=$(sort -n "$work/raw" | head -1)
awk -v a="$api_median" -v r="$raw_median" -v am="$api_min" -v rm="$raw_min" \
  'BEGIN { printf "ratio API/raw: %.2f by medians, %.2f by minimums\n", a / r, am / rm }'
# Each round's own ratio (the two ran back to back), their median.
awk '{ print $1 / $2 }' "$work/pairs" | sort -g | awk '{ v[NR] = $1 } END { printf "ratio API/raw of each round: median %.2f (min %.2f, max %.2f)\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
