#!/usr/bin/env bash
# Prepares OUT (a git-ignored folder to name in the device tool's `carry`) for run-network-checks.sh on a GPU machine
# that has no JDK, no Maven and no network: a jlinked Java 25 runtime of java.base alone (the device engine needs no
# ND4J: its weights are packed in plain Java and every layer runs on the GPU), the inference classes (javac), the
# three small jars they load (SLF4J, Pickle), and this script's companions. With the optional arguments also the GPU
# peer (../shared/gpu-peer, assembled from the fetched repositories) and what rebuilds medmamba_t.pth there.
#
#   prepare-network-payload.sh OUT [MAMBA_GIT MEDMAMBA_GIT VMUNET_GIT SHARED_DIR]
#
# Run from a clone with JDK 25, a filled ~/.m2 and the app's test classes built (mvn -pl app test-compile). About
# 12 MB; the work tree plus OUT must stay under 64 MiB.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="$1"
jdk="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
stage="${STAGE:-/tmp/radmamba-network-payload}"
mkdir -p "$stage" "$out"
cd "$repo"
if [ ! -s "$stage/jre.tar.xz" ]; then
  rm -rf "$stage/jdk" && mkdir -p "$stage/jdk"
  "$jdk/bin/jlink" --add-modules java.base --strip-debug --no-header-files --no-man-pages --compress zip-0 \
    --output "$stage/jdk/jre"
  strip --strip-unneeded "$stage/jdk/jre/lib/server/libjvm.so"
  rm -rf "$stage/jdk/jre/legal" "$stage/jdk/jre/lib/security/public_suffix_list.dat"
  # libjvm through xz's x86 branch filter, the rest plain: 11.5 MB instead of 11.9 (every MB counts under 64 MiB)
  tar -C "$stage/jdk" -cf - jre/lib/server | xz --x86 --lzma2=preset=9e,dict=64MiB -T1 > "$stage/jvm.tar.xz"
  tar -C "$stage/jdk" --exclude=jre/lib/server -cf - jre | xz --lzma2=preset=9e,dict=64MiB -T1 > "$stage/jre.tar.xz"
fi
cp "$stage/jre.tar.xz" "$stage/jvm.tar.xz" "$out/"
if [ ! -s "$stage/cp.txt" ]; then
  mvn -o -q -pl inference dependency:build-classpath -Dmdep.outputFile="$stage/cp.txt" -Dmdep.includeScope=test
fi
rm -rf "$stage/classes" "$out/lib" && mkdir -p "$stage/classes" "$out/lib"
"$jdk/bin/javac" -nowarn --release 25 -d "$stage/classes" -cp "$(cat "$stage/cp.txt")" \
  -sourcepath inference/src/main/java:inference/src/test/java \
  inference/src/test/java/org/radmamba/inference/cuda/CudaNetworkGpuCheck.java 2>&1 | grep -v '^Note:' || true
cp -r inference/src/main/resources/. "$stage/classes/"
(cd "$stage/classes" && zip -q -r -X "$out/lib/radmamba-network-check.jar" .)
tr ':' '\n' < "$stage/cp.txt" | grep -E '/(slf4j-api|slf4j-simple|pickle)-[0-9.]*\.jar$' | xargs -I{} cp {} "$out/lib/"
cp inference/src/test/gpu/run-network-checks.sh "$out/"
# the demo models' held-out images as the app preprocesses them (run-network-checks.sh tf32), made by the app's
# HeldoutTensors: the GPU runtime has neither an image decoder nor the card reader
if [ ! -s "$stage/app-cp.txt" ]; then
  mvn -o -q -pl app dependency:build-classpath -Dmdep.outputFile="$stage/app-cp.txt" -Dmdep.includeScope=test
fi
rm -rf "$stage/heldout" "$out/heldout" && mkdir -p "$out/heldout"
(cd app && "$jdk/bin/java" --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes:$(cat "$stage/app-cp.txt")" \
  org.radmamba.app.ai.HeldoutTensors "$stage/heldout" 2>&1 | grep -v '^WARNING' || true)
for f in "$stage"/heldout/*.npy; do xz -9 -T1 -c "$f" > "$out/heldout/$(basename "$f").xz"; done
# The GPU peer and the medmamba_t golden do not fit together beside the work tree: PARTS=golden or PARTS=peer
if [ $# -ge 5 ] && [ "${PARTS:-golden}" = peer ]; then
  rm -rf "$out/peer" "$out/golden" && bash "$5/gpu-peer/assemble.sh" "$2" "$3" "$4" "$out/peer" >/dev/null
elif [ $# -ge 5 ]; then
  rm -rf "$out/peer" "$out/golden" && mkdir -p "$out/golden"
  cp "$5"/fixtures/make_medmamba_t.py "$5"/fixtures/medmamba_t.{input,output}.npy "$out/golden/"
  cp -r "$5/fixtures/shim" "$out/golden/"
  cp inference/src/test/gpu/make_medmamba_t_golden.py "$out/golden/"
  git -C "$3" show HEAD:MedMamba.py > "$out/golden/MedMamba.py"
fi
# Two parts of under 10 MiB each (in blocks), to stash on the GPU machine in two calls: OUT/a (the JVM, the classes)
# and OUT/b (the rest of the runtime, the golden or the peer).
rm -rf "$out/a" "$out/b" && mkdir -p "$out/a" "$out/b"
mv "$out/jvm.tar.xz" "$out/lib" "$out/heldout" "$out/a/"
cp "$out/run-network-checks.sh" "$out/a/"
mv "$out/jre.tar.xz" "$out/run-network-checks.sh" "$out/b/"
for d in golden peer; do [ -d "$out/$d" ] && mv "$out/$d" "$out/b/"; done
# CHECKPOINT=path/to/medmamba_t.pth (made here by ../shared/fixtures/make_medmamba_t.py, digest checked; PyTorch on
# the GPU machine draws other tensors): split into OUT/ck1..ckN of CK_MIB (12) MiB with the golden's input and
# output, each part a call's carry; run-network-checks.sh joins them and checks the digest.
if [ -n "${CHECKPOINT:-}" ]; then
  rm -rf "$out"/ck[0-9]* && mkdir -p "$out/ck-split"
  split -b "${CK_MIB:-12}M" -d -a 2 "$CHECKPOINT" "$out/ck-split/medmamba_t.pth.part-"
  i=0
  for part in "$out"/ck-split/medmamba_t.pth.part-*; do
    i=$((i + 1)); mkdir -p "$out/ck$i/ck" && mv "$part" "$out/ck$i/ck/"
  done
  cp "$(dirname "$CHECKPOINT")"/medmamba_t.{input,output}.npy "$out/ck1/ck/" 2>/dev/null \
    || cp "${5:-../shared}"/fixtures/medmamba_t.{input,output}.npy "$out/ck1/ck/"
  cp "$out/b/run-network-checks.sh" "$out"/ck*/ 2>/dev/null || true
  rmdir "$out/ck-split"
fi
du -s "$out"/a "$out"/b "$out"/ck* 2>/dev/null || true
