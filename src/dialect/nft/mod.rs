//! nftables: `nft -f` text and `nft -j` JSON.
//!
//! - [`ast`]: the nft syntax tree both readers produce.
//! - [`lex`], [`expr`], [`parse`]: the `nft -f` text parser (nom).
//! - [`names`]: symbolic constants (services, ICMP types, priorities).
//! - [`lower`], [`lower_match`], [`lower_flags`]: syntax tree → model, with kernel semantics;
//!   [`conntrack`]: `ct state` matches made sound around `notrack`.
pub mod ast;
pub mod conntrack;
pub mod expr;
pub mod json;
pub mod lex;
pub mod lower;
pub mod lower_flags;
pub mod lower_match;
pub mod names;
pub mod parse;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};

/// Read an `nft -f` file (following its includes) into the model.
pub fn load_text(input: &Input) -> Result<RuleSet, LoadError> {
    let text = input.text()?;
    let on_disk = input.path.is_file();
    let ast = if on_disk {
        parse::parse_file(&text, Some(&input.path))
    } else {
        parse::parse_source(&text, false)
    };
    Ok(lower(&ast))
}

/// Lower a syntax tree (from the text parser or the JSON reader) to the model.
pub fn lower(ruleset_ast: &ast::Ruleset<'_>) -> RuleSet {
    lower::lower(ruleset_ast)
}

/// Read an `nft -j list ruleset` document into the model.
pub fn load_json(input: &Input) -> Result<RuleSet, LoadError> {
    json::load(input)
}
