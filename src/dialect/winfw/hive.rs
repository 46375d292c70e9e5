//! A small, read-only, bounds-checked reader of Windows registry hive files
//! (`regf`), enough for `.wfw` exports: the base block, hive bins, key nodes
//! (`nk`), subkey lists (`lf`, `lh`, `li`, `ri`), value lists, values (`vk`)
//! with inline, cell and big-data (`db`) storage, ASCII and UTF-16 names.
//!
//! Safe against malformed files: every offset is checked against the file,
//! recursion is depth-limited, visited keys are remembered (no cycles), and the
//! number of keys, values and bytes read is bounded. Problems become
//! [`HiveError`]s next to whatever could still be read; nothing panics.

use std::collections::HashSet;
use std::fmt;

/// Where the hive bins start: cell offsets are relative to this.
const HBIN_BASE: usize = 4096;
/// Deepest key nesting followed.
pub const MAX_DEPTH: usize = 64;
/// Most keys read from one hive.
pub const MAX_KEYS: usize = 1_000_000;
/// Most values read from one key.
pub const MAX_VALUES_PER_KEY: usize = 1_000_000;
/// Largest value data read (bytes).
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest `ri` (index of subkey lists) nesting followed.
const MAX_RI_DEPTH: usize = 4;

/// A problem in the hive, at a file offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HiveError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for HiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, HiveError> {
    Err(HiveError {
        offset,
        message: message.into(),
    })
}

/// Registry value types.
pub mod reg_type {
    pub const NONE: u32 = 0;
    pub const SZ: u32 = 1;
    pub const EXPAND_SZ: u32 = 2;
    pub const BINARY: u32 = 3;
    pub const DWORD: u32 = 4;
    pub const DWORD_BE: u32 = 5;
    pub const LINK: u32 = 6;
    pub const MULTI_SZ: u32 = 7;
    pub const QWORD: u32 = 11;
}

/// One value of a key, with its raw data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// `""` for the default value.
    pub name: String,
    pub data_type: u32,
    /// The data bytes, or why they could not be read.
    pub data: Result<Vec<u8>, HiveError>,
    /// File offset of the `vk` cell.
    pub offset: usize,
}

impl Value {
    /// The data as a string (REG_SZ / REG_EXPAND_SZ: UTF-16LE up to the first NUL).
    pub fn as_string(&self) -> Option<String> {
        let d = self.data.as_ref().ok()?;
        Some(utf16_z(d))
    }
    /// The data as a dword (REG_DWORD little-endian, REG_DWORD_BIG_ENDIAN).
    pub fn as_dword(&self) -> Option<u32> {
        let d = self.data.as_ref().ok()?;
        let b: [u8; 4] = d.get(..4)?.try_into().ok()?;
        Some(match self.data_type {
            reg_type::DWORD_BE => u32::from_be_bytes(b),
            _ => u32::from_le_bytes(b),
        })
    }
}

/// Decode UTF-16LE up to the first NUL (lossy on unpaired surrogates).
pub fn utf16_z(d: &[u8]) -> String {
    let units: Vec<u16> = d
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// One key, as found while walking the hive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// Path from the root's children, `\`-separated (the root itself is `""`).
    pub path: String,
    pub name: String,
    pub values: Vec<Value>,
    /// File offset of the `nk` cell.
    pub offset: usize,
}

/// An opened hive.
pub struct Hive<'a> {
    data: &'a [u8],
    root: usize,
    /// Minor version of the format (big data exists from 1.4).
    pub minor: u32,
    /// Name of the root key as stored.
    pub root_name: String,
}

/// Everything read from a hive: keys in depth-first order, and the problems met.
#[derive(Clone, Debug, Default)]
pub struct Dump {
    pub keys: Vec<Key>,
    pub errors: Vec<HiveError>,
}

