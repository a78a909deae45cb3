//! Takes a gold annotation (JSON Lines: `claim`, `nonclaim`, `group`, `distinct`) and a report
//! (the JSON contract of `shared/eval/README.md`, or a [`Report`] made in this process);
//! returns a [`Scorecard`]: recall, precision, value accuracy, pair recall, conflict recall,
//! conflict precision and false conflicts, overall, per category and per document language,
//! with every miss listed.
//!
//! The definitions are those of `shared/eval/score.py`, which stays the reference: a report
//! document is paired with the gold by file name, a reported claim with the annotated span it
//! overlaps most (a claim before a non-claim, the earlier line on a tie), and the figures are
//! rounded to three decimals as Python's `round` does.

use crate::error::{Error, Result};
use crate::model::{Report, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Which claims of a report are scored: numeric figures or factual events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClaimKind {
    Figure,
    Event,
}

impl ClaimKind {
    /// The `kind` field's value in a report (`figure`, `event`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Figure => "figure",
            ClaimKind::Event => "event",
        }
    }
}

/// A stated figure as the gold or a report writes it: a number, a text (ISO date), or none.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Number(f64),
    Text(String),
}

impl Figure {
    fn from_json(v: &serde_json::Value) -> Option<Option<Figure>> {
        match v {
            serde_json::Value::Null => Some(None),
            serde_json::Value::Number(n) => n.as_f64().map(|f| Some(Figure::Number(f))),
            serde_json::Value::String(s) => Some(Some(Figure::Text(s.clone()))),
            _ => None,
        }
    }

    /// As text, numbers without a trailing `.0`.
    pub fn show(v: &Option<Figure>) -> String {
        match v {
            None => "null".into(),
            Some(Figure::Number(n)) => crate::model::fmt_number(*n),
            Some(Figure::Text(t)) => t.clone(),
        }
    }
}

/// Whether a reported value is the gold one: any value for a vague gold quantity, a date
/// given with more or less precision (`2024-12` for `2024-12-06`), a number within 1e-9.
pub fn same_value(gold: &Option<Figure>, reported: &Option<Figure>) -> bool {
    let (gold, reported) = match (gold, reported) {
        (None, _) => return true,
        (_, None) => return false,
        (Some(g), Some(r)) => (g, r),
    };
    match (gold, reported) {
        (Figure::Text(g), Figure::Text(r)) => {
            r.starts_with(g.as_str()) || g.starts_with(r.as_str())
        }
        (Figure::Text(_), Figure::Number(_)) => false,
        (Figure::Number(g), r) => {
            // a number written as text ("1183") still counts, as Python's float() reads it
            let r = match r {
                Figure::Number(n) => *n,
                Figure::Text(t) => match t.trim().parse::<f64>() {
                    Ok(n) => n,
                    Err(_) => return false,
                },
            };
            (r - g).abs() <= 1e-9 * g.abs().max(1.0)
        }
    }
}

/// One annotated claim: a figure (or fact) a tool should report.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldClaim {
    pub id: String,
    /// The document's file name.
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: Option<Figure>,
    pub qualifier: Option<String>,
    pub category: String,
    pub source: Option<String>,
    pub polarity: Option<String>,
    /// Optional claims (`required: false`) are neither rewarded nor penalised.
    pub required: bool,
    /// Line in the gold file.
    pub line: usize,
}

/// A number that is not a claim (a name, a code, page chrome): reporting it is a false positive.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldNonclaim {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub line: usize,
}

/// The verdict a gold group expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldVerdict {
    Agree,
    Conflict,
    /// Both readings are defensible: scored for grouping only.
    Either,
}

/// Claims about the same quantity, with the expected verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldGroup {
    pub id: String,
    pub verdict: GoldVerdict,
    pub members: Vec<String>,
    pub line: usize,
}

/// A whole gold annotation, checked: ids unique and defined, spans of one document apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gold {
    /// Claims in file order.
    pub claims: Vec<GoldClaim>,
    pub nonclaims: Vec<GoldNonclaim>,
    pub groups: Vec<GoldGroup>,
    /// Pairs of claims about different things that must never be one conflict.
    pub distinct: Vec<(String, String)>,
}

fn gold_error(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::Gold {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Reads the fields of one JSON line, naming the line and the key in every error.
struct Line<'a> {
    obj: &'a serde_json::Map<String, serde_json::Value>,
    path: &'a Path,
    n: usize,
    kind: &'a str,
}

impl Line<'_> {
    fn err(&self, message: String) -> Error {
        gold_error(self.path, self.n, message)
    }

    fn text(&self, key: &str) -> Result<String> {
        match self.obj.get(key) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            _ => Err(self.err(format!("a {} needs a string `{key}`", self.kind))),
        }
    }

    fn opt_text(&self, key: &str) -> Result<Option<String>> {
        match self.obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(format!("`{key}` must be a string"))),
        }
    }

    fn offset(&self, key: &str) -> Result<usize> {
        self.obj
            .get(key)
            .and_then(|v| v.as_u64())
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| {
                self.err(format!(
                    "a {} needs `{key}`, a byte offset (0 or more)",
                    self.kind
                ))
            })
    }

    fn span(&self) -> Result<(usize, usize)> {
        let (start, end) = (self.offset("start")?, self.offset("end")?);
        if end <= start {
            return Err(self.err(format!("empty span: end {end} is not after start {start}")));
        }
        Ok((start, end))
    }

    fn members(&self) -> Result<Vec<String>> {
        let list = self.obj.get("members").and_then(|v| v.as_array());
        let list = list.ok_or_else(|| {
            self.err(format!(
                "a {} needs `members`, a list of claim ids",
                self.kind
            ))
        })?;
        list.iter()
            .map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.err("`members` must hold claim ids (strings)".into()))
            })
            .collect()
    }
}

