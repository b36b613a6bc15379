#!/usr/bin/env bash
# On the GPU machine: keeps the payload parts made by prepare-model-payload.sh across device-tool calls, then
# reassembles them. The folder holding this script (bin/) also holds SHA256SUMS and STREAM from that run.
#
#   device-payload.sh stash DIR...        copy the parts in DIR... to $PARTS_DIR (default /tmp/radmamba-parts) and
#                                         to $KEEP_DIR (default .device-cuda-keep, an ignored folder of the tree),
#                                         then list what both hold (the two show which of them outlives a call;
#                                         on the lent H200 on 2026-11-30 /tmp did, the folder in the tree copy did
#                                         not: assemble reads $PARTS_DIR first)
#   device-payload.sh assemble [all]      concatenate the parts, check every SHA-256, unpack the runtime into
#                                         $RT (default /tmp/radmamba-rt); with "all" also medmamba_t into $RT/fixtures
set -euo pipefail
bin="$(cd "$(dirname "$0")" && pwd)"
parts="${PARTS_DIR:-/tmp/radmamba-parts}"
keep="${KEEP_DIR:-.device-cuda-keep}"
rt="${RT:-/tmp/radmamba-rt}"
mkdir -p "$parts" "$keep" "$rt"

inventory() {
  echo "boot_id $(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo '?')  $(date -u +%FT%TZ)"
  for d in "$parts" "$keep"; do
    echo "$d: $(ls "$d" 2>/dev/null | tr '\n' ' ')($(du -sb "$d" 2>/dev/null | cut -f1) bytes)"
  done
}

case "${1:-}" in
  stash)
    shift
    for dir in "$@"; do
      for f in "$dir"/*; do
        cp "$f" "$parts/"
        cp "$f" "$keep/"
        echo "stashed $(basename "$f") $(stat -c %s "$f") bytes"
      done
    done
    inventory
    ;;
  assemble)
    inventory
    work="$rt/stream"
    mkdir -p "$work"
    # The parts in order, from whichever store holds them.
    files=()
    for i in 0 1 2 3 4 5 6 7 8 9; do
      if [ -f "$parts/stream.part.$i" ]; then files+=("$parts/stream.part.$i")
      elif [ -f "$keep/stream.part.$i" ]; then files+=("$keep/stream.part.$i")
      else break; fi
    done
    echo "parts present: ${#files[@]}"
    offset=0
    while read -r name size; do
      if [ "$name" = checkpoint.tar ] && [ "${2:-}" != all ]; then break; fi
      if [ ! -s "$work/$name" ] || ! (cd "$work" && grep " $name\$" "$bin/SHA256SUMS" | sha256sum -c --quiet); then
        (set +o pipefail; cat "${files[@]}" | tail -c +$((offset + 1)) | head -c "$size" > "$work/$name")
        (cd "$work" && grep " $name\$" "$bin/SHA256SUMS" | sha256sum -c)
      fi
      offset=$((offset + size))
    done < "$bin/STREAM"
    if [ ! -x "$rt/jre/bin/java" ]; then
      tar -C "$work" -xf "$work/runtime.tar"
      (cd "$work" && grep -E ' (jre|libs|natives)\.tar\.xz$' "$bin/SHA256SUMS" | sha256sum -c)
      xz -dc "$work/jre.tar.xz" | tar -C "$rt" -xf -
      xz -dc "$work/libs.tar.xz" | tar -C "$rt" -xf -
      mkdir -p "$rt/natives" "$rt/njars"
      xz -T0 -dc "$work/natives.tar.xz" | tar -C "$rt/natives" -xf -
      # Back into two jars (entries stored): JavaCPP extracts jar resources and makes the library links it needs
      # (libopenblas_nolapack.so.0), which it does not do for a folder on the class path.
      python3 - "$rt/natives" "$rt/njars" <<'PY'
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
    if [ "${2:-}" = all ] && [ ! -s "$rt/fixtures/medmamba_t.pth" ]; then
      mkdir -p "$rt/fixtures"
      tar -C "$work" -xf "$work/checkpoint.tar"
      cp "$work"/medmamba_t.{input,output}.npy "$rt/fixtures/"
      python3 - "$work/pth.shuf.xz" "$rt/fixtures/medmamba_t.pth" <<'PY'
import lzma, sys
import numpy as np
data = lzma.decompress(open(sys.argv[1], "rb").read())
n = len(data) // 4 * 4
raw = np.frombuffer(data[:n], dtype=np.uint8).reshape(4, -1).T.copy().tobytes() + data[n:]
open(sys.argv[2], "wb").write(raw)
PY
      (cd "$rt/fixtures" && sha256sum -c "$work/medmamba_t.pth.sha256")
    fi
    du -sh "$rt"/* 2>/dev/null
    ;;
  *)
    echo "usage: device-payload.sh stash DIR... | assemble [all]" >&2
    exit 2
    ;;
esac
