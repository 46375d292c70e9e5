#!/usr/bin/env python3
"""The Linux kernel as an oracle for nftables verdicts.

Loads a ruleset into a private network namespace, sends hand-built probe frames
through it, and reports the verdict the kernel gave each probe: `allow` or `deny`.

Topologies (all namespaces are created here, named after our pid, and always deleted;
no interface has an IP address and no traffic leaves them):

  input/output:
    client ns  --veth vc|vs--  server ns
                               every IPv4/IPv6 destination is local
                               (`local 0.0.0.0/0` and `local ::/0`)

  forward (built on the first forward case):
    client ns  c0 --veth-- lan0  router ns  wan0 --veth-- s0  sink ns
               c1 --veth-- lan1             wan1 --veth-- s1
    The router forwards (ip_forward, IPv6 forwarding, rp_filter off) through static
    routes to permanent neighbours: 198.19.0.0/16, 10.1.0.0/16, 2001:db8::1:0/112 and
    2001:db8:1::/48 leave on wan1, everything else on wan0. Packets the router itself
    sends (`reject`) are routed back to the client side (`ip rule iif lo`), so the sink
    sees forwarded probes only.

Hooks covered:
  * input   -- frames sent from the client ns on an AF_PACKET socket arrive on the
               server veth and are delivered locally (prerouting -> input).
  * output  -- packets generated inside the server ns on a raw socket (IP_HDRINCL /
               IPPROTO_RAW for IPv6) towards a local destination (output -> lo).
  * forward -- frames sent from the client ns on c0 or c1 (chosen per probe,
               reproducibly) are routed by the router ns, where the ruleset is loaded,
               to wan0 or wan1; the sink ns records what arrives (and drops it).

Observation: an extra table `inet fwlint_obs` records each probe's unique id (IPv4
`ip id`, IPv6 flow label) in sets: at the hook's first priority (-1000000, "seen")
and at its last priority (+1000000, "accepted"; that chain then drops, so no probe is
ever answered and no conntrack state outlives a probe). In "accepted" means allow;
seen but not accepted means deny. A probe never seen at all is re-sent a few times
and then reported as an error.

On forward, "seen" records the probe's output interface too (the route the kernel
chose), "allow" means the sink namespace received the probe, and the harness checks
that exactly the probes accepted at the last forward priority arrived (an accepted
probe that did not arrive is re-sent). Conntrack entries of accepted probes are
confirmed in the router, so the router's conntrack table is flushed (ctnetlink)
before each case, and a probe whose reverse tuple is already in the current batch
starts a new batch: it would otherwise be `established`.

Usage:
  nft_kernel.py --job JOB.json            run every case of a job, JSON on stdout
  nft_kernel.py --ruleset F --packets P [--hook input|output|forward] [--dump-json]
                                          one verdict a line (`allow`/`deny`; on
                                          forward followed by a tab, the input
                                          interface, a tab, the output interface)
  nft_kernel.py --selftest                checks the harness against a known ruleset

A job is {"cases": [{"id": any, "ruleset": TEXT (or "path": FILE, loaded in place so
that its includes resolve), "hook": "input"|"output"|"forward", "packets": [LINE...],
"dump_json": bool}]}; packet lines are fwlint's: `PROTO SRC[:SPORT] DST[:DPORT]
[ICMPTYPE[/CODE] | flags=FLAGS]` (TCP probes carry FLAGS, a SYN without it). The answer is {"results": [{"id", "load_ok", "load_error",
"verdicts": [...], "json_dump": TEXT|null, "iif": [...], "oif": [...]}]}; `iif`/`oif`
are the router's interfaces each probe came in on and was routed to (forward only,
else null).
"""

import argparse
import atexit
import ctypes
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

PROTO_NUM = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "ipv6-icmp": 58,
             "esp": 50, "ah": 51, "gre": 47, "sctp": 132, "udplite": 136,
             "dccp": 33, "igmp": 2}
DEFAULT_SPORT = 49152
CLONE_NEWNET = 0x40000000
BATCH = 60000  # ids per load; IPv4 ids are 16 bits, 0 is never used

OBSERVER = """
table inet fwlint_obs {
  set pre4 { typeof ip id; size 65536; flags dynamic; }
  set pre6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  set seen4 { typeof ip id; size 65536; flags dynamic; }
  set seen6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  set acc4 { typeof ip id; size 65536; flags dynamic; }
  set acc6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  chain pre {
    type filter hook prerouting priority -1000000; policy accept;
    iifname "vs" meta nfproto ipv4 add @pre4 { ip id }
    iifname "vs" meta nfproto ipv6 add @pre6 { ip6 flowlabel }
  }
  chain first {
    type filter hook HOOK priority -1000000; policy accept;
    PROBE meta nfproto ipv4 add @seen4 { ip id }
    PROBE meta nfproto ipv6 add @seen6 { ip6 flowlabel }
  }
  chain last {
    type filter hook HOOK priority 1000000; policy accept;
    PROBE meta nfproto ipv4 add @acc4 { ip id }
    PROBE meta nfproto ipv6 add @acc6 { ip6 flowlabel }
    PROBE drop
  }
}
"""
# Only probes are observed, never the replies that `reject` (or the ICMP stack)
# sends: those are routed back into the server namespace through `lo`, with ids of
# their own. Input probes come in on the veth; output probes carry a mark.
PROBE_MARK = 0x46574C54
PROBE = {"input": 'iifname "vs"', "output": "meta mark 0x%08x" % PROBE_MARK}
SO_MARK = 36


