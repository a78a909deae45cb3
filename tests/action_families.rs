//! Factual claims of the action families (rules/*/actions/) through the real binary: a
//! responsibility dispute between two outlets is one conflict group whose reason names it.

use assert_cmd::Command;

/// The event groups of `compare` on two short articles: (verdict, reason).
fn event_groups(a: &str, b: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), a).unwrap();
    std::fs::write(dir.path().join("b.txt"), b).unwrap();
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["kind"] == "event")
        .map(|g| {
            (
                g["verdict"].as_str().unwrap_or_default().to_string(),
                g["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn two_sources_blaming_different_actors_conflict() {
    let groups = event_groups(
        "Officials said on Monday.\nThe ministry blamed HTS for the explosion.\n",
        "Officials said on Monday.\nThe governor blamed the SDF for the explosion.\n",
    );
    assert!(
        groups
            .iter()
            .any(|(v, r)| v == "conflict" && r.contains("different actors")),
        "{groups:?}"
    );
}

#[test]
fn an_affirmed_and_a_denied_responsibility_conflict() {
    let groups = event_groups(
        "Officials said on Monday.\nHTS claimed responsibility for the explosion.\n",
        "Officials said on Monday.\nHTS denied involvement in the explosion.\n",
    );
    assert!(groups.iter().any(|(v, _)| v == "conflict"), "{groups:?}");
}

/// The actors of the `caused` and `caused_by` events `extract` finds in `text`.
fn cause_actors(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["extract", "--format", "jsonl"])
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|c| {
            c["kind"] == "event"
                && c["category"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("caused"))
        })
        .map(|c| c["actor"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_actor_of_a_cause_is_the_body_or_the_nationality_named_after_it() {
    assert_eq!(
        cause_actors("The blast was caused by a rocket misfired by Hamas, the army said.\n"),
        ["hamas"]
    );
    assert_eq!(
        cause_actors("The explosion was caused by an Israeli strike, the group said.\n"),
        ["israel"]
    );
    assert_eq!(
        cause_actors("وقال الحزب إن الانفجار ناجم عن غارة إسرائيلية.\n"),
        ["israel"]
    );
    // a nationality further on locates the effect; it did not cause it
    assert_eq!(
        cause_actors("The storm caused deadly flooding in communities along the Libyan coast.\n"),
        [""]
    );
}

#[test]
fn two_outlets_naming_different_causes_of_one_explosion_conflict() {
    let groups = event_groups(
        "Officials said on Monday.\nThe explosion at the hospital was caused by an Israeli \
         strike, the ministry said.\n",
        "Officials said on Monday.\nThe explosion at the hospital was caused by a rocket \
         misfired by Hamas, the army said.\n",
    );
    assert!(
        groups
            .iter()
            .any(|(v, r)| v == "conflict" && r.contains("different actors")),
        "{groups:?}"
    );
    let groups = event_groups(
        "قالت الوزارة يوم الاثنين إن الانفجار في المستشفى ناجم عن غارة إسرائيلية.\n",
        "قال الجيش يوم الاثنين إن الانفجار في المستشفى ناجم عن صاروخ أطلقته حماس.\n",
    );
    assert!(
        groups
            .iter()
            .any(|(v, r)| v == "conflict" && r.contains("different actors")),
        "{groups:?}"
    );
}

#[test]
fn a_denial_conflicts_only_with_what_names_the_same_body() {
    // the Red Crescent is named on both sides: a dispute
    let named = event_groups(
        "The UN said the toll was 11,300, attributing these figures to the Red Crescent.\n",
        "The Red Crescent denied issuing the figures, rejecting the death toll.\n",
    );
    assert!(named.iter().any(|(v, _)| v == "conflict"), "{named:?}");
    // no one is named as the figure's author: "someone announced figures" and "figures were
    // rejected" say nothing one could contradict
    let unnamed = event_groups(
        "He announced these confusing numbers on Monday.\n",
        "They rejected the figures on Tuesday.\n",
    );
    assert!(!unnamed.is_empty(), "both are events");
    assert!(!unnamed.iter().any(|(v, _)| v == "conflict"), "{unnamed:?}");
}
