//! From the vendor tree to the model: one first-match `Filter` per ACL (rules
//! in sequence order, implicit deny), object-groups expanded (with cycle and
//! depth checks), named objects with use counts, dangling references, and
//! bindings. Only this module sees both the vendor tree and the model.
//!
//! Exactness notes:
//! - `established` matches TCP segments with ACK or RST set (Cisco's definition;
//!   the ACL is stateless): it lowers to `tcp ∧ tcp_flags ∈ {ACK or RST set}`, so
//!   it never matches a SYN, the first packet of a connection.
//! - `fragments` matches non-initial fragments only, again never a
//!   connection's first packet: it lowers to `¬ct_state(new) ∧ opaque(non-initial fragment)`,
//!   exact for first packets and uncertain for the rest.
//! - ASA ACLs are dual-stack: `any` is every IPv4 and IPv6 address, `any4`/`any6`
//!   one family; other IOS-family ACLs carry `Family(..)` of their header.
//! - ASA `standard` ACLs match the destination (they select routes).

use super::ast::{self, *};
use super::Flavor;
use crate::model::tcp_flags;
use crate::model::values::{proto, AddrPattern, CtStates, Family, Ranges};
use crate::model::{
    Binding, Cond, DanglingRef, Effect, Filter, FilterBody, FirstMatch, IssueLevel, Match,
    NamedObject, Origin, ParseIssue, Rule, RuleSet, SourceFile,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Nesting deeper than this is reported and cut (devices allow far less).
const MAX_DEPTH: usize = 32;

/// The dialect name of a flavor.
pub fn dialect_name(f: Flavor) -> &'static str {
    match f {
        Flavor::Ios => "cisco-ios",
        Flavor::Asa => "cisco-asa",
        Flavor::Nxos => "cisco-nxos",
        Flavor::Xr => "cisco-xr",
    }
}

/// An address alternative: a pattern, or something undecidable.
#[derive(Clone, Debug, Default)]
struct Addrs {
    pats: Vec<AddrPattern>,
    opaque: Vec<String>,
}

/// A service alternative: protocol, ports, ICMP.
#[derive(Clone, Debug, Default)]
struct Svc {
    proto: Option<Ranges>,
    sport: Option<Ranges>,
    dport: Option<Ranges>,
    icmp_type: Option<Ranges>,
    icmp_code: Option<Ranges>,
}

struct Lower<'c> {
    flavor: Flavor,
    file: Arc<SourceFile>,
    cfg: &'c Config,
    groups: HashMap<(bool, &'c str), usize>,
    uses: Vec<usize>,
    issues: Vec<ParseIssue>,
    dangling: Vec<DanglingRef>,
    reported_cycles: HashSet<usize>,
    /// The span of the statement being lowered (for dangling references).
    here: std::ops::Range<usize>,
    addr_memo: HashMap<usize, Addrs>,
}

