//! Takes arbitrary bytes; drives one reader or stage with them. The entry points of the fuzz
//! targets (`fuzz/`) and of the regression test that replays their corpus on stable Rust
//! (`tests/fuzz_regressions.rs`). Each must return without panicking, whatever the input.

use crate::rules::RuleSet;
use std::sync::OnceLock;

fn builtin() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

/// Extraction, events, resolution and grouping over the text (decoded lossily).
pub fn extract(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let doc = crate::load::make_document("fuzz", "fuzz", text, Default::default(), builtin());
    let claims = crate::claims_of(&doc, builtin());
    for c in &claims {
        assert!(
            doc.text.is_char_boundary(c.start)
                && doc.text.is_char_boundary(c.end)
                && c.start <= c.end,
            "claim offsets off a char boundary"
        );
    }
    let _ = crate::group::group(&claims, std::slice::from_ref(&doc), builtin());
}

/// The rule loader over one rule file (as TOML and as a gazetteer CSV), on its own: the
/// parser, the checks of each rule and the phrase index, without re-reading the built-in files
/// at every execution (they take the loader about 20 ms; alone it is fast enough to run
/// millions of times).
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["extra.toml", "extra.csv"] {
        let files = std::collections::BTreeMap::from([(name.to_string(), text.to_string())]);
        let _ = RuleSet::from_files(&files, "fuzz");
    }
}

/// The manifest parser over the bytes as the file's text (the reader refuses bytes that are
/// not UTF-8 before it parses), from memory: writing each input to a file held the target near
/// 1,300 executions a second.
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let path = std::env::temp_dir()
            .join("claimdiff-fuzz")
            .join("sources.csv");
        let _ = crate::load::parse_manifest(text, &path);
    }
}

/// The JSONL article reader and the claims reader.
pub fn jsonl(data: &[u8]) {
    let name = std::path::Path::new("fuzz.jsonl");
    for doc in crate::load::jsonl_documents(std::io::Cursor::new(data), name, builtin()).flatten() {
        let _ = crate::claims_of(&doc, builtin());
    }
    if let Ok((docs, claims)) = crate::load::read_claims(std::io::Cursor::new(data), name) {
        let _ = crate::compare_claims(docs, claims, builtin());
    }
}
