//! Symbolic constants nft accepts on the right-hand side of matches: service
//! names (`inet_service`), ICMP / ICMPv6 types and codes, conntrack states,
//! families, ethertypes, and the named chain priorities.

/// Service names nft resolves for `inet_service` (the /etc/services names of
/// Debian's netbase for the ports rulesets use; nft itself asks getservbyname).
pub const SERVICES: &[(&str, u16)] = &[
    ("tcpmux", 1),
    ("echo", 7),
    ("discard", 9),
    ("daytime", 13),
    ("ftp-data", 20),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("time", 37),
    ("whois", 43),
    ("tacacs", 49),
    ("domain", 53),
    ("bootps", 67),
    ("bootpc", 68),
    ("tftp", 69),
    ("gopher", 70),
    ("finger", 79),
    ("http", 80),
    ("www", 80),
    ("kerberos", 88),
    ("pop3", 110),
    ("sunrpc", 111),
    ("auth", 113),
    ("ident", 113),
    ("nntp", 119),
    ("ntp", 123),
    ("epmap", 135),
    ("netbios-ns", 137),
    ("netbios-dgm", 138),
    ("netbios-ssn", 139),
    ("imap2", 143),
    ("imap", 143),
    ("snmp", 161),
    ("snmp-trap", 162),
    ("bgp", 179),
    ("irc", 194),
    ("ldap", 389),
    ("https", 443),
    ("microsoft-ds", 445),
    ("kpasswd", 464),
    ("isakmp", 500),
    ("submissions", 465),
    ("urd", 465),
    ("saft", 487),
    ("syslog", 514),
    ("printer", 515),
    ("talk", 517),
    ("ntalk", 518),
    ("route", 520),
    ("uucp", 540),
    ("submission", 587),
    ("ipp", 631),
    ("ldaps", 636),
    ("rsync", 873),
    ("ftps-data", 989),
    ("ftps", 990),
    ("telnets", 992),
    ("imaps", 993),
    ("pop3s", 995),
    ("socks", 1080),
    ("openvpn", 1194),
    ("ms-sql-s", 1433),
    ("ms-sql-m", 1434),
    ("l2f", 1701),
    ("l2tp", 1701),
    ("pptp", 1723),
    ("radius", 1812),
    ("radius-acct", 1813),
    ("nfs", 2049),
    ("mysql", 3306),
    ("ms-wbt-server", 3389),
    ("svn", 3690),
    ("sip", 5060),
    ("sip-tls", 5061),
    ("xmpp-client", 5222),
    ("xmpp-server", 5269),
    ("postgresql", 5432),
    ("postgres", 5432),
    ("ipsec-nat-t", 4500),
    ("x11", 6000),
    ("http-alt", 8080),
    ("webcache", 8080),
    ("mdns", 5353),
    ("amqp", 5672),
    ("git", 9418),
    ("zabbix-agent", 10050),
    ("zabbix-trapper", 10051),
    ("dhcpv6-client", 546),
    ("dhcpv6-server", 547),
    ("domain-s", 853),
    ("kerberos-adm", 749),
    ("rtsp", 554),
    ("nut", 3493),
    ("iax", 4569),
    ("memcache", 11211),
    ("redis", 6379),
];

pub fn service(name: &str) -> Option<u16> {
    SERVICES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// `icmp_type` names (nft's `icmp_type_tbl`).
pub const ICMP_TYPES: &[(&str, u8)] = &[
    ("echo-reply", 0),
    ("destination-unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
    ("info-request", 15),
    ("info-reply", 16),
    ("address-mask-request", 17),
    ("address-mask-reply", 18),
];

/// `icmpv6_type` names (nft's `icmp6_type_tbl`).
pub const ICMPV6_TYPES: &[(&str, u8)] = &[
    ("destination-unreachable", 1),
    ("packet-too-big", 2),
    ("time-exceeded", 3),
    ("parameter-problem", 4),
    ("echo-request", 128),
    ("echo-reply", 129),
    ("mld-listener-query", 130),
    ("mld-listener-report", 131),
    ("mld-listener-done", 132),
    ("mld-listener-reduction", 132),
    ("nd-router-solicit", 133),
    ("nd-router-advert", 134),
    ("nd-neighbor-solicit", 135),
    ("nd-neighbor-advert", 136),
    ("nd-redirect", 137),
    ("router-renumbering", 138),
    ("ind-neighbor-solicit", 141),
    ("ind-neighbor-advert", 142),
    ("mld2-listener-report", 143),
];

/// `icmp_code` names.
pub const ICMP_CODES: &[(&str, u8)] = &[
    ("net-unreachable", 0),
    ("host-unreachable", 1),
    ("prot-unreachable", 2),
    ("port-unreachable", 3),
    ("frag-needed", 4),
    ("net-prohibited", 9),
    ("host-prohibited", 10),
    ("admin-prohibited", 13),
];

/// `icmpv6_code` names.
pub const ICMPV6_CODES: &[(&str, u8)] = &[
    ("no-route", 0),
    ("admin-prohibited", 1),
    ("addr-unreachable", 3),
    ("port-unreachable", 4),
    ("policy-fail", 5),
    ("reject-route", 6),
];

pub fn lookup(table: &[(&str, u8)], name: &str) -> Option<u8> {
    table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The value of a named chain priority for a table family and hook, as nft
/// defines them (`std_prio_lookup`); `None` if the name is not valid there.
pub fn named_priority(family: &str, hook: &str, name: &str) -> Option<i32> {
    if family == "bridge" {
        return match name {
            "dstnat" if hook == "prerouting" => Some(-300),
            "filter" => Some(-200),
            "out" if hook == "output" => Some(100),
            "srcnat" if hook == "postrouting" => Some(300),
            _ => None,
        };
    }
    match name {
        "raw" => Some(-300),
        "mangle" => Some(-150),
        "dstnat" if matches!(hook, "prerouting" | "output") => Some(-100),
        "filter" => Some(0),
        "security" => Some(50),
        "srcnat" if matches!(hook, "postrouting" | "input") => Some(100),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(service("ssh"), Some(22));
        assert_eq!(service("domain"), Some(53));
        assert_eq!(lookup(ICMP_TYPES, "echo-request"), Some(8));
        assert_eq!(lookup(ICMPV6_TYPES, "nd-neighbor-solicit"), Some(135));
        assert_eq!(named_priority("inet", "prerouting", "dstnat"), Some(-100));
        assert_eq!(named_priority("inet", "input", "dstnat"), None);
        assert_eq!(named_priority("bridge", "output", "out"), Some(100));
        assert_eq!(named_priority("ip", "input", "filter"), Some(0));
    }
}