class HarnessError(Exception):
    pass


def run(cmd, check=True, input_text=None):
    p = subprocess.run(cmd, input=input_text, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise HarnessError("command failed (rc %d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr.strip()))
    return p


# ---------------------------------------------------------------- packets

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def parse_endpoint(w):
    if w.startswith("["):
        end = w.index("]")
        addr, rest = w[1:end], w[end + 1:]
        port = int(rest[1:]) if rest.startswith(":") else None
    elif w.count(":") == 1:
        addr, port = w.split(":")
        port = int(port)
    else:
        addr, port = w, None
    return ipaddress.ip_address(addr), port


TCP_FLAG_BITS = {"fin": 0x01, "syn": 0x02, "rst": 0x04, "psh": 0x08, "ack": 0x10,
                 "urg": 0x20, "ecn": 0x40, "ece": 0x40, "cwr": 0x80}


def parse_tcp_flags(text):
    """`syn,ack`, `syn|ack`, `none`, `0x12` or `18` -> the flags byte."""
    t = text.strip().lower()
    if t == "none":
        return 0
    try:
        v = int(t, 16) if t.startswith("0x") else int(t)
    except ValueError:
        v = 0
        for part in t.replace("|", ",").split(","):
            if part not in TCP_FLAG_BITS:
                raise HarnessError("bad TCP flag %r" % part)
            v |= TCP_FLAG_BITS[part]
    if not 0 <= v <= 255:
        raise HarnessError("TCP flags out of range: %r" % text)
    return v


def parse_line(line):
    """fwlint packet line -> dict(proto, src, dst, sport, dport, itype, icode, flags)."""
    words = line.split()
    if len(words) not in (3, 4):
        raise HarnessError("bad packet line: %r" % line)
    proto = int(words[0]) if words[0].isdigit() else PROTO_NUM[words[0].lower()]
    src, sport = parse_endpoint(words[1])
    dst, dport = parse_endpoint(words[2])
    if src.version != dst.version:
        raise HarnessError("mixed address families: %r" % line)
    p = {"proto": proto, "src": src, "dst": dst, "sport": None, "dport": None,
         "itype": None, "icode": None, "flags": None}
    if proto == 6:
        # A TCP packet line without `flags=` is a SYN, as fwlint reads it.
        p["flags"] = 0x02
        if len(words) == 4:
            if not words[3].lower().startswith("flags="):
                raise HarnessError("expected flags=FLAGS: %r" % line)
            p["flags"] = parse_tcp_flags(words[3][len("flags="):])
    if proto in (6, 17, 132, 33, 136):
        p["sport"] = DEFAULT_SPORT if sport is None else sport
        p["dport"] = dport
        if dport is None:
            raise HarnessError("needs a destination port: %r" % line)
    if proto in (1, 58):
        if len(words) == 4:
            t, _, c = words[3].partition("/")
            p["itype"], p["icode"] = int(t), int(c or 0)
        else:
            p["itype"], p["icode"] = (8 if proto == 1 else 128), 0
    return p


def l4_bytes(p, pseudo):
    proto = p["proto"]
    if proto == 6:
        hdr = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 0x1000, 0, 5 << 4, p["flags"], 64240, 0, 0)
        c = csum(pseudo(len(hdr)) + hdr)
        return hdr[:16] + struct.pack("!H", c) + hdr[18:]
    if proto == 17:
        payload = b"fwlint"
        ln = 8 + len(payload)
        hdr = struct.pack("!HHHH", p["sport"], p["dport"], ln, 0) + payload
        c = csum(pseudo(ln) + hdr) or 0xFFFF
        return hdr[:6] + struct.pack("!H", c) + hdr[8:]
    if proto in (1, 58):
        body = struct.pack("!BBHHH", p["itype"], p["icode"], 0, 0x4657, 1) + b"fwlintprobe!"
        c = csum((pseudo(len(body)) if proto == 58 else b"") + body)
        return body[:2] + struct.pack("!H", c) + body[4:]
    return b"\0" * 8


def ip_packet(p, uid):
    """The IP packet (no Ethernet header) with the unique id `uid`."""
    src, dst, proto = p["src"], p["dst"], p["proto"]
    if src.version == 4:
        def pseudo(n):
            return src.packed + dst.packed + struct.pack("!BBH", 0, proto, n)
        l4 = l4_bytes(p, pseudo)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), uid, 0, 64, proto, 0, src.packed, dst.packed)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return hdr + l4
    def pseudo6(n):
        return src.packed + dst.packed + struct.pack("!IxxxB", n, proto)
    l4 = l4_bytes(p, pseudo6)
    first = (6 << 28) | (uid & 0xFFFFF)
    return struct.pack("!IHBB16s16s", first, len(l4), proto, 64, src.packed, dst.packed) + l4


# ---------------------------------------------------------------- namespaces

