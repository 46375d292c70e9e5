//! Seed coverage: read every port table (Markdown pipe tables and the white
//! paper's tab-separated tables) and the port lists of the vendor seeds, and check
//! that each row is in the catalog: a flow on that protocol whose ports (or whose
//! service's alternate ports) include the row's ports, and whose `cite` names the
//! seed file and the section the row is in.

use fwlint::catalog::{builtin, FlowDef, PortSpec};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

/// What a row requires: a protocol and either port numbers/ranges or rpc-dynamic.
#[derive(Debug, Clone)]
struct Row {
    seed: &'static str,
    section: String,
    proto: &'static str,
    ports: Vec<(u16, u16)>,
    dynamic: bool,
    text: String,
}

/// Headings as the catalog quotes them: anchors dropped, `&lt;`/`&gt;` decoded,
/// `-- >` → `-->`, `< -- >` → `<-->`, `[!INCLUDE[pn_Foo_Bar](..)]` → `Foo Bar`.
fn normalize(h: &str) -> String {
    let mut s = h.trim_start_matches('#').to_string();
    while let Some(a) = s.find("<a name=") {
        let end = s[a..].find("</a>").map(|e| a + e + 4).unwrap_or(s.len());
        s.replace_range(a..end, "");
    }
    while let Some(a) = s.find("[!INCLUDE[") {
        let close = s[a..].find("](").map(|e| a + e).unwrap();
        let end = s[close..].find(")]").map(|e| close + e + 2).unwrap();
        let name = s[a + 10..close]
            .trim_start_matches("pn_")
            .trim_start_matches("cc_")
            .replace('_', " ");
        s.replace_range(a..end, &name);
    }
    let s = s.replace("&lt;", "<").replace("&gt;", ">");
    let words: Vec<&str> = s.split_whitespace().collect();
    let s = words.join(" ");
    s.replace("< -- >", "<-->")
        .replace("-- >", "-->")
        .trim()
        .to_string()
}

fn numbers(cell: &str) -> Vec<(u16, u16)> {
    // Only the part before a "(See note" remark holds ports.
    let cell = cell.split("(See").next().unwrap();
    let cell = cell
        .replace(" and ", ",")
        .replace(" or ", ",")
        .replace('/', ",");
    let mut out = Vec::new();
    for part in cell.split(',') {
        let part = part.trim().trim_end_matches(['*', '\\', ' ']);
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
            out.push((a, b));
        }
    }
    out
}

fn split_row(line: &str) -> Vec<String> {
    if line.contains('|') {
        line.trim()
            .trim_start_matches('|')
            .trim_end_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    } else {
        line.split('\t').map(|c| c.trim().to_string()).collect()
    }
}

/// Protocols named by a protocol cell: `TCP`, `UDP`, `TCP/UDP`, `HTTPS`, `DCOM and
/// RPC`, `SMB/TCP`, `DHCP`, `[!INCLUDE[pn_UDP]...]`; empty means TCP (Office Web Apps 443).
fn protocols(cell: &str) -> Vec<&'static str> {
    let c = cell.to_ascii_uppercase();
    let mut v = Vec::new();
    if c.contains("TCP")
        || c.contains("HTTP")
        || c.contains("RPC")
        || c.contains("SMB")
        || c.trim().is_empty()
    {
        v.push("tcp");
    }
    if c.contains("UDP") || c.contains("DHCP") {
        v.push("udp");
    }
    v
}

fn parse_tables(seed: &'static str) -> Vec<Row> {
    let text = std::fs::read_to_string(format!("{SEEDS}/{seed}")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    let mut heading = String::new();
    let mut title: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with('#') {
            heading = normalize(l);
            title = None;
            i += 1;
            continue;
        }
        let t = l.trim();
        if t.starts_with("**") && t.ends_with("**") && t.len() > 4 {
            title = Some(t.trim_matches('*').to_string());
        }
        let header = split_row(l);
        let lower: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        let col = |name: &str| lower.iter().position(|h| h == name);
        let is_table = (col("port").is_some() && (col("protocol").is_some()))
            || (col("udp").is_some() && col("tcp").is_some())
            || (col("upd").is_some() && col("tcp").is_some());
        if !is_table || header.len() < 2 {
            i += 1;
            continue;
        }
        let section = match &title {
            Some(t) => format!("{heading}: {t}"),
            None => heading.clone(),
        };
        let pipe = l.contains('|');
        i += 1;
        if pipe {
            i += 1; // the |---| line
        }
        while i < lines.len() {
            let r = lines[i];
            let is_row = if pipe {
                r.trim_start().starts_with('|')
            } else {
                r.contains('\t')
            };
            if !is_row {
                break;
            }
            let cells = split_row(r);
            let cell = |n: Option<usize>| n.and_then(|n| cells.get(n)).cloned().unwrap_or_default();
            let mut push = |proto: &'static str, ports: &str| {
                let dynamic = ports.contains("DYNAMIC");
                let ports = numbers(ports);
                if dynamic || !ports.is_empty() {
                    rows.push(Row {
                        seed,
                        section: section.clone(),
                        proto,
                        ports,
                        dynamic,
                        text: r.trim().to_string(),
                    });
                }
            };
            if let Some(p) = col("port") {
                let pc = cell(Some(p));
                for proto in protocols(&cell(col("protocol"))) {
                    push(proto, &pc);
                }
            } else {
                push("udp", &cell(col("udp").or(col("upd"))));
                push("tcp", &cell(col("tcp")));
            }
            i += 1;
        }
    }
    rows
}

