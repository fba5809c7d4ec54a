#!/usr/bin/env bash
# Build Landscape's one-folder bundle for Linux, check it, and pack it:
#     packaging/build.sh            -> dist/landscape-app/ and dist/landscape-app-VERSION-linux-ARCH.tar.gz
# Options: --no-check (skip the clean-environment selftest), PYTHON=python3.11 to choose the interpreter.
# The bundle runs on machines without Python; it needs glibc at least as new as the build machine's
# and the usual desktop libraries (X11/Wayland, EGL, fontconfig).
set -euo pipefail

check=1
for arg in "$@"; do
    case "$arg" in
        --no-check) check=0 ;;
        -h|--help) sed -n '2,6p' "$0" | cut -c3-; exit 0 ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/landscape_app/__init__.py")"
bundle="$root/dist/landscape-app"
venv="$root/build/bundle-venv"

# A venv of its own: the bundle holds the app's dependencies and nothing a developer happens to have.
if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
echo "== installing landscape-app $version and PyInstaller"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "$root[bundle]"

echo "== building $bundle"
"$venv/bin/pyinstaller" "$root/packaging/landscape-app.spec" --noconfirm --clean --log-level WARN \
    --distpath "$root/dist" --workpath "$root/build/pyinstaller"

# Desktop integration travels with the bundle: ./install-desktop.sh adds it to the user's menu.
mkdir -p "$bundle/share"
cp "$root/packaging/install-desktop.sh" "$bundle/"
cp "$root/packaging/linux/"* "$bundle/share/"
cp "$root/assets/icons/landscape.svg" "$root/assets/icons/"landscape-*.png "$bundle/share/"
cp "$root/packaging/README.md" "$bundle/README-bundle.md"

if [ "$check" = 1 ]; then
    # As on a machine with no Python: no venv on PATH, an empty home, so an empty kernel cache;
    # twice, from another folder, and the second launch must load every kernel from the cache.
    home="$(mktemp -d)"
    trap 'rm -rf "$home"' EXIT
    for launch in first second; do
        echo "== selftest, $launch launch (HOME=$home)"
        (cd / && env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$bundle/landscape-app" selftest) \
            | tee "$home/selftest-$launch.txt"
    done
    grep -q "kernel cache: [1-9][0-9]* loaded, 0 compiled" "$home/selftest-second.txt" \
        || { echo "build.sh: the second launch did not reuse the kernel cache" >&2; exit 1; }
fi

archive="$root/dist/landscape-app-$version-linux-$(uname -m).tar.gz"
tar -C "$root/dist" -czf "$archive" landscape-app
echo "== $(du -sh "$bundle" | cut -f1) in $bundle; $(du -h "$archive" | cut -f1) as $archive"
