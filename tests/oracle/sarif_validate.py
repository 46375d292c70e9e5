#!/usr/bin/env python3
"""Validate a SARIF log against the SARIF 2.1.0 JSON schema.

usage: sarif_validate.py SCHEMA LOG
Exit 0 when valid; 1 with every error (path and message) on stderr when not;
3 when the jsonschema module is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write("python module `jsonschema` is missing: run scripts/test "
                     "(scripts/install/report.sh installs it)\n")
    sys.exit(3)


def main() -> int:
    schema_path, log_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(log_path, encoding="utf-8") as f:
        log = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path)
        sys.stderr.write(f"{path}: {e.message}\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
