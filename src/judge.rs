//! Takes a group of claims about one quantity and the documents; returns its verdict
//! (conflict, update, agree, single), a one-line reason and, for running tolls, a timeline.

use crate::model::fmt_number;
use crate::model::{Claim, Document, Qualifier, TimelineStep, Value, Verdict};
use crate::rules::{Course, RuleSet};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What grouping and judging read of a claim again and again, gathered in one pass over a
/// run's claims: later passes read these few words a claim, not each claim's strings, which
/// at a million claims lie far apart in memory (issue 13, point 5).
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts<'a> {
    /// The claim's document, `None` when it names one that is not in the run.
    pub doc: Option<&'a Document>,
    /// The day the report speaks as of ([`Claim::reference_day`]).
    pub day: Option<&'a str>,
    /// Its interval ([`interval`]).
    pub iv: Option<Interval>,
    /// The figure it states ([`nominal`]), when it has an interval.
    pub nominal: f64,
    /// A vague word ("dozens"), not a count.
    pub vague: bool,
    /// Its figure: equal numbers for claims whose [`figure_key`]s are equal.
    pub figure: u32,
    /// Its document id, as a position in [`Facts::name`]'s strings.
    pub doc_name: u32,
    /// Its cited source id (`source_id`, maybe empty), as a position in the strings.
    pub source: u32,
    /// The outlet that published it (its document's outlet, else the document id).
    pub outlet: u32,
    /// The independent source behind it: the cited source, else the outlet.
    pub independent: u32,
}

/// The [`ClaimFacts`] of some claims, in their order, and the strings they name. Strings are
/// numbered in string order, so sorting numbers sorts the strings.
#[derive(Debug)]
pub struct Facts<'a> {
    /// One a claim.
    pub of: Vec<ClaimFacts<'a>>,
    names: Vec<&'a str>,
    /// The empty string's number.
    empty: u32,
}

/// Numbers strings as they are met; [`Interner::in_order`] renumbers them in string order.
#[derive(Default)]
struct Interner<'a> {
    ids: FxHashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        let names = &mut self.names;
        *self.ids.entry(s).or_insert_with(|| {
            names.push(s);
            (names.len() - 1) as u32
        })
    }

    /// The strings in order, and each first-met number's place among them.
    fn in_order(self) -> (Vec<&'a str>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by_key(|&k| self.names[k as usize]);
        let mut place = vec![0u32; order.len()];
        for (rank, &k) in order.iter().enumerate() {
            place[k as usize] = rank as u32;
        }
        let names = order.iter().map(|&k| self.names[k as usize]).collect();
        (names, place)
    }
}

impl<'a> Facts<'a> {
    /// The facts of claims, each given with its document (`None` when not in the run).
    pub fn gather(
        claims: impl Iterator<Item = (&'a Claim, Option<&'a Document>)>,
        rules: &RuleSet,
    ) -> Facts<'a> {
        let mut strings = Interner::default();
        let empty = strings.id("");
        let mut figures: FxHashMap<FigureKey<'a>, u32> = FxHashMap::default();
        // each document's id and outlet, numbered once a document (by its address): hashing
        // them again a claim would read strings scattered over the whole run
        let mut of_doc: FxHashMap<usize, (u32, u32)> = FxHashMap::default();
        let mut of: Vec<ClaimFacts<'a>> = claims
            .map(|(c, doc)| {
                let iv = interval(c, rules);
                let next = figures.len() as u32;
                let (doc_name, outlet) = match doc {
                    Some(d) => *of_doc
                        .entry(d as *const Document as usize)
                        .or_insert_with(|| (strings.id(&d.id), strings.id(&d.outlet))),
                    None => {
                        let id = strings.id(&c.doc);
                        (id, id)
                    }
                };
                let source = strings.id(&c.source_id);
                ClaimFacts {
                    doc,
                    day: c.reference_day(doc.and_then(|d| d.date.as_deref())),
                    iv,
                    nominal: iv.map_or(f64::NAN, |iv| nominal(c, iv)),
                    vague: c.qualifier == Qualifier::Vague,
                    figure: *figures.entry(figure_key(c)).or_insert(next),
                    doc_name,
                    source,
                    outlet,
                    independent: if c.source_id.is_empty() {
                        outlet
                    } else {
                        source
                    },
                }
            })
            .collect();
        let (names, place) = strings.in_order();
        for f in &mut of {
            for id in [
                &mut f.doc_name,
                &mut f.source,
                &mut f.outlet,
                &mut f.independent,
            ] {
                *id = place[*id as usize];
            }
        }
        Facts {
            of,
            names,
            empty: place[empty as usize],
        }
    }

    /// The string numbered `id`.
    pub fn name(&self, id: u32) -> &'a str {
        self.names[id as usize]
    }

    /// Whether the claim cites a source.
    pub fn cites(&self, f: &ClaimFacts) -> bool {
        f.source != self.empty
    }
}

/// Names reduced to their comparison key ([`crate::normalize::name_key`]) by their number in
/// [`Facts`]: the same outlets and sources come back in group after group, so each is
/// normalised once a run.
#[derive(Debug, Default)]
pub struct NameKeys {
    keys: Vec<Option<String>>,
}

