#!/usr/bin/env bash
# Tools for the Windows Firewall script/export oracle (tests/winfw_oracle.rs):
# python3 and aerleon (its windows_advfirewall generator and aclcheck).
set -euo pipefail
. "$(dirname "$0")/../install-common.sh"
need_apt python3 python3-pip
need_pip aerleon aerleon
