//! Windows Firewall exports. (Being built on branch `winfw`.)
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
