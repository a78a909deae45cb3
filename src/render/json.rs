//! Writes the report as JSON (the contract of `shared/eval/README.md`, schema in
//! `docs/report.md`) or claims as JSON Lines.

use super::Mode;
use crate::model::Report;
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
    for c in &report.claims {
        let mut v = serde_json::to_value(c)?;
        if let (Some(obj), Some(d)) = (v.as_object_mut(), docs.get(c.doc.as_str())) {
            obj.insert("outlet".into(), d.outlet.clone().into());
            obj.insert("date".into(), d.date.clone().into());
        }
        serde_json::to_writer(&mut *out, &v)?;
        writeln!(out)?;
    }
    Ok(())
}