/// The seeds' port lists (bullets, not tables): the bullet text, which must be in
/// the seed, and the rows it stands for.
fn list_rows() -> Vec<(Row, &'static str)> {
    let w = "001_274bec7d286b7c51.txt";
    let c = "003_328c3a474ee86947.txt";
    let r = |seed: &'static str,
             section: &str,
             proto: &'static str,
             lo: u16,
             hi: u16,
             dynamic: bool,
             bullet: &'static str| {
        (
            Row {
                seed,
                section: section.into(),
                proto,
                ports: if dynamic { vec![] } else { vec![(lo, hi)] },
                dynamic,
                text: bullet.into(),
            },
            bullet,
        )
    };
    let d = "Default CRM Connectivity Requirements";
    let m = "Mail Server Connectivity Requirements";
    let s = "Connections to Microsoft SQL Server";
    let p = "Discovery and publishing";
    let ib = "Installation requirements for site systems that support Internet-based clients";
    vec![
        r(
            w,
            d,
            "udp",
            53,
            53,
            false,
            "DNS name resolution on UDP/TCP: 53",
        ),
        r(
            w,
            d,
            "tcp",
            53,
            53,
            false,
            "DNS name resolution on UDP/TCP: 53",
        ),
        r(
            w,
            d,
            "tcp",
            139,
            139,
            false,
            "NetBIOS name resolution on TCP: 139, UDP: 137/138",
        ),
        r(
            w,
            d,
            "udp",
            137,
            137,
            false,
            "NetBIOS name resolution on TCP: 139, UDP: 137/138",
        ),
        r(
            w,
            d,
            "udp",
            138,
            138,
            false,
            "NetBIOS name resolution on TCP: 139, UDP: 137/138",
        ),
        r(
            w,
            d,
            "udp",
            123,
            123,
            false,
            "NTP time synchronisation: 123",
        ),
        r(
            w,
            d,
            "tcp",
            135,
            135,
            false,
            "DCOM and RPC: TCP 135, UDP 1025",
        ),
        r(
            w,
            d,
            "udp",
            1025,
            1025,
            false,
            "DCOM and RPC: TCP 135, UDP 1025",
        ),
        r(
            w,
            m,
            "tcp",
            110,
            110,
            false,
            "POP3 (TCP:110) and SMTP (TCP:25)",
        ),
        r(
            w,
            m,
            "tcp",
            25,
            25,
            false,
            "POP3 (TCP:110) and SMTP (TCP:25)",
        ),
        r(w, m, "tcp", 80, 80, false, "HTTP-DAV (TCP:80)"),
        r(
            w,
            m,
            "tcp",
            80,
            80,
            false,
            "Exchange Web Service (EWS) (TCP:80)",
        ),
        r(c, s, "tcp", 1433, 1433, false, "SQL over TCP: TCP 1433"),
        r(
            c,
            s,
            "tcp",
            4022,
            4022,
            false,
            "SQL Server Service Broker: TCP 4022",
        ),
        r(
            c,
            s,
            "tcp",
            445,
            445,
            false,
            "Server Message Block (SMB): TCP 445",
        ),
        r(c, s, "tcp", 135, 135, false, "RPC Endpoint Mapper: TCP 135"),
        r(
            c,
            p,
            "tcp",
            389,
            389,
            false,
            "Lightweight Directory Access Protocol (LDAP): 389",
        ),
        r(c, p, "tcp", 3268, 3268, false, "Global catalog LDAP: 3268"),
        r(c, p, "tcp", 135, 135, false, "RPC Endpoint Mapper: 135"),
        r(
            c,
            p,
            "tcp",
            0,
            0,
            true,
            "RPC: Dynamically allocated high TCP ports",
        ),
        r(c, p, "tcp", 0, 0, true, "TCP: 1024: 5000"),
        r(c, p, "tcp", 0, 0, true, "TCP:  49152: 65535"),
        r(
            c,
            ib,
            "udp",
            135,
            135,
            false,
            "Site server --> Site system: RPC endpoint mapper using UDP and TCP port 135",
        ),
        r(
            c,
            ib,
            "tcp",
            135,
            135,
            false,
            "Site server --> Site system: RPC endpoint mapper using UDP and TCP port 135",
        ),
        r(
            c,
            ib,
            "tcp",
            0,
            0,
            true,
            "Site server --> Site system: RPC dynamic TCP ports",
        ),
        r(
            c,
            ib,
            "tcp",
            445,
            445,
            false,
            "Server message blocks (SMB) using TCP port 445",
        ),
        r(
            c,
            ib,
            "udp",
            135,
            135,
            false,
            "Site server --> Distribution point: RPC endpoint mapper using UDP and TCP port 135",
        ),
        r(
            c,
            ib,
            "tcp",
            0,
            0,
            true,
            "Site server --> Distribution point: RPC dynamic TCP ports",
        ),
    ]
}

