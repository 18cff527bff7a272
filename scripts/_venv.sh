# shellcheck shell=bash
# Sourced by the scripts: make sure .venv exists and holds this checkout's package.
# Usage: ensure_venv [EXTRAS]   (e.g. ensure_venv test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
# Where the demo and the tests find the pose model (scripts/fetch-pose-model puts it there).
POSE_MODELS="$ROOT/.models/blazepose"

ensure_venv() {
    local extras="${1:-}"
    local spec="$ROOT"
    [ -n "$extras" ] && spec="${ROOT}[${extras}]"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "setting up $VENV (first run only) ..." >&2
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            echo "python3 -m venv failed: install python3-venv (sudo apt install python3-venv)" >&2
            rm -rf "$VENV"
            exit 1
        fi
    fi
    # Reinstall only when the project's metadata or the wanted extras changed.
    local stamp="$VENV/.legcoach-installed"
    local hash
    hash="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    # Any install of this pyproject serves a run without extras; extras need their own install.
    local pattern="^$hash"
    [ -n "$extras" ] && pattern="^$hash $extras\$"
    if [ ! -f "$stamp" ] || ! grep -q "$pattern" "$stamp"; then
        "$VENV/bin/python" -m pip install --quiet -e "$spec" >&2
        echo "$hash $extras" >> "$stamp"
    fi
}

# Fetch the pose model into this checkout once; later runs only check it is whole.
ensure_pose_model() {
    "$VENV/bin/python" -m coach.adapters.pose.fetch "$POSE_MODELS" >&2
}