impl NameKeys {
    /// Normalises name `id` of `facts`, unless it already was.
    fn learn(&mut self, facts: &Facts, id: u32) {
        let id = id as usize;
        if self.keys.len() <= id {
            self.keys.resize(facts.names.len().max(id + 1), None);
        }
        self.keys[id].get_or_insert_with(|| crate::normalize::name_key(facts.names[id]));
    }

    /// The comparison key of a name [`NameKeys::learn`] has seen.
    fn known(&self, id: u32) -> &str {
        self.keys
            .get(id as usize)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    }
}

/// A half-open interval `[lo, hi)` in the claim's canonical unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    /// Whether two intervals share a point.
    pub fn intersects(&self, other: &Interval) -> bool {
        self.lo.max(other.lo) < self.hi.min(other.hi)
    }
}

fn tiny(v: f64) -> f64 {
    1e-9 * v.abs().max(1.0)
}

/// The precision step a stated figure implies, capped so that only round figures widen:
/// `3 آلاف` → 1000 (one significant digit with a scale word), `3500` → 100, `20` → 1.
pub fn effective_step(c: &Claim, v: f64) -> f64 {
    let step = c.rounding_step;
    if step <= 0.0 || v <= 0.0 {
        return 0.0;
    }
    if step < 1.0 {
        return step;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    if step >= magnitude {
        // a single significant digit ("3 آلاف", "مليون"): as rough as the wording
        if v >= 1000.0 {
            magnitude
        } else {
            1.0
        }
    } else {
        step.min(magnitude / 10.0).max(1.0)
    }
}

/// The interval a claim allows, from its qualifier, tolerance and precision.
///
/// `أكثر من 3500` → (3500, ∞); `نحو 4000` → [3600, 4400] at t = 0.1; `عشرات` → [20, 99];
/// `3 آلاف` → [2500, 3500). Dates have no interval (compared as strings).
pub fn interval(c: &Claim, rules: &RuleSet) -> Option<Interval> {
    let (_, factor, offset) = rules.conversion(&c.unit);
    let j = &rules.judge;
    let iv = match (c.qualifier, c.value.as_ref().and_then(Value::number)) {
        (Qualifier::Vague, _) | (Qualifier::Range, _) => {
            let (lo, hi) = (c.low?, c.high?);
            Interval {
                lo,
                hi: hi + tiny(hi),
            }
        }
        (Qualifier::Exact, Some(v)) => {
            let s = if j.precision_rounding {
                effective_step(c, v)
            } else {
                0.0
            };
            if s > 0.0 {
                Interval {
                    lo: v - s / 2.0,
                    hi: v + s / 2.0,
                }
            } else {
                Interval {
                    lo: v,
                    hi: v + tiny(v),
                }
            }
        }
        (Qualifier::MoreThan, Some(v)) => Interval {
            lo: v + tiny(v),
            hi: j
                .more_than_factor
                .map_or(f64::INFINITY, |f| v * f + tiny(v)),
        },
        (Qualifier::AtLeast, Some(v)) => Interval {
            lo: v,
            hi: j
                .more_than_factor
                .map_or(f64::INFINITY, |f| v * f + tiny(v)),
        },
        (Qualifier::About, Some(v)) => {
            let t = rules
                .category(&c.category)
                .and_then(|x| x.rule.tolerance)
                .unwrap_or(j.about_tolerance);
            Interval {
                lo: v * (1.0 - t),
                hi: v * (1.0 + t) + tiny(v),
            }
        }
        (Qualifier::UpTo, Some(v)) => Interval {
            lo: v * j.up_to_floor,
            hi: v + tiny(v),
        },
        (Qualifier::LessThan, Some(v)) => Interval { lo: 0.0, hi: v },
        _ => return None,
    };
    Some(Interval {
        lo: iv.lo * factor + offset,
        hi: iv.hi * factor + offset,
    })
}

/// Whether two ISO dates can name the same day: one may be less precise ("2024-12" and
/// "2024-12-06") or lack its year ("--11-27" and "2024-11-27").
pub fn dates_compatible(x: &str, y: &str) -> bool {
    let strip_year = |d: &str| {
        d.strip_prefix("--")
            .map(str::to_string)
            .or_else(|| d.get(5..).map(str::to_string))
            .unwrap_or_default()
    };
    if x.starts_with("--") || y.starts_with("--") {
        let (a, b) = (strip_year(x), strip_year(y));
        return a.starts_with(&b) || b.starts_with(&a);
    }
    x.starts_with(y) || y.starts_with(x)
}

/// Whether two claims can both be true.
pub fn compatible(a: &Claim, b: &Claim, rules: &RuleSet) -> bool {
    match (&a.value, &b.value) {
        (Some(Value::Date(x)), Some(Value::Date(y))) => dates_compatible(x, y),
        _ => match (interval(a, rules), interval(b, rules)) {
            (Some(x), Some(y)) => x.intersects(&y),
            _ => true,
        },
    }
}

/// [`compatible`] for claims without intervals: dates compare as dates, the rest can be true.
pub fn compatible_values(a: &Claim, b: &Claim) -> bool {
    match (&a.value, &b.value) {
        (Some(Value::Date(x)), Some(Value::Date(y))) => dates_compatible(x, y),
        _ => true,
    }
}

/// What makes two figures the same figure as [`figure`] writes them, without writing them:
/// (number bits, date or words of a figure with no value, lower and upper bound bits,
/// qualifier, unit).
pub type FigureKey<'a> = (
    Option<u64>,
    &'a str,
    Option<u64>,
    Option<u64>,
    Qualifier,
    &'a str,
);

