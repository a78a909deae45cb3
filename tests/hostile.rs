//! Hostile and broken input: every case gives a clear one-line error or warning naming the
//! file, exit code 2 for errors, and the run goes on past per-file warnings. Never a panic.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn claimdiff() -> Command {
    Command::cargo_bin("claimdiff").unwrap()
}

#[test]
fn a_binary_file_is_skipped_with_a_warning_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("image.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    fs::write(dir.path().join("news.txt"), "قتل 20 شخصا في حمص.").unwrap();
    claimdiff()
        .args(["extract", "--format", "csv", dir.path().to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("image.txt: binary file, skipped"))
        .stdout(predicate::str::contains("20"));
}

#[test]
fn invalid_utf8_is_an_error_or_a_lossy_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.txt");
    fs::write(&p, b"killed 20 people in caf\xe9 district").unwrap();
    claimdiff()
        .args(["extract", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "latin1.txt: not valid UTF-8 (first bad byte at offset 23)",
        ));
    claimdiff()
        .args(["extract", "--lossy", "--format", "csv", p.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:").and(predicate::str::contains("latin1.txt")))
        .stdout(predicate::str::contains("20"));
}

#[test]
fn a_long_page_without_newlines_or_full_stops_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("page.txt");
    // (a weekday in every chunk: dating claims by it must not cost the page per claim)
    let chunk = "قتل 20 شخصا يوم السبت في حمص، ونزح 300 ألف شخص بحسب الأمم المتحدة، ";
    fs::write(&p, chunk.repeat(4000)).unwrap(); // about 400 KB, one line, one sentence
    let out = claimdiff()
        .args(["extract", "--format", "jsonl", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(lines.lines().count(), 8000);
    // a claim never carries the whole page as its sentence
    assert!(lines.lines().all(|l| l.len() < 8000));
}

#[test]
fn ten_thousand_small_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..10_000 {
        fs::write(
            dir.path().join(format!("{i:05}.txt")),
            format!("قتل {} شخصا.", i % 97 + 1),
        )
        .unwrap();
    }
    let out = claimdiff()
        .args(["extract", "--format", "jsonl", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        10_000
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("a")).unwrap();
    fs::write(dir.path().join("a/news.txt"), "قتل 20 شخصا.").unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
    claimdiff()
        .args(["extract", "--format", "csv", dir.path().to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // a link to nowhere cannot be read (and as root, permissions would not stop us)
    let p = dir.path().join("notes.txt");
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), &p).unwrap();
    claimdiff()
        .args(["extract", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.txt").and(predicate::str::starts_with("error: ")));
    // inside a folder, the same file stops the run too, naming it
    claimdiff()
        .args(["extract", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.txt"));
}

/// `rules test --rules DIR` with one file `name` holding `content` exits 2, its message naming
/// the file and saying `what`.
fn rule_file_is_refused(name: &str, content: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), content).unwrap();
    claimdiff()
        .args(["rules", "test", "--rules", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(name).and(predicate::str::contains(what)));
}

#[test]
fn a_duplicate_rule_entry_is_an_error_naming_the_file() {
    rule_file_is_refused(
        "dup.toml",
        "[[number]]\nforms = [\"خمسة\"]\nvalue = 6\nkind = \"unit\"\n",
        "given twice",
    );
}

#[test]
fn a_rule_with_a_bad_value_is_an_error_naming_the_file() {
    rule_file_is_refused(
        "bad.toml",
        "[[qualifier]]\nkind = \"roughly\"\nbefore = [\"تقريبا\"]\n",
        "roughly",
    );
    rule_file_is_refused("bad.toml", "[[unit]\nid = 1\n", "line 1");
    rule_file_is_refused(
        "days.toml",
        "[[weekday]]\nforms = [\"funday\"]\nday = 9\n",
        "not 1-7",
    );
    rule_file_is_refused(
        "range.toml",
        "[[category]]\nid = \"magnitude\"\nvalues = [10, 0]\n",
        "is no range",
    );
}

#[test]
fn a_pathological_rule_set_is_refused_not_slow() {
    let dir = tempfile::tempdir().unwrap();
    let forms: Vec<String> = (0..600_000).map(|i| format!("\"w{i}\"")).collect();
    fs::write(
        dir.path().join("huge.toml"),
        format!(
            "[[marker]]\nkind = \"chrome\"\nforms = [{}]\n",
            forms.join(",")
        ),
    )
    .unwrap();
    claimdiff()
        .args(["rules", "test", "--rules", dir.path().to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("phrases; at most"));
}

#[test]
fn the_rules_dir_must_exist() {
    claimdiff()
        .args(["extract", "--rules", "no/such/dir", "seeds/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
}
