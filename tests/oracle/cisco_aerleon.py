#!/usr/bin/env python3
"""Differential oracle for fwlint's Cisco dialects, driven by aerleon.

Generates seeded random aerleon policies (address, protocol and port terms
only: the constructs aerleon's `aclcheck` decides exactly) of three address
families: `inet` (IPv4), `inet6` (IPv6) and `mixed` (both). Renders each with
the `cisco`, `ciscoasa`, `cisconx` and `ciscoxr` generators, writes packets
of the policy's families biased to the boundaries of its addresses and ports,
and records the intended verdict of each packet: the action of aclcheck's
first exact match, else the implicit deny.

Where the packets go: IOS, NX-OS and IOS-XR `inet6` policies are one
`ipv6 access-list NAME`; `mixed` ones are an IPv4 ACL `NAME` and an IPv6 ACL
`ipv6-NAME` (aerleon's naming), so IPv4 packets query `NAME` and IPv6 packets
`ipv6-NAME`. The ASA has one dual-stack ACL per name, and aerleon's
`ciscoasa` generator has no address-family option (it always renders its
terms for IPv4, dropping IPv6 addresses); for `inet6` and `mixed` policies the
driver renders each term with aerleon's own `ciscoasa.Term` for IPv4 (mixed
only) and then IPv6, in term order, under the generator's header line.

Usage: cisco_aerleon.py --seed N --policies P --packets K --out DIR
Prints a JSON manifest on standard output: one object per (policy, dialect,
filter) with the rendered file, the packet file, the packets and verdicts.

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
ANCHORS6 = ["2001:db8::", "2001:db8:1::", "2001:db8:1:2::", "fd00::", "fd00:0:0:ff00::", "fe80::"]
OTHER_PROTOS = ["gre", "esp", "ah", "igmp", "pim", "ospf"]
# IPv6: aerleon renders `hopopt` as IOS `hbh` and some protocols by number.
OTHER_PROTOS6 = ["gre", "esp", "ah", "pim", "ospf", "hopopt", "vrrp"]
FAMILIES = ["inet", "inet", "inet", "inet6", "mixed", "mixed"]


def rand_net4(r):
    base = int(ipaddress.IPv4Address(r.choice(ANCHORS)))
    plen = r.choice([8, 12, 16, 20, 23, 24, 24, 25, 27, 28, 30, 31, 32, 32])
    addr = (base | r.getrandbits(16)) & ~((1 << (32 - plen)) - 1) & 0xFFFFFFFF
    return ipaddress.IPv4Network((addr, plen))


def rand_net6(r):
    base = int(ipaddress.IPv6Address(r.choice(ANCHORS6)))
    plen = r.choice([16, 32, 48, 56, 63, 64, 64, 80, 96, 112, 120, 126, 127, 128, 128])
    # Random bits in the host half and the low bits of the network half, so
    # that networks around one anchor nest and overlap.
    bits = (r.getrandbits(12) << 64) | r.getrandbits(64)
    addr = (base | bits) & ~((1 << (128 - plen)) - 1) & ((1 << 128) - 1)
    return ipaddress.IPv6Network((addr, plen))


def rand_net(r, family):
    if family == "inet":
        return rand_net4(r)
    if family == "inet6":
        # Now and then an IPv4 network in an IPv6 policy: aerleon leaves it out
        # of the IPv6 ACL, and aclcheck never matches it with an IPv6 packet.
        return rand_net4(r) if r.random() < 0.1 else rand_net6(r)
    return rand_net4(r) if r.random() < 0.5 else rand_net6(r)


def rand_port_spec(r):
    if r.random() < 0.5:
        return str(r.choice(NAMED_PORTS))
    if r.random() < 0.5:
        return str(r.randrange(0, 65536))
    lo = r.choice(NAMED_PORTS + [r.randrange(0, 65000)])
    hi = min(65535, lo + r.choice([1, 2, 10, 100, 1000, 30000]))
    return f"{lo}-{hi}"


def make_policy(r, name, family):
    nets, svcs, terms = {}, {}, []
    for t in range(r.randint(3, 14)):
        lines = []
        for side in ("source", "destination"):
            if r.random() < 0.6:
                n = f"N{t}{side[0]}"
                nets[n] = [str(rand_net(r, family)) for _ in range(r.randint(1, 3))]
                lines.append(f"  {side}-address:: {n}")
        # A term's ICMP and other protocols are of one family (aerleon renders
        # `icmp` only for IPv4, `icmpv6` only for IPv6).
        fam = family if family != "mixed" else r.choice(["inet", "inet6"])
        pr = r.random()
        if pr < 0.35:
            protos = ["tcp"]
        elif pr < 0.6:
            protos = ["udp"]
        elif pr < 0.72:
            protos = ["tcp", "udp"]
        elif pr < 0.8:
            protos = ["icmp" if fam == "inet" else "icmpv6"]
        elif pr < 0.9:
            # Not `hopopt` in mixed policies: aerleon renders it as `hbh`,
            # an IPv6-only keyword, in the IPv4 ACL too (a device refuses it).
            others = OTHER_PROTOS if fam == "inet" else OTHER_PROTOS6
            if family == "mixed":
                others = [p for p in others if p != "hopopt"]
            protos = [r.choice(others)]
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
    opt = {"inet": "extended", "inet6": "inet6", "mixed": "mixed"}[family]
    xr_opt = "" if family == "inet" else f" {opt}"
    header = (
        "header {\n"
        f"  target:: cisco {name} {opt}\n"
        f"  target:: ciscoasa {name}\n"
        f"  target:: cisconx {name} {opt}\n"
        f"  target:: ciscoxr {name}{xr_opt}\n"
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


def boundary_addr(r, nets, v6):
    """An address of the packet's family: near the ends of one of the
    policy's networks of that family, around an anchor, or anywhere."""
    Net = ipaddress.IPv6Network if v6 else ipaddress.IPv4Network
    Addr = ipaddress.IPv6Address if v6 else ipaddress.IPv4Address
    width = 128 if v6 else 32
    ours = [n for v in nets.values() for n in v if (":" in n) == v6]
    if ours and r.random() < 0.75:
        net = Net(r.choice(ours))
        lo, hi = int(net.network_address), int(net.broadcast_address)
        v = r.choice([lo, hi, lo - 1, hi + 1, r.randint(lo, hi)])
        return str(Addr(v % (1 << width)))
    base = int(Addr(r.choice(ANCHORS6 if v6 else ANCHORS)))
    if r.random() < 0.5:
        return str(Addr(base | (r.getrandbits(80) if v6 else r.getrandbits(16))))
    return str(Addr(r.getrandbits(width)))