class Netns:
    """Client and server namespaces joined by a veth pair; deleted on close."""

    def __init__(self):
        pid = os.getpid()
        self.client = "fwlint-nftc-%d" % pid
        self.server = "fwlint-nfts-%d" % pid
        self.created = []
        self.closed = False

    def setup(self):
        for tool in ("ip", "nft"):
            if shutil.which(tool) is None:
                raise HarnessError("`%s` is not installed: run scripts/test (or scripts/install/nftjson.sh)" % tool)
        if os.geteuid() != 0:
            raise HarnessError("the nft kernel oracle must run as root (it creates network namespaces): "
                               "run scripts/test as root")
        for ns in (self.client, self.server):
            # A namespace of ours left by a killed run that had the same pid.
            if os.path.exists("/run/netns/" + ns):
                run(["ip", "netns", "del", ns], check=False)
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
        c, s = self.client, self.server
        run(["ip", "-n", c, "link", "add", "vc", "type", "veth", "peer", "name", "vs", "netns", s])
        for ns, dev in ((c, "vc"), (s, "vs")):
            run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0"], check=False)
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            run(["ip", "-n", ns, "link", "set", dev, "up"])
        for key in ("net.ipv4.conf.all.accept_local=1", "net.ipv4.conf.vs.accept_local=1",
                    "net.ipv4.conf.default.accept_local=1", "net.ipv4.conf.lo.accept_local=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.vs.rp_filter=0",
                    "net.ipv4.conf.default.rp_filter=0", "net.ipv4.conf.lo.rp_filter=0",
                    "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.lo.route_localnet=1",
                    "net.ipv4.conf.vs.route_localnet=1",
                    "net.ipv6.conf.vs.accept_dad=0", "net.ipv6.conf.all.forwarding=0"):
            run(["ip", "netns", "exec", s, "sysctl", "-qw", key])
        # The router's interface names exist here too (down, unused), so that files
        # written for the forward topology, with `iif "lan0"`, load on input/output.
        for a, b in (("lan0", "wan0"), ("lan1", "wan1")):
            run(["ip", "-n", s, "link", "add", a, "type", "veth", "peer", "name", b])
        run(["ip", "-n", s, "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "local"])
        run(["ip", "-n", s, "-6", "route", "add", "local", "::/0", "dev", "lo", "table", "local"])
        out = run(["ip", "-n", s, "-j", "link", "show", "vs"]).stdout
        self.server_mac = bytes.fromhex(json.loads(out)[0]["address"].replace(":", ""))
        out = run(["ip", "-n", c, "-j", "link", "show", "vc"]).stdout
        self.client_mac = bytes.fromhex(json.loads(out)[0]["address"].replace(":", ""))
        self.client_ifindex = json.loads(out)[0]["ifindex"]

    def close(self):
        if self.closed:
            return
        self.closed = True
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)

    def nft(self, args, input_text=None, check=True):
        return run(["ip", "netns", "exec", self.server, "nft"] + args, check=check, input_text=input_text)

    def load_path(self, path):
        """Load a ruleset file in place, so that its relative includes resolve."""
        d = os.path.dirname(os.path.abspath(path))
        return subprocess.run(["ip", "netns", "exec", self.server, "nft", "-I", d, "-f", os.path.abspath(path)],
                              capture_output=True, text=True, cwd=d)

    def load_file(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".nft", delete=False) as f:
            f.write(text)
            name = f.name
        try:
            return self.nft(["-f", name], check=False)
        finally:
            os.unlink(name)


class Sockets:
    """Open sockets inside the namespaces (via setns on this thread)."""

    def __init__(self, ns):
        self.ns = ns
        self.packet = self._in(ns.client, lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))
        self.packet.bind(("vc", 0))
        self.raw4 = self._in(ns.server, lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW))
        self.raw6 = self._in(ns.server, lambda: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW))
        for s in (self.packet, self.raw4, self.raw6):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        for s in (self.raw4, self.raw6):
            s.setsockopt(socket.SOL_SOCKET, SO_MARK, PROBE_MARK)

    @staticmethod
    def _setns(fd):
        if hasattr(os, "setns"):
            os.setns(fd, CLONE_NEWNET)
            return
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise HarnessError("setns failed: %s" % os.strerror(ctypes.get_errno()))

    @staticmethod
    def _in(ns, make):
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + ns, os.O_RDONLY)
        try:
            Sockets._setns(target)
            return make()
        finally:
            Sockets._setns(own)
            os.close(own)
            os.close(target)

    def close(self):
        for s in (self.packet, self.raw4, self.raw6):
            s.close()

    def send_input(self, pkt):
        ethertype = 0x0800 if pkt[0] >> 4 == 4 else 0x86DD
        frame = self.ns.server_mac + self.ns.client_mac + struct.pack("!H", ethertype) + pkt
        self.packet.send(frame)

    def send_output(self, pkt, dst):
        try:
            if pkt[0] >> 4 == 4:
                self.raw4.sendto(pkt, (str(dst), 0))
            else:
                self.raw6.sendto(pkt, (str(dst), 0))
        except PermissionError:
            pass  # dropped at output: that is a verdict, read from the sets


