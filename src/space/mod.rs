//! The exact packet-set engine: sets of packets as BDDs over header bits (in the
//! spirit of Batfish's `BDDPacket`), with three-valued sets for conditions that
//! cannot be decided from headers.
//!
//! - [`layout`]: which BDD variable is which header bit, and why in that order.
//! - [`iface`]: interface names interned into exact equivalence classes.
//! - [`set`]: [`PacketSet`], the set operations.
//! - [`tri`]: [`Tri`], must/may bounds for opaque conditions.
//! - [`builders`]: [`Space`]'s per-field set builders and the validity constraint.
//! - [`compile`]: conditions and matches → [`Tri`].
//! - [`analysis`]: per-rule regions of first-match lists and nftables pipelines.
//! - [`witness`]: a concrete, readable member of a set.
//! - [`measure`]: sizes of a set, per dimension.

mod analysis;
mod builders;
mod compile;
mod iface;
mod layout;
mod measure;
mod pairs;
mod set;
mod tri;
mod witness;

#[cfg(test)]
mod tests;

pub use analysis::{analyze, pipeline_verdicts_without, FilterAnalysis, RuleRegion};
pub use measure::Measure;
pub use set::PacketSet;
pub use tri::Tri;

use crate::model::{Cond, Match, RuleSet};
use biodivine_lib_bdd::{Bdd, BddVariableSet};
use iface::Ifaces;
use layout::{Layout, Widths};
use std::sync::Arc;

/// The variable set, the field layout and the interned interface names that all
/// [`PacketSet`]s of one analysis share.
pub struct Space {
    vars: BddVariableSet,
    layout: Layout,
    ifaces: Ifaces,
    /// The validity constraint: [`Space::all`].
    valid: Arc<Bdd>,
    /// Protocols that carry ports / ICMP type and code (within the valid packets).
    port_protos: Bdd,
    icmp_protos: Bdd,
    /// The same, without the validity constraint (for raw compilation).
    port_protos_raw: Bdd,
    icmp_protos_raw: Bdd,
    /// Small test layouts restrict the protocols to a handful.
    protocols: Option<Vec<u8>>,
}

/// Protocols of the small test layouts: two with ports, both ICMPs, one with neither.
#[doc(hidden)]
pub const SMALL_PROTOCOLS: [u8; 5] = [
    crate::model::values::proto::ICMP,
    crate::model::values::proto::TCP,
    crate::model::values::proto::UDP,
    crate::model::values::proto::GRE,
    crate::model::values::proto::ICMPV6,
];

impl Space {
    /// The full-width layout, with these interface names (and `prefix*`
    /// wildcards) interned.
    pub fn new(iface_names: impl IntoIterator<Item = String>) -> Space {
        let ifaces = Ifaces::new(iface_names);
        Space::build(Widths::full(ifaces.bits()), ifaces, None)
    }

    /// A space interning every interface name the rule sets mention, with
    /// the TCP flags field only if some rule matches TCP flags: 8 variables
    /// no rule reads would still split every diagram below the protocol
    /// ("not TCP ⇒ flags 0"), doubling the analysis time of ordinary ACLs.
    pub fn for_rulesets<'a>(sets: impl IntoIterator<Item = &'a RuleSet>) -> Space {
        let mut names = Vec::new();
        let mut flags = false;
        for rs in sets {
            for f in &rs.filters {
                for r in f.rules() {
                    collect_ifaces(&r.matches, &mut names);
                    let reads_flags = |c: &Cond| c.any(&|c| matches!(c, Cond::TcpFlags(_)));
                    flags = flags || r.matches.conds.iter().any(reads_flags);
                }
            }
        }
        let ifaces = Ifaces::new(names);
        let mut widths = Widths::full(ifaces.bits());
        if !flags {
            widths.flags = 0;
        }
        Space::build(widths, ifaces, None)
    }

    /// Whether packets carry their TCP flags in this space (see
    /// [`Space::for_rulesets`]); without them, every TCP packet is taken as
    /// a SYN, which no condition of the rule sets can tell apart.
    pub fn has_tcp_flags(&self) -> bool {
        self.layout.width(layout::Field::TcpFlags) > 0
    }

    /// A tiny layout for exhaustive tests: `addr_bits`-bit addresses (both
    /// families; the low bits of the real address), `port_bits`-bit ports,
    /// ICMP type/code and TCP flags, and only the protocols of [`SMALL_PROTOCOLS`].
    #[doc(hidden)]
    pub fn small(addr_bits: u32, port_bits: u32) -> Space {
        Space::small_with_ifaces(addr_bits, port_bits, Vec::new())
    }

    #[doc(hidden)]
    pub fn small_with_ifaces(
        addr_bits: u32,
        port_bits: u32,
        iface_names: impl IntoIterator<Item = String>,
    ) -> Space {
        let ifaces = Ifaces::new(iface_names);
        let widths = Widths {
            addr: addr_bits.clamp(1, 32),
            port: port_bits.clamp(1, 16),
            icmp: port_bits.clamp(1, 8),
            flags: port_bits.clamp(1, 8),
            iface: ifaces.bits(),
        };
        Space::build(widths, ifaces, Some(SMALL_PROTOCOLS.to_vec()))
    }

    /// Every valid packet.
    pub fn all(&self) -> PacketSet {
        PacketSet::new((*self.valid).clone(), Arc::clone(&self.valid))
    }

    pub fn none(&self) -> PacketSet {
        PacketSet::new(self.vars.mk_false(), Arc::clone(&self.valid))
    }

    /// Wrap a BDD, restricted to the valid packets.
    fn set(&self, b: Bdd) -> PacketSet {
        PacketSet::new(b.and(&self.valid), Arc::clone(&self.valid))
    }

    /// Compile a match (a conjunction; empty = every packet).
    pub fn compile(&self, m: &Match, symbols: &dyn crate::model::eval::Symbols) -> Tri {
        compile::compile_match(&compile::Universe::valid(self), m, symbols, 0)
    }

    /// Compile one condition.
    pub fn cond(&self, c: &Cond, symbols: &dyn crate::model::eval::Symbols) -> Tri {
        compile::compile_cond(&compile::Universe::valid(self), c, symbols, 0)
    }

    /// Number of interface classes (see [`iface`]); mostly for tests.
    #[doc(hidden)]
    pub fn iface_classes(&self) -> u32 {
        self.ifaces.count()
    }
}

fn collect_ifaces(m: &Match, out: &mut Vec<String>) {
    for c in &m.conds {
        collect_iface_cond(c, out);
    }
}

fn collect_iface_cond(c: &Cond, out: &mut Vec<String>) {
    match c {
        Cond::InIface(n) | Cond::OutIface(n) => out.extend(n.iter().cloned()),
        Cond::Not(inner) => collect_iface_cond(inner, out),
        Cond::AnyOf(ms) => ms.iter().for_each(|m| collect_ifaces(m, out)),
        _ => {}
    }
}