impl<'a> Hive<'a> {
    /// Open a hive: check the base block and find the root key.
    pub fn open(data: &'a [u8]) -> Result<Hive<'a>, HiveError> {
        if data.len() < 4 || &data[..4] != b"regf" {
            return err(0, "not a registry hive (no `regf` signature)");
        }
        if data.len() < HBIN_BASE + 32 {
            return err(
                data.len(),
                format!(
                    "hive truncated: {} bytes, the base block alone is 4096",
                    data.len()
                ),
            );
        }
        let minor = u32_at(data, 24)?;
        let root_off = u32_at(data, 36)? as usize;
        let mut h = Hive {
            data,
            root: 0,
            minor,
            root_name: String::new(),
        };
        let root = h.cell(root_off)?;
        let (name, _) = h.nk_name(root)?;
        h.root = root;
        h.root_name = name;
        Ok(h)
    }

    /// File offset of the data of the cell at hive offset `off` (after its size).
    fn cell(&self, off: usize) -> Result<usize, HiveError> {
        let pos = HBIN_BASE
            .checked_add(off)
            .filter(|p| p.checked_add(4).is_some_and(|e| e <= self.data.len()))
            .ok_or(HiveError {
                offset: off,
                message: format!("cell offset {off:#x} is outside the file"),
            })?;
        let size = i32_at(self.data, pos)?;
        let len = size.unsigned_abs() as usize;
        if len < 4 || pos + len > self.data.len() {
            return err(pos, format!("cell at {pos:#x} has a bad size {size}"));
        }
        Ok(pos + 4)
    }

    /// The data bytes of the cell at hive offset `off` (as much as its size says).
    fn cell_bytes(&self, off: usize) -> Result<&'a [u8], HiveError> {
        let start = self.cell(off)?;
        let size = i32_at(self.data, start - 4)?.unsigned_abs() as usize;
        Ok(&self.data[start..start - 4 + size])
    }

    fn nk_name(&self, pos: usize) -> Result<(String, u16), HiveError> {
        if self.data.get(pos..pos + 2) != Some(b"nk") {
            return err(pos, "expected a key node (`nk`)");
        }
        let flags = u16_at(self.data, pos + 2)?;
        let len = u16_at(self.data, pos + 72)? as usize;
        let raw = slice(self.data, pos + 76, len)?;
        Ok((name(raw, flags & 0x20 != 0), flags))
    }

    /// Walk every key from the root, depth first.
    pub fn dump(&self) -> Dump {
        let mut d = Dump::default();
        let mut seen = HashSet::new();
        self.walk(
            self.root,
            String::new(),
            self.root_name.clone(),
            0,
            &mut seen,
            &mut d,
        );
        d
    }

    fn walk(
        &self,
        pos: usize,
        path: String,
        name: String,
        depth: usize,
        seen: &mut HashSet<usize>,
        d: &mut Dump,
    ) {
        if !seen.insert(pos) {
            d.errors.push(HiveError {
                offset: pos,
                message: "key visited twice (cycle in the hive)".into(),
            });
            return;
        }
        if d.keys.len() >= MAX_KEYS {
            d.errors.push(HiveError {
                offset: pos,
                message: format!("more than {MAX_KEYS} keys; the rest is not read"),
            });
            return;
        }
        let values = self.values(pos, &mut d.errors);
        d.keys.push(Key {
            path: path.clone(),
            name,
            values,
            offset: pos,
        });
        if depth >= MAX_DEPTH {
            d.errors.push(HiveError {
                offset: pos,
                message: format!("keys nested deeper than {MAX_DEPTH}; not followed"),
            });
            return;
        }
        let subkeys = self.subkeys(pos, &mut d.errors);
        for off in subkeys {
            let child = match self
                .cell(off)
                .and_then(|p| self.nk_name(p).map(|(n, _)| (p, n)))
            {
                Ok(x) => x,
                Err(e) => {
                    d.errors.push(e);
                    continue;
                }
            };
            let (cpos, cname) = child;
            let cpath = if path.is_empty() {
                cname.clone()
            } else {
                format!("{path}\\{cname}")
            };
            self.walk(cpos, cpath, cname, depth + 1, seen, d);
        }
    }

    /// Hive offsets of the subkeys of the key at file position `pos`; problems
    /// go to `errors` with whatever could be read.
    fn subkeys(&self, pos: usize, errors: &mut Vec<HiveError>) -> Vec<usize> {
        let mut out = Vec::new();
        let n = match u32_at(self.data, pos + 20) {
            Ok(n) => n as usize,
            Err(e) => {
                errors.push(e);
                return out;
            }
        };
        if n == 0 {
            return out;
        }
        let r = u32_at(self.data, pos + 28)
            .and_then(|list| self.subkey_list(list as usize, 0, &mut out));
        if let Err(e) = r {
            errors.push(e);
        } else if out.len() != n {
            errors.push(HiveError {
                offset: pos,
                message: format!("key says {n} subkeys, its lists hold {}", out.len()),
            });
        }
        out
    }

