//! Takes a [`Scorecard`] (and the thresholds it fell short of); writes the evaluation figures
//! as a terminal table, one JSON object (the keys of `score.py --json`, plus the breakdowns) or
//! Markdown, and with `verbose` every miss with document, offset and words.

use crate::eval::{round3, Counts, Miss, Place, Scorecard};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use std::collections::BTreeMap;
use std::io::Write;

/// Output formats of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    Table,
    Json,
    Markdown,
}

/// What to write besides the figures.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    /// List every miss, wrong value, false positive, ungrouped pair, missed and false conflict.
    pub verbose: bool,
    /// Table width in columns.
    pub width: u16,
}

/// Writes the scorecard in `format`.
pub fn write(
    card: &Scorecard,
    short: &[String],
    format: EvalFormat,
    opts: EvalOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        EvalFormat::Json => write_json(card, short, opts, out),
        EvalFormat::Table => write_table(card, short, opts, out),
        EvalFormat::Markdown => write_markdown(card, short, opts, out),
    }
}

/// The six shares of `score.py --json`, rounded to three decimals, then the counts.
#[derive(serde::Serialize)]
struct FiguresJson<'a> {
    recall: f64,
    precision: f64,
    value_accuracy: f64,
    pair_recall: f64,
    conflict_recall: f64,
    conflict_precision: f64,
    #[serde(flatten)]
    counts: &'a Counts,
}

impl<'a> FiguresJson<'a> {
    fn of(c: &'a Counts) -> FiguresJson<'a> {
        let f = c.figures();
        FiguresJson {
            recall: round3(f.recall),
            precision: round3(f.precision),
            value_accuracy: round3(f.value_accuracy),
            pair_recall: round3(f.pair_recall),
            conflict_recall: round3(f.conflict_recall),
            conflict_precision: round3(f.conflict_precision),
            counts: c,
        }
    }
}

/// The whole JSON output: the figures, the thresholds missed, the breakdowns, the misses.
#[derive(serde::Serialize)]
struct ScorecardJson<'a> {
    #[serde(flatten)]
    figures: FiguresJson<'a>,
    short: &'a [String],
    by_category: BTreeMap<&'a str, FiguresJson<'a>>,
    by_language: BTreeMap<&'a str, FiguresJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    misses: Option<&'a [Miss]>,
}

fn breakdown(by: &BTreeMap<String, Counts>) -> BTreeMap<&str, FiguresJson<'_>> {
    by.iter()
        .map(|(k, c)| (k.as_str(), FiguresJson::of(c)))
        .collect()
}

fn write_json(
    card: &Scorecard,
    short: &[String],
    opts: EvalOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let json = ScorecardJson {
        figures: FiguresJson::of(&card.counts),
        short,
        by_category: breakdown(&card.by_category),
        by_language: breakdown(&card.by_language),
        misses: opts.verbose.then_some(card.misses.as_slice()),
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

/// One summary row a figure: name, value, and what it counts.
fn summary(c: &Counts) -> Vec<[String; 3]> {
    let f = c.figures();
    let row =
        |name: &str, v: f64, what: String| [name.to_string(), format!("{:.3}", round3(v)), what];
    vec![
        row(
            "recall",
            f.recall,
            format!("{} of {} required claims found", c.found, c.required),
        ),
        row(
            "precision",
            f.precision,
            format!(
                "{} of {} reported claims are annotated claims",
                c.system_claims - c.false_positives,
                c.system_claims
            ),
        ),
        row(
            "value accuracy",
            f.value_accuracy,
            format!(
                "{} of {} found claims have the right value",
                c.right, c.valued
            ),
        ),
        row(
            "pair recall",
            f.pair_recall,
            format!(
                "{} of {} gold pairs share a reported group",
                c.hit_pairs, c.pairs
            ),
        ),
        row(
            "conflict recall",
            f.conflict_recall,
            format!(
                "{} of {} gold conflicts reported",
                c.conflict_found, c.conflict_groups
            ),
        ),
        row(
            "conflict precision",
            f.conflict_precision,
            format!(
                "{} of {} reported conflicts are real",
                c.true_conflicts, c.sys_conflicts
            ),
        ),
        [
            "false conflicts".into(),
            c.false_conflicts.to_string(),
            "distinct or agree pairs reported as one conflict".into(),
        ],
    ]
}

/// A figure in a breakdown row: `0.750 (3/4)`, or `-` when nothing was counted.
fn cell(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.3} ({part}/{whole})", round3(part as f64 / whole as f64))
    }
}

