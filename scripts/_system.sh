# shellcheck shell=bash
# Sourced by the scripts: install the Debian/Ubuntu/Raspberry Pi OS packages a script needs,
# saying which and why before asking for sudo. Each need is "command-or-check package why".
# Usage: ensure_system_packages NAME NEED...   (NAME is the script, for the message)

# What the audio owner needs: pyalsaaudio is built from source by pip, and the echo canceller
# loads libspeexdsp at run time.
# shellcheck disable=SC2034  # used by the scripts that source this file
AUDIO_NEEDS=(
    "cc|gcc|to build pyalsaaudio, the coach's speaker and microphone in one process"
    "alsa-headers|libasound2-dev|ALSA's headers, to build pyalsaaudio"
    "python-headers|python3-dev|Python's headers, to build pyalsaaudio"
    "libspeexdsp|libspeexdsp1|the echo canceller, so the coach hears you while it talks"
)

# Reads the whole cache before matching: `ldconfig -p | grep -q` under pipefail can report a
# library missing when grep stops reading early and ldconfig dies of SIGPIPE.
_has_library() {
    local cache
    cache="$(ldconfig -p 2>/dev/null)" || return 1
    [[ "$cache" == *"$1 "* ]]
}

_have() {
    case "$1" in
        venv) python3 -c "import ensurepip, venv" 2>/dev/null ;;
        libseccomp) _has_library libseccomp.so.2 ;;
        libspeexdsp) _has_library libspeexdsp.so.1 ;;
        alsa-headers) [ -f /usr/include/alsa/asoundlib.h ] ;;
        python-headers) python3 -c "import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

ensure_system_packages() {
    local script="$1"
    shift
    local missing=() reasons=() need check package why
    for need in "$@"; do
        IFS='|' read -r check package why <<<"$need"
        if ! _have "$check"; then
            missing+=("$package")
            reasons+=("  $package: $why")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "$script needs these system packages, which are not installed:" >&2
    printf '%s\n' "${reasons[@]}" >&2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "This system has no apt-get: install them with its package manager, then run $script again." >&2
        exit 1
    fi
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "Run as root: apt-get install ${missing[*]}" >&2
            exit 1
        fi
        echo "Installing them with sudo (it may ask for your password) ..." >&2
        sudo=(sudo)
    else
        echo "Installing them ..." >&2
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
