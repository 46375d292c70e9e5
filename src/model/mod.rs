//! The vendor-neutral model that every dialect lowers into and every check reads.
//!
//! - [`origin`]: files, spans, lines and columns.
//! - [`values`]: ranges, address patterns, families, protocol names.
//! - [`rule`]: rules, matches, filters and their evaluation semantics.
//! - [`packet`]: one concrete packet.
//! - [`eval`]: the verdict a filter gives one packet.

pub mod bounds;
pub mod eval;
pub mod origin;
pub mod packet;
pub mod rule;
pub mod values;

pub use origin::{Origin, SourceFile};
pub use packet::Packet;
pub use rule::*;
pub use values::{AddrPattern, CtStates, Family, Ranges};
