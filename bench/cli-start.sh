#!/usr/bin/env bash
# How long a command line takes: `dbcloud db list` against a running local stack, through the ./dbcloud launcher,
# RUNS times (the first run after a build also prepares the launcher's class-data archive: it is shown apart).
# Wall time says mostly how busy the machine is; the CPU time (user + sys) of each run depends less on it.
#
# usage: bench/cli-start.sh HOME [RUNS]
#   HOME  the --home of a running local stack (the CLI reads its credentials); DBCLOUD_JAVA_OPTS passes through;
#         DBCLOUD names another launcher to measure (default: ./dbcloud)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DBCLOUD_HOME=${1:?usage: bench/cli-start.sh HOME [RUNS]}
runs=${2:-20}
launcher=${DBCLOUD:-$root/dbcloud}
times=$(mktemp)
trap 'rm -f "$times"' EXIT

# One run: "wall-ms cpu-ms", the CPU time being user + sys of the launcher and the JVM it runs.
run() {
  /usr/bin/time -o "$times" -f '%e %U %S' "$launcher" db list > /dev/null
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' "$times"
}
summary() {
  sort -n | awk -v what="$1" '{t[NR]=$1} END {printf "%s: min %d ms, median %d ms, p90 %d ms, max %d ms\n",
    what, t[1], t[int((NR+1)/2)], t[int(NR*0.9)], t[NR]}'
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r wall cpu <<< "$(run)"
echo "first run: $wall ms, CPU $cpu ms"
all=$(for i in $(seq "$runs"); do run; done)
echo "$all" | cut -d' ' -f1 | summary "$runs runs, wall"
echo "$all" | cut -d' ' -f2 | summary "$runs runs, CPU (user+sys)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
