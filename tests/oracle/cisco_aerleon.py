#!/usr/bin/env python3
"""Differential oracle for fwlint's Cisco dialects, driven by aerleon.

Generates seeded random aerleon policies (address, protocol and port terms
only: the constructs aerleon's `aclcheck` decides exactly), renders each with
the `cisco`, `ciscoasa`, `cisconx` and `ciscoxr` generators, writes packets
biased to the boundaries of the policy's addresses and ports, and records the
intended verdict of each packet: the action of aclcheck's first exact match,
else the implicit deny.

Usage: cisco_aerleon.py --seed N --policies P --packets K --out DIR
Prints a JSON manifest on standard output.

Packets never use port 0: aclcheck reads a port of 0 as "any port" (it tests
the port for truth), so it cannot be an oracle for port 0.
"""
import argparse
import ipaddress
import json
import os
import random
import sys

from aerleon.lib import aclcheck, cisco, ciscoasa, cisconx, ciscoxr, naming, policy

GENERATORS = [
    ("cisco-ios", "cisco", cisco.Cisco, "ios"),
    ("cisco-asa", "ciscoasa", ciscoasa.CiscoASA, "asa"),
    ("cisco-nxos", "cisconx", cisconx.CiscoNX, "nxos"),
    ("cisco-xr", "ciscoxr", ciscoxr.CiscoXR, "iosxr"),
]

# Ports with Cisco names (for TCP, UDP or both), so that rendered names are exercised.
NAMED_PORTS = [7, 9, 13, 19, 20, 21, 22, 23, 25, 37, 42, 43, 49, 53, 67, 68, 69, 70, 79, 80,
               101, 109, 110, 111, 113, 119, 123, 137, 138, 139, 143, 161, 162, 177, 179, 194,
               389, 443, 496, 500, 512, 513, 514, 515, 517, 520, 540, 543, 544, 636, 1352,
               1494, 1521, 1720, 1723, 2049, 3020, 4500, 5060, 5190, 5631, 5632]
ANCHORS = ["10.0.0.0", "10.1.0.0", "10.1.2.0", "192.168.1.0", "172.16.0.0", "198.51.100.0"]
OTHER_PROTOS = ["gre", "esp", "ah", "igmp", "pim", "ospf"]


def rand_net(r):
    base = int(ipaddress.IPv4Address(r.choice(ANCHORS)))
    plen = r.choice([8, 12, 16, 20, 23, 24, 24, 25, 27, 28, 30, 31, 32, 32])
    addr = (base | r.getrandbits(16)) & ~((1 << (32 - plen)) - 1) & 0xFFFFFFFF
    return ipaddress.IPv4Network((addr, plen))


def rand_port_spec(r):
    if r.random() < 0.5:
        return str(r.choice(NAMED_PORTS))
    if r.random() < 0.5:
        return str(r.randrange(0, 65536))
    lo = r.choice(NAMED_PORTS + [r.randrange(0, 65000)])
    hi = min(65535, lo + r.choice([1, 2, 10, 100, 1000, 30000]))
    return f"{lo}-{hi}"


