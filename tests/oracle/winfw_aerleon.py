#!/usr/bin/env python3
"""Differential oracle driver for fwlint's Windows Firewall readers.

Generates RANDOM ALLOW-ONLY aerleon policies (seeded; address, protocol and port
terms only), renders them with aerleon's `windows_advfirewall` generator (netsh
`add rule` lines), and converts the same rules into every other Windows form
fwlint reads:

  rules.netsh   aerleon's own netsh output (trailing block terms dropped)
  rules.bat     the same lines as a .bat (@echo off, REM, ^ continuations)
  rules.ps1     New-NetFirewallRule commands (arrays, backticks, variables)
  rules.show    `netsh advfirewall firewall show rule name=all verbose` text
  rules.json    a Get-NetFirewallRule join exported with ConvertTo-Json
                (numeric enums, as PowerShell 5 writes them)
  rules.csv     the same join exported with Export-Csv -NoTypeInformation
  rules.txt     bare registry rule strings (v2.30|Action=Allow|...)
  rules.reg     a .reg file of the FirewallRules key, UTF-16LE with BOM

and, for every policy, random packets with the verdict aerleon's aclcheck gives:
the first exact match decides; no match means the default (inbound block).

Why allow-only: aerleon writes rules in order, but on real Windows block beats
allow whatever the order ([MS-FASP] 2.2.34), so a policy mixing the two is not
an oracle for Windows. Each policy ends with an explicit deny-all term (as real
aerleon policies do); its `action=block` lines are dropped from the rendered
rules, and the profile's default inbound block stands in for it.

Usage: winfw_aerleon.py OUTDIR --seed N --policies P --packets K
Writes OUTDIR/pNNN/{rules.*,packets.txt,expected.txt} and prints a summary.
"""

import argparse
import copy
import ipaddress
import json
import os
import random
import re
import sys
import uuid

try:
    from aerleon.lib import aclcheck, naming, policy, windows_advfirewall
except ImportError as e:  # pragma: no cover
    print(f"aerleon is not installed ({e}); run scripts/test", file=sys.stderr)
    sys.exit(3)

BASE = ipaddress.ip_network("10.0.0.0/16")
PORT_POOL = [21, 22, 23, 25, 53, 80, 110, 135, 139, 443, 445, 1000, 3389, 8080]
PROTOS = ["tcp", "udp", "icmp", "ah", "vrrp"]
PROTO_NUM = {"tcp": 6, "udp": 17, "icmp": 1, "ah": 51, "vrrp": 112, "icmpv4": 1, "51": 51, "112": 112}


def rand_net(rng):
    plen = rng.choice([16, 20, 24, 24, 26, 28, 30, 32, 32])
    host = rng.randrange(0, 1 << 16)
    addr = int(BASE.network_address) + host
    return ipaddress.ip_network((addr, plen), strict=False)


def rand_ports(rng):
    out = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.3:
            lo = rng.randrange(1, 1200)
            out.append((lo, lo + rng.randrange(1, 200)))
        else:
            p = rng.choice(PORT_POOL)
            out.append((p, p))
    return out


def gen_policy(rng, idx):
    """Return (policy_text, network_defs, service_defs)."""
    nets, svcs, terms = [], [], []
    nterms = rng.randint(1, 7)
    for t in range(nterms):
        lines = []
        if rng.random() < 0.7:
            name = f"SRC{t}"
            nets.append(f"{name} = " + " ".join(str(rand_net(rng)) for _ in range(rng.randint(1, 3))))
            lines.append(f"  source-address:: {name}")
        if rng.random() < 0.6:
            name = f"DST{t}"
            nets.append(f"{name} = " + " ".join(str(rand_net(rng)) for _ in range(rng.randint(1, 2))))
            lines.append(f"  destination-address:: {name}")
        r = rng.random()
        if r < 0.75:
            protos = rng.choice([["tcp"], ["udp"], ["tcp", "udp"]])
            lines.append(f"  protocol:: {' '.join(protos)}")
            if rng.random() < 0.8:
                name = f"DPORT{t}"
                svcs.append(f"{name} = " + " ".join(
                    f"{a}-{b}/{p}" if a != b else f"{a}/{p}" for (a, b) in rand_ports(rng) for p in protos))
                lines.append(f"  destination-port:: {name}")
            if rng.random() < 0.2:
                name = f"SPORT{t}"
                svcs.append(f"{name} = " + " ".join(
                    f"{a}-{b}/{p}" if a != b else f"{a}/{p}" for (a, b) in rand_ports(rng) for p in protos))
                lines.append(f"  source-port:: {name}")
        else:
            lines.append(f"  protocol:: {rng.choice(['icmp', 'ah', 'vrrp'])}")
        lines.append("  action:: accept")
        terms.append(f"term allow-{idx}-{t} {{\n" + "\n".join(lines) + "\n}\n")
    terms.append("term deny-all {\n  action:: deny\n}\n")
    text = "header {\n  target:: windows_advfirewall in inet\n}\n" + "".join(terms)
    return text, nets, svcs


