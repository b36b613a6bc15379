#!/usr/bin/env bash
# Prepares the payload for whole-model checks on a GPU machine that has no JDK, no Maven and no network, when the
# device tool sends at most 64 MiB a call (the working tree included): a jlinked Java 25 runtime, the inference
# classes (javac), BenchModelCommand, every runtime jar of the inference module, ND4J's and OpenBLAS's native
# libraries, and optionally medmamba_t.pth. Everything is xz-packed and cut into PARTS equal parts (default 7)
# that travel one a call; device-payload.sh stashes them there and reassembles them.
#
#   prepare-model-payload.sh OUT_DIR [FIXTURES_DIR]
#
# OUT_DIR receives bin/ (the device scripts, the manifest) and p1..pN/ (one part each); run it from the
# repository root of a clone with JDK 25 and a filled ~/.m2. STAGE (default /tmp/radmamba-payload) keeps the
# packed files, so a second run only re-packs the classes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="$1"
fixtures="${2:-}"
jdk="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
stage="${STAGE:-/tmp/radmamba-payload}"
mkdir -p "$stage" "$out"
cd "$repo"

# 1. Runtime class path of the inference module, less test jars and the two native jars (sent unpacked below).
if [ ! -s "$stage/jars.txt" ]; then
  mvn -q -pl inference dependency:build-classpath -Dmdep.outputFile="$stage/cp.txt" -Dmdep.includeScope=runtime
  tr ':' '\n' < "$stage/cp.txt" | grep -v 'junit\|opentest4j\|apiguardian' \
    | grep -v 'nd4j-native-1.0.0-M2.1-linux-x86_64.jar\|openblas-0.3.19-1.5.7-linux-x86_64.jar' > "$stage/jars.txt"
  echo "$m2/info/picocli/picocli/4.7.7/picocli-4.7.7.jar" >> "$stage/jars.txt"
fi

# 2. A jlinked runtime. The modules are what jdeps reports for these jars, less java.desktop, java.compiler and
#    java.naming, which no code path of the checks loads (tried: bench model and the parity check run without them).
if [ ! -s "$stage/jre.tar.xz" ]; then
  rm -rf "$stage/jdk" && mkdir -p "$stage/jdk"
  "$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector,java.sql,java.xml \
    --strip-debug --no-header-files --no-man-pages --compress zip-0 --output "$stage/jdk/jre"
  strip --strip-unneeded "$stage/jdk/jre/lib/server/libjvm.so"
  tar -C "$stage/jdk" -cf - jre | xz -9e -T2 > "$stage/jre.tar.xz"
fi

# 3. The native libraries, unpacked from their jars (libnd4jcpu.so stripped of its 23 MB of non-dynamic symbols:
#    323 -> 301 MB) and xz-packed as one tar: 33.5 MB instead of the jars' 105 MB. device-payload.sh puts them back
#    into two jars with stored entries, so that JavaCPP extracts them and makes its library links as usual.
if [ ! -s "$stage/natives.tar.xz" ]; then
  rm -rf "$stage/nd" && mkdir -p "$stage/nd"
  (cd "$stage/nd" && unzip -q "$m2/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar" 'org/*' \
    && unzip -q "$m2/org/bytedeco/openblas/0.3.19-1.5.7/openblas-0.3.19-1.5.7-linux-x86_64.jar" 'org/*')
  strip --strip-unneeded "$stage/nd/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so"
  tar -C "$stage/nd" -cf - org | xz -9 -T2 > "$stage/natives.tar.xz"
fi

