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
pub mod reserved;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};

/// Read an `nft -f` file (following its includes) into the model.
pub fn load_text(input: &Input) -> Result<RuleSet, LoadError> {
    let text = input.text()?;
    let on_disk = input.path.is_file();
    Ok(with_arena(|arena| {
        let ast = if on_disk {
            parse::parse_file(arena, &text, Some(&input.path))
        } else {
            parse::parse_source(arena, &text, false)
        };
        lower(&ast)
    }))
}

/// An arena kept at most this large between files (a thread keeps the
/// memory of its largest file below that).
const KEPT_ARENA_BYTES: usize = 256 << 20;

thread_local! {
    /// One syntax-tree arena per thread, reset between files: checking many
    /// files reuses its memory instead of faulting in new pages each time.
    static ARENA: std::cell::RefCell<ast::Arena> = std::cell::RefCell::new(ast::Arena::new());
}

/// Run `f` with this thread's arena, emptied (a fresh one if it is in use).
pub(crate) fn with_arena<T>(f: impl FnOnce(&ast::Arena) -> T) -> T {
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut arena) => {
            arena.reset();
            let out = f(&arena);
            if arena.allocated_bytes() > KEPT_ARENA_BYTES {
                *arena = ast::Arena::new();
            } else {
                arena.reset();
            }
            out
        }
        Err(_) => f(&ast::Arena::new()),
    })
}

/// Lower a syntax tree (from the text parser or the JSON reader) to the model.
pub fn lower(ruleset_ast: &ast::Ruleset<'_>) -> RuleSet {
    lower::lower(ruleset_ast)
}

/// Read an `nft -j list ruleset` document into the model.
pub fn load_json(input: &Input) -> Result<RuleSet, LoadError> {
    json::load(input)
}