# ---------------------------------------------------------------- netsh -> dict
TOKEN = re.compile(r'(\w+)=("[^"]*"|\S+)')


def parse_netsh(line):
    assert line.startswith("netsh advfirewall firewall add rule "), line
    return {k.lower(): v.strip('"') for k, v in TOKEN.findall(line)}


def proto_of(r):
    p = r.get("protocol", "any").lower()
    return p


def ports_list(v):
    return [] if v in (None, "", "any") else v.split(",")


def addrs_list(v):
    return [] if v in (None, "", "any") else v.split(",")


# ---------------------------------------------------------------- renderers
def render_bat(lines, rng):
    out = ["@echo off", "REM generated from an aerleon policy", ":: allow-only rules", "setlocal"]
    for ln in lines:
        if rng.random() < 0.3 and " action=" in ln:
            head, tail = ln.split(" action=", 1)
            out.append(head + " ^")
            out.append("    action=" + tail)
        else:
            out.append(ln)
        if rng.random() < 0.2:
            out.append("echo rule added")
    out.append("pause")
    return "\r\n".join(out) + "\r\n"


def ps_list(items, rng):
    if len(items) == 1:
        return f'"{items[0]}"' if rng.random() < 0.5 else items[0]
    if rng.random() < 0.5:
        return "@(" + ", ".join(f'"{i}"' for i in items) + ")"
    return ",".join(items)


def render_ps(rules, rng):
    out = ["# generated from an aerleon policy", "<# allow-only", "   rules #>",
           '$Group = "aerleon"']
    for i, r in enumerate(rules):
        args = [f'-DisplayName "{r["name"]}"', f'-Name "{r["name"]}-{i}"', f'-Group $Group',
                "-Direction Inbound", "-Action Allow", "-Enabled True",
                f"-Profile {rng.choice(['Any', 'Domain', 'Domain,Private', 'Any'])}"]
        p = proto_of(r)
        if p.startswith("icmpv4"):
            args.append("-Protocol ICMPv4")
        elif p in ("tcp", "udp"):
            args.append(f"-Protocol {p.upper() if rng.random() < 0.5 else p}")
        else:
            args.append(f"-Protocol {p}")
        var_lines = []
        for key, ps in (("localport", "LocalPort"), ("remoteport", "RemotePort"),
                        ("localip", "LocalAddress"), ("remoteip", "RemoteAddress")):
            vals = ports_list(r.get(key)) if "port" in key else addrs_list(r.get(key))
            if not vals:
                if rng.random() < 0.3:
                    args.append(f"-{ps} Any")
                continue
            if rng.random() < 0.3:
                var = f"$v{i}{ps}"
                # Expression mode: every item quoted (`"a", "b"` or `@("a", "b")`).
                quoted = ", ".join(f'"{v}"' for v in vals)
                var_lines.append(f"{var} = {quoted if rng.random() < 0.5 or len(vals) == 1 else '@(' + quoted + ')'}")
                args.append(f"-{ps} {var}")
            else:
                args.append(f"-{ps} {ps_list(vals, rng)}")
        out.extend(var_lines)
        if rng.random() < 0.5:
            out.append("New-NetFirewallRule " + " `\n    ".join(args) + " | Out-Null")
        else:
            out.append("New-NetFirewallRule " + " ".join(args))
    return "\n".join(out) + "\n"


def render_show(rules):
    out = [""]
    for r in rules:
        p = proto_of(r)
        out += [f"Rule Name:                            {r['name']}",
                "----------------------------------------------------------------------",
                "Enabled:                              Yes",
                "Direction:                            In",
                "Profiles:                             Domain,Private,Public",
                "Grouping:                             ",
                f"LocalIP:                              {show_addrs(r.get('localip'))}",
                f"RemoteIP:                             {show_addrs(r.get('remoteip'))}"]
        if p.startswith("icmpv4"):
            out += ["Protocol:                             ICMPv4",
                    "                                      Type    Code",
                    "                                      Any     Any"]
        else:
            out.append(f"Protocol:                             {p.upper() if p in ('tcp', 'udp') else p}")
            if p in ("tcp", "udp"):
                out.append(f"LocalPort:                            {r.get('localport', 'Any').replace('any', 'Any')}")
                out.append(f"RemotePort:                           {r.get('remoteport', 'Any').replace('any', 'Any')}")
        out += ["Edge traversal:                       No",
                "InterfaceTypes:                       Any",
                "Security:                             NotRequired",
                "Rule source:                          Local Setting",
                "Action:                               Allow", ""]
    out.append("Ok.")
    out.append("")
    return "\r\n".join(out)


