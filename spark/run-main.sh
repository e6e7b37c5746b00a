#!/usr/bin/env bash
# Runs a main of the spark module's test class path (examples, benchmarks) with the JVM flags Spark 4 needs on
# Java 17 (the same list as the module's surefire argLine). Usage, from anywhere:
#   spark/run-main.sh dev.winnow.spark.examples.LocalSparkExample
#   spark/run-main.sh dev.winnow.spark.SparkScaleOutBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."
OPENS=$(sed -n 's:.*<spark.opens>\(.*\)</spark.opens>.*:\1:p' spark/pom.xml)
export WINNOW_JAVA_OPTS="$OPENS ${WINNOW_JAVA_OPTS:-}"
exec bench/run-module-main.sh spark "$@"