/// The [`FigureKey`] of a figure claim.
pub fn figure_key(c: &Claim) -> FigureKey<'_> {
    let (bits, words) = match &c.value {
        Some(Value::Number(n)) => (Some(n.to_bits()), ""),
        Some(Value::Date(d)) => (None, d.as_str()),
        None => (None, c.text.as_str()),
    };
    let range = c.qualifier == Qualifier::Range;
    let unit = if shows_unit(c) { c.unit.as_str() } else { "" };
    (
        bits,
        words,
        c.low.filter(|_| range).map(f64::to_bits),
        c.high.filter(|_| range).map(f64::to_bits),
        c.qualifier,
        unit,
    )
}

/// Whether [`figure`] writes the claim's unit: a measure carries it ("6 mile" beside "10
/// km"); counts of people, dates, ranks and figures with no value do not.
fn shows_unit(c: &Claim) -> bool {
    c.value.is_some()
        && !matches!(
            c.unit.as_str(),
            "person" | "none" | "date" | "rank" | "day_index"
        )
}

/// The figure as an editor reads it: `أكثر من 3500` → "more than 3500".
pub fn figure(c: &Claim) -> String {
    if c.kind == "event" {
        let denied = if c.polarity == "denied" {
            " (denied)"
        } else {
            ""
        };
        return format!("{} {}{denied}", c.category.replace('_', " "), c.subject);
    }
    let v = match &c.value {
        Some(Value::Number(n)) => fmt_number(*n),
        Some(Value::Date(d)) => d.clone(),
        None => c.text.clone(),
    };
    let v = if shows_unit(c) {
        format!("{v} {}", c.unit)
    } else {
        v
    };
    match c.qualifier {
        Qualifier::Exact | Qualifier::Vague => v,
        Qualifier::Range => format!(
            "{}–{}",
            fmt_number(c.low.unwrap_or(0.0)),
            fmt_number(c.high.unwrap_or(0.0))
        ),
        q => format!("{} {v}", q.as_str().replace('_', " ")),
    }
}

/// "3500 (الحل نت, 2024-12-08, via sohr)".
fn cite(c: &Claim, d: Option<&Document>) -> String {
    let outlet = d.map_or(c.doc.as_str(), |d| d.outlet.as_str());
    let date = d.and_then(|d| d.date.as_deref()).unwrap_or("date unknown");
    if c.source.is_empty() {
        format!("{} ({outlet}, {date})", figure(c))
    } else {
        format!("{} ({} via {outlet}, {date})", figure(c), c.source)
    }
}

/// Joins at most five items, then says how many more: a reason stays one readable line.
fn short_list(items: Vec<String>, sep: &str) -> String {
    let n = items.len();
    let mut out = items.into_iter().take(5).collect::<Vec<_>>().join(sep);
    if n > 5 {
        out.push_str(&format!("{sep}and {} more", n - 5));
    }
    out
}

/// The independent sources behind claims: the cited source, else the outlet itself.
pub fn independent_sources(claims: &[&Claim], docs: &HashMap<&str, &Document>) -> Vec<String> {
    let set: BTreeSet<&str> = claims
        .iter()
        .map(|c| {
            if c.source_id.is_empty() {
                docs.get(c.doc.as_str())
                    .map_or(c.doc.as_str(), |d| d.outlet.as_str())
            } else {
                c.source_id.as_str()
            }
        })
        .collect();
    // unlisted sources spelled two ways ("عبدالغني" / "عبد الغني") are one: same key, kept once
    let mut keys = BTreeSet::new();
    set.into_iter()
        .filter(|s| keys.insert(crate::normalize::name_key(s)))
        .map(str::to_string)
        .collect()
}

/// [`independent_sources`] of claims given by their facts (`members`, numbered in `facts`),
/// names normalised through `keys`.
pub fn sources_of(facts: &Facts, members: &[ClaimFacts], keys: &mut NameKeys) -> Vec<String> {
    let mut names: Vec<u32> = members.iter().map(|f| f.independent).collect();
    names.sort_unstable();
    names.dedup();
    for &id in &names {
        keys.learn(facts, id);
    }
    // unlisted sources spelled two ways ("عبدالغني" / "عبد الغني") are one: same key, kept once
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    names
        .into_iter()
        .filter(|&id| seen.insert(keys.known(id)))
        .map(|id| facts.name(id).to_string())
        .collect()
}

