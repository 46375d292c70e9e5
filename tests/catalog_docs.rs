//! `docs/catalog.md` is generated from the catalog data; this test keeps it in sync.
//! Regenerate with `FWLINT_BLESS=1 cargo test --test catalog_docs`.

use fwlint::catalog::{builtin, render};

#[test]
fn docs_catalog_md_is_in_sync() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/catalog.md");
    let profiles: Vec<_> = builtin().profiles.iter().collect();
    let want = render::markdown(&profiles);
    if std::env::var_os("FWLINT_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    // Every flow's citation is in the document.
    for f in builtin().flows() {
        assert!(want.contains(&f.cite.replace('<', "&lt;").replace('>', "&gt;")));
    }
    assert!(
        have == want,
        "docs/catalog.md is out of date with catalog/*.toml; regenerate it with \
         `FWLINT_BLESS=1 cargo test --test catalog_docs`"
    );
}