impl Gold {
    /// Reads and checks a gold file.
    pub fn read(path: &Path) -> Result<Gold> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Gold::parse(&text, path)
    }

    /// Parses and checks gold lines; `path` only names the file in errors. Blank lines are
    /// skipped; unknown keys are kept for the annotator and ignored here.
    pub fn parse(text: &str, path: &Path) -> Result<Gold> {
        let mut gold = Gold::default();
        let mut claim_line: HashMap<String, usize> = HashMap::new();
        let mut references: Vec<(usize, String)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(raw)
                .map_err(|e| gold_error(path, n, format!("not a JSON object: {e}")))?;
            let obj = v
                .as_object()
                .ok_or_else(|| gold_error(path, n, "not a JSON object"))?;
            let kind = match obj.get("kind").and_then(|k| k.as_str()) {
                Some(k) => k,
                None => {
                    return Err(gold_error(
                        path,
                        n,
                        "no `kind` (claim, nonclaim, group, distinct)",
                    ))
                }
            };
            let line = Line { obj, path, n, kind };
            match kind {
                "claim" => {
                    let id = line.text("id")?;
                    if id.is_empty() {
                        return Err(line.err("empty claim id".into()));
                    }
                    if let Some(first) = claim_line.insert(id.clone(), n) {
                        return Err(
                            line.err(format!("claim id `{id}` already used on line {first}"))
                        );
                    }
                    let (start, end) = line.span()?;
                    let value = obj
                        .get("value")
                        .and_then(Figure::from_json)
                        .ok_or_else(|| {
                            line.err("a claim needs `value`: a number, an ISO date or null".into())
                        })?;
                    let required =
                        obj.get("required")
                            .and_then(|r| r.as_bool())
                            .ok_or_else(|| {
                                line.err("a claim needs `required`: true or false".into())
                            })?;
                    gold.claims.push(GoldClaim {
                        id,
                        doc: line.text("doc")?,
                        start,
                        end,
                        text: line.opt_text("text")?.unwrap_or_default(),
                        value,
                        qualifier: line.opt_text("qualifier")?,
                        category: line.opt_text("category")?.unwrap_or_default(),
                        source: line.opt_text("source")?,
                        polarity: line.opt_text("polarity")?,
                        required,
                        line: n,
                    });
                }
                "nonclaim" => {
                    let (start, end) = line.span()?;
                    gold.nonclaims.push(GoldNonclaim {
                        doc: line.text("doc")?,
                        start,
                        end,
                        text: line.opt_text("text")?.unwrap_or_default(),
                        line: n,
                    });
                }
                "group" => {
                    let verdict = match line.text("verdict")?.as_str() {
                        "agree" => GoldVerdict::Agree,
                        "conflict" => GoldVerdict::Conflict,
                        "either" => GoldVerdict::Either,
                        other => {
                            return Err(line.err(format!(
                                "verdict `{other}`: expected agree, conflict or either"
                            )))
                        }
                    };
                    let members = line.members()?;
                    references.extend(members.iter().map(|m| (n, m.clone())));
                    gold.groups.push(GoldGroup {
                        id: line.opt_text("id")?.unwrap_or_else(|| format!("line{n}")),
                        verdict,
                        members,
                        line: n,
                    });
                }
                "distinct" => {
                    let members = line.members()?;
                    let [x, y] = members.as_slice() else {
                        return Err(line.err(format!(
                            "a distinct line names exactly two claims, not {}",
                            members.len()
                        )));
                    };
                    references.extend(members.iter().map(|m| (n, m.clone())));
                    gold.distinct.push((x.clone(), y.clone()));
                }
                other => {
                    return Err(line.err(format!(
                        "unknown kind `{other}` (claim, nonclaim, group, distinct)"
                    )))
                }
            }
        }
        for (n, id) in references {
            if !claim_line.contains_key(&id) {
                return Err(gold_error(
                    path,
                    n,
                    format!("`{id}` is not a claim id of this file"),
                ));
            }
        }
        gold.check_overlaps(path)?;
        Ok(gold)
    }

    /// No two annotated spans (claims or non-claims) of one document may overlap: a reported
    /// claim is paired with the one it overlaps most, which must not be a coin toss.
    fn check_overlaps(&self, path: &Path) -> Result<()> {
        let mut spans: HashMap<&str, Vec<(usize, usize, usize)>> = HashMap::new();
        let all = self.claims.iter().map(|c| (&c.doc, c.start, c.end, c.line));
        let non = self
            .nonclaims
            .iter()
            .map(|c| (&c.doc, c.start, c.end, c.line));
        for (doc, start, end, line) in all.chain(non) {
            spans.entry(doc).or_default().push((start, end, line));
        }
        for (doc, list) in &mut spans {
            list.sort();
            // sorted by start: a span overlaps an earlier one iff it starts before the
            // furthest end seen so far
            let mut furthest: Option<(usize, usize, usize)> = None;
            for &(start, end, line) in list.iter() {
                if let Some((s0, e0, l0)) = furthest {
                    if start < e0 {
                        let (first, second) = (l0.min(line), l0.max(line));
                        return Err(gold_error(
                            path,
                            second,
                            format!(
                                "span {start}..{end} of {doc} overlaps span {s0}..{e0} on line \
                                 {first}"
                            ),
                        ));
                    }
                }
                if furthest.is_none_or(|(_, e0, _)| end > e0) {
                    furthest = Some((start, end, line));
                }
            }
        }
        Ok(())
    }
}

