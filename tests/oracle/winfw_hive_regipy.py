#!/usr/bin/env python3
"""Dump a registry hive with regipy (PyPI), an independent reader, as JSON:
{"keys": [{"path": "A\\\\B", "values": [{"name", "type", "data"}]}], "error": null|"..."}
`data` is a string for REG_SZ/REG_EXPAND_SZ, a number for REG_DWORD/REG_QWORD,
else the hex of the bytes. Keys are read until regipy fails; the failure is in
"error". Paths are relative to the root key.

usage: winfw_hive_regipy.py HIVE
"""
import json
import sys

try:
    from regipy.registry import RegistryHive
    from regipy.registry import LIRecord
except ImportError:
    sys.exit("regipy is missing: run scripts/test (scripts/install/winreg.sh installs it)")

TYPES = {"REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4,
         "REG_DWORD_BIG_ENDIAN": 5, "REG_LINK": 6, "REG_MULTI_SZ": 7, "REG_QWORD": 11}


def norm(v):
    t = TYPES.get(v.value_type, v.value_type)
    d = v.value
    if t in (1, 2):
        if isinstance(d, bytes):
            d = d.decode("utf-16-le", "replace")
        d = (d or "").split("\0")[0]
    elif t in (4, 5, 11):
        d = int(d) if d is not None else None
    elif t == 7 and isinstance(d, list):
        d = [x for x in d if x]
    else:
        if isinstance(d, str):
            try:
                d = bytes.fromhex(d).hex()
            except ValueError:
                d = d.encode("utf-8").hex()
        elif isinstance(d, bytes):
            d = d.hex()
        else:
            d = json.dumps(d)
    # regipy names the default (unnamed) value "(default)".
    name = "" if v.name == "(default)" else v.name
    return {"name": name, "type": t, "data": d}


def walk(nk, path, out, depth=0):
    entry = {"path": path, "values": []}
    out["keys"].append(entry)
    try:
        if nk.values_count:
            # trim_values=False: regipy otherwise cuts data at 256 characters.
            entry["values"] = [norm(v) for v in nk.iter_values(trim_values=False)]
    except Exception as e:  # damaged values: keep the key, note the failure
        out["errors"].append(f"{path}: {type(e).__name__}: {e}")
    if depth > 64:
        return
    try:
        if nk.header.subkey_count:
            for sk in nk.iter_subkeys():
                if isinstance(sk, LIRecord):
                    continue
                walk(sk, f"{path}\\{sk.name}" if path else sk.name, out, depth + 1)
    except Exception as e:
        out["errors"].append(f"{path}: {type(e).__name__}: {e}")


def main():
    out = {"keys": [], "errors": [], "error": None}
    try:
        hive = RegistryHive(sys.argv[1])
        walk(hive.root, "", out)
    except Exception as e:  # regipy gives up on damage: keep what it read
        out["error"] = f"{type(e).__name__}: {e}"
    json.dump(out, sys.stdout)


main()
