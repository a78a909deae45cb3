//! Plain data passed between pipeline stages: documents, claims, groups and verdicts.
//!
//! Stages never reach into each other; they take and return these types.

use serde::{Deserialize, Serialize};

/// One article as read from disk (or stdin), with its provenance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    /// Stable id: the file stem (`000_c90ab00c3d206b15`), unique within a run.
    pub id: String,
    /// Path as given on the command line (or `-` for stdin).
    pub path: String,
    /// Outlet name from the manifest, the article's own `المصدر:` line, or the file stem.
    pub outlet: String,
    /// Publication date (ISO `YYYY-MM-DD`) when known.
    pub date: Option<String>,
    /// Where the date came from: `manifest`, `dateline` or `unknown`.
    pub date_source: String,
    /// Language code (`ar`, `en`); from the manifest or detected from the script.
    pub language: String,
    /// URL from the manifest, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The original text, byte for byte.
    #[serde(skip)]
    pub text: String,
}

/// How a stated figure bounds the true one: `أكثر من 3500` is `MoreThan`.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    #[default]
    Exact,
    MoreThan,
    AtLeast,
    About,
    UpTo,
    LessThan,
    Range,
    Vague,
    /// A factual claim (who took what), not a number.
    Event,
}

impl Qualifier {
    /// The snake_case name used in rules and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::MoreThan => "more_than",
            Qualifier::AtLeast => "at_least",
            Qualifier::About => "about",
            Qualifier::UpTo => "up_to",
            Qualifier::LessThan => "less_than",
            Qualifier::Range => "range",
            Qualifier::Vague => "vague",
            Qualifier::Event => "event",
        }
    }

    /// Parses a rule-file name such as `more_than`.
    pub fn parse(name: &str) -> Option<Qualifier> {
        Some(match name {
            "exact" => Qualifier::Exact,
            "more_than" => Qualifier::MoreThan,
            "at_least" => Qualifier::AtLeast,
            "about" => Qualifier::About,
            "up_to" => Qualifier::UpTo,
            "less_than" => Qualifier::LessThan,
            "range" => Qualifier::Range,
            "vague" => Qualifier::Vague,
            "event" => Qualifier::Event,
            _ => return None,
        })
    }
}

/// The figure a claim states: a number, an ISO date, or nothing for vague words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Date(String),
}

impl Value {
    /// The number, when the value is numeric.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Date(_) => None,
        }
    }
}

/// Byte span `[start, end)` into the original document text.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A numeric or factual claim found in one document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Claim {
    /// Report-wide id (`c1`, `c2`, ...), assigned after sorting by document and offset.
    pub id: String,
    /// `figure` for numbers, dates and ranks; `event` for factual claims.
    pub kind: String,
    /// Document id.
    pub doc: String,
    /// UTF-8 byte offsets into the original file, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The exact words of the number expression.
    pub text: String,
    /// The sentence the claim sits in, as written.
    pub sentence: String,
    /// The stated figure; `null` for vague quantities.
    pub value: Option<Value>,
    /// Lower and upper bounds implied by the wording (null = unbounded / not numeric).
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub qualifier: Qualifier,
    /// What one counted item is: `person`, `km`, `percent`, `day`, `date`, ...
    pub unit: String,
    /// What is counted: `killed`, `displaced`, `distance`, `city_rank`, ...
    pub category: String,
    /// The place or scope the figure is about, as written (empty when none).
    pub subject: String,
    /// Language-independent id of the subject from the gazetteer (or its normalised form).
    pub subject_id: String,
    /// The cited origin as written (`المرصد السوري`), empty when the sentence cites none.
    pub source: String,
    /// Gazetteer id of the cited source (`sohr`, `afp`), or its normalised form.
    pub source_id: String,
    /// For event claims: who acted (gazetteer id), empty for figures.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actor: String,
    /// For event claims: `affirmed` or `denied`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub polarity: String,
    /// For event claims: the family of the action (`control`, `loss`, ...) compared per place.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub family: String,
    /// When it happened, as far as the text says: for events a year their clause names
    /// (else the publication date); for events and figures the day a weekday in their sentence
    /// names ("on Sunday", resolved against the publication date), ISO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The weekday words `time` was read from, in the original text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_span: Option<Span>,
    /// For event claims: byte spans of the trigger words and of the place, in the original text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_span: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_span: Option<Span>,
    /// The precision the wording implies (`3 آلاف` → 1000, `3500` → 100; 0 = none), used to
    /// read round figures as rounded.
    #[serde(default, rename = "step")]
    pub rounding_step: f64,
    /// The place the figure is about for grouping: its subject, else the place its article is
    /// about (`scope.rs`); gazetteer id or normalised name, empty when the article names none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// The key a reducer groups by (`figure|killed|person`): claims with different keys are
    /// never one quantity, so one reducer per key gives the report one process gives.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub partition: String,
    /// The figure is an earlier report the article recalls ("previously put the toll at
    /// 5,500", "بعد أن كانت الحصيلة 5300"): it speaks as of some day before publication, so it
    /// has no reference day of its own and never makes a running toll fall or clash.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier: bool,
    /// The day in `time` is the day the figure was stated ("said on Monday that 2,000 had
    /// died", "قال مساء الاثنين إن"): the figure is a report as of that day, not of the
    /// publication day.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stated: bool,
}

