#!/usr/bin/env bash
# The GPU checks one command away: packs, here, what the GPU parity checks and benchmarks need on a GPU machine that
# has no JDK, no Maven and no network, and runs them there.
#
#   gpu-checks.sh pack [--cpu] [OUT]   here (JDK 25, a filled ~/.m2): builds the modules (mvn package, no tests),
#                                      jlinks a runtime of the few JDK modules the checks load, and packs it with the
#                                      app's jars and the check classes into OUT (default .gpu-checks, git-ignored by
#                                      /.gpu-checks/ in .gitignore). Without --cpu the payload leaves out
#                                      JavaFX and ND4J's native libraries (87 MB of jar): enough for the GPU engine
#                                      against the goldens; --cpu adds ND4J's natives (xz-packed, +34 MB) for the
#                                      checks that run the CPU engine beside it. Parts over PART_MIB (default 14) are
#                                      split into OUT/p1, OUT/p2, ... (the device tool carries 64 MiB a call, work
#                                      tree included): carry one part a call, each call running "stash".
#                                      With CHECKPOINT=medmamba_t.pth (made here by ../shared/fixtures/
#                                      make_medmamba_t.py, digest checked) the payload carries the medmamba_t golden
#                                      (checkpoint, input, output; FIXTURES=../shared/fixtures); with PEER=DIR the GPU
#                                      peer (../shared/gpu-peer/assemble.sh's folder) and scan_peer.py; with
#                                      MEDMAMBA_PY=MedMamba.py (the official file) what writes a MedMamba-T checkpoint
#                                      there (make_random_medmamba_t.py, with FIXTURES/shim), for `series`.
#   gpu-checks.sh stash OUT            there: copies the parts carried in this call to $PARTS (default
#                                      /tmp/radmamba-gpu-parts), which outlives the call while the machine is warm
#   gpu-checks.sh run CHECK...         there, from the repository root: assembles the parts (SHA-256 checked) into
#                                      $RT (default /tmp/radmamba-gpu) once, then runs each CHECK in order:
#                                        parity [DIR]  ModelParityGpuCheck on test-fixtures/ (and medmamba_t in DIR)
#                                        scan          CudaScanGpuCheck (inference/src/test/resources/scan), to $OUT
#                                        bench         bench model, MedMamba-T batch 1,8 and VM-UNet 256, cpu and cuda
#                                        series        bench series: a 500-slice 512x512 CT series, the app's path,
#                                                      in PRECISION (float32 unless tf32); needs pack --cpu (the
#                                                      app builds its CPU fallback beside the GPU)
#                                                      (MODEL: default the golden's medmamba_t.pth, else one
#                                                      written there by PyTorch when MEDMAMBA_PY was packed, else
#                                                      the demo classifier)
#                                        ptx NAME FLAGS  builds network.cu here with nvcc FLAGS (build-ptx.sh) into
#                                                      $OUT/NAME.ptx; later checks run on it ("ptx bundled" undoes)
#                                        net-parity    CudaNetworkGpuCheck parity: the goldens (tiny, demo models,
#                                                      medmamba_t when carried) through the device-resident network
#                                        net-consistency, net-bench, net-profile BATCH   CudaNetworkGpuCheck's others
#                                        peer-build    starts building mamba_ssm's kernel in the background (minutes)
#                                        peer-bench, peer-scan   the peer's bench.py and scan_peer.py (waits for it)
#                                        java CLASS... any main class on the payload's class path
#
# The PTX is whatever the build put into the inference jar (inference/src/main/resources, built by
# inference/src/main/cuda/build-ptx.sh), unless a `ptx` check built another; EXTRA_JAVA_OPTS adds JVM options.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
jdk="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
rt="${RT:-/tmp/radmamba-gpu}"
parts_dir="${PARTS:-/tmp/radmamba-gpu-parts}"
# The JDK modules the checks and the app's inference path load (jdeps on the jars, less java.naming and
# java.compiler: bench model, bench series and the parity check run without them; java.desktop stays, reading a
# DICOM file loads javax.imageio).
modules="java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector,java.sql,java.xml,java.desktop"

