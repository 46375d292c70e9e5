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
        let indent = t
            .bytes()
            .position(|b| b != b' ' && b != b'\t')
            .unwrap_or(t.len());
        Line {
            text: t,
            start,
            indent,
        }
    })
}

/// Split one line's content into tokens; `base` is the file offset of `text`.
/// `line = { blank } { word { blank } }`, `word = { any char but blank }+`;
/// a word starting with `!` ends the line (a comment).
pub fn tokenize(text: &str, base: usize) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(12);
    tokenize_into(text, base, &mut out);
    out
}

/// Byte classes for the tokenizer, for `blank = " " | "\t" | "\n" | "\r" |
/// "\x0c" | U+00A0`: 1 = ASCII blank, 2 = first byte of a
/// possible U+00A0 (`0xC2`), 0 = part of a word.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0c] = 1;
    t[0xc2] = 2;
    t
};

/// [`tokenize`] into a caller's buffer (cleared first), so that a file's
/// lines can share one allocation. A byte scan with a class table: blanks are
/// ASCII or the two-byte U+00A0, so word boundaries are always character
/// boundaries.
pub fn tokenize_into<'a>(text: &'a str, base: usize, out: &mut Vec<Tok<'a>>) {
    out.clear();
    let b = text.as_bytes();
    let n = b.len();
    let mut k = 0;
    loop {
        // Skip blanks.
        loop {
            while k < n && CLASS[b[k] as usize] == 1 {
                k += 1;
            }
            if k + 1 < n && b[k] == 0xc2 && b[k + 1] == 0xa0 {
                k += 2;
            } else {
                break;
            }
        }
        if k >= n || b[k] == b'!' {
            return;
        }
        let lo = k;
        // The word runs to the next blank.
        loop {
            while k < n && CLASS[b[k] as usize] == 0 {
                k += 1;
            }
            if k < n && b[k] == 0xc2 && b.get(k + 1) != Some(&0xa0) {
                k += 1;
            } else {
                break;
            }
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

    #[test]
    fn nbsp_is_a_blank_other_two_byte_chars_are_not() {
        let text = "permit\u{a0}tcp \u{a2}x\u{a0}\u{a0} caf\u{e9}\t!c";
        let t = tokenize(text, 100);
        let w: Vec<&str> = t.iter().map(|t| t.s).collect();
        assert_eq!(w, ["permit", "tcp", "\u{a2}x", "caf\u{e9}"]);
        for t in &t {
            assert_eq!(&text[t.lo - 100..t.hi - 100], t.s);
        }
    }
}
