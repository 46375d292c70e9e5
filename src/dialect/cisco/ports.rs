//! Named ports, ICMP message names and protocol keywords, per protocol and per
//! flavor. The same number has different names for TCP and UDP (`cmd` is TCP
//! 514, `syslog` is UDP 514), some names exist for one protocol only (`www` is
//! TCP on IOS, `tftp` is UDP), and the flavors' tables differ (ASA knows
//! `https`, `ssh`, `ldap` and has `www` for UDP too). Tables written from the
//! Cisco command references' keyword lists.

use super::Flavor;

/// Port names common to IOS, IOS-XR and NX-OS for TCP.
const TCP_IOS: &[(&str, u16)] = &[
    ("bgp", 179),
    ("chargen", 19),
    ("cmd", 514),
    ("daytime", 13),
    ("discard", 9),
    ("domain", 53),
    ("drip", 3949),
    ("echo", 7),
    ("exec", 512),
    ("finger", 79),
    ("ftp", 21),
    ("ftp-data", 20),
    ("gopher", 70),
    ("hostname", 101),
    ("ident", 113),
    ("irc", 194),
    ("klogin", 543),
    ("kshell", 544),
    ("login", 513),
    ("lpd", 515),
    ("msrpc", 135),
    ("nntp", 119),
    ("onep-plain", 15001),
    ("onep-tls", 15002),
    ("pim-auto-rp", 496),
    ("pop2", 109),
    ("pop3", 110),
    ("smtp", 25),
    ("sunrpc", 111),
    ("tacacs", 49),
    ("talk", 517),
    ("telnet", 23),
    ("time", 37),
    ("uucp", 540),
    ("whois", 43),
    ("www", 80),
];

/// Port names of IOS, IOS-XR and NX-OS for UDP.
const UDP_IOS: &[(&str, u16)] = &[
    ("biff", 512),
    ("bootpc", 68),
    ("bootps", 67),
    ("discard", 9),
    ("dnsix", 195),
    ("domain", 53),
    ("echo", 7),
    ("isakmp", 500),
    ("mobile-ip", 434),
    ("nameserver", 42),
    ("netbios-dgm", 138),
    ("netbios-ns", 137),
    ("netbios-ss", 139),
    ("non500-isakmp", 4500),
    ("ntp", 123),
    ("pim-auto-rp", 496),
    ("rip", 520),
    ("ripng", 521),
    ("snmp", 161),
    ("snmptrap", 162),
    ("sunrpc", 111),
    ("syslog", 514),
    ("tacacs", 49),
    ("talk", 517),
    ("tftp", 69),
    ("time", 37),
    ("who", 513),
    ("xdmcp", 177),
];

/// ASA TCP port names.
const TCP_ASA: &[(&str, u16)] = &[
    ("aol", 5190),
    ("bgp", 179),
    ("chargen", 19),
    ("cifs", 3020),
    ("citrix-ica", 1494),
    ("cmd", 514),
    ("ctiqbe", 2748),
    ("daytime", 13),
    ("discard", 9),
    ("domain", 53),
    ("echo", 7),
    ("exec", 512),
    ("finger", 79),
    ("ftp", 21),
    ("ftp-data", 20),
    ("gopher", 70),
    ("h323", 1720),
    ("hostname", 101),
    ("http", 80),
    ("https", 443),
    ("ident", 113),
    ("imap4", 143),
    ("irc", 194),
    ("kerberos", 88),
    ("klogin", 543),
    ("kshell", 544),
    ("ldap", 389),
    ("ldaps", 636),
    ("login", 513),
    ("lotusnotes", 1352),
    ("lpd", 515),
    ("netbios-ssn", 139),
    ("nfs", 2049),
    ("nntp", 119),
    ("pcanywhere-data", 5631),
    ("pim-auto-rp", 496),
    ("pop2", 109),
    ("pop3", 110),
    ("pptp", 1723),
    ("rsh", 514),
    ("rtsp", 554),
    ("sip", 5060),
    ("smtp", 25),
    ("sqlnet", 1521),
    ("ssh", 22),
    ("sunrpc", 111),
    ("tacacs", 49),
    ("talk", 517),
    ("telnet", 23),
    ("uucp", 540),
    ("whois", 43),
    ("www", 80),
];

