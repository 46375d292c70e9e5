//! The command line: what was typed (clap structs) and the glue that runs each
//! subcommand. Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 could
//! not do the job.

mod args;
mod catalog;
mod check;
mod explain;
mod load;
mod parse;
mod query;
mod site;

pub use args::{Cli, Command};
use clap::Parser;

/// Exit code: ran, nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: ran, findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: could not do the job.
pub const EXIT_TROUBLE: i32 = 2;

/// Parse the command line and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Query(a) => query::run(a),
        Command::Parse(a) => parse::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Catalog(a) => catalog::run(a),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("fwlint: error: {msg}");
            EXIT_TROUBLE
        }
    }
}
