//! Writes a Markdown comparison table, fit for a pull-request comment or an editor's memo.

use super::{value_text, Mode, Options, Words};
use crate::model::Report;
use std::io::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Writes the Markdown.
pub fn write(
    report: &Report,
    mode: Mode,
    opts: Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let docs = super::doc_index(report);
    let claims = super::claim_index(report);
    let words = Words::new(report, &opts);
    match mode {
        Mode::Extract => {
            writeln!(
                out,
                "| doc | kind | text | value | qualifier | unit | category | subject | source |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
            for c in &report.claims {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    cell(&c.doc),
                    c.kind,
                    cell(&c.text),
                    value_text(c),
                    c.qualifier.as_str(),
                    cell(&words.unit(&c.unit)),
                    cell(&words.category(&c.category)),
                    cell(&c.subject),
                    cell(&c.source)
                )?;
            }
        }
        Mode::Compare => {
            writeln!(
                out,
                "# claimdiff: {} documents, {} groups\n",
                report.documents.len(),
                report.groups.len()
            )?;
            writeln!(
                out,
                "| group | kind | verdict | what | figure | outlet | date | source | words |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
            for g in &report.groups {
                let what = words.what(g, &super::scope(g, &claims, &words));
                for (k, id) in g.claims.iter().enumerate() {
                    let Some(c) = claims.get(id.as_str()) else {
                        continue;
                    };
                    let d = docs.get(c.doc.as_str());
                    let (gid, kind, verdict, what) = if k == 0 {
                        (
                            g.id.as_str(),
                            words.kind(&g.kind),
                            format!("**{}**", words.verdict(g.verdict)),
                            what.as_str(),
                        )
                    } else {
                        ("", String::new(), String::new(), "")
                    };
                    writeln!(
                        out,
                        "| {gid} | {kind} | {verdict} | {} | {} | {} | {} | {} | «{}» |",
                        cell(what),
                        cell(&words.figure(c)),
                        cell(d.map_or(c.doc.as_str(), |d| d.outlet.as_str())),
                        date_cell(c, d.and_then(|d| d.date.as_deref())),
                        cell(&c.source),
                        cell(&c.text)
                    )?;
                }
            }
            let conflicts: Vec<_> = report
                .groups
                .iter()
                .filter(|g| g.verdict == crate::model::Verdict::Conflict)
                .collect();
            if !conflicts.is_empty() {
                writeln!(out, "\n## Conflicts\n")?;
                for g in conflicts {
                    writeln!(
                        out,
                        "- **{}** {}: {}",
                        g.id,
                        cell(&words.category(&g.category)),
                        cell(&g.reason)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The publication date, and the day the claim names when that differs: `2024-12-08 (on 2024-12-07)`.
fn date_cell(c: &crate::model::Claim, published: Option<&str>) -> String {
    let when = super::when_note(c, published);
    let date = published.unwrap_or("?");
    if when.is_empty() {
        date.to_string()
    } else {
        format!("{date} ({when})")
    }
}
