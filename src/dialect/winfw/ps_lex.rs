//! PowerShell lexing for firewall scripts: comments (`#`, `<# #>`), backtick
//! line continuations, strings (`"..."` with `` ` `` escapes and `$var`
//! expansion, `'...'`, here-strings `@" "@` / `@' '@`), variables (`$x`,
//! `${x}`, `$script:x`), splats (`@x`), parameters (`-Name`), barewords and
//! punctuation. Newlines are kept as tokens (statement separators).
//!
//! ```text
//! token    = comment / string / variable / splat / param / punct / bareword / newline
//! comment  = "#" *(not EOL) / "<#" *(any) "#>"
//! string   = DQUOTE *(dq-char / "`" any / DQUOTE DQUOTE) DQUOTE
//!          / "'" *(not "'" / "''") "'"
//!          / "@" DQUOTE EOL *(any) EOL DQUOTE "@" / "@'" EOL *(any) EOL "'@"
//! variable = "$" ( "{" 1*(not "}") "}" / 1*(ALPHA / DIGIT / "_" / ":" / "?") )
//! splat    = "@" 1*(ALPHA / DIGIT / "_")
//! param    = "-" ALPHA *(ALPHA / DIGIT / "_") [":"]
//! punct    = "@(" / "@{" / "(" / ")" / "{" / "}" / "[" / "]" / "," / "|" / ";" / "="
//! bareword = 1*(not WSP, not punct, not quote)
//! ```

use nom::branch::alt;
use nom::bytes::complete::{tag, take_until, take_while, take_while1};
use nom::combinator::{opt, recognize};
use nom::sequence::{delimited, pair, preceded};
use nom::{IResult, Parser};
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Newline,
    /// A double-quoted or here-string (expandable): raw inner text.
    DString(String),
    /// A single-quoted string: its value.
    SString(String),
    /// `$name` (lower-case name without scope prefix).
    Var(String),
    /// `@name`.
    Splat(String),
    /// `-Name` (lower-case, without `-` and trailing `:`), and whether a `:`
    /// joined it to its value.
    Param(String, bool),
    /// Punctuation: `@(`, `@{`, `(`, `)`, `{`, `}`, `[`, `]`, `,`, `|`, `;`, `=`.
    Punct(&'static str),
    Word(String),
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

/// "#" to end of line.
fn line_comment(i: &str) -> IResult<&str, &str> {
    recognize(preceded(tag("#"), take_while(|c| c != '\n'))).parse(i)
}

/// "<#" ... "#>"; an unterminated block comment runs to the end.
fn block_comment(i: &str) -> IResult<&str, &str> {
    let closed: IResult<&str, &str> =
        recognize(delimited(tag("<#"), take_until("#>"), tag("#>"))).parse(i);
    match closed {
        Ok(r) => Ok(r),
        Err(_) => recognize(preceded(tag("<#"), take_while(|_| true))).parse(i),
    }
}

/// Here-strings: `@"` ... `"@` and `@'` ... `'@` (terminator at line start).
fn here_string(i: &str) -> IResult<&str, (bool, &str)> {
    let (r, q) = alt((tag("@\""), tag("@'"))).parse(i)?;
    let close = if q == "@\"" { "\n\"@" } else { "\n'@" };
    match r.find(close) {
        Some(n) => Ok((&r[n + close.len()..], (q == "@\"", &r[..n]))),
        None => Ok(("", (q == "@\"", r))),
    }
}

/// A double-quoted string body: "`" escapes any char, `""` is a quote.
fn dq_string(i: &str) -> IResult<&str, &str> {
    let (r, _) = tag("\"").parse(i)?;
    let b = r.as_bytes();
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'`' => k += 2,
            b'"' if b.get(k + 1) == Some(&b'"') => k += 2,
            b'"' => return Ok((&r[k + 1..], &r[..k])),
            _ => k += 1,
        }
    }
    Ok(("", r))
}

/// A single-quoted string body: `''` is a quote.
fn sq_string(i: &str) -> IResult<&str, &str> {
    let (r, _) = tag("'").parse(i)?;
    let b = r.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'\'' {
            if b.get(k + 1) == Some(&b'\'') {
                k += 2;
                continue;
            }
            return Ok((&r[k + 1..], &r[..k]));
        }
        k += 1;
    }
    Ok(("", r))
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == ':' || c == '?'
}

/// variable = "$" ("{" name "}" / name)
fn variable(i: &str) -> IResult<&str, &str> {
    preceded(
        tag("$"),
        alt((
            delimited(tag("{"), take_while1(|c| c != '}'), tag("}")),
            take_while1(is_name_char),
        )),
    )
    .parse(i)
}

/// splat = "@" name
fn splat(i: &str) -> IResult<&str, &str> {
    preceded(
        tag("@"),
        take_while1(|c: char| c.is_alphanumeric() || c == '_'),
    )
    .parse(i)
}

