#!/usr/bin/env bash
# Builds the reactor (no install) and runs dev.winnow.bench.IndexBenchmark with the Vector API enabled.
# Another JDK: JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/run-index-benchmark.sh ...
# Extra JVM options: JAVA_OPTS=-Dwinnow.touch=false bench/run-index-benchmark.sh ...
# Another main of the bench module: MAIN=dev.winnow.bench.ScaleBenchmark bench/run-index-benchmark.sh --sizes ...
# Usage, from the project root: bench/run-index-benchmark.sh [--quick] [--real N] [--queries Q] [--synthetic N]
#                                                            [--repeats R] [--threads T] [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -pl bench -am package -DskipTests
mvn -B -q -pl bench -am dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.cp" >/dev/null
# reactor modules come from their target/ folders, never from ~/.m2 snapshots
THIRD_PARTY=$(tr ':' '\n' < target/bench.cp | grep -v '/dev/winnow/' | paste -sd:)
CP=bench/target/classes:index/target/classes:encoders/target/classes:core/target/classes:core/target/test-classes:$THIRD_PARTY
export DJL_CACHE_DIR="$PWD/cache/djl" OPT_OUT_TRACKING=true
exec "${JAVA:-java}" --add-modules jdk.incubator.vector -Xmx12g ${JAVA_OPTS:-} -Dai.djl.offline=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR" \
  -Dwinnow.root="$PWD" -Dwinnow.shared="$PWD/../shared" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" "${MAIN:-dev.winnow.bench.IndexBenchmark}" "$@"
