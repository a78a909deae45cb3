//! Writes one CSV row per claim (with its group and verdict in `compare`), safe to open in a
//! spreadsheet: cells that would start a formula are made inert.

use super::{bound_text, value_text, Mode, Options, Words};
use crate::model::Report;
use std::collections::HashMap;
use std::io::Write;

/// Makes a cell inert for spreadsheets: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`.
///
/// ```
/// assert_eq!(claimdiff::render::csv::inert("=1+1"), "'=1+1");
/// assert_eq!(claimdiff::render::csv::inert("قتلى"), "قتلى");
/// ```
pub fn inert(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Writes the CSV.
pub fn write(
    report: &Report,
    mode: Mode,
    opts: Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if opts.bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let docs = super::doc_index(report);
    let words = Words::new(report, &opts);
    let mut group_of: HashMap<&str, (&str, crate::model::Verdict, &str)> = HashMap::new();
    for g in &report.groups {
        for c in &g.claims {
            group_of.insert(c.as_str(), (g.id.as_str(), g.verdict, g.reason.as_str()));
        }
    }
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "claim",
        "kind",
        "doc",
        "outlet",
        "date",
        "when",
        "start",
        "end",
        "text",
        "value",
        "low",
        "high",
        "qualifier",
        "unit",
        "category",
        "subject",
        "source",
        "sentence",
        "unit_label",
        "category_label",
    ];
    if mode == Mode::Compare {
        header.splice(0..0, ["group", "verdict"]);
        header.push("reason");
        header.push("verdict_label");
    }
    w.write_record(&header)?;
    let mut rows: Vec<(usize, &crate::model::Claim)> = report.claims.iter().enumerate().collect();
    if mode == Mode::Compare {
        // rows follow the groups (conflicts first); ungrouped claims come last
        let rank: HashMap<&str, usize> = report
            .groups
            .iter()
            .enumerate()
            .flat_map(|(gi, g)| g.claims.iter().map(move |c| (c.as_str(), gi)))
            .collect();
        rows.sort_by_key(|(i, c)| (rank.get(c.id.as_str()).copied().unwrap_or(usize::MAX), *i));
    }
    for (_, c) in rows {
        let d = docs.get(c.doc.as_str());
        let mut rec = vec![
            c.id.clone(),
            c.kind.clone(),
            c.doc.clone(),
            d.map(|d| d.outlet.clone()).unwrap_or_default(),
            d.and_then(|d| d.date.clone()).unwrap_or_default(),
            c.time.clone().unwrap_or_default(),
            c.start.to_string(),
            c.end.to_string(),
            c.text.clone(),
            value_text(c),
            bound_text(c.low),
            bound_text(c.high),
            c.qualifier.as_str().to_string(),
            c.unit.clone(),
            c.category.clone(),
            c.subject.clone(),
            c.source.clone(),
            c.sentence.clone(),
            words.unit(&c.unit),
            words.category(&c.category),
        ];
        if mode == Mode::Compare {
            let (g, v, r) = match group_of.get(c.id.as_str()) {
                Some(&(g, v, r)) => (g, v.as_str().to_string(), r),
                None => ("", String::new(), ""),
            };
            let label = group_of
                .get(c.id.as_str())
                .map(|&(_, v, _)| words.verdict(v))
                .unwrap_or_default();
            rec.splice(0..0, [g.to_string(), v]);
            rec.push(r.to_string());
            rec.push(label);
        }
        let rec: Vec<String> = rec.iter().map(|s| inert(s)).collect();
        w.write_record(&rec)?;
    }
    w.flush()
}