fn covers(f: &FlowDef, row: &Row) -> bool {
    if f.protocol != row.proto {
        return false;
    }
    let cite = format!("{} § {}", row.seed, row.section);
    if !f.cite.split("; ").any(|c| c == cite) {
        return false;
    }
    if row.dynamic {
        return f.ports == PortSpec::RpcDynamic;
    }
    let alt = f
        .service
        .as_deref()
        .and_then(|s| builtin().service(s))
        .map(|s| s.alternate_ports.clone())
        .unwrap_or_default();
    match &f.ports {
        PortSpec::Ports(r) => row
            .ports
            .iter()
            .all(|&(a, b)| (a..=b).all(|p| r.contains(p) || alt.contains(p))),
        _ => false,
    }
}

fn check(rows: &[Row]) -> Vec<String> {
    let flows: Vec<&FlowDef> = builtin().flows().collect();
    rows.iter()
        .filter(|row| !flows.iter().any(|f| covers(f, row)))
        .map(|row| {
            format!(
                "{} § {}: {} {:?}{} — row `{}`",
                row.seed,
                row.section,
                row.proto,
                row.ports,
                if row.dynamic { " DYNAMIC" } else { "" },
                row.text
            )
        })
        .collect()
}

#[test]
fn every_seed_table_row_is_in_the_catalog() {
    let mut all = Vec::new();
    for (seed, min_rows) in [
        ("000_2bca468b2b85afa3.txt", 20),
        ("001_274bec7d286b7c51.txt", 29),
        ("003_328c3a474ee86947.txt", 130),
        ("004_a388ee4b1cae19fa.txt", 90),
    ] {
        let rows = parse_tables(seed);
        assert!(
            rows.len() >= min_rows,
            "{seed}: only {} table rows parsed (the parser lost tables)",
            rows.len()
        );
        all.extend(rows);
    }
    let missing = check(&all);
    assert!(
        missing.is_empty(),
        "{} seed rows are not in the catalog:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_seed_port_list_item_is_in_the_catalog() {
    let rows = list_rows();
    for (row, bullet) in &rows {
        let text = std::fs::read_to_string(format!("{SEEDS}/{}", row.seed)).unwrap();
        assert!(
            text.contains(bullet),
            "{}: list item `{bullet}` not in the seed",
            row.seed
        );
    }
    let rows: Vec<Row> = rows.into_iter().map(|(r, _)| r).collect();
    let missing = check(&rows);
    assert!(
        missing.is_empty(),
        "not in the catalog:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_alternate_port_row_has_a_service_id() {
    let text = std::fs::read_to_string(format!("{SEEDS}/003_328c3a474ee86947.txt")).unwrap();
    assert!(text.contains("Alternate port available"));
    let rows: Vec<Row> = parse_tables("003_328c3a474ee86947.txt")
        .into_iter()
        .filter(|r| {
            r.text.contains("Alternate port available")
                || r.text.contains("Windows Server Update Services")
        })
        .collect();
    assert!(rows.len() > 25);
    for row in rows {
        let ok = builtin()
            .flows()
            .any(|f| covers(f, &row) && f.service.is_some());
        assert!(
            ok,
            "no configurable service for `{}` in {}",
            row.text, row.section
        );
    }
}

#[test]
fn headings_normalize_as_the_catalog_quotes_them() {
    assert_eq!(
        normalize(
            "###  <a name=\"BKMK_PortsMP-Site\"></a> Management point &lt; -- > Site server  "
        ),
        "Management point <--> Site server"
    );
    assert_eq!(
        normalize("## Network ports for the [!INCLUDE[pn_Organization_Web_Service](../includes/pn-organization-web-service.md)] server role  "),
        "Network ports for the Organization Web Service server role"
    );
    assert_eq!(
        numbers("80 or 8530 (See note 3, **Windows Server Update Services**)"),
        vec![(80, 80), (8530, 8530)]
    );
    assert_eq!(numbers("67 and 68"), vec![(67, 67), (68, 68)]);
    assert_eq!(numbers("1024-65535 \\*"), vec![(1024, 65535)]);
}