/// Lower a parsed file.
pub fn lower(cfg: &Config, flavor: Flavor, file: Arc<SourceFile>) -> RuleSet {
    let mut groups = HashMap::new();
    for (i, g) in cfg.groups.iter().enumerate() {
        groups.insert((g.object, g.name.as_str()), i);
    }
    let mut l = Lower {
        flavor,
        file,
        cfg,
        groups,
        uses: vec![0; cfg.groups.len()],
        issues: Vec::new(),
        dangling: Vec::new(),
        reported_cycles: HashSet::new(),
        here: 0..0,
        addr_memo: HashMap::new(),
    };
    for i in &cfg.issues {
        l.issues.push(ParseIssue {
            level: if i.error {
                IssueLevel::Error
            } else {
                IssueLevel::Warning
            },
            message: i.message.clone(),
            expected: i.expected.clone(),
            help: None,
            origin: l.file.origin(i.span.clone()),
        });
    }
    let mut rs = RuleSet::default();
    for acl in &cfg.acls {
        let f = l.filter(acl);
        rs.filters.push(f);
    }
    // Groups referenced only by other groups still count as used; walk members.
    for g in 0..cfg.groups.len() {
        for (m, span) in &cfg.groups[g].members {
            l.here = span.clone();
            match m {
                Member::Group(n) => {
                    l.lookup(false, n);
                }
                Member::Object(n) => {
                    l.lookup(true, n);
                }
                _ => {}
            }
        }
    }
    // Name aliases: count their uses in entries by the text of the config.
    let mut name_uses: HashMap<&str, usize> = HashMap::new();
    if !cfg.names.is_empty() {
        let set: HashSet<&str> = cfg.names.iter().map(|n| n.name.as_str()).collect();
        for acl in &cfg.acls {
            for line in &acl.lines {
                for w in l.file.text[line.span.clone()].split_ascii_whitespace() {
                    if let Some(k) = set.get(w) {
                        *name_uses.entry(k).or_default() += 1;
                    }
                }
            }
        }
        for g in &cfg.groups {
            for (_, span) in &g.members {
                for w in l.file.text[span.clone()].split_ascii_whitespace() {
                    if let Some(k) = set.get(w) {
                        *name_uses.entry(k).or_default() += 1;
                    }
                }
            }
        }
    }
    for (i, g) in cfg.groups.iter().enumerate() {
        rs.objects.push(NamedObject {
            kind: if g.object { "object" } else { "object-group" }.to_string(),
            name: g.name.clone(),
            origin: l.file.origin(g.span.clone()),
            uses: l.uses[i],
        });
    }
    for n in &cfg.names {
        rs.objects.push(NamedObject {
            kind: "name".into(),
            name: n.name.clone(),
            origin: l.file.origin(n.span.clone()),
            uses: name_uses.get(n.name.as_str()).copied().unwrap_or(0),
        });
    }
    for b in &cfg.binds {
        let origin = l.file.origin(b.span.clone());
        match rs.filters.iter_mut().find(|f| f.name == b.acl) {
            Some(f) => f.bindings.push(Binding {
                point: b.point.clone(),
                direction: b.direction.clone(),
                origin: Some(origin),
            }),
            None => l.dangling.push(DanglingRef {
                kind: "acl".into(),
                name: b.acl.clone(),
                origin,
            }),
        }
    }
    rs.issues = l.issues;
    rs.dangling = l.dangling;
    rs
}