def show_addrs(v):
    vals = addrs_list(v)
    if not vals:
        return "Any"
    res = []
    for a in vals:
        n = ipaddress.ip_network(a, strict=False)
        res.append(f"{n.network_address}/{n.prefixlen}" if n.prefixlen < 32 else f"{n.network_address}/32")
    return ",".join(res)


def export_objects(rules, rng):
    """Get-NetFirewallRule joined with its filters, as PowerShell 5 would serialise."""
    objs = []
    for i, r in enumerate(rules):
        p = proto_of(r)
        proto = "ICMPv4" if p.startswith("icmpv4") else (p.upper() if p in ("tcp", "udp") else str(PROTO_NUM[p]))
        lp = ports_list(r.get("localport")) or ["Any"]
        rp = ports_list(r.get("remoteport")) or ["Any"]
        la = addrs_list(r.get("localip")) or ["Any"]
        ra = addrs_list(r.get("remoteip")) or ["Any"]
        numeric = rng.random() < 0.5
        objs.append({
            "Name": "{" + str(uuid.UUID(int=rng.getrandbits(128))) + "}",
            "DisplayName": r["name"],
            "Enabled": 1 if numeric else "True",
            "Direction": 1 if numeric else "Inbound",
            "Action": 2 if numeric else "Allow",
            "Profile": rng.choice([0, 1, 3, 7]) if numeric else rng.choice(["Any", "Domain", "Domain, Private"]),
            "Protocol": proto,
            "LocalPort": lp if len(lp) > 1 else lp[0],
            "RemotePort": rp if len(rp) > 1 else rp[0],
            "IcmpType": "Any",
            "LocalAddress": la if len(la) > 1 else la[0],
            "RemoteAddress": ra if len(ra) > 1 else ra[0],
            "Program": "Any",
            "Service": "Any",
        })
    return objs


def render_csv(objs):
    cols = list(objs[0].keys()) if objs else ["Name", "DisplayName"]
    out = [",".join(f'"{c}"' for c in cols)]
    for o in objs:
        cells = []
        for c in cols:
            v = o[c]
            if isinstance(v, list):
                v = " ".join(v)  # Export-Csv writes arrays joined by spaces via -join
            cells.append(f'"{v}"')
        out.append(",".join(cells))
    return "\r\n".join(out) + "\r\n"


def v4_mask(n):
    return f"{n.network_address}/{n.netmask}" if n.prefixlen < 32 else f"{n.network_address}"


def rule_string(r):
    p = proto_of(r)
    f = ["v2.30", "Action=Allow", "Active=TRUE", "Dir=In"]
    if p != "any":
        f.append(f"Protocol={PROTO_NUM['icmp' if p.startswith('icmpv4') else p]}")
    for v in ports_list(r.get("localport")):
        f.append(f"LPort={v}")
    for v in ports_list(r.get("remoteport")):
        f.append(f"RPort={v}")
    for key, tag in (("localip", "LA4"), ("remoteip", "RA4")):
        for a in addrs_list(r.get(key)):
            f.append(f"{tag}={v4_mask(ipaddress.ip_network(a, strict=False))}")
    f.append(f"Name={r['name']}")
    return "|".join(f) + "|"


def render_reg(rules, rng):
    out = ["Windows Registry Editor Version 5.00", "",
           r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules]"]
    for r in rules:
        guid = "{" + str(uuid.UUID(int=rng.getrandbits(128))).upper() + "}"
        out.append(f'"{guid}"="{rule_string(r)}"')
    out.append("")
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-16-le")


# ---------------------------------------------------------------- packets
def rand_addr(rng, nets):
    r = rng.random()
    if nets and r < 0.6:
        n = rng.choice(nets)
        if rng.random() < 0.3:
            off = rng.choice([0, n.num_addresses - 1, -1, n.num_addresses])
        else:
            off = rng.randrange(0, n.num_addresses)
        v = int(n.network_address) + off
        return str(ipaddress.ip_address(v & 0xFFFFFFFF))
    if r < 0.9:
        return str(BASE.network_address + rng.randrange(0, 1 << 16))
    return str(ipaddress.ip_address(rng.getrandbits(32)))


def rand_port(rng, pts):
    r = rng.random()
    if pts and r < 0.6:
        a, b = rng.choice(pts)
        return max(0, min(65535, rng.choice([a, b, a - 1, b + 1, rng.randint(a, b)])))
    if r < 0.8:
        return rng.choice(PORT_POOL)
    return rng.randrange(1, 65536)


