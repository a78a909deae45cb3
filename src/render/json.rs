//! Writes the report as JSON (the contract of `shared/eval/README.md`, schema in
//! `docs/report.md`) or claims as JSON Lines.

use super::Mode;
use crate::model::{Claim, Qualifier, Report, Span, Value};
use serde::Serialize;
use std::io::Write;

/// The whole report as one pretty-printed JSON object; `extract` leaves `groups` empty.
pub fn write(report: &Report, mode: Mode, out: &mut dyn Write) -> std::io::Result<()> {
    let mut r = report.clone();
    if mode == Mode::Extract {
        r.groups.clear();
    }
    serde_json::to_writer_pretty(&mut *out, &r)?;
    writeln!(out)
}

/// One claim a line, each carrying its document's outlet and date.
pub fn write_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let docs = super::doc_index(report);
    let mut line = Vec::with_capacity(1024);
    for c in &report.claims {
        let doc = docs.get(c.doc.as_str());
        line.clear();
        serde_json::to_writer(
            &mut line,
            &ClaimLine::new(c, doc.map(|d| (d.outlet.as_str(), d.date.as_deref()))),
        )?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// A claim as one JSONL line: the fields of [`Claim`] (with its serde names and skips) and its
/// document's `outlet` and `date`, keys in byte order — what serialising the claim to a
/// `serde_json::Value` (a sorted map) and adding the two keys gives, without building the map.
/// A test below checks the two agree on every field.
#[derive(Serialize)]
struct ClaimLine<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    actor: &'a str,
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Option<&'a str>>,
    doc: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    earlier: bool,
    end: usize,
    #[serde(skip_serializing_if = "str::is_empty")]
    family: &'a str,
    high: Option<f64>,
    id: &'a str,
    kind: &'a str,
    low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlet: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    partition: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    place_span: Option<SpanLine>,
    #[serde(skip_serializing_if = "str::is_empty")]
    polarity: &'a str,
    qualifier: Qualifier,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    sentence: &'a str,
    source: &'a str,
    source_id: &'a str,
    start: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stated: bool,
    step: f64,
    subject: &'a str,
    subject_id: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_span: Option<SpanLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_span: Option<SpanLine>,
    unit: &'a str,
    value: &'a Option<Value>,
}

/// A [`Span`] with its keys in byte order.
#[derive(Serialize)]
struct SpanLine {
    end: usize,
    start: usize,
}

impl From<Span> for SpanLine {
    fn from(s: Span) -> SpanLine {
        SpanLine {
            end: s.end,
            start: s.start,
        }
    }
}

impl<'a> ClaimLine<'a> {
    /// The line of `c`; `doc` is its document's (outlet, date), when the report has it.
    fn new(c: &'a Claim, doc: Option<(&'a str, Option<&'a str>)>) -> ClaimLine<'a> {
        // every field named, so a field added to Claim does not compile until it is here
        let Claim {
            id,
            kind,
            doc: doc_id,
            start,
            end,
            text,
            sentence,
            value,
            low,
            high,
            qualifier,
            unit,
            category,
            subject,
            subject_id,
            source,
            source_id,
            actor,
            polarity,
            family,
            time,
            time_span,
            trigger_span,
            place_span,
            rounding_step,
            scope,
            partition,
            earlier,
            stated,
        } = c;
        ClaimLine {
            actor,
            category,
            date: doc.map(|(_, date)| date),
            doc: doc_id,
            earlier: *earlier,
            end: *end,
            family,
            high: *high,
            id,
            kind,
            low: *low,
            outlet: doc.map(|(outlet, _)| outlet),
            partition,
            place_span: place_span.map(SpanLine::from),
            polarity,
            qualifier: *qualifier,
            scope,
            sentence,
            source,
            source_id,
            start: *start,
            stated: *stated,
            step: *rounding_step,
            subject,
            subject_id,
            text,
            time: time.as_deref(),
            time_span: time_span.map(SpanLine::from),
            trigger_span: trigger_span.map(SpanLine::from),
            unit,
            value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    /// The line as serialising the claim to a sorted map gives it (the previous writer).
    fn line_via_map(c: &Claim, doc: Option<&Document>) -> String {
        let mut v = serde_json::to_value(c).unwrap();
        if let (Some(obj), Some(d)) = (v.as_object_mut(), doc) {
            obj.insert("outlet".into(), d.outlet.clone().into());
            obj.insert("date".into(), d.date.clone().into());
        }
        serde_json::to_string(&v).unwrap()
    }

    fn line(c: &Claim, doc: Option<&Document>) -> String {
        let doc = doc.map(|d| (d.outlet.as_str(), d.date.as_deref()));
        serde_json::to_string(&ClaimLine::new(c, doc)).unwrap()
    }

    fn document(date: Option<&str>) -> Document {
        Document {
            id: "d".into(),
            path: "d.txt".into(),
            outlet: "عنب \"بلدي\"".into(),
            date: date.map(String::from),
            date_source: "manifest".into(),
            language: "ar".into(),
            url: None,
            text: String::new(),
        }
    }

    #[test]
    fn a_line_is_the_sorted_map_of_the_claim_with_every_field_set() {
        let span = |start, end| Some(Span { start, end });
        let full = Claim {
            id: "c1".into(),
            kind: "event".into(),
            doc: "d".into(),
            start: 3,
            end: 9,
            text: "أكثر من 3500".into(),
            sentence: "قال \"المرصد\": قتل أكثر من 3500\n".into(),
            value: Some(Value::Number(3500.25)),
            low: Some(3500.0),
            high: None,
            qualifier: Qualifier::MoreThan,
            unit: "person".into(),
            category: "killed".into(),
            subject: "حمص".into(),
            subject_id: "homs".into(),
            source: "المرصد".into(),
            source_id: "sohr".into(),
            actor: "army".into(),
            polarity: "denied".into(),
            family: "control".into(),
            time: Some("2024-12-06".into()),
            time_span: span(1, 2),
            trigger_span: span(3, 4),
            place_span: span(5, 6),
            rounding_step: 100.0,
            scope: "homs".into(),
            partition: "figure|killed|person".into(),
            earlier: true,
            stated: true,
        };
        let date = Claim {
            value: Some(Value::Date("2024-12".into())),
            ..full.clone()
        };
        let empty = Claim::default();
        for c in [&full, &date, &empty] {
            for doc in [
                None,
                Some(document(None)),
                Some(document(Some("2024-12-06"))),
            ] {
                assert_eq!(line(c, doc.as_ref()), line_via_map(c, doc.as_ref()));
            }
        }
    }

    #[test]
    fn a_line_is_the_sorted_map_of_every_claim_of_the_seeds() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let docs = crate::load::load_all(&[dir.into()], None, &rules).unwrap();
        let claims = crate::extract_all(&docs, &rules);
        assert!(claims.len() > 100);
        for c in &claims {
            let doc = docs.iter().find(|d| d.id == c.doc);
            assert_eq!(line(c, doc), line_via_map(c, doc));
        }
    }
}