pack() {
  local cpu=false
  if [ "${1:-}" = --cpu ]; then cpu=true; shift; fi
  local out; out="$(mkdir -p "${1:-$repo/.gpu-checks}" && cd "${1:-$repo/.gpu-checks}" && pwd)"
  local stage; stage="$(mktemp -d /tmp/radmamba-gpu-pack.XXXXXX)"
  cd "$repo"
  export MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}"
  mvn -B -o -q -pl inference,app -am package -DskipTests
  mvn -B -o -q -pl inference test-compile
  mvn -B -o -q -pl app dependency:build-classpath -Dmdep.outputFile="$stage/cp.txt" -DincludeScope=runtime
  mkdir -p "$stage/rt/lib" "$stage/rt/checks"
  # Third-party runtime jars, less JavaFX and its controls (the checks open no window), less ND4J's native
  # libraries (sent unpacked with --cpu, below); RadMamba's own modules from this tree's target folders, less the
  # models jar (17 MB of demo weights: the series check reads the demo classifier from models/demo in the tree).
  tr ':' '\n' < "$stage/cp.txt" | grep -v '/org/radmamba/\|/org/openjfx/\|controlsfx\|ikonli\|-linux-x86_64\.jar$' \
    > "$stage/jars.txt"
  ls plugins/api/target/radmamba-plugins-*.jar viewer/target/radmamba-viewer-*.jar \
    inference/target/radmamba-inference-*.jar app/target/radmamba-app-*.jar | grep -v -- '-tests\|-sources' \
    >> "$stage/jars.txt"
  # Re-packed with stored entries, so that xz sees the class files (25 MB of jars become about 11 MB).
  python3 - "$stage/jars.txt" "$stage/rt/lib" <<'PY'
import os, sys, zipfile
for line in open(sys.argv[1]):
    src = line.strip()
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(os.path.join(sys.argv[2], os.path.basename(src)), "w", zipfile.ZIP_STORED) as zo:
        for info in zi.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.external_attr = info.external_attr
            zo.writestr(entry, zi.read(info.filename))
PY
  # The check classes (inference test classes, without the test resources: the fixtures travel with the tree).
  (cd inference/target/test-classes && find org -name '*.class' > "$stage/checks.txt" \
    && "$jdk/bin/jar" --create --file "$stage/rt/checks/inference-checks.jar" -0 @"$stage/checks.txt")
  if [ -n "${CHECKPOINT:-}" ]; then
    # the medmamba_t golden: its checkpoint (58 MB, made here: PyTorch on the GPU machine draws other tensors),
    # digest checked before it travels, with the golden's input and output
    local fixtures="${FIXTURES:-$repo/../shared/fixtures}"
    echo "7480a6908f17c00088f8df4f51e6a581720d9788499e1f1d393572e8880decc0  $CHECKPOINT" | sha256sum -c --quiet
    mkdir -p "$stage/rt/golden"
    cp "$CHECKPOINT" "$fixtures"/medmamba_t.input.npy "$fixtures"/medmamba_t.output.npy "$stage/rt/golden/"
  fi
  if [ -n "${MEDMAMBA_PY:-}" ]; then
    mkdir -p "$stage/rt/ckgen"
    cp "$MEDMAMBA_PY" "$stage/rt/ckgen/MedMamba.py"
    cp -r "${FIXTURES:-$repo/../shared/fixtures}/shim" "$stage/rt/ckgen/shim"
    cp inference/src/test/gpu/make_random_medmamba_t.py "$stage/rt/ckgen/"
  fi
  if [ -n "${PEER:-}" ]; then
    cp -r "$PEER" "$stage/rt/peer"
    cp inference/src/test/gpu/scan_peer.py "$stage/rt/peer/"
  fi
  if $cpu; then
    # ND4J's and OpenBLAS's native libraries unpacked (libnd4jcpu.so stripped of 23 MB of symbols); run puts them
    # back into two jars with stored entries, so that JavaCPP extracts them and makes its library links as usual.
    mkdir -p "$stage/rt/natives"
    (cd "$stage/rt/natives" && unzip -q "$m2/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar" 'org/*' \
      && unzip -q "$m2/org/bytedeco/openblas/0.3.19-1.5.7/openblas-0.3.19-1.5.7-linux-x86_64.jar" 'org/*')
    strip --strip-unneeded "$stage/rt/natives/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so"
  fi
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress zip-0 \
    --output "$stage/rt/jre"
  strip --strip-unneeded "$stage/rt/jre/lib/server/libjvm.so"
  tar -C "$stage/rt" -cf - . | xz -9 -T2 > "$stage/payload.tar.xz"
  rm -rf "$out"/p[0-9]* "$out/SHA256SUMS"
  local limit=$(( ${PART_MIB:-14} * 1024 * 1024 ))
  local size; size=$(stat -c %s "$stage/payload.tar.xz")
  local n=$(( (size + limit - 1) / limit ))
  split -n "$n" -d -a 1 "$stage/payload.tar.xz" "$stage/payload.part."
  local i=1
  for f in "$stage"/payload.part.*; do mkdir -p "$out/p$i"; mv "$f" "$out/p$i/"; i=$((i + 1)); done
  (cd "$stage" && sha256sum payload.tar.xz) > "$out/SHA256SUMS"
  rm -rf "$stage"
  echo "payload: $size bytes in $n part(s) under $out ($(if $cpu; then echo with; else echo without; fi) ND4J natives)"
  du -sh "$out"/p*
}

