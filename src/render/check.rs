//! Writes `check` findings: as a compiler prints them (human), JSON, GitHub workflow commands,
//! SARIF 2.1.0 or JUnit XML.

use crate::check::{Finding, Severity};
use std::io::Write;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
}

/// Writes the findings in `format`.
pub fn write(
    findings: &[Finding],
    format: CheckFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        CheckFormat::Human => human(findings, out),
        CheckFormat::Json => json(findings, out),
        CheckFormat::Github => github(findings, out),
        CheckFormat::Sarif => sarif(findings, out),
        CheckFormat::Junit => junit(findings, out),
    }
}

fn counts(findings: &[Finding]) -> (usize, usize) {
    (
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    )
}

fn human(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            f.path,
            f.line,
            f.col,
            f.severity.as_str(),
            f.message,
            f.kind
        )?;
    }
    let (e, w) = counts(findings);
    writeln!(out, "claimdiff: {e} error(s), {w} warning(s)")
}

fn json(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    let (e, w) = counts(findings);
    let v = serde_json::json!({"findings": findings, "summary": {"errors": e, "warnings": w}});
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

/// GitHub workflow commands escape `%`, CR and LF in messages, and `,` `:` in properties.
fn gh_escape(s: &str, property: bool) -> String {
    let mut t = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        t = t.replace(':', "%3A").replace(',', "%2C");
    }
    t
}

fn github(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    for f in findings {
        let level = if f.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            gh_escape(&f.path, true),
            f.line,
            f.col,
            f.end_line,
            f.end_col,
            gh_escape(&format!("claimdiff {}", f.kind), true),
            gh_escape(&f.message, false)
        )?;
    }
    Ok(())
}

/// The rules SARIF names: one per finding kind.
const KINDS: [(&str, &str); 4] = [
    (
        "conflict",
        "A draft states a figure or fact its sources contradict.",
    ),
    (
        "unsupported",
        "A draft states a figure or fact no source states.",
    ),
    (
        "stale",
        "A draft repeats a running toll that a newer source has updated.",
    ),
    (
        "cross",
        "Published pieces state figures or facts that cannot both be true.",
    ),
];

fn sarif(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<serde_json::Value> = KINDS
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "name": id, "shortDescription": {"text": text}, "fullDescription": {"text": text}}))
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let related: Vec<serde_json::Value> = f
                .related
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let mut parts = r.rsplitn(3, ':');
                    let col: usize = parts.next()?.parse().ok()?;
                    let line: usize = parts.next()?.parse().ok()?;
                    let uri = parts.next()?;
                    Some(
                        serde_json::json!({"id": i, "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line, "startColumn": col}}}),
                    )
                })
                .collect();
            serde_json::json!({
                "ruleId": f.kind,
                "ruleIndex": KINDS.iter().position(|(k, _)| *k == f.kind).unwrap_or(0),
                "level": if f.severity == Severity::Error { "error" } else { "warning" },
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path},
                    "region": {"startLine": f.line, "startColumn": f.col, "endLine": f.end_line, "endColumn": f.end_col, "snippet": {"text": f.text}}
                }}],
                "relatedLocations": related,
                "partialFingerprints": {"claimdiff/v1": f.fingerprint},
            })
        })
        .collect();
    let v = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "claimdiff", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/claimdiff/claimdiff", "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn junit(findings: &[Finding], out: &mut dyn Write) -> std::io::Result<()> {
    let (e, _) = counts(findings);
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"claimdiff\" tests=\"{}\" failures=\"{e}\">",
        findings.len()
    )?;
    writeln!(
        out,
        "  <testsuite name=\"claimdiff check\" tests=\"{}\" failures=\"{e}\">",
        findings.len()
    )?;
    for f in findings {
        let name = xml_escape(&format!("{}:{}:{} {}", f.path, f.line, f.col, f.kind));
        if f.severity == Severity::Error {
            writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{name}\">",
                xml_escape(&f.path)
            )?;
            writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\"/>",
                f.kind,
                xml_escape(&f.message)
            )?;
            writeln!(out, "    </testcase>")?;
        } else {
            writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{name}\">",
                xml_escape(&f.path)
            )?;
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml_escape(&format!("warning: {}", f.message))
            )?;
            writeln!(out, "    </testcase>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
