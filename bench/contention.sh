#!/bin/bash
# The contention check of bench/README.md: kerasnet-bench on 1 and on 2 threads while another
# process keeps one core busy (a `yes` loop), so that the two can be compared in one run.
#
#   bash bench/contention.sh [FILTER] [REPEAT]     (FILTER: a kerasnet-bench --filter, e.g. conv2d)
#
# BENCH names the runner (default build-dev/kerasnet-bench).
set -euo pipefail
BENCH=${BENCH:-build-dev/kerasnet-bench}
FILTER=${1:-conv2d}
REPEAT=${2:-7}
yes > /dev/null &
BUSY=$!
trap 'kill $BUSY' EXIT
sleep 0.5
for threads in 1 2 1 2; do
  "$BENCH" --threads "$threads" --filter "$FILTER" --repeat "$REPEAT" --no-peak | tail -n +2
done
