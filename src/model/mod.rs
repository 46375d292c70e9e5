//! The vendor-neutral model that every dialect lowers into and every check reads.
//!
//! - [`origin`]: files, spans, lines and columns.
//! - [`values`]: ranges, address patterns, families, protocol names.
//! - [`rule`]: rules, matches, filters and their evaluation semantics.
//! - [`tcp_flags`]: TCP flag names and sets of flag bytes.
//! - [`packet`]: one concrete packet.
//! - [`eval`]: the verdict a filter gives one packet.

pub mod bounds;
pub mod eval;
pub mod origin;
pub mod packet;
pub mod rule;
pub mod tcp_flags;
pub mod values;

pub use origin::{Origin, SourceFile};
pub use packet::Packet;
pub use rule::*;
pub use values::{AddrPattern, CtStates, Family, Ranges};
