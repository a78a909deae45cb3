//! claimdiff: extracts numeric and factual claims from news articles and compares them
//! across outlets.
//!
//! The pipeline, one module a stage:
//! `load` (documents) → `normalize` (tokens) → `extract` (figures) and `events` (factual
//! claims) → `when` (weekdays date claims, earlier reports) → `resolve` (subjects, sources) →
//! `scope` (the place a figure is compared at) → `identity` (the partition key) → `group`
//! (same quantity: scope blocks, one figure a document, `time` windows) → `judge` and
//! `event_judge` (verdicts) → `render` (outputs); `merge` joins partial reports of one key
//! each. Imports go one way along it: a stage uses `model`, `rules`, `normalize` and the
//! stages before it, never one after it (shared notions such as `fmt_number` live in `model`,
//! `name_key` in `normalize`).
#![forbid(unsafe_code)]

pub mod check;
pub mod error;
pub mod eval;
pub mod event_judge;
pub mod events;
pub mod explain;
pub mod extract;
pub mod fuzzing;
pub mod group;
pub mod identity;
pub mod judge;
pub mod load;
pub mod merge;
pub mod model;
pub mod normalize;
pub mod render;
pub mod resolve;
pub mod rules;
pub mod ruletest;
pub mod scope;
pub mod time;
pub mod when;

use model::{Claim, Document, Report};
use rayon::prelude::*;
use rules::RuleSet;

/// The figures and the events of one text, dated by the weekdays their sentences name;
/// figures' subjects and sources are not resolved yet. Returns (tokens, figures, events).
pub fn figures_and_events(
    text: &str,
    doc_id: &str,
    date: Option<&str>,
    rules: &RuleSet,
) -> (normalize::Tokens, Vec<extract::Found>, Vec<extract::Found>) {
    let (toks, found, events, _) = figures_events_mentions(text, doc_id, date, rules);
    (toks, found, events)
}

/// [`figures_and_events`] and the bodies and places the text names, found once for the
/// stages after it.
fn figures_events_mentions(
    text: &str,
    doc_id: &str,
    date: Option<&str>,
    rules: &RuleSet,
) -> (
    normalize::Tokens,
    Vec<extract::Found>,
    Vec<extract::Found>,
    resolve::DocumentMentions,
) {
    let (toks, mut found) = extract::extract(text, doc_id, date, rules);
    let named = resolve::DocumentMentions::of(text, &toks.tokens, rules);
    let mut events = events::extract_events_with(text, &toks, doc_id, date, &named, rules);
    let days = when::day_mentions(&toks, &found, date, rules);
    when::date_claims(&toks, &mut found, &days, date, rules);
    when::date_claims(&toks, &mut events, &days, date, rules);
    (toks, found, events, named)
}

/// Extracts and resolves the claims of one document: figures and events, by offset.
pub fn claims_of(doc: &Document, rules: &RuleSet) -> Vec<Claim> {
    let (toks, mut found, events, named) =
        figures_events_mentions(&doc.text, &doc.id, doc.date.as_deref(), rules);
    resolve::resolve_with(&doc.text, &toks, &mut found, &named, rules);
    for f in &mut found {
        f.claim.earlier = when::earlier_report(&toks.tokens, f.tok_start, f.tok_end, rules);
    }
    let words: Vec<Option<&str>> = found
        .iter()
        .map(|f| scope::scope_word(&doc.text, &toks.tokens, f.tok_start, f.tok_end, rules))
        .chain(events.iter().map(|_| None))
        .collect();
    let mut claims: Vec<Claim> = found.into_iter().chain(events).map(|f| f.claim).collect();
    let named: Vec<&str> = named
        .listed_places
        .iter()
        .map(|m| m.entity.id.as_str())
        .collect();
    scope::assign(&mut claims, &named, &words, rules);
    for c in &mut claims {
        c.partition = identity::partition_key(c, rules).unwrap_or_default();
    }
    claims.sort_by(|a, b| {
        (a.start, a.end, &a.kind, &a.subject_id).cmp(&(b.start, b.end, &b.kind, &b.subject_id))
    });
    claims
}

/// Extracts claims from every document in parallel; output order is by document then offset
/// whatever the thread count, and claim ids are `c1`, `c2`, ... in that order.
pub fn extract_all(docs: &[Document], rules: &RuleSet) -> Vec<Claim> {
    let per_doc: Vec<Vec<Claim>> = docs.par_iter().map(|d| claims_of(d, rules)).collect();
    let mut claims: Vec<Claim> = per_doc.into_iter().flatten().collect();
    for (i, c) in claims.iter_mut().enumerate() {
        c.id = format!("c{}", i + 1);
    }
    claims
}

/// Groups and judges claims extracted elsewhere (`compare --claims`): ids are renumbered in
/// document then offset order, so the report does not depend on the order of the input.
pub fn compare_claims(mut docs: Vec<Document>, mut claims: Vec<Claim>, rules: &RuleSet) -> Report {
    docs.sort_by(|a, b| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
    let rank: std::collections::HashMap<String, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    claims.sort_by(|a, b| {
        (rank.get(&a.doc), a.start, a.end, &a.kind, &a.subject_id).cmp(&(
            rank.get(&b.doc),
            b.start,
            b.end,
            &b.kind,
            &b.subject_id,
        ))
    });
    for (i, c) in claims.iter_mut().enumerate() {
        c.id = format!("c{}", i + 1);
    }
    let groups = group::group(&claims, &docs, rules);
    Report {
        documents: docs,
        claims,
        groups,
    }
}

/// The whole comparison: claims of every document, grouped and judged.
pub fn compare(mut docs: Vec<Document>, rules: &RuleSet) -> Report {
    // the same documents in any order give the same report
    docs.sort_by(|a, b| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
    let claims = extract_all(&docs, rules);
    let groups = group::group(&claims, &docs, rules);
    Report {
        documents: docs,
        claims,
        groups,
    }
}
