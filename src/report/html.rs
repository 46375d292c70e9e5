//! `--format html`: one self-contained HTML page for auditors — no external
//! assets, a restrictive Content-Security-Policy, every piece of text from the
//! input escaped.
//!
//! # Format
//! A header with the run's summary; a table of findings by kind and severity;
//! filter controls (severity, kind, free text) driven by a small inline script;
//! then the findings grouped by severity, each with its code, name, kind,
//! position, message, filter, flow, witness, the rule's text, related
//! locations, notes, help and a link to the check's documentation, which
//! follows once per check at the end.

use super::{display_path, Context};
use crate::check::{doc_text, lookup};
use crate::finding::{Finding, Kind, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

const KINDS: [Kind; 8] = [
    Kind::Missing,
    Kind::Overbroad,
    Kind::Unneeded,
    Kind::Shadowed,
    Kind::Redundant,
    Kind::Exposure,
    Kind::Parse,
    Kind::Hygiene,
];
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Note];

/// Escape text for HTML element content and quoted attribute values. Control
/// characters other than tab and line breaks become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --err:#b3261e; --warn:#8a5300; --note:#35608f; --bg:#fff; --fg:#1d1d1f; --muted:#5f6368; --line:#d9d9de; --code:#f5f5f7; }
@media (prefers-color-scheme: dark) { :root { --bg:#17171a; --fg:#e8e8ea; --muted:#a0a0a8; --line:#3a3a40; --code:#232328; --err:#ff8a80; --warn:#ffcc80; --note:#90caf9; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; background: var(--bg); color: var(--fg); }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid var(--line); padding: .25rem .7rem; text-align: right; } th:first-child, td:first-child { text-align: left; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: .9em; }
pre { background: var(--code); padding: .6rem .8rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 6px; padding: .8rem 1rem; margin: .8rem 0; }
.finding.error { border-left-color: var(--err); } .finding.warning { border-left-color: var(--warn); } .finding.note { border-left-color: var(--note); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; color: var(--bg); background: var(--muted); vertical-align: middle; }
.badge.error { background: var(--err); } .badge.warning { background: var(--warn); } .badge.note { background: var(--note); }
.where, .meta { color: var(--muted); margin: .1rem 0; } .msg { font-weight: 500; margin: .3rem 0; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; margin: .4rem 0; } dt { color: var(--muted); } dd { margin: 0; }
.help { border-left: 3px solid var(--note); padding-left: .6rem; } .note-line { border-left: 3px solid var(--line); padding-left: .6rem; }
#controls { position: sticky; top: 0; background: var(--bg); padding: .5rem 0; border-bottom: 1px solid var(--line); z-index: 1; }
#controls fieldset { display: inline-block; border: 1px solid var(--line); border-radius: 6px; margin: 0 .5rem .3rem 0; }
#controls input[type=search] { min-width: 18rem; padding: .2rem .4rem; }
details summary { cursor: pointer; color: var(--muted); }
"#;

const SCRIPT: &str = r##"
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  var q = document.getElementById('q');
  function apply() {
    var off = {};
    boxes.forEach(function (b) { if (!b.checked) { off[b.getAttribute('data-filter') + ':' + b.value] = true; } });
    var text = q.value.toLowerCase();
    var shown = 0;
    document.querySelectorAll('article.finding').forEach(function (a) {
      var hide = off['severity:' + a.getAttribute('data-severity')] || off['kind:' + a.getAttribute('data-kind')] ||
        (text && a.textContent.toLowerCase().indexOf(text) < 0);
      a.hidden = !!hide;
      if (!hide) { shown++; }
    });
    document.querySelectorAll('section.group').forEach(function (s) {
      s.hidden = s.querySelectorAll('article.finding:not([hidden])').length === 0;
    });
    document.getElementById('shown').textContent = String(shown);
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  document.querySelectorAll('a[href^="#check-"]').forEach(function (a) {
    a.addEventListener('click', function () {
      var d = document.getElementById(a.getAttribute('href').slice(1));
      if (d) { d.open = true; }
    });
  });
  q.addEventListener('input', apply);
})();
"##;

fn sev_plural(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Note => "Notes",
    }
}

