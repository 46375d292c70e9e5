//! A TOML document as a tree in which every key and every value keeps its byte
//! span, so that every later complaint (unknown key, unknown role, bad address)
//! can point at the exact text. Built with `toml`'s `Spanned` support.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use toml::Spanned;

/// One TOML value with spans on everything below it.
#[derive(Debug, Clone)]
pub enum Node {
    Str(String),
    Int(i64),
    /// Floats and other values no topology key takes (kept for the error message).
    Float,
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
            Node::Float => "a float",
            Node::Bool(_) => "a boolean",
            Node::Array(_) => "an array",
            Node::Table(_) => "a table",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a TOML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        i64::try_from(v)
            .map(Node::Int)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        let _ = v;
        Ok(Node::Float)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element::<Spanned<Node>>()? {
            v.push(x);
        }
        Ok(Node::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut v = Vec::new();
        while let Some(k) = map.next_key::<Spanned<String>>()? {
            let val = map.next_value::<Spanned<Node>>()?;
            v.push((k, val));
        }
        Ok(Node::Table(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "[hosts.a]\naddress = \"10.0.0.1\"\nroles = [\"x\", \"y\"]\n";
        let root: Node = toml::from_str(text).unwrap();
        let Node::Table(top) = root else { panic!() };
        assert_eq!(top[0].0.get_ref(), "hosts");
        let Node::Table(hosts) = top[0].1.get_ref() else {
            panic!()
        };
        let Node::Table(a) = hosts[0].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[a[0].0.span()], "address");
        assert_eq!(&text[a[0].1.span()], "\"10.0.0.1\"");
        let Node::Array(roles) = a[1].1.get_ref() else {
            panic!()
        };
        assert_eq!(&text[roles[1].span()], "\"y\"");
    }
}
