#!/usr/bin/env bash
# One command for the first-frame figures of docs/performance.md (DICOM loading): builds the app as `mvn -Prun`
# does (jars, the AOT cache trained at package time), then runs `radmamba bench load` on a 500-slice 512x512 CT
# series (--threads 1 --peer pydicom) RUNS times with the launchers' flags, alternately WITH the AOT cache and
# WITHOUT it, each in a fresh JVM, printing per run the load average, the first frame in wall time and in the
# loading thread's CPU time, all frames, pydicom's time and the whole process's CPU time, then the medians.
#   app/src/test/bench/load-first-frame.sh [RUNS] [SERIES_DIR]      (from the repository root; RUNS default 6)
# SKIP_BUILD=1 in the environment reuses the last build.
# The series is generated into SERIES_DIR (default /tmp/ls-series) when it does not hold 500 slices.
set -euo pipefail
runs="${1:-6}"
series="${2:-/tmp/ls-series}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
[[ -n "${SKIP_BUILD:-}" ]] || mvn -B -o -q -Prun -pl app -am verify -Dradmamba.args="--version" > "$build_log" 2>&1 \
    || { cat "$build_log"; exit 1; }
cp="app/target/radmamba-app-0.1.0-SNAPSHOT.jar:$(cat app/target/runtime-classpath.txt)"
# radmamba.jvm.flags of the parent pom, with the Linux profile's part.
read -r -a flags <<< "$(sed -n 's#.*<radmamba.jvm.flags>\(.*\)</radmamba.jvm.flags>.*#\1#p' pom.xml \
    | sed 's#${radmamba.os.jvm.flags}#-XX:+UseTransparentHugePages#')"
aot=(-XX:AOTCache=app/target/radmamba.aot -Xlog:aot=off)
field() { sed -nE "s/(^|.* )$1=([0-9.]+).*/\2/p" <<< "$2" | head -1; }
declare -A first cpu
for i in $(seq 1 "$runs"); do
  for mode in aot none; do
    extra=(); [[ $mode == aot ]] && extra=("${aot[@]}")
    before="$(cut -d' ' -f1 /proc/loadavg)"
    out="$( { /usr/bin/time -f 'process_cpu_s=%U+%S' "$java" "${flags[@]}" "${extra[@]}" -cp "$cp" \
        org.radmamba.app.RadMambaMain bench load --dir "$series" --threads 1 --peer pydicom; } 2>&1)"
    line="$(grep '^instances=' <<< "$out")"
    ratio="$(grep '^radmamba_all_frames_ms=' <<< "$out" || true)"
    printf 'run=%d cache=%-4s load=%s/%s first_frame_ms=%s first_frame_thread_cpu_ms=%s all_frames_ms=%s pydicom_ms=%s radmamba_over_pydicom=%s %s\n' \
        "$i" "$mode" "$before" "$(cut -d' ' -f1 /proc/loadavg)" "$(field first_frame_ms "$line")" \
        "$(field first_frame_thread_cpu_ms "$line")" "$(field all_frames_ms "$line")" "$(field pydicom_ms "$ratio")" \
        "$(field radmamba_over_pydicom "$ratio")" "$(grep -o 'process_cpu_s=[0-9.+]*' <<< "$out")"
    first[$mode]+="$(field first_frame_ms "$line") "
    cpu[$mode]+="$(field first_frame_thread_cpu_ms "$line") "
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for mode in aot none; do
  echo "cache=$mode median_first_frame_ms=$(median <<< "${first[$mode]}") median_first_frame_thread_cpu_ms=$(median <<< "${cpu[$mode]}")"
done
