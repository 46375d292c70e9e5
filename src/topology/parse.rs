//! From the spanned TOML tree to a validated [`Topology`]. Every error points at
//! the offending key or value; names that do not resolve get a "did you mean".
//! All errors in the file are collected; the first is returned with the others
//! attached.

#![allow(clippy::result_large_err)]

use super::addr::parse_addr;
use super::error::{did_you_mean, TopologyError};
use super::node::Node;
use super::*;
use crate::catalog::{parse_port_spec, Catalog, Phase, PortSpec};
use crate::model::values::proto;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

type Table = Vec<(Spanned<String>, Spanned<Node>)>;

const TOP_KEYS: &[&str] = &["settings", "groups", "hosts", "roles", "flows", "firewalls"];
const SETTINGS_KEYS: &[&str] = &["phase", "rpc-dynamic"];
const HOST_KEYS: &[&str] = &["address", "roles", "ports", "description"];
const FLOW_KEYS: &[&str] = &[
    "from",
    "to",
    "service",
    "reason",
    "phase",
    "bidirectional",
    "description",
];
const FIREWALL_KEYS: &[&str] = &[
    "name",
    "config",
    "hosts",
    "filter",
    "from",
    "to",
    "profile",
    "dialect",
    "description",
];

struct Ctx<'a> {
    src: Arc<SourceFile>,
    catalog: &'a Catalog,
    errors: Vec<TopologyError>,
}

impl Ctx<'_> {
    fn error(&mut self, span: Range<usize>, msg: String, label: &str, help: Option<String>) {
        self.errors
            .push(TopologyError::at(&self.src, span, msg, label).with_help(help));
    }

    fn origin(&self, span: Range<usize>) -> Origin {
        self.src.origin(span)
    }

    /// Report keys of `table` outside `allowed`.
    fn check_keys(&mut self, table: &Table, allowed: &[&str], what: &str) {
        for (k, _) in table {
            if !allowed.contains(&k.get_ref().as_str()) {
                let help = did_you_mean(k.get_ref(), allowed.iter().copied())
                    .or_else(|| Some(format!("{what} takes: {}", allowed.join(", "))));
                self.error(
                    k.span(),
                    format!("unknown key `{}` in {what}", k.get_ref()),
                    "unknown key",
                    help,
                );
            }
        }
    }

    fn table<'n>(&mut self, v: &'n Spanned<Node>, what: &str) -> Option<&'n Table> {
        match v.get_ref() {
            Node::Table(t) => Some(t),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a table, found {}", other.kind()),
                    "expected a table",
                    None,
                );
                None
            }
        }
    }

    fn string<'n>(&mut self, v: &'n Spanned<Node>, what: &str) -> Option<&'n str> {
        match v.get_ref() {
            Node::Str(s) => Some(s),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a string, found {}", other.kind()),
                    "expected a string",
                    None,
                );
                None
            }
        }
    }

    /// A string or an array of strings, each with its span.
    fn strings(&mut self, v: &Spanned<Node>, what: &str) -> Vec<(String, Range<usize>)> {
        match v.get_ref() {
            Node::Str(s) => vec![(s.clone(), v.span())],
            Node::Array(items) => {
                let mut out = Vec::new();
                for it in items {
                    if let Some(s) = self.string(it, what) {
                        out.push((s.to_string(), it.span()));
                    }
                }
                out
            }
            other => {
                self.error(
                    v.span(),
                    format!(
                        "{what} must be a string or an array of strings, found {}",
                        other.kind()
                    ),
                    "expected a string or an array of strings",
                    None,
                );
                Vec::new()
            }
        }
    }

    fn role_exists(&mut self, role: &str, span: Range<usize>) -> bool {
        if self.catalog.role(role).is_some() {
            return true;
        }
        let help = did_you_mean(role, self.catalog.role_ids())
            .or_else(|| Some("`fwlint catalog` lists every role".to_string()));
        self.error(
            span,
            format!("unknown role `{role}`"),
            "not a catalog role",
            help,
        );
        false
    }
}

fn get<'t>(t: &'t Table, key: &str) -> Option<&'t Spanned<Node>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