/// param = "-" ALPHA *(name-char) [":"]
fn param(i: &str) -> IResult<&str, (&str, Option<&str>)> {
    preceded(
        tag("-"),
        pair(
            recognize(pair(
                take_while1(|c: char| c.is_ascii_alphabetic()),
                take_while(|c: char| c.is_alphanumeric() || c == '_'),
            )),
            opt(tag(":")),
        ),
    )
    .parse(i)
}

fn punct(i: &str) -> IResult<&str, &str> {
    alt((
        tag("@("),
        tag("@{"),
        tag("$("),
        tag("("),
        tag(")"),
        tag("{"),
        tag("}"),
        tag("["),
        tag("]"),
        tag(","),
        tag("|"),
        tag(";"),
        tag("="),
    ))
    .parse(i)
}

fn bareword(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !c.is_whitespace() && !"(){}[],|;=\"'`#".contains(c)).parse(i)
}

fn static_punct(p: &str) -> &'static str {
    match p {
        "@(" => "@(",
        "@{" => "@{",
        "$(" => "(",
        "(" => "(",
        ")" => ")",
        "{" => "{",
        "}" => "}",
        "[" => "[",
        "]" => "]",
        "," => ",",
        "|" => "|",
        ";" => ";",
        _ => "=",
    }
}

/// Tokenize a whole script. Never fails: an unreadable character becomes a word.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = src;
    let at = |r: &str| src.len() - r.len();
    while !rest.is_empty() {
        let start = at(rest);
        let c = rest.chars().next().unwrap_or(' ');
        if c == '\n' {
            out.push(Token {
                tok: Tok::Newline,
                span: start..start + 1,
            });
            rest = &rest[1..];
            continue;
        }
        if c.is_whitespace() {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
            continue;
        }
        // Backtick-newline: line continuation.
        if c == '`' {
            let after = rest[1..].trim_start_matches([' ', '\t', '\r']);
            if let Some(next) = after.strip_prefix('\n') {
                rest = next;
                continue;
            }
            rest = &rest[1..];
            continue;
        }
        if let Ok((r, _)) = block_comment(rest) {
            rest = r;
            continue;
        }
        if let Ok((r, _)) = line_comment(rest) {
            rest = r;
            continue;
        }
        let (r, tok) = if let Ok((r, (expand, body))) = here_string(rest) {
            let body = body
                .strip_prefix("\r\n")
                .or(body.strip_prefix('\n'))
                .unwrap_or(body);
            let t = if expand {
                Tok::DString(body.to_string())
            } else {
                Tok::SString(body.to_string())
            };
            (r, t)
        } else if let Ok((r, s)) = dq_string(rest) {
            (r, Tok::DString(s.to_string()))
        } else if let Ok((r, s)) = sq_string(rest) {
            (r, Tok::SString(s.replace("''", "'")))
        } else if let Ok((r, v)) = variable(rest) {
            (r, Tok::Var(var_name(v)))
        } else if let Ok((r, s)) = splat(rest) {
            (r, Tok::Splat(s.to_ascii_lowercase()))
        } else if let (true, Ok((r, (p, colon)))) = (
            !out.last()
                .is_some_and(|t: &Token| matches!(t.tok, Tok::Punct("=") | Tok::Punct(","))),
            param(rest),
        ) {
            (r, Tok::Param(p.to_ascii_lowercase(), colon.is_some()))
        } else if let Ok((r, p)) = punct(rest) {
            (r, Tok::Punct(static_punct(p)))
        } else if let Ok((r, w)) = bareword(rest) {
            (r, Tok::Word(w.to_string()))
        } else {
            let n = c.len_utf8();
            (&rest[n..], Tok::Word(c.to_string()))
        };
        let end = at(r);
        out.push(Token {
            tok,
            span: start..end,
        });
        rest = r;
    }
    out
}

/// `$script:Name` / `${Name}` → `name`.
pub fn var_name(v: &str) -> String {
    let l = v.to_ascii_lowercase();
    for scope in ["script:", "global:", "local:", "private:", "using:"] {
        if let Some(n) = l.strip_prefix(scope) {
            return n.to_string();
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_a_rule_command() {
        let src = "<# c #>\n$P = @(\"80\", '443') # x\nNew-NetFirewallRule -DisplayName \"a `\"b`\"\" `\n  -LocalPort $P -Profile Domain,Private @extra\n";
        let toks: Vec<Tok> = tokenize(src).into_iter().map(|t| t.tok).collect();
        assert!(toks.contains(&Tok::Var("p".into())));
        assert!(toks.contains(&Tok::Param("localport".into(), false)));
        assert!(toks.contains(&Tok::Splat("extra".into())));
        assert!(toks.contains(&Tok::Word("Domain".into())));
        // The backtick continuation leaves no newline between the parameters.
        let i = toks
            .iter()
            .position(|t| *t == Tok::Param("displayname".into(), false))
            .unwrap();
        assert_eq!(toks[i + 2], Tok::Param("localport".into(), false));
    }
}
