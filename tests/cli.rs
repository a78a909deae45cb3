//! The real binary on the seeds and on broken input: every output format is pinned by a
//! snapshot, every user error gives exit code 2 and a one-line message naming the file.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn claimdiff() -> Command {
    let mut c = Command::cargo_bin("claimdiff").unwrap();
    c.env("COLUMNS", "120");
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = claimdiff().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "claimdiff {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn compare_table_on_seeds() {
    insta::assert_snapshot!(stdout_of(&["compare", "seeds/"]));
}

#[test]
fn compare_csv_on_seeds() {
    insta::assert_snapshot!(stdout_of(&["compare", "--format", "csv", "seeds/"]));
}

#[test]
fn compare_json_on_seeds() {
    insta::assert_snapshot!(stdout_of(&[
        "compare",
        "--format",
        "json",
        "--manifest",
        "seeds/sources.csv",
        "seeds/"
    ]));
}

#[test]
fn compare_markdown_on_seeds() {
    insta::assert_snapshot!(stdout_of(&["compare", "--format", "markdown", "seeds/"]));
}

#[test]
fn extract_jsonl_on_seeds() {
    insta::assert_snapshot!(stdout_of(&["extract", "--format", "jsonl", "seeds/"]));
}

#[test]
fn extract_table_on_one_file() {
    insta::assert_snapshot!(stdout_of(&["extract", "seeds/004_eb7556d38df37801.txt"]));
}

#[test]
fn json_report_meets_the_eval_contract() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&["compare", "--format", "json", "seeds/"])).unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 5);
    let claims = v["claims"].as_array().unwrap();
    assert!(claims.len() > 40);
    for c in claims {
        for key in [
            "id",
            "doc",
            "start",
            "end",
            "text",
            "value",
            "low",
            "high",
            "qualifier",
            "unit",
            "category",
            "subject",
            "source",
            "sentence",
        ] {
            assert!(c.get(key).is_some(), "claim lacks {key}: {c}");
        }
    }
    let groups = v["groups"].as_array().unwrap();
    assert!(groups.iter().any(|g| g["verdict"] == "conflict"));
    assert!(groups.iter().any(|g| g["verdict"] == "agree"));
}

#[test]
fn byte_offsets_slice_the_original_files() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(&["extract", "--format", "json", "seeds/"])).unwrap();
    for c in v["claims"].as_array().unwrap() {
        let doc = v["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == c["doc"])
            .unwrap();
        let text = fs::read(doc["path"].as_str().unwrap()).unwrap();
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            std::str::from_utf8(&text[s..e]).unwrap(),
            c["text"].as_str().unwrap()
        );
    }
}

#[test]
fn order_of_paths_does_not_change_output() {
    let a = stdout_of(&[
        "compare",
        "--format",
        "json",
        "--manifest",
        "seeds/sources.csv",
        "seeds/004_eb7556d38df37801.txt",
        "seeds/000_c90ab00c3d206b15.txt",
        "seeds/002_1bc38f2b744bdc7d.txt",
    ]);
    let b = stdout_of(&[
        "compare",
        "--format",
        "json",
        "--manifest",
        "seeds/sources.csv",
        "seeds/002_1bc38f2b744bdc7d.txt",
        "seeds/000_c90ab00c3d206b15.txt",
        "seeds/004_eb7556d38df37801.txt",
    ]);
    assert_eq!(a, b);
}

#[test]
fn csv_bom_and_inert_cells() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "=HYPERLINK(\"x\") قتل 20 شخصا في حمص.\n",
    )
    .unwrap();
    let out = stdout_of(&[
        "compare",
        "--format",
        "csv",
        "--bom",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.starts_with('\u{feff}'));
    assert!(out.contains("'=HYPERLINK"), "{out}");
    assert!(!out.contains(",=HYPERLINK"));
}