impl Claim {
    /// A claim as a rule test writes it: `"<value> <qualifier> <unit> <category>"`, `~` for
    /// none; an event as `"event <action> <place id> <polarity>"`.
    pub fn describe(&self) -> String {
        if self.kind == "event" {
            return format!(
                "event {} {} {}",
                self.category, self.subject_id, self.polarity
            );
        }
        let v = match &self.value {
            None => "~".to_string(),
            Some(Value::Date(d)) => d.clone(),
            Some(Value::Number(n)) => fmt_number(*n),
        };
        format!(
            "{v} {} {} {}",
            self.qualifier.as_str(),
            self.unit,
            self.category
        )
    }
    /// The day a report speaks as of: its document's publication day, or the day its source
    /// stated it when the sentence says so ([`Claim::stated`]). A weekday elsewhere in the
    /// sentence dates the event ("the blast on Tuesday killed 135"), not the count, which is
    /// the count known when the article was written. Only full ISO dates order reports; a
    /// month or a year ("2023-09") leaves the day unknown, and so does a figure the article
    /// recalls from an earlier report ([`Claim::earlier`]).
    pub fn reference_day<'a>(&'a self, doc_date: Option<&'a str>) -> Option<&'a str> {
        let day = if self.stated {
            self.time.as_deref()
        } else {
            doc_date
        };
        day.filter(|d| !self.earlier && d.len() == 10 && d.as_bytes()[4] == b'-')
    }

    /// [`Claim::reference_day`] with its document's date looked up among `docs` by id.
    pub fn day_in<'a>(
        &'a self,
        docs: &std::collections::HashMap<&str, &'a Document>,
    ) -> Option<&'a str> {
        let doc_date = docs.get(self.doc.as_str()).and_then(|d| d.date.as_deref());
        self.reference_day(doc_date)
    }
}

/// How a group of claims about one quantity is judged.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Two claims from different documents cannot both be true.
    Conflict,
    /// A running toll that changed between publication days.
    Update,
    /// All claims' intervals intersect.
    Agree,
    /// Only one document states it.
    Single,
}

impl Verdict {
    /// The snake_case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Conflict => "conflict",
            Verdict::Update => "update",
            Verdict::Agree => "agree",
            Verdict::Single => "single",
        }
    }
}

/// One step of a running toll's timeline: the figure an outlet gave on a day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimelineStep {
    pub date: Option<String>,
    pub text: String,
    pub outlets: Vec<String>,
}

/// Claims about the same quantity (same category, unit, subject and reference time).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Group {
    pub id: String,
    pub kind: String,
    pub category: String,
    pub unit: String,
    pub subject: String,
    /// What is counted: the category family (`killed` for killed, bodies and death tolls).
    #[serde(default)]
    pub quantity: String,
    /// Where: the place all members are about (a site and its city are one scope).
    #[serde(default)]
    pub scope: String,
    /// When: the first and last reference day of the members (publication date, or the day
    /// a weekday in the sentence names); empty when none is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub window: Vec<String>,
    pub verdict: Verdict,
    /// One line saying why, e.g. `ليومين (الحل نت, 2024-12-08) vs ثلاثة أيام (..., 2024-12-08)`.
    pub reason: String,
    /// Claim ids, in document then offset order.
    pub claims: Vec<String>,
    /// Distinct documents (outlets) that state it.
    pub outlets: Vec<String>,
    /// Distinct cited sources; claims that cite none count by their outlet.
    pub sources: Vec<String>,
    /// Number of independent sources behind the group.
    pub independent_sources: usize,
    /// For running tolls reported on different days.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub timeline: Vec<TimelineStep>,
}

/// The whole result of a run, in the JSON contract of `shared/eval/README.md`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Report {
    pub documents: Vec<Document>,
    pub claims: Vec<Claim>,
    pub groups: Vec<Group>,
}

/// Formats a number without a trailing `.0`: 2424 → "2424", 1.5 → "1.5".
pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