/// Of many distinct figures, the few that decide the verdict: per publication date, the claims
/// with the highest and lowest bounds. Two intervals are disjoint exactly when one's low is at or
/// above the other's high, so whether any pair is disjoint (on one day, or rising or falling
/// across days) is decided by these extremes; the pairwise check then costs the number of
/// dates, not the square of the number of figures.
/// `reps` and the result are positions in `at`, the facts of the group's claims.
fn extremes(at: &[ClaimFacts], reps: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut by_date: BTreeMap<Option<&str>, Vec<(usize, Interval)>> = BTreeMap::new();
    for &k in reps {
        match at[k].iv {
            Some(iv) => by_date.entry(at[k].day).or_default().push((k, iv)),
            None => out.push(k), // dates and unbounded claims are few: keep them all
        }
    }
    for (_, xs) in by_date {
        let pick = |f: &dyn Fn(&Interval) -> f64, max: bool| {
            xs.iter()
                .max_by(|a, b| {
                    if max {
                        f(&a.1).total_cmp(&f(&b.1))
                    } else {
                        f(&b.1).total_cmp(&f(&a.1))
                    }
                })
                .map(|x| x.0)
        };
        for c in [
            pick(&|iv| iv.lo, true),
            pick(&|iv| iv.lo, false),
            pick(&|iv| iv.hi, true),
            pick(&|iv| iv.hi, false),
        ]
        .into_iter()
        .flatten()
        {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// How two reports of one quantity stand to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Both can be true (or they are one document's words for one figure).
    None,
    /// A running toll changed: a later report is higher, or two reports of one day differ
    /// without two named sources behind them (successive reports of the day).
    Changed,
    /// A running toll fell: the later report lies wholly below the earlier one.
    Fell,
    /// Two named sources give incompatible figures for one day.
    Sources,
    /// Two documents give incompatible estimates (see [`Course::Estimate`]) for one day.
    Estimates,
    /// Incompatible figures of a quantity that does not change over time.
    Differ,
}

impl Clash {
    /// Whether the two cannot both stand: a conflict.
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            Clash::Fell | Clash::Sources | Clash::Estimates | Clash::Differ
        )
    }
}

/// Whether two claims cite two different named sources. Unlisted sources are compared by
/// their normalised names, and one name that mostly repeats the other is the same body
/// ("وزير الصحة اللبناني" and "وزير الصحة العامة" are one minister, written two ways).
pub fn two_sources(a: &Claim, b: &Claim) -> bool {
    if a.source_id.is_empty() || b.source_id.is_empty() {
        return false;
    }
    let (x, y) = (
        crate::normalize::name_key(&a.source_id),
        crate::normalize::name_key(&b.source_id),
    );
    let common = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
    let shorter = x.chars().count().min(y.chars().count());
    x != y && !(common >= 6 && common * 5 >= shorter * 3)
}

/// A running toll revised down to less than this share of an earlier report is more likely
/// another count read into the same category ("3,000 injured" then "100 killed" read as
/// injured) than a revision; such a fall is not called a conflict.
pub const LARGEST_REVISION: f64 = 5.0;

/// The figure a claim states, for "how far apart" questions: its value, else the middle of its
/// bounds, else its lower bound ("more than 2,000" → 2,000). Rounding does not move it.
pub fn nominal(c: &Claim, iv: Interval) -> f64 {
    match c.value.as_ref().and_then(Value::number) {
        Some(v) => v,
        None if iv.hi.is_finite() => (iv.lo + iv.hi) / 2.0,
        None => iv.lo,
    }
}

/// Whether two figures are more than [`LARGEST_REVISION`] times apart.
fn far_apart(a: &Claim, b: &Claim, rules: &RuleSet) -> bool {
    match (interval(a, rules), interval(b, rules)) {
        (Some(x), Some(y)) => {
            let (p, q) = (nominal(a, x), nominal(b, y));
            p.min(q) * LARGEST_REVISION < p.max(q)
        }
        _ => false,
    }
}

/// Whether a category counts what may be, not what is ("could reach 20,000"): a projection is
/// compared with projections, and two outlets' different projections are two estimates, not a
/// conflict.
pub fn is_projection(category: &str) -> bool {
    category == "projection" || category.ends_with("_projection")
}

