#!/usr/bin/env bash
# Builds MODULE and what it needs (no install) and runs MAIN on MODULE's test class path (its examples and
# benchmark mains live in src/test/java), reactor modules from their target/ folders, never from ~/.m2.
# Usage, from the project root: bench/run-module-main.sh MODULE MAIN [ARGS...]
#   bench/run-module-main.sh langchain4j dev.winnow.langchain4j.examples.RagExample
#   bench/run-module-main.sh spring-ai dev.winnow.springai.examples.WinnowSpringAiExample
#   bench/run-module-main.sh langchain4j dev.winnow.langchain4j.bench.AdapterBenchmark --write
# Extra JVM flags: WINNOW_JAVA_OPTS (spark/run-main.sh sets Spark's --add-opens there).
set -euo pipefail
cd "$(dirname "$0")/.."
MODULE=$1; MAIN=$2; shift 2
mvn -B -q -pl "$MODULE" -am test-compile
mvn -B -q -pl "$MODULE" -am dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/target/$MODULE.cp" >/dev/null
THIRD_PARTY=$(tr ':' '\n' < "target/$MODULE.cp" | grep -v '/dev/winnow/' | paste -sd:)
CP=$MODULE/target/test-classes:$MODULE/target/classes:core/target/test-classes
for m in core index encoders keyword rerank eval; do CP=$CP:$m/target/classes; done
export DJL_CACHE_DIR="$PWD/cache/djl" OPT_OUT_TRACKING=true
exec java --add-modules jdk.incubator.vector -Xmx${WINNOW_XMX:-8g} -Dai.djl.offline=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR" \
  -Dwinnow.root="$PWD" -Dwinnow.shared="$PWD/../shared" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.ai.djl=error ${WINNOW_JAVA_OPTS:-} -cp "$CP:$THIRD_PARTY" "$MAIN" "$@"
