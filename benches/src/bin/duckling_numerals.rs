//! The peer of issue 15, as a whole process: reads every `.txt`/`.md` file of the folders given
//! (recursively, in path order) or the articles of a JSONL file (`--jsonl FILE`, the format of
//! `claimdiff extract --jsonl`), runs the `duckling` crate's parser on each, Numeral dimension
//! only, and prints one line a numeral: `document<TAB>start<TAB>end<TAB>value<TAB>text`.
//!
//!     cargo run --release -p claimdiff-bench --bin duckling_numerals -- DIR > numerals.tsv
//!
//! A document is parsed as Arabic when it holds more Arabic letters than Latin ones, as
//! English otherwise (duckling has no language detection; claimdiff has its own).
//! scripts/bench-peer.sh times it against `claimdiff extract --format jsonl` on the same files.

use chrono::TimeZone;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--jsonl" {
            let Some(path) = args.get(i + 1) else {
                fail("--jsonl needs a file");
            };
            read_jsonl(Path::new(path), &mut docs);
            i += 2;
        } else {
            let mut files = Vec::new();
            walk(Path::new(&args[i]), &mut files);
            files.sort();
            for f in files {
                match std::fs::read_to_string(&f) {
                    Ok(text) => docs.push((f.display().to_string(), text)),
                    Err(e) => fail(&format!("{}: {e}", f.display())),
                }
            }
            i += 1;
        }
    }
    if args.is_empty() {
        fail("usage: duckling_numerals DIR... | --jsonl FILE");
    }
    let context_of = |lang: duckling::Lang| {
        let locale = duckling::Locale::new(lang, None);
        let time = chrono::FixedOffset::east_opt(0)
            .and_then(|tz| tz.with_ymd_and_hms(2024, 12, 6, 0, 0, 0).single())
            .unwrap_or_else(|| fail("reference time"));
        (locale, duckling::Context::new(time, locale))
    };
    let arabic = context_of(duckling::Lang::AR);
    let english = context_of(duckling::Lang::EN);
    let options = duckling::Options::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (name, text) in &docs {
        let (locale, context) = if is_mostly_arabic(text) {
            &arabic
        } else {
            &english
        };
        let found = duckling::parse(
            text,
            locale,
            &[duckling::DimensionKind::Numeral],
            context,
            &options,
        );
        for entity in found {
            let value = match entity.value {
                duckling::DimensionValue::Numeral(v) => v,
                _ => continue,
            };
            if writeln!(
                out,
                "{name}\t{}\t{}\t{value}\t{}",
                entity.start, entity.end, entity.body
            )
            .is_err()
            {
                return; // a closed pipe ends the run
            }
        }
    }
    let _ = out.flush();
}

fn fail(message: &str) -> ! {
    eprintln!("duckling_numerals: {message}");
    std::process::exit(2);
}

fn walk(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            fail(&format!("cannot read {}", path.display()));
        };
        for entry in entries.flatten() {
            walk(&entry.path(), files);
        }
    } else if path.extension().is_some_and(|x| x == "txt" || x == "md") {
        files.push(path.to_path_buf());
    }
}

fn read_jsonl(path: &Path, docs: &mut Vec<(String, String)>) {
    let file =
        std::fs::File::open(path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| fail(&format!("{}:{}: {e}", path.display(), n + 1)));
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let text = value
            .get("text")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        docs.push((id, text));
    }
}

/// More Arabic letters (U+0600..U+06FF, lead bytes 0xD8..0xDB in UTF-8) than ASCII letters.
fn is_mostly_arabic(text: &str) -> bool {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for &b in text.as_bytes() {
        if (0xD8..=0xDB).contains(&b) {
            arabic += 1;
        } else if b.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    arabic > latin
}