/// Parse the whole document.
pub fn parse(
    src: Arc<SourceFile>,
    path: &Path,
    catalog: &Catalog,
) -> Result<Topology, TopologyError> {
    let top = match super::node::parse(&src.text) {
        Ok(t) => t,
        Err(e) => {
            return Err(TopologyError::at(
                &src,
                e.span,
                format!("invalid TOML: {}", e.message),
                "here",
            ));
        }
    };
    let mut cx = Ctx {
        src: Arc::clone(&src),
        catalog,
        errors: Vec::new(),
    };
    cx.check_keys(&top, TOP_KEYS, "a topology");
    let settings = get(&top, "settings")
        .map(|v| parse_settings(&mut cx, v))
        .unwrap_or_default();
    let groups = get(&top, "groups")
        .map(|v| parse_groups(&mut cx, v))
        .unwrap_or_default();
    let hosts = get(&top, "hosts")
        .map(|v| parse_hosts(&mut cx, v, &groups))
        .unwrap_or_default();
    let names = Names {
        hosts: hosts.iter().map(|h| h.name.clone()).collect(),
        groups: groups.iter().map(|g| g.name.clone()).collect(),
    };
    let role_assignments = get(&top, "roles")
        .map(|v| parse_roles(&mut cx, v, &names))
        .unwrap_or_default();
    let flows = get(&top, "flows")
        .map(|v| parse_flows(&mut cx, v, &names))
        .unwrap_or_default();
    let base = path.parent().unwrap_or(Path::new("."));
    let firewalls = get(&top, "firewalls")
        .map(|v| parse_firewalls(&mut cx, v, &names, base))
        .unwrap_or_default();
    if !cx.errors.is_empty() {
        let mut errs = std::mem::take(&mut cx.errors);
        let mut first = errs.remove(0);
        first.others = errs;
        return Err(first);
    }
    Ok(Topology {
        source: src,
        path: path.to_path_buf(),
        settings,
        groups,
        hosts,
        role_assignments,
        flows,
        firewalls,
    })
}

struct Names {
    hosts: Vec<String>,
    groups: Vec<String>,
}

impl Names {
    fn all(&self) -> impl Iterator<Item = &str> {
        self.hosts
            .iter()
            .chain(self.groups.iter())
            .map(|s| s.as_str())
    }
}

/// Resolve host-or-group names, reporting unknown ones.
fn members(
    cx: &mut Ctx,
    v: &Spanned<Node>,
    what: &str,
    names: &Names,
    hosts_only: bool,
) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    for (n, span) in cx.strings(v, what) {
        let known = names.hosts.contains(&n) || (!hosts_only && names.groups.contains(&n));
        if known {
            out.push((n, span));
            continue;
        }
        let (kind, help) = if hosts_only {
            let h = did_you_mean(&n, names.hosts.iter().map(|s| s.as_str()));
            let h = h.or_else(|| {
                names
                    .groups
                    .contains(&n)
                    .then(|| format!("`{n}` is a group; a host firewall lists hosts"))
            });
            ("host", h)
        } else {
            ("host or group", did_you_mean(&n, names.all()))
        };
        let help = help.or_else(|| {
            Some(format!(
                "define it with [hosts.{n}] or in [groups]{}",
                if hosts_only { " (hosts only here)" } else { "" }
            ))
        });
        cx.error(span, format!("unknown {kind} `{n}`"), "not defined", help);
    }
    out
}

fn parse_settings(cx: &mut Ctx, v: &Spanned<Node>) -> Settings {
    let mut s = Settings {
        origin: Some(cx.origin(v.span())),
        ..Settings::default()
    };
    let Some(t) = cx.table(v, "[settings]") else {
        return s;
    };
    cx.check_keys(t, SETTINGS_KEYS, "[settings]");
    if let Some(p) = get(t, "phase") {
        if let Some(name) = cx.string(p, "phase") {
            match Phase::from_name(name) {
                Some(ph) => s.phase = ph,
                None => cx.error(
                    p.span(),
                    format!("unknown phase `{name}`"),
                    "expected \"operation\" or \"setup\"",
                    did_you_mean(name, ["operation", "setup"]),
                ),
            }
        }
    }
    if let Some(r) = get(t, "rpc-dynamic") {
        if let Some(text) = cx.string(r, "rpc-dynamic") {
            match crate::catalog::parse_port_spec(text) {
                Ok(PortSpec::Ports(ranges)) => s.rpc_dynamic = ranges,
                Ok(_) => cx.error(
                    r.span(),
                    "rpc-dynamic must be a port range".into(),
                    "expected ports such as \"49152-65535\"",
                    None,
                ),
                Err(m) => cx.error(
                    r.span(),
                    format!("bad rpc-dynamic range: {m}"),
                    "expected ports such as \"49152-65535\"",
                    None,
                ),
            }
        }
    }
    s
}

fn addresses(cx: &mut Ctx, v: &Spanned<Node>, what: &str) -> Vec<AddrPattern> {
    let mut out = Vec::new();
    for (a, span) in cx.strings(v, what) {
        match parse_addr(&a) {
            Ok(p) => out.push(p),
            Err(m) => cx.error(span, format!("bad address: {m}"), "not an address", None),
        }
    }
    out
}

