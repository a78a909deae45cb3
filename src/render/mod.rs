//! Takes a [`Report`]; writes it in one output format. Only this module writes output.
//! A new format is one file here.

pub mod check;
pub mod csv;
pub mod eval;
pub mod explain;
pub mod gold;
pub mod json;
pub mod markdown;
pub mod table;

use crate::model::{Claim, Document, Report};
use std::collections::HashMap;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
    Markdown,
    /// A draft gold annotation for `eval` (docs/eval.md): claims, groups, distinct pairs.
    Gold,
}

/// What is being rendered: the claims alone (`extract`) or the comparison (`compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Extract,
    Compare,
}

/// Options shared by the renderers.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Write a UTF-8 byte-order mark first (CSV for Excel).
    pub bom: bool,
    /// Table width in columns.
    pub width: u16,
}

/// When a claim says it happened, if that is not its publication date: `"on 2024-12-07"`
/// (a weekday in its sentence), `"in 2017"` (a year in an event's clause); empty otherwise.
pub fn when_note(c: &Claim, published: Option<&str>) -> String {
    match c.time.as_deref() {
        Some(t) if Some(t) != published => {
            format!("{} {t}", if t.len() == 4 { "in" } else { "on" })
        }
        _ => String::new(),
    }
}

/// Writes the report in `format`.
pub fn render(
    report: &Report,
    mode: Mode,
    format: Format,
    opts: Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::write(report, mode, opts, out),
        Format::Csv => csv::write(report, mode, opts, out),
        Format::Json => json::write(report, mode, out),
        Format::Jsonl => json::write_lines(report, out),
        Format::Markdown => markdown::write(report, mode, out),
        Format::Gold => gold::write(report, out),
    }
}

/// Documents by id.
pub(crate) fn doc_index(report: &Report) -> HashMap<&str, &Document> {
    report
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect()
}

/// Claims by id.
pub(crate) fn claim_index(report: &Report) -> HashMap<&str, &Claim> {
    report.claims.iter().map(|c| (c.id.as_str(), c)).collect()
}

/// A value as text: numbers without `.0`, dates as written, empty for none.
pub(crate) fn value_text(c: &Claim) -> String {
    match &c.value {
        Some(crate::model::Value::Number(n)) => crate::ruletest::fmt_number(*n),
        Some(crate::model::Value::Date(d)) => d.clone(),
        None => String::new(),
    }
}

/// An optional bound as text.
pub(crate) fn bound_text(b: Option<f64>) -> String {
    b.map(crate::ruletest::fmt_number).unwrap_or_default()
}