    fn subkey_list(&self, off: usize, depth: usize, out: &mut Vec<usize>) -> Result<(), HiveError> {
        let b = self.cell_bytes(off)?;
        let at = HBIN_BASE + off + 4;
        if b.len() < 4 {
            return err(at, "subkey list too short");
        }
        let count = u16::from_le_bytes([b[2], b[3]]) as usize;
        let (stride, is_ri) = match &b[..2] {
            b"lf" | b"lh" => (8, false),
            b"li" => (4, false),
            b"ri" => (4, true),
            _ => return err(at, "expected a subkey list (`lf`, `lh`, `li` or `ri`)"),
        };
        if 4 + count * stride > b.len() {
            return err(
                at,
                format!("subkey list of {count} entries overruns its cell"),
            );
        }
        if out.len() + count > MAX_KEYS {
            return err(at, "too many subkeys");
        }
        for i in 0..count {
            let e = 4 + i * stride;
            let o = u32::from_le_bytes([b[e], b[e + 1], b[e + 2], b[e + 3]]) as usize;
            if is_ri {
                if depth >= MAX_RI_DEPTH {
                    return err(at, "subkey index lists nested too deep");
                }
                self.subkey_list(o, depth + 1, out)?;
            } else {
                out.push(o);
            }
        }
        Ok(())
    }

    /// The values of the key at file position `pos`; problems go to `errors`.
    fn values(&self, pos: usize, errors: &mut Vec<HiveError>) -> Vec<Value> {
        let mut out = Vec::new();
        let n = match u32_at(self.data, pos + 36) {
            Ok(n) => n as usize,
            Err(e) => {
                errors.push(e);
                return out;
            }
        };
        if n == 0 {
            return out;
        }
        let list = match u32_at(self.data, pos + 40).and_then(|o| self.cell_bytes(o as usize)) {
            Ok(b) => b,
            Err(e) => {
                errors.push(e);
                return out;
            }
        };
        let avail = list.len() / 4;
        if n > avail || n > MAX_VALUES_PER_KEY {
            errors.push(HiveError {
                offset: pos,
                message: format!("key says {n} values, its value list holds {avail}"),
            });
        }
        for i in 0..n.min(avail).min(MAX_VALUES_PER_KEY) {
            let o = u32::from_le_bytes([
                list[i * 4],
                list[i * 4 + 1],
                list[i * 4 + 2],
                list[i * 4 + 3],
            ]) as usize;
            match self.value(o) {
                Ok(v) => out.push(v),
                Err(e) => errors.push(e),
            }
        }
        out
    }

    fn value(&self, off: usize) -> Result<Value, HiveError> {
        let pos = self.cell(off)?;
        if self.data.get(pos..pos + 2) != Some(b"vk") {
            return err(pos, "expected a value (`vk`)");
        }
        let name_len = u16_at(self.data, pos + 2)? as usize;
        let size_raw = u32_at(self.data, pos + 4)?;
        let data_off = u32_at(self.data, pos + 8)? as usize;
        let data_type = u32_at(self.data, pos + 12)?;
        let flags = u16_at(self.data, pos + 16)?;
        let name = name(slice(self.data, pos + 20, name_len)?, flags & 1 != 0);
        let data = self.value_data(pos, size_raw, data_off);
        Ok(Value {
            name,
            data_type,
            data,
            offset: pos,
        })
    }

