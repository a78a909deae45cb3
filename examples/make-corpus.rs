//! Writes a large, varied corpus from the seed articles, so anyone can reproduce the speed
//! figures of docs/performance.md:
//!
//!     cargo run --release --example make-corpus -- --size 1GB --out /tmp/corpus
//!
//! writes `/tmp/corpus/articles/NNNNNN.txt` (with `sources.csv`) and `/tmp/corpus/articles.jsonl`.
//! Numbers, outlets, dates and places are varied with a fixed-seed generator, so two runs write
//! the same bytes.

use std::io::Write;
use std::path::PathBuf;

const OUTLETS: &[&str] = &[
    "برّان برس",
    "الحل نت",
    "963+",
    "كوردستريت",
    "عنب بلدي",
    "Reuters",
    "AP",
    "AFP",
    "الجزيرة نت",
    "سانا",
];
const PLACES: &[&str] = &[
    "حمص",
    "حماة",
    "حلب",
    "درعا",
    "إدلب",
    "دير الزور",
    "السويداء",
    "القنيطرة",
    "اللاذقية",
    "طرطوس",
    "الرقة",
    "الحسكة",
];

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = s.strip_suffix("GB") {
        (n, 1 << 30)
    } else if let Some(n) = s.strip_suffix("MB") {
        (n, 1 << 20)
    } else if let Some(n) = s.strip_suffix("KB") {
        (n, 1 << 10)
    } else {
        (s.as_str(), 1)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .map(|n| (n * mult as f64) as u64)
}

/// Replaces every ASCII digit run by a random number of the same length, and swaps places.
fn vary(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut len = 1;
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
                len += 1;
            }
            let first = 1 + rng.below(9);
            out.push_str(&first.to_string());
            for _ in 1..len {
                out.push_str(&rng.below(10).to_string());
            }
        } else {
            out.push(c);
        }
    }
    let from = PLACES[rng.below(PLACES.len() as u64) as usize];
    let to = PLACES[rng.below(PLACES.len() as u64) as usize];
    out.replace(from, to)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let size = arg("--size")
        .and_then(|s| parse_size(&s))
        .unwrap_or(100 << 20);
    let out = PathBuf::from(arg("--out").unwrap_or_else(|| "corpus".into()));
    let seeds_dir = PathBuf::from(arg("--seeds").unwrap_or_else(|| "seeds".into()));
    let (n, written) = write_corpus(&seeds_dir, &out, size)?;
    eprintln!(
        "make-corpus: {n} articles, {:.1} MB in {}",
        written as f64 / 1e6,
        out.display()
    );
    Ok(())
}

/// Writes at least `size` bytes of articles varied from the `.txt` files of `seeds_dir` into
/// `out` (the layout of the module comment) and returns (articles, bytes). The generator's seed
/// is fixed: the same seeds and size always give the same bytes (tests/identical.rs relies on
/// it).
pub fn write_corpus(
    seeds_dir: &std::path::Path,
    out: &std::path::Path,
    size: u64,
) -> std::io::Result<(usize, u64)> {
    let mut seeds: Vec<String> = std::fs::read_dir(seeds_dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(std::fs::read_to_string)
        .collect::<Result<_, _>>()?;
    seeds.sort();
    if seeds.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("make-corpus: no .txt seeds in {}", seeds_dir.display()),
        ));
    }
    std::fs::create_dir_all(out.join("articles"))?;
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(out.join("articles.jsonl"))?);
    let mut manifest =
        std::io::BufWriter::new(std::fs::File::create(out.join("articles/sources.csv"))?);
    writeln!(manifest, "file,outlet,date,url,language")?;
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let (mut written, mut n) = (0u64, 0usize);
    while written < size {
        let text = vary(&seeds[n % seeds.len()], &mut rng);
        let outlet = OUTLETS[rng.below(OUTLETS.len() as u64) as usize];
        let date = format!("2024-12-{:02}", 1 + rng.below(10));
        let id = format!("{n:07}");
        std::fs::write(out.join("articles").join(format!("{id}.txt")), &text)?;
        writeln!(manifest, "{id}.txt,{outlet},{date},,ar")?;
        let line = format!(
            "{{\"id\":{},\"outlet\":{},\"date\":{},\"url\":\"\",\"language\":\"ar\",\"text\":{}}}",
            json_string(&id),
            json_string(outlet),
            json_string(&date),
            json_string(&text)
        );
        writeln!(jsonl, "{line}")?;
        written += text.len() as u64;
        n += 1;
    }
    jsonl.flush()?;
    manifest.flush()?;
    Ok((n, written))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
