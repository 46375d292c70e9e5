#!/usr/bin/env bash
# Shared helpers for the installers: apt-get update at most once per run.
set -euo pipefail
need_apt() {
    # need_apt PACKAGE... : install the Debian packages that are missing.
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ ! -e /tmp/.fwlint-apt-updated ]; then
        apt-get update -qq && touch /tmp/.fwlint-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
need_pip() {
    # need_pip MODULE PACKAGE : pip-install PACKAGE when python cannot import MODULE.
    python3 -c "import $1" 2>/dev/null && return 0
    python3 -m pip install -q "$2"
}