/// How two claims of one quantity and scope stand, given their reference days (ISO dates,
/// `None` when unknown). A conflict needs two documents, or two cited sources in one.
pub fn clash(
    a: &Claim,
    b: &Claim,
    day_a: Option<&str>,
    day_b: Option<&str>,
    course: Course,
    rules: &RuleSet,
) -> Clash {
    let sourced = two_sources(a, b);
    // a vague word ("dozens", "thousands") is an impression, and a projection an estimate,
    // not a count to dispute
    let vague = a.qualifier == Qualifier::Vague
        || b.qualifier == Qualifier::Vague
        || is_projection(&a.category)
        || is_projection(&b.category);
    if (a.doc == b.doc && !sourced) || vague || compatible(a, b, rules) {
        return Clash::None;
    }
    if course == Course::Fixed {
        return Clash::Differ;
    }
    match (day_a, day_b) {
        (Some(x), Some(y)) if x != y => {
            let (early, late) = if x < y { (a, b) } else { (b, a) };
            let (rose, implausible) = match (interval(early, rules), interval(late, rules)) {
                (Some(e), Some(l)) => (
                    l.hi > e.lo && l.lo >= e.lo,
                    nominal(late, l) * LARGEST_REVISION < nominal(early, e),
                ),
                _ => (true, false),
            };
            if rose || implausible {
                Clash::Changed
            } else {
                Clash::Fell
            }
        }
        // one day: hours apart, a higher tally is the next report unless two named sources
        // stand behind the two figures, and two estimates of one day are two estimators (in
        // either case unless the two are so far apart that they must be two counts: "5,000
        // injured" and "120 in critical condition")
        (Some(_), Some(_)) if sourced && !far_apart(a, b, rules) => Clash::Sources,
        (Some(_), Some(_)) if course == Course::Estimate && !far_apart(a, b, rules) => {
            Clash::Estimates
        }
        // a day unknown: the two cannot be put in order, so neither can be said to contradict
        // the other
        _ => Clash::Changed,
    }
}

/// The verdict of one group.
pub fn judge<'a>(
    claims: &[&'a Claim],
    docs: &HashMap<&str, &'a Document>,
    rules: &RuleSet,
) -> (Verdict, String, Vec<TimelineStep>) {
    if claims.first().is_some_and(|c| c.kind == "event") {
        return judge_events(claims, docs, rules);
    }
    let facts = Facts::gather(
        claims
            .iter()
            .map(|&c| (c, docs.get(c.doc.as_str()).copied())),
        rules,
    );
    let sources = sources_of(&facts, &facts.of, &mut NameKeys::default());
    judge_figures(claims, &facts, &facts.of, &sources, rules)
}

/// The verdict of a group of figures, given their facts (`at`, in the order of `claims`,
/// numbered in `facts`) and the group's [`independent_sources`].
pub fn judge_figures<'a>(
    claims: &[&'a Claim],
    facts: &Facts<'a>,
    at: &[ClaimFacts<'a>],
    sources: &[String],
    rules: &RuleSet,
) -> (Verdict, String, Vec<TimelineStep>) {
    let Some(&first) = claims.first() else {
        return (Verdict::Single, String::new(), Vec::new());
    };
    let mut docs: Vec<u32> = at.iter().map(|f| f.doc_name).collect();
    docs.sort_unstable();
    docs.dedup();
    let doc_count = docs.len();
    if doc_count < 2 {
        let times = if claims.len() > 1 {
            format!(", repeated {} times", claims.len())
        } else {
            String::new()
        };
        return (
            Verdict::Single,
            format!("only {} states it{times}", cite(first, at[0].doc)),
            Vec::new(),
        );
    }
    let course = rules.course_of(&first.category);
    // one claim per (figure, date) stands for all that repeat it: a thousand outlets repeating
    // one figure cost one comparison, not a million (a document's different figures never share
    // a group, so distinct figures come from distinct documents); `reps` are positions
    let mut seen = FxHashSet::default();
    let mut reps: Vec<usize> = (0..at.len())
        .filter(|&k| seen.insert((at[k].figure, at[k].day, at[k].source)))
        .collect();
    if reps.len() > 32 {
        reps = extremes(at, &reps);
    }
    let mut conflict: Option<String> = None;
    let mut changed_over_time = false;
    'outer: for (n, &x) in reps.iter().enumerate() {
        for &y in &reps[n + 1..] {
            let (a, b) = (claims[x], claims[y]);
            let (da, db) = (at[x].day, at[y].day);
            match clash(a, b, da, db, course, rules) {
                Clash::None => {}
                Clash::Changed => changed_over_time = true,
                Clash::Fell => {
                    let ((early, e), (late, l)) = if da < db {
                        ((a, x), (b, y))
                    } else {
                        ((b, y), (a, x))
                    };
                    conflict = Some(format!(
                        "{} then {}: a running toll fell",
                        cite(early, at[e].doc),
                        cite(late, at[l].doc)
                    ));
                    break 'outer;
                }
                how @ (Clash::Sources | Clash::Estimates) => {
                    let two = if how == Clash::Sources {
                        "sources"
                    } else {
                        "estimates"
                    };
                    conflict = Some(format!(
                        "{} vs {}: two {two} differ on one day",
                        cite(a, at[x].doc),
                        cite(b, at[y].doc)
                    ));
                    break 'outer;
                }
                Clash::Differ => {
                    let note = if da.is_none() || db.is_none() {
                        " (publication date unknown)"
                    } else {
                        ""
                    };
                    conflict = Some(format!(
                        "{} vs {}{note}",
                        cite(a, at[x].doc),
                        cite(b, at[y].doc)
                    ));
                    break 'outer;
                }
            }
        }
    }
    let n_src = sources.len();
    let src_note = if n_src == 1 && doc_count > 1 {
        format!(", all from one source ({})", sources[0])
    } else {
        format!(", {n_src} independent sources")
    };
    if let Some(reason) = conflict {
        return (Verdict::Conflict, reason, Vec::new());
    }
    if changed_over_time {
        let timeline = timeline(claims, facts, at);
        let line = timeline
            .iter()
            .map(|s| format!("{} ({})", s.text, s.date.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(" → ");
        return (
            Verdict::Update,
            format!("running toll rose: {line}"),
            timeline,
        );
    }
    let figures: BTreeSet<String> = distinct_figures(claims, at).map(figure).collect();
    let fig = short_list(figures.into_iter().collect(), " / ");
    (
        Verdict::Agree,
        format!("{doc_count} outlets agree on {fig}{src_note}"),
        Vec::new(),
    )
}

/// One claim for each distinct figure: [`figure`] writes a figure from its [`figure_key`]
/// alone, so the rest need not be written.
fn distinct_figures<'a>(
    claims: &[&'a Claim],
    at: &[ClaimFacts],
) -> impl Iterator<Item = &'a Claim> {
    let mut seen = FxHashSet::default();
    claims
        .iter()
        .zip(at)
        .filter(|(_, f)| seen.insert(f.figure))
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .into_iter()
}

/// A running toll's steps: per (day, figure as written), the outlets that gave it, in day
/// then text order.
fn timeline(claims: &[&Claim], facts: &Facts, at: &[ClaimFacts]) -> Vec<TimelineStep> {
    // the outlets of each (day, figure) first, so each figure is written once, not once a claim
    // per (day, figure number): a claim that writes the figure, and the outlets that gave it
    type Given<'c> = (&'c Claim, Vec<u32>);
    let mut by_key: FxHashMap<(Option<&str>, u32), Given> = FxHashMap::default();
    for (c, f) in claims.iter().zip(at) {
        by_key
            .entry((f.day, f.figure))
            .or_insert_with(|| (c, Vec::new()))
            .1
            .push(f.outlet);
    }
    let mut by_date: BTreeMap<(Option<&str>, String), Vec<u32>> = BTreeMap::new();
    for ((day, _), (c, outlets)) in by_key {
        by_date.entry((day, figure(c))).or_default().extend(outlets);
    }
    by_date
        .into_iter()
        .map(|((date, text), mut outlets)| {
            // outlets are numbered in string order
            outlets.sort_unstable();
            outlets.dedup();
            TimelineStep {
                date: date.map(str::to_string),
                text,
                outlets: outlets
                    .into_iter()
                    .map(|o| facts.name(o).to_string())
                    .collect(),
            }
        })
        .collect()
}

