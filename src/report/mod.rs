//! Reporters: turn findings into output. They never re-run checks.

pub mod human;
pub mod json;

use crate::finding::{Finding, Severity};
use serde::Serialize;

/// Counts for the summary block of every format.
#[derive(Debug, Default, Serialize, Clone)]
pub struct Summary {
    pub files: usize,
    pub filters: usize,
    pub rules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}
