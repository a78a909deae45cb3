//! Writes a terminal table (comfy-table): one row per group in `compare`, conflicts first;
//! one row per claim in `extract`. Arabic is written in logical order; terminals without
//! bidi support show it reversed (see README).

use super::{value_text, Mode, Options, Words};
use crate::model::Report;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use std::io::Write;

/// Writes the table.
pub fn write(
    report: &Report,
    mode: Mode,
    opts: Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let docs = super::doc_index(report);
    let claims = super::claim_index(report);
    let words = Words::new(report, &opts);
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(opts.width);
    match mode {
        Mode::Extract => {
            table.set_header(vec![
                "doc",
                "kind",
                "bytes",
                "text",
                "value",
                "qualifier",
                "unit",
                "category",
                "subject",
                "source",
            ]);
            for c in &report.claims {
                table.add_row(vec![
                    c.doc.clone(),
                    c.kind.clone(),
                    format!("{}-{}", c.start, c.end),
                    c.text.clone(),
                    value_text(c),
                    c.qualifier.as_str().to_string(),
                    words.unit(&c.unit),
                    words.category(&c.category),
                    c.subject.clone(),
                    c.source.clone(),
                ]);
            }
        }
        Mode::Compare => {
            table.set_header(vec![
                "group",
                "kind",
                "verdict",
                "what",
                "figures (outlet, date, source)",
                "why",
            ]);
            for g in &report.groups {
                let mut lines = Vec::new();
                for id in &g.claims {
                    if let Some(c) = claims.get(id.as_str()) {
                        let d = docs.get(c.doc.as_str());
                        let outlet = d.map_or(c.doc.as_str(), |d| d.outlet.as_str());
                        let date = d.and_then(|d| d.date.as_deref()).unwrap_or("?");
                        let src = if c.source.is_empty() {
                            String::new()
                        } else {
                            format!(", {}", c.source)
                        };
                        let when = super::when_note(c, d.and_then(|d| d.date.as_deref()));
                        let when = if when.is_empty() {
                            when
                        } else {
                            format!(" ({when})")
                        };
                        lines.push(format!(
                            "{} «{}» — {outlet}, {date}{when}{src}",
                            words.figure(c),
                            c.text
                        ));
                    }
                }
                let what = words.what(g, &super::scope(g, &claims, &words));
                table.add_row(vec![
                    g.id.clone(),
                    words.kind(&g.kind),
                    words.verdict(g.verdict),
                    what,
                    lines.join("\n"),
                    g.reason.clone(),
                ]);
            }
        }
    }
    writeln!(out, "{table}")?;
    if mode == Mode::Compare {
        let n = |v: crate::model::Verdict| report.groups.iter().filter(|g| g.verdict == v).count();
        use crate::model::Verdict::*;
        writeln!(
            out,
            "{} documents, {} claims, {} groups: {} conflict, {} update, {} agree, {} single",
            report.documents.len(),
            report.claims.len(),
            report.groups.len(),
            n(Conflict),
            n(Update),
            n(Agree),
            n(Single)
        )?;
    }
    Ok(())
}