# ---------------------------------------------------------------- forward topology

# The router's interfaces (what iifname/oifname see), and the client/sink ends.
LANS = ("lan0", "lan1")
WANS = ("wan0", "wan1")
# Destinations routed to wan1; everything else goes to wan0.
WAN1_ROUTES = ("198.19.0.0/16", "10.1.0.0/16", "2001:db8::1:0/112", "2001:db8:1::/48")

FWD_OBSERVER = """
table inet fwlint_obs {
  set pre4 { typeof ip id; size 65536; flags dynamic; }
  set pre6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  set seen4 { typeof ip id . oifname; size 65536; flags dynamic; }
  set seen6 { typeof ip6 flowlabel . oifname; size 65536; flags dynamic; }
  set acc4 { typeof ip id; size 65536; flags dynamic; }
  set acc6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  chain pre {
    type filter hook prerouting priority -1000000; policy accept;
    iifname "lan*" meta nfproto ipv4 add @pre4 { ip id }
    iifname "lan*" meta nfproto ipv6 add @pre6 { ip6 flowlabel }
  }
  chain first {
    type filter hook forward priority -1000000; policy accept;
    iifname "lan*" meta nfproto ipv4 add @seen4 { ip id . oifname }
    iifname "lan*" meta nfproto ipv6 add @seen6 { ip6 flowlabel . oifname }
  }
  chain last {
    type filter hook forward priority 1000000; policy accept;
    iifname "lan*" meta nfproto ipv4 add @acc4 { ip id }
    iifname "lan*" meta nfproto ipv6 add @acc6 { ip6 flowlabel }
  }
}
"""
# The sink records every probe that arrives and drops it before routing (so it
# never answers and keeps no conntrack state).
SINK = """
table inet fwlint_sink {
  set got4 { typeof ip id; size 65536; flags dynamic; }
  set got6 { typeof ip6 flowlabel; size 65536; flags dynamic; }
  chain pre {
    type filter hook prerouting priority -1000000; policy drop;
    meta nfproto ipv4 add @got4 { ip id }
    meta nfproto ipv6 add @got6 { ip6 flowlabel }
  }
}
"""


def mac_of(ns, dev):
    out = run(["ip", "-n", ns, "-j", "link", "show", dev]).stdout
    return bytes.fromhex(json.loads(out)[0]["address"].replace(":", ""))


def mac_text(mac):
    return ":".join("%02x" % b for b in mac)