/// ASA UDP port names.
const UDP_ASA: &[(&str, u16)] = &[
    ("biff", 512),
    ("bootpc", 68),
    ("bootps", 67),
    ("cifs", 3020),
    ("discard", 9),
    ("dnsix", 195),
    ("domain", 53),
    ("echo", 7),
    ("http", 80),
    ("isakmp", 500),
    ("kerberos", 88),
    ("mobile-ip", 434),
    ("nameserver", 42),
    ("netbios-dgm", 138),
    ("netbios-ns", 137),
    ("nfs", 2049),
    ("ntp", 123),
    ("pcanywhere-status", 5632),
    ("pim-auto-rp", 496),
    ("radius", 1645),
    ("radius-acct", 1646),
    ("rip", 520),
    ("secureid-udp", 5510),
    ("sip", 5060),
    ("snmp", 161),
    ("snmptrap", 162),
    ("sunrpc", 111),
    ("syslog", 514),
    ("tacacs", 49),
    ("talk", 517),
    ("tftp", 69),
    ("time", 37),
    ("vxlan", 4789),
    ("who", 513),
    ("www", 80),
    ("xdmcp", 177),
];

/// Which port table applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortProto {
    Tcp,
    Udp,
    /// TCP and UDP (ASA `tcp-udp`, protocol groups, port groups without a
    /// protocol): a name must mean the same number for both where both know it.
    Both,
}

fn table(flavor: Flavor, p: PortProto) -> &'static [(&'static str, u16)] {
    match (flavor, p) {
        (Flavor::Asa, PortProto::Tcp) => TCP_ASA,
        (Flavor::Asa, _) => UDP_ASA,
        (_, PortProto::Tcp) => TCP_IOS,
        (_, _) => UDP_IOS,
    }
}

fn lookup(t: &[(&str, u16)], name: &str) -> Option<u16> {
    t.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Resolve a port: a number 0-65535 or a name valid for the protocol.
pub fn port(flavor: Flavor, p: PortProto, word: &str) -> Result<u16, String> {
    if let Ok(n) = word.parse::<u32>() {
        return u16::try_from(n).map_err(|_| format!("port {n} is out of range 0-65535"));
    }
    let found = match p {
        PortProto::Tcp | PortProto::Udp => lookup(table(flavor, p), word),
        PortProto::Both => {
            let t = lookup(table(flavor, PortProto::Tcp), word);
            let u = lookup(table(flavor, PortProto::Udp), word);
            match (t, u) {
                (Some(a), Some(b)) if a != b => {
                    return Err(format!(
                        "port name `{word}` means {a} for TCP and {b} for UDP; use a number"
                    ))
                }
                (a, b) => a.or(b),
            }
        }
    };
    found.ok_or_else(|| {
        let other = match p {
            PortProto::Tcp => lookup(table(flavor, PortProto::Udp), word).map(|v| ("UDP", v)),
            PortProto::Udp => lookup(table(flavor, PortProto::Tcp), word).map(|v| ("TCP", v)),
            PortProto::Both => None,
        };
        let pname = match p {
            PortProto::Tcp => "TCP",
            PortProto::Udp => "UDP",
            PortProto::Both => "TCP/UDP",
        };
        match other {
            Some((o, v)) => format!("`{word}` is not a {pname} port name (it is {o} port {v})"),
            None => format!("unknown {pname} port name `{word}`"),
        }
    })
}

/// True when `word` reads as a port for the protocol (used to collect the
/// several ports of `eq P P P`).
pub fn is_port(flavor: Flavor, p: PortProto, word: &str) -> bool {
    port(flavor, p, word).is_ok()
}

/// IPv4 ICMP message names: type and, for the specific ones, code.
const ICMP4: &[(&str, u8, Option<u8>)] = &[
    ("administratively-prohibited", 3, Some(13)),
    ("alternate-address", 6, None),
    ("conversion-error", 31, None),
    ("dod-host-prohibited", 3, Some(10)),
    ("dod-net-prohibited", 3, Some(9)),
    ("echo", 8, None),
    ("echo-reply", 0, None),
    ("general-parameter-problem", 12, Some(0)),
    ("host-isolated", 3, Some(8)),
    ("host-precedence-unreachable", 3, Some(14)),
    ("host-redirect", 5, Some(1)),
    ("host-tos-redirect", 5, Some(3)),
    ("host-tos-unreachable", 3, Some(12)),
    ("host-unknown", 3, Some(7)),
    ("host-unreachable", 3, Some(1)),
    ("information-reply", 16, None),
    ("information-request", 15, None),
    ("mask-reply", 18, None),
    ("mask-request", 17, None),
    ("mobile-redirect", 32, None),
    ("net-redirect", 5, Some(0)),
    ("net-tos-redirect", 5, Some(2)),
    ("net-tos-unreachable", 3, Some(11)),
    ("net-unreachable", 3, Some(0)),
    ("network-unknown", 3, Some(6)),
    ("no-room-for-option", 12, Some(2)),
    ("option-missing", 12, Some(1)),
    ("packet-too-big", 3, Some(4)),
    ("parameter-problem", 12, None),
    ("port-unreachable", 3, Some(3)),
    ("precedence-unreachable", 3, Some(15)),
    ("protocol-unreachable", 3, Some(2)),
    ("reassembly-timeout", 11, Some(1)),
    ("redirect", 5, None),
    ("router-advertisement", 9, None),
    ("router-solicitation", 10, None),
    ("source-quench", 4, None),
    ("source-route-failed", 3, Some(5)),
    ("time-exceeded", 11, None),
    ("timestamp-reply", 14, None),
    ("timestamp-request", 13, None),
    ("traceroute", 30, None),
    ("ttl-exceeded", 11, Some(0)),
    ("unreachable", 3, None),
];

/// ICMPv6 message names.
const ICMP6: &[(&str, u8, Option<u8>)] = &[
    ("unreachable", 1, None),
    ("no-admin", 1, Some(1)),
    ("no-route", 1, Some(0)),
    ("beyond-scope", 1, Some(2)),
    ("destination-unreachable", 1, None),
    ("address-unreachable", 1, Some(3)),
    ("port-unreachable", 1, Some(4)),
    ("packet-too-big", 2, None),
    ("time-exceeded", 3, None),
    ("hop-limit", 3, Some(0)),
    ("reassembly-timeout", 3, Some(1)),
    ("parameter-problem", 4, None),
    ("header", 4, Some(0)),
    ("next-header", 4, Some(1)),
    ("parameter-option", 4, Some(2)),
    ("echo-request", 128, None),
    ("echo", 128, None),
    ("echo-reply", 129, None),
    ("mld-query", 130, None),
    ("mld-report", 131, None),
    ("mld-reduction", 132, None),
    ("router-solicitation", 133, None),
    ("router-advertisement", 134, None),
    ("nd-ns", 135, None),
    ("neighbor-solicitation", 135, None),
    ("nd-na", 136, None),
    ("neighbor-advertisement", 136, None),
    ("redirect", 137, None),
    ("router-renumbering", 138, None),
    ("mldv2", 143, None),
];

/// Resolve an ICMP message name for an IPv4 (`v6 == false`) or IPv6 ACL.
pub fn icmp(v6: bool, word: &str) -> Option<(u8, Option<u8>)> {
    let t = if v6 { ICMP6 } else { ICMP4 };
    t.iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(word))
        .map(|&(_, t, c)| (t, c))
}