/// One reported claim, as much of it as scoring reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedClaim {
    pub id: String,
    /// The report's document id.
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: Option<Figure>,
    pub kind: String,
    pub category: String,
}

/// One reported group.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedGroup {
    pub id: String,
    /// `conflict`, `agree` or anything else (no judgement).
    pub verdict: String,
    pub claims: Vec<String>,
    pub category: String,
}

/// A report document: its file name (what pairs it with the gold) and language.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedDocument {
    pub id: String,
    pub file_name: String,
    pub language: String,
}

/// The parts of a report that scoring reads, from this process or from a JSON file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reported {
    pub documents: Vec<ReportedDocument>,
    pub claims: Vec<ReportedClaim>,
    pub groups: Vec<ReportedGroup>,
}

/// The last `/`-separated part of a path, as Python's `os.path.basename` takes it.
fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

impl From<&Report> for Reported {
    fn from(r: &Report) -> Reported {
        Reported {
            documents: r
                .documents
                .iter()
                .map(|d| ReportedDocument {
                    id: d.id.clone(),
                    file_name: file_name(if d.path.is_empty() { &d.id } else { &d.path }),
                    language: d.language.clone(),
                })
                .collect(),
            claims: r
                .claims
                .iter()
                .map(|c| ReportedClaim {
                    id: c.id.clone(),
                    doc: c.doc.clone(),
                    start: c.start,
                    end: c.end,
                    text: c.text.clone(),
                    value: c.value.as_ref().map(|v| match v {
                        Value::Number(n) => Figure::Number(*n),
                        Value::Date(d) => Figure::Text(d.clone()),
                    }),
                    kind: if c.kind.is_empty() {
                        "figure".into()
                    } else {
                        c.kind.clone()
                    },
                    category: c.category.clone(),
                })
                .collect(),
            groups: r
                .groups
                .iter()
                .map(|g| ReportedGroup {
                    id: g.id.clone(),
                    verdict: g.verdict.as_str().into(),
                    claims: g.claims.clone(),
                    category: g.category.clone(),
                })
                .collect(),
        }
    }
}

impl Reported {
    /// Reads a report file in the JSON contract; fields beyond the contract are ignored, so a
    /// report written by another tool is scored the same way.
    pub fn read(path: &Path) -> Result<Reported> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Reported::parse(&text, path)
    }

    /// Parses a report in the JSON contract; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Reported> {
        let bad = |message: String| Error::Report {
            path: path.to_path_buf(),
            message,
        };
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let list = |key: &str, required: bool| -> Result<Vec<serde_json::Value>> {
            match v.get(key) {
                Some(serde_json::Value::Array(a)) => Ok(a.clone()),
                None if !required => Ok(Vec::new()),
                _ => Err(bad(format!("no `{key}` list"))),
            }
        };
        let string = |o: &serde_json::Value, key: &str| -> Option<String> {
            o.get(key).and_then(|s| s.as_str()).map(str::to_string)
        };
        let id_of = |o: &serde_json::Value, what: &str, i: usize| -> Result<String> {
            match o.get("id") {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
                _ => Err(bad(format!("{what} {} has no `id`", i + 1))),
            }
        };
        let mut out = Reported::default();
        for (i, d) in list("documents", true)?.iter().enumerate() {
            let id = id_of(d, "document", i)?;
            let path = string(d, "path").filter(|p| !p.is_empty());
            out.documents.push(ReportedDocument {
                file_name: file_name(path.as_deref().unwrap_or(&id)),
                id,
                language: string(d, "language").unwrap_or_default(),
            });
        }
        for (i, c) in list("claims", true)?.iter().enumerate() {
            let id = id_of(c, "claim", i)?;
            let offset = |key: &str| {
                c.get(key)
                    .and_then(|o| o.as_u64())
                    .and_then(|o| usize::try_from(o).ok())
                    .ok_or_else(|| bad(format!("claim {id} has no byte offset `{key}`")))
            };
            out.claims.push(ReportedClaim {
                doc: string(c, "doc").unwrap_or_default(),
                start: offset("start")?,
                end: offset("end")?,
                text: string(c, "text").unwrap_or_default(),
                value: c.get("value").and_then(Figure::from_json).flatten(),
                kind: string(c, "kind").unwrap_or_else(|| "figure".into()),
                category: string(c, "category").unwrap_or_default(),
                id,
            });
        }
        for (i, g) in list("groups", false)?.iter().enumerate() {
            let id = id_of(g, "group", i)?;
            let claims = match g.get("claims") {
                None => Vec::new(),
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .map(|c| {
                        c.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| bad(format!("group {id}: claim ids must be strings")))
                    })
                    .collect::<Result<Vec<_>>>()?,
                Some(_) => return Err(bad(format!("group {id}: `claims` is not a list"))),
            };
            out.groups.push(ReportedGroup {
                verdict: string(g, "verdict").unwrap_or_default(),
                category: string(g, "category").unwrap_or_default(),
                claims,
                id,
            });
        }
        Ok(out)
    }
}