class ForwardNet:
    """Client, router and sink namespaces; the ruleset under test runs in the router."""

    def __init__(self):
        pid = os.getpid()
        self.client = "fwlint-nftfc-%d" % pid
        self.router = "fwlint-nftfr-%d" % pid
        self.sink = "fwlint-nftfs-%d" % pid
        self.created = []
        self.closed = False
        self.socks = []

    def setup(self):
        for ns in (self.client, self.router, self.sink):
            if os.path.exists("/run/netns/" + ns):
                run(["ip", "netns", "del", ns], check=False)
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
        c, r, k = self.client, self.router, self.sink
        for i in (0, 1):
            run(["ip", "-n", c, "link", "add", "c%d" % i, "type", "veth", "peer", "name", LANS[i], "netns", r])
            run(["ip", "-n", r, "link", "add", WANS[i], "type", "veth", "peer", "name", "s%d" % i, "netns", k])
        for ns in (c, r, k):
            for key in ("net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                        "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                        "net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0"):
                run(["ip", "netns", "exec", ns, "sysctl", "-qw", key])
        for key in ("net.ipv4.ip_forward=1", "net.ipv4.conf.all.forwarding=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv4.conf.lan0.rp_filter=0", "net.ipv4.conf.lan1.rp_filter=0",
                    "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0",
                    "net.ipv4.conf.lan0.send_redirects=0", "net.ipv4.conf.lan1.send_redirects=0",
                    "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.forwarding=1"):
            run(["ip", "netns", "exec", r, "sysctl", "-qw", key])
        for ns, devs in ((c, ("c0", "c1")), (r, LANS + WANS), (k, ("s0", "s1"))):
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            for d in devs:
                run(["ip", "-n", ns, "link", "set", d, "up"])
        self.lan_mac = [mac_of(r, d) for d in LANS]
        self.client_mac = [mac_of(c, "c%d" % i) for i in (0, 1)]
        sink_mac = [mac_of(k, "s%d" % i) for i in (0, 1)]
        # Next hops that exist only as permanent neighbour entries: no ARP/ND, no
        # addresses anywhere, one neighbour per interface however many destinations.
        for i in (0, 1):
            gw4, gw6 = "169.254.%d.2" % (10 + i), "fe80::%d:2" % (10 + i)
            run(["ip", "-n", r, "neigh", "add", gw4, "lladdr", mac_text(sink_mac[i]), "dev", WANS[i], "nud", "permanent"])
            run(["ip", "-n", r, "-6", "neigh", "add", gw6, "lladdr", mac_text(sink_mac[i]), "dev", WANS[i], "nud", "permanent"])
        run(["ip", "-n", r, "route", "add", "default", "via", "169.254.10.2", "dev", "wan0", "onlink"])
        run(["ip", "-n", r, "-6", "route", "add", "default", "via", "fe80::10:2", "dev", "wan0"])
        for pfx in WAN1_ROUTES:
            if ":" in pfx:
                run(["ip", "-n", r, "-6", "route", "add", pfx, "via", "fe80::11:2", "dev", "wan1"])
            else:
                run(["ip", "-n", r, "route", "add", pfx, "via", "169.254.11.2", "dev", "wan1", "onlink"])
        # What the router sends itself (RSTs, ICMP errors of `reject`) goes back to the
        # client side, never to the sink.
        run(["ip", "-n", r, "neigh", "add", "169.254.20.2", "lladdr", mac_text(self.client_mac[0]), "dev", "lan0", "nud", "permanent"])
        run(["ip", "-n", r, "-6", "neigh", "add", "fe80::20:2", "lladdr", mac_text(self.client_mac[0]), "dev", "lan0", "nud", "permanent"])
        run(["ip", "-n", r, "route", "add", "default", "via", "169.254.20.2", "dev", "lan0", "onlink", "table", "100"])
        run(["ip", "-n", r, "-6", "route", "add", "default", "via", "fe80::20:2", "dev", "lan0", "table", "100"])
        run(["ip", "-n", r, "rule", "add", "iif", "lo", "lookup", "100", "pref", "100"])
        run(["ip", "-n", r, "-6", "rule", "add", "iif", "lo", "lookup", "100", "pref", "100"])
        p = self.load_in(k, SINK)
        if p.returncode != 0:
            raise HarnessError("cannot load the sink table: " + p.stderr.strip())
        for i in (0, 1):
            sk = Sockets._in(c, lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))
            sk.bind(("c%d" % i, 0))
            sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            self.socks.append(sk)
        self.ctnl = Sockets._in(r, lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12))
        self.ctnl.bind((0, 0))
        self.ct_flush()

    def close(self):
        if self.closed:
            return
        self.closed = True
        for sk in self.socks:
            sk.close()
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)

    def nft(self, ns, args, check=True):
        return run(["ip", "netns", "exec", ns, "nft"] + args, check=check)

    def load_in(self, ns, text):
        with tempfile.NamedTemporaryFile("w", suffix=".nft", delete=False) as f:
            f.write(text)
            name = f.name
        try:
            return run(["ip", "netns", "exec", ns, "nft", "-f", name], check=False)
        finally:
            os.unlink(name)

    def load_path(self, path):
        d = os.path.dirname(os.path.abspath(path))
        return subprocess.run(["ip", "netns", "exec", self.router, "nft", "-I", d, "-f", os.path.abspath(path)],
                              capture_output=True, text=True, cwd=d)

    def ct_flush(self):
        """Delete every conntrack entry of the router (ctnetlink IPCTNL_MSG_CT_DELETE
        without a tuple, once per family)."""
        for fam in (socket.AF_INET, socket.AF_INET6):
            msg = struct.pack("=LHHLL", 20, (1 << 8) | 2, 0x1 | 0x4, 1, 0) + struct.pack("=BBH", fam, 0, 0)
            self.ctnl.send(msg)
            resp = self.ctnl.recv(65536)
            if len(resp) >= 20:
                _, mtype, _, _, _ = struct.unpack("=LHHLL", resp[:16])
                err = struct.unpack("=i", resp[16:20])[0]
                if mtype == 2 and err not in (0, -2):
                    raise HarnessError("cannot flush the router's conntrack table: %s" % os.strerror(-err))

    def send(self, lan, pkt):
        ethertype = 0x0800 if pkt[0] >> 4 == 4 else 0x86DD
        self.socks[lan].send(self.lan_mac[lan] + self.client_mac[lan] + struct.pack("!H", ethertype) + pkt)


def read_sets_in(ns, table):
    """The sets of one table: name -> set of ids (or of (id, ifname) for concatenations)."""
    out = run(["ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet", table]).stdout
    sets = {}
    for item in json.loads(out).get("nftables", []):
        s = item.get("set")
        if s is None:
            continue
        ids = set()
        for e in s.get("elem", []) or []:
            if isinstance(e, dict) and "elem" in e:
                e = e["elem"].get("val")
            if isinstance(e, dict) and "concat" in e:
                ids.add(tuple(e["concat"]))
            elif isinstance(e, int):
                ids.add(e)
        sets[s["name"]] = ids
    return sets


def ct_key(p):
    """The conntrack tuple of a probe (ICMP requests never meet a reverse request)."""
    if p["proto"] in (1, 58):
        return None
    return (p["proto"], p["src"], p["dst"], p["sport"], p["dport"])


def ct_reverse(p):
    if p["proto"] in (1, 58):
        return None
    return (p["proto"], p["dst"], p["src"], p["dport"], p["sport"])


