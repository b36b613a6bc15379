#!/usr/bin/env bash
# Checks a RadMamba .deb without installing it on this machine: unpacks it into a throw-away root, then runs the
# installed launchers from there with a fresh HOME (so no settings, models or caches of this machine are used):
#   1. the package metadata (name, version, dependencies, the /usr/bin/radmamba link in postinst/prerm, the desktop
#      entry with application/dicom, the launcher's JVM flags);
#   2. the GUI, headless under Xvfb: the window must appear and a screenshot of it must not be blank (the app
#      writes its demo study into the fresh cache on the way);
#   3. `radmamba info` on that demo study: the DEMO^PHANTOM patient and its CT series;
#   4. `radmamba classify` with the demo MedMamba taken from the installed models jar: the logits of the PyTorch
#      parity tensor must equal PyTorch's within 1e-3, and a held-out photograph gets a probability per label.
# Usage: installer/verify-deb.sh [radmamba_VERSION_amd64.deb]   (default: the one in installer/target/jpackage)
# Needs: dpkg-deb, xvfb-run, ImageMagick (import, convert), unzip, python3 with numpy. Exits non-zero on any failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
deb="${1:-$(ls "$repo"/installer/target/jpackage/radmamba_*.deb 2>/dev/null | head -n 1)}"
[ -n "$deb" ] && [ -f "$deb" ] || { echo "verify-deb: no .deb given and none in installer/target/jpackage" >&2; exit 1; }
demo_models="$repo/models/demo"

