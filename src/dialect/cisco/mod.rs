//! Cisco ACLs. (Being built on branch `cisco`.)
use crate::model::RuleSet;
use crate::read::{Input, LoadError};
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Ios,
    Asa,
    Nxos,
    Xr,
}
pub fn load(input: &Input, _flavor: Flavor) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(
        &input.name,
        "the cisco dialects are not built yet",
    ))
}