def forward_batches(packets):
    """Split indices into batches with no probe whose reverse tuple came earlier in
    the same batch, each at most BATCH long. A TCP probe whose own tuple came
    earlier starts a new batch too unless both are SYNs: the entry the first one
    left moves TCP's state machine, and a later segment (an ACK after a SYN) could
    be `invalid` instead of `new`."""
    batches, cur, keys = [], [], {}
    for i, p in enumerate(packets):
        rev = ct_reverse(p)
        k = ct_key(p)
        again = (k is not None and k in keys
                 and p["proto"] == 6 and (p["flags"] != 0x02 or keys[k] != {0x02}))
        if len(cur) >= BATCH or (rev is not None and rev in keys) or again:
            batches.append(cur)
            cur, keys = [], {}
        cur.append(i)
        if k is not None:
            keys.setdefault(k, set()).add(p["flags"])
    if cur:
        batches.append(cur)
    return batches


def lan_of(index, line):
    """The client interface a probe is sent on: reproducible, about half each."""
    return zlib.crc32(("%d %s" % (index, line)).encode()) & 1


def run_forward_case(fwd, case):
    lines = case["packets"]
    packets = [parse_line(l) for l in lines]
    result = {"id": case.get("id"), "load_ok": False, "load_error": None, "verdicts": [], "json_dump": None,
              "iif": None, "oif": None}
    fwd.nft(fwd.router, ["flush", "ruleset"])
    p = fwd.load_path(case["path"]) if case.get("path") else fwd.load_in(fwd.router, case["ruleset"])
    if p.returncode != 0:
        result["load_error"] = p.stderr.strip()
        return result
    result["load_ok"] = True
    if case.get("dump_json"):
        result["json_dump"] = fwd.nft(fwd.router, ["-j", "list", "ruleset"]).stdout
    p = fwd.load_in(fwd.router, FWD_OBSERVER)
    if p.returncode != 0:
        raise HarnessError("cannot load the observer table: " + p.stderr.strip())
    lans = [lan_of(i, l) for i, l in enumerate(lines)]
    verdicts, oifs = [None] * len(packets), [None] * len(packets)
    for batch in forward_batches(packets):
        fwd.ct_flush()
        flush = "".join("flush set inet fwlint_obs %s\n" % n
                        for n in ("pre4", "pre6", "seen4", "seen6", "acc4", "acc6"))
        flush += "flush set inet fwlint_sink got4\nflush set inet fwlint_sink got6\n"
        for ns in (fwd.router, fwd.sink):
            text = "".join(l + "\n" for l in flush.splitlines()
                           if ("fwlint_sink" in l) == (ns == fwd.sink))
            p = fwd.load_in(ns, text)
            if p.returncode != 0:
                raise HarnessError("cannot flush the observer sets: " + p.stderr.strip())
        frames = [(n + 1, i, ip_packet(packets[i], n + 1)) for n, i in enumerate(batch)]
        pending = frames
        for attempt in range(5):
            for uid, i, raw in pending:
                fwd.send(lans[i], raw)
            obs = read_sets_in(fwd.router, "fwlint_obs")
            got = read_sets_in(fwd.sink, "fwlint_sink")
            v6 = lambda i: packets[i]["src"].version == 6  # noqa: E731
            seen = {}
            for fam in ("4", "6"):
                for uid, dev in obs.get("seen" + fam, set()):
                    seen[(fam, uid)] = dev
            still = []
            for f in frames:
                uid, i, _ = f
                fam = "6" if v6(i) else "4"
                if (fam, uid) in seen:
                    accepted = uid in obs.get("acc" + fam, set())
                    arrived = uid in got.get("got" + fam, set())
                    if accepted and not arrived:
                        still.append(f)  # lost between the router and the sink
                    elif arrived and not accepted:
                        raise HarnessError("probe %s arrived at the sink but was not accepted at the "
                                           "last forward priority" % lines[i])
                elif uid not in obs.get("pre" + fam, set()):
                    still.append(f)  # never reached the router
            pending = still
            if not pending:
                break
            time.sleep(0.05 * (attempt + 1))
        if pending:
            raise HarnessError("%d probe(s) never reached the forward hook or the sink (e.g. %s)"
                               % (len(pending), ", ".join(lines[i] for _, i, _ in pending[:3])))
        for uid, i, _ in frames:
            fam = "6" if v6(i) else "4"
            verdicts[i] = "allow" if uid in got.get("got" + fam, set()) else "deny"
            oifs[i] = seen.get((fam, uid))
    result["verdicts"] = verdicts
    result["iif"] = [LANS[x] for x in lans]
    result["oif"] = oifs
    return result


# ---------------------------------------------------------------- running cases

def read_sets(ns):
    """All observer sets in one `nft -j list table` call: name -> set of ids."""
    out = ns.nft(["-j", "list", "table", "inet", "fwlint_obs"]).stdout
    sets = {}
    for item in json.loads(out).get("nftables", []):
        s = item.get("set")
        if s is None:
            continue
        ids = set()
        for e in s.get("elem", []) or []:
            if isinstance(e, dict) and "elem" in e:
                e = e["elem"].get("val")
            if isinstance(e, int):
                ids.add(e)
        sets[s["name"]] = ids
    return sets


def observer_for(hook):
    return OBSERVER.replace("HOOK", hook).replace("PROBE", PROBE[hook])


