//! `claimdiff check` in a temporary repository: sources are the seeds, drafts are written by
//! each test. Exit codes, line/column, baselines, inline ignores, config errors and every
//! output format.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

const CONFIG: &str = "sources = [\"sources/*.txt\"]\ndrafts = [\"drafts/**/*.md\"]\npublished = []\nmanifest = \"sources/sources.csv\"\n";

fn repo(draft: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("sources")).unwrap();
    fs::create_dir_all(root.join("drafts")).unwrap();
    for e in fs::read_dir("seeds").unwrap().flatten() {
        fs::copy(e.path(), root.join("sources").join(e.file_name())).unwrap();
    }
    fs::write(root.join("claimdiff.toml"), CONFIG).unwrap();
    fs::write(root.join("drafts/draft.md"), draft).unwrap();
    dir
}

fn check(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("claimdiff")
        .unwrap()
        .current_dir(root)
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

const CONTRADICTING: &str =
    "# مسودة\nأفاد المرصد السوري بأن الحصيلة بلغت 900 قتيل منذ بدء الهجوم.\n";

#[test]
fn a_draft_that_repeats_a_source_figure_has_no_finding() {
    let r = repo("# مسودة\nأفاد المرصد السوري بسقوط 826 قتيلا منذ بدء الهجوم.\n");
    let out = check(r.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn a_contradicting_draft_fails_with_line_and_column() {
    let r = repo(CONTRADICTING);
    let out = check(r.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // "900" is on line 2, after 36 characters
    assert!(
        stdout.contains("drafts/draft.md:2:37: error: 900 contradicts 826"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sources/002_1bc38f2b744bdc7d.txt:"),
        "the contradicted source is named: {stdout}"
    );
}

#[test]
fn a_baselined_finding_passes_and_a_new_one_fails() {
    let r = repo(CONTRADICTING);
    let out = check(r.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    let out = check(r.path(), &["--baseline", "baseline.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // a new contradiction is still reported
    fs::write(
        r.path().join("drafts/draft.md"),
        format!("{CONTRADICTING}وأفاد المرصد بمقتل 500 مدني في سوريا.\n"),
    )
    .unwrap();
    let out = check(r.path(), &["--baseline", "baseline.json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn an_ignored_line_is_silent() {
    let r =
        repo("# مسودة\nأفاد المرصد السوري بأن الحصيلة بلغت 900 قتيل. <!-- claimdiff: ignore -->\n");
    assert_eq!(check(r.path(), &[]).status.code(), Some(0));
}

#[test]
fn changed_limits_the_report_to_the_files_a_pull_request_touched() {
    let r = repo(CONTRADICTING);
    fs::write(r.path().join("drafts/other.md"), "نص بلا أرقام.\n").unwrap();
    assert_eq!(
        check(r.path(), &["--changed", "drafts/other.md"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        check(r.path(), &["--changed", "drafts/draft.md"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn unsupported_figures_follow_their_configured_severity() {
    let r = repo("# مسودة\nقتل 47 شخصا في مدينة اللاذقية.\n");
    let out = check(r.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning: no source states 47"));
    fs::write(
        r.path().join("claimdiff.toml"),
        format!("{CONFIG}\n[severity]\nunsupported = \"error\"\n"),
    )
    .unwrap();
    assert_eq!(check(r.path(), &[]).status.code(), Some(1));
    fs::write(
        r.path().join("claimdiff.toml"),
        format!("{CONFIG}\n[severity]\nunsupported = \"off\"\n"),
    )
    .unwrap();
    assert!(!String::from_utf8_lossy(&check(r.path(), &[]).stdout).contains("47"));
}

#[test]
fn published_pieces_that_disagree_are_reported() {
    let r = repo("");
    fs::write(
        r.path().join("claimdiff.toml"),
        CONFIG.replace("published = []\n", ""),
    )
    .unwrap();
    let out = check(r.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[cross]"));
}

#[test]
fn a_bad_config_is_exit_2_naming_the_key_and_line() {
    let r = repo(CONTRADICTING);
    fs::write(
        r.path().join("claimdiff.toml"),
        format!("{CONFIG}sauces = [\"x\"]\n"),
    )
    .unwrap();
    check_fails(r.path(), &["sauces", "line 5", "claimdiff.toml"]);
    fs::write(
        r.path().join("claimdiff.toml"),
        format!("{CONFIG}\n[severity]\nconflict = \"fatal\"\n"),
    )
    .unwrap();
    check_fails(r.path(), &["fatal", "claimdiff.toml"]);
    fs::write(
        r.path().join("claimdiff.toml"),
        format!("{CONFIG}\n[tolerance]\nkiled = 0.1\n"),
    )
    .unwrap();
    check_fails(r.path(), &["kiled"]);
    fs::remove_file(r.path().join("claimdiff.toml")).unwrap();
    check_fails(r.path(), &["claimdiff.toml"]);
}

fn check_fails(root: &Path, needles: &[&str]) {
    let out = check(root, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for n in needles {
        assert!(stderr.contains(n), "{n:?} not in {stderr}");
    }
}

fn snapshot_of(format: &str) -> String {
    let r = repo(&format!("{CONTRADICTING}قتل 47 شخصا في مدينة اللاذقية.\n"));
    let out = check(r.path(), &["--format", format]);
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn format_human() {
    insta::assert_snapshot!(snapshot_of("human"));
}

#[test]
fn format_json() {
    insta::assert_snapshot!(snapshot_of("json"));
}

#[test]
fn format_github() {
    let out = snapshot_of("github");
    assert!(out
        .lines()
        .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")));
    insta::assert_snapshot!(out);
}

#[test]
fn format_junit() {
    insta::assert_snapshot!(snapshot_of("junit"));
}

#[test]
fn format_sarif_has_the_required_fields_of_sarif_2_1_0() {
    let out = snapshot_of("sarif");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // required by the SARIF 2.1.0 schema: version, runs[].tool.driver.name, results[].message
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "claimdiff");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for res in run["results"].as_array().unwrap() {
        assert!(res["message"]["text"].is_string());
        assert!(rules.contains(&res["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note", "none"].contains(&res["level"].as_str().unwrap()));
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_dogfood_fixture_passes() {
    Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["check", "--config", "tests/fixtures/check/claimdiff.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 error(s)"));
}
