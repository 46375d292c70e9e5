//! Line and token splitting with byte spans. Cisco configs are line oriented:
//! a line's indentation says whether it belongs to the context opened above it,
//! and its words are whitespace-separated tokens. A token starting with `!`
//! starts a comment that runs to the end of the line.

use nom::bytes::complete::{take_while, take_while1};
use nom::{IResult, Parser};
use std::ops::Range;

/// One word of a line and where it is in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok<'a> {
    pub s: &'a str,
    pub lo: usize,
    pub hi: usize,
}

/// One physical line: its span (without the terminator), its indentation and
/// where its content starts.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub text: &'a str,
    /// Byte offset of the first byte of the line in the file.
    pub start: usize,
    /// Number of leading blanks.
    pub indent: usize,
}

impl<'a> Line<'a> {
    /// The content without leading blanks and trailing blanks.
    pub fn content(&self) -> &'a str {
        self.text[self.indent..].trim_end()
    }
    /// Span of the content in the file.
    pub fn span(&self) -> Range<usize> {
        let c = self.content();
        let lo = self.start + self.indent;
        lo..lo + c.len()
    }
    /// The first word of the content (lower-cased comparison is up to callers).
    pub fn first_word(&self) -> &'a str {
        let c = self.content();
        c.split(|ch: char| ch.is_ascii_whitespace())
            .next()
            .unwrap_or("")
    }
    /// The tokens of the line, stopping at a `!` comment.
    pub fn tokens(&self) -> Vec<Tok<'a>> {
        tokenize(&self.text[self.indent..], self.start + self.indent)
    }
}

/// Split `text` into lines with offsets. `\r` before `\n` is not part of a line.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut pos = 0usize;
    text.split('\n').map(move |raw| {
        let start = pos;
        pos += raw.len() + 1;
        let t = raw.strip_suffix('\r').unwrap_or(raw);
        let indent = t.len() - t.trim_start_matches([' ', '\t']).len();
        Line {
            text: t,
            start,
            indent,
        }
    })
}

/// `blank = { " " | "\t" | "\r" | "\x0c" | "\x0b" }`
fn blanks(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c.is_ascii_whitespace() || c == '\u{a0}').parse(i)
}

/// `word = { any char but blank }+`
fn word(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !c.is_ascii_whitespace() && c != '\u{a0}').parse(i)
}

/// Split one line's content into tokens; `base` is the file offset of `text`.
pub fn tokenize(text: &str, base: usize) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(12);
    let mut rest = text;
    loop {
        let Ok((r, _)) = blanks(rest) else { break };
        rest = r;
        let Ok((r, w)) = word(rest) else { break };
        if w.starts_with('!') {
            break;
        }
        let lo = base + (text.len() - rest.len());
        out.push(Tok {
            s: w,
            lo,
            hi: lo + w.len(),
        });
        rest = r;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_comments() {
        let text = "ip access-list X\r\n  10 permit ip any any ! trailing\n";
        let ls: Vec<_> = lines(text).collect();
        assert_eq!(ls[0].content(), "ip access-list X");
        assert_eq!(ls[1].indent, 2);
        let t = ls[1].tokens();
        assert_eq!(t.len(), 5);
        assert_eq!(&text[t[1].lo..t[1].hi], "permit");
    }
}
