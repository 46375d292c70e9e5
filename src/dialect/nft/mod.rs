//! nftables: `nft -f` text and `nft -j` JSON. (Being built on branch `nft`.)
//!
//! - [`ast`]: the nft syntax tree both readers produce.
//! - `lower` (coming on branch `nft`): `lower::lower(&ast::Ruleset) -> RuleSet`.
pub mod ast;
pub mod json;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};
pub fn load_text(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(
        &input.name,
        "the nft dialect is not built yet",
    ))
}
pub fn load_json(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(
        &input.name,
        "the nft-json dialect is not built yet",
    ))
}
