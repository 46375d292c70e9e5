#!/bin/sh
# nftjson: tools for the nftables kernel oracle (tests/nft_oracle.rs, tests/nft_json.rs).
# Idempotent: installs only what is missing.
set -e
need=""
command -v nft >/dev/null 2>&1 || need="$need nftables"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y $need
fi