stash() {
  mkdir -p "$parts_dir"
  cp "${1:?OUT folder}"/SHA256SUMS "$parts_dir/"
  for d in "$1"/p[0-9]*; do [ -d "$d" ] && cp "$d"/payload.part.* "$parts_dir/"; done
  ls -la "$parts_dir"
}

assemble() {
  [ -x "$rt/jre/bin/java" ] && return 0
  local from="$parts_dir"
  # A payload carried in one call needs no stash: take the parts from the tree's .gpu-checks.
  if ! ls "$from"/payload.part.* >/dev/null 2>&1; then
    from="$(mktemp -d)"
    cp "$repo"/.gpu-checks/SHA256SUMS "$from/"
    cp "$repo"/.gpu-checks/p[0-9]*/payload.part.* "$from/"
  fi
  cat "$from"/payload.part.* > "$from/payload.tar.xz"
  (cd "$from" && sha256sum -c SHA256SUMS)
  mkdir -p "$rt"
  xz -T0 -dc "$from/payload.tar.xz" | tar -C "$rt" -xf -
  rm -f "$from/payload.tar.xz"
  if [ -d "$rt/natives" ]; then
    python3 - "$rt/natives" "$rt/lib" <<'PY'
import os, sys, zipfile
tree, out = sys.argv[1], sys.argv[2]
for name, prefix in (("nd4j-native-linux-x86_64.jar", "org/nd4j"), ("openblas-linux-x86_64.jar", "org/bytedeco")):
    with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_STORED) as z:
        for root, dirs, files in os.walk(os.path.join(tree, prefix)):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                z.write(p, os.path.relpath(p, tree))
