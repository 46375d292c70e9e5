#!/usr/bin/python3
"""Build a registry hive with hivex (Debian python3-hivex), for fwlint's hive
reader tests. Run with the system python (/usr/bin/python3), which has hivex.

usage: winfw_hive_build.py SPEC.json OUT.hive

SPEC: {"keys": [{"path": "A\\\\B", "values": [{"name": "...", "type": 1|4|3|7|11,
       "str": "...", "int": N, "hex": "0102"}]}]}

hivex cannot create a hive from nothing, so this writes an empty hive (base
block, one hive bin, a root key and its security cell) and lets hivex add every
key and value.
"""
import json
import struct
import sys
import tempfile

try:
    import hivex
except ImportError:
    sys.exit("python3-hivex is missing: run scripts/test (scripts/install/winreg.sh installs it)")


def empty_hive():
    cells = bytearray(b"hbin" + struct.pack("<III", 0, 4096, 0) + bytes(16))
    # Root nk at hive offset 0x20; sk right after it.
    name = b"ROOT"
    nk_len = (4 + 76 + len(name) + 7) & ~7
    sk_off = 0x20 + nk_len
    nk = bytearray(nk_len)
    struct.pack_into("<i", nk, 0, -nk_len)
    nk[4:6] = b"nk"
    struct.pack_into("<H", nk, 6, 0x2C)  # HIVE_ENTRY | NO_DELETE | COMP_NAME
    struct.pack_into("<I", nk, 4 + 16, 0)  # parent
    struct.pack_into("<I", nk, 4 + 20, 0)  # subkeys
    struct.pack_into("<I", nk, 4 + 28, 0xFFFFFFFF)
    struct.pack_into("<I", nk, 4 + 32, 0xFFFFFFFF)
    struct.pack_into("<I", nk, 4 + 36, 0)  # values
    struct.pack_into("<I", nk, 4 + 40, 0xFFFFFFFF)
    struct.pack_into("<I", nk, 4 + 44, sk_off)  # security
    struct.pack_into("<I", nk, 4 + 48, 0xFFFFFFFF)  # class
    struct.pack_into("<H", nk, 4 + 72, len(name))
    nk[4 + 76:4 + 76 + len(name)] = name
    cells += nk
    desc = struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 20) + struct.pack(
        "<BBHI", 2, 0, 8, 0)  # self-relative, empty DACL
    sk_len = (4 + 20 + len(desc) + 7) & ~7
    sk = bytearray(sk_len)
    struct.pack_into("<i", sk, 0, -sk_len)
    sk[4:6] = b"sk"
    struct.pack_into("<IIII", sk, 8, sk_off, sk_off, 1, len(desc))
    sk[24:24 + len(desc)] = desc
    cells += sk
    free = 4096 - len(cells)
    cells += struct.pack("<i", free) + bytes(free - 4)
    base = bytearray(4096)
    base[0:4] = b"regf"
    struct.pack_into("<IIQIIIIIII", base, 4, 1, 1, 0, 1, 3, 0, 1, 0x20, 4096, 1)
    csum = 0
    for i in range(0, 508, 4):
        csum ^= struct.unpack_from("<I", base, i)[0]
    struct.pack_into("<I", base, 508, csum)
    return bytes(base) + bytes(cells)


def value_bytes(v):
    t = v["type"]
    if t in (1, 2):
        return (v["str"] + "\0").encode("utf-16-le")
    if t == 4:
        return struct.pack("<I", v["int"])
    if t == 11:
        return struct.pack("<Q", v["int"])
    if t == 7:
        return ("\0".join(v["strs"]) + "\0\0").encode("utf-16-le")
    return bytes.fromhex(v.get("hex", ""))


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    with tempfile.NamedTemporaryFile(suffix=".hive") as t:
        t.write(empty_hive())
        t.flush()
        h = hivex.Hivex(t.name, write=True)
        nodes = {"": h.root()}
        for k in spec["keys"]:
            parent = ""
            for part in k["path"].split("\\"):
                path = part if not parent else parent + "\\" + part
                if path not in nodes:
                    nodes[path] = h.node_add_child(nodes[parent], part)
                parent = path
            vals = [{"key": v["name"], "t": v["type"], "value": value_bytes(v)} for v in k.get("values", [])]
            if vals:
                h.node_set_values(nodes[parent], vals)
        h.commit(sys.argv[2])


main()
