#!/usr/bin/env bash
# report: python jsonschema validates `--format sarif` against the OASIS schema
# (tests/report_sarif.rs).
set -euo pipefail
. "$(dirname "$0")/../install-common.sh"
need_pip jsonschema jsonschema
