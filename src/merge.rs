//! Takes one reducer's share of a scaled-out comparison (the claims of some partition keys,
//! ids already assigned by the merger) and their documents; returns those claims' groups with
//! the ids kept, for a job that merges partial reports (`scripts/spark/claimdiff_spark.py`).
//!
//! Grouping never compares claims across partition keys and reads only a key's claims and
//! their documents, so the groups of one key are the groups one process finds for it. Only
//! ids differ: one process numbers claims and groups over the whole run. The merger numbers
//! claims (`c1`, ... in document then offset order) before the reduce step, hands each reducer
//! its claims in that order, and numbers the groups after it (verdict, then first claim, then
//! key and the order a reducer gave).

use crate::error::{Error, Result};
use crate::model::{Claim, Document, Group};
use crate::rules::RuleSet;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// Groups and judges claims whose ids are already report-wide (`compare --claims --partial`).
///
/// The claims must come in report order (document, then offset), as the merger sorted them;
/// ids are kept, so they must be non-empty and distinct. `name` is the input's name for errors.
pub fn partial_groups(
    mut docs: Vec<Document>,
    claims: Vec<Claim>,
    rules: &RuleSet,
    name: &Path,
) -> Result<Vec<Group>> {
    docs.sort_by(|a, b| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
    let mut seen: HashSet<&str> = HashSet::with_capacity(claims.len());
    for (n, c) in claims.iter().enumerate() {
        if c.id.is_empty() || !seen.insert(c.id.as_str()) {
            return Err(Error::Claims {
                path: name.into(),
                line: n + 1,
                message: format!(
                    "claim id {:?} is empty or repeated: --partial keeps the ids it is given",
                    c.id
                ),
            });
        }
    }
    Ok(crate::group::group(&claims, &docs, rules))
}

/// Writes groups as JSON Lines, one group a line, in the order given.
pub fn write_groups(groups: &[Group], out: &mut dyn Write) -> std::io::Result<()> {
    for g in groups {
        serde_json::to_writer(&mut *out, g)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(id: &str, doc: &str, start: usize, value: f64) -> Claim {
        Claim {
            id: id.into(),
            kind: "figure".into(),
            doc: doc.into(),
            start,
            end: start + 3,
            value: Some(crate::model::Value::Number(value)),
            qualifier: crate::model::Qualifier::Exact,
            unit: "person".into(),
            category: "killed".into(),
            ..Claim::default()
        }
    }

    fn doc(id: &str, outlet: &str) -> Document {
        Document {
            id: id.into(),
            path: id.into(),
            outlet: outlet.into(),
            date: Some("2024-01-02".into()),
            date_source: "claims".into(),
            language: "en".into(),
            url: None,
            text: String::new(),
        }
    }

    #[test]
    fn ids_are_kept_and_groups_match_one_process() {
        let rules = RuleSet::builtin().expect("rules");
        let docs = vec![doc("a", "Outlet A"), doc("b", "Outlet B")];
        let claims = vec![claim("c7", "a", 10, 120.0), claim("c9", "b", 4, 300.0)];
        let partial =
            partial_groups(docs.clone(), claims.clone(), &rules, Path::new("-")).expect("partial");
        let whole = crate::compare_claims(docs, claims, &rules);
        assert_eq!(partial.len(), whole.groups.len());
        // the same groups, the members named by the ids given instead of c1, c2
        let rename = |id: &str| match id {
            "c1" => "c7".to_string(),
            "c2" => "c9".to_string(),
            other => other.to_string(),
        };
        for (p, w) in partial.iter().zip(&whole.groups) {
            let renamed: Vec<String> = w.claims.iter().map(|c| rename(c)).collect();
            assert_eq!(p.claims, renamed);
            assert_eq!((p.verdict, &p.quantity), (w.verdict, &w.quantity));
        }
    }

    #[test]
    fn a_repeated_id_is_an_error_naming_its_line() {
        let rules = RuleSet::builtin().expect("rules");
        let claims = vec![claim("c1", "a", 0, 1.0), claim("c1", "a", 9, 2.0)];
        let err = partial_groups(vec![doc("a", "A")], claims, &rules, Path::new("in.jsonl"))
            .expect_err("repeated id");
        assert!(err.to_string().starts_with("in.jsonl:2:"), "{err}");
    }
}
