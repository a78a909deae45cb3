//! `claimdiff eval` against the reference scorer `shared/eval/score.py`: the same figures on the
//! same report (live where python3 and ../shared/eval exist, else against figures score.py gave
//! on recorded reports), a draft gold from `extract --format gold` scoring 1.0, exit codes, the
//! output formats, and the laws of scoring (proptest).

use assert_cmd::Command;
use claimdiff::eval::{score, ClaimKind, Gold, Reported};
use claimdiff::model::{Claim, Document, Group, Report, Value, Verdict};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const FIGURES: [&str; 7] = [
    "recall",
    "precision",
    "value_accuracy",
    "pair_recall",
    "conflict_recall",
    "conflict_precision",
    "false_conflicts",
];
const COUNTS: [&str; 13] = [
    "required",
    "found",
    "system_claims",
    "false_positives",
    "valued",
    "right",
    "pairs",
    "hit_pairs",
    "conflict_groups",
    "conflict_found",
    "sys_conflicts",
    "true_conflicts",
    "false_conflicts",
];

fn claimdiff() -> Command {
    let mut c = Command::cargo_bin("claimdiff").unwrap();
    c.env("COLUMNS", "120");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eval")
        .join(name)
}

/// ../shared/eval beside the project, when this checkout has it (CI's clean clone does not).
fn shared_eval() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    dir.join("score.py").is_file().then_some(dir)
}

fn python() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn eval_json(gold: &Path, report: &Path, kind: &str) -> serde_json::Value {
    run_json(
        claimdiff()
            .args(["eval", "--format", "json", "--kind", kind])
            .args([
                "--gold".as_ref(),
                gold.as_os_str(),
                "--report".as_ref(),
                report.as_os_str(),
            ]),
    )
}

fn score_py(shared: &Path, gold: &Path, report: &Path, kind: &str) -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .arg(shared.join("score.py"))
        .args(["--json", "--kind", kind, "--gold"])
        .arg(gold)
        .arg("--report")
        .arg(report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "score.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every figure and count of score.py, equal in eval's JSON.
fn assert_same_figures(what: &str, eval: &serde_json::Value, reference: &serde_json::Value) {
    for key in FIGURES.iter().chain(&COUNTS) {
        assert!(
            reference.get(key).is_some(),
            "{what}: score.py gave no {key}"
        );
        let (a, b) = (&eval[key], &reference[key]);
        let same = match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        };
        assert!(same, "{what}: {key}: eval {a} vs score.py {b}");
    }
}