fn parse_groups(cx: &mut Ctx, v: &Spanned<Node>) -> Vec<Group> {
    let Some(t) = cx.table(v, "[groups]") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, val) in t {
        let addrs = addresses(cx, val, &format!("group `{}`", k.get_ref()));
        if addrs.is_empty() && matches!(val.get_ref(), Node::Array(a) if a.is_empty()) {
            cx.error(
                val.span(),
                format!("group `{}` has no addresses", k.get_ref()),
                "empty",
                None,
            );
        }
        out.push(Group {
            name: k.get_ref().clone(),
            addresses: addrs,
            origin: cx.origin(k.span().start..val.span().end),
        });
    }
    out
}

fn parse_hosts(cx: &mut Ctx, v: &Spanned<Node>, groups: &[Group]) -> Vec<Host> {
    let Some(t) = cx.table(v, "[hosts]") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, hv) in t {
        let name = k.get_ref().clone();
        if groups.iter().any(|g| g.name == name) {
            cx.error(
                k.span(),
                format!("`{name}` is both a host and a group"),
                "name already used in [groups]",
                Some("give the host and the group different names".into()),
            );
        }
        let Some(ht) = cx.table(hv, &format!("[hosts.{name}]")) else {
            continue;
        };
        cx.check_keys(ht, HOST_KEYS, &format!("[hosts.{name}]"));
        let addrs = match get(ht, "address") {
            Some(a) => addresses(cx, a, "address"),
            None => {
                cx.error(
                    k.span(),
                    format!("host `{name}` has no address"),
                    "missing `address`",
                    Some("add address = \"a.b.c.d\" (or a list)".into()),
                );
                Vec::new()
            }
        };
        if addrs.is_empty()
            && matches!(get(ht, "address").map(|a| a.get_ref()), Some(Node::Array(a)) if a.is_empty())
        {
            cx.error(
                get(ht, "address").unwrap().span(),
                format!("host `{name}` has no address"),
                "empty list",
                None,
            );
        }
        let mut roles = Vec::new();
        if let Some(r) = get(ht, "roles") {
            for (role, span) in cx.strings(r, "roles") {
                if cx.role_exists(&role, span.clone()) {
                    roles.push((role, cx.origin(span)));
                }
            }
        }
        let mut ports = BTreeMap::new();
        if let Some(p) = get(ht, "ports") {
            if let Some(pt) = cx.table(p, "ports") {
                for (sk, sv) in pt {
                    let id = sk.get_ref();
                    if cx.catalog.service(id).is_none() {
                        let help = did_you_mean(id, cx.catalog.service_ids()).or_else(|| {
                            Some("keys are catalog service ids (`fwlint catalog` lists them under configurable services)".into())
                        });
                        cx.error(
                            sk.span(),
                            format!("unknown service `{id}`"),
                            "not a catalog service",
                            help,
                        );
                        continue;
                    }
                    let r = match sv.get_ref() {
                        Node::Int(n) if (1..=65535).contains(n) => Ok(Ranges::single(*n as u16)),
                        Node::Str(s) => match parse_port_spec(s) {
                            Ok(PortSpec::Ports(r)) if !r.is_empty() => Ok(r),
                            _ => Err(()),
                        },
                        _ => Err(()),
                    };
                    match r {
                        Ok(r) => {
                            ports.insert(id.clone(), r);
                        }
                        Err(()) => cx.error(
                            sv.span(),
                            format!("bad port for `{id}`"),
                            "expected a port number 1-65535 (or a string such as \"8000-8010\")",
                            None,
                        ),
                    }
                }
            }
        }
        out.push(Host {
            name,
            addresses: addrs,
            roles,
            ports,
            origin: cx.origin(k.span()),
        });
    }
    out
}

fn parse_roles(cx: &mut Ctx, v: &Spanned<Node>, names: &Names) -> Vec<RoleAssignment> {
    let Some(t) = cx.table(v, "[roles]") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, val) in t {
        let role = k.get_ref().clone();
        let ok = cx.role_exists(&role, k.span());
        let ms = members(cx, val, &format!("role `{role}`"), names, false);
        if ok {
            let members = ms.into_iter().map(|(n, s)| (n, cx.origin(s))).collect();
            out.push(RoleAssignment {
                role,
                members,
                origin: cx.origin(k.span().start..val.span().end),
            });
        }
    }
    out
}