const BREAKDOWN_HEADER: [&str; 7] = [
    "recall",
    "precision",
    "value acc.",
    "pair recall",
    "conflict recall",
    "conflict prec.",
    "false conflicts",
];

fn breakdown_row(name: &str, c: &Counts) -> Vec<String> {
    vec![
        name.to_string(),
        cell(c.found, c.required),
        cell(c.system_claims - c.false_positives, c.system_claims),
        cell(c.right, c.valued),
        cell(c.hit_pairs, c.pairs),
        cell(c.conflict_found, c.conflict_groups),
        cell(c.true_conflicts, c.sys_conflicts),
        c.false_conflicts.to_string(),
    ]
}

fn breakdown_header(first: &str) -> Vec<String> {
    std::iter::once(first)
        .chain(BREAKDOWN_HEADER)
        .map(str::to_string)
        .collect()
}

fn new_table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    t
}

fn write_table(
    card: &Scorecard,
    short: &[String],
    opts: EvalOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut t = new_table(opts.width);
    t.set_header(vec!["figure", "value", "counts"]);
    for row in summary(&card.counts) {
        t.add_row(row.to_vec());
    }
    writeln!(out, "{t}")?;
    for (title, by) in [
        ("category", &card.by_category),
        ("language", &card.by_language),
    ] {
        let mut t = new_table(opts.width);
        t.set_header(breakdown_header(title));
        for (name, c) in by {
            t.add_row(breakdown_row(
                if name.is_empty() { "(none)" } else { name },
                c,
            ));
        }
        writeln!(out, "{t}")?;
    }
    if opts.verbose {
        for m in &card.misses {
            writeln!(out, "{}", miss_line(m))?;
        }
    }
    for s in short {
        writeln!(out, "short: {s}")?;
    }
    Ok(())
}

/// Escapes a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn write_markdown(
    card: &Scorecard,
    short: &[String],
    opts: EvalOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "## Figures\n\n| figure | value | counts |\n|---|---:|---|"
    )?;
    for [name, value, what] in summary(&card.counts) {
        writeln!(out, "| {name} | {value} | {what} |")?;
    }
    for (title, by) in [
        ("category", &card.by_category),
        ("language", &card.by_language),
    ] {
        writeln!(out, "\n## By {title}\n")?;
        writeln!(out, "| {} |", breakdown_header(title).join(" | "))?;
        writeln!(out, "|---|{}", "---:|".repeat(7))?;
        for (name, c) in by {
            let row = breakdown_row(if name.is_empty() { "(none)" } else { name }, c);
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
    }
    if opts.verbose && !card.misses.is_empty() {
        writeln!(out, "\n## Misses\n")?;
        for m in &card.misses {
            writeln!(out, "- {}", md(&miss_line(m)))?;
        }
    }
    if !short.is_empty() {
        writeln!(out, "\n## Short of the thresholds\n")?;
        for s in short {
            writeln!(out, "- {s}")?;
        }
    }
    Ok(())
}

/// `d0-x 000_c90ab00c3d206b15.txt:1553 «1183»`
fn place(p: &Place) -> String {
    format!("{} {}:{} «{}»", p.id, p.doc, p.start, p.text)
}

/// One miss on one line, led by what went wrong (the words of `score.py -v`).
pub fn miss_line(m: &Miss) -> String {
    match m {
        Miss::Missed { claim } => format!("missed: {}", place(claim)),
        Miss::WrongValue { claim, gold, got } => {
            format!(
                "wrong value: {} gold {gold} got [{}]",
                place(claim),
                got.join(", ")
            )
        }
        Miss::FalsePositive {
            doc,
            start,
            text,
            value,
        } => format!("false positive: {doc}:{start} «{text}» value {value}"),
        Miss::NotGrouped { a, b } => format!("not grouped: {} + {}", place(a), place(b)),
        Miss::ConflictMissed { group, members } => {
            let list: Vec<String> = members.iter().map(place).collect();
            format!("conflict missed: {group}: {}", list.join(", "))
        }
        Miss::FalseConflict { a, b } => format!("false conflict: {} vs {}", place(a), place(b)),
    }
}
