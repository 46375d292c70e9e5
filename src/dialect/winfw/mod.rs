//! Windows Firewall exports: `.reg` exports and bare rule strings (`winfw-reg`),
//! `.wfw` hives from `netsh advfirewall export` (`winfw-wfw`), netsh scripts
//! (`winfw-netsh`) and PowerShell exports (`winfw-ps`). Every reader produces
//! [`ast::WinRule`]s and [`ast::ProfileSettings`]; [`lower::lower`] applies
//! Windows precedence.
pub mod ast;
pub mod keywords;
pub mod lower;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};

pub fn load_reg(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(&input.name, "winfw-reg is not built yet"))
}
pub fn load_netsh(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(&input.name, "winfw-netsh is not built yet"))
}
pub fn load_ps(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(&input.name, "winfw-ps is not built yet"))
}
pub fn load_wfw(input: &Input) -> Result<RuleSet, LoadError> {
    Err(LoadError::new(&input.name, "winfw-wfw is not built yet"))
}