/// `tcp/443`, `udp/137-138`, `tcp/rpc-dynamic`, `icmp`, or a catalog service id.
fn parse_service(cx: &mut Ctx, s: &str, span: Range<usize>) -> Option<ServiceRef> {
    if let Some((p, ports)) = s.split_once('/') {
        let Some(protocol) = protocol_number(p) else {
            let names = proto::NAMES.iter().map(|(n, _)| *n);
            cx.error(
                span,
                format!("unknown protocol `{p}`"),
                "not a protocol",
                did_you_mean(p, names),
            );
            return None;
        };
        if !proto::has_ports(protocol) {
            cx.error(
                span,
                format!("`{p}` has no ports"),
                "ports given for a portless protocol",
                Some(format!("write `{p}` alone")),
            );
            return None;
        }
        return match parse_port_spec(ports) {
            Ok(PortSpec::None) | Err(_) => {
                cx.error(
                    span,
                    format!("bad ports in `{s}`"),
                    "expected PROTO/PORTS such as tcp/443, udp/137-138, tcp/rpc-dynamic",
                    None,
                );
                None
            }
            Ok(ports) => Some(ServiceRef::Ports { protocol, ports }),
        };
    }
    if cx.catalog.service(s).is_some() {
        return Some(ServiceRef::Catalog(s.to_string()));
    }
    if let Some(protocol) = protocol_number(s) {
        if proto::has_ports(protocol) {
            cx.error(
                span,
                format!("`{s}` needs ports"),
                "no ports",
                Some(format!("write `{s}/PORT`, e.g. `{s}/443`")),
            );
            return None;
        }
        return Some(ServiceRef::Ports {
            protocol,
            ports: PortSpec::None,
        });
    }
    let help = did_you_mean(s, cx.catalog.service_ids()).or_else(|| {
        Some("a service is PROTO/PORTS (tcp/443, udp/137-138, tcp/rpc-dynamic) or a catalog service id".into())
    });
    cx.error(
        span,
        format!("unknown service `{s}`"),
        "not PROTO/PORTS or a catalog service",
        help,
    );
    None
}

fn protocol_number(p: &str) -> Option<u8> {
    proto::by_name(p).or_else(|| p.parse::<u8>().ok())
}

fn array_of_tables<'n>(cx: &mut Ctx, v: &'n Spanned<Node>, what: &str) -> Vec<&'n Spanned<Node>> {
    match v.get_ref() {
        Node::Array(items) => items.iter().collect(),
        Node::Table(_) => vec![v],
        other => {
            cx.error(
                v.span(),
                format!("{what} must be an array of tables, found {}", other.kind()),
                "expected [[...]] entries",
                None,
            );
            Vec::new()
        }
    }
}

fn parse_flows(cx: &mut Ctx, v: &Spanned<Node>, names: &Names) -> Vec<FlowSpec> {
    let mut out = Vec::new();
    for item in array_of_tables(cx, v, "flows") {
        let Some(t) = cx.table(item, "a [[flows]] entry") else {
            continue;
        };
        cx.check_keys(t, FLOW_KEYS, "[[flows]]");
        let need = |cx: &mut Ctx, key: &str| -> Option<&Spanned<Node>> {
            let r = get(t, key);
            if r.is_none() {
                cx.error(
                    item.span(),
                    format!("[[flows]] entry without `{key}`"),
                    "incomplete flow",
                    None,
                );
            }
            r
        };
        let from = need(cx, "from")
            .map(|v| members(cx, v, "from", names, false))
            .unwrap_or_default();
        let to = need(cx, "to")
            .map(|v| members(cx, v, "to", names, false))
            .unwrap_or_default();
        let mut services = Vec::new();
        if let Some(sv) = need(cx, "service") {
            for (s, span) in cx.strings(sv, "service") {
                if let Some(r) = parse_service(cx, &s, span) {
                    services.push(r);
                }
            }
        }
        let reason = match get(t, "reason") {
            Some(r) => cx.string(r, "reason").unwrap_or_default().to_string(),
            None => String::new(),
        };
        let phase = match get(t, "phase") {
            Some(p) => match cx.string(p, "phase") {
                Some(name) => Phase::from_name(name).unwrap_or_else(|| {
                    cx.error(
                        p.span(),
                        format!("unknown phase `{name}`"),
                        "expected \"operation\" or \"setup\"",
                        did_you_mean(name, ["operation", "setup"]),
                    );
                    Phase::Operation
                }),
                None => Phase::Operation,
            },
            None => Phase::Operation,
        };
        let bidirectional = match get(t, "bidirectional") {
            Some(b) => match b.get_ref() {
                Node::Bool(x) => *x,
                other => {
                    cx.error(
                        b.span(),
                        format!(
                            "bidirectional must be true or false, found {}",
                            other.kind()
                        ),
                        "expected a boolean",
                        None,
                    );
                    false
                }
            },
            None => false,
        };
        out.push(FlowSpec {
            from: from.into_iter().map(|(n, _)| n).collect(),
            to: to.into_iter().map(|(n, _)| n).collect(),
            services,
            reason,
            phase,
            bidirectional,
            origin: cx.origin(item.span()),
        });
    }
    out
}

