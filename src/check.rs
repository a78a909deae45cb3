//! Takes a `claimdiff.toml` and the files it names; returns findings for CI: drafts that
//! contradict their sources (`conflict`), state what no source states (`unsupported`) or repeat
//! a running toll the sources have since updated (`stale`), and published pieces that
//! contradict each other (`cross`), after inline ignores and the baseline are applied.

use crate::error::{Error, Result};
use crate::model::{Claim, Document, Verdict};
use crate::rules::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// How loud a finding kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    /// The lower-case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// `[severity]` of `claimdiff.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Severities {
    #[serde(default = "error")]
    pub conflict: Severity,
    #[serde(default = "warning")]
    pub unsupported: Severity,
    #[serde(default = "warning")]
    pub stale: Severity,
    #[serde(default = "error")]
    pub cross: Severity,
}

fn error() -> Severity {
    Severity::Error
}

fn warning() -> Severity {
    Severity::Warning
}

impl Default for Severities {
    fn default() -> Self {
        Severities {
            conflict: Severity::Error,
            unsupported: Severity::Warning,
            stale: Severity::Warning,
            cross: Severity::Error,
        }
    }
}

/// `claimdiff.toml`: which files are sources, drafts and published pieces, and how to judge.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the config's folder) of the source articles drafts are checked against.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Globs of drafts: every figure in them is checked against the sources.
    #[serde(default)]
    pub drafts: Vec<String>,
    /// Globs of published pieces compared with each other (default: the sources).
    #[serde(default)]
    pub published: Option<Vec<String>>,
    /// Manifest CSV (file,outlet,date,url,language), relative to the config's folder.
    #[serde(default)]
    pub manifest: Option<String>,
    /// Baseline file of accepted findings.
    #[serde(default)]
    pub baseline: Option<String>,
    /// Only these categories matter (empty: all).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Relative tolerance for `about` figures, per category.
    #[serde(default)]
    pub tolerance: BTreeMap<String, f64>,
    #[serde(default)]
    pub severity: Severities,
    /// A folder of extra rule files.
    #[serde(default)]
    pub rules: Option<String>,
}

impl Config {
    /// Reads and validates a config file; an unknown key is an error naming key and line.
    pub fn read(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let cfg: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: crate::rules::one_line(&e.to_string()),
        })?;
        for (cat, t) in &cfg.tolerance {
            if !(0.0..1.0).contains(t) {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    message: format!("tolerance.{cat} = {t}: must be at least 0 and below 1"),
                });
            }
        }
        if cfg.sources.is_empty()
            && cfg.drafts.is_empty()
            && cfg.published.as_ref().is_none_or(|p| p.is_empty())
        {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: "no `sources`, `drafts` or `published` globs: nothing to check".into(),
            });
        }
        for g in cfg
            .sources
            .iter()
            .chain(&cfg.drafts)
            .chain(cfg.published.iter().flatten())
        {
            glob_regex(g).map_err(|m| Error::Config {
                path: path.to_path_buf(),
                message: format!("glob {g:?}: {m}"),
            })?;
        }
        Ok(cfg)
    }
}

/// Compiles a glob (`*`, `**`, `?`, `{a,b}`) over `/`-separated relative paths.
pub fn glob_regex(glob: &str) -> std::result::Result<regex::Regex, String> {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.trim_start_matches("./").chars().collect();
    let mut i = 0;
    let mut in_alt = false;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:.*/)?");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '{' if !in_alt => {
                in_alt = true;
                re.push_str("(?:");
            }
            '}' if in_alt => {
                in_alt = false;
                re.push(')');
            }
            ',' if in_alt => re.push('|'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    if in_alt {
        return Err("unclosed `{`".into());
    }
    re.push('$');
    regex::RegexBuilder::new(&re)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| e.to_string())
}

/// The files under `root` matching any of `globs`, as paths relative to `root`, sorted.
pub fn matching_files(root: &Path, globs: &[String]) -> Result<Vec<PathBuf>> {
    let res: Vec<regex::Regex> = globs.iter().filter_map(|g| glob_regex(g).ok()).collect();
    let mut out = Vec::new();
    walk(root, root, &res, &mut out, 0)?;
    out.sort();
    Ok(out)
}