    fn value_data(&self, pos: usize, size_raw: u32, data_off: usize) -> Result<Vec<u8>, HiveError> {
        if size_raw & 0x8000_0000 != 0 {
            // Inline: up to 4 bytes in the offset field itself.
            let len = (size_raw & 0x7fff_ffff) as usize;
            if len > 4 {
                return err(pos, format!("inline value data of {len} bytes (at most 4)"));
            }
            return Ok(slice(self.data, pos + 8, len)?.to_vec());
        }
        let len = size_raw as usize;
        if len == 0 {
            return Ok(Vec::new());
        }
        if len > MAX_VALUE_BYTES {
            return err(
                pos,
                format!("value data of {len} bytes is larger than fwlint reads"),
            );
        }
        let b = self.cell_bytes(data_off)?;
        if len > 16344 && self.minor >= 4 && b.len() >= 8 && &b[..2] == b"db" {
            return self.big_data(data_off, len);
        }
        if len > b.len() {
            return err(
                HBIN_BASE + data_off,
                format!(
                    "value data of {len} bytes overruns its {}-byte cell",
                    b.len()
                ),
            );
        }
        Ok(b[..len].to_vec())
    }

    /// Big data (`db`): a list of segments of up to 16344 bytes.
    fn big_data(&self, off: usize, len: usize) -> Result<Vec<u8>, HiveError> {
        let b = self.cell_bytes(off)?;
        let at = HBIN_BASE + off + 4;
        let n = u16::from_le_bytes([b[2], b[3]]) as usize;
        let list = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
        let segs = self.cell_bytes(list)?;
        if n * 4 > segs.len() {
            return err(
                at,
                format!("big data segment list of {n} overruns its cell"),
            );
        }
        let mut out = Vec::with_capacity(len.min(MAX_VALUE_BYTES));
        for i in 0..n {
            let s = u32::from_le_bytes([
                segs[i * 4],
                segs[i * 4 + 1],
                segs[i * 4 + 2],
                segs[i * 4 + 3],
            ]) as usize;
            let seg = self.cell_bytes(s)?;
            let want = (len - out.len()).min(16344).min(seg.len());
            out.extend_from_slice(&seg[..want]);
            if out.len() >= len {
                break;
            }
        }
        if out.len() < len {
            return err(at, format!("big data holds {} of {len} bytes", out.len()));
        }
        Ok(out)
    }
}

fn name(raw: &[u8], ascii: bool) -> String {
    if ascii {
        raw.iter().map(|&b| b as char).collect()
    } else {
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    }
}

