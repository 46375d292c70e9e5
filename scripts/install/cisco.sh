#!/bin/sh
# Oracles for the Cisco dialect tests (tests/cisco_oracle.rs): aerleon renders
# random policies to IOS, ASA, NX-OS and IOS-XR ACLs and says what they intend.
set -eu
if ! python3 -c "import aerleon" 2>/dev/null; then
    python3 -m pip install --quiet aerleon || python3 -m pip install --quiet --break-system-packages aerleon
fi
python3 -c "import aerleon"
