//! Batch-file and netsh lexing: splits a `.bat`/`.cmd`/netsh script into logical
//! lines (joining `^` continuations, keeping a map back to source offsets),
//! classifies batch housekeeping lines, expands `%VAR%` from earlier `set`
//! statements, and splits a command line into netsh argument tokens.
//!
//! Productions (see `grammars/winfw-netsh.ebnf`):
//!
//! ```text
//! logical-line = physical-line *( "^" EOL physical-line )
//! token        = 1*( quoted / bare )
//! quoted       = DQUOTE *( %x00-21 / %x23-10FFFF ) [ DQUOTE ]
//! bare         = 1*( any char except WSP and DQUOTE )
//! ```

use nom::branch::alt;
use nom::bytes::complete::{is_not, take_till};
use nom::character::complete::{char, space0};
use nom::combinator::{opt, recognize};
use nom::multi::many1;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};
use std::collections::HashMap;
use std::ops::Range;

/// One logical line: the text with continuations joined, and for every byte of
/// `text` its offset in the source file.
#[derive(Clone, Debug)]
pub struct LogicalLine {
    pub text: String,
    map: Vec<usize>,
    /// Span of the whole logical line in the source (all its physical lines).
    pub span: Range<usize>,
}

impl LogicalLine {
    /// Source span of `text[r]`.
    pub fn src(&self, r: Range<usize>) -> Range<usize> {
        if self.map.is_empty() || r.start >= self.map.len() {
            return self.span.end..self.span.end;
        }
        let start = self.map[r.start];
        let end = if r.end == 0 || r.end <= r.start {
            start
        } else {
            self.map[(r.end - 1).min(self.map.len() - 1)] + 1
        };
        start..end.max(start)
    }
}

/// Split `text` into logical lines. A line whose last non-blank character is
/// an unquoted `^` continues on the next physical line (cmd.exe semantics).
pub fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut map: Vec<usize> = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        if start.is_none() {
            start = Some(line_start);
        }
        let trimmed_end = body.trim_end();
        if ends_with_caret(trimmed_end) {
            let keep = &trimmed_end[..trimmed_end.len() - 1];
            cur.push_str(keep);
            map.extend(line_start..line_start + keep.len());
            // The caret-newline becomes nothing; a space keeps tokens apart only
            // if the continuation line starts with one (cmd keeps text as is).
            continue;
        }
        cur.push_str(body);
        map.extend(line_start..line_start + body.len());
        out.push(LogicalLine {
            text: std::mem::take(&mut cur),
            map: std::mem::take(&mut map),
            span: start.take().unwrap_or(line_start)..line_start + body.len(),
        });
    }
    if start.is_some() {
        let end = text.len();
        out.push(LogicalLine {
            text: cur,
            map,
            span: start.unwrap_or(end)..end,
        });
    }
    out
}

fn ends_with_caret(s: &str) -> bool {
    if !s.ends_with('^') {
        return false;
    }
    // `^^` is an escaped caret; an odd run of carets continues the line.
    let run = s.bytes().rev().take_while(|&b| b == b'^').count();
    run % 2 == 1 && s.matches('"').count() % 2 == 0
}

/// What a logical line of a batch file is.
#[derive(Clone, Debug, PartialEq)]
pub enum LineKind {
    Blank,
    /// `REM`, `::`, `:label`, `@echo off`, `echo`, `pause`, `setlocal`, `cls`,
    /// `title`, `exit`, `goto`, `chcp`, `timeout`: batch housekeeping.
    Housekeeping,
    /// `set NAME=value`.
    Set {
        name: String,
        value: String,
    },
    /// A command to interpret (netsh or other), with a leading `@` removed.
    Command,
}

/// Classify a logical line.
pub fn classify(line: &str) -> LineKind {
    let t = line.trim_start().trim_start_matches('@').trim();
    if t.is_empty() {
        return LineKind::Blank;
    }
    if t.starts_with(':') {
        return LineKind::Housekeeping;
    }
    let first = first_word(t).to_ascii_lowercase();
    match first.as_str() {
        "rem" | "echo" | "echo." | "pause" | "setlocal" | "endlocal" | "cls" | "title" | "exit"
        | "goto" | "chcp" | "timeout" | "color" | "mode" | "pushd" | "popd" => {
            LineKind::Housekeeping
        }
        _ if first.starts_with("echo") && !first[4..].starts_with(char::is_alphanumeric) => {
            LineKind::Housekeeping
        }
        "set" => {
            let rest = t[3..].trim_start();
            let rest = rest.strip_prefix("/a").unwrap_or(rest).trim_start();
            let rest = rest.trim_matches('"');
            match rest.split_once('=') {
                Some((n, v)) if !n.trim().is_empty() => LineKind::Set {
                    name: n.trim().to_ascii_lowercase(),
                    value: v.to_string(),
                },
                _ => LineKind::Housekeeping,
            }
        }
        _ => LineKind::Command,
    }
}

fn first_word(s: &str) -> &str {
    s.split(|c: char| c.is_whitespace()).next().unwrap_or("")
}

/// Batch variables defined by `set` so far (names lower-case).
#[derive(Default, Debug)]
pub struct Vars {
    pub values: HashMap<String, String>,
    /// How often each name was expanded (for hygiene).
    pub uses: std::cell::RefCell<HashMap<String, usize>>,
}

/// The result of expanding `%VAR%` references in one token value.
pub struct Expanded {
    pub text: String,
    /// Variables that were not defined by an earlier `set` (kept verbatim).
    pub unresolved: Vec<String>,
}