fn slice(d: &[u8], at: usize, len: usize) -> Result<&[u8], HiveError> {
    at.checked_add(len)
        .and_then(|e| d.get(at..e))
        .ok_or(HiveError {
            offset: at,
            message: format!("{len} bytes at {at:#x} run past the end of the file"),
        })
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, HiveError> {
    let b = slice(d, at, 2)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, HiveError> {
    let b = slice(d, at, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn i32_at(d: &[u8], at: usize) -> Result<i32, HiveError> {
    u32_at(d, at).map(|v| v as i32)
}

/// A minimal hive writer, for tests and benchmarks: one root key with child
/// keys holding REG_SZ / REG_DWORD values, laid out the way Windows does
/// (`lh` subkey lists, value lists, data cells, 4 KiB hive bins).
pub mod write {
    /// A value to write.
    pub enum Data {
        Sz(String),
        Dword(u32),
    }

    /// Build a hive whose root (named `root_name`) has the given child keys.
    pub fn hive(root_name: &str, keys: &[(&str, Vec<(String, Data)>)]) -> Vec<u8> {
        let mut w = Writer {
            cells: Vec::new(),
            bins: Vec::new(),
        };
        // Root nk first (fixed at hive offset 0x20).
        let root = w.alloc(76 + root_name.len());
        let mut child_offs = Vec::new();
        for (name, values) in keys {
            let mut voffs = Vec::new();
            for (vname, data) in values {
                let (bytes, ty) = match data {
                    Data::Sz(s) => {
                        let mut b: Vec<u8> =
                            s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
                        b.extend([0, 0]);
                        (b, 1u32)
                    }
                    Data::Dword(v) => (v.to_le_bytes().to_vec(), 4u32),
                };
                let vk = w.alloc(20 + vname.len());
                let (size_field, data_field) = if bytes.len() <= 4 {
                    let mut inline = [0u8; 4];
                    inline[..bytes.len()].copy_from_slice(&bytes);
                    (0x8000_0000 | bytes.len() as u32, u32::from_le_bytes(inline))
                } else if bytes.len() > 16344 {
                    // Big data (format 1.4+): a `db` cell, a segment list, segments.
                    let segs: Vec<usize> = bytes
                        .chunks(16344)
                        .map(|c| {
                            let sc = w.alloc(c.len());
                            w.put(sc, 0, c);
                            sc
                        })
                        .collect();
                    let list = w.alloc(4 * segs.len());
                    for (i, sc) in segs.iter().enumerate() {
                        w.put(list, i * 4, &(*sc as u32).to_le_bytes());
                    }
                    let db = w.alloc(8);
                    w.put(db, 0, b"db");
                    w.put(db, 2, &(segs.len() as u16).to_le_bytes());
                    w.put(db, 4, &(list as u32).to_le_bytes());
                    (bytes.len() as u32, db as u32)
                } else {
                    let dc = w.alloc(bytes.len());
                    w.put(dc, 0, &bytes);
                    (bytes.len() as u32, dc as u32)
                };
                w.put(vk, 0, b"vk");
                w.put(vk, 2, &(vname.len() as u16).to_le_bytes());
                w.put(vk, 4, &size_field.to_le_bytes());
                w.put(vk, 8, &data_field.to_le_bytes());
                w.put(vk, 12, &ty.to_le_bytes());
                w.put(vk, 16, &1u16.to_le_bytes());
                w.put(vk, 20, vname.as_bytes());
                voffs.push(vk as u32);
            }
            let nk = w.alloc(76 + name.len());
            w.nk(nk, name, root as u32, 0, 0, &voffs);
            child_offs.push((name.to_string(), nk as u32));
        }
        let lh = if child_offs.is_empty() {
            0
        } else {
            let lh = w.alloc(4 + 8 * child_offs.len());
            w.put(lh, 0, b"lh");
            w.put(lh, 2, &(child_offs.len() as u16).to_le_bytes());
            for (i, (n, o)) in child_offs.iter().enumerate() {
                w.put(lh, 4 + i * 8, &o.to_le_bytes());
                let hash = n
                    .to_ascii_uppercase()
                    .bytes()
                    .fold(0u32, |h, c| h.wrapping_mul(37).wrapping_add(c as u32));
                w.put(lh, 8 + i * 8, &hash.to_le_bytes());
            }
            lh
        };
        let nsub = child_offs.len() as u32;
        w.nk(root, root_name, 0, nsub, lh as u32, &[]);
        // Root flag KEY_HIVE_ENTRY.
        let f = 0x20u16 | 0x04;
        w.put(root, 2, &f.to_le_bytes());
        w.finish(root as u32)
    }

    struct Writer {
        /// Hive-bin data (starting at hive offset 0).
        cells: Vec<u8>,
        /// (start, length) of each hive bin.
        bins: Vec<(usize, usize)>,
    }

    impl Writer {
        /// Allocate a cell with `len` data bytes; returns its hive offset.
        fn alloc(&mut self, len: usize) -> usize {
            let size = (len + 4 + 7) & !7;
            let bin_end = self.bins.last().map(|(s, l)| s + l).unwrap_or(0);
            if self.cells.len() + size > bin_end {
                // Close the current bin with a free cell; open one big enough.
                let at = self.cells.len();
                if bin_end > at {
                    self.cells.resize(bin_end, 0);
                    self.cells[at..at + 4].copy_from_slice(&((bin_end - at) as i32).to_le_bytes());
                }
                let bin_len = (32 + size).div_ceil(4096) * 4096;
                self.bins.push((bin_end, bin_len));
                self.cells.resize(bin_end + 32, 0);
            }
            let off = self.cells.len();
            self.cells.resize(off + size, 0);
            self.cells[off..off + 4].copy_from_slice(&(-(size as i32)).to_le_bytes());
            off
        }
        fn put(&mut self, cell: usize, at: usize, b: &[u8]) {
            let s = cell + 4 + at;
            self.cells[s..s + b.len()].copy_from_slice(b);
        }
        fn nk(
            &mut self,
            cell: usize,
            name: &str,
            parent: u32,
            nsub: u32,
            list: u32,
            values: &[u32],
        ) {
            self.put(cell, 0, b"nk");
            self.put(cell, 2, &0x20u16.to_le_bytes());
            self.put(cell, 16, &parent.to_le_bytes());
            self.put(cell, 20, &nsub.to_le_bytes());
            self.put(cell, 28, &list.to_le_bytes());
            self.put(cell, 32, &u32::MAX.to_le_bytes());
            self.put(cell, 36, &(values.len() as u32).to_le_bytes());
            let vl = if values.is_empty() {
                u32::MAX
            } else {
                let vl = self.alloc(4 * values.len());
                for (i, v) in values.iter().enumerate() {
                    self.put(vl, i * 4, &v.to_le_bytes());
                }
                vl as u32
            };
            self.put(cell, 40, &vl.to_le_bytes());
            self.put(cell, 44, &u32::MAX.to_le_bytes());
            self.put(cell, 48, &u32::MAX.to_le_bytes());
            self.put(cell, 72, &(name.len() as u16).to_le_bytes());
            self.put(cell, 76, name.as_bytes());
        }
        fn finish(mut self, root: u32) -> Vec<u8> {
            // Close the last bin with a free cell and write the bin headers.
            let total = self.bins.last().map(|(s, l)| s + l).unwrap_or(0);
            let at = self.cells.len();
            if total > at {
                self.cells.resize(total, 0);
                self.cells[at..at + 4].copy_from_slice(&((total - at) as i32).to_le_bytes());
            }
            for &(o, l) in &self.bins {
                self.cells[o..o + 4].copy_from_slice(b"hbin");
                self.cells[o + 4..o + 8].copy_from_slice(&(o as u32).to_le_bytes());
                self.cells[o + 8..o + 12].copy_from_slice(&(l as u32).to_le_bytes());
            }
            let mut base = vec![0u8; 4096];
            base[0..4].copy_from_slice(b"regf");
            base[4..8].copy_from_slice(&1u32.to_le_bytes());
            base[8..12].copy_from_slice(&1u32.to_le_bytes());
            base[20..24].copy_from_slice(&1u32.to_le_bytes());
            base[24..28].copy_from_slice(&5u32.to_le_bytes());
            base[32..36].copy_from_slice(&1u32.to_le_bytes());
            base[36..40].copy_from_slice(&root.to_le_bytes());
            base[40..44].copy_from_slice(&(total as u32).to_le_bytes());
            base[44..48].copy_from_slice(&1u32.to_le_bytes());
            let sum = base[..508].chunks_exact(4).fold(0u32, |x, c| {
                x ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            });
            base[508..512].copy_from_slice(&sum.to_le_bytes());
            base.extend(self.cells);
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::write::{hive, Data};
    use super::*;

    #[test]
    fn reads_what_the_writer_wrote() {
        let long = "v2.30|Action=Allow|".repeat(20);
        let big = "v2.30|Name=big|".repeat(1500); // 45000 bytes: big data
        let h = hive(
            "ROOT",
            &[
                (
                    "FirewallRules",
                    vec![
                        ("{A}".into(), Data::Sz(long.clone())),
                        ("{B}".into(), Data::Sz(big.clone())),
                    ],
                ),
                (
                    "DomainProfile",
                    vec![("EnableFirewall".into(), Data::Dword(1))],
                ),
            ],
        );
        let hv = Hive::open(&h).unwrap();
        let d = hv.dump();
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.keys.len(), 3);
        assert_eq!(d.keys[1].path, "FirewallRules");
        assert_eq!(d.keys[1].values[0].as_string().unwrap(), long);
        assert_eq!(d.keys[1].values[1].as_string().unwrap(), big);
        assert_eq!(d.keys[2].values[0].as_dword(), Some(1));
    }

    #[test]
    fn malformed_hives_give_errors_not_panics() {
        let h = hive("R", &[("K", vec![("v".into(), Data::Sz("hello".into()))])]);
        for cut in (0..h.len()).step_by(97) {
            if let Ok(hv) = Hive::open(&h[..cut]) {
                let _ = hv.dump();
            }
        }
        for i in (4096..h.len()).step_by(3) {
            let mut m = h.clone();
            m[i] ^= 0xff;
            if let Ok(hv) = Hive::open(&m) {
                let _ = hv.dump();
            }
        }
        assert!(Hive::open(b"regf").is_err());
        assert!(Hive::open(b"nope").is_err());
    }
}
