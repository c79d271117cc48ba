#!/usr/bin/env bash
# Runs every benchmark once and writes bench/results/latest.json, then prints the table.
#   bench/run.sh            full sizes (1M tickets; takes a while)
#   bench/run.sh --quick    smaller sizes and fewer repetitions; kpi_refresh and history still run at
#                           1M tickets (their goals' size; history takes over an hour on the
#                           full-scan KPI engine)
#   bench/run.sh --only ingest,scrape
# JVM flags: BENCH_JAVA_OPTS (default -Xmx4g; it replaces the default, so keep -Xmx4g in it).
# History at another size: BENCH_JAVA_OPTS="-Xmx4g -Dcx.bench.history.tickets=20000" (the keys
# then say 20k). Benchmarks live in src/test/java/io/cxexporter/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec java ${BENCH_JAVA_OPTS:--Xmx4g} -cp "$cp" io.cxexporter.bench.BenchMain "$@"
