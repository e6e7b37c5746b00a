#!/usr/bin/env bash
# Builds the reactor (no install) and runs dev.winnow.bench.KeywordBenchmark: BM25 quality on SciFact, the NQ
# sample and WikiQA dev for a grid of (k1, b), and SciFact search latency. Needs ../shared/data.
# Usage, from the project root: bench/run-keyword-benchmark.sh [--data DIR] [--repeats N] [--grid k1:b,k1:b,...]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
mvn -B -q -pl bench -am dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.cp" >/dev/null
# reactor modules come from their target/ folders, never from ~/.m2 snapshots
THIRD_PARTY=$(tr ':' '\n' < target/bench.cp | grep -v '/dev/winnow/' | paste -sd:)
CP=bench/target/classes:keyword/target/classes:eval/target/classes:core/target/classes:$THIRD_PARTY
exec java -Xmx2g -Dwinnow.root="$PWD" -Dwinnow.shared="$PWD/../shared" -cp "$CP" dev.winnow.bench.KeywordBenchmark "$@"
