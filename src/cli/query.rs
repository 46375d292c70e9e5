//! `fwlint query`: the verdict a config gives each packet, and the deciding rule.

use super::args::{QueryArgs, QueryFormat};
use super::load::load_file;
use super::{EXIT_OK, EXIT_TROUBLE};
use crate::model::eval::{evaluate, NoSymbols};
use crate::model::Packet;
use serde_json::json;
use std::io::Read;

pub fn run(a: QueryArgs) -> Result<i32, String> {
    let lines = packet_lines(&a)?;
    let (_, rules) = match load_file(&a.config, a.dialect.0) {
        Ok(x) => x,
        Err(e) => {
            eprint!("{}", super::check::render_load_error(&e));
            return Ok(EXIT_TROUBLE);
        }
    };
    let filter = rules.select_filter(a.filter.as_deref(), a.profile.as_deref())?;
    let mut text = String::new();
    let mut answers = Vec::new();
    let mut bad = false;
    for (lineno, line) in &lines {
        let mut packet = match Packet::parse(line) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("fwlint: error: packet {lineno}: {e}: `{line}`");
                bad = true;
                continue;
            }
        };
        packet.iif = a.iif.clone();
        packet.oif = a.oif.clone();
        let d = evaluate(&filter.body, &packet, &NoSymbols);
        let rule_ref = d.rule.map(|r| {
            json!({"file": r.origin.file_name(), "line": r.origin.line, "text": r.origin.text().trim_end()})
        });
        let place = d
            .rule
            .map(|r| format!("{}:{}", r.origin.file_name(), r.origin.line))
            .unwrap_or_else(|| "default".into());
        text.push_str(&format!("{}\t{}", d.verdict.as_str(), place));
        let mut obj = json!({"packet": line, "verdict": d.verdict.as_str(), "rule": rule_ref});
        if let Some((v2, r2)) = &d.otherwise {
            let place2 = r2
                .map(|r| format!("{}:{}", r.origin.file_name(), r.origin.line))
                .unwrap_or_else(|| "default".into());
            text.push_str(&format!(
                "\tuncertain: {} if {} do not hold ({place2})",
                v2.as_str(),
                d.opaque.join(", ")
            ));
            obj["uncertain"] = json!({
                "conditions": d.opaque,
                "otherwise": {"verdict": v2.as_str(), "rule": r2.map(|r| json!({"file": r.origin.file_name(), "line": r.origin.line, "text": r.origin.text().trim_end()}))},
            });
        }
        if let Some(r) = d.rule {
            if !r.notes.is_empty() {
                obj["notes"] = json!(r.notes);
            }
        }
        text.push('\n');
        answers.push(obj);
    }
    match a.format {
        QueryFormat::Text => print!("{text}"),
        QueryFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&answers).map_err(|e| e.to_string())?
        ),
    }
    Ok(if bad { EXIT_TROUBLE } else { EXIT_OK })
}

/// Packet lines from `--packet` and `--packets`, with their position for errors.
fn packet_lines(a: &QueryArgs) -> Result<Vec<(String, String)>, String> {
    let mut lines: Vec<(String, String)> = a
        .packets
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("#{}", i + 1), l.trim().to_string()))
        .collect();
    if let Some(f) = &a.packets_file {
        let mut text = String::new();
        if f == "-" {
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read packets from standard input: {e}"))?;
        } else {
            text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
        }
        for (i, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            lines.push((format!("{f}:{}", i + 1), l.to_string()));
        }
    }
    if lines.is_empty() {
        return Err("no packets: give --packet LINE or --packets FILE".into());
    }
    Ok(lines)
}
