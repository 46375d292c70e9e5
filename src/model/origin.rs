//! Where a piece of the normalized model came from: the file, the byte span, the
//! line and column, and the original text. Every rule and every finding carries one,
//! so that diagnostics can point at the exact text.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// One input file as text. Binary inputs (such as `.wfw` hives) are presented as a
/// text rendering of what was extracted, so that spans still point somewhere useful.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user named it (or as an include resolved it).
    pub name: String,
    /// The decoded text. Spans index into this.
    pub text: String,
    /// Byte offsets of the start of each line, for span → line/column.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let mut line_starts = vec![0];
        // Vectorised newline search: large rulesets are millions of lines.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let col = self.text[start..col_end].chars().count();
        (line as u32 + 1, col as u32 + 1)
    }

    /// The byte range of the 1-based line `line`, without its line terminator.
    pub fn line_span(&self, line: u32) -> Range<usize> {
        let i = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[i];
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// An [`Origin`] for the byte range `span` of this file.
    pub fn origin(self: &Arc<Self>, span: Range<usize>) -> Origin {
        let end = span.end.min(self.text.len());
        let mut start = span.start.min(end);
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = end;
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        let (line, column) = self.line_col(start);
        Origin {
            file: Arc::clone(self),
            span: start..end,
            line,
            column,
        }
    }

    /// An [`Origin`] covering the whole of 1-based line `line`.
    pub fn line_origin(self: &Arc<Self>, line: u32) -> Origin {
        self.origin(self.line_span(line))
    }
}

/// Provenance of a rule, object or finding.
#[derive(Clone)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub span: Range<usize>,
    /// 1-based line of `span.start`.
    pub line: u32,
    /// 1-based column (in characters) of `span.start`.
    pub column: u32,
}

impl Origin {
    /// The original text of the span.
    pub fn text(&self) -> &str {
        &self.file.text[self.span.clone()]
    }

    /// The file name as given by the user.
    pub fn file_name(&self) -> &str {
        &self.file.name
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{} {:?}",
            self.file.name,
            self.line,
            self.column,
            self.text()
        )
    }
}

impl PartialEq for Origin {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.file, &other.file) && self.span == other.span
    }
}
impl Eq for Origin {}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Origin", 4)?;
        st.serialize_field("file", &self.file.name)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("text", self.text())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_chars() {
        let f = SourceFile::new("t", "ab\ncdé f\r\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(8), (2, 5));
        assert_eq!(&f.text[f.line_span(2)], "cdé f");
        assert_eq!(f.origin(3..5).text(), "cd");
        assert_eq!(f.line_col(999), (3, 2));
    }
}
