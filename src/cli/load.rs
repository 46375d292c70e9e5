//! Loading config files for any subcommand: dialect detection, directory walks.

use crate::dialect::{self, Dialect};
use crate::model::RuleSet;
use crate::read::{Input, LoadError};
use std::path::{Path, PathBuf};

/// What was loaded from a list of paths.
#[derive(Default)]
pub struct Loaded {
    pub rules: RuleSet,
    pub errors: Vec<LoadError>,
    pub files: usize,
    /// Files met in directory walks whose dialect was not recognised.
    pub skipped: Vec<PathBuf>,
}

/// Load one explicitly named file.
pub fn load_file(path: &Path, dialect: Option<Dialect>) -> Result<(Dialect, RuleSet), LoadError> {
    let input = Input::read(path)?;
    dialect::load(&input, dialect)
}

/// Load files and directories. Named files must load; files found by walking a
/// directory are skipped (and listed) when no dialect fits them.
pub fn load_paths(paths: &[PathBuf], dialect: Option<Dialect>) -> Loaded {
    let mut out = Loaded::default();
    for p in paths {
        if p.is_dir() {
            let walker = ignore::WalkBuilder::new(p).hidden(true).build();
            let mut files: Vec<PathBuf> = walker
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.into_path())
                .collect();
            files.sort();
            for f in files {
                match Input::read(&f) {
                    Ok(input) => {
                        let d = dialect.or_else(|| dialect::detect(&input));
                        match d {
                            Some(d) => add(&mut out, d.load(&input)),
                            None => out.skipped.push(f),
                        }
                    }
                    Err(e) => out.errors.push(e),
                }
            }
        } else {
            add(&mut out, load_file(p, dialect).map(|(_, rs)| rs));
        }
    }
    out
}

fn add(out: &mut Loaded, r: Result<RuleSet, LoadError>) {
    out.files += 1;
    match r {
        Ok(rs) => out.rules.merge(rs),
        Err(e) => out.errors.push(e),
    }
}