impl Vars {
    /// Expand `%NAME%` from earlier `set` statements; `%%` and `%1` style
    /// parameters and undefined names stay verbatim and are reported.
    pub fn expand(&self, s: &str) -> Expanded {
        let mut text = String::with_capacity(s.len());
        let mut unresolved = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find('%') {
            text.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            match after.find('%') {
                Some(j) if j > 0 && !after[..j].contains(char::is_whitespace) => {
                    let name = &after[..j];
                    match self.values.get(&name.to_ascii_lowercase()) {
                        Some(v) => {
                            *self
                                .uses
                                .borrow_mut()
                                .entry(name.to_ascii_lowercase())
                                .or_default() += 1;
                            text.push_str(v)
                        }
                        None => {
                            unresolved.push(name.to_string());
                            text.push('%');
                            text.push_str(name);
                            text.push('%');
                        }
                    }
                    rest = &after[j + 1..];
                }
                _ => {
                    // `%1`, `%~dp0`, a lone `%`: a parameter or literal.
                    let n = after
                        .bytes()
                        .take_while(|b| b.is_ascii_digit() || *b == b'~')
                        .count();
                    if n > 0 {
                        unresolved.push(format!("%{}", &after[..n]));
                    }
                    text.push('%');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        Expanded { text, unresolved }
    }
}

/// One argument token: its text (quotes included) and byte range in the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Token<'a> {
    pub raw: &'a str,
    pub range: Range<usize>,
}

impl Token<'_> {
    /// The token with its quotes removed.
    pub fn unquoted(&self) -> String {
        self.raw.replace('"', "")
    }
    /// `key=value` split at the first `=` outside quotes, quotes removed from both.
    pub fn key_value(&self) -> Option<(String, String)> {
        // `"key=value"`: the whole argument quoted.
        if self.raw.len() > 2 && self.raw.starts_with('"') && self.raw.ends_with('"') {
            let inner = &self.raw[1..self.raw.len() - 1];
            if !inner.contains('"') {
                let (k, v) = inner.split_once('=')?;
                return Some((k.trim().to_ascii_lowercase(), v.to_string()));
            }
        }
        let mut inq = false;
        for (i, c) in self.raw.char_indices() {
            match c {
                '"' => inq = !inq,
                '=' if !inq => {
                    let k = self.raw[..i].replace('"', "");
                    let v = self.raw[i + 1..].replace('"', "");
                    return Some((k.trim().to_ascii_lowercase(), v));
                }
                _ => {}
            }
        }
        None
    }
}

/// quoted = DQUOTE *(not DQUOTE) [DQUOTE]
fn quoted(i: &str) -> IResult<&str, &str> {
    recognize(preceded(
        char('"'),
        (take_till(|c| c == '"'), opt(char('"'))),
    ))
    .parse(i)
}

/// bare = 1*(not WSP, not DQUOTE)
fn bare(i: &str) -> IResult<&str, &str> {
    is_not(" \t\"").parse(i)
}

/// token = 1*(quoted / bare)
fn token(i: &str) -> IResult<&str, &str> {
    recognize(many1(alt((quoted, bare)))).parse(i)
}

/// Split a command line into tokens (whitespace-separated, quotes grouping).
pub fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Ok((r, _)) = space0::<&str, nom::error::Error<&str>>(rest) {
        rest = r;
        if rest.is_empty() {
            break;
        }
        match delimited(space0, token, space0).parse(rest) {
            Ok((r, t)) => {
                let start = t.as_ptr() as usize - line.as_ptr() as usize;
                out.push(Token {
                    raw: t,
                    range: start..start + t.len(),
                });
                if r.len() == rest.len() {
                    break;
                }
                rest = r;
            }
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_caret_continuations_and_maps_spans() {
        let src = "@echo off\r\nnetsh advfirewall ^\r\n  firewall add rule name=x\r\nREM done\n";
        let lines = logical_lines(src);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1].text,
            "netsh advfirewall   firewall add rule name=x"
        );
        let i = lines[1].text.find("name").unwrap();
        let r = lines[1].src(i..i + 6);
        assert_eq!(&src[r], "name=x");
        assert_eq!(classify(&lines[0].text), LineKind::Housekeeping);
        assert_eq!(classify(&lines[2].text), LineKind::Housekeeping);
        assert_eq!(classify(&lines[1].text), LineKind::Command);
    }

    #[test]
    fn tokens_group_quotes() {
        let t = tokens(r#"add rule name="a b" "dir=in"  program="C:\x y\z.exe""#);
        let raws: Vec<&str> = t.iter().map(|t| t.raw).collect();
        assert_eq!(
            raws,
            [
                "add",
                "rule",
                "name=\"a b\"",
                "\"dir=in\"",
                "program=\"C:\\x y\\z.exe\""
            ]
        );
        assert_eq!(t[2].key_value(), Some(("name".into(), "a b".into())));
        assert_eq!(t[3].key_value(), Some(("dir".into(), "in".into())));
        // An unterminated quote runs to the end of the line.
        assert_eq!(tokens("name=\"abc").len(), 1);
    }

    #[test]
    fn expands_set_variables() {
        let mut v = Vars::default();
        if let LineKind::Set { name, value } = classify("set PORT=445") {
            v.values.insert(name, value);
        }
        let e = v.expand("localport=%port%,%OTHER%");
        assert_eq!(e.text, "localport=445,%OTHER%");
        assert_eq!(e.unresolved, vec!["OTHER".to_string()]);
    }
}
