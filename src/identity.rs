//! Which quantity a claim states. Takes a claim and the rules; returns the partition key that
//! grouping blocks by: kind, category family (`rules/families.toml`) and canonical unit.
//!
//! Claims with different keys are never one quantity, so the key partitions the work: one
//! reducer per key gives the same groups as one process (`extract --format jsonl` writes it
//! on every claim). Scope and time are judged inside a partition, not keyed, because a site
//! and its city, or a toll on Monday and on Tuesday, can still be one quantity.

use crate::model::Claim;
use crate::rules::RuleSet;

/// The unit a claim is compared in: a bare number counts what its category counts ("the toll
/// passes 5,300" is 5,300 people), and miles compare as kilometres.
pub fn compared_unit<'a>(c: &'a Claim, rules: &'a RuleSet) -> &'a str {
    // a projection ("could reach 10,000") counts what its base category counts
    let base = c
        .category
        .strip_suffix("_projection")
        .unwrap_or(&c.category);
    let implied = rules
        .category(base)
        .and_then(|x| x.rule.units.iter().find(|u| *u != "none"))
        .filter(|_| c.unit == "none");
    rules.canonical_unit(implied.map_or(&c.unit, |u| u)).0
}

/// The partition key of a claim, `None` when its category is not compared across documents.
///
/// Figures: `figure|<family>|<unit>`. Events: `event|<family>|<era>`, where an era is a year
/// the clause names ("استعادت الحكومة حمص في العام 2017" is another event than today's).
pub fn partition_key(c: &Claim, rules: &RuleSet) -> Option<String> {
    let cat = rules.category(&c.category);
    if cat.is_some_and(|x| !x.groupable()) {
        return None;
    }
    if c.kind == "event" {
        let era = c.time.as_deref().filter(|t| t.len() == 4).unwrap_or("");
        return Some(format!("event|{}|{era}", c.family));
    }
    Some(format!(
        "{}|{}|{}",
        c.kind,
        rules.family_of(&c.category),
        compared_unit(c, rules)
    ))
}

/// The family part of a partition key (`figure|killed|person` → `killed`).
pub fn quantity_of(key: &str) -> &str {
    key.split('|').nth(1).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(category: &str, unit: &str) -> Claim {
        Claim {
            kind: "figure".into(),
            category: category.into(),
            unit: unit.into(),
            ..Claim::default()
        }
    }

    #[test]
    fn a_count_with_no_noun_takes_its_categorys_unit() {
        let r = RuleSet::builtin().expect("rules");
        // "killed 137" beside "137 people killed"
        let bare = partition_key(&claim("killed", "none"), &r);
        let counted = partition_key(&claim("killed", "person"), &r);
        assert_eq!(bare, counted);
        assert_eq!(quantity_of(bare.as_deref().unwrap_or("")), "dead");
    }

    #[test]
    fn a_bare_projection_counts_what_its_base_category_counts() {
        let r = RuleSet::builtin().expect("rules");
        assert_eq!(
            partition_key(&claim("killed_projection", "none"), &r),
            partition_key(&claim("killed_projection", "person"), &r)
        );
    }

    #[test]
    fn miles_and_kilometres_are_one_quantity() {
        let r = RuleSet::builtin().expect("rules");
        assert_eq!(
            partition_key(&claim("distance", "mile"), &r),
            partition_key(&claim("distance", "km"), &r)
        );
    }
}
