//! Replays every input of the fuzz corpus (fuzz/corpus/<target>/, including the crashes fuzzing
//! found, kept as regressions) through the fuzz targets' entry points, on stable Rust.

use std::fs;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = format!("fuzz/corpus/{target}");
    let mut n = 0;
    for e in fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
    {
        let Ok(data) = fs::read(e.path()) else {
            continue;
        }; // a file a running fuzzer just replaced
        run(&data);
        // and every prefix cut at a byte, the way truncated downloads arrive
        for cut in (0..data.len()).step_by(data.len() / 16 + 1) {
            run(&data[..cut]);
        }
        n += 1;
    }
    assert!(n > 0, "{dir} holds no inputs");
}

#[test]
fn extract_corpus() {
    replay("extract", claimdiff::fuzzing::extract);
}

#[test]
fn rules_corpus() {
    replay("rules", claimdiff::fuzzing::rules);
}

#[test]
fn manifest_corpus() {
    replay("manifest", claimdiff::fuzzing::manifest);
}

#[test]
fn jsonl_corpus() {
    replay("jsonl", claimdiff::fuzzing::jsonl);
}