fn parse_firewalls(
    cx: &mut Ctx,
    v: &Spanned<Node>,
    names: &Names,
    base: &Path,
) -> Vec<FirewallDef> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for item in array_of_tables(cx, v, "firewalls") {
        let Some(t) = cx.table(item, "a [[firewalls]] entry") else {
            continue;
        };
        cx.check_keys(t, FIREWALL_KEYS, "[[firewalls]]");
        let opt_string = |cx: &mut Ctx, key: &str| -> Option<String> {
            get(t, key).and_then(|v| cx.string(v, key).map(str::to_string))
        };
        let name = match get(t, "name") {
            Some(n) => {
                let s = cx.string(n, "name").unwrap_or_default().to_string();
                if seen.contains(&s) {
                    cx.error(
                        n.span(),
                        format!("firewall `{s}` is defined twice"),
                        "duplicate name",
                        None,
                    );
                }
                seen.push(s.clone());
                s
            }
            None => {
                cx.error(
                    item.span(),
                    "[[firewalls]] entry without `name`".into(),
                    "missing name",
                    None,
                );
                String::new()
            }
        };
        let config = match opt_string(cx, "config") {
            Some(c) => base.join(c),
            None => {
                cx.error(
                    item.span(),
                    format!("firewall `{name}` has no `config`"),
                    "missing config",
                    Some("config = \"path/to/the/ruleset\" (relative to the topology file)".into()),
                );
                PathBuf::new()
            }
        };
        let dialect = opt_string(cx, "dialect");
        if let (Some(d), Some(dv)) = (&dialect, get(t, "dialect")) {
            if d != "auto" && crate::dialect::Dialect::from_name(d).is_none() {
                let all = crate::dialect::Dialect::ALL.map(|x| x.name());
                cx.error(
                    dv.span(),
                    format!("unknown dialect `{d}`"),
                    "not a dialect",
                    did_you_mean(d, all.iter().copied())
                        .or_else(|| Some(format!("dialects: auto, {}", all.join(", ")))),
                );
            }
        }
        let profile = opt_string(cx, "profile");
        if let (Some(p), Some(pv)) = (&profile, get(t, "profile")) {
            let profiles = ["domain", "private", "public"];
            if !profiles.contains(&p.as_str()) {
                cx.error(
                    pv.span(),
                    format!("unknown Windows Firewall profile `{p}`"),
                    "expected domain, private or public",
                    did_you_mean(p, profiles),
                );
            }
        }
        let filter = opt_string(cx, "filter");
        let hosts = get(t, "hosts").map(|v| members(cx, v, "hosts", names, true));
        let from = get(t, "from").map(|v| members(cx, v, "from", names, false));
        let to = get(t, "to").map(|v| members(cx, v, "to", names, false));
        let strip = |v: Option<Vec<(String, Range<usize>)>>| -> Vec<String> {
            v.unwrap_or_default().into_iter().map(|(n, _)| n).collect()
        };
        let kind = match hosts {
            Some(h) => {
                if from.is_some() || to.is_some() {
                    cx.error(
                        item.span(),
                        format!("firewall `{name}` has both `hosts` and `from`/`to`"),
                        "host firewall or network filter?",
                        Some(
                            "a host firewall lists `hosts`; a network filter lists `from` and `to`"
                                .into(),
                        ),
                    );
                }
                FirewallKind::Host {
                    hosts: strip(Some(h)),
                }
            }
            None => {
                if from.is_none() && to.is_none() {
                    cx.error(
                        item.span(),
                        format!("firewall `{name}` says neither which hosts it protects nor which traffic crosses it"),
                        "add `hosts`, or `from` and `to`",
                        Some("hosts = [\"NAME\"] for a host firewall; from = [...] and to = [...] for a network filter".into()),
                    );
                }
                FirewallKind::Network {
                    filter: filter.clone(),
                    from: strip(from),
                    to: strip(to),
                }
            }
        };
        out.push(FirewallDef {
            name,
            config,
            dialect,
            kind,
            profile,
            filter,
            origin: cx.origin(item.span()),
        });
    }
    out
}
