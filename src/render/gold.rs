//! Takes a [`Report`]; writes it as a draft gold annotation (the JSON Lines of `docs/eval.md`):
//! one `claim` line a claim, one `group` line a judged group, `distinct` lines for the steps of
//! a running toll. An annotator corrects the draft instead of starting from nothing; `eval` of
//! the same articles against the uncorrected draft scores 1.0.

use crate::model::{Claim, Qualifier, Report, Value, Verdict};
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// A value as gold writes it: whole numbers as integers, dates as text, vague words as null.
fn value_json(v: &Option<Value>) -> serde_json::Value {
    match v {
        None => serde_json::Value::Null,
        Some(Value::Date(d)) => d.clone().into(),
        Some(Value::Number(n)) if n.fract() == 0.0 && n.abs() < 9.0e15 => (*n as i64).into(),
        Some(Value::Number(n)) => serde_json::Number::from_f64(*n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
    }
}

/// A document's file name: what the gold pairs documents by.
fn file_name(path: &str, id: &str) -> String {
    let path = if path.is_empty() { id } else { path };
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// One `claim` line, keys in the order an annotator reads them.
#[derive(serde::Serialize)]
struct ClaimLine<'a> {
    kind: &'static str,
    id: &'a str,
    doc: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    value: serde_json::Value,
    /// Bounds, for ranges only (`من 5000 إلى 6000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    low: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<Option<f64>>,
    qualifier: &'static str,
    unit: &'a str,
    category: &'a str,
    subject: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    polarity: Option<&'a str>,
    required: bool,
}

fn claim_line<'a>(c: &'a Claim, doc: &'a str) -> ClaimLine<'a> {
    let range = c.qualifier == Qualifier::Range;
    let event = !c.actor.is_empty() || !c.polarity.is_empty();
    ClaimLine {
        kind: "claim",
        id: &c.id,
        doc,
        start: c.start,
        end: c.end,
        text: &c.text,
        value: value_json(&c.value),
        low: range.then_some(c.low),
        high: range.then_some(c.high),
        qualifier: c.qualifier.as_str(),
        unit: &c.unit,
        category: &c.category,
        subject: &c.subject,
        source: &c.source,
        actor: event.then_some(c.actor.as_str()),
        polarity: event.then_some(c.polarity.as_str()),
        required: true,
    }
}

/// One `group` line.
#[derive(serde::Serialize)]
struct GroupLine<'a> {
    kind: &'static str,
    id: &'a str,
    verdict: &'static str,
    members: &'a [&'a str],
    /// The tool's reason for its verdict, for the annotator.
    note: &'a str,
}

/// Writes the draft. Annotated spans must not overlap, so of claims whose spans overlap only
/// the first (by offset) is written; the others still pair with it when the draft is scored.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let docs = super::doc_index(report);
    let mut claims: Vec<&Claim> = report.claims.iter().collect();
    claims.sort_by(|a, b| (&a.doc, a.start, a.end).cmp(&(&b.doc, b.start, b.end)));
    let mut written: HashSet<&str> = HashSet::new();
    let mut doc_of: HashMap<&str, &str> = HashMap::new();
    let mut last: Option<(&str, usize)> = None; // document and end of the last written span
    for c in claims {
        if c.end <= c.start || matches!(last, Some((d, end)) if d == c.doc && c.start < end) {
            continue;
        }
        last = Some((&c.doc, c.end));
        let doc = docs
            .get(c.doc.as_str())
            .map_or_else(|| c.doc.clone(), |d| file_name(&d.path, &d.id));
        serde_json::to_writer(&mut *out, &claim_line(c, &doc))?;
        writeln!(out)?;
        written.insert(&c.id);
        doc_of.insert(&c.id, &c.doc);
    }
    for g in &report.groups {
        let mut members: Vec<&str> = Vec::new();
        for id in &g.claims {
            if written.contains(id.as_str()) && !members.contains(&id.as_str()) {
                members.push(id);
            }
        }
        if members.len() < 2 {
            continue;
        }
        let line = match g.verdict {
            Verdict::Conflict | Verdict::Agree | Verdict::Single => GroupLine {
                kind: "group",
                id: &g.id,
                verdict: if g.verdict == Verdict::Conflict {
                    "conflict"
                } else {
                    "agree"
                },
                members: &members,
                note: &g.reason,
            },
            // a running toll that rose between days: its steps are different quantities,
            // which must never be reported as one conflict
            Verdict::Update => {
                for (i, x) in members.iter().enumerate() {
                    for y in &members[i + 1..] {
                        if doc_of.get(x) != doc_of.get(y) {
                            let pair = serde_json::json!({"kind": "distinct", "members": [x, y]});
                            serde_json::to_writer(&mut *out, &pair)?;
                            writeln!(out)?;
                        }
                    }
                }
                continue;
            }
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}