def make_policy(r, name):
    nets, svcs, terms = {}, {}, []
    for t in range(r.randint(3, 14)):
        lines = []
        for side in ("source", "destination"):
            if r.random() < 0.6:
                n = f"N{t}{side[0]}"
                nets[n] = [str(rand_net(r)) for _ in range(r.randint(1, 3))]
                lines.append(f"  {side}-address:: {n}")
        pr = r.random()
        if pr < 0.35:
            protos = ["tcp"]
        elif pr < 0.6:
            protos = ["udp"]
        elif pr < 0.72:
            protos = ["tcp", "udp"]
        elif pr < 0.8:
            protos = ["icmp"]
        elif pr < 0.9:
            protos = [r.choice(OTHER_PROTOS)]
        else:
            protos = []
        if protos:
            lines.append("  protocol:: " + " ".join(protos))
        if protos and set(protos) <= {"tcp", "udp"}:
            for side in ("source", "destination"):
                if r.random() < (0.25 if side == "source" else 0.7):
                    s = f"S{t}{side[0]}"
                    svcs[s] = [rand_port_spec(r) for _ in range(r.randint(1, 3))]
                    lines.append(f"  {side}-port:: {s}")
        action = r.choice(["accept", "accept", "deny", "reject"])
        lines.append(f"  action:: {action}")
        terms.append(f"term t{t} {{\n" + "\n".join(lines) + "\n}\n")
    header = (
        "header {\n"
        f"  target:: cisco {name} extended\n"
        f"  target:: ciscoasa {name}\n"
        f"  target:: cisconx {name} extended\n"
        f"  target:: ciscoxr {name}\n"
        "}\n"
    )
    defs_obj = {
        "networks": {n: {"values": [{"address": a} for a in v]} for n, v in nets.items()},
        "services": {},
    }
    for s, specs in svcs.items():
        # The protocol in a service entry does not restrict the term; the term's
        # protocol does. List both so that aerleon renders the ports for each.
        defs_obj["services"][s] = [{"port": p, "protocol": pr} for p in specs for pr in ("tcp", "udp")]
    defs = naming.Naming()
    defs.ParseDefinitionsObject(defs_obj, "random")
    pol = policy.ParsePolicy(header + "\n".join(terms), defs, optimize=False)
    return pol, nets, svcs


def boundary_addr(r, nets):
    if nets and r.random() < 0.75:
        net = ipaddress.IPv4Network(r.choice(r.choice(list(nets.values()))))
        lo, hi = int(net.network_address), int(net.broadcast_address)
        v = r.choice([lo, hi, lo - 1, hi + 1, r.randint(lo, hi)])
        return str(ipaddress.IPv4Address(v % (1 << 32)))
    base = int(ipaddress.IPv4Address(r.choice(ANCHORS)))
    if r.random() < 0.5:
        return str(ipaddress.IPv4Address(base | r.getrandbits(16)))
    return str(ipaddress.IPv4Address(r.getrandbits(32)))


def boundary_port(r, svcs):
    if svcs and r.random() < 0.7:
        spec = r.choice(r.choice(list(svcs.values())))
        lo, _, hi = spec.partition("-")
        lo = int(lo)
        hi = int(hi) if hi else lo
        v = r.choice([lo, hi, lo - 1, hi + 1, r.randint(lo, hi)])
        return max(1, min(65535, v))
    return r.choice(NAMED_PORTS + [r.randrange(1, 65536), 1, 65535, 1023, 1024])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", type=int, default=40)
    ap.add_argument("--packets", type=int, default=260)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    manifest = []
    for i in range(a.policies):
        name = f"acl_{i}"
        pol, nets, svcs = make_policy(r, name)
        files = {}
        for dialect, _, gen, ext in GENERATORS:
            path = os.path.join(a.out, f"p{i}.{ext}")
            with open(path, "w") as f:
                f.write(str(gen(pol, 2)))
            files[dialect] = path
        lines, verdicts = [], []
        for _ in range(a.packets):
            src, dst = boundary_addr(r, nets), boundary_addr(r, nets)
            x = r.random()
            if x < 0.42:
                proto = "tcp"
            elif x < 0.8:
                proto = "udp"
            elif x < 0.88:
                proto = "icmp"
            else:
                proto = r.choice(OTHER_PROTOS)
            if proto in ("tcp", "udp"):
                sp, dp = boundary_port(r, svcs), boundary_port(r, svcs)
                lines.append(f"{proto} {src}:{sp} {dst}:{dp}")
                chk = aclcheck.AclCheck(pol, src, dst, sp, dp, proto)
            else:
                lines.append(f"{proto} {src} {dst}")
                chk = aclcheck.AclCheck(pol, src, dst, "any", "any", proto)
            em = chk.ExactMatches()
            verdicts.append("allow" if em and "accept" in em[0].action else "deny")
        pk = os.path.join(a.out, f"p{i}.packets")
        with open(pk, "w") as f:
            f.write("\n".join(lines) + "\n")
        manifest.append({"filter": name, "files": files, "packets": pk, "lines": lines, "verdicts": verdicts})
    json.dump(manifest, sys.stdout)


if __name__ == "__main__":
    main()
