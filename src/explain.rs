//! Why two claims were or were not grouped. Takes a finished report, two claim references
//! (`c12`, or `DOC:OFFSET` with the document's id or file name and a byte offset inside the
//! claim) and the rules; returns the grouping's judgement stage by stage — quantity, scope,
//! figures, time — and the group each claim ended in.

use crate::error::{Error, Result};
use crate::identity::partition_key;
use crate::judge::{clash, compatible, figure, Clash};
use crate::model::{Claim, Report};
use crate::rules::RuleSet;

/// One stage of the judgement: its name, whether the pair passes it, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Step {
    pub stage: &'static str,
    pub passed: bool,
    pub why: String,
}

/// The answer to "why are these two (not) one quantity?".
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Explanation {
    pub a: String,
    pub b: String,
    /// The group holding both, when there is one.
    pub together: Option<String>,
    pub steps: Vec<Step>,
    /// One line: where each claim ended.
    pub outcome: String,
}

/// Finds a claim by id (`c12`) or by `DOC:OFFSET` (a byte offset inside the claim's words,
/// `DOC` the document's id or its file name).
pub fn find<'r>(report: &'r Report, reference: &str) -> Result<&'r Claim> {
    let unknown = |why: &str| Error::Reference {
        reference: reference.to_string(),
        message: why.to_string(),
    };
    if let Some(c) = report.claims.iter().find(|c| c.id == reference) {
        return Ok(c);
    }
    let (doc, offset) = reference
        .rsplit_once(':')
        .ok_or_else(|| unknown("no claim has this id; give an id (c12) or DOC:OFFSET"))?;
    let offset: usize = offset
        .parse()
        .map_err(|_| unknown("the offset after ':' is not a number"))?;
    let doc_id = report
        .documents
        .iter()
        .find(|d| {
            d.id == doc
                || d.path == doc
                || std::path::Path::new(&d.path)
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy() == doc)
        })
        .map(|d| d.id.as_str())
        .ok_or_else(|| unknown("no document has this id or file name"))?;
    report
        .claims
        .iter()
        .filter(|c| c.doc == doc_id && c.start <= offset && offset < c.end.max(c.start + 1))
        .min_by_key(|c| c.end - c.start)
        .ok_or_else(|| unknown("no claim covers this offset"))
}

/// Explains how grouping treated claims `a` and `b` of `report`.
pub fn explain(report: &Report, a: &str, b: &str, rules: &RuleSet) -> Result<Explanation> {
    let (x, y) = (find(report, a)?, find(report, b)?);
    let group_of = |c: &Claim| report.groups.iter().find(|g| g.claims.contains(&c.id));
    let (gx, gy) = (group_of(x), group_of(y));
    let mut steps = Vec::new();
    // quantity
    let (kx, ky) = (partition_key(x, rules), partition_key(y, rules));
    let key_text = |k: &Option<String>, c: &Claim| {
        k.clone().unwrap_or_else(|| {
            format!(
                "none: category {:?} is not compared across documents",
                c.category
            )
        })
    };
    steps.push(Step {
        stage: "quantity",
        passed: kx.is_some() && kx == ky,
        why: format!(
            "{} ({}) vs {} ({})",
            key_text(&kx, x),
            x.category,
            key_text(&ky, y),
            y.category
        ),
    });
    // scope
    let scope_text = |c: &Claim, g: Option<&crate::model::Group>| {
        let written = if c.scope.is_empty() {
            &c.subject_id
        } else {
            &c.scope
        };
        let at = g.map_or("", |g| g.scope.as_str());
        let written = if written.is_empty() {
            "no place"
        } else {
            written
        };
        if at.is_empty() || at == written {
            written.to_string()
        } else {
            format!("{written}, compared at {at}")
        }
    };
    let same_scope = match (gx, gy) {
        (Some(p), Some(q)) => p.scope == q.scope,
        _ => false,
    };
    steps.push(Step {
        stage: "scope",
        passed: same_scope,
        why: format!("{} vs {}", scope_text(x, gx), scope_text(y, gy)),
    });
    // figures
    let fits = compatible(x, y, rules);
    steps.push(Step {
        stage: "figures",
        passed: fits || x.doc != y.doc,
        why: format!(
            "{} vs {}: {}{}",
            figure(x),
            figure(y),
            if fits { "compatible" } else { "incompatible" },
            if x.doc == y.doc && !fits {
                " in one document, which are two quantities unless one timeline"
            } else {
                ""
            }
        ),
    });
    // time
    let day = |c: &Claim| {
        report
            .documents
            .iter()
            .find(|d| d.id == c.doc)
            .and_then(|d| c.reference_day(d.date.as_deref()))
            .map(str::to_string)
    };
    let (dx, dy) = (day(x), day(y));
    let how = clash(
        x,
        y,
        dx.as_deref(),
        dy.as_deref(),
        rules.course_of(&x.category),
        rules,
    );
    steps.push(Step {
        stage: "time",
        passed: !how.is_conflict() || gx.map(|g| &g.id) == gy.map(|g| &g.id),
        why: format!(
            "{} vs {}: {}",
            dx.as_deref().unwrap_or("day unknown"),
            dy.as_deref().unwrap_or("day unknown"),
            match how {
                Clash::None => "both can stand",
                Clash::Changed => "a running toll changed (an update, not a conflict)",
                Clash::Fell => "a running toll fell (a conflict)",
                Clash::Sources => "two named sources differ on one day (a conflict)",
                Clash::Estimates => "two estimates differ on one day (a conflict)",
                Clash::Differ => "they cannot both be true (a conflict)",
            }
        ),
    });
    let place = |g: Option<&crate::model::Group>| {
        g.map_or("no group (not compared)".to_string(), |g| {
            format!("{} ({})", g.id, g.verdict.as_str())
        })
    };
    let together = match (gx, gy) {
        (Some(p), Some(q)) if p.id == q.id => Some(p.id.clone()),
        _ => None,
    };
    let outcome = match (&together, gx) {
        (Some(_), Some(g)) => format!("grouped in {}: {}", place(gx), g.reason),
        _ => format!(
            "not grouped: {} is in {}, {} in {}",
            x.id,
            place(gx),
            y.id,
            place(gy)
        ),
    };
    Ok(Explanation {
        a: x.id.clone(),
        b: y.id.clone(),
        together,
        steps,
        outcome,
    })
}