/// The JSON report of `compare` on `args`, written to a file in `dir`.
fn compare_report(dir: &Path, name: &str, args: &[&Path]) -> PathBuf {
    let out = claimdiff()
        .args(["compare", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join(name);
    std::fs::write(&path, out.stdout).unwrap();
    path
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

#[test]
fn eval_gives_score_py_figures_on_recorded_seed_reports() {
    // the recorded report is today's compare output cut to the contract's fields; the recorded
    // figures are what score.py printed on it
    for (kind, gold, figures) in [
        ("figure", "seeds.gold.jsonl", "seeds.figures.json"),
        (
            "event",
            "seeds.events.gold.jsonl",
            "seeds.events.figures.json",
        ),
    ] {
        let recorded: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(figures)).unwrap()).unwrap();
        let got = eval_json(&fixture(gold), &fixture("seeds.report.json"), kind);
        assert_same_figures(&format!("seeds {kind}"), &got, &recorded);
    }
}

#[test]
fn eval_gives_score_py_figures_on_todays_seed_report() {
    let Some(shared) = shared_eval().filter(|_| python()) else {
        println!(
            "skipped: no python3 or ../shared/eval/score.py; the recorded figures are checked"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let manifest = seeds().join("sources.csv");
    let report = compare_report(
        dir.path(),
        "seeds.json",
        &["--manifest".as_ref(), &manifest, &seeds()],
    );
    for (kind, gold) in [
        ("figure", "seeds.gold.jsonl"),
        ("event", "seeds.events.gold.jsonl"),
    ] {
        let gold = shared.join(gold);
        let reference = score_py(&shared, &gold, &report, kind);
        assert_same_figures(
            &format!("seeds {kind}"),
            &eval_json(&gold, &report, kind),
            &reference,
        );
    }
}

#[test]
fn eval_gives_score_py_figures_on_each_cluster() {
    let Some(shared) = shared_eval() else {
        println!("skipped: no ../shared/eval (the clusters are not in this repository)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut clusters: Vec<PathBuf> = std::fs::read_dir(shared.join("clusters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("gold.jsonl").is_file())
        .collect();
    clusters.sort();
    assert!(!clusters.is_empty());
    for cluster in clusters {
        let name = cluster.file_name().unwrap().to_string_lossy().into_owned();
        for (kind, gold) in [("figure", "gold.jsonl"), ("event", "events.gold.jsonl")] {
            let gold = cluster.join(gold);
            if !gold.is_file() {
                continue;
            }
            // a recorded report of this cluster, with the figures score.py gave on it
            let recorded = fixture(&format!("{name}.report.json"));
            let figures = fixture(&format!("{name}.{kind}.figures.json"));
            if recorded.is_file() && figures.is_file() {
                let want: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&figures).unwrap()).unwrap();
                let got = eval_json(&gold, &recorded, kind);
                assert_same_figures(&format!("{name} {kind} (recorded)"), &got, &want);
            }
            if python() {
                let manifest = cluster.join("sources.csv");
                let report = compare_report(
                    dir.path(),
                    &format!("{name}.json"),
                    &["--manifest".as_ref(), &manifest, &cluster],
                );
                let reference = score_py(&shared, &gold, &report, kind);
                let got = eval_json(&gold, &report, kind);
                assert_same_figures(&format!("{name} {kind}"), &got, &reference);
            }
        }
    }
}

#[test]
fn eval_of_paths_scores_what_compare_reports() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = seeds().join("sources.csv");
    let report = compare_report(
        dir.path(),
        "seeds.json",
        &["--manifest".as_ref(), &manifest, &seeds()],
    );
    let gold = fixture("seeds.gold.jsonl");
    let direct = run_json(
        claimdiff()
            .args(["eval", "--format", "json", "--gold"])
            .arg(&gold)
            .arg("--manifest")
            .arg(&manifest)
            .arg(seeds()),
    );
    assert_eq!(direct, eval_json(&gold, &report, "figure"));
}

/// `extract --format gold` of some articles, written to `dir/name`.
fn draft(dir: &Path, name: &str, kind: &str, manifest: &Path, articles: &Path) -> PathBuf {
    let out = claimdiff()
        .args(["extract", "--format", "gold", "--kind", kind, "--manifest"])
        .arg(manifest)
        .arg(articles)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn assert_perfect(what: &str, figures: &serde_json::Value) {
    for key in &FIGURES[..6] {
        assert_eq!(
            figures[key].as_f64(),
            Some(1.0),
            "{what}: {key} in {figures}"
        );
    }
    assert_eq!(figures["false_conflicts"], 0, "{what}");
    assert!(
        figures["required"].as_u64().unwrap() > 0,
        "{what}: an empty draft"
    );
}

#[test]
fn a_draft_gold_of_the_seeds_scores_one() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = seeds().join("sources.csv");
    for kind in ["figure", "event"] {
        let gold = draft(
            dir.path(),
            &format!("{kind}.jsonl"),
            kind,
            &manifest,
            &seeds(),
        );
        Gold::read(&gold).expect("the draft is valid gold");
        let got = run_json(
            claimdiff()
                .args(["eval", "--format", "json", "--kind", kind, "--gold"])
                .arg(&gold)
                .arg("--manifest")
                .arg(&manifest)
                .arg(seeds()),
        );
        assert_perfect(&format!("seeds {kind}"), &got);
    }
}

#[test]
fn a_draft_gold_of_each_cluster_scores_one() {
    let Some(shared) = shared_eval() else {
        println!("skipped: no ../shared/eval (the clusters are not in this repository)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shared.join("clusters")).unwrap() {
        let cluster = entry.unwrap().path();
        let manifest = cluster.join("sources.csv");
        if !manifest.is_file() {
            continue;
        }
        let name = cluster.file_name().unwrap().to_string_lossy().into_owned();
        for kind in ["figure", "event"] {
            let gold = draft(
                dir.path(),
                &format!("{name}.{kind}.jsonl"),
                kind,
                &manifest,
                &cluster,
            );
            let got = run_json(
                claimdiff()
                    .args(["eval", "--format", "json", "--kind", kind, "--gold"])
                    .arg(&gold)
                    .arg("--manifest")
                    .arg(&manifest)
                    .arg(&cluster),
            );
            assert_perfect(&format!("{name} {kind}"), &got);
        }
    }
}

fn eval_stderr(gold_text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.jsonl");
    std::fs::write(&gold, gold_text).unwrap();
    let out = claimdiff()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("--report")
        .arg(fixture("seeds.report.json"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CLAIM_A: &str = r#"{"kind": "claim", "id": "a", "doc": "x.txt", "start": 10, "end": 14, "text": "1183", "value": 1183, "required": true}"#;

#[test]
fn a_malformed_gold_line_is_exit_2_naming_file_and_line() {
    let (code, err) = eval_stderr(&format!(
        "{CLAIM_A}\n\n{{\"kind\": \"claim\", \"id\": \"b\"\n"
    ));
    assert_eq!(code, 2);
    assert!(err.contains("gold.jsonl:3:"), "{err}");
    let (code, err) = eval_stderr(&format!("{CLAIM_A}\n{{\"kind\": \"claim\", \"id\": \"b\", \"doc\": \"x.txt\", \"start\": 20, \"end\": 22, \"value\": 5}}\n"));
    assert_eq!(code, 2);
    assert!(
        err.contains("gold.jsonl:2:") && err.contains("required"),
        "{err}"
    );
    let (code, err) = eval_stderr("{\"kind\": \"clam\"}\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("gold.jsonl:1:") && err.contains("clam"),
        "{err}"
    );
}

#[test]
fn a_group_naming_an_undefined_claim_is_exit_2() {
    let group = r#"{"kind": "group", "id": "g", "verdict": "agree", "members": ["a", "zz"]}"#;
    let (code, err) = eval_stderr(&format!("{CLAIM_A}\n{group}\n"));
    assert_eq!(code, 2);
    assert!(err.contains("gold.jsonl:2:") && err.contains("zz"), "{err}");
    let distinct = r#"{"kind": "distinct", "members": ["a", "nope"]}"#;
    let (code, err) = eval_stderr(&format!("{CLAIM_A}\n{distinct}\n"));
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn overlapping_gold_spans_are_exit_2() {
    let b = r#"{"kind": "claim", "id": "b", "doc": "x.txt", "start": 12, "end": 30, "text": "83 people", "value": 83, "required": true}"#;
    let (code, err) = eval_stderr(&format!("{CLAIM_A}\n{b}\n"));
    assert_eq!(code, 2);
    assert!(
        err.contains("gold.jsonl:2:") && err.contains("line 1"),
        "{err}"
    );
    // the same offsets in another document are no overlap
    let c = b.replace("x.txt", "y.txt");
    assert_eq!(eval_stderr(&format!("{CLAIM_A}\n{c}\n")).0, 0);
}

#[test]
fn thresholds_gate_the_exit_code() {
    let base = || {
        let mut c = claimdiff();
        c.args(["eval", "--gold"])
            .arg(fixture("seeds.gold.jsonl"))
            .arg("--report")
            .arg(fixture("seeds.report.json"));
        c
    };
    base()
        .args(["--min-recall", "0", "--max-false-conflicts", "1000"])
        .assert()
        .code(0);
    let out = base().args(["--min-recall", "1.01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("short: recall"));
    let out = base()
        .args(["--min-conflict-precision", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn eval_help_documents_the_exit_codes() {
    let out = claimdiff().args(["eval", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("fell short of a threshold") && help.contains("malformed gold line"));
}

/// `eval -v` on the hand-made case that holds one miss of each kind.
fn eval_output(format: &str) -> String {
    let out = claimdiff()
        .args(["eval", "-v", "--format", format, "--gold"])
        .arg(fixture("misses.gold.jsonl"))
        .arg("--report")
        .arg(fixture("misses.report.json"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn eval_table_lists_every_kind_of_miss() {
    insta::assert_snapshot!(eval_output("table"));
}

#[test]
fn eval_markdown_lists_every_kind_of_miss() {
    insta::assert_snapshot!(eval_output("markdown"));
}

#[test]
fn eval_json_lists_every_kind_of_miss() {
    insta::assert_snapshot!(eval_output("json"));
}

// ---- the laws of scoring, on generated gold ----

/// A generated gold: claims in three documents at disjoint spans, with values, required
/// flags, groups (conflict groups hold differing values from two documents) and distinct pairs.
#[derive(Debug, Clone)]
struct Case {
    /// (doc index, value, required)
    claims: Vec<(usize, Option<u32>, bool)>,
    /// (verdict, member indices)
    groups: Vec<(&'static str, Vec<usize>)>,
    distinct: Vec<(usize, usize)>,
}

fn case() -> impl Strategy<Value = Case> {
    let claim = (
        0..3usize,
        proptest::option::weighted(0.8, 1..5u32),
        proptest::bool::weighted(0.8),
    );
    proptest::collection::vec(claim, 2..16)
        .prop_flat_map(|claims| {
            let n = claims.len();
            let groups = proptest::collection::vec(
                (
                    prop_oneof![Just("agree"), Just("conflict"), Just("either")],
                    proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 2..=n.min(4)),
                ),
                0..3,
            );
            let distinct = proptest::collection::vec((0..n, 0..n), 0..3);
            (Just(claims), groups, distinct)
        })
        .prop_map(|(claims, groups, distinct)| {
            // each claim in at most one group; a conflict group needs two documents with
            // different values, else it is an agree group
            let mut used = vec![false; claims.len()];
            let mut kept = Vec::new();
            for (verdict, members) in groups {
                let members: Vec<usize> = members.into_iter().filter(|m| !used[*m]).collect();
                if members.len() < 2 {
                    continue;
                }
                members.iter().for_each(|m| used[*m] = true);
                let differing = members.iter().any(|a| {
                    members.iter().any(|b| {
                        claims[*a].0 != claims[*b].0
                            && claims[*a].1.is_some()
                            && claims[*a].1 != claims[*b].1
                    })
                });
                let verdict = if verdict == "conflict" && !differing {
                    "agree"
                } else {
                    verdict
                };
                kept.push((verdict, members));
            }
            // distinct pairs never inside one group
            let group_of = |i: usize| kept.iter().position(|(_, m)| m.contains(&i));
            let distinct = distinct
                .into_iter()
                .filter(|(a, b)| a != b && (group_of(*a).is_none() || group_of(*a) != group_of(*b)))
                .collect();
            Case {
                claims,
                groups: kept,
                distinct,
            }
        })
}

fn gold_text(case: &Case) -> String {
    let mut lines = Vec::new();
    for (i, (doc, value, required)) in case.claims.iter().enumerate() {
        lines.push(serde_json::json!({
            "kind": "claim", "id": format!("g{i}"), "doc": format!("d{doc}.txt"),
            "start": 10 * i, "end": 10 * i + 4, "text": "four",
            "value": value, "qualifier": "exact", "required": required,
        }));
    }
    for (i, (verdict, members)) in case.groups.iter().enumerate() {
        let members: Vec<String> = members.iter().map(|m| format!("g{m}")).collect();
        lines.push(serde_json::json!({"kind": "group", "id": format!("grp{i}"), "verdict": verdict, "members": members}));
    }
    for (a, b) in &case.distinct {
        lines.push(
            serde_json::json!({"kind": "distinct", "members": [format!("g{a}"), format!("g{b}")]}),
        );
    }
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

/// The report a perfect tool gives: every gold claim at its span with its value, every gold
/// group as a group judged `conflict` (a gold conflict) or `agree`.
fn report_of(case: &Case) -> Report {
    let documents = (0..3)
        .map(|d| Document {
            id: format!("d{d}"),
            path: format!("news/d{d}.txt"),
            outlet: String::new(),
            date: None,
            date_source: "unknown".into(),
            language: if d == 2 { "en" } else { "ar" }.into(),
            url: None,
            text: String::new(),
        })
        .collect();
    let claims = case
        .claims
        .iter()
        .enumerate()
        .map(|(i, (doc, value, _))| Claim {
            id: format!("c{i}"),
            kind: "figure".into(),
            doc: format!("d{doc}"),
            start: 10 * i + 1,
            end: 10 * i + 3,
            value: value.map(|v| Value::Number(v as f64)),
            ..Claim::default()
        })
        .collect();
    let groups = case
        .groups
        .iter()
        .enumerate()
        .map(|(i, (verdict, members))| Group {
            id: format!("s{i}"),
            kind: "figure".into(),
            category: String::new(),
            unit: String::new(),
            subject: String::new(),
            quantity: String::new(),
            scope: String::new(),
            window: Vec::new(),
            verdict: if *verdict == "conflict" {
                Verdict::Conflict
            } else {
                Verdict::Agree
            },
            reason: String::new(),
            claims: members.iter().map(|m| format!("c{m}")).collect(),
            outlets: Vec::new(),
            sources: Vec::new(),
            independent_sources: 0,
            timeline: Vec::new(),
        })
        .collect();
    Report {
        documents,
        claims,
        groups,
    }
}

proptest! {
    #[test]
    fn a_report_made_from_the_gold_scores_one(case in case()) {
        let gold = Gold::parse(&gold_text(&case), Path::new("gen.jsonl")).unwrap();
        let card = score(&gold, &Reported::from(&report_of(&case)), ClaimKind::Figure);
        let f = card.counts.figures();
        prop_assert_eq!(f.recall, 1.0);
        prop_assert_eq!(f.precision, 1.0);
        prop_assert_eq!(f.value_accuracy, 1.0);
        prop_assert_eq!(f.pair_recall, 1.0);
        prop_assert_eq!(f.conflict_recall, 1.0);
        prop_assert_eq!(f.conflict_precision, 1.0);
        prop_assert_eq!(f.false_conflicts, 0);
        prop_assert!(card.misses.is_empty(), "{:?}", card.misses);
        for (name, c) in card.by_category.iter().chain(&card.by_language) {
            prop_assert_eq!(c.found, c.required, "{}", name);
            prop_assert_eq!(c.false_positives, 0, "{}", name);
        }
    }

    #[test]
    fn removing_one_claim_lowers_recall_by_one_required_claim(case in case(), pick in any::<proptest::sample::Index>()) {
        let gold = Gold::parse(&gold_text(&case), Path::new("gen.jsonl")).unwrap();
        let full = score(&gold, &Reported::from(&report_of(&case)), ClaimKind::Figure).counts;
        let i = pick.index(case.claims.len());
        let mut report = report_of(&case);
        report.claims.remove(i);
        let less = score(&gold, &Reported::from(&report), ClaimKind::Figure).counts;
        let required = usize::from(case.claims[i].2);
        prop_assert_eq!(less.required, full.required);
        prop_assert_eq!(less.found, full.found - required);
        prop_assert_eq!(less.system_claims, full.system_claims - 1);
        prop_assert_eq!(less.false_positives, 0);
        if required == 1 {
            prop_assert_eq!(less.figures().recall, (full.required - 1) as f64 / full.required as f64);
        }
    }
}

#[test]
fn extract_format_gold_on_one_file() {
    let out = claimdiff()
        .args([
            "extract",
            "--format",
            "gold",
            "seeds/004_eb7556d38df37801.txt",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    Gold::parse(&text, Path::new("draft.jsonl")).expect("a draft is valid gold");
    insta::assert_snapshot!(text);
}