fn walk(
    root: &Path,
    dir: &Path,
    res: &[regex::Regex],
    out: &mut Vec<PathBuf>,
    depth: usize,
) -> Result<()> {
    if depth > 64 {
        return Ok(()); // a symlink loop or an absurdly deep tree
    }
    let rd = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') || name == "target" {
            continue;
        }
        if p.is_dir() {
            walk(root, &p, res, out, depth + 1)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            let rel_s = rel.to_string_lossy().replace('\\', "/");
            if res.iter().any(|r| r.is_match(&rel_s)) {
                out.push(rel.to_path_buf());
            }
        }
    }
    Ok(())
}

/// One thing `check` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// `conflict`, `unsupported`, `stale` or `cross`.
    pub kind: String,
    pub severity: Severity,
    /// Path relative to the config's folder.
    pub path: String,
    /// 1-based line and column (in characters) of the claim.
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
    pub message: String,
    /// The claim's words, category and subject.
    pub text: String,
    pub category: String,
    pub subject: String,
    /// Other places involved: `path:line:col` of the sources it contradicts.
    pub related: Vec<String>,
    /// A stable key for baselines: independent of line numbers.
    pub fingerprint: String,
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Whether the line holding `offset` carries an inline ignore marker
/// (`<!-- claimdiff: ignore -->`, `# claimdiff: ignore`, `// claimdiff: ignore`).
pub fn ignored_at(text: &str, offset: usize) -> bool {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
    text[start..end].contains("claimdiff: ignore") || text[start..end].contains("claimdiff:ignore")
}

/// The files of one check run and their documents.
pub struct Inputs {
    pub sources: Vec<Document>,
    pub drafts: Vec<Document>,
    pub published: Vec<Document>,
}

/// Loads the documents a config names, with the manifest when set.
pub fn load_inputs(root: &Path, cfg: &Config, rules: &RuleSet) -> Result<Inputs> {
    let manifest = match &cfg.manifest {
        Some(m) => crate::load::read_manifest(&root.join(m))?,
        None => crate::load::Manifest::new(),
    };
    let read = |globs: &[String]| -> Result<Vec<Document>> {
        let mut docs = Vec::new();
        for rel in matching_files(root, globs)? {
            let mut d = crate::load::read_document(&root.join(&rel), &manifest, rules)?;
            d.path = rel.to_string_lossy().replace('\\', "/");
            d.id = d.path.clone();
            docs.push(d);
        }
        Ok(docs)
    };
    let sources = read(&cfg.sources)?;
    let drafts = read(&cfg.drafts)?;
    let published = match &cfg.published {
        Some(p) => read(p)?,
        None => sources.clone(),
    };
    Ok(Inputs {
        sources,
        drafts,
        published,
    })
}

fn claim_block(c: &Claim, rules: &RuleSet) -> Option<(String, String, String)> {
    let cat = rules.category(&c.category);
    if c.kind == "figure" && cat.is_some_and(|x| !x.groupable()) {
        return None;
    }
    let unit = if c.kind == "event" {
        c.family.clone()
    } else {
        rules.canonical_unit(&c.unit).0.to_string()
    };
    let category = if c.kind == "event" {
        "event".to_string()
    } else {
        c.category.clone()
    };
    Some((c.kind.clone(), category, unit))
}

fn same_subject(a: &Claim, b: &Claim, rules: &RuleSet) -> bool {
    let none = rules
        .category(&a.category)
        .is_some_and(|c| c.subject() == crate::rules::SubjectMode::None);
    none || a.subject_id == b.subject_id || a.subject_id.is_empty() || b.subject_id.is_empty()
}

fn location(doc: &Document, c: &Claim) -> String {
    let (l, col) = line_col(&doc.text, c.start);
    format!("{}:{l}:{col}", doc.path)
}

fn cite(doc: &Document, c: &Claim) -> String {
    let src = if c.source.is_empty() {
        String::new()
    } else {
        format!(" citing {}", c.source)
    };
    format!(
        "{} ({}{src}, {}) at {}",
        crate::judge::figure(c),
        doc.outlet,
        doc.date.as_deref().unwrap_or("date unknown"),
        location(doc, c)
    )
}