/// The counts behind the figures; they add up across categories, languages and files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Required gold claims, and those a reported claim overlaps.
    pub required: usize,
    pub found: usize,
    /// Reported claims in documents the gold annotates, and those that are no annotated claim.
    pub system_claims: usize,
    pub false_positives: usize,
    /// Found claims with a gold value, and those reported with it.
    pub valued: usize,
    pub right: usize,
    /// Gold group pairs, and those that share a reported group.
    pub pairs: usize,
    pub hit_pairs: usize,
    /// Gold conflict groups, and those a reported conflict holds.
    pub conflict_groups: usize,
    pub conflict_found: usize,
    /// `distinct` or `agree` pairs put together in a reported conflict.
    pub false_conflicts: usize,
    /// Reported conflicts over annotated claims of two documents, and the real ones among them.
    pub sys_conflicts: usize,
    pub true_conflicts: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.required += o.required;
        self.found += o.found;
        self.system_claims += o.system_claims;
        self.false_positives += o.false_positives;
        self.valued += o.valued;
        self.right += o.right;
        self.pairs += o.pairs;
        self.hit_pairs += o.hit_pairs;
        self.conflict_groups += o.conflict_groups;
        self.conflict_found += o.conflict_found;
        self.false_conflicts += o.false_conflicts;
        self.sys_conflicts += o.sys_conflicts;
        self.true_conflicts += o.true_conflicts;
    }
}

/// A share rounded to three decimals the way Python's `round(x, 3)` does (the nearest of the
/// exact binary value, ties to even), so figures print as `score.py` prints them.
pub fn round3(x: f64) -> f64 {
    // Rust's `{:.3}` formats the exact binary value, rounding a true tie to even, as Python.
    format!("{x:.3}").parse().unwrap_or(x)
}

fn share(part: usize, whole: usize, empty: f64) -> f64 {
    if whole == 0 {
        empty
    } else {
        part as f64 / whole as f64
    }
}

/// The seven figures, unrounded.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Figures {
    /// Required claims found.
    pub recall: f64,
    /// Reported claims (in annotated documents) that are annotated claims.
    pub precision: f64,
    /// Found claims reported with the right value.
    pub value_accuracy: f64,
    /// Gold group pairs that share a reported group.
    pub pair_recall: f64,
    /// Gold conflicts that a reported conflict holds.
    pub conflict_recall: f64,
    /// Reported conflicts that are real.
    pub conflict_precision: f64,
    /// Pairs that must never be one conflict and are.
    pub false_conflicts: usize,
}

impl Counts {
    /// The figures these counts give; an empty denominator gives 1.0 (precision: 0.0), as in
    /// `score.py`.
    pub fn figures(&self) -> Figures {
        Figures {
            recall: share(self.found, self.required, 1.0),
            precision: share(
                self.system_claims - self.false_positives,
                self.system_claims,
                0.0,
            ),
            value_accuracy: share(self.right, self.valued, 1.0),
            pair_recall: share(self.hit_pairs, self.pairs, 1.0),
            conflict_recall: share(self.conflict_found, self.conflict_groups, 1.0),
            conflict_precision: share(self.true_conflicts, self.sys_conflicts, 1.0),
            false_conflicts: self.false_conflicts,
        }
    }
}

/// Where an annotated claim sits, for the lists of misses.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Place {
    pub id: String,
    pub doc: String,
    pub start: usize,
    pub text: String,
}

impl Place {
    fn of(c: &GoldClaim) -> Place {
        Place {
            id: c.id.clone(),
            doc: c.doc.clone(),
            start: c.start,
            text: c.text.clone(),
        }
    }
}

/// One thing the report got wrong, with document, offset and words.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Miss {
    /// A required claim no reported claim overlaps.
    Missed { claim: Place },
    /// A found claim reported with other values.
    WrongValue {
        claim: Place,
        gold: String,
        got: Vec<String>,
    },
    /// A reported claim that is no annotated claim (or is a non-claim).
    FalsePositive {
        doc: String,
        start: usize,
        text: String,
        value: String,
    },
    /// A gold group pair that shares no reported group.
    NotGrouped { a: Place, b: Place },
    /// A gold conflict no reported conflict holds.
    ConflictMissed { group: String, members: Vec<Place> },
    /// A `distinct` or `agree` pair put together in a reported conflict.
    FalseConflict { a: Place, b: Place },
}

/// The whole measurement: counts overall, per category, per language, and every miss.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scorecard {
    pub counts: Counts,
    /// By the gold category for what the gold annotates (recall, value accuracy, pairs,
    /// conflicts), by the category the tool gave for what it reported (precision, conflict
    /// precision).
    pub by_category: BTreeMap<String, Counts>,
    /// By document language; a pair or group across languages counts under `ar+en`.
    pub by_language: BTreeMap<String, Counts>,
    pub misses: Vec<Miss>,
}

impl Scorecard {
    fn add(&mut self, category: &str, language: &str, c: Counts) {
        self.counts += c;
        *self.by_category.entry(category.to_string()).or_default() += c;
        *self.by_language.entry(language.to_string()).or_default() += c;
    }
}

fn pairs<T>(items: &[T]) -> impl Iterator<Item = (&T, &T)> {
    items
        .iter()
        .enumerate()
        .flat_map(move |(i, x)| items[i + 1..].iter().map(move |y| (x, y)))
}

/// A gold span as the pairing sees it: an annotated claim, or a non-claim.
enum Annotated<'g> {
    Claim(&'g GoldClaim),
    Non,
}

/// What scoring looks up while it counts: the gold by id, the report's documents by id, and
/// (once reported claims are paired) which gold claim each reported claim is and which
/// reported groups hold each gold claim.
struct Scoring<'a> {
    gold: &'a Gold,
    report: &'a Reported,
    claim_of: HashMap<&'a str, &'a GoldClaim>,
    /// Language by document file name; the gold alone does not say.
    lang_of: HashMap<&'a str, &'a str>,
    /// Reported claim id → gold claim id.
    sys_to_gold: HashMap<&'a str, &'a str>,
    /// Gold claim id → the reported claims paired with it.
    hits: HashMap<&'a str, Vec<&'a ReportedClaim>>,
    /// Gold claim id → the reported groups holding it.
    sys_groups_of: HashMap<&'a str, HashSet<&'a str>>,
    verdict_of: HashMap<&'a str, &'a str>,
    card: Scorecard,
}

