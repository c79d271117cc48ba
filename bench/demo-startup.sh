#!/usr/bin/env bash
# Measures the demo's cold start: seconds until /-/ready, until every stream's backfill is done
# and the first full snapshot is served; the series count of /metrics; live heap after a full GC.
# Usage: bench/demo-startup.sh [port]   (builds the jar if needed; state in a fresh temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-19877}
[ -f target/cx-exporter.jar ] || mvn -B -q -DskipTests package
state=$(mktemp -d)
cfg="$state/demo.yml"
sed "s#path: ./cx-data#path: $state/cx-data#; s#\":9877\"#\"127.0.0.1:$port\"#" examples/demo.yml > "$cfg"
start=$(date +%s.%N)
java ${JAVA_OPTS:-} -jar target/cx-exporter.jar --config.file="$cfg" --log.level=warn &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$state"' EXIT
url=http://127.0.0.1:$port
until curl -sf "$url/-/ready" >/dev/null; do sleep 0.05; done
ready=$(date +%s.%N)
# full snapshot: every stream caught up and a snapshot computed after that
until [ "$(curl -s "$url/metrics" | grep -c '^cx_connector_backfill_progress_ratio{.*} 1.0$')" = 5 ]; do sleep 0.05; done
caught=$(date +%s.%N)
until awk -v s="$(curl -s "$url/metrics" | awk '/^cx_snapshot_timestamp_seconds /{print $2}')" -v c="$caught" 'BEGIN{exit !(s+0 >= c+0)}'; do sleep 0.05; done
full=$(date +%s.%N)
series=$(curl -s "$url/metrics" | grep -vc '^#')
cx_series=$(curl -s "$url/metrics" | grep -c '^cx_')
jcmd $pid GC.run >/dev/null
sleep 1
heap=$(curl -s "$url/metrics" | awk -F' ' '/^jvm_memory_used_bytes\{area="heap"\}/{print $2}')
awk -v s="$start" -v r="$ready" -v c="$caught" -v f="$full" -v n="$series" -v x="$cx_series" -v h="$heap" 'BEGIN{
  printf "ready_s=%.2f backfill_done_s=%.2f first_full_snapshot_s=%.2f series=%d cx_series=%d heap_after_gc_mib=%.1f\n", r-s, c-s, f-s, n, x, h/1048576 }'
