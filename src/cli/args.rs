//! What the user typed: clap-derived structs, one per subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "fwlint",
    version,
    about = "A policy linter for nftables, Windows Firewall and Cisco ACL configs",
    long_about = "fwlint reads nftables, Windows Firewall and Cisco ACL configs into one model, \
                  computes exactly which packets each rule decides, and checks them against the \
                  flows your deployment needs."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// What does this config do with this packet?
    Query(QueryArgs),
    /// Print the normalized rule set that every check works on.
    Parse(ParseArgs),
    /// Lint configs (with a topology: against the flows it requires).
    Check(CheckArgs),
    /// What a check looks for, why it matters, an example, and how to fix it.
    Explain(ExplainArgs),
    /// List the built-in service profiles and their required flows.
    Catalog(CatalogArgs),
}

/// `--dialect`: `auto` (None) or a named dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DialectChoice(pub Option<crate::dialect::Dialect>);

/// Parse `--dialect`: a name from the contract, or `auto`.
pub fn dialect_arg(s: &str) -> Result<DialectChoice, String> {
    if s == "auto" {
        return Ok(DialectChoice(None));
    }
    crate::dialect::Dialect::from_name(s)
        .map(|d| DialectChoice(Some(d)))
        .ok_or_else(|| {
            format!(
                "unknown dialect `{s}`; expected auto, {}",
                crate::dialect::Dialect::ALL.map(|d| d.name()).join(", ")
            )
        })
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The config file.
    pub config: PathBuf,
    /// Dialect of the config (auto detects from extension and content).
    #[arg(long, default_value = "auto", value_parser = dialect_arg)]
    pub dialect: DialectChoice,
    /// nftables hook (input, forward, output), Cisco ACL name, or Windows direction (in, out).
    #[arg(long)]
    pub filter: Option<String>,
    /// Windows Firewall profile: domain, private or public.
    #[arg(long)]
    pub profile: Option<String>,
    /// A packet: `PROTO SRC[:SPORT] DST[:DPORT] [ICMPTYPE[/CODE]]`. Repeatable.
    #[arg(long = "packet", value_name = "LINE")]
    pub packets: Vec<String>,
    /// A file of packet lines, or `-` for standard input.
    #[arg(long = "packets", value_name = "FILE")]
    pub packets_file: Option<String>,
    /// Input interface of the packets.
    #[arg(long)]
    pub iif: Option<String>,
    /// Output interface of the packets.
    #[arg(long)]
    pub oif: Option<String>,
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// Config files.
    #[arg(required = true)]
    pub configs: Vec<PathBuf>,
    #[arg(long, default_value = "auto", value_parser = dialect_arg)]
    pub dialect: DialectChoice,
    #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
    pub format: ParseFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseFormat {
    Json,
    Text,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories (walked, honouring .gitignore). Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// A topology file (TOML): check the configs it names against the flows it requires.
    #[arg(long)]
    pub topology: Option<PathBuf>,
    #[arg(long, default_value = "auto", value_parser = dialect_arg)]
    pub dialect: DialectChoice,
    /// Report format: human (diagnostics), concise (one line each), json, sarif (SARIF
    /// 2.1.0 for code scanning), github (workflow annotations), gitlab (Code Quality),
    /// junit (XML), markdown or html (reports for auditors). See docs/output-formats.md.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write the report here instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity is reported
    /// [default: `fail-on` in --config, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Suppress findings recorded in this baseline (a previous `--format json` report).
    /// Findings match on code, file and rule text, not line numbers; the summary counts
    /// the suppressed ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Settings file (fwlint.toml): `fail-on = "error"`, `ignore = ["FW201", "unneeded-rule"]`,
    /// `[per-path-ignores] "legacy/**" = ["FW202"]`, `[severity] FW203 = "note"`.
    /// Unknown keys are errors.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A check's code or name, case-insensitive (`FW001`, `unreadable-input`).
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub code: Option<String>,
    /// List every check: code, name, kind, default severity, summary.
    #[arg(long)]
    pub list: bool,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
    Markdown,
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Args, Debug)]
pub struct CatalogArgs {
    /// A profile: windows-core, dynamics-crm, configmgr or skype-for-business (default: all).
    pub profile: Option<String>,
    /// Validate this topology and list the concrete flows it requires instead.
    #[arg(long)]
    pub topology: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogFormat {
    Text,
    Json,
}
