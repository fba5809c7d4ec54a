#!/usr/bin/env bash
# Render the icon's PNG sizes from its one source, assets/icons/landscape.svg, into
# assets/icons/ (for desktops and bundles) and landscape_app/resources/icons/ (the window
# icon, shipped as package data). Run it after changing the SVG and commit the results;
# tests/test_packaging.py checks that both sets match the SVG.
# Needs rsvg-convert (Debian/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
svg="$root/assets/icons/landscape.svg"
package="$root/landscape_app/resources/icons"
command -v rsvg-convert >/dev/null || { echo "make-icons.sh: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }
mkdir -p "$package"
for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert --width "$size" --height "$size" "$svg" --output "$root/assets/icons/landscape-$size.png"
    cp "$root/assets/icons/landscape-$size.png" "$package/landscape-$size.png"
done
echo "rendered $(ls "$root"/assets/icons/landscape-*.png | wc -l) sizes from $svg"