/// Scores the claims of `kind` in a report against the gold.
pub fn score(gold: &Gold, report: &Reported, kind: ClaimKind) -> Scorecard {
    let mut lang_of: HashMap<&str, &str> = HashMap::new();
    for d in report.documents.iter().filter(|d| !d.language.is_empty()) {
        lang_of.entry(&d.file_name).or_insert(&d.language);
    }
    let mut s = Scoring {
        gold,
        report,
        claim_of: gold.claims.iter().map(|c| (c.id.as_str(), c)).collect(),
        lang_of,
        sys_to_gold: HashMap::new(),
        hits: HashMap::new(),
        sys_groups_of: HashMap::new(),
        verdict_of: HashMap::new(),
        card: Scorecard::default(),
    };
    let false_positives = s.pair_claims(kind);
    // misses in score.py's order: missed, wrong values, false positives, pairs, conflicts
    s.count_claims();
    s.card.misses.extend(false_positives);
    s.index_groups();
    s.count_gold_groups();
    s.count_false_conflicts();
    s.count_reported_conflicts();
    s.card
}

impl<'a> Scoring<'a> {
    fn lang(&self, doc: &str) -> &'a str {
        self.lang_of.get(doc).copied().unwrap_or("unknown")
    }

    /// `ar`, `en`, or `ar+en` for claims of several languages.
    fn languages(&self, claims: &[&GoldClaim]) -> String {
        let set: BTreeSet<&str> = claims.iter().map(|c| self.lang(&c.doc)).collect();
        set.into_iter().collect::<Vec<_>>().join("+")
    }

    /// Pairs each reported claim of `kind` with the annotated span it overlaps most (claims
    /// before non-claims, file order on a tie); counts system claims and returns the false
    /// positives.
    fn pair_claims(&mut self, kind: ClaimKind) -> Vec<Miss> {
        let gold = self.gold;
        let mut by_doc: HashMap<&str, Vec<(usize, usize, Annotated)>> = HashMap::new();
        for g in &gold.claims {
            let span = (g.start, g.end, Annotated::Claim(g));
            by_doc.entry(&g.doc).or_default().push(span);
        }
        for g in &gold.nonclaims {
            by_doc
                .entry(&g.doc)
                .or_default()
                .push((g.start, g.end, Annotated::Non));
        }
        let doc_name: HashMap<&str, &str> = self
            .report
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d.file_name.as_str()))
            .collect();
        let mut false_positives = Vec::new();
        for c in self
            .report
            .claims
            .iter()
            .filter(|c| c.kind == kind.as_str())
        {
            // a document the gold says nothing about is not scored
            let Some(spans) = doc_name.get(c.doc.as_str()).and_then(|d| by_doc.get(d)) else {
                continue;
            };
            let doc = doc_name[c.doc.as_str()];
            let mut best: Option<&Annotated> = None;
            let mut best_overlap = 0;
            for (start, end, a) in spans {
                let overlap = c.end.min(*end).saturating_sub(c.start.max(*start));
                if overlap > best_overlap {
                    best = Some(a);
                    best_overlap = overlap;
                }
            }
            let mut counts = Counts {
                system_claims: 1,
                ..Counts::default()
            };
            if let Some(Annotated::Claim(g)) = best {
                self.sys_to_gold.insert(&c.id, &g.id);
                self.hits.entry(&g.id).or_default().push(c);
            } else {
                counts.false_positives = 1;
                false_positives.push(Miss::FalsePositive {
                    doc: doc.into(),
                    start: c.start,
                    text: c.text.clone(),
                    value: Figure::show(&c.value),
                });
            }
            // precision counts under the category the tool gave
            let lang = self.lang(doc);
            self.card.add(&c.category, lang, counts);
        }
        false_positives
    }

    /// Recall and value accuracy, under the gold claim's category.
    fn count_claims(&mut self) {
        let mut wrong = Vec::new();
        for g in self.gold.claims.iter().filter(|g| g.required) {
            let mut counts = Counts {
                required: 1,
                ..Counts::default()
            };
            if let Some(found) = self.hits.get(g.id.as_str()) {
                counts.found = 1;
                if g.value.is_some() {
                    counts.valued = 1;
                    if found.iter().any(|c| same_value(&g.value, &c.value)) {
                        counts.right = 1;
                    } else {
                        wrong.push(Miss::WrongValue {
                            claim: Place::of(g),
                            gold: Figure::show(&g.value),
                            got: found.iter().map(|c| Figure::show(&c.value)).collect(),
                        });
                    }
                }
            } else {
                let claim = Place::of(g);
                self.card.misses.push(Miss::Missed { claim });
            }
            let lang = self.lang(&g.doc);
            self.card.add(&g.category, lang, counts);
        }
        self.card.misses.extend(wrong);
    }

    /// Which reported groups hold each gold claim, and each group's verdict.
    fn index_groups(&mut self) {
        for grp in &self.report.groups {
            self.verdict_of.insert(&grp.id, &grp.verdict);
            for cid in &grp.claims {
                if let Some(gid) = self.sys_to_gold.get(cid.as_str()) {
                    self.sys_groups_of.entry(gid).or_default().insert(&grp.id);
                }
            }
        }
    }

    /// Whether some reported group (judged `conflict`, if `conflict_only`) holds both claims.
    fn together(&self, x: &str, y: &str, conflict_only: bool) -> bool {
        let (Some(a), Some(b)) = (self.sys_groups_of.get(x), self.sys_groups_of.get(y)) else {
            return false;
        };
        a.intersection(b)
            .any(|g| !conflict_only || self.verdict_of.get(g).copied() == Some("conflict"))
    }

    fn gold_members(&self, ids: &[String]) -> Vec<&'a GoldClaim> {
        ids.iter()
            .filter_map(|m| self.claim_of.get(m.as_str()).copied())
            .collect()
    }

    /// Pair recall and conflict recall, under the category of a group's first member.
    fn count_gold_groups(&mut self) {
        for grp in &self.gold.groups {
            let members = self.gold_members(&grp.members);
            let category = members.first().map_or("", |c| c.category.as_str());
            for (x, y) in pairs(&members) {
                // pairs inside one document count only in conflict groups
                if x.doc == y.doc && grp.verdict != GoldVerdict::Conflict {
                    continue;
                }
                let hit = self.together(&x.id, &y.id, false);
                if !hit {
                    let (a, b) = (Place::of(x), Place::of(y));
                    self.card.misses.push(Miss::NotGrouped { a, b });
                }
                let counts = Counts {
                    pairs: 1,
                    hit_pairs: usize::from(hit),
                    ..Counts::default()
                };
                let langs = self.languages(&[x, y]);
                self.card.add(category, &langs, counts);
            }
            if grp.verdict == GoldVerdict::Conflict {
                let hit = pairs(&members)
                    .any(|(x, y)| could_conflict(x, y) && self.together(&x.id, &y.id, true));
                if !hit {
                    self.card.misses.push(Miss::ConflictMissed {
                        group: grp.id.clone(),
                        members: members.iter().map(|c| Place::of(c)).collect(),
                    });
                }
                let counts = Counts {
                    conflict_groups: 1,
                    conflict_found: usize::from(hit),
                    ..Counts::default()
                };
                let langs = self.languages(&members);
                self.card.add(category, &langs, counts);
            }
        }
    }

    /// `distinct` pairs, then every pair of an `agree` group, that a reported conflict holds.
    fn count_false_conflicts(&mut self) {
        let gold = self.gold;
        let agree_pairs = gold
            .groups
            .iter()
            .filter(|g| g.verdict == GoldVerdict::Agree)
            .flat_map(|g| pairs(&g.members));
        let distinct = gold.distinct.iter().map(|(x, y)| (x, y));
        for (x, y) in distinct.chain(agree_pairs) {
            if !self.together(x, y, true) {
                continue;
            }
            let (Some(a), Some(b)) = (self.claim_of.get(x.as_str()), self.claim_of.get(y.as_str()))
            else {
                continue;
            };
            let (a, b) = (*a, *b);
            self.card.misses.push(Miss::FalseConflict {
                a: Place::of(a),
                b: Place::of(b),
            });
            let counts = Counts {
                false_conflicts: 1,
                ..Counts::default()
            };
            let langs = self.languages(&[a, b]);
            self.card.add(&a.category, &langs, counts);
        }
    }

    /// Conflict precision: of the reported conflicts over annotated claims of two documents,
    /// those holding two differing claims of one gold `conflict` (or `either`) group; under
    /// the category the tool gave the group.
    fn count_reported_conflicts(&mut self) {
        let gold = self.gold;
        let mut gold_group_of: HashMap<&str, usize> = HashMap::new();
        for (i, grp) in gold.groups.iter().enumerate() {
            for m in &grp.members {
                gold_group_of.insert(m, i); // the last group naming a claim wins, as in score.py
            }
        }
        let reported_category: HashMap<&str, &str> = self
            .report
            .claims
            .iter()
            .map(|c| (c.id.as_str(), c.category.as_str()))
            .collect();
        for grp in self
            .report
            .groups
            .iter()
            .filter(|g| g.verdict == "conflict")
        {
            let members: Vec<&GoldClaim> = grp
                .claims
                .iter()
                .filter_map(|c| self.sys_to_gold.get(c.as_str()))
                .filter_map(|g| self.claim_of.get(g).copied())
                .collect();
            let docs: HashSet<&str> = members.iter().map(|c| c.doc.as_str()).collect();
            if docs.len() < 2 {
                continue;
            }
            let real = pairs(&members).any(|(x, y)| {
                let group = gold_group_of.get(x.id.as_str());
                group.is_some()
                    && group == gold_group_of.get(y.id.as_str())
                    && group.is_some_and(|g| gold.groups[*g].verdict != GoldVerdict::Agree)
                    && (x.value != y.value
                        || x.qualifier != y.qualifier
                        || x.polarity != y.polarity)
            });
            let category = match grp.category.as_str() {
                "" => grp
                    .claims
                    .first()
                    .and_then(|c| reported_category.get(c.as_str()).copied())
                    .unwrap_or(""),
                named => named,
            };
            let counts = Counts {
                sys_conflicts: 1,
                true_conflicts: usize::from(real),
                ..Counts::default()
            };
            let langs = self.languages(&members);
            self.card.add(category, &langs, counts);
        }
    }
}