#[allow(clippy::too_many_arguments)]
fn finding(
    kind: &str,
    severity: Severity,
    doc: &Document,
    c: &Claim,
    message: String,
    related: Vec<String>,
) -> Finding {
    let (line, col) = line_col(&doc.text, c.start);
    let (end_line, end_col) = line_col(&doc.text, c.end);
    let fingerprint = format!(
        "{kind}|{}|{}|{}|{}",
        doc.path, c.category, c.subject_id, c.text
    );
    Finding {
        kind: kind.into(),
        severity,
        path: doc.path.clone(),
        line,
        col,
        end_line,
        end_col,
        message,
        text: c.text.clone(),
        category: c.category.clone(),
        subject: c.subject.clone(),
        related,
        fingerprint,
    }
}

/// All findings of a run, before baseline and `--changed` filtering, sorted by path and place.
pub fn findings(inputs: &Inputs, cfg: &Config, rules: &RuleSet) -> Vec<Finding> {
    let matters = |c: &Claim| {
        cfg.categories.is_empty()
            || cfg.categories.contains(&c.category)
            || (c.kind == "event" && cfg.categories.iter().any(|x| x == "events"))
    };
    let source_claims: Vec<(usize, Claim)> = inputs
        .sources
        .iter()
        .enumerate()
        .flat_map(|(i, d)| crate::claims_of(d, rules).into_iter().map(move |c| (i, c)))
        .collect();
    let mut out = Vec::new();
    // 1. drafts against sources
    for draft in &inputs.drafts {
        for c in crate::claims_of(draft, rules) {
            if !matters(&c) || ignored_at(&draft.text, c.start) {
                continue;
            }
            let Some(block) = claim_block(&c, rules) else {
                continue;
            };
            let candidates: Vec<&(usize, Claim)> = source_claims
                .iter()
                .filter(|(_, s)| {
                    claim_block(s, rules).as_ref() == Some(&block) && same_subject(&c, s, rules)
                })
                .collect();
            if c.kind == "event" {
                if candidates.is_empty() {
                    let msg = format!("no source reports that: {}", crate::judge::figure(&c));
                    out.push(finding(
                        "unsupported",
                        cfg.severity.unsupported,
                        draft,
                        &c,
                        msg,
                        Vec::new(),
                    ));
                } else if candidates.iter().all(|(_, s)| s.polarity != c.polarity) {
                    let related: Vec<String> = candidates
                        .iter()
                        .map(|(i, s)| location(&inputs.sources[*i], s))
                        .collect();
                    let (i, s) = candidates[0];
                    let msg = format!(
                        "{} is {}, but {} says the opposite",
                        crate::judge::figure(&c),
                        c.polarity,
                        cite(&inputs.sources[*i], s)
                    );
                    out.push(finding(
                        "conflict",
                        cfg.severity.conflict,
                        draft,
                        &c,
                        msg,
                        related,
                    ));
                }
                continue;
            }
            if candidates.is_empty() {
                let msg = format!(
                    "no source states {} for {}{}",
                    crate::judge::figure(&c),
                    c.category,
                    if c.subject.is_empty() {
                        String::new()
                    } else {
                        format!(" in {}", c.subject)
                    }
                );
                out.push(finding(
                    "unsupported",
                    cfg.severity.unsupported,
                    draft,
                    &c,
                    msg,
                    Vec::new(),
                ));
                continue;
            }
            let compatible: Vec<&&(usize, Claim)> = candidates
                .iter()
                .filter(|(_, s)| crate::judge::compatible(&c, s, rules))
                .collect();
            let running = rules.course_of(&c.category) != crate::rules::Course::Fixed;
            let date_of = |i: usize| inputs.sources[i].date.clone();
            let newest = candidates.iter().filter_map(|(i, _)| date_of(*i)).max();
            if !compatible.is_empty() {
                // a running toll: a newer source figure that this one does not match
                if running {
                    let supported_on = compatible.iter().filter_map(|(i, _)| date_of(*i)).max();
                    if let (Some(n), Some(s)) = (&newest, &supported_on) {
                        if n > s {
                            if let Some((i, newer)) = candidates.iter().find(|(i, s2)| {
                                date_of(*i).as_ref() == Some(n)
                                    && !crate::judge::compatible(&c, s2, rules)
                            }) {
                                let msg = format!(
                                    "{} is out of date: {} is newer",
                                    crate::judge::figure(&c),
                                    cite(&inputs.sources[*i], newer)
                                );
                                out.push(finding(
                                    "stale",
                                    cfg.severity.stale,
                                    draft,
                                    &c,
                                    msg,
                                    vec![location(&inputs.sources[*i], newer)],
                                ));
                            }
                        }
                    }
                }
                continue;
            }
            let related: Vec<String> = candidates
                .iter()
                .map(|(i, s)| location(&inputs.sources[*i], s))
                .collect();
            let (i, s) = candidates
                .iter()
                .max_by_key(|(i, s)| (date_of(*i), s.start))
                .map(|x| (&x.0, &x.1))
                .unwrap();
            let msg = format!(
                "{} contradicts {}",
                crate::judge::figure(&c),
                cite(&inputs.sources[*i], s)
            );
            out.push(finding(
                "conflict",
                cfg.severity.conflict,
                draft,
                &c,
                msg,
                related,
            ));
        }
    }
    // 2. published pieces against each other
    if !inputs.published.is_empty() {
        let report = crate::compare(inputs.published.clone(), rules);
        let docs: HashMap<&str, &Document> = report
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d))
            .collect();
        let claims: HashMap<&str, &Claim> =
            report.claims.iter().map(|c| (c.id.as_str(), c)).collect();
        for g in report
            .groups
            .iter()
            .filter(|g| g.verdict == Verdict::Conflict)
        {
            let members: Vec<&Claim> = g
                .claims
                .iter()
                .filter_map(|id| claims.get(id.as_str()).copied())
                .collect();
            let Some(first) = members.first() else {
                continue;
            };
            if !matters(first) {
                continue;
            }
            // reported at the first claim of the last document in the group
            let last_doc = members
                .iter()
                .map(|c| c.doc.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .next_back()
                .unwrap_or("");
            let Some(at) = members.iter().find(|c| c.doc == last_doc) else {
                continue;
            };
            let Some(doc) = docs.get(at.doc.as_str()) else {
                continue;
            };
            if ignored_at(&doc.text, at.start) {
                continue;
            }
            let related: Vec<String> = members
                .iter()
                .filter(|c| c.id != at.id)
                .filter_map(|c| docs.get(c.doc.as_str()).map(|d| location(d, c)))
                .collect();
            out.push(finding(
                "cross",
                cfg.severity.cross,
                doc,
                at,
                format!("published pieces disagree: {}", g.reason),
                related,
            ));
        }
    }
    out.retain(|f| f.severity != Severity::Off);
    out.sort_by(|a, b| (&a.path, a.line, a.col, &a.kind).cmp(&(&b.path, b.line, b.col, &b.kind)));
    out.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.line == b.line && a.col == b.col);
    out
}

