//! `docs/rules.md` is generated from the check registry. This test regenerates
//! it and fails when the committed file differs; bless with
//! `FWLINT_BLESS=1 cargo test --test explain_docs`.

use fwlint::check::registry;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");

#[test]
fn rules_md_is_up_to_date() {
    let want = fwlint::report::rules_doc::render();
    if std::env::var_os("FWLINT_BLESS").is_some() {
        std::fs::write(PATH, &want).expect("write docs/rules.md");
        return;
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    if have != want {
        let first_diff = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
        panic!(
            "docs/rules.md is out of date with the check registry (first difference at line {}).\n\
             Regenerate it with:\n\n    FWLINT_BLESS=1 cargo test --test explain_docs\n",
            first_diff + 1
        );
    }
}

#[test]
fn rules_md_documents_every_check() {
    let doc = fwlint::report::rules_doc::render();
    for c in registry() {
        let heading = format!("\n## {} {}\n", c.code, c.name);
        let at = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("{} has no section", c.code));
        let section = &doc[at..];
        assert!(section.contains(&format!("- kind: `{}`", c.kind.as_str())));
        assert!(section.contains(&format!("- default severity: `{}`", c.severity.as_str())));
        // The check's documentation is there, headings one level down.
        let first_line = fwlint::check::doc_text(c)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let expect = if first_line.starts_with('#') {
            format!("#{first_line}")
        } else {
            first_line
        };
        assert!(section.contains(&expect), "{}: {expect}", c.code);
        assert!(
            doc.contains(&format!("| [`{}`](#", c.code)),
            "{} in the index",
            c.code
        );
    }
}
