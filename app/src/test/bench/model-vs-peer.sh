#!/usr/bin/env bash
# One command for issue 21's figures: `radmamba bench model` (2 threads; MedMamba-T 224 and VM-UNet ISIC 256 at
# batch 1, MedMamba-T also at batch 8) and the official code on PyTorch CPU (../shared/cpu-peer/time_pytorch.py,
# 2 threads), model by model in the same run, with the load average before each run and the ratio per model.
#   app/src/test/bench/model-vs-peer.sh PEER_DIR OFFICIAL_DIR [RUNS]
# PEER_DIR holds time_pytorch.py (and ../fixtures/shim beside it); OFFICIAL_DIR holds MedMamba.py and
# vmunet_pkg/vmunet/{__init__,vmamba,vmunet}.py from the public repositories (see PEER_DIR/README.md). Needs
# Debian's python3-torch (/usr/bin/python3). Run from the repository root after
# `mvn -B -o -q -pl app -am package -DskipTests`.
set -euo pipefail
peer="$(cd "$1" && pwd)"
official="$(cd "$2" && pwd)"
runs="${3:-10}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cpfile="$(mktemp)"
trap 'rm -f "$cpfile"' EXIT
mvn -B -o -q -pl app dependency:build-classpath -Dmdep.outputFile="$cpfile" > /dev/null
cp="app/target/classes:inference/target/classes:$(cat "$cpfile")"
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:GCTimeRatio=1)
load() { echo "load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"; }
ours() { # MODEL BATCH -> prints the bench line, sets ours_ms
  local line
  line="$("$java" "${flags[@]}" -cp "$cp" org.radmamba.app.bench.BenchModelCommand --model "$1" --batch "$2" \
      --threads 2 --warmup 3 --runs "$runs" 2> /dev/null | grep '^model=')"
  echo "$line"
  ours_ms="$(sed -E 's/.* median_ms=([0-9.]+).*/\1/' <<< "$line")"
}
peer() { # MODEL -> prints the peer line, sets peer_ms
  local line
  line="$(SCAN_DTYPE=float32 /usr/bin/python3 "$peer/time_pytorch.py" "$official" "$1" 2 3 2> /dev/null | tail -1)"
  echo "peer: $line"
  peer_ms="$(sed -E 's/.* median_ms=([0-9.]+).*/\1/' <<< "$line")"
}
date -u '+%Y-%m-%d %H:%M UTC'; echo "cores=$(nproc)"; git log -1 --format='commit %h %s' 2> /dev/null || true
for model in medmamba_t vmunet_isic; do
  load; ours "$model" 1; load; peer "$model"
  awk -v p="$peer_ms" -v o="$ours_ms" -v m="$model" 'BEGIN { printf "ratio %s batch 1: %.1fx\n", m, p / o }'
done
load; ours medmamba_t 8
awk -v o="$ours_ms" 'BEGIN { printf "medmamba_t batch 8: %.1f ms per image\n", o / 8 }'
load
