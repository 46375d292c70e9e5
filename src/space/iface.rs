//! Interface names → a finite set of interface ids.
//!
//! A packet's interface is `None` or any string, an infinite domain; but the rules
//! only tell strings apart by the exact names and `prefix*` wildcards they mention.
//! So the interned ids are the classes of that equivalence, exactly:
//!
//! - id 0: no interface, or a name that is neither interned nor starts with an
//!   interned prefix (no condition can tell these apart: none matches them);
//! - one id per exact name mentioned;
//! - one id per prefix `p` mentioned: every other name whose *longest* interned
//!   prefix is `p` (the prefixes of one name form a chain, so the longest one
//!   determines which wildcards it matches: exactly those that are prefixes of `p`).
//!
//! A wildcard `eth*` thus matches the exact names starting with `eth` and every
//! prefix class whose prefix starts with `eth`, soundly and exactly.

/// The interned interface classes of a [`Space`](super::Space).
#[derive(Clone, Debug, Default)]
pub(crate) struct Ifaces {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

/// Which ids a name pattern surely and possibly matches. Interned patterns give
/// `must == may`; a pattern the space has not interned is approximated soundly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdMatch {
    pub must: Vec<u32>,
    pub may: Vec<u32>,
}

impl Ifaces {
    pub(crate) fn new(names: impl IntoIterator<Item = String>) -> Ifaces {
        let mut exact = Vec::new();
        let mut prefixes = Vec::new();
        for n in names {
            match n.strip_suffix('*') {
                Some(p) => prefixes.push(p.to_string()),
                None => exact.push(n),
            }
        }
        exact.sort();
        exact.dedup();
        prefixes.sort();
        prefixes.dedup();
        Ifaces { exact, prefixes }
    }

    /// Number of ids (at least 1).
    pub(crate) fn count(&self) -> u32 {
        1 + self.exact.len() as u32 + self.prefixes.len() as u32
    }

    /// Bits needed to hold an id.
    pub(crate) fn bits(&self) -> u32 {
        let n = self.count();
        if n <= 1 {
            0
        } else {
            32 - (n - 1).leading_zeros()
        }
    }

    fn exact_id(&self, name: &str) -> Option<u32> {
        self.exact
            .binary_search_by(|e| e.as_str().cmp(name))
            .ok()
            .map(|i| 1 + i as u32)
    }

    fn prefix_id(&self, i: usize) -> u32 {
        1 + self.exact.len() as u32 + i as u32
    }

    /// The class of a concrete interface.
    pub(crate) fn class_of(&self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return 0 };
        if let Some(id) = self.exact_id(name) {
            return id;
        }
        self.prefixes
            .iter()
            .enumerate()
            .filter(|(_, p)| name.starts_with(p.as_str()))
            .max_by_key(|(_, p)| p.len())
            .map(|(i, _)| self.prefix_id(i))
            .unwrap_or(0)
    }

    /// The ids matched by one pattern of an `InIface`/`OutIface` condition.
    pub(crate) fn matching(&self, pattern: &str) -> IdMatch {
        match pattern.strip_suffix('*') {
            None => match self.exact_id(pattern) {
                Some(id) => IdMatch {
                    must: vec![id],
                    may: vec![id],
                },
                // Not interned: it lives somewhere in its class, with other names.
                None => IdMatch {
                    must: Vec::new(),
                    may: vec![self.class_of(Some(pattern))],
                },
            },
            Some(p) => {
                let mut must: Vec<u32> = Vec::new();
                for (i, e) in self.exact.iter().enumerate() {
                    if e.starts_with(p) {
                        must.push(1 + i as u32);
                    }
                }
                for (i, q) in self.prefixes.iter().enumerate() {
                    if q.starts_with(p) {
                        must.push(self.prefix_id(i));
                    }
                }
                let interned = self.prefixes.iter().any(|q| q == p);
                let mut may = must.clone();
                if !interned {
                    // Classes whose prefix is shorter than `p` hold some names
                    // starting with `p` and some not; so does id 0.
                    may.push(0);
                    for (i, q) in self.prefixes.iter().enumerate() {
                        if p.starts_with(q.as_str()) && q != p {
                            may.push(self.prefix_id(i));
                        }
                    }
                    may.sort_unstable();
                    may.dedup();
                }
                IdMatch { must, may }
            }
        }
    }

    /// A concrete interface name in class `id` (`None` for id 0).
    pub(crate) fn example(&self, id: u32) -> Option<String> {
        if id == 0 {
            return None;
        }
        let i = (id - 1) as usize;
        if let Some(e) = self.exact.get(i) {
            return Some(e.clone());
        }
        let p = self.prefixes.get(i - self.exact.len())?;
        // A first character after `p` that no longer prefix continues with, then
        // a tail that makes the name differ from every exact name.
        let blocked: Vec<char> = self
            .prefixes
            .iter()
            .filter_map(|q| q.strip_prefix(p.as_str()))
            .filter_map(|rest| rest.chars().next())
            .collect();
        let c = "0123456789abcdefghijklmnopqrstuvwxyz_-."
            .chars()
            .chain(('\u{100}'..).take(4096))
            .find(|c| !blocked.contains(c))?;
        (0..=self.exact.len())
            .map(|k| format!("{p}{c}{}", "0".repeat(k)))
            .find(|n| self.exact_id(n).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::eval::iface_matches;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn classes_and_examples_agree_with_eval() {
        let ifs = Ifaces::new(names(&["eth0", "eth*", "eth1*", "lo", "*"]));
        assert_eq!(ifs.count(), 6);
        assert_eq!(ifs.bits(), 3);
        for id in 0..ifs.count() {
            let ex = ifs.example(id);
            assert_eq!(ifs.class_of(ex.as_deref()), id, "{ex:?}");
        }
        let cases = [
            "eth0", "eth*", "eth1*", "lo", "*", "eth", "e*", "eth10", "wl*",
        ];
        let samples = [
            None,
            Some("eth0"),
            Some("eth1"),
            Some("eth15"),
            Some("ethx"),
            Some("lo"),
            Some("wlan0"),
            Some("e"),
        ];
        for pat in cases {
            let m = ifs.matching(pat);
            for s in samples {
                let id = ifs.class_of(s);
                let truth = iface_matches(&[pat.to_string()], s);
                if m.must.contains(&id) {
                    assert!(truth, "{pat} must {s:?}");
                }
                if truth {
                    assert!(m.may.contains(&id), "{pat} may {s:?}");
                }
            }
        }
        // Interned patterns are exact.
        for pat in ["eth0", "eth*", "eth1*", "lo", "*"] {
            let m = ifs.matching(pat);
            assert_eq!(m.must, m.may, "{pat}");
        }
    }

    #[test]
    fn no_names_is_one_class() {
        let ifs = Ifaces::new(Vec::new());
        assert_eq!(ifs.count(), 1);
        assert_eq!(ifs.bits(), 0);
        assert_eq!(ifs.class_of(Some("eth0")), 0);
        assert_eq!(ifs.matching("eth0").must, Vec::<u32>::new());
    }
}
