#!/bin/sh
# nft dialect (branch nft): the real nft binary and iproute2, used by
# benches/nft_parse.rs (nft -c -f inside a network namespace) and to record
# the `nft -c` status of the corpus in tests/expect/nft_corpus.txt.
set -e
if ! command -v nft >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
    apt-get update
    apt-get install -y nftables iproute2
fi
