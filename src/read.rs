//! Reading input files: size limits, binary detection and text decoding
//! (UTF-8, UTF-16LE/BE with BOM, BOM-less UTF-16LE as `reg.exe` writes it, and a
//! Windows-1252 fallback). Dialect parsers receive decoded text with spans that
//! index into it.

use crate::model::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Inputs larger than this are refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// One input file as bytes.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// The name used in diagnostics (the path as the user gave it).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file that could not be read or decoded, or could not be parsed at all.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub message: String,
    /// Where in the file, when known (line and column for syntax errors).
    pub origin: Option<crate::model::Origin>,
    pub help: Option<String>,
}

impl LoadError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            file: file.into(),
            message: message.into(),
            origin: None,
            help: None,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{}:{}:{}: {}", self.file, o.line, o.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl Input {
    /// Read a file from disk, refusing directories and oversized files.
    pub fn read(path: &Path) -> Result<Input, LoadError> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path)
            .map_err(|e| LoadError::new(&name, format!("cannot read: {e}")))?;
        if meta.is_dir() {
            return Err(LoadError::new(&name, "is a directory"));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(LoadError::new(
                &name,
                format!(
                    "file is {} bytes; fwlint reads at most {MAX_INPUT_BYTES}",
                    meta.len()
                ),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| LoadError::new(&name, format!("cannot read: {e}")))?;
        Ok(Input {
            path: path.to_path_buf(),
            name,
            bytes,
        })
    }

    /// An in-memory input (tests, stdin).
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
        let name = name.into();
        Input {
            path: PathBuf::from(&name),
            name,
            bytes: bytes.into(),
        }
    }

    /// Decode as text into a [`SourceFile`].
    pub fn text(&self) -> Result<Arc<SourceFile>, LoadError> {
        decode_text(&self.bytes)
            .map(|t| SourceFile::new(self.name.clone(), t))
            .map_err(|m| LoadError::new(&self.name, m))
    }
}

/// Decode bytes to text. Errors on content that is clearly binary.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(str::to_string).map_err(|e| {
            format!(
                "invalid UTF-8 after a UTF-8 byte-order mark at byte {}",
                e.valid_up_to() + 3
            )
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return decode_utf16(&bytes[2..], true);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return decode_utf16(&bytes[2..], false);
    }
    // BOM-less UTF-16LE: ASCII text with a NUL in every odd byte.
    if bytes.len() >= 4 && bytes.len() % 2 == 0 {
        let sample = &bytes[..bytes.len().min(512)];
        let odd_nuls = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        if odd_nuls * 10 >= sample.len() / 2 * 9 && even_nuls == 0 {
            return decode_utf16(bytes, true);
        }
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "looks like a binary file (NUL byte at offset {pos}); expected text"
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            // Configs saved by Windows tools are often in the ANSI code page.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
    }
}

fn decode_utf16(bytes: &[u8], little_endian: bool) -> Result<String, String> {
    if bytes.len() % 2 != 0 {
        return Err("UTF-16 text has an odd number of bytes (truncated?)".into());
    }
    let enc = if little_endian {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err("invalid UTF-16 text (unpaired surrogate)".into());
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf16le_with_and_without_bom() {
        let s = "Windows Registry Editor\r\n";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_text(&le).unwrap(), s);
        assert_eq!(decode_text(&le[2..]).unwrap(), s);
    }

    #[test]
    fn refuses_binary_and_falls_back_to_1252() {
        assert!(decode_text(b"regf\0\0\x01\x02").is_err());
        assert_eq!(decode_text(b"caf\xe9").unwrap(), "café");
        assert!(decode_text(&[0xFF, 0xFE, 0x41]).is_err());
    }
}
