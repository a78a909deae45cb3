//! Takes a [`Report`]; writes it in one output format. Only this module writes output.
//! A new format is one file here.

pub mod check;
pub mod csv;
pub mod eval;
pub mod explain;
pub mod gold;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;

use crate::model::{Claim, Document, Group, Qualifier, Report, Value, Verdict};
use crate::rules::{LabelKind, Labels};
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
    /// One self-contained page for a browser (compare only; extract writes the table).
    Html,
}

/// What is being rendered: the claims alone (`extract`) or the comparison (`compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Extract,
    Compare,
}

/// Options shared by the renderers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Write a UTF-8 byte-order mark first (CSV for Excel).
    pub bom: bool,
    /// Table width in columns.
    pub width: u16,
    /// Labels for ids (from the rules); without them ids are shown in a readable form.
    pub labels: Option<&'a Labels>,
    /// The language of the labels; `None` picks the language most documents are in.
    pub lang: Option<&'a str>,
}

/// The words a reader sees for ids, in one language: labels from the rules, else a readable
/// form of the id (`battle_duration` → `battle duration`), never blank.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    labels: Option<&'a Labels>,
    /// The language code labels are taken in (`ar`, `en`).
    pub lang: String,
}

impl<'a> Words<'a> {
    /// The words of `opts` for `report`: its language, or the language most documents are in
    /// (among those the labels know; ties go to the first by code), else English.
    pub fn new(report: &Report, opts: &Options<'a>) -> Words<'a> {
        let known = |l: &str| opts.labels.is_some_and(|ls| ls.langs.contains_key(l));
        let lang = match opts.lang {
            Some(l) => l.to_string(),
            None => {
                let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
                for d in &report.documents {
                    if known(&d.language) {
                        *counts.entry(d.language.as_str()).or_default() += 1;
                    }
                }
                let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
                best.map_or("en".to_string(), |(l, _)| l.to_string())
            }
        };
        Words {
            labels: opts.labels,
            lang,
        }
    }

    fn label(&self, kind: LabelKind, id: &str) -> Option<&'a str> {
        self.labels.and_then(|l| l.get(&self.lang, kind, id))
    }

    /// Whether the language is written right to left.
    pub fn rtl(&self) -> bool {
        self.labels.is_some_and(|l| l.is_rtl(&self.lang))
    }

    /// A category's (or an action's) label.
    pub fn category(&self, id: &str) -> String {
        self.label(LabelKind::Category, id)
            .map_or_else(|| readable(id), str::to_string)
    }

    /// A unit's label; a unit that is a counted noun (a lemma) is shown as written.
    pub fn unit(&self, id: &str) -> String {
        self.label(LabelKind::Unit, id)
            .map_or_else(|| readable(id), str::to_string)
    }

    /// A verdict's label (`Conflict`, `تعارض`).
    pub fn verdict(&self, v: Verdict) -> String {
        self.label(LabelKind::Verdict, v.as_str())
            .map_or_else(|| readable(v.as_str()), str::to_string)
    }

    /// A claim kind's label (`figure`, `event`).
    pub fn kind(&self, id: &str) -> String {
        self.label(LabelKind::Kind, id)
            .map_or_else(|| readable(id), str::to_string)
    }

    /// A word of the report itself (a heading, a column name).
    pub fn page(&self, key: &str) -> String {
        self.label(LabelKind::Page, key)
            .map_or_else(|| readable(key), str::to_string)
    }

    /// A place or scope by its gazetteer id, in this language; else `written` (the subject as an
    /// outlet wrote it), else a readable form of the id.
    pub fn place(&self, id: &str, written: &str) -> String {
        if let Some(name) = self.labels.and_then(|l| l.place(&self.lang, id)) {
            return name.to_string();
        }
        if !written.is_empty() {
            return written.to_string();
        }
        readable(id)
    }

    /// What a group is about: `مدة المعركة — حمص`, `people killed — the story as a whole`;
    /// an event's action reads on into its place: `withdrew from Homs`.
    pub fn what(&self, g: &Group, scope: &str) -> String {
        let place = if scope.is_empty() {
            self.page("story")
        } else {
            scope.to_string()
        };
        if g.kind == "event" {
            format!("{} {place}", self.category(&g.category))
        } else {
            format!("{} — {place}", self.category(&g.category))
        }
    }

    /// A claim's figure in words: `more than 3500`, `3 km`, `took control of حمص (denied)`.
    pub fn figure(&self, c: &Claim) -> String {
        if c.kind == "event" {
            let denied = if c.polarity == "denied" {
                format!(
                    " ({})",
                    self.label(LabelKind::Polarity, "denied")
                        .unwrap_or("denied")
                )
            } else {
                String::new()
            };
            let place = self.place(&c.subject_id, &c.subject);
            return format!("{} {place}{denied}", self.category(&c.category));
        }
        let v = match &c.value {
            Some(Value::Number(n)) => crate::model::fmt_number(*n),
            Some(Value::Date(d)) => d.clone(),
            None => c.text.clone(),
        };
        // a measure carries its unit ("6 miles" beside "10 km"); counts of people do not
        let v = if matches!(
            c.unit.as_str(),
            "person" | "none" | "date" | "rank" | "day_index"
        ) || c.value.is_none()
        {
            v
        } else {
            format!("{v} {}", self.unit(&c.unit))
        };
        match c.qualifier {
            Qualifier::Exact | Qualifier::Vague => v,
            Qualifier::Range => format!(
                "{}–{}",
                bound_text(c.low.or(c.high)),
                bound_text(c.high.or(c.low))
            ),
            q => {
                let q = self
                    .label(LabelKind::Qualifier, q.as_str())
                    .map_or_else(|| readable(q.as_str()), str::to_string);
                format!("{q} {v}")
            }
        }
    }
}

/// An id in a readable form: `battle_duration` → `battle duration`, `~krb` → `krb`; never blank.
///
/// ```
/// assert_eq!(claimdiff::render::readable("battle_duration"), "battle duration");
/// assert_eq!(claimdiff::render::readable(""), "?");
/// ```
pub fn readable(id: &str) -> String {
    let s = id.trim_start_matches('~').replace('_', " ");
    let s = s.trim();
    if s.is_empty() {
        "?".to_string()
    } else {
        s.to_string()
    }
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
        Format::Markdown => markdown::write(report, mode, opts, out),
        Format::Gold => gold::write(report, out),
        Format::Html => html::write(report, opts, out),
    }
}

/// A group's scope in words: its place's name in the report's language, else the subject as
/// its first claim wrote it; empty when the group is about the story as a whole.
pub fn scope(g: &Group, claims: &HashMap<&str, &Claim>, words: &Words) -> String {
    if g.subject.is_empty() {
        return String::new();
    }
    let written = g
        .claims
        .iter()
        .filter_map(|id| claims.get(id.as_str()))
        .find(|c| c.subject_id == g.subject && !c.subject.is_empty())
        .map_or("", |c| c.subject.as_str());
    words.place(&g.subject, written)
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
        Some(crate::model::Value::Number(n)) => crate::model::fmt_number(*n),
        Some(crate::model::Value::Date(d)) => d.clone(),
        None => String::new(),
    }
}

/// An optional bound as text.
pub(crate) fn bound_text(b: Option<f64>) -> String {
    b.map(crate::model::fmt_number).unwrap_or_default()
}