impl<'c> Lower<'c> {
    fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        self.file.origin(span)
    }

    fn warn(&mut self, msg: String, span: std::ops::Range<usize>, error: bool) {
        self.issues.push(ParseIssue {
            level: if error {
                IssueLevel::Error
            } else {
                IssueLevel::Warning
            },
            message: msg,
            expected: None,
            help: None,
            origin: self.file.origin(span),
        });
    }

    /// Resolve a group or object name, counting the use or recording a dangling reference.
    fn lookup(&mut self, object: bool, name: &str) -> Option<usize> {
        match self.groups.get(&(object, name)) {
            Some(&i) => {
                self.uses[i] += 1;
                Some(i)
            }
            None => {
                self.dangling.push(DanglingRef {
                    kind: if object { "object" } else { "object-group" }.into(),
                    name: name.to_string(),
                    origin: self.file.origin(self.here.clone()),
                });
                None
            }
        }
    }

    fn filter(&mut self, acl: &'c Acl) -> Filter {
        let mut rules = Vec::new();
        if let Some((a, span)) = &acl.fragments {
            let m = Match::new(vec![
                Cond::Family(acl.family),
                Cond::Not(Box::new(Cond::CtState(CtStates::NEW))),
                Cond::Opaque {
                    what: "non-initial fragment".into(),
                },
            ]);
            let mut r = Rule::new(m, effect(*a), self.origin(span.clone()));
            r.notes.push(
                "fragments permit-all/deny-all: decides non-initial fragments before any entry"
                    .into(),
            );
            rules.push(r);
        }
        for line in &acl.lines {
            self.here = line.span.clone();
            let origin = self.origin(line.span.clone());
            let label = line.seq.map(|s| s.to_string());
            let mut rule = match &line.item {
                Item::Remark => continue,
                Item::Broken(None) => {
                    let mut r = Rule::new(
                        Match::new(vec![Cond::Opaque {
                            what: "an entry fwlint could not read".into(),
                        }]),
                        Effect::Continue,
                        origin,
                    );
                    r.notes.push("unread entry: no verdict assumed".into());
                    r
                }
                Item::Broken(Some(a)) => Rule::new(
                    Match::new(vec![Cond::Opaque {
                        what: format!(
                            "unreadable entry `{}`",
                            self.file.text[line.span.clone()].trim()
                        ),
                    }]),
                    effect(*a),
                    origin,
                ),
                Item::Entry(e) => {
                    let m = self.entry_match(acl, e);
                    let mut r = Rule::new(m, effect(e.action), origin);
                    r.enabled = !e.inactive;
                    r.notes.extend(e.notes.iter().map(str::to_string));
                    r
                }
                Item::Expanded {
                    action,
                    inactive,
                    children,
                } => {
                    let mut alts = Vec::new();
                    for (c, span) in children {
                        if c.inactive {
                            continue;
                        }
                        self.here = span.clone();
                        alts.push(self.entry_match(acl, c));
                    }
                    let mut r =
                        Rule::new(Match::new(vec![Cond::AnyOf(alts)]), effect(*action), origin);
                    r.enabled = !inactive;
                    r.notes.push(format!(
                        "expanded by the device into {} entries",
                        children.len()
                    ));
                    r
                }
            };
            rule.label = label;
            rules.push(rule);
        }
        Filter {
            name: acl.name.clone(),
            aliases: Vec::new(),
            dialect: dialect_name(self.flavor).to_string(),
            semantics: "first match by sequence, implicit deny".into(),
            body: FilterBody::FirstMatch(FirstMatch {
                rules,
                default: crate::model::Action::Deny,
                default_origin: None,
            }),
            bindings: Vec::new(),
            origin: Some(self.origin(acl.span.clone())),
        }
    }

    /// The match of one entry.
    fn entry_match(&mut self, acl: &Acl, e: &ast::Entry) -> Match {
        let mut conds = Vec::new();
        let fam = if self.flavor == Flavor::Asa {
            None
        } else {
            Some(acl.family)
        };
        if let Some(f) = fam {
            conds.push(Cond::Family(f));
        }
        // Protocol and services.
        let svcs = self.proto_svcs(&e.proto, 0);
        push_svcs(&mut conds, svcs);
        if let Some(op) = &e.sport {
            let r = self.port_ranges(op, 0);
            conds.push(Cond::SrcPort(r));
        }
        if let Some(op) = &e.dport {
            let r = self.port_ranges(op, 0);
            conds.push(Cond::DstPort(r));
        }
        if let Some(ic) = &e.icmp {
            let alts = self.icmp_alts(ic, 0);
            if alts.len() == 1 {
                conds.extend(alts.into_iter().next().unwrap_or_default().conds);
            } else {
                conds.push(Cond::AnyOf(alts));
            }
        }
        let src = self.addrs(&e.src, fam, 0);
        push_addrs(&mut conds, src, true);
        let dst = self.addrs(&e.dst, fam, 0);
        push_addrs(&mut conds, dst, false);
        if e.established {
            conds.push(Cond::Protocol(Ranges::single(proto::TCP as u16)));
            conds.push(Cond::TcpFlags(tcp_flags::where_(|f| {
                f & (tcp_flags::ACK | tcp_flags::RST) != 0
            })));
        }
        if e.fragments {
            conds.push(Cond::Not(Box::new(Cond::CtState(CtStates::NEW))));
            conds.push(Cond::Opaque {
                what: "non-initial fragment".into(),
            });
        }
        for u in &e.unmodelled {
            conds.push(Cond::Opaque {
                what: u.what.clone(),
            });
            self.warn(
                format!(
                    "`{}` is not modelled: the entry matches an unknown part of its packets",
                    u.what
                ),
                u.span.clone(),
                false,
            );
        }
        Match::new(conds)
    }

    /// Address operand → patterns and opaque alternatives.
    fn addrs(&mut self, a: &AddrSpec, fam: Option<Family>, depth: usize) -> Addrs {
        let mut out = Addrs::default();
        match a {
            AddrSpec::Any(f) => match f.or(fam) {
                Some(f) => out.pats.push(AddrPattern::any(f)),
                None => {
                    out.pats.push(AddrPattern::any(Family::Ipv4));
                    out.pats.push(AddrPattern::any(Family::Ipv6));
                }
            },
            AddrSpec::Host(ip) => out.pats.push(AddrPattern::host(*ip)),
            AddrSpec::Wild(p) => {
                let (ip, w) = p.get();
                out.pats.push(AddrPattern::wildcard(ip, w))
            }
            AddrSpec::Prefix(ip, l) => out.pats.push(AddrPattern::prefix(*ip, *l)),
            AddrSpec::Range(p) => {
                let (lo, hi) = p.get();
                match AddrPattern::range(lo, hi) {
                    Some(p) => out.pats.push(p),
                    None => out.opaque.push(format!("range {lo} {hi} (mixed families)")),
                }
            }
            AddrSpec::Opaque(w) => {
                out.opaque.push(w.to_string());
                self.warn(
                    format!("`{w}` is not modelled: it matches unknown addresses"),
                    self.here.clone(),
                    false,
                );
            }
            AddrSpec::Group(n) | AddrSpec::Object(n) => {
                let object = matches!(a, AddrSpec::Object(_));
                // The device refuses an entry naming an undefined group:
                // it matches nothing (and the reference is reported).
                if let Some(g) = self.lookup(object, n) {
                    let r = self.group_addrs(g, fam, depth, &mut Vec::new());
                    out.pats.extend(r.pats);
                    out.opaque.extend(r.opaque);
                }
            }
        }
        out
    }

    fn cycle(&mut self, g: usize, path: &[usize]) {
        if self.reported_cycles.insert(g) {
            let mut names: Vec<&str> = path
                .iter()
                .map(|&i| self.cfg.groups[i].name.as_str())
                .collect();
            names.push(&self.cfg.groups[g].name);
            let msg = format!(
                "object-group cycle: {} (the nested reference is ignored)",
                names.join(" -> ")
            );
            let span = self.cfg.groups[g].span.clone();
            self.warn(msg, span, true);
        }
    }

    /// Every address of a network group, nested groups included.
    fn group_addrs(
        &mut self,
        g: usize,
        fam: Option<Family>,
        depth: usize,
        path: &mut Vec<usize>,
    ) -> Addrs {
        if let Some(a) = self.addr_memo.get(&g) {
            return a.clone();
        }
        if path.contains(&g) {
            self.cycle(g, path);
            return Addrs::default();
        }
        if depth > MAX_DEPTH {
            let span = self.cfg.groups[g].span.clone();
            self.warn(
                "object-groups nested too deeply; the rest is ignored".into(),
                span,
                true,
            );
            return Addrs::default();
        }
        path.push(g);
        let cfg = self.cfg;
        let grp = &cfg.groups[g];
        let mut out = Addrs::default();
        let mut clean = true;
        if grp.kind != GroupKind::Network {
            out.opaque
                .push(format!("{} is not a network group", grp.name));
        }
        for (m, span) in &grp.members {
            let saved = std::mem::replace(&mut self.here, span.clone());
            match m {
                Member::Addr(a) => {
                    let r = self.addrs(a, fam, depth + 1);
                    out.pats.extend(r.pats);
                    out.opaque.extend(r.opaque);
                }
                Member::Group(n) | Member::Object(n) => {
                    let object = matches!(m, Member::Object(_));
                    if let Some(&i) = self.groups.get(&(object, n.as_str())) {
                        if path.contains(&i) {
                            clean = false;
                        }
                        let r = self.group_addrs(i, fam, depth + 1, path);
                        out.pats.extend(r.pats);
                        out.opaque.extend(r.opaque);
                    }
                }
                _ => out
                    .opaque
                    .push(format!("non-address member in {}", grp.name)),
            }
            self.here = saved;
        }
        path.pop();
        if clean && path.is_empty() {
            self.addr_memo.insert(g, out.clone());
        }
        out
    }

    /// Port operator → port set.
    fn port_ranges(&mut self, op: &PortOp, depth: usize) -> Ranges {
        match op {
            PortOp::Eq(v) => Ranges::from_ranges(v.iter().map(|&p| (p, p))),
            PortOp::Neq(v) => Ranges::from_ranges(v.iter().map(|&p| (p, p))).complement(65535),
            PortOp::Lt(p) => {
                if *p == 0 {
                    Ranges::empty()
                } else {
                    Ranges::range(0, p - 1)
                }
            }
            PortOp::Gt(p) => {
                if *p == 65535 {
                    Ranges::empty()
                } else {
                    Ranges::range(p + 1, 65535)
                }
            }
            PortOp::Range(a, b) => Ranges::range(*a, *b),
            PortOp::Group(n) => match self.lookup(false, n) {
                Some(g) => self.group_ports(g, depth, &mut Vec::new()),
                None => Ranges::empty(),
            },
        }
    }

    fn group_ports(&mut self, g: usize, depth: usize, path: &mut Vec<usize>) -> Ranges {
        if path.contains(&g) {
            self.cycle(g, path);
            return Ranges::empty();
        }
        if depth > MAX_DEPTH {
            return Ranges::empty();
        }
        path.push(g);
        let cfg = self.cfg;
        let mut out = Ranges::empty();
        for (m, _) in &cfg.groups[g].members {
            match m {
                Member::Port(op) => {
                    let r = self.port_ranges(op, depth + 1);
                    out = out.union(&r);
                }
                Member::Group(n) => {
                    if let Some(&i) = self.groups.get(&(false, n.as_str())) {
                        let r = self.group_ports(i, depth + 1, path);
                        out = out.union(&r);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        out
    }

    /// Protocol operand → service alternatives (empty vec: any protocol).
    fn proto_svcs(&mut self, p: &ProtoSpec, depth: usize) -> Vec<Svc> {
        match p {
            ProtoSpec::Any => vec![Svc::default()],
            ProtoSpec::Num(n) => vec![Svc {
                proto: Some(Ranges::single(*n as u16)),
                ..Svc::default()
            }],
            ProtoSpec::TcpUdp => vec![Svc {
                proto: Some(Ranges::from_ranges([(6, 6), (17, 17)])),
                ..Svc::default()
            }],
            ProtoSpec::Group(n) | ProtoSpec::Object(n) => {
                let object = matches!(p, ProtoSpec::Object(_));
                match self.lookup(object, n) {
                    Some(g) => self.group_svcs(g, depth, &mut Vec::new()),
                    None => vec![],
                }
            }
        }
    }

    fn service_svc(&mut self, s: &Service, depth: usize) -> Vec<Svc> {
        let mut base = self.proto_svcs(&s.proto, depth + 1);
        let sp = s.sport.as_ref().map(|o| self.port_ranges(o, depth + 1));
        let dp = s.dport.as_ref().map(|o| self.port_ranges(o, depth + 1));
        let ic = s.icmp.as_ref().map(|i| self.icmp_alts(i, depth + 1));
        let mut out = Vec::new();
        for b in base.iter_mut() {
            if sp.is_some() {
                b.sport = sp.clone();
            }
            if dp.is_some() {
                b.dport = dp.clone();
            }
            match &ic {
                Some(alts) => {
                    for a in alts {
                        let mut x = b.clone();
                        for c in &a.conds {
                            match c {
                                Cond::IcmpType(r) => x.icmp_type = Some(r.clone()),
                                Cond::IcmpCode(r) => x.icmp_code = Some(r.clone()),
                                _ => {}
                            }
                        }
                        out.push(x);
                    }
                }
                None => out.push(b.clone()),
            }
        }
        out
    }

    fn group_svcs(&mut self, g: usize, depth: usize, path: &mut Vec<usize>) -> Vec<Svc> {
        if path.contains(&g) {
            self.cycle(g, path);
            return vec![];
        }
        if depth > MAX_DEPTH {
            return vec![];
        }
        path.push(g);
        let cfg = self.cfg;
        let grp = &cfg.groups[g];
        let mut out = Vec::new();
        for (m, span) in &grp.members {
            self.here = span.clone();
            match m {
                Member::Service(s) => out.extend(self.service_svc(s, depth)),
                Member::Proto(p) => out.extend(self.proto_svcs(p, depth + 1)),
                Member::Port(op) => {
                    // A port group used as a protocol: never valid; keep sound.
                    let r = self.port_ranges(op, depth + 1);
                    out.push(Svc {
                        proto: Some(Ranges::from_ranges([(6, 6), (17, 17)])),
                        dport: Some(r),
                        ..Svc::default()
                    });
                }
                Member::Icmp(t, c) => out.push(Svc {
                    proto: Some(Ranges::single(1)),
                    icmp_type: Some(Ranges::single(*t as u16)),
                    icmp_code: c.map(|c| Ranges::single(c as u16)),
                    ..Svc::default()
                }),
                Member::Group(n) | Member::Object(n) => {
                    let object = matches!(m, Member::Object(_));
                    if let Some(&i) = self.groups.get(&(object, n.as_str())) {
                        out.extend(self.group_svcs(i, depth + 1, path));
                    }
                }
                Member::Addr(_) => {}
            }
        }
        path.pop();
        out
    }

    /// ICMP spec → alternatives (IcmpType ∧ IcmpCode matches).
    fn icmp_alts(&mut self, ic: &IcmpSpec, depth: usize) -> Vec<Match> {
        match ic {
            IcmpSpec::Type(t, c) => {
                let mut m = Match::new(vec![Cond::IcmpType(Ranges::single(*t as u16))]);
                if let Some(c) = c {
                    m.conds.push(Cond::IcmpCode(Ranges::single(*c as u16)));
                }
                vec![m]
            }
            IcmpSpec::Group(n) => {
                let Some(g) = self.lookup(false, n) else {
                    return vec![];
                };
                let svcs = self.group_svcs(g, depth, &mut Vec::new());
                svcs.into_iter()
                    .map(|s| {
                        let mut m = Match::any();
                        if let Some(t) = s.icmp_type {
                            m.conds.push(Cond::IcmpType(t));
                        }
                        if let Some(c) = s.icmp_code {
                            m.conds.push(Cond::IcmpCode(c));
                        }
                        m
                    })
                    .collect()
            }
        }
    }
}

fn effect(a: Action) -> Effect {
    match a {
        Action::Permit => Effect::Allow,
        Action::Deny => Effect::Deny,
    }
}

fn svc_match(s: Svc) -> Match {
    let mut m = Match::any();
    if let Some(p) = s.proto {
        m.conds.push(Cond::Protocol(p));
    }
    if let Some(p) = s.sport {
        m.conds.push(Cond::SrcPort(p));
    }
    if let Some(p) = s.dport {
        m.conds.push(Cond::DstPort(p));
    }
    if let Some(t) = s.icmp_type {
        m.conds.push(Cond::IcmpType(t));
    }
    if let Some(c) = s.icmp_code {
        m.conds.push(Cond::IcmpCode(c));
    }
    m
}

fn push_svcs(conds: &mut Vec<Cond>, svcs: Vec<Svc>) {
    if svcs.len() == 1 {
        let m = svc_match(svcs.into_iter().next().unwrap_or_default());
        conds.extend(m.conds);
    } else {
        conds.push(Cond::AnyOf(svcs.into_iter().map(svc_match).collect()));
    }
}

fn push_addrs(conds: &mut Vec<Cond>, a: Addrs, src: bool) {
    let mk = |p: Vec<AddrPattern>| {
        if src {
            Cond::SrcAddr(p)
        } else {
            Cond::DstAddr(p)
        }
    };
    if a.opaque.is_empty() {
        conds.push(mk(a.pats));
    } else {
        let mut alts = vec![Match::new(vec![mk(a.pats)])];
        let mut seen = HashSet::new();
        for o in a.opaque {
            if seen.insert(o.clone()) {
                alts.push(Match::new(vec![Cond::Opaque { what: o }]));
            }
        }
        conds.push(Cond::AnyOf(alts));
    }
}
