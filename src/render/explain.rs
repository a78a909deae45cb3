//! Takes an [`Explanation`] of two claims; writes it as text lines or as JSON.

use crate::explain::Explanation;
use std::io::Write;

/// Writes the explanation: one line per stage, then the outcome; JSON when `json`.
pub fn write(e: &Explanation, json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, e)?;
        return writeln!(out);
    }
    writeln!(out, "{} and {}", e.a, e.b)?;
    for s in &e.steps {
        let mark = if s.passed { "same" } else { "differ" };
        writeln!(out, "  {:<9} {:<7} {}", s.stage, mark, s.why)?;
    }
    writeln!(out, "  {}", e.outcome)
}
