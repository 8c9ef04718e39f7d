#!/usr/bin/env bash
# How long a command line takes: `dbcloud db list` against a running local stack, through the ./dbcloud launcher,
# RUNS times (the first run after a build also prepares the launcher's class-data archive: it is shown apart).
#
# usage: bench/cli-start.sh HOME [RUNS]
#   HOME  the --home of a running local stack (the CLI reads its credentials); DBCLOUD_JAVA_OPTS passes through;
#         DBCLOUD names another launcher to measure (default: ./dbcloud)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DBCLOUD_HOME=${1:?usage: bench/cli-start.sh HOME [RUNS]}
runs=${2:-20}
launcher=${DBCLOUD:-$root/dbcloud}

elapsed() { local begin end; begin=$(date +%s%N); "$@" > /dev/null; end=$(date +%s%N); echo $(((end - begin) / 1000000)); }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first run: $(elapsed "$launcher" db list) ms"
for i in $(seq "$runs"); do elapsed "$launcher" db list; done | sort -n |
  awk '{t[NR]=$1} END {printf "%d runs: min %d ms, median %d ms, p90 %d ms, max %d ms\n", NR, t[1], t[int((NR+1)/2)], t[int(NR*0.9)], t[NR]}'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
