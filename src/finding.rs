//! Findings: what checks produce and reporters render. A finding holds a code, a
//! severity, spans and help, and no rendering.

use crate::model::Origin;
use serde::Serialize;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The contract's finding kinds (`kind` in JSON), plus `hygiene` for config
/// hygiene that is none of the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Missing,
    Overbroad,
    Unneeded,
    Shadowed,
    Redundant,
    Exposure,
    Parse,
    Hygiene,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Missing => "missing",
            Kind::Overbroad => "overbroad",
            Kind::Unneeded => "unneeded",
            Kind::Shadowed => "shadowed",
            Kind::Redundant => "redundant",
            Kind::Exposure => "exposure",
            Kind::Parse => "parse",
            Kind::Hygiene => "hygiene",
        }
    }
}

/// A secondary location with a label (a covering rule, the topology line of a flow).
#[derive(Clone, Debug, Serialize)]
pub struct Related {
    pub origin: Origin,
    pub label: String,
}

/// The required flow a finding is about.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct FlowRef {
    /// Source role or group, e.g. `dynamics-crm.client`.
    pub from: String,
    pub to: String,
    /// `tcp`, `udp`, ...
    pub protocol: String,
    /// `443`, `49152-65535`, `rpc-dynamic`.
    pub ports: String,
    /// Catalog profile/service id or `topology`.
    pub service: Option<String>,
    /// Seed citation.
    pub cite: Option<String>,
    pub phase: Option<String>,
}

/// The rule a finding is about, as JSON shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RuleRef {
    pub file: String,
    pub line: u32,
    pub text: String,
}

impl From<&Origin> for RuleRef {
    fn from(o: &Origin) -> Self {
        RuleRef {
            file: o.file_name().to_string(),
            line: o.line,
            text: o.text().trim_end().to_string(),
        }
    }
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub kind: Kind,
    /// Stands alone: lowercase, no trailing period.
    pub message: String,
    /// Where the finding points. `None` for file-level findings with no span.
    #[serde(skip)]
    pub origin: Option<Origin>,
    /// File name when there is no origin (e.g. an unreadable file).
    #[serde(skip)]
    pub file: Option<String>,
    /// Label on the primary span.
    pub label: Option<String>,
    #[serde(skip)]
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub flow: Option<FlowRef>,
    pub rule: Option<RuleRef>,
    /// A concrete packet that shows the problem.
    pub witness: Option<String>,
    /// The filter (ACL, hook, Windows direction/profile) concerned.
    pub filter: Option<String>,
}

impl Finding {
    /// A finding of check `info` at `origin`.
    pub fn new(info: &crate::check::CheckInfo, message: impl Into<String>) -> Finding {
        Finding {
            code: info.code,
            name: info.name,
            severity: info.severity,
            kind: info.kind,
            message: message.into(),
            origin: None,
            file: None,
            label: None,
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            flow: None,
            rule: None,
            witness: None,
            filter: None,
        }
    }
    pub fn at(mut self, origin: &Origin) -> Self {
        self.origin = Some(origin.clone());
        self
    }
    pub fn at_rule(mut self, origin: &Origin) -> Self {
        self.rule = Some(RuleRef::from(origin));
        self.origin = Some(origin.clone());
        self
    }
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    pub fn label(mut self, l: impl Into<String>) -> Self {
        self.label = Some(l.into());
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    pub fn note(mut self, n: impl Into<String>) -> Self {
        self.notes.push(n.into());
        self
    }
    pub fn related(mut self, origin: &Origin, label: impl Into<String>) -> Self {
        self.related.push(Related {
            origin: origin.clone(),
            label: label.into(),
        });
        self
    }
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    pub fn filter(mut self, f: impl Into<String>) -> Self {
        self.filter = Some(f.into());
        self
    }

    /// The file name shown for this finding.
    pub fn file_name(&self) -> &str {
        match (&self.origin, &self.file) {
            (Some(o), _) => o.file_name(),
            (None, Some(f)) => f,
            (None, None) => "",
        }
    }
    pub fn line(&self) -> u32 {
        self.origin.as_ref().map_or(0, |o| o.line)
    }
    pub fn column(&self) -> u32 {
        self.origin.as_ref().map_or(0, |o| o.column)
    }
}
