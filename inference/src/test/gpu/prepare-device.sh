#!/usr/bin/env bash
# Prepares .device/ (git-ignored) for run-gpu-checks.sh on a machine that has an NVIDIA GPU but no JDK and no
# Maven: a jlinked Java 25 runtime, the scan classes compiled with javac (only the sources the checks need, so
# that unfinished work elsewhere in the module does not block them), their resources and the SLF4J jars.
# Run here (with JDK 25 and a filled ~/.m2), then send .device with the GPU run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
jdk="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
slf4j="${SLF4J_VERSION:-2.0.16}"
device="$repo/.device"
inference="$repo/inference"

rm -rf "$device/classes" "$device/lib"
mkdir -p "$device/classes" "$device/lib"
# The runtime travels xz-packed (12 MB: uncompressed modules and a stripped libjvm compress best), since the
# working tree and everything carried with it must stay under the device tool's 64 MiB.
if [ ! -f "$device/jre.tar.xz" ]; then
  rm -rf "$repo/.jdk/jre"
  "$jdk/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector \
    --strip-debug --no-header-files --no-man-pages --compress zip-0 --output "$repo/.jdk/jre"
  strip --strip-unneeded "$repo/.jdk/jre/lib/server/libjvm.so"
  tar -C "$repo/.jdk" -cf - jre | xz -T2 -9e > "$device/jre.tar.xz"
fi
cp "$m2/org/slf4j/slf4j-api/$slf4j/slf4j-api-$slf4j.jar" "$m2/org/slf4j/slf4j-simple/$slf4j/slf4j-simple-$slf4j.jar" \
  "$device/lib/"

main="$inference/src/main/java/org/radmamba/inference"
test="$inference/src/test/java/org/radmamba/inference"
"$jdk/bin/javac" -nowarn --release 25 --add-modules jdk.incubator.vector -d "$device/classes" \
  -cp "$device/lib/*" \
  "$main"/scan/*.java "$main"/cuda/*.java \
  "$test"/scan/ScanFixture.java "$test"/scan/Deviation.java \
  "$test"/scan/CudaScanGpuCheck.java
cp -r "$inference/src/main/resources/." "$device/classes/"
# The scan fixtures travel with the working tree (inference/src/test/resources), which run-gpu-checks.sh puts on
# the class path.
du -sh "$device"/*
