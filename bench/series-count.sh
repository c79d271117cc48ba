#!/usr/bin/env bash
# Counts what the built-in demo serves on /metrics once caught up: samples (non-comment lines),
# bytes (text 0.0.4, no gzip), and the 15 families with the most samples (a histogram's _bucket,
# _sum, _count and _created lines count under its family, as in its # TYPE line).
# Usage: [TOP=n] [METRICS_OUT=file] bench/series-count.sh [port]   (uses target/cx-exporter.jar, builds it if missing; state
# in a fresh temp dir; the demo config examples/demo.yml on 127.0.0.1:port)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-19878}
[ -f target/cx-exporter.jar ] || mvn -B -q -DskipTests package
state=$(mktemp -d)
cfg="$state/demo.yml"
sed "s#path: ./cx-data#path: $state/cx-data#; s#\":9877\"#\"127.0.0.1:$port\"#" examples/demo.yml > "$cfg"
java ${JAVA_OPTS:-} -jar target/cx-exporter.jar --config.file="$cfg" --log.level=warn &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$state"' EXIT
url=http://127.0.0.1:$port
until curl -sf "$url/-/ready" >/dev/null; do sleep 0.2; done
# caught up: every stream's backfill done, then a snapshot computed after that
until [ "$(curl -s "$url/metrics" | grep -c '^cx_connector_backfill_progress_ratio{.*} 1.0$')" = 5 ]; do sleep 0.2; done
caught=$(date +%s.%N)
until awk -v s="$(curl -s "$url/metrics" | awk '/^cx_snapshot_timestamp_seconds /{print $2}')" -v c="$caught" 'BEGIN{exit !(s+0 >= c+0)}'; do sleep 0.2; done
out="$state/metrics.txt"
curl -s -H 'Accept: text/plain; version=0.0.4' "$url/metrics" > "$out"
samples=$(grep -vc '^#' "$out")
cx=$(grep -c '^cx_' "$out")
bytes=$(wc -c < "$out")
[ -z "${METRICS_OUT:-}" ] || cp "$out" "$METRICS_OUT"
echo "samples=$samples cx_samples=$cx bytes=$bytes"
echo "top ${TOP:-15} families by samples:"
awk '/^# TYPE /{f=$3; next} /^#/{next} {n[f]++} END{for (k in n) printf "%7d %s\n", n[k], k}' "$out" \
  | sort -rn | head -"${TOP:-15}"