/// A baseline: the fingerprints of accepted findings.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub message: String,
}

impl Baseline {
    /// A baseline of these findings.
    pub fn of(findings: &[Finding]) -> Baseline {
        Baseline {
            version: 1,
            findings: findings
                .iter()
                .map(|f| BaselineEntry {
                    fingerprint: f.fingerprint.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        serde_json::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: format!("not a claimdiff baseline: {e}"),
        })
    }

    /// Removes the findings this baseline accepts.
    pub fn filter(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        findings
            .into_iter()
            .filter(|f| !known.contains(f.fingerprint.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_in_arabic() {
        let text = "سطر أول\nقتل 20 شخصا";
        let off = text.find("20").unwrap();
        assert_eq!(line_col(text, off), (2, 5));
        assert_eq!(line_col(text, 0), (1, 1));
    }

    #[test]
    fn globs_match_relative_paths() {
        let g = glob_regex("drafts/**/*.md").unwrap();
        assert!(
            g.is_match("drafts/a.md")
                && g.is_match("drafts/x/y/a.md")
                && !g.is_match("drafts/a.txt")
        );
        let g = glob_regex("sources/*.{txt,md}").unwrap();
        assert!(
            g.is_match("sources/a.txt")
                && g.is_match("sources/b.md")
                && !g.is_match("sources/x/a.txt")
        );
        assert!(glob_regex("a/{b").is_err());
    }

    #[test]
    fn inline_ignore_silences_its_line_only() {
        let text = "قتل 20 شخصا <!-- claimdiff: ignore -->\nقتل 30 شخصا";
        assert!(ignored_at(text, 4));
        assert!(!ignored_at(text, text.find("30").unwrap()));
    }
}
