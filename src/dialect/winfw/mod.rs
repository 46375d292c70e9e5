//! Windows Firewall exports: `.reg` exports and bare rule strings (`winfw-reg`),
//! `.wfw` hives from `netsh advfirewall export` (`winfw-wfw`), netsh scripts
//! (`winfw-netsh`) and PowerShell exports (`winfw-ps`). Every reader produces
//! [`ast::WinRule`]s and [`ast::ProfileSettings`]; [`lower::lower`] applies
//! Windows precedence.
pub mod ast;
pub mod hive;
pub mod keywords;
pub mod lower;
pub mod netsh;
pub mod netsh_lex;
pub mod netsh_rule;
pub mod netsh_show;
pub mod ps;
pub mod ps_export;
pub mod ps_lex;
pub mod reg;
pub mod rule_string;
pub mod wfw;

use crate::model::{ParseIssue, RuleSet, SourceFile};
use crate::read::{Input, LoadError};
use std::sync::Arc;

/// `.reg` exports (UTF-16LE with BOM, or UTF-8) and bare rule-string lines.
pub fn load_reg(input: &Input) -> Result<RuleSet, LoadError> {
    let file = input.text()?;
    let doc = reg::read(&file.text);
    Ok(finish(&file, doc, "winfw-reg"))
}
pub fn load_netsh(input: &Input) -> Result<RuleSet, LoadError> {
    netsh::load(input)
}
pub fn load_ps(input: &Input) -> Result<RuleSet, LoadError> {
    ps::load(input)
}
/// `.wfw` hives written by `netsh advfirewall export`.
pub fn load_wfw(input: &Input) -> Result<RuleSet, LoadError> {
    let r = wfw::read(&input.bytes, &input.name).map_err(|e| {
        let mut le = LoadError::new(&input.name, format!("cannot read the registry hive: {e}"));
        le.help = Some("give a file written by `netsh advfirewall export FILE.wfw`".into());
        le
    })?;
    let file = SourceFile::new(input.name.clone(), r.text);
    Ok(finish(&file, r.doc, "winfw-wfw"))
}

/// Lower what a reader found and attach its issues.
fn finish(file: &Arc<SourceFile>, doc: reg::RegDoc, dialect: &str) -> RuleSet {
    let mut rs = lower::lower(&doc.rules, &doc.profiles, file, dialect);
    let mut issues: Vec<ParseIssue> = doc
        .issues
        .into_iter()
        .map(|i| ParseIssue {
            level: i.level,
            message: i.message,
            expected: i.expected,
            help: None,
            origin: file.origin(i.span),
        })
        .collect();
    issues.append(&mut rs.issues);
    rs.issues = issues;
    rs
}
