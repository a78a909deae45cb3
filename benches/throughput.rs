//! claimdiff's speed, measured: extraction throughput on the seeds and on a generated corpus,
//! grouping at 10k / 100k / 1M claims (to show how cost grows), rule loading, and the peer —
//! the `duckling` crate's Arabic numeral parser — on the same text.
//!
//!     cargo bench -p claimdiff-bench
//!
//! Figures are recorded in docs/performance.md.

use claimdiff::model::Document;
use claimdiff::rules::RuleSet;
use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::builtin().unwrap())
}

fn seed_docs() -> &'static Vec<Document> {
    static D: OnceLock<Vec<Document>> = OnceLock::new();
    D.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds");
        claimdiff::load::load_all(&[dir.into()], None, rules()).unwrap()
    })
}

/// About 4 MB of articles made from the seeds with other numbers (the same variation as
/// `examples/make-corpus.rs`).
fn generated_docs() -> &'static Vec<Document> {
    static D: OnceLock<Vec<Document>> = OnceLock::new();
    D.get_or_init(|| {
        let mut x = 0x9E3779B97F4A7C15u64;
        let mut docs = Vec::new();
        let mut size = 0;
        while size < 4 << 20 {
            let seed = &seed_docs()[docs.len() % seed_docs().len()];
            let text: String = seed
                .text
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(b'1' + (x % 9) as u8)
                    } else {
                        c
                    }
                })
                .collect();
            size += text.len();
            let mut d = seed.clone();
            d.id = format!("g{}", docs.len());
            d.path = d.id.clone();
            d.text = text;
            docs.push(d);
        }
        docs
    })
}

fn bytes(docs: &[Document]) -> usize {
    docs.iter().map(|d| d.text.len()).sum()
}

#[divan::bench]
fn extract_seeds_one_thread(b: Bencher) {
    let docs = seed_docs();
    b.counter(BytesCount::new(bytes(docs))).bench(|| {
        docs.iter()
            .map(|d| claimdiff::claims_of(d, rules()).len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn extract_generated_one_thread(b: Bencher) {
    let docs = generated_docs();
    b.counter(BytesCount::new(bytes(docs))).bench(|| {
        docs.iter()
            .map(|d| claimdiff::claims_of(d, rules()).len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn extract_generated_all_threads(b: Bencher) {
    let docs = generated_docs();
    b.counter(BytesCount::new(bytes(docs)))
        .bench(|| claimdiff::extract_all(docs, rules()).len());
}

#[divan::bench(sample_count = 10)]
fn peer_duckling_numerals_seeds(b: Bencher) {
    use chrono::TimeZone;
    let locale = duckling::Locale::new(duckling::Lang::AR, None);
    let ctx = duckling::Context::new(
        chrono::FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(2024, 12, 6, 0, 0, 0)
            .unwrap(),
        locale,
    );
    let opts = duckling::Options::default();
    let docs = seed_docs();
    b.counter(BytesCount::new(bytes(docs))).bench(|| {
        docs.iter()
            .map(|d| {
                duckling::parse(
                    &d.text,
                    &locale,
                    &[duckling::DimensionKind::Numeral],
                    &ctx,
                    &opts,
                )
                .len()
            })
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn rules_load() -> RuleSet {
    RuleSet::builtin().unwrap()
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 3)]
fn group_claims(b: Bencher, n: usize) {
    let (docs, claims) = claimdiff_bench::synthetic(n);
    b.counter(ItemsCount::new(n))
        .bench(|| claimdiff::group::group(&claims, &docs, rules()).len());
}
