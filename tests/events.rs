//! The factual claims of the seed articles, compared across outlets: the groups an editor
//! needs to see, each with the outlets that state it.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};

/// One event group: (verdict, place id, category, documents by file prefix, "action:polarity" of each member).
type EventGroup = (String, String, String, BTreeSet<String>, Vec<String>);

struct Seeds {
    groups: Vec<EventGroup>,
}

fn seeds() -> Seeds {
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--format", "json", "seeds/"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let claims: BTreeMap<String, &serde_json::Value> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c))
        .collect();
    let mut groups = Vec::new();
    for g in v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["kind"] == "event")
    {
        let members: Vec<&serde_json::Value> = g["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| claims[id.as_str().unwrap()])
            .collect();
        let docs: BTreeSet<String> = members
            .iter()
            .map(|c| c["doc"].as_str().unwrap()[..3].to_string())
            .collect();
        let actions: Vec<String> = members
            .iter()
            .map(|c| {
                format!(
                    "{}:{}",
                    c["category"].as_str().unwrap(),
                    c["polarity"].as_str().unwrap()
                )
            })
            .collect();
        groups.push((
            g["verdict"].as_str().unwrap().to_string(),
            g["subject"].as_str().unwrap().to_string(),
            g["category"].as_str().unwrap().to_string(),
            docs,
            actions,
        ));
    }
    Seeds { groups }
}

impl Seeds {
    /// The group about `place` whose members include `action`.
    fn find(&self, place: &str, action: &str) -> &EventGroup {
        self.groups
            .iter()
            .filter(|g| g.1 == place && g.4.iter().any(|a| a.starts_with(action)))
            .max_by_key(|g| g.3.len())
            .unwrap_or_else(|| panic!("no {action} group for {place}"))
    }
}

fn set(xs: &[&str]) -> BTreeSet<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

#[test]
fn opposition_took_rastan_and_talbiseh() {
    let s = seeds();
    for place in ["rastan", "talbiseh"] {
        let g = s.find(place, "took_control");
        assert_eq!(g.0, "agree");
        assert!(
            g.3.is_superset(&set(&["000", "002", "004"])),
            "{place}: {:?}",
            g.3
        );
        assert!(
            g.4.iter().any(|a| a.starts_with("advanced")),
            "004 reports an advance: {:?}",
            g.4
        );
    }
}

#[test]
fn deir_ez_zor_passed_from_government_forces() {
    let g = seeds().find("deir_ez_zor", "handed_over").clone();
    assert_eq!(g.0, "agree");
    assert!(g.3.is_superset(&set(&["000", "002", "004"])), "{:?}", g.3);
}

#[test]
fn nassib_crossing_taken() {
    let g = seeds().find("nassib_crossing", "took_control").clone();
    assert_eq!(g.0, "agree");
    assert!(g.3.is_superset(&set(&["002", "004"])), "{:?}", g.3);
}

#[test]
fn suwayda_and_quneitra_taken() {
    let s = seeds();
    let g = s.find("suwayda", "took_control");
    assert!(g.3.is_superset(&set(&["003", "004"])), "{:?}", g.3);
    let g = s.find("quneitra", "took_control");
    assert!(g.3.is_superset(&set(&["001", "003"])), "{:?}", g.3);
}

#[test]
fn opposition_took_homs() {
    let g = seeds().find("homs", "took_control").clone();
    assert_eq!(g.0, "agree");
    assert!(g.3.is_superset(&set(&["001", "003"])), "{:?}", g.3);
}

#[test]
fn sohr_withdrawal_from_homs_against_the_ministry_denial_is_a_conflict_inside_one_article() {
    let s = seeds();
    let g = s
        .groups
        .iter()
        .find(|g| g.0 == "conflict" && g.1 == "homs")
        .expect("a conflict about Homs");
    assert_eq!(g.3, set(&["002"]));
    assert!(
        g.4.iter().any(|a| a == "withdrew:affirmed") && g.4.iter().any(|a| a == "withdrew:denied"),
        "{:?}",
        g.4
    );
    // the withdrawal reported on 8 December by other outlets is not part of that conflict
    let later = s
        .groups
        .iter()
        .find(|g| {
            g.1 == "homs" && g.4.iter().any(|a| a == "withdrew:affirmed") && g.3.contains("001")
        })
        .unwrap();
    assert_ne!(later.0, "conflict");
}
