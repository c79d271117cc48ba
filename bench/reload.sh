#!/usr/bin/env bash
# Lifecycle benches (bench/README.md):
#   bench/reload.sh [reloads]                threads and live heap of the built-in demo before and
#                                            after 50 reloads of its unchanged config
#   bench/reload.sh --one-of n [reloads]     reload time when one of n demo connectors changes
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
main=io.cxexporter.bench.ReloadBench
if [[ "${1:-}" == "--one-of" ]]; then
  main=io.cxexporter.bench.ReloadOneBench
  shift
fi
exec java ${BENCH_JAVA_OPTS:-} -Dcx.log.level=warn -cp "$cp" "$main" "$@"