def endpoint(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def make_packet(r, nets, svcs, v6):
    """One packet line and the verdict aclcheck intends for it."""
    src, dst = boundary_addr(r, nets, v6), boundary_addr(r, nets, v6)
    x = r.random()
    if x < 0.42:
        proto = "tcp"
    elif x < 0.8:
        proto = "udp"
    elif x < 0.88:
        proto = "icmpv6" if v6 else "icmp"
    else:
        proto = r.choice(OTHER_PROTOS6 if v6 else OTHER_PROTOS)
    return packet_verdict(r, proto, src, dst, svcs)


def boundary_port(r, svcs):
    if svcs and r.random() < 0.7:
        spec = r.choice(r.choice(list(svcs.values())))
        lo, _, hi = spec.partition("-")
        lo = int(lo)
        hi = int(hi) if hi else lo
        v = r.choice([lo, hi, lo - 1, hi + 1, r.randint(lo, hi)])
        return max(1, min(65535, v))
    return r.choice(NAMED_PORTS + [r.randrange(1, 65536), 1, 65535, 1023, 1024])


def packet_verdict(r, proto, src, dst, svcs):
    if proto in ("tcp", "udp"):
        sp, dp = boundary_port(r, svcs), boundary_port(r, svcs)
        line = f"{proto} {endpoint(src, sp)} {endpoint(dst, dp)}"
        return line, (src, dst, sp, dp, proto)
    return f"{proto} {src} {dst}", (src, dst, "any", "any", proto)


def asa_render(pol, name, family):
    """The ASA file for an `inet6` or `mixed` policy: the generator's header
    line, then each term rendered by aerleon's `ciscoasa.Term` for IPv4
    (mixed only) and IPv6."""
    afs = [6] if family == "inet6" else [4, 6]
    out = [f"clear configure access-list {name}"]
    for _header, terms in pol.filters:
        for term in terms:
            for af in afs:
                out.append(str(ciscoasa.Term(term, name, af=af)))
    return "\n".join(out) + "\n"


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
        family = r.choice(FAMILIES)
        pol, nets, svcs = make_policy(r, name, family)
        files = {}
        for dialect, _, gen, ext in GENERATORS:
            path = os.path.join(a.out, f"p{i}.{ext}")
            with open(path, "w") as f:
                if dialect == "cisco-asa" and family != "inet":
                    f.write(asa_render(pol, name, family))
                else:
                    f.write(str(gen(pol, 2)))
            files[dialect] = path
        # The packets, each of one family, with aclcheck's verdicts.
        packets = {False: [], True: []}
        for _ in range(a.packets):
            v6 = family == "inet6" or (family == "mixed" and r.random() < 0.5)
            line, (src, dst, sp, dp, proto) = make_packet(r, nets, svcs, v6)
            em = aclcheck.AclCheck(pol, src, dst, sp, dp, proto).ExactMatches()
            verdict = "allow" if em and "accept" in em[0].action else "deny"
            packets[v6].append((line, verdict))
        for v6, pk in packets.items():
            if not pk:
                continue
            fam = "ipv6" if v6 else "ipv4"
            path = os.path.join(a.out, f"p{i}.{fam}.packets")
            with open(path, "w") as f:
                f.write("\n".join(l for l, _ in pk) + "\n")
            for dialect, file in files.items():
                # IOS, NX-OS and XR `mixed` policies put IPv6 in `ipv6-NAME`.
                split = family == "mixed" and v6 and dialect != "cisco-asa"
                manifest.append({
                    "policy": i,
                    "family": fam,
                    "dialect": dialect,
                    "file": file,
                    "filter": f"ipv6-{name}" if split else name,
                    "packets": path,
                    "lines": [l for l, _ in pk],
                    "verdicts": [v for _, v in pk],
                })
    json.dump(manifest, sys.stdout)


if __name__ == "__main__":
    main()
