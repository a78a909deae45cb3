//! The identical-output guard: the real binary's `extract --format jsonl` and
//! `compare --format json` on the seeds, on each development cluster in
//! `../shared/eval/clusters/` and on a generated corpus (`examples/make-corpus.rs`, 1 MB), and
//! `extract` on the files of the seeds and of each cluster without their manifest (dates read
//! from datelines), must give byte for byte the output recorded in `tests/identical/sha256sums` (SHA-256 of stdout,
//! one case a line). It lets the extractor's hot path be rewritten for speed (issue 15) with
//! proof that nothing a user sees changed.
//!
//! When output changes on purpose (new rules, grouping), record it again and say so in the
//! commit message:
//!
//!     CLAIMDIFF_UPDATE_IDENTICAL=1 cargo test --test identical
//!
//! On a mismatch the new output is written under `target/tmp/identical/` so it can be diffed
//! against the output of the previous binary. The clusters live outside the repository: their
//! cases are skipped (with a message) where `../shared/eval/clusters` is absent, and their
//! recorded hashes are kept as they are by an update made without them.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[path = "../examples/make-corpus.rs"]
#[allow(dead_code)]
mod make_corpus;

const RECORD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/identical/sha256sums");
/// The generated corpus: large enough to meet every rule many times, small enough for a debug
/// build (3 MB took 44 s there, 1 MB takes 9 s).
const GENERATED_SIZE: u64 = 1 << 20;

/// Serialises reads and writes of the record between the tests of this file.
static RECORD_LOCK: Mutex<()> = Mutex::new(());

fn updating() -> bool {
    std::env::var_os("CLAIMDIFF_UPDATE_IDENTICAL").is_some_and(|v| v == "1")
}

fn read_record() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(RECORD).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (hash, case) = line.split_once("  ")?;
            Some((case.to_string(), hash.to_string()))
        })
        .collect()
}

fn write_record(record: &BTreeMap<String, String>) {
    let text: String = record
        .iter()
        .map(|(case, hash)| format!("{hash}  {case}\n"))
        .collect();
    std::fs::create_dir_all(Path::new(RECORD).parent().unwrap()).unwrap();
    std::fs::write(RECORD, text).unwrap();
}

/// One run of the binary: a case name, the folder it runs in and its arguments (paths relative
/// to that folder, so the output names the same paths wherever the repository is).
struct Case {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
}

impl Case {
    fn new(name: &str, dir: &Path, args: &[&str]) -> Case {
        Case {
            name: name.to_string(),
            dir: dir.to_path_buf(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// Runs every case and compares (or, when updating, records) the hash of its stdout. All
/// mismatches are reported together.
fn check(cases: &[Case]) {
    let outputs: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|case| {
            let out = Command::cargo_bin("claimdiff")
                .unwrap()
                .current_dir(&case.dir)
                .args(&case.args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: claimdiff {:?} failed: {}",
                case.name,
                case.args,
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!out.stdout.is_empty(), "{}: empty output", case.name);
            (case.name.clone(), out.stdout)
        })
        .collect();
    let _guard = RECORD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut record = read_record();
    let mut mismatches = Vec::new();
    for (name, stdout) in &outputs {
        let hash: String = Sha256::digest(stdout)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if updating() {
            record.insert(name.clone(), hash);
            continue;
        }
        match record.get(name) {
            Some(recorded) if *recorded == hash => {}
            recorded => {
                let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("identical");
                std::fs::create_dir_all(&dir).unwrap();
                let saved = dir.join(name);
                std::fs::write(&saved, stdout).unwrap();
                mismatches.push(format!(
                    "{name}: recorded {}, now {hash} ({} bytes, written to {})",
                    recorded.map_or("nothing", |r| r.as_str()),
                    stdout.len(),
                    saved.display()
                ));
            }
        }
    }
    if updating() {
        write_record(&record);
        return;
    }
    assert!(
        mismatches.is_empty(),
        "output changed; if on purpose, run CLAIMDIFF_UPDATE_IDENTICAL=1 cargo test --test \
         identical and say so in the commit message:\n{}",
        mismatches.join("\n")
    );
}

/// extract and compare on one folder with its manifest, run from `base`.
fn folder_cases(prefix: &str, base: &Path, folder: &str) -> Vec<Case> {
    let manifest = format!("{folder}/sources.csv");
    vec![
        Case::new(
            &format!("{prefix}.extract.jsonl"),
            base,
            &["extract", "--format", "jsonl", folder],
        ),
        Case::new(
            &format!("{prefix}.compare.json"),
            base,
            &[
                "compare",
                "--format",
                "json",
                "--manifest",
                &manifest,
                folder,
            ],
        ),
    ]
}

/// extract on the `.txt` files of a folder named one by one: no manifest is read, so each
/// document's date comes from its dateline (the first or last lines of its text).
fn no_manifest_case(prefix: &str, base: &Path, folder: &str) -> Case {
    let mut files: Vec<String> = std::fs::read_dir(base.join(folder))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .map(|name| format!("{folder}{name}"))
        .collect();
    files.sort();
    let mut args = vec!["extract", "--format", "jsonl"];
    args.extend(files.iter().map(String::as_str));
    Case::new(&format!("{prefix}.no-manifest.extract.jsonl"), base, &args)
}

#[test]
fn seeds_give_the_recorded_output() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = folder_cases("seeds", base, "seeds/");
    cases.push(no_manifest_case("seeds", base, "seeds/"));
    check(&cases);
}

#[test]
fn development_clusters_give_the_recorded_output() {
    let clusters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/clusters");
    let Ok(entries) = std::fs::read_dir(&clusters) else {
        println!(
            "skipped: {} is absent (the clusters live outside the repository)",
            clusters.display()
        );
        return;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("sources.csv").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        !names.is_empty(),
        "no cluster with a sources.csv in {}",
        clusters.display()
    );
    let cases: Vec<Case> = names
        .iter()
        .flat_map(|name| {
            let (prefix, folder) = (format!("cluster.{name}"), format!("{name}/"));
            let mut cases = folder_cases(&prefix, &clusters, &folder);
            cases.push(no_manifest_case(&prefix, &clusters, &folder));
            cases
        })
        .collect();
    check(&cases);
}

#[test]
fn generated_corpus_gives_the_recorded_output() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let tmp = tempfile::tempdir().unwrap();
    let (articles, bytes) = make_corpus::write_corpus(&seeds, tmp.path(), GENERATED_SIZE).unwrap();
    assert!(articles > 0 && bytes >= GENERATED_SIZE);
    let mut cases = folder_cases("generated", tmp.path(), "articles/");
    // the streaming path: articles read from JSONL, claims written as they are read
    cases.push(Case::new(
        "generated.extract-stream.jsonl",
        tmp.path(),
        &["extract", "--format", "jsonl", "--jsonl", "articles.jsonl"],
    ));
    check(&cases);
}