fn finding_html(f: &Finding, id: usize, out: &mut String) {
    let sev = f.severity.as_str();
    let _ = writeln!(
        out,
        r#"<article class="finding {sev}" id="f{id}" data-severity="{sev}" data-kind="{}" data-code="{}">"#,
        f.kind.as_str(),
        esc(f.code)
    );
    let _ = writeln!(
        out,
        r#"<h3><span class="badge {sev}">{sev}</span> <code>{}</code> {} <span class="meta">({})</span></h3>"#,
        esc(f.code),
        esc(f.name),
        f.kind.as_str()
    );
    let file = display_path(f.file_name());
    if !file.is_empty() {
        let pos = if f.origin.is_some() {
            format!(":{}:{}", f.line(), f.column())
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<p class="where"><code>{}{pos}</code></p>"#,
            esc(&file)
        );
    }
    let _ = writeln!(out, r#"<p class="msg">{}</p>"#, esc(&f.message));
    let mut dl = String::new();
    if let Some(l) = &f.label {
        let _ = write!(dl, "<dt>at the rule</dt><dd>{}</dd>", esc(l));
    }
    if let Some(x) = &f.filter {
        let _ = write!(dl, "<dt>filter</dt><dd><code>{}</code></dd>", esc(x));
    }
    if let Some(flow) = &f.flow {
        let mut s = format!(
            "<code>{}</code> → <code>{}</code> {}/{}",
            esc(&flow.from),
            esc(&flow.to),
            esc(&flow.protocol),
            esc(&flow.ports)
        );
        if let Some(svc) = &flow.service {
            let _ = write!(s, " (service <code>{}</code>)", esc(svc));
        }
        if let Some(p) = &flow.phase {
            let _ = write!(s, ", phase {}", esc(p));
        }
        if let Some(c) = &flow.cite {
            let _ = write!(s, ", source: {}", esc(c));
        }
        let _ = write!(dl, "<dt>flow</dt><dd>{s}</dd>");
    }
    if let Some(w) = &f.witness {
        let _ = write!(
            dl,
            "<dt>example packet</dt><dd><code>{}</code></dd>",
            esc(w)
        );
    }
    if !dl.is_empty() {
        let _ = writeln!(out, "<dl>{dl}</dl>");
    }
    let rule_text = f
        .rule
        .as_ref()
        .map(|r| r.text.clone())
        .or_else(|| f.origin.as_ref().map(|o| o.text().trim_end().to_string()));
    if let Some(t) = rule_text.filter(|t| !t.is_empty()) {
        let _ = writeln!(out, "<pre><code>{}</code></pre>", esc(&t));
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            r#"<p class="meta">{} — <code>{}:{}</code></p><pre><code>{}</code></pre>"#,
            esc(&r.label),
            esc(&display_path(r.origin.file_name())),
            r.origin.line,
            esc(r.origin.text().trim_end())
        );
    }
    for n in &f.notes {
        let _ = writeln!(out, r#"<p class="note-line">note: {}</p>"#, esc(n));
    }
    if let Some(h) = &f.help {
        let _ = writeln!(out, r#"<p class="help">help: {}</p>"#, esc(h));
    }
    let _ = writeln!(
        out,
        r##"<p class="meta"><a href="#check-{0}">About {0} {1}</a></p>"##,
        esc(f.code),
        esc(f.name)
    );
    out.push_str("</article>\n");
}

pub fn render(findings: &[Finding], ctx: &Context) -> String {
    let s = &ctx.summary;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    out.push_str("<title>fwlint report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>fwlint report</h1>\n");
    let _ = writeln!(
        out,
        "<p>fwlint {} checked {} file(s), {} filter(s) and {} rule(s): <strong>{}</strong> error(s), <strong>{}</strong> warning(s), <strong>{}</strong> note(s).</p>",
        esc(env!("CARGO_PKG_VERSION")),
        s.files,
        s.filters,
        s.rules,
        s.errors,
        s.warnings,
        s.notes
    );
    if s.suppressed > 0 {
        let _ = writeln!(
            out,
            "<p>{} finding(s) suppressed by the baseline.</p>",
            s.suppressed
        );
    }
    if s.ignored > 0 {
        let _ = writeln!(
            out,
            "<p>{} finding(s) ignored by the configuration.</p>",
            s.ignored
        );
    }
    out.push_str("</header>\n<main>\n");
    if findings.is_empty() {
        out.push_str("<p>No findings.</p>\n</main>\n</body>\n</html>\n");
        return out;
    }

    // Summary by kind and severity.
    let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for f in findings {
        let k = KINDS.iter().position(|k| *k == f.kind).unwrap_or(0);
        let v = SEVERITIES
            .iter()
            .position(|v| *v == f.severity)
            .unwrap_or(0);
        *counts.entry((k, v)).or_default() += 1;
    }
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<table>\n<thead><tr><th>kind</th><th>errors</th><th>warnings</th><th>notes</th><th>total</th></tr></thead>\n<tbody>\n");
    let mut kinds_present = Vec::new();
    for (ki, kind) in KINDS.iter().enumerate() {
        let row: Vec<usize> = (0..3)
            .map(|vi| counts.get(&(ki, vi)).copied().unwrap_or(0))
            .collect();
        let total: usize = row.iter().sum();
        if total == 0 {
            continue;
        }
        kinds_present.push(*kind);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{total}</td></tr>",
            kind.as_str(),
            row[0],
            row[1],
            row[2]
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr><th>total</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tfoot>\n</table>\n</section>",
        findings.iter().filter(|f| f.severity == Severity::Error).count(),
        findings.iter().filter(|f| f.severity == Severity::Warning).count(),
        findings.iter().filter(|f| f.severity == Severity::Note).count(),
        findings.len()
    );

    // Filters.
    out.push_str("<section id=\"controls\">\n<fieldset><legend>severity</legend>\n");
    for v in SEVERITIES {
        let _ = writeln!(
            out,
            r#"<label><input type="checkbox" data-filter="severity" value="{0}" checked> {0}</label>"#,
            v.as_str()
        );
    }
    out.push_str("</fieldset>\n<fieldset><legend>kind</legend>\n");
    for k in &kinds_present {
        let _ = writeln!(
            out,
            r#"<label><input type="checkbox" data-filter="kind" value="{0}" checked> {0}</label>"#,
            k.as_str()
        );
    }
    let _ = writeln!(
        out,
        "</fieldset>\n<label>search <input type=\"search\" id=\"q\" placeholder=\"code, file, rule text…\"></label>\n<span class=\"meta\"><span id=\"shown\">{}</span> of {} shown</span>\n</section>",
        findings.len(),
        findings.len()
    );

    // Findings by severity, then kind, then position.
    let mut id = 0;
    for v in SEVERITIES {
        let mut group: Vec<&Finding> = findings.iter().filter(|f| f.severity == v).collect();
        if group.is_empty() {
            continue;
        }
        group.sort_by_key(|f| {
            (
                KINDS.iter().position(|k| *k == f.kind).unwrap_or(0),
                display_path(f.file_name()),
                f.line(),
                f.column(),
            )
        });
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"{}\">\n<h2>{} ({})</h2>",
            v.as_str(),
            sev_plural(v),
            group.len()
        );
        for f in group {
            finding_html(f, id, &mut out);
            id += 1;
        }
        out.push_str("</section>\n");
    }
    // Each check's documentation, once.
    let mut codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    out.push_str("<section id=\"checks\">\n<h2>Checks</h2>\n");
    for code in codes {
        if let Some(info) = lookup(code) {
            let _ = writeln!(
                out,
                "<details id=\"check-{}\"><summary><code>{}</code> {} ({}, default {}): {}</summary><pre>{}</pre></details>",
                esc(info.code),
                esc(info.code),
                esc(info.name),
                info.kind.as_str(),
                info.severity.as_str(),
                esc(info.summary),
                esc(&doc_text(info))
            );
        }
    }
    out.push_str("</section>\n</main>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            esc("<script>alert('x')&\"</script>\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;\u{fffd}"
        );
    }
}