PY
    rm -rf "$rt/natives"
  fi
  du -sh "$rt"/*
}

run() {
  assemble
  cd "$repo"
  local ptx=""
  local java=()
  java_cmd() {
    java=("$rt/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
      --sun-misc-unsafe-memory-access=allow)
    read -r -a extra <<< "${EXTRA_JAVA_OPTS:-}"
    java+=("${extra[@]}")
    [ -n "$ptx" ] && java+=("-Dradmamba.cuda.networkPtx=$ptx")
    java+=(-cp "$rt/lib/*:$rt/checks/*")
  }
  java_cmd
  # the GPU peer: carried in the payload (PEER= at pack time) or by itself (PEER_DIR, e.g. a carried folder copied
  # to /tmp in an earlier call, so that its kernel builds while the payload's parts travel)
  local peer="${PEER_DIR:-$rt/peer}"
  local golden=()
  [ -s "$rt/golden/medmamba_t.pth" ] && golden=("$rt/golden")
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv,noheader || true
  local threads="${THREADS:-$(nproc)}"
  while [ $# -gt 0 ]; do
    case "$1" in
      ptx)
        local name="$2" flags="$3"
        shift 3
        if [ "$name" = bundled ]; then
          ptx=""
        else
          mkdir -p "$rt/ptx"
          PTX_OUT="$rt/ptx/$name" NVCC_FLAGS="$flags" bash inference/src/main/cuda/build-ptx.sh network
          ptx="$rt/ptx/$name/network.ptx"
          [ -n "${OUT:-}" ] && cp "$ptx" "$OUT/$name.ptx"
        fi
        echo "== network PTX: ${ptx:-bundled} (${flags:-no flags})"
        java_cmd
        ;;
      net-parity)
        shift
        "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck parity test-fixtures "${golden[@]}"
        ;;
      net-consistency)
        shift
        "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck consistency
        ;;
      net-bench)
        shift
        "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck bench "${RUNS:-20}"
        ;;
      net-profile)
        "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck profile "$2"
        shift 2
        ;;
      peer-build)
        shift
        # in a session of its own, so that it outlives this call while the machine stays warm
        (cd "$peer" && setsid nohup python3 -c 'import sys; sys.path.insert(0, "shim"); import os;
os.environ.setdefault("SS_SRC", "ss"); import mamba_ssm.ops.selective_scan_interface' \
          > "$peer/build.log" 2>&1 < /dev/null &)
        echo "peer: building mamba_ssm's kernel in the background ($peer/build.log)"
        ;;
      peer-bench | peer-scan)
        local script=bench.py
        [ "$1" = peer-scan ] && script=scan_peer.py
        shift
        (cd "$peer" && PYTHONUNBUFFERED=1 python3 "$script")
        ;;
      parity)
        shift
        local dir=""
        if [ $# -gt 0 ] && [ -d "$1" ]; then dir="$1"; shift; fi
        "${java[@]}" org.radmamba.inference.ModelParityGpuCheck test-fixtures ${dir:+"$dir"}
        ;;
      scan)
        shift
        "${java[@]}" -cp "$rt/lib/*:$rt/checks/*:inference/src/test/resources" \
          org.radmamba.inference.scan.CudaScanGpuCheck "${OUT:-.}"
        ;;
      bench)
        shift
        for device in cpu cuda; do
          "${java[@]}" org.radmamba.app.bench.BenchModelCommand --threads "$threads" --warmup "${WARMUP:-3}" \
            --runs "${RUNS:-10}" --model medmamba_t --batch 1,8 --device "$device"
          "${java[@]}" org.radmamba.app.bench.BenchModelCommand --threads "$threads" --warmup "${WARMUP:-3}" \
            --runs "${RUNS:-10}" --model vmunet_isic --batch 1 --device "$device"
        done
        ;;
      series)
        shift
        if [ ! -f "$rt/lib/nd4j-native-linux-x86_64.jar" ]; then
          # the app builds the CPU network beside the GPU one (its fallback), so even --device cuda loads ND4J
          echo "series: the payload has no ND4J natives; pack it with --cpu" >&2
          return 2
        fi
        local model="models/demo/medmamba-chest-phantom-demo/medmamba_chest_phantom_demo.pth"
        if [ ${#golden[@]} -gt 0 ]; then
          model="$rt/golden/medmamba_t.pth"
        elif [ -d "$rt/ckgen" ]; then
          model="$rt/medmamba_t_random.pth"
          [ -s "$model" ] || python3 "$rt/ckgen/make_random_medmamba_t.py" "$rt/ckgen/MedMamba.py" "$rt/ckgen/shim" "$model"
        fi
        "${java[@]}" org.radmamba.app.bench.BenchSeriesCommand --device "${DEVICE:-cuda}" --runs "${SERIES_RUNS:-3}" \
          --precision "${PRECISION:-float32}" --model "${MODEL:-$model}"
        ;;
      java)
        shift
        "${java[@]}" "$@"
        return
        ;;
      *)
        echo "unknown check $1 (see the usage at the top of $0)" >&2
        return 2
        ;;
    esac
  done
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  stash) shift; stash "$@" ;;
  run) shift; run "$@" ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