def run_case(ns, socks, case):
    hook = case.get("hook", "input")
    if hook not in ("input", "output"):
        raise HarnessError("hook %r is not covered by this oracle (input, output, forward are)" % hook)
    packets = [parse_line(l) for l in case["packets"]]
    result = {"id": case.get("id"), "load_ok": False, "load_error": None, "verdicts": [], "json_dump": None,
              "iif": None, "oif": None}
    ns.nft(["flush", "ruleset"])
    p = ns.load_path(case["path"]) if case.get("path") else ns.load_file(case["ruleset"])
    if p.returncode != 0:
        result["load_error"] = p.stderr.strip()
        return result
    result["load_ok"] = True
    if case.get("dump_json"):
        result["json_dump"] = ns.nft(["-j", "list", "ruleset"]).stdout
    p = ns.load_file(observer_for(hook))
    if p.returncode != 0:
        raise HarnessError("cannot load the observer table: " + p.stderr.strip())
    verdicts = [None] * len(packets)
    for start in range(0, len(packets), BATCH):
        chunk = packets[start:start + BATCH]
        flush = "".join("flush set inet fwlint_obs %s\n" % n
                        for n in ("pre4", "pre6", "seen4", "seen6", "acc4", "acc6"))
        p = ns.load_file(flush)
        if p.returncode != 0:
            raise HarnessError("cannot flush the observer sets: " + p.stderr.strip())
        sets = {}
        frames = [(i + 1, pk, ip_packet(pk, i + 1)) for i, pk in enumerate(chunk)]
        pending = frames
        for attempt in range(5):
            for uid, pk, raw in pending:
                if hook == "input":
                    socks.send_input(raw)
                else:
                    socks.send_output(raw, pk["dst"])
            sets = read_sets(ns)
            seen4, seen6 = sets.get("seen4", set()), sets.get("seen6", set())
            pending = [f for f in frames if f[0] not in (seen4 if f[1]["src"].version == 4 else seen6)]
            if hook == "input" and pending:
                # seen at prerouting but not at input: dropped before input (e.g. by
                # prerouting chains of the ruleset itself) -- a deny, not a loss.
                pre4, pre6 = sets.get("pre4", set()), sets.get("pre6", set())
                pending = [f for f in pending if f[0] not in (pre4 if f[1]["src"].version == 4 else pre6)]
            if not pending:
                break
            time.sleep(0.05 * (attempt + 1))
        if pending:
            lost = ", ".join(pk["src"].exploded for _, pk, _ in pending[:3])
            raise HarnessError("%d probe(s) never reached the %s hook (e.g. from %s)" % (len(pending), hook, lost))
        acc4, acc6 = sets.get("acc4", set()), sets.get("acc6", set())
        for uid, pk, _ in frames:
            acc = acc4 if pk["src"].version == 4 else acc6
            verdicts[start + uid - 1] = "allow" if uid in acc else "deny"
    result["verdicts"] = verdicts
    return result


def remove_stale_namespaces():
    """Delete our namespaces left by a harness that was killed (SIGKILL skips every
    clean-up): `fwlint-nft*-PID` whose PID no longer runs."""
    try:
        names = os.listdir("/run/netns")
    except OSError:
        return
    for name in names:
        prefix, _, pid = name.rpartition("-")
        if not prefix.startswith("fwlint-nft") or not pid.isdigit():
            continue
        if not os.path.exists("/proc/%s" % pid):
            run(["ip", "netns", "del", name], check=False)


class Oracle:
    def __init__(self):
        remove_stale_namespaces()
        self.ns = Netns()
        self.fwd = None
        atexit.register(self.close_namespaces)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        try:
            self.ns.setup()
            self.socks = Sockets(self.ns)
        except BaseException:
            self.ns.close()
            raise

    def close_namespaces(self):
        if self.fwd is not None:
            self.fwd.close()
        self.ns.close()

    def _on_signal(self, signum, frame):
        self.close_namespaces()
        sys.exit(128 + signum)

    def run(self, case):
        if case.get("hook") == "forward":
            if self.fwd is None:
                self.fwd = ForwardNet()
                self.fwd.setup()
            return run_forward_case(self.fwd, case)
        return run_case(self.ns, self.socks, case)

    def close(self):
        self.socks.close()
        self.close_namespaces()


SELFTEST_RULESET = """
table inet t {
  chain in { type filter hook input priority 0; policy drop;
    tcp dport 22 accept
    ip6 saddr 2001:db8::/32 udp dport 53 accept
    icmp type echo-request accept
  }
}
"""
SELFTEST = [("tcp 198.51.100.1:40000 203.0.113.9:22", "allow"),
            ("tcp 198.51.100.1:40000 203.0.113.9:23", "deny"),
            ("tcp [2001:db8::1]:1000 [2001:db8::2]:22", "allow"),
            ("udp [2001:db8::1]:1000 [2001:db8::2]:53", "allow"),
            ("udp [2002::1]:1000 [2001:db8::2]:53", "deny"),
            ("udp 198.51.100.1:1000 203.0.113.9:53", "deny"),
            ("icmp 198.51.100.1 203.0.113.9 8/0", "allow"),
            ("icmpv6 [2001:db8::1] [2001:db8::2] 128/0", "deny")]


