//! Grouping alone at a given claim count, on the synthetic claims of the `group_claims`
//! benchmark: prints the time `group` took and, with `--json FILE`, writes the groups as JSON
//! (to check that a change to grouping leaves them byte for byte as they were). Small enough
//! to run under callgrind:
//!
//!     cargo build --profile profiling -p claimdiff-bench --bin group_scale
//!     valgrind --tool=callgrind --dump-instr=no target/profiling/group_scale 100000

use claimdiff::rules::RuleSet;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut n = 100_000;
    let mut json = None;
    while let Some(a) = args.next() {
        if a == "--json" {
            json = args.next();
        } else if let Ok(v) = a.parse() {
            n = v;
        } else {
            eprintln!("usage: group_scale [CLAIMS] [--json FILE]");
            std::process::exit(2);
        }
    }
    let rules = RuleSet::builtin().expect("built-in rules load");
    let (docs, claims) = claimdiff_bench::synthetic(n);
    let start = Instant::now();
    let groups = claimdiff::group::group(&claims, &docs, &rules);
    let took = start.elapsed();
    println!("{n} claims: {} groups in {took:.3?}", groups.len());
    if let Some(path) = json {
        let text = serde_json::to_string(&groups).expect("groups serialise");
        std::fs::write(&path, text).expect("JSON written");
    }
}
