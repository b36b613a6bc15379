#!/usr/bin/env bash
# Latency, CPU time and peak RSS of every network the CPU engine loads, this tree beside another revision's build,
# interleaved in one run: `bench model` (BenchModelCommand, batch 1, 2 threads, each configuration in its own JVM)
# for MedMamba-T, -S, -B at 224x224 and VM-UNet ISIC at 256x256 and 128x128 (the demo model's card size), with the
# load average before every run, then per variant the median over the rounds of each tree's figures.
#   app/src/test/bench/model-vs-revision.sh BASE_TREE [RUNS] [ROUNDS]
# BASE_TREE is another checkout (e.g. `git worktree add --detach /tmp/base <commit>`); build both trees first with
# `mvn -B -o -q -pl app -am package -DskipTests` (never install the other revision). Run from this tree's root.
# JVM_FLAGS adds flags to both trees' JVMs (e.g. JVM_FLAGS=-XX:+UseTransparentHugePages, as the Linux launchers do).
# cpu_ms is the process CPU time per inference (JIT and GC threads included), the figure that a busy machine
# disturbs least; peak_rss_mb is the child JVM's VmHWM.
set -euo pipefail
base="$(cd "$1" && pwd)"
ours="$(cd "${OURS_TREE:-.}" && pwd)"  # OURS_TREE: a copy of this tree's build, while it is rebuilt
runs="${2:-10}"
rounds="${3:-3}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cpfile="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$cpfile" "$log"' EXIT
mvn -B -o -q -pl app dependency:build-classpath -Dmdep.outputFile="$cpfile" > /dev/null
# third-party jars only: each tree's own modules come from its target/classes
libs="$(tr ':' '\n' < "$cpfile" | grep -v '/org/radmamba/' | paste -sd:)"
read -r -a extra <<< "${JVM_FLAGS:-}"
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:GCTimeRatio=1
    "${extra[@]}")
variants=("medmamba_t 224" "medmamba_s 224" "medmamba_b 224" "vmunet_isic 256" "vmunet_isic 128")
bench() { # TREE_NAME TREE_DIR MODEL SIZE
  local line
  line="$("$java" "${flags[@]}" -cp "$2/app/target/classes:$2/inference/target/classes:$libs" \
      org.radmamba.app.bench.BenchModelCommand --model "$3" --size "$4" --batch 1 --threads 2 --warmup 3 \
      --runs "$runs" 2> /dev/null | grep '^model=')"
  echo "tree=$1 size=$4 load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/') $line" | tee -a "$log"
}
date -u '+%Y-%m-%d %H:%M UTC'; echo "cores=$(nproc) jvm_flags=${JVM_FLAGS:-none}"
echo "ours: $ours $(git -C "$ours" log -1 --format='%h %s' 2> /dev/null || true)"
echo "base: $base $(git -C "$base" log -1 --format='%h %s' 2> /dev/null || true)"
for ((round = 1; round <= rounds; round++)); do
  for v in "${variants[@]}"; do
    read -r model size <<< "$v"
    if ((round % 2)); then bench base "$base" "$model" "$size"; bench ours "$ours" "$model" "$size"
    else bench ours "$ours" "$model" "$size"; bench base "$base" "$model" "$size"; fi
  done
done
echo "medians over $rounds rounds (median_ms, cpu_ms, peak_rss_mb):"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
       k = f["model"] " " f["size"]; t = f["tree"]
       if (!(k in seen)) { seen[k] = 1; order[++n] = k }
       ms[k, t] = ms[k, t] " " f["median_ms"]; cpu[k, t] = cpu[k, t] " " f["cpu_ms"]; rss[k, t] = rss[k, t] " " f["peak_rss_mb"] }
     function med(s,   a, c, i, j, x) { c = split(s, a, " ")
       for (i = 2; i <= c; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
       return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
     END { printf "%-18s %24s %24s\n", "model size", "base ms/cpu/RSS", "ours ms/cpu/RSS"
       for (i = 1; i <= n; i++) { k = order[i]
         printf "%-18s %10.1f %6.1f %6d %10.1f %6.1f %6d\n", k, med(ms[k, "base"]), med(cpu[k, "base"]),
           med(rss[k, "base"]), med(ms[k, "ours"]), med(cpu[k, "ours"]), med(rss[k, "ours"]) } }' "$log"
echo "load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
