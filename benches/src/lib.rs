//! Benchmarks only: see throughput.rs. Shared inputs of the benchmarks and of the
//! `group_scale` binary (grouping at a given claim count, for callgrind and output checks).

use claimdiff::model::{Claim, Document, Value};

/// `n` synthetic claims as a day of news gives them: more claims come from more articles
/// (one article per 50 claims), over 8 categories × 50 places, figures near each other.
pub fn synthetic(n: usize) -> (Vec<Document>, Vec<Claim>) {
    let cats = [
        "killed",
        "injured",
        "displaced",
        "missing",
        "prisoners_released",
        "civilians_killed",
        "detainees",
        "rescued",
    ];
    let docs: Vec<Document> = (0..(n / 50).max(1))
        .map(|i| Document {
            id: format!("d{i:06}"),
            path: format!("d{i:06}"),
            outlet: format!("outlet {i}"),
            date: Some(format!("2024-12-{:02}", 1 + i % 5)),
            date_source: "manifest".into(),
            language: "ar".into(),
            url: None,
            text: String::new(),
        })
        .collect();
    let mut x = 12345u64;
    let claims = (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = 100.0 + (x % 50) as f64;
            Claim {
                id: format!("c{}", i + 1),
                kind: "figure".into(),
                doc: docs[i % docs.len()].id.clone(),
                start: i,
                end: i + 3,
                text: v.to_string(),
                value: Some(Value::Number(v)),
                low: Some(v),
                high: Some(v),
                unit: "person".into(),
                category: cats[(x >> 8) as usize % cats.len()].into(),
                subject_id: format!("place{}", (x >> 16) % 50),
                rounding_step: 1.0,
                ..Default::default()
            }
        })
        .collect();
    (docs, claims)
}