#[test]
fn only_conflicts_and_fail_on_conflict() {
    let out = claimdiff()
        .args([
            "compare",
            "--only",
            "conflicts",
            "--format",
            "json",
            "--fail-on-conflict",
            "seeds/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["verdict"] == "conflict"));
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    claimdiff()
        .args([
            "compare",
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
            "seeds/",
        ])
        .assert()
        .success()
        .stdout("");
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert!(v["claims"].as_array().unwrap().len() > 40);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn stdin_is_a_document() {
    claimdiff()
        .args(["extract", "--format", "csv", "-"])
        .write_stdin("نزح 280 ألف شخص بحسب الأمم المتحدة")
        .assert()
        .success()
        .stdout(predicate::str::contains("280000"));
}

#[test]
fn empty_file_has_no_claims() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    let out = stdout_of(&["extract", "--format", "json", dir.path().to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["claims"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_file_is_exit_2_naming_it() {
    claimdiff()
        .args(["extract", "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no/such/file.txt")
                .and(predicate::str::starts_with("error: ")),
        );
}

#[test]
fn non_utf8_file_is_exit_2_naming_it_and_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.txt");
    fs::write(&p, b"abc \xff\xfe def").unwrap();
    claimdiff()
        .args(["extract", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.txt").and(predicate::str::contains("offset 4")));
}

#[test]
fn bad_manifest_rows_are_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "قتل 5 أشخاص").unwrap();
    let m = dir.path().join("m.csv");
    fs::write(
        &m,
        "file,outlet,date\na.txt,X,2024-12-06\nmissing.txt,Y,2024-12-06\n",
    )
    .unwrap();
    claimdiff()
        .args([
            "extract",
            "--manifest",
            m.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("m.csv:3").and(predicate::str::contains("missing.txt")));
    fs::write(&m, "file,outlet,date\na.txt,X,6/12/2024\n").unwrap();
    claimdiff()
        .args([
            "extract",
            "--manifest",
            m.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("m.csv:2").and(predicate::str::contains("YYYY-MM-DD")));
    fs::write(&m, "name,outlet\na.txt,X\n").unwrap();
    claimdiff()
        .args([
            "extract",
            "--manifest",
            m.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `file` column"));
    fs::write(&m, "file,outlet\na.txt,X\na.txt,Y\n").unwrap();
    claimdiff()
        .args([
            "extract",
            "--manifest",
            m.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("listed twice"));
}

#[test]
fn bad_rule_file_is_exit_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("extra.toml"),
        "[[unit]]\nid = \"camel\"\nforms = [\"جمل\"]\nplural = [\"جمال\"]\n",
    )
    .unwrap();
    claimdiff()
        .args(["extract", "--rules", dir.path().to_str().unwrap(), "seeds/"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("extra.toml")
                .and(predicate::str::contains("plural"))
                .and(predicate::str::contains("line 4")),
        );
}

#[test]
fn user_rules_extend_the_builtin_ones_and_rules_test_runs_their_examples() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("camels.toml"),
        "[[unit]]\nid = \"camel\"\nforms = [\"جمل\", \"جمال\"]\n\n[[category]]\nid = \"camels\"\nunits = [\"camel\"]\n\n[[test]]\ninput = \"نفق 40 جملا و300 جمل\"\nexpect = [\"40 exact camel camels\", \"300 exact camel camels\"]\n",
    )
    .unwrap();
    claimdiff()
        .args(["rules", "test", "--rules", dir.path().to_str().unwrap()])
        .assert()
        .success();
    fs::write(
        dir.path().join("camels.toml"),
        "[[test]]\ninput = \"نفق 40 جملا\"\nexpect = [\"41 exact camel camels\"]\n",
    )
    .unwrap();
    claimdiff()
        .args(["rules", "test", "--rules", dir.path().to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("camels.toml"));
}

#[test]
fn help_documents_exit_codes() {
    claimdiff()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
}

fn seeds_jsonl() -> String {
    let manifest = fs::read_to_string("seeds/sources.csv").unwrap();
    let mut out = String::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let text = fs::read_to_string(format!("seeds/{}", cols[0])).unwrap();
        let id = cols[0].trim_end_matches(".txt");
        out.push_str(&serde_json::json!({"id": id, "outlet": cols[1], "date": cols[2], "url": "", "language": "ar", "text": text}).to_string());
        out.push('\n');
    }
    out
}

#[test]
fn jsonl_streams_from_stdin_to_stdout_and_compare_groups_claims_extracted_elsewhere() {
    // the map step: articles in, claims out, one a line
    let out = claimdiff()
        .args(["extract", "--jsonl", "-", "--format", "jsonl"])
        .write_stdin(seeds_jsonl())
        .output()
        .unwrap();
    assert!(out.status.success());
    let claims = String::from_utf8(out.stdout).unwrap();
    assert!(claims.lines().count() > 100);
    assert!(claims
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    // the reduce step: the same groups as comparing the files directly
    let from_claims: serde_json::Value = serde_json::from_slice(
        &claimdiff()
            .args(["compare", "--claims", "-", "--format", "json"])
            .write_stdin(claims)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let direct: serde_json::Value =
        serde_json::from_str(&stdout_of(&["compare", "--format", "json", "seeds/"])).unwrap();
    let verdicts = |r: &serde_json::Value| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["verdict"].to_string(),
                    g["category"].to_string(),
                    g["claims"].as_array().unwrap().len(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&from_claims), verdicts(&direct));
}

/// (id, kind, start) of each claim line of a JSONL output.
fn jsonl_ids(out: &str) -> Vec<(String, String, u64)> {
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["kind"].as_str().unwrap().to_string(),
                v["start"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn jsonl_extract_streams_by_chunks_with_the_ids_and_kind_filter_of_the_json_format() {
    // the JSON format holds every claim at once: the reference for ids and order
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "extract", "--format", "json", "--kind", "event", "seeds/",
    ]))
    .unwrap();
    let expected: Vec<(String, String, u64)> = json["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["start"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(expected.len() > 20);
    assert!(expected.iter().all(|(_, kind, _)| kind == "event"));
    // a folder, written a chunk at a time: the same claims, ids and order
    let from_folder = stdout_of(&["extract", "--format", "jsonl", "--kind", "event", "seeds/"]);
    assert_eq!(jsonl_ids(&from_folder), expected);
    // a JSONL corpus on stdin filters by kind too (it once wrote every kind)
    let out = claimdiff()
        .args([
            "extract", "--jsonl", "-", "--format", "jsonl", "--kind", "event",
        ])
        .write_stdin(seeds_jsonl())
        .output()
        .unwrap();
    assert!(out.status.success());
    let from_stdin = jsonl_ids(&String::from_utf8(out.stdout).unwrap());
    assert!(!from_stdin.is_empty());
    assert!(from_stdin.iter().all(|(_, kind, _)| kind == "event"));
}

#[test]
fn a_jsonl_line_that_is_not_json_names_its_line() {
    claimdiff()
        .args(["extract", "--jsonl", "-", "--format", "jsonl"])
        .write_stdin("{\"id\":\"a\",\"text\":\"قتل 5 أشخاص\"}\nnot json\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-:2: not an article"));
}

/// The claims of `text` (one article `a.txt`) read with a manifest date `date`, as JSON.
fn claims_with_manifest_date(text: &str, date: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), text).unwrap();
    let m = dir.path().join("m.csv");
    fs::write(&m, format!("file,outlet,date\na.txt,X,{date}\n")).unwrap();
    let out = stdout_of(&[
        "extract",
        "--format",
        "json",
        "--manifest",
        m.to_str().unwrap(),
        dir.path().join("a.txt").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["claims"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_partial_manifest_date_is_kept_with_its_precision() {
    for (date, year) in [("2023-09", "2023"), ("2019", "2019")] {
        let claims =
            claims_with_manifest_date("The dam failed on Sept 10 and 40 homes fell.", date);
        let day = claims
            .iter()
            .find(|c| c["unit"] == "date")
            .expect("a date claim");
        assert_eq!(
            day["value"],
            format!("{year}-09-10"),
            "manifest date {date}"
        );
    }
    // a date that is no date at any precision is still refused
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "x").unwrap();
    let m = dir.path().join("m.csv");
    fs::write(&m, "file,outlet,date\na.txt,X,2023-13\n").unwrap();
    claimdiff()
        .args([
            "extract",
            "--manifest",
            m.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM"));
}

#[test]
fn a_date_without_a_year_takes_the_publication_year() {
    let claims = claims_with_manifest_date("The blast on Aug 4 shook the port.", "2020-08-06");
    assert_eq!(claims[0]["value"], "2020-08-04");
    let claims = claims_with_manifest_date("وقع الانفجار يوم 4 آب في المرفأ.", "2020-08-06");
    assert_eq!(claims[0]["value"], "2020-08-04");
}

#[test]
fn an_article_without_a_manifest_date_takes_the_date_its_address_carries() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "The blast on Aug 4 shook the port.",
    )
    .unwrap();
    let m = dir.path().join("m.csv");
    fs::write(
        &m,
        "file,outlet,date,url\na.txt,X,,http://example.news/fr/2020/08/beirut-blast/\n",
    )
    .unwrap();
    let out = claimdiff()
        .args([
            "compare",
            "--format",
            "json",
            "--manifest",
            m.to_str().unwrap(),
        ])
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"][0]["date"], "2020-08");
    assert_eq!(v["documents"][0]["date_source"], "url");
    assert_eq!(v["claims"][0]["value"], "2020-08-04");
}

#[test]
fn an_unreadable_manifest_is_named_with_its_reason_said_once() {
    let out = claimdiff()
        .args(["compare", "--manifest", "no-such-manifest.csv", "seeds/"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.starts_with("error: no-such-manifest.csv: "), "{err}");
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}
