#!/usr/bin/env bash
# Add Landscape to this user's application menu (no root needed): the .desktop entry, the icon at
# every size, and the AppStream metainfo, under ${XDG_DATA_HOME:-~/.local/share}.
#     ./install-desktop.sh [EXECUTABLE]     the bundle's landscape-app beside this script, else the
#                                           landscape-app on PATH (pip install), else EXECUTABLE
#     ./install-desktop.sh --uninstall      remove them again
# Works from the repository (packaging/install-desktop.sh) and from an unpacked bundle.
set -euo pipefail

app_id="io.github.landscape_app.Landscape"
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
sizes=(16 24 32 48 64 128 256 512)

if [ -f "$here/share/$app_id.desktop" ]; then  # an unpacked bundle
    desktop_dir="$here/share"; icon_dir="$here/share"
else  # the repository
    desktop_dir="$here/linux"; icon_dir="$here/../assets/icons"
fi

installed=("$data/applications/$app_id.desktop" "$data/metainfo/$app_id.metainfo.xml"
           "$data/icons/hicolor/scalable/apps/$app_id.svg")
for size in "${sizes[@]}"; do
    installed+=("$data/icons/hicolor/${size}x${size}/apps/$app_id.png")
done

refresh() {  # menus and icon themes cache what they show; not every desktop has these tools
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t -f "$data/icons/hicolor" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "${installed[@]}"
    refresh
    echo "removed Landscape from the application menu"
    exit 0
fi

if [ $# -ge 1 ]; then
    exe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
elif [ -x "$here/landscape-app" ]; then
    exe="$here/landscape-app"
elif command -v landscape-app >/dev/null; then
    exe="$(command -v landscape-app)"
else
    echo "install-desktop.sh: no landscape-app found; pass its path (pip install . puts it on PATH)" >&2
    exit 1
fi
[ -x "$exe" ] || { echo "install-desktop.sh: $exe is not an executable" >&2; exit 1; }

# Exec needs the absolute path (menus do not search the bundle's folder); quoted when it has spaces.
case "$exe" in *[[:space:]]*) exec_line="\"$exe\"" ;; *) exec_line="$exe" ;; esac
mkdir -p "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
sed "s|^Exec=.*|Exec=$exec_line|" "$desktop_dir/$app_id.desktop" > "$data/applications/$app_id.desktop"
cp "$desktop_dir/$app_id.metainfo.xml" "$data/metainfo/"
cp "$icon_dir/landscape.svg" "$data/icons/hicolor/scalable/apps/$app_id.svg"
for size in "${sizes[@]}"; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$icon_dir/landscape-$size.png" "$data/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
refresh
echo "added Landscape to the application menu (runs $exe)"