FWD_SELFTEST_RULESET = """
table inet t {
  chain fw { type filter hook forward priority 0; policy drop;
    ct state != new drop
    tcp dport 22 accept
    ip6 saddr 2001:db8::/32 udp dport 53 accept
    icmp type echo-request accept
    oifname "wan1" udp dport 123 accept
    iifname "lan1" tcp dport 25 accept
    ip saddr 198.18.0.0/15 udp sport 5000-5001 accept
  }
}
"""
# (probe, expected oif, verdict on lan0, verdict on lan1)
FWD_SELFTEST = [("tcp 198.18.0.1:40000 198.18.0.9:22", "wan0", "allow", "allow"),
                ("tcp 198.18.0.1:40000 198.19.0.9:23", "wan1", "deny", "deny"),
                ("tcp [2001:db8::1]:1000 [2001:db8::1:2]:22", "wan1", "allow", "allow"),
                ("udp [2001:db8::1]:1000 [2001:db8::2]:53", "wan0", "allow", "allow"),
                ("udp [2002::1]:1000 [2001:db8::2]:53", "wan0", "deny", "deny"),
                ("udp 198.51.100.1:1000 10.1.2.3:123", "wan1", "allow", "allow"),
                ("udp 198.51.100.1:1000 10.2.2.3:123", "wan0", "deny", "deny"),
                ("tcp 198.51.100.1:1000 10.2.2.3:25", "wan0", "deny", "allow"),
                ("icmp 198.51.100.1 203.0.113.9 8/0", "wan0", "allow", "allow"),
                ("icmpv6 [2001:db8::1] [2001:db8::2] 128/0", "wan0", "deny", "deny"),
                # A tuple and its reverse: both `new` (the harness splits the batch).
                ("udp 198.18.0.1:5000 198.18.0.2:5001", "wan0", "allow", "allow"),
                ("udp 198.18.0.2:5001 198.18.0.1:5000", "wan0", "allow", "allow")]


def selftest(oracle):
    bad = []
    lines = [l for l, _, _, _ in FWD_SELFTEST] * 3
    r = oracle.run({"id": "forward", "ruleset": FWD_SELFTEST_RULESET, "hook": "forward", "packets": lines})
    if not r["load_ok"]:
        raise HarnessError("selftest ruleset did not load: %s" % r["load_error"])
    for (line, oif, v0, v1), iif, goif, g in zip(FWD_SELFTEST * 3, r["iif"], r["oif"], r["verdicts"]):
        w = v0 if iif == "lan0" else v1
        if w != g or oif != goif:
            bad.append("forward %s (in %s): want %s out %s, kernel said %s out %s" % (line, iif, w, oif, g, goif))
    if len(set(r["iif"])) != 2:
        bad.append("forward: the probes used only %s" % r["iif"][0])
    for hook in ("input", "output"):
        rs = SELFTEST_RULESET.replace("hook input", "hook " + hook)
        lines = [l for l, _ in SELFTEST] * 3  # repeated tuples must not become established
        r = oracle.run({"id": hook, "ruleset": rs, "hook": hook, "packets": lines})
        if not r["load_ok"]:
            raise HarnessError("selftest ruleset did not load: %s" % r["load_error"])
        want = [v for _, v in SELFTEST] * 3
        for line, w, g in zip(lines, want, r["verdicts"]):
            if w != g:
                bad.append("%s %s: want %s, kernel said %s" % (hook, line, w, g))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--job")
    ap.add_argument("--ruleset")
    ap.add_argument("--packets")
    ap.add_argument("--hook", default="input", choices=("input", "output", "forward"))
    ap.add_argument("--dump-json", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    try:
        oracle = Oracle()
    except HarnessError as e:
        print("nft_kernel.py: cannot set up the kernel oracle: %s" % e, file=sys.stderr)
        return 3
    try:
        if a.selftest:
            bad = selftest(oracle)
            for b in bad:
                print(b)
            print("selftest: %s" % ("FAILED" if bad else "ok"))
            return 1 if bad else 0
        if a.job:
            with open(a.job) as f:
                job = json.load(f)
            results = [oracle.run(c) for c in job["cases"]]
            json.dump({"results": results}, sys.stdout)
            sys.stdout.write("\n")
            return 0
        if a.ruleset and a.packets:
            with open(a.ruleset) as f:
                rs = f.read()
            with open(a.packets) as f:
                lines = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
            r = oracle.run({"ruleset": rs, "hook": a.hook, "packets": lines, "dump_json": a.dump_json})
            if not r["load_ok"]:
                print("nft_kernel.py: the ruleset does not load:\n%s" % r["load_error"], file=sys.stderr)
                return 2
            if a.dump_json:
                sys.stderr.write(r["json_dump"])
            if a.hook == "forward":
                # The interfaces too: what `fwlint query --iif --oif` needs.
                for v, i, o in zip(r["verdicts"], r["iif"], r["oif"]):
                    print("%s\t%s\t%s" % (v, i, o or "-"))
            else:
                for v in r["verdicts"]:
                    print(v)
            return 0
        ap.error("give --job, --ruleset with --packets, or --selftest")
    except HarnessError as e:
        print("nft_kernel.py: %s" % e, file=sys.stderr)
        return 3
    finally:
        oracle.close()


if __name__ == "__main__":
    sys.exit(main())
