//! Cisco ACLs: IOS / IOS-XE, ASA, NX-OS and IOS-XR, from running-configs or
//! `show` output. `lex` splits lines and tokens, `parse` (with the flavor
//! modules `parse_ios`, `parse_asa`, `parse_nxos`, `parse_xr`, and the shared
//! `entry`, `members` and `ports`) builds the vendor tree in `ast`, and
//! `lower` turns it into the model.

pub mod ast;
pub mod entry;
pub mod lex;
pub mod lower;
pub mod members;
pub mod parse;
pub mod parse_asa;
pub mod parse_ios;
pub mod parse_nxos;
pub mod parse_xr;
pub mod ports;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};

/// Which Cisco operating system wrote the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Ios,
    Asa,
    Nxos,
    Xr,
}

/// Read a Cisco config of `flavor` into the model.
pub fn load(input: &Input, flavor: Flavor) -> Result<RuleSet, LoadError> {
    let file = input.text()?;
    let cfg = parse::parse(&file.text, flavor);
    Ok(lower::lower(&cfg, flavor, file.clone()))
}