/// Protocol keywords Cisco ACLs use that are not IANA names, with their numbers.
const CISCO_PROTOS: &[(&str, u8)] = &[
    ("ahp", 51),
    ("ah", 51),
    ("esp", 50),
    ("eigrp", 88),
    ("gre", 47),
    ("icmp", 1),
    ("igmp", 2),
    ("igrp", 9),
    ("ipinip", 4),
    ("nos", 94),
    ("ospf", 89),
    ("pcp", 108),
    ("pim", 103),
    ("tcp", 6),
    ("udp", 17),
    ("sctp", 132),
    ("vrrp", 112),
    ("icmpv6", 58),
    ("icmp6", 58),
    ("ipsec", 50),
    ("pptp", 47),
    ("snp", 109),
    ("l2tp", 115),
];

/// Resolve a protocol word (not `ip`/`ipv6`, which the caller handles).
pub fn protocol(word: &str) -> Option<u8> {
    if let Ok(n) = word.parse::<u8>() {
        return Some(n);
    }
    CISCO_PROTOS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(word))
        .map(|(_, v)| *v)
        .or_else(|| crate::model::values::proto::by_name(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_depend_on_protocol_and_flavor() {
        assert_eq!(port(Flavor::Ios, PortProto::Tcp, "www"), Ok(80));
        assert!(port(Flavor::Ios, PortProto::Udp, "www").is_err());
        assert_eq!(port(Flavor::Asa, PortProto::Udp, "www"), Ok(80));
        assert_eq!(port(Flavor::Ios, PortProto::Tcp, "cmd"), Ok(514));
        assert_eq!(port(Flavor::Ios, PortProto::Udp, "syslog"), Ok(514));
        assert!(port(Flavor::Ios, PortProto::Tcp, "syslog").is_err());
        assert!(port(Flavor::Ios, PortProto::Tcp, "tftp").is_err());
        assert_eq!(port(Flavor::Ios, PortProto::Both, "domain"), Ok(53));
        assert!(port(Flavor::Ios, PortProto::Tcp, "70000").is_err());
        assert_eq!(icmp(false, "echo"), Some((8, None)));
        assert_eq!(icmp(true, "echo-reply"), Some((129, None)));
    }
}