/// Whether two claims of a gold conflict group are a conflict a report can find: from
/// different documents (or two different cited sources in one document), stating different
/// figures, qualifiers or polarities.
fn could_conflict(x: &GoldClaim, y: &GoldClaim) -> bool {
    fn cited(c: &GoldClaim) -> Option<&str> {
        c.source.as_deref().filter(|s| !s.is_empty())
    }
    let two_sources = matches!((cited(x), cited(y)), (Some(a), Some(b)) if a != b);
    if x.doc == y.doc && !two_sources {
        return false;
    }
    if x.value.is_some() && x.value == y.value && x.qualifier == y.qualifier {
        return false;
    }
    let same_polarity = matches!(&x.polarity, Some(p) if !p.is_empty()) && x.polarity == y.polarity;
    !(x.value.is_none() && same_polarity)
}

/// Lower bounds on the figures (and an upper bound on false conflicts) that a build must meet.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    pub min_recall: Option<f64>,
    pub min_precision: Option<f64>,
    pub min_value_accuracy: Option<f64>,
    pub min_pair_recall: Option<f64>,
    pub min_conflict_recall: Option<f64>,
    pub min_conflict_precision: Option<f64>,
    pub max_false_conflicts: Option<usize>,
}

impl Thresholds {
    /// Each threshold the figures fall short of, as `recall 0.812 < 0.9`; empty when all hold.
    pub fn shortfalls(&self, f: &Figures) -> Vec<String> {
        let mut short = Vec::new();
        let mins = [
            ("recall", f.recall, self.min_recall),
            ("precision", f.precision, self.min_precision),
            ("value accuracy", f.value_accuracy, self.min_value_accuracy),
            ("pair recall", f.pair_recall, self.min_pair_recall),
            (
                "conflict recall",
                f.conflict_recall,
                self.min_conflict_recall,
            ),
            (
                "conflict precision",
                f.conflict_precision,
                self.min_conflict_precision,
            ),
        ];
        for (name, value, min) in mins {
            if let Some(min) = min {
                if value < min {
                    short.push(format!("{name} {value:.3} < {min}"));
                }
            }
        }
        if let Some(max) = self.max_false_conflicts {
            if f.false_conflicts > max {
                short.push(format!("false conflicts {} > {max}", f.false_conflicts));
            }
        }
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Option<Figure> {
        Some(Figure::Number(x))
    }

    fn t(s: &str) -> Option<Figure> {
        Some(Figure::Text(s.into()))
    }

    #[test]
    fn values_compare_as_score_py_compares_them() {
        assert!(
            same_value(&None, &None),
            "a vague gold quantity is scored on detection"
        );
        assert!(same_value(&None, &n(20.0)));
        assert!(!same_value(&n(20.0), &None));
        assert!(same_value(&n(1183.0), &n(1183.0 + 1e-7)));
        assert!(!same_value(&n(1183.0), &n(1184.0)));
        assert!(
            same_value(&n(1183.0), &t("1183")),
            "float() reads a number written as text"
        );
        assert!(
            same_value(&t("2024-12-06"), &t("2024-12")),
            "a date in less precision"
        );
        assert!(
            same_value(&t("2024-12"), &t("2024-12-06")),
            "a date in more precision"
        );
        assert!(!same_value(&t("2024-12-06"), &t("2024-12-07")));
        assert!(!same_value(&t("2024-12-06"), &n(2024.0)));
    }

    #[test]
    fn round3_rounds_ties_to_even_like_python() {
        // round(0.0625, 3) == 0.062 and round(0.1875, 3) == 0.188 in Python
        assert_eq!(round3(0.0625), 0.062);
        assert_eq!(round3(0.1875), 0.188);
        assert_eq!(round3(2.0 / 3.0), 0.667);
        assert_eq!(round3(1.0), 1.0);
    }

    const A: &str = r#"{"kind": "claim", "id": "a", "doc": "x.txt", "start": 0, "end": 4, "text": "1183", "value": 1183, "required": true}"#;
    const B: &str = r#"{"kind": "claim", "id": "b", "doc": "y.txt", "start": 0, "end": 4, "text": "1200", "value": 1200, "required": true}"#;

    fn parse(lines: &[&str]) -> Result<Gold> {
        Gold::parse(&lines.join("\n"), Path::new("g.jsonl"))
    }

    fn line_of(e: Error) -> usize {
        match e {
            Error::Gold { line, .. } => line,
            other => panic!("not a gold error: {other}"),
        }
    }

    #[test]
    fn gold_lines_are_checked_and_named() {
        let gold = parse(&[
            A,
            "",
            B,
            r#"{"kind": "group", "id": "g", "verdict": "conflict", "members": ["a", "b"]}"#,
        ])
        .unwrap();
        assert_eq!(gold.claims.len(), 2);
        assert_eq!(gold.groups[0].verdict, GoldVerdict::Conflict);
        assert_eq!(line_of(parse(&[A, "not json"]).unwrap_err()), 2);
        assert_eq!(
            line_of(parse(&[A, A]).unwrap_err()),
            2,
            "a claim id used twice"
        );
        let no_value = r#"{"kind": "claim", "id": "c", "doc": "x.txt", "start": 9, "end": 12, "required": true}"#;
        assert_eq!(line_of(parse(&[no_value]).unwrap_err()), 1);
        let bad_verdict = r#"{"kind": "group", "id": "g", "verdict": "maybe", "members": ["a"]}"#;
        assert_eq!(line_of(parse(&[A, bad_verdict]).unwrap_err()), 2);
        let three = r#"{"kind": "distinct", "members": ["a", "b", "a"]}"#;
        assert_eq!(line_of(parse(&[A, B, three]).unwrap_err()), 3);
    }

    #[test]
    fn an_undefined_member_is_named_on_its_group_line() {
        let group = r#"{"kind": "group", "id": "g", "verdict": "agree", "members": ["a", "q"]}"#;
        let e = parse(&[A, group, B]).unwrap_err();
        assert!(e.to_string().contains("`q`"), "{e}");
        assert_eq!(line_of(e), 2);
    }

    #[test]
    fn overlapping_spans_of_one_document_are_refused() {
        let inside = r#"{"kind": "nonclaim", "doc": "x.txt", "start": 2, "end": 3, "text": "8"}"#;
        assert_eq!(line_of(parse(&[A, inside]).unwrap_err()), 2);
        // a span ending where the next starts is no overlap
        let next = r#"{"kind": "nonclaim", "doc": "x.txt", "start": 4, "end": 6, "text": "ab"}"#;
        assert!(parse(&[A, next]).is_ok());
        // a long span that covers two later ones is caught at the first
        let long = r#"{"kind": "nonclaim", "doc": "x.txt", "start": 0, "end": 50, "text": "…"}"#;
        assert!(parse(&[
            long,
            next.replace("\"start\": 4", "\"start\": 40")
                .replace("\"end\": 6", "\"end\": 45")
                .as_str()
        ])
        .is_err());
    }

    fn reported(
        claims: &[(&str, &str, usize, usize, Option<Figure>)],
        groups: &[(&str, &[&str])],
    ) -> Reported {
        Reported {
            documents: ["x", "y"]
                .iter()
                .map(|d| ReportedDocument {
                    id: d.to_string(),
                    file_name: format!("{d}.txt"),
                    language: "ar".into(),
                })
                .collect(),
            claims: claims
                .iter()
                .map(|(id, doc, start, end, value)| ReportedClaim {
                    id: id.to_string(),
                    doc: doc.to_string(),
                    start: *start,
                    end: *end,
                    text: String::new(),
                    value: value.clone(),
                    kind: "figure".into(),
                    category: "killed".into(),
                })
                .collect(),
            groups: groups
                .iter()
                .enumerate()
                .map(|(i, (verdict, claims))| ReportedGroup {
                    id: format!("s{i}"),
                    verdict: verdict.to_string(),
                    claims: claims.iter().map(|c| c.to_string()).collect(),
                    category: "killed".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_reported_conflict_over_a_gold_conflict_is_found_and_real() {
        let gold = parse(&[
            A,
            B,
            r#"{"kind": "group", "id": "g", "verdict": "conflict", "members": ["a", "b"]}"#,
        ])
        .unwrap();
        let r = reported(
            &[("c1", "x", 0, 4, n(1183.0)), ("c2", "y", 1, 3, n(1200.0))],
            &[("conflict", &["c1", "c2"])],
        );
        let c = score(&gold, &r, ClaimKind::Figure).counts;
        assert_eq!((c.conflict_found, c.conflict_groups), (1, 1));
        assert_eq!((c.true_conflicts, c.sys_conflicts), (1, 1));
        assert_eq!((c.hit_pairs, c.pairs), (1, 1));
        // judged agree, the same group is grouped but the conflict is missed
        let r = reported(
            &[("c1", "x", 0, 4, n(1183.0)), ("c2", "y", 1, 3, n(1200.0))],
            &[("agree", &["c1", "c2"])],
        );
        let card = score(&gold, &r, ClaimKind::Figure);
        assert_eq!((card.counts.conflict_found, card.counts.hit_pairs), (0, 1));
        assert!(matches!(
            card.misses.as_slice(),
            [Miss::ConflictMissed { .. }]
        ));
    }

    #[test]
    fn a_distinct_pair_in_a_reported_conflict_is_a_false_conflict() {
        let gold = parse(&[A, B, r#"{"kind": "distinct", "members": ["a", "b"]}"#]).unwrap();
        let r = reported(
            &[("c1", "x", 0, 4, n(1183.0)), ("c2", "y", 0, 4, n(1200.0))],
            &[("conflict", &["c1", "c2"])],
        );
        let c = score(&gold, &r, ClaimKind::Figure).counts;
        assert_eq!(c.false_conflicts, 1);
        assert_eq!((c.true_conflicts, c.sys_conflicts), (0, 1));
    }

    #[test]
    fn a_claim_pairs_with_the_span_it_overlaps_most() {
        let near =
            r#"{"kind": "nonclaim", "doc": "x.txt", "start": 4, "end": 20, "text": "brigade 25"}"#;
        let gold = parse(&[A, near]).unwrap();
        // overlaps the claim by 2 bytes and the non-claim by 6: a false positive
        let r = reported(&[("c1", "x", 2, 10, n(25.0))], &[]);
        let card = score(&gold, &r, ClaimKind::Figure);
        assert_eq!((card.counts.false_positives, card.counts.found), (1, 0));
        // an optional claim found is neither a miss nor a false positive
        let optional = A.replace("\"required\": true", "\"required\": false");
        let gold = parse(&[&optional]).unwrap();
        let c = score(
            &gold,
            &reported(&[("c1", "x", 0, 4, n(7.0))], &[]),
            ClaimKind::Figure,
        )
        .counts;
        assert_eq!(
            (c.required, c.system_claims, c.false_positives, c.valued),
            (0, 1, 0, 0)
        );
    }

    #[test]
    fn a_report_in_the_json_contract_reads_back() {
        let text = r#"{"documents": [{"id": "d1", "path": "a/b/x.txt"}],
            "claims": [{"id": "c1", "doc": "d1", "start": 0, "end": 4, "value": 1183},
                       {"id": "c2", "doc": "d1", "start": 9, "end": 12, "value": null, "kind": "event"}],
            "groups": [{"id": "g1", "verdict": "update", "claims": ["c1"]}]}"#;
        let r = Reported::parse(text, Path::new("r.json")).unwrap();
        assert_eq!(r.documents[0].file_name, "x.txt");
        assert_eq!(r.claims[0].kind, "figure");
        assert_eq!(r.claims[1].kind, "event");
        assert_eq!(r.groups[0].verdict, "update");
        let e = Reported::parse(r#"{"documents": []}"#, Path::new("r.json")).unwrap_err();
        assert!(e.to_string().contains("claims"), "{e}");
    }
}
