//! A TOML document as a tree in which every key and every value keeps its byte
//! span, so that every later complaint (unknown key, unknown role, bad address)
//! can point at the exact text.
//!
//! Built from `toml_edit`'s parse tree, which keeps the span of every key, value
//! and table header. (`toml`'s `Spanned` cannot be used for this: in toml 0.8 a
//! spanned `[a.b]` header table with spanned keys fails to deserialize.)

use std::ops::Range;
use toml::Spanned;
use toml_edit::{ImDocument, Item, Table as EditTable, Value};

/// One TOML value with spans on everything below it.
#[derive(Debug, Clone)]
pub enum Node {
    Str(String),
    Int(i64),
    /// Floats, datetimes: no topology key takes them (kept for the error message).
    Other(&'static str),
    Bool(bool),
    Array(Vec<Spanned<Node>>),
    /// Keys in document order.
    Table(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    /// The TOML type name, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Str(_) => "a string",
            Node::Int(_) => "an integer",
            Node::Other(k) => k,
            Node::Bool(_) => "a boolean",
            Node::Array(_) => "an array",
            Node::Table(_) => "a table",
        }
    }
}

/// The entries of a table, keys in document order.
pub type Entries = Vec<(Spanned<String>, Spanned<Node>)>;

/// A syntax error: message and span.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parse `text` into a spanned tree (the root table).
pub fn parse(text: &str) -> Result<Entries, SyntaxError> {
    let doc = ImDocument::parse(text).map_err(|e| SyntaxError {
        message: e.message().trim().to_string(),
        span: e.span().unwrap_or(0..0),
    })?;
    Ok(table_entries(doc.as_table(), 0..0))
}

fn table_entries(t: &EditTable, fallback: Range<usize>) -> Entries {
    let mut out = Vec::new();
    for (k, item) in t.iter() {
        let kspan = t
            .key(k)
            .and_then(|key| key.span())
            .unwrap_or_else(|| fallback.clone());
        if let Some(v) = item_node(item, kspan.clone()) {
            out.push((Spanned::new(kspan, k.to_string()), v));
        }
    }
    out
}

fn item_node(item: &Item, fallback: Range<usize>) -> Option<Spanned<Node>> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value_node(v, fallback)),
        Item::Table(t) => {
            let span = t.span().unwrap_or_else(|| fallback.clone());
            Some(Spanned::new(
                span.clone(),
                Node::Table(table_entries(t, span)),
            ))
        }
        Item::ArrayOfTables(a) => {
            let span = a.span().unwrap_or_else(|| fallback.clone());
            let items = a
                .iter()
                .map(|t| {
                    let s = t.span().unwrap_or_else(|| span.clone());
                    Spanned::new(s.clone(), Node::Table(table_entries(t, s)))
                })
                .collect();
            Some(Spanned::new(span, Node::Array(items)))
        }
    }
}

fn value_node(v: &Value, fallback: Range<usize>) -> Spanned<Node> {
    let span = v.span().unwrap_or(fallback);
    let node = match v {
        Value::String(s) => Node::Str(s.value().clone()),
        Value::Integer(i) => Node::Int(*i.value()),
        Value::Float(_) => Node::Other("a float"),
        Value::Boolean(b) => Node::Bool(*b.value()),
        Value::Datetime(_) => Node::Other("a datetime"),
        Value::Array(a) => Node::Array(a.iter().map(|x| value_node(x, span.clone())).collect()),
        Value::InlineTable(t) => {
            let mut out = Vec::new();
            for (k, x) in t.iter() {
                let kspan = t
                    .key(k)
                    .and_then(|key| key.span())
                    .unwrap_or_else(|| span.clone());
                out.push((
                    Spanned::new(kspan.clone(), k.to_string()),
                    value_node(x, kspan),
                ));
            }
            Node::Table(out)
        }
    };
    Spanned::new(span, node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text =
            "[hosts.a]\naddress = \"10.0.0.1\"\nroles = [\"x\", \"y\"]\nports = { \"s.t\" = 5 }\n";
        let top = parse(text).unwrap();
        assert_eq!(top[0].0.get_ref(), "hosts");
        let Node::Table(hosts) = top[0].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[hosts[0].0.span()], "a");
        let Node::Table(a) = hosts[0].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[a[0].0.span()], "address");
        assert_eq!(&text[a[0].1.span()], "\"10.0.0.1\"");
        let Node::Array(roles) = a[1].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[roles[1].span()], "\"y\"");
        let Node::Table(ports) = a[2].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[ports[0].0.span()], "\"s.t\"");
        assert_eq!(&text[ports[0].1.span()], "5");
    }

    #[test]
    fn syntax_errors_have_spans() {
        let e = parse("a = [1,\nb = ").err().unwrap();
        assert!(!e.message.is_empty());
    }
}