work="$(mktemp -d /tmp/radmamba-verify-deb.XXXXXX)"
root="$work/root"
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config"
mkdir -p "$root" "$HOME"
gui_pid=""
cleanup() {
  if [ -n "$gui_pid" ]; then kill "$gui_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "verify-deb: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "verify-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "verify-deb: ok: $*"; }

# --- 1. package metadata --------------------------------------------------------------------------------------
[ "$(dpkg-deb -f "$deb" Package)" = radmamba ] || fail "package name is not radmamba"
version="$(dpkg-deb -f "$deb" Version)"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "$depends" | grep -q libgtk-3-0 || fail "Depends lacks GTK 3 (JavaFX needs it): $depends"
ok "package radmamba $version, $(du -k "$deb" | cut -f1) KiB, Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"
ok "Depends: $depends"
dpkg-deb -e "$deb" "$work/control"
grep -q 'ln -sf /opt/radmamba/bin/radmamba-cli /usr/bin/radmamba' "$work/control/postinst" || fail "postinst does not link /usr/bin/radmamba"
grep -q 'rm -f /usr/bin/radmamba' "$work/control/prerm" || fail "prerm does not remove /usr/bin/radmamba"
grep -q 'xdg-desktop-menu install' "$work/control/postinst" || fail "postinst does not install the menu entry"
grep -q 'xdg-mime install' "$work/control/postinst" || fail "postinst does not register application/dicom"

dpkg-deb -x "$deb" "$root"
app="$root/opt/radmamba"
gui="$app/bin/RadMamba"
cli="$app/bin/radmamba-cli"
[ -x "$gui" ] && [ -x "$cli" ] || fail "launchers missing in /opt/radmamba/bin"
desktop="$app/lib/radmamba-RadMamba.desktop"
grep -q '^MimeType=.*application/dicom' "$desktop" || fail "$desktop has no application/dicom MimeType"
grep -q '^Exec=/opt/radmamba/bin/RadMamba %F' "$desktop" || fail "$desktop does not start /opt/radmamba/bin/RadMamba with the files"
grep -q '^NoDisplay=true' "$app"/lib/radmamba-radmamba-cli.desktop || fail "the command line has a menu entry of its own"
for flag in --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow; do
  grep -q -- "$flag" "$app/lib/app/RadMamba.cfg" || fail "RadMamba.cfg lacks $flag"
  grep -q -- "$flag" "$app/lib/app/radmamba-cli.cfg" || fail "radmamba-cli.cfg lacks $flag"
done
ok "installed size $(du -sk "$app" | cut -f1) KiB in /opt/radmamba (runtime $(du -sk "$app/lib/runtime" | cut -f1) KiB, app jars $(du -sk "$app/lib/app" | cut -f1) KiB)"
"$cli" --version | tee "$work/version.txt"
grep -q "RadMamba ${version%%-*}" "$work/version.txt" || fail "radmamba --version does not say $version"

# --- 2. the GUI under Xvfb --------------------------------------------------------------------------------------
shot="${SCREENSHOT:-$work/gui.png}"
xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
  "$0" > "$1/gui.log" 2>&1 &
  pid=$!
  for i in $(seq 1 180); do
    if ! kill -0 $pid 2>/dev/null; then echo "the GUI exited early" >&2; exit 1; fi
    if xwininfo -root -tree | grep -q "\"RadMamba\""; then break; fi
    sleep 1
  done
  xwininfo -root -tree | grep -q "\"RadMamba\"" || { echo "no RadMamba window after 180 s" >&2; kill $pid; exit 1; }
  # The window opens on the demo study, which the app first writes into the (fresh) cache.
  for i in $(seq 1 180); do
    if ls "$XDG_CACHE_HOME"/radmamba/demo-*/.complete >/dev/null 2>&1; then break; fi
    sleep 1
  done
  sleep "${GUI_SETTLE_S:-20}"   # time to read and draw the series on a busy machine
  import -window root "$2"
  kill -0 $pid || { echo "the GUI died while loading the demo" >&2; exit 1; }
  kill $pid
' "$gui" "$work" "$shot" || { cat "$work/gui.log" >&2; fail "the installed GUI did not show its window"; }
colours="$(convert "$shot" -format '%k' info:)"
spread="$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
python3 -c "import sys; sys.exit(0 if int('$colours') > 50 and float('$spread') > 0.02 else 1)" \
  || fail "the screenshot $shot looks blank ($colours colours, grey spread $spread)"
ok "GUI window shown, screenshot $shot has $colours colours"

# --- 3. radmamba info on the demo study the GUI generated --------------------------------------------------------
study="$(ls -d "$XDG_CACHE_HOME"/radmamba/demo-* | head -n 1)"
[ -d "$study" ] || fail "the GUI did not write the demo study into $XDG_CACHE_HOME/radmamba"
"$cli" info "$study" > "$work/info.txt" || fail "radmamba info failed on $study"
head -n 3 "$work/info.txt"
grep -q 'DEMO^PHANTOM' "$work/info.txt" || fail "radmamba info does not list the DEMO^PHANTOM patient"
grep -qi 'CT' "$work/info.txt" || fail "radmamba info does not list the CT series"
ok "radmamba info lists the demo study"

# --- 4. radmamba classify with the demo MedMamba from the installed models jar -----------------------------------
card_dir=org/radmamba/models/demo/medmamba-chest-phantom-demo
models_jar="$(ls "$app"/lib/app/radmamba-models-*.jar | head -n 1)"
unzip -q -o "$models_jar" "$card_dir/*" -d "$work/models" || fail "$models_jar holds no demo MedMamba"
checkpoint="$work/models/$card_dir/medmamba_chest_phantom_demo.pth"
python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['labels'], open(sys.argv[2],'w'))" \
  "$work/models/$card_dir/card.json" "$work/labels.json"
heldout="$demo_models/medmamba-chest-phantom-demo/heldout"
"$cli" classify --json --model "$checkpoint" "$heldout/parity.input.npy" > "$work/parity.json" \
  || fail "radmamba classify failed on the parity tensor"
python3 - "$work/parity.json" "$heldout/parity.output.npy" <<'PY' || fail "classify logits differ from PyTorch's"
import json, sys
import numpy as np
out = json.load(open(sys.argv[1]))
expected = np.load(sys.argv[2])
items = out["results"] if isinstance(out, dict) and "results" in out else out
logits = np.array([item["logits"] for item in items], dtype=np.float32)
diff = float(np.abs(logits - expected).max())
print(f"verify-deb: parity logits max |diff| = {diff:.2e} over {logits.size} values")
sys.exit(0 if logits.shape == expected.shape and diff < 1e-3 else 1)
PY
"$cli" classify --model "$checkpoint" --labels "$work/labels.json" "$heldout/002.png" | tee "$work/classify.txt" \
  || fail "radmamba classify failed on a held-out photograph"
for label in normal nodule effusion; do grep -q "$label" "$work/classify.txt" || fail "classify output lacks $label"; done
ok "radmamba classify with the installed demo model matches PyTorch"

echo "verify-deb: all checks passed for $(basename "$deb")"
