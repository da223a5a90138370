#!/usr/bin/env bash
# Build the one-folder Linux app: dist/reyna-desktop/reyna-desktop (+ its _internal/ folder).
#   packaging/build_linux.sh [DIST_DIR] [WORK_DIR]
# Uses the project's venv (.venv) unless PYTHON is set. Prints the build time and the size.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="${1:-$ROOT/dist}"
WORK="${2:-$ROOT/build/pyinstaller}"
cd "$ROOT"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/reyna.spec
end=$(date +%s)
APP="$DIST/reyna-desktop"
cp packaging/linux/reyna-desktop.desktop packaging/linux/reyna-desktop.svg packaging/linux/reyna-desktop.png "$APP/"
echo "built $APP in $((end - start))s, size $(du -sh "$APP" | cut -f1)"