def gen_packets(rng, pol, k, rules):
    nets, ports = [], []
    for _, terms in pol.filters:
        for t in terms:
            nets += [ipaddress.ip_network(str(a)) for a in t.source_address + t.destination_address
                     if a.version == 4]
            ports += list(t.destination_port) + list(t.source_port)
    pkts = []
    for _ in range(k):
        if rules and rng.random() < 0.4:
            pkts.append(packet_from_rule(rng, rng.choice(rules)))
            continue
        proto = rng.choice(["tcp", "tcp", "udp", "udp", "icmp", "ah", "vrrp", "gre"])
        src, dst = rand_addr(rng, nets), rand_addr(rng, nets)
        if proto in ("tcp", "udp"):
            pkts.append((proto, src, rand_port(rng, ports), dst, rand_port(rng, ports)))
        else:
            pkts.append((proto, src, None, dst, None))
    return pkts


def packet_from_rule(rng, r):
    """A packet aimed at one rendered rule (it may still miss: boundaries)."""
    p = proto_of(r)
    proto = {"51": "ah", "112": "vrrp"}.get(p, "icmp" if p.startswith("icmp") else p)

    def addr(v):
        vals = addrs_list(v)
        if not vals:
            return str(BASE.network_address + rng.randrange(0, 1 << 16))
        return rand_addr(rng, [ipaddress.ip_network(rng.choice(vals), strict=False)])

    def port(v):
        vals = ports_list(v)
        if not vals:
            return rng.randrange(1, 65536)
        a, _, b = rng.choice(vals).partition("-")
        return rand_port(rng, [(int(a), int(b or a))])

    src, dst = addr(r.get("remoteip")), addr(r.get("localip"))
    if proto in ("tcp", "udp"):
        return (proto, src, port(r.get("remoteport")), dst, port(r.get("localport")))
    return (proto, src, None, dst, None)


def verdict(pol, p):
    proto, src, sport, dst, dport = p
    chk = aclcheck.AclCheck(pol, src, dst, sport or "any", dport or "any", proto)
    for m in chk.ExactMatches():
        return "allow" if m.action in ("accept", ["accept"]) or "accept" in str(m.action) else "deny"
    return "deny"


def packet_line(p):
    proto, src, sport, dst, dport = p
    if sport is None:
        return f"{proto} {src} {dst}"
    return f"{proto} {src}:{sport} {dst}:{dport}"


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", type=int, default=40)
    ap.add_argument("--packets", type=int, default=250)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    total, allows = 0, 0
    for i in range(a.policies):
        text, nets, svcs = gen_policy(rng, i)
        defs = naming.Naming()
        defs.ParseNetworkList(nets)
        defs.ParseServiceList(svcs)
        pol = policy.ParsePolicy(text, defs, optimize=False)
        # The generator rewrites terms in place (icmp -> icmpv4): give it a copy.
        gen = windows_advfirewall.WindowsAdvFirewall(copy.deepcopy(pol), 2)
        lines = [ln for ln in str(gen).splitlines() if ln.startswith("netsh ")]
        allow_lines = [ln for ln in lines if " action=allow" in ln]
        dropped = [ln for ln in lines if " action=allow" not in ln]
        assert all(" action=block" in ln and "deny-all" in ln for ln in dropped), dropped
        rules = [parse_netsh(ln) for ln in allow_lines]
        d = os.path.join(a.outdir, f"p{i:03d}")
        os.makedirs(d, exist_ok=True)

        def w(name, data, mode="w"):
            with open(os.path.join(d, name), mode, newline="" if mode == "w" else None) as f:
                f.write(data)

        w("policy.pol", text + "\n# networks\n# " + "\n# ".join(nets) + "\n# services\n# " + "\n# ".join(svcs) + "\n")
        w("rules.netsh", "\n".join(allow_lines) + "\n")
        w("rules.bat", render_bat(allow_lines, rng))
        w("rules.ps1", render_ps(rules, rng))
        w("rules.show", render_show(rules))
        objs = export_objects(rules, rng)
        w("rules.json", json.dumps(objs if len(objs) != 1 or rng.random() < 0.5 else objs[0], indent=2))
        w("rules.csv", render_csv(objs))
        w("rules.txt", "\n".join(rule_string(r) for r in rules) + "\n")
        w("rules.reg", render_reg(rules, rng), "wb")
        pkts = gen_packets(rng, pol, a.packets, rules)
        exp = [verdict(pol, p) for p in pkts]
        w("packets.txt", "\n".join(packet_line(p) for p in pkts) + "\n")
        w("expected.txt", "\n".join(exp) + "\n")
        total += len(pkts)
        allows += exp.count("allow")
    print(f"policies={a.policies} packets={total} allow={allows}")


if __name__ == "__main__":
    main()
