#!/usr/bin/env bash
# Spark local[2] against `radmamba batch` on one generated archive (SparkBatchBenchmark): images/s of both, CPU
# seconds per image and the load average. Usage: spark/bench.sh [IMAGES [ROUNDS [MODEL [COPIES]]]] (default 2000 3
# medmamba-chest-phantom-demo 0; COPIES: per cent of the files that are copies of others), from anywhere; builds what
# it needs offline (drop -o on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_OFFLINE=${MVN_OFFLINE:--o}
mvn -B -q $MVN_OFFLINE -pl spark -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/spark/target/bench-classpath.txt" -Dmdep.includeScope=test
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
# The driver's options as spark-submit gives them (Spark's JavaModuleOptions) and RadMamba's flags.
exec "$JAVA" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
  -Djava.awt.headless=true \
  -cp "spark/target/test-classes:spark/target/classes:$(cat spark/target/bench-classpath.txt)" \
  org.radmamba.spark.SparkBatchBenchmark "$@"