/// Two claims of one day where one source affirms what another denies: (affirmed, denied).
pub fn event_clash<'a>(claims: &[&'a Claim]) -> Option<(&'a Claim, &'a Claim)> {
    for a in claims.iter().filter(|c| c.polarity == "affirmed") {
        for d in claims.iter().filter(|c| c.polarity == "denied") {
            if a.doc != d.doc || a.source_id != d.source_id {
                return Some((a, d));
            }
        }
    }
    None
}

fn cite_event(c: &Claim, docs: &HashMap<&str, &Document>) -> String {
    let d = docs.get(c.doc.as_str());
    let outlet = d.map_or(c.doc.as_str(), |d| d.outlet.as_str());
    let date = c
        .time
        .as_deref()
        .or(d.and_then(|d| d.date.as_deref()))
        .unwrap_or("date unknown");
    let by = if c.source.is_empty() {
        String::new()
    } else {
        format!("{} via ", c.source)
    };
    format!("{} by {by}{outlet} ({date})", c.polarity)
}

/// The verdict of a group of events about one place and action family.
fn judge_events(
    claims: &[&Claim],
    docs: &HashMap<&str, &Document>,
    rules: &RuleSet,
) -> (Verdict, String, Vec<TimelineStep>) {
    let what = figure(claims[0]).replace(" (denied)", "");
    let _ = &what;
    if let Some((a, d, why)) = crate::event_judge::event_clash(claims, rules) {
        return (
            Verdict::Conflict,
            format!(
                "{what}: {why}: {} vs {}",
                cite_event(a, docs),
                cite_event(d, docs)
            ),
            Vec::new(),
        );
    }
    let doc_set: BTreeSet<&str> = claims.iter().map(|c| c.doc.as_str()).collect();
    let sources = independent_sources(claims, docs);
    if doc_set.len() < 2 {
        return (
            Verdict::Single,
            format!("only {}", cite_event(claims[0], docs)),
            Vec::new(),
        );
    }
    let polarities: BTreeSet<&str> = claims.iter().map(|c| c.polarity.as_str()).collect();
    if polarities.len() > 1 {
        // a denial on one day and a report on another: a timeline, not a conflict
        let mut by_date: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
        let mut text_of: BTreeMap<Option<String>, String> = BTreeMap::new();
        for c in claims {
            let date = c
                .time
                .clone()
                .or_else(|| docs.get(c.doc.as_str()).and_then(|d| d.date.clone()));
            by_date.entry(date.clone()).or_default().insert(
                docs.get(c.doc.as_str())
                    .map_or(c.doc.clone(), |d| d.outlet.clone()),
            );
            text_of.insert(date, figure(c));
        }
        let timeline: Vec<TimelineStep> = by_date
            .into_iter()
            .map(|(date, outlets)| TimelineStep {
                text: text_of.get(&date).cloned().unwrap_or_default(),
                date,
                outlets: outlets.into_iter().collect(),
            })
            .collect();
        let line = timeline
            .iter()
            .map(|s| format!("{} ({})", s.text, s.date.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(" → ");
        return (
            Verdict::Update,
            format!("changed over time: {line}"),
            timeline,
        );
    }
    // say which outlet reports which action: "took control (برّان برس, 963+); advanced (كوردستريت)"
    let mut by_action: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for c in claims {
        by_action.entry(c.category.as_str()).or_default().insert(
            docs.get(c.doc.as_str())
                .map_or(c.doc.clone(), |d| d.outlet.clone()),
        );
    }
    let actions = by_action
        .iter()
        .map(|(a, o)| {
            format!(
                "{} ({})",
                a.replace('_', " "),
                short_list(o.iter().cloned().collect(), ", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    // the most specific place its claims name (a group of one blast "at the port" and "in
    // Beirut" is at the port; the first so named); a claim with no place names none
    let place = claims
        .iter()
        .filter(|c| !c.subject.is_empty())
        .min_by_key(|c| std::cmp::Reverse(rules.ancestors(&c.subject_id).len()))
        .map_or("", |c| c.subject.as_str());
    (
        Verdict::Agree,
        format!(
            "{} outlets agree on {place}: {actions}; {} independent sources",
            doc_set.len(),
            sources.len()
        ),
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(doc: &str, v: f64, q: Qualifier, step: f64) -> Claim {
        Claim {
            kind: "figure".into(),
            doc: doc.into(),
            end: 1,
            text: fmt_number(v),
            value: Some(Value::Number(v)),
            low: Some(v),
            high: Some(v),
            qualifier: q,
            unit: "person".into(),
            category: "killed".into(),
            rounding_step: step,
            ..Default::default()
        }
    }

    fn rules() -> RuleSet {
        RuleSet::builtin().unwrap()
    }

    #[test]
    fn more_than_is_open_above() {
        let r = rules();
        let iv = interval(&claim("a", 3500.0, Qualifier::MoreThan, 100.0), &r).unwrap();
        assert!(iv.lo > 3500.0 && iv.hi.is_infinite());
        assert!(compatible(
            &claim("a", 3500.0, Qualifier::MoreThan, 100.0),
            &claim("b", 4000.0, Qualifier::Exact, 1000.0),
            &r
        ));
        assert!(!compatible(
            &claim("a", 3500.0, Qualifier::MoreThan, 100.0),
            &claim("b", 3000.0, Qualifier::Exact, 1.0),
            &r
        ));
    }

    #[test]
    fn about_uses_the_tolerance() {
        let r = rules();
        let iv = interval(&claim("a", 4000.0, Qualifier::About, 1000.0), &r).unwrap();
        assert!((iv.lo - 3600.0).abs() < 1e-6 && (iv.hi - 4400.0).abs() < 1e-3);
    }

    #[test]
    fn round_figures_carry_their_precision() {
        let r = rules();
        // "3 آلاف" ≈ 2500–3499
        let iv = interval(&claim("a", 3000.0, Qualifier::Exact, 1000.0), &r).unwrap();
        assert_eq!((iv.lo, iv.hi), (2500.0, 3500.0));
        // 2 days vs 3 days: different
        assert!(!compatible(
            &claim("a", 2.0, Qualifier::Exact, 1.0),
            &claim("b", 3.0, Qualifier::Exact, 1.0),
            &r
        ));
        // 20 is exact, not 15–25
        assert!(!compatible(
            &claim("a", 20.0, Qualifier::Exact, 10.0),
            &claim("b", 22.0, Qualifier::Exact, 1.0),
            &r
        ));
    }

    #[test]
    fn vague_range_holds_its_configured_bounds() {
        let r = rules();
        let mut c = claim("a", 0.0, Qualifier::Vague, 1.0);
        c.value = None;
        c.low = Some(20.0);
        c.high = Some(99.0);
        assert!(compatible(
            &c,
            &claim("b", 40.0, Qualifier::Exact, 10.0),
            &r
        ));
        assert!(!compatible(
            &c,
            &claim("b", 300.0, Qualifier::Exact, 100.0),
            &r
        ));
    }

    #[test]
    fn a_rising_toll_on_later_days_is_an_update_not_a_conflict() {
        let r = rules();
        let d1 = Document {
            id: "a".into(),
            path: "a".into(),
            outlet: "A".into(),
            date: Some("2024-12-06".into()),
            date_source: "manifest".into(),
            language: "ar".into(),
            url: None,
            text: String::new(),
        };
        let mut d2 = d1.clone();
        d2.id = "b".into();
        d2.outlet = "B".into();
        d2.date = Some("2024-12-08".into());
        let docs: HashMap<&str, &Document> = [("a", &d1), ("b", &d2)].into_iter().collect();
        let (a, b) = (
            claim("a", 30.0, Qualifier::Exact, 1.0),
            claim("b", 70.0, Qualifier::Exact, 1.0),
        );
        let (v, reason, timeline) = judge(&[&a, &b], &docs, &r);
        assert_eq!(v, Verdict::Update, "{reason}");
        assert_eq!(timeline.len(), 2);
        // the same figures on one day: successive reports of the day, unless two named
        // sources stand behind them
        d2.date = Some("2024-12-06".into());
        let docs: HashMap<&str, &Document> = [("a", &d1), ("b", &d2)].into_iter().collect();
        assert_eq!(judge(&[&a, &b], &docs, &r).0, Verdict::Update);
        let (mut a, mut b) = (a, b);
        a.source_id = "health_ministry".into();
        b.source_id = "red_crescent".into();
        let (v, reason, _) = judge(&[&a, &b], &docs, &r);
        assert_eq!(v, Verdict::Conflict);
        assert!(reason.contains("two sources differ on one day"), "{reason}");
        // one body spelled two ways is one source
        a.source_id = "وزيرالصحهاللبناني".into();
        b.source_id = "وزيرالصحهالعامه".into();
        assert_eq!(judge(&[&a, &b], &docs, &r).0, Verdict::Update);
    }

    #[test]
    fn a_running_toll_that_fell_between_days_is_a_conflict_unless_the_fall_is_implausible() {
        let r = rules();
        let doc = |id: &str, date: &str| Document {
            id: id.into(),
            path: id.into(),
            outlet: id.to_uppercase(),
            date: Some(date.into()),
            date_source: "manifest".into(),
            language: "en".into(),
            url: None,
            text: String::new(),
        };
        let (d1, d2) = (doc("a", "2023-09-14"), doc("b", "2023-09-17"));
        let docs: HashMap<&str, &Document> = [("a", &d1), ("b", &d2)].into_iter().collect();
        let early = claim("a", 11300.0, Qualifier::Exact, 100.0);
        let revised = claim("b", 3958.0, Qualifier::Exact, 1.0);
        let (v, reason, _) = judge(&[&early, &revised], &docs, &r);
        assert_eq!(v, Verdict::Conflict);
        assert!(reason.contains("a running toll fell"), "{reason}");
        // a "fall" to less than a fifth is another count read into the category, not a
        // revision: no conflict is called on it
        let other_count = claim("b", 120.0, Qualifier::Exact, 10.0);
        assert_ne!(
            judge(&[&early, &other_count], &docs, &r).0,
            Verdict::Conflict
        );
    }

    #[test]
    fn vague_words_beside_a_toll_are_no_conflict() {
        let r = rules();
        let mut dozens = claim("a", 0.0, Qualifier::Vague, 1.0);
        dozens.value = None;
        dozens.low = Some(20.0);
        dozens.high = Some(99.0);
        let toll = claim("b", 154.0, Qualifier::Exact, 1.0);
        assert_eq!(
            clash(&dozens, &toll, None, None, Course::Tally, &r),
            Clash::None
        );
        assert_eq!(
            clash(&dozens, &toll, None, None, Course::Fixed, &r),
            Clash::None
        );
    }

    #[test]
    fn dates_compare_at_the_precision_both_give() {
        assert!(dates_compatible("2024-12", "2024-12-06"));
        assert!(dates_compatible("--11-27", "2024-11-27"));
        assert!(!dates_compatible("--11-27", "2024-11-28"));
        assert!(!dates_compatible("2024-11-27", "2024-12-06"));
    }

    #[test]
    fn units_convert_before_judging() {
        let r = rules();
        // 150 miles ≈ 241 km agrees with 240 km; 13 feet is not 40 m
        let mut miles = claim("a", 150.0, Qualifier::Exact, 10.0);
        miles.unit = "mile".into();
        let mut km = claim("b", 240.0, Qualifier::Exact, 10.0);
        km.unit = "km".into();
        assert!(compatible(&miles, &km, &r));
        km.value = Some(Value::Number(300.0));
        assert!(!compatible(&miles, &km, &r));
        assert_eq!(r.canonical_unit("mile").0, "km");
    }

    #[test]
    fn verdict_is_symmetric() {
        let r = rules();
        let d1 = Document {
            id: "a".into(),
            path: "a".into(),
            outlet: "A".into(),
            date: None,
            date_source: "unknown".into(),
            language: "ar".into(),
            url: None,
            text: String::new(),
        };
        let mut d2 = d1.clone();
        d2.id = "b".into();
        let docs: HashMap<&str, &Document> = [("a", &d1), ("b", &d2)].into_iter().collect();
        for (x, y) in [(10.0, 12.0), (3000.0, 3400.0), (5.0, 5.0)] {
            let (a, b) = (
                claim("a", x, Qualifier::Exact, 1000.0),
                claim("b", y, Qualifier::About, 1.0),
            );
            assert_eq!(judge(&[&a, &b], &docs, &r).0, judge(&[&b, &a], &docs, &r).0);
        }
    }
}
