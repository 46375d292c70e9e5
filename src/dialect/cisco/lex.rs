//! Line and token splitting with byte spans. Cisco configs are line oriented:
//! a line's indentation says whether it belongs to the context opened above it,
//! and its words are whitespace-separated tokens. A token starting with `!`
//! starts a comment that runs to the end of the line.

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
        let c = &self.text[self.indent..];
        let n = c
            .bytes()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(c.len());
        if c.as_bytes()[..n].last().is_some_and(|b| !b.is_ascii()) {
            // A non-ASCII end may be Unicode blank trimmed off by `content`.
            let c = self.content();
            return c
                .split(|ch: char| ch.is_ascii_whitespace())
                .next()
                .unwrap_or("");
        }
        &c[..n]
    }
    /// The tokens of the line, stopping at a `!` comment.
    pub fn tokens(&self) -> Vec<Tok<'a>> {
        tokenize(&self.text[self.indent..], self.start + self.indent)
    }
    /// [`Line::tokens`] into a reused buffer.
    pub fn tokens_into(&self, out: &mut Vec<Tok<'a>>) {
        tokenize_into(&self.text[self.indent..], self.start + self.indent, out)
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

/// Whether the bytes at `k` are a blank: `blank = " " | "\t" | "\n" | "\r" |
/// "\x0c" | U+00A0`; returns its length in bytes (0: not a blank).
#[inline]
fn blank_len(b: &[u8], k: usize) -> usize {
    match b[k] {
        b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => 1,
        0xc2 if b.get(k + 1) == Some(&0xa0) => 2,
        _ => 0,
    }
}

/// Split one line's content into tokens; `base` is the file offset of `text`.
/// `line = { blank } { word { blank } }`, `word = { any char but blank }+`;
/// a word starting with `!` ends the line (a comment).
pub fn tokenize(text: &str, base: usize) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(12);
    tokenize_into(text, base, &mut out);
    out
}

/// [`tokenize`] into a caller's buffer (cleared first), so that a file's
/// lines can share one allocation. A byte scan: blanks are ASCII or the
/// two-byte U+00A0, so word boundaries are always character boundaries.
pub fn tokenize_into<'a>(text: &'a str, base: usize, out: &mut Vec<Tok<'a>>) {
    out.clear();
    let b = text.as_bytes();
    let mut k = 0;
    loop {
        while k < b.len() {
            match blank_len(b, k) {
                0 => break,
                n => k += n,
            }
        }
        if k >= b.len() || b[k] == b'!' {
            return;
        }
        let lo = k;
        while k < b.len() && blank_len(b, k) == 0 {
            k += 1;
        }
        out.push(Tok {
            s: &text[lo..k],
            lo: base + lo,
            hi: base + k,
        });
    }
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
