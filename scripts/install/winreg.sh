#!/bin/sh
# Oracles for the Windows Firewall .reg/.wfw readers (tests/winfw_hive_oracle.rs):
# hivex writes registry hives (python3-hivex, used with /usr/bin/python3; the
# hivex command-line tools come with libhivex-bin), regipy reads them
# independently (PyPI, used with `python3`). Idempotent.
set -eu
if ! /usr/bin/python3 -c 'import hivex' 2>/dev/null || ! command -v hivexsh >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y libhivex-bin python3-hivex
fi
if ! python3 -c 'import regipy' 2>/dev/null; then
    python3 -m pip install --quiet regipy
fi
/usr/bin/python3 -c 'import hivex'
python3 -c 'import regipy'
echo "winreg: hivex and regipy are installed"
