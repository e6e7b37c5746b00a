#!/usr/bin/env bash
# Runs every Winnow benchmark and rewrites docs/benchmarks.md: JMH micro-benchmarks, encode throughput (vs
# LangChain4j), vector index (vs Lucene 9.12 and exact; PNG charts in docs/img), rerank and two-stage latency,
# peak heap/RSS (one fresh JVM per workload), then the Summary section at the top.
#
# Usage, from anywhere: bench/run-all.sh [--quick]
#   --quick   smaller sizes and fewer repeats; under 5 minutes on a 2-core machine once the vector cache
#             (cache/vectors) holds 10,200 vectors (the first quick run encodes them: add about 30-60 s)
#   full      about 40 minutes plus, on the first run, about 13 minutes to encode 61,000 vectors
# Needs ../shared (data and models). Never runs `mvn install`: the class path points at the reactor's target/.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=""
if [[ "${1:-}" == "--quick" ]]; then QUICK="--quick"; elif [[ $# -gt 0 ]]; then echo "usage: $0 [--quick]" >&2; exit 2; fi
T_ALL=$(date +%s)
RESULTS="$PWD/target/bench-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

mvn -B -q -pl bench -am package -DskipTests
mvn -B -q -pl bench -am dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.cp" >/dev/null
# reactor modules come from their target/ folders, never from ~/.m2 snapshots
THIRD_PARTY=$(tr ':' '\n' < target/bench.cp | grep -v '/dev/winnow/' | paste -sd:)
CP=bench/target/classes:index/target/classes:encoders/target/classes:rerank/target/classes:core/target/classes:core/target/test-classes:$THIRD_PARTY
export DJL_CACHE_DIR="$PWD/cache/djl" OPT_OUT_TRACKING=true
SHARED="$(cd .. && pwd)/shared"
JAVA_FLAGS="--add-modules jdk.incubator.vector -Xmx6g -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DDJL_CACHE_DIR=$DJL_CACHE_DIR -Dwinnow.root=$PWD -Dwinnow.shared=$SHARED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl=error"
echo -e "build\t$(( $(date +%s) - T_ALL ))\tmvn -B -q -pl bench -am package -DskipTests" > "$RESULTS/timings.tsv"

# step NAME MAIN ARGS...: runs one benchmark main; stdout to the terminal and RESULTS/NAME.out (its last line is
# the JSON object BenchSummary reads); records its wall time and command line
step() {
  local name=$1 main=$2; shift 2
  echo "== $name: $main $*"
  local t0; t0=$(date +%s)
  # shellcheck disable=SC2086
  java $JAVA_FLAGS -cp "$CP" "dev.winnow.bench.$main" "$@" | tee "$RESULTS/$name.out"
  echo -e "$name\t$(( $(date +%s) - t0 ))\tjava \$JAVA_FLAGS -cp \$CP dev.winnow.bench.$main $*" >> "$RESULTS/timings.tsv"
}

step micro MicroBenchmark $QUICK
step encode EncodeBenchmark $QUICK
if [[ -n "$QUICK" ]]; then
  step index IndexBenchmark --quick --write
else
  step index IndexBenchmark --real 60000 --queries 1000 --synthetic 200000 --repeats 3 --write
fi
step rerank RerankBenchmark $QUICK
step memory MemoryBenchmark $QUICK
# shellcheck disable=SC2086
java $JAVA_FLAGS "-Dwinnow.javaFlags=${JAVA_FLAGS//$PWD/.}" -cp "$CP" dev.winnow.bench.BenchSummary "$RESULTS" $QUICK \
  | tee "$RESULTS/summary.out"
echo "all benchmarks: $(( $(date +%s) - T_ALL )) s; results in $RESULTS, docs/benchmarks.md rewritten"
