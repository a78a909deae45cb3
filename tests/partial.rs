//! The merge of scripts/spark/claimdiff_spark.py in miniature, on the real binary and the
//! seeds: one `compare --claims - --partial` per partition key, groups sorted and numbered
//! as one process numbers them, must give the groups of one `compare --claims` (the Spark job
//! itself is tested on the real engine by scripts/spark/test_spark.sh).

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;

fn run(args: &[&str], stdin: &str) -> String {
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "claimdiff {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn verdict_rank(v: &Value) -> usize {
    ["conflict", "update", "agree", "single"]
        .iter()
        .position(|x| v == x)
        .unwrap_or(usize::MAX)
}

#[test]
fn groups_per_key_merge_into_the_one_process_report() {
    let lines = run(
        &[
            "extract",
            "--format",
            "jsonl",
            "--manifest",
            "seeds/sources.csv",
            "seeds/",
        ],
        "",
    );
    let whole: Value = serde_json::from_str(&run(
        &["compare", "--claims", "-", "--format", "json"],
        &lines,
    ))
    .unwrap();
    // extract numbers claims in the order one process does: the ids carry over
    let claims: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&Value> = claims.iter().map(|c| &c["id"]).collect();
    let whole_ids: Vec<&Value> = whole["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, whole_ids);

    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    for (line, c) in lines.lines().zip(&claims) {
        let key = c["partition"].as_str().unwrap_or("").to_string();
        if !key.is_empty() {
            let text = by_key.entry(key).or_default();
            text.push_str(line);
            text.push('\n');
        }
    }
    assert!(by_key.len() > 3, "the seeds hold several keys");
    let pos = |id: &Value| ids.iter().position(|x| *x == id).unwrap();
    let mut merged: Vec<((usize, usize, String, usize), Value)> = Vec::new();
    for (key, text) in &by_key {
        let out = run(&["compare", "--claims", "-", "--partial"], text);
        for (k, line) in out.lines().enumerate() {
            let g: Value = serde_json::from_str(line).unwrap();
            let first = pos(&g["claims"][0]);
            merged.push(((verdict_rank(&g["verdict"]), first, key.clone(), k), g));
        }
    }
    merged.sort_by(|a, b| a.0.cmp(&b.0));
    let merged: Vec<Value> = merged
        .into_iter()
        .enumerate()
        .map(|(n, (_, mut g))| {
            g["id"] = Value::from(format!("g{}", n + 1));
            g
        })
        .collect();
    assert!(!merged.is_empty());
    assert_eq!(&Value::from(merged), &whole["groups"]);
}

#[test]
fn partial_needs_claims_and_distinct_ids() {
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--partial", "seeds/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = r#"{"id":"c1","kind":"figure","doc":"a","start":0,"end":2,"text":"12","sentence":"12 killed","value":12.0,"low":12.0,"high":12.0,"qualifier":"exact","unit":"person","category":"killed","subject":"","subject_id":"","source":"","source_id":""}"#;
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--claims", "-", "--partial"])
        .write_stdin(format!("{line}\n{line}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-:2:") && err.contains("repeated"), "{err}");
}
