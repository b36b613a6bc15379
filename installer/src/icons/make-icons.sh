#!/usr/bin/env bash
# Draws the RadMamba icon and writes every size the installers need, next to this script:
#   radmamba.png (512 px, Linux), radmamba.ico (16..256 px, Windows), radmamba.icns (16..1024 px, macOS).
# Needs ImageMagick's `convert`; the .icns needs `png2icns` (Debian: apt-get install icnsutils) or, on macOS,
# `iconutil` (see docs/installers.md). The outputs are committed so that no installer build needs these tools.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A dark rounded square, a pale scanner ring and a green S-shaped "mamba" curve crossing it.
convert -size 1024x1024 xc:none \
  -fill '#12385a' -draw 'roundrectangle 48,48 976,976 200,200' \
  -fill none -stroke '#dcebf7' -strokewidth 60 -draw 'circle 512,512 512,196' \
  -fill none -stroke '#3ccf8e' -strokewidth 92 -draw "stroke-linecap round" -draw "fill none path 'M 250,690 C 400,260 620,780 780,330'" \
  -stroke none -fill '#3ccf8e' -draw 'circle 780,330 780,262' \
  "$work/icon-1024.png"

for s in 16 32 48 64 128 256 512; do
  convert "$work/icon-1024.png" -filter Lanczos -resize ${s}x${s} -strip "$work/icon-$s.png"
done

cp "$work/icon-512.png" "$here/radmamba.png"
convert "$work/icon-16.png" "$work/icon-32.png" "$work/icon-48.png" "$work/icon-64.png" \
        "$work/icon-128.png" "$work/icon-256.png" "$here/radmamba.ico"

if command -v iconutil >/dev/null; then
  # macOS: an .iconset folder with the names iconutil expects.
  set_dir="$work/radmamba.iconset"; mkdir "$set_dir"
  for s in 16 32 128 256 512; do
    convert "$work/icon-1024.png" -resize ${s}x${s} "$set_dir/icon_${s}x${s}.png"
    convert "$work/icon-1024.png" -resize $((2*s))x$((2*s)) "$set_dir/icon_${s}x${s}@2x.png"
  done
  iconutil -c icns -o "$here/radmamba.icns" "$set_dir"
elif command -v png2icns >/dev/null; then
  png2icns "$here/radmamba.icns" "$work/icon-16.png" "$work/icon-32.png" "$work/icon-48.png" \
    "$work/icon-128.png" "$work/icon-256.png" "$work/icon-512.png" "$work/icon-1024.png" >/dev/null
else
  echo "make-icons: neither iconutil (macOS) nor png2icns (icnsutils) found; radmamba.icns not rewritten" >&2
fi
ls -l "$here"/radmamba.*