# 4. Classes (javac of the inference module, BenchModelCommand and the GPU checks) and the jars, re-packed with
#    stored entries so that xz sees the class files: 25 MB of jars become 11 MB.
rm -rf "$stage/app" && mkdir -p "$stage/app/classes" "$stage/app/lib"
"$jdk/bin/javac" -nowarn --release 25 --add-modules jdk.incubator.vector -d "$stage/app/classes" \
  -cp "$(paste -sd: "$stage/jars.txt")" \
  $(find inference/src/main/java -name '*.java') \
  app/src/main/java/org/radmamba/app/ExitCodes.java app/src/main/java/org/radmamba/app/bench/BenchModelCommand.java \
  inference/src/test/java/org/radmamba/inference/ModelParityGpuCheck.java \
  inference/src/test/java/org/radmamba/inference/scan/{ScanFixture,Deviation,CudaScanGpuCheck}.java 2>&1 \
  | grep -v 'incubator' || true
cp -r inference/src/main/resources/. "$stage/app/classes/"
python3 - "$stage/jars.txt" "$stage/app/lib" <<'PY'
import os, sys, zipfile
for line in open(sys.argv[1]):
    src = line.strip()
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(os.path.join(sys.argv[2], os.path.basename(src)), "w", zipfile.ZIP_STORED) as zo:
        for info in zi.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.external_attr = info.external_attr
            zo.writestr(entry, zi.read(info.filename))
PY
tar -C "$stage" -cf - app | xz -9e -T2 > "$stage/libs.tar.xz"

# 5. medmamba_t.pth (58 MB of float32): the bytes of each 4-byte lane grouped together (exponents compress,
#    mantissas do not), then xz: 48.5 MB. device-payload.sh undoes it and checks the SHA-256 of the original.
if [ -n "$fixtures" ] && [ ! -s "$stage/pth.shuf.xz" ]; then
  python3 - "$fixtures/medmamba_t.pth" "$stage/pth.shuf.xz" <<'PY'
import lzma, sys
import numpy as np
raw = open(sys.argv[1], "rb").read()
n = len(raw) // 4 * 4
lanes = np.frombuffer(raw[:n], dtype=np.uint8).reshape(-1, 4).T.copy().tobytes()
open(sys.argv[2], "wb").write(lzma.compress(lanes + raw[n:], preset=6))
PY
fi

# 6. Parts: one stream, the runtime (jre, libs, natives in one tar) first and the checkpoint tar after it, cut into
#    PARTS equal pieces (default 7: 102.6 MiB in 14.7 MiB parts, beside a 46 MiB working tree). The runtime is whole
#    once the first parts have arrived (device-payload.sh says so), so the checks without medmamba_t can run early.
rm -rf "$out"/p[0-9]* "$out/bin" && mkdir -p "$out/bin"
cp "$repo"/inference/src/test/gpu/{device-payload.sh,run-model-checks.sh} "$out/bin/"
tar -C "$stage" -cf "$stage/runtime.tar" jre.tar.xz libs.tar.xz natives.tar.xz
members=(runtime.tar)
if [ -n "$fixtures" ]; then
  cp "$fixtures"/medmamba_t.{input,output}.npy "$stage/"
  (cd "$fixtures" && sha256sum medmamba_t.pth) > "$stage/medmamba_t.pth.sha256"
  tar -C "$stage" -cf "$stage/checkpoint.tar" pth.shuf.xz medmamba_t.input.npy medmamba_t.output.npy medmamba_t.pth.sha256
  members+=(checkpoint.tar)
fi
(cd "$stage" && sha256sum jre.tar.xz libs.tar.xz natives.tar.xz "${members[@]}") > "$out/bin/SHA256SUMS"
(cd "$stage" && stat -c '%n %s' "${members[@]}") > "$out/bin/STREAM"
(cd "$stage" && cat "${members[@]}") > "$stage/stream.bin"
rm -f "$stage"/stream.part.*
split -n "${PARTS:-7}" -d -a 1 "$stage/stream.bin" "$stage/stream.part."
i=1
for f in "$stage"/stream.part.*; do mkdir -p "$out/p$i"; mv "$f" "$out/p$i/"; i=$((i + 1)); done
rm -f "$stage/stream.bin"
du -sh "$out"/*
