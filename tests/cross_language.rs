//! Arabic and English articles about one invented event (tests/fixtures/cross): claims group
//! across the two languages, units convert before judging, and each claim keeps its own words.

use assert_cmd::Command;

fn report() -> serde_json::Value {
    let out = Command::cargo_bin("claimdiff").unwrap().args(["compare", "--format", "json", "tests/fixtures/cross/"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn group<'a>(r: &'a serde_json::Value, category: &str) -> &'a serde_json::Value {
    r["groups"].as_array().unwrap().iter().find(|g| g["category"] == category).unwrap_or_else(|| panic!("no {category} group"))
}

fn texts(r: &serde_json::Value, g: &serde_json::Value) -> Vec<String> {
    let claims = r["claims"].as_array().unwrap();
    g["claims"].as_array().unwrap().iter().map(|id| claims.iter().find(|c| c["id"] == *id).unwrap()["text"].as_str().unwrap().to_string()).collect()
}

#[test]
fn languages_are_detected_from_the_manifest() {
    let r = report();
    let langs: Vec<&str> = r["documents"].as_array().unwrap().iter().map(|d| d["language"].as_str().unwrap()).collect();
    assert_eq!(langs, vec!["ar", "en"]);
}

#[test]
fn an_arabic_and_an_english_death_toll_of_the_same_day_conflict() {
    let r = report();
    let g = group(&r, "killed");
    assert_eq!(g["verdict"], "conflict");
    assert_eq!(g["subject"], "hatay");
    assert_eq!(texts(&r, g), vec!["120", "150"]);
    assert!(g["reason"].as_str().unwrap().contains("at least 150"), "{}", g["reason"]);
}

#[test]
fn miles_convert_to_km_before_judging() {
    let r = report();
    let g = group(&r, "depth");
    assert_eq!(g["verdict"], "agree", "{}", g["reason"]);
    assert_eq!(g["unit"], "km");
    assert_eq!(texts(&r, g), vec!["10 كيلومترات", "6 miles"]);
}

#[test]
fn a_rounded_arabic_figure_agrees_with_an_approximate_english_one() {
    let r = report();
    let g = group(&r, "buildings_destroyed");
    assert_eq!(g["verdict"], "agree", "{}", g["reason"]);
    assert_eq!(texts(&r, g), vec!["3 آلاف مبنى", "3,000 buildings"]);
}

#[test]
fn language_detection_by_script_without_a_manifest() {
    assert_eq!(claimdiff::load::detect_language("قتل 20 شخصا في حمص"), "ar");
    assert_eq!(claimdiff::load::detect_language("At least 20 people were killed in Homs"), "en");
}

#[test]
fn a_wire_tag_in_the_dateline_is_the_source_of_unattributed_figures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "BEIRUT (AP) — At least 40 people were killed in Homs on Friday.\n").unwrap();
    let out = Command::cargo_bin("claimdiff").unwrap().args(["extract", "--format", "json", dir.path().to_str().unwrap()]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = v["claims"].as_array().unwrap().iter().find(|c| c["category"] == "killed").unwrap();
    assert_eq!(c["source_id"], "ap");
}
