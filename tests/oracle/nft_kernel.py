#!/usr/bin/env python3
"""The Linux kernel as an oracle for nftables verdicts.

Loads a ruleset into a private network namespace, sends hand-built probe frames
through it, and reports the verdict the kernel gave each probe: `allow` or `deny`.

Topology (all namespaces are created here, named after our pid, and always deleted):

    client ns  --veth (no IPv4 addresses)--  server ns
                                              every IPv4/IPv6 destination is local
                                              (`local 0.0.0.0/0` and `local ::/0`)

Hooks covered:
  * input   -- frames sent from the client ns on an AF_PACKET socket arrive on the
               server veth and are delivered locally (prerouting -> input).
  * output  -- packets generated inside the server ns on a raw socket (IP_HDRINCL /
               IPPROTO_RAW for IPv6) towards a local destination (output -> lo).
  * forward -- not covered.

Observation: an extra table `inet fwlint_obs` records each probe's unique id (IPv4
`ip id`, IPv6 flow label) in sets: at the hook's first priority (-1000000, "seen")
and at its last priority (+1000000, "accepted"; that chain then drops, so no probe is
ever answered and no conntrack state outlives a probe). In "accepted" means allow;
seen but not accepted means deny. A probe never seen at all is re-sent a few times
and then reported as an error.

Usage:
  nft_kernel.py --job JOB.json            run every case of a job, JSON on stdout
  nft_kernel.py --ruleset F --packets P [--hook input|output] [--dump-json]
                                          one verdict a line (`allow`/`deny`)
  nft_kernel.py --selftest                checks the harness against a known ruleset

A job is {"cases": [{"id": any, "ruleset": TEXT (or "path": FILE, loaded in place so
that its includes resolve), "hook": "input", "packets": [LINE...], "dump_json": bool}]}; packet lines are fwlint's: `PROTO SRC[:SPORT] DST[:DPORT]
[ICMPTYPE[/CODE]]`. The answer is {"results": [{"id", "load_ok", "load_error",
"verdicts": [...], "json_dump": TEXT|null}]}.
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


def parse_line(line):
    """fwlint packet line -> dict(proto, src, dst, sport, dport, itype, icode)."""
    words = line.split()
    if len(words) not in (3, 4):
        raise HarnessError("bad packet line: %r" % line)
    proto = int(words[0]) if words[0].isdigit() else PROTO_NUM[words[0].lower()]
    src, sport = parse_endpoint(words[1])
    dst, dport = parse_endpoint(words[2])
    if src.version != dst.version:
        raise HarnessError("mixed address families: %r" % line)
    p = {"proto": proto, "src": src, "dst": dst, "sport": None, "dport": None,
         "itype": None, "icode": None}
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
        hdr = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 0x1000, 0, 5 << 4, 0x02, 64240, 0, 0)
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
            raise HarnessError("the nft kernel oracle must run as root (it creates network namespaces)")
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
        raise HarnessError("hook %r is not covered by this oracle (input, output are)" % hook)
    packets = [parse_line(l) for l in case["packets"]]
    result = {"id": case.get("id"), "load_ok": False, "load_error": None, "verdicts": [], "json_dump": None}
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


class Oracle:
    def __init__(self):
        self.ns = Netns()
        atexit.register(self.ns.close)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        try:
            self.ns.setup()
            self.socks = Sockets(self.ns)
        except BaseException:
            self.ns.close()
            raise

    def _on_signal(self, signum, frame):
        self.ns.close()
        sys.exit(128 + signum)

    def run(self, case):
        return run_case(self.ns, self.socks, case)

    def close(self):
        self.socks.close()
        self.ns.close()


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


def selftest(oracle):
    bad = []
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
    ap.add_argument("--hook", default="input")
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
