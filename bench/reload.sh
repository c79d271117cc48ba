#!/usr/bin/env bash
# Threads and live heap of the built-in demo before and after 50 reloads (bench/README.md).
#   bench/reload.sh [reloads]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec java ${BENCH_JAVA_OPTS:-} -Dcx.log.level=warn -cp "$cp" io.cxexporter.bench.ReloadBench "$@"
