//! `fwlint catalog [PROFILE] [--format text|json]`: the built-in service profiles
//! and their required flows.

use super::args::{CatalogArgs, CatalogFormat};
use super::EXIT_OK;
use crate::catalog::{builtin, render};

pub fn run(a: CatalogArgs) -> Result<i32, String> {
    let cat = builtin();
    let profiles: Vec<_> = match &a.profile {
        Some(name) => match cat.profile(name) {
            Some(p) => vec![p],
            None => {
                let names: Vec<_> = cat.profiles.iter().map(|p| p.name.as_str()).collect();
                let hint = crate::topology::suggest(name, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown profile `{name}`{hint}; profiles: {}",
                    names.join(", ")
                ));
            }
        },
        None => cat.profiles.iter().collect(),
    };
    match a.format {
        CatalogFormat::Text => print!("{}", render::text(&profiles)),
        CatalogFormat::Json => {
            let v = render::json(&profiles);
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(EXIT_OK)
}
