//! Takes all claims of a run and the documents; returns groups of claims about the same
//! quantity, each judged by `judge.rs`. Grouping reads as identity → scope → figure → time:
//!
//! - `identity.rs`: claims are blocked by their partition key (kind, family, unit), so the
//!   cost stays near-linear and one reducer per key gives the same report;
//! - `scope.rs`: inside a block, a site and its city are one scope, two places apart are two;
//! - here: a document contributes one figure a group (its different figures are different
//!   quantities), placed where it fits best;
//! - `time.rs`: a running toll's reports split into update stretches and conflict windows.

use crate::identity::{partition_key, quantity_of};
use crate::judge::{judge, judge_figures, sources_of, ClaimFacts, Facts, Interval, NameKeys};
use crate::model::{Claim, Document, Group};
use crate::rules::{Course, RuleSet, SubjectMode};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The place a claim is compared at before the hierarchy is applied: its scope (its subject,
/// else its article's place), or for claims read from an older JSONL without one, its subject.
fn scope_of(c: &Claim, mode: SubjectMode) -> &str {
    if mode == SubjectMode::None {
        ""
    } else if c.scope.is_empty() {
        &c.subject_id
    } else {
        &c.scope
    }
}

/// How each category finds its subject, looked up once a category: a run's million claims
/// share a few dozen categories.
struct SubjectModes<'a> {
    rules: &'a RuleSet,
    known: FxHashMap<&'a str, SubjectMode>,
}

impl<'a> SubjectModes<'a> {
    fn new(rules: &'a RuleSet) -> Self {
        SubjectModes {
            rules,
            known: FxHashMap::default(),
        }
    }

    /// How the category of `c` finds its subject.
    fn of(&mut self, c: &'a Claim) -> SubjectMode {
        let rules = self.rules;
        *self.known.entry(c.category.as_str()).or_insert_with(|| {
            rules
                .category(&c.category)
                .map(|x| x.subject())
                .unwrap_or_default()
        })
    }
}

/// Every claim's partition key ([`partition_key`]), as a position in the returned keys sorted
/// in key order. A key depends only on a claim's kind, category, unit, family and time, which
/// a run's claims share, so each distinct combination is keyed once.
fn partitions(claims: &[Claim], rules: &RuleSet) -> Vec<(String, Vec<usize>)> {
    type Keyed<'c> = (&'c str, &'c str, &'c str, &'c str, Option<&'c str>);
    let mut known: FxHashMap<Keyed, Option<usize>> = FxHashMap::default();
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        let keyed = (
            c.kind.as_str(),
            c.category.as_str(),
            c.unit.as_str(),
            c.family.as_str(),
            c.time.as_deref(),
        );
        let slot = *known.entry(keyed).or_insert_with(|| {
            let key = partition_key(c, rules)?;
            // two combinations may give one key ("killed" and "dead" are one family)
            Some(match out.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    out.push((key, Vec::new()));
                    out.len() - 1
                }
            })
        });
        if let Some(slot) = slot {
            out[slot].1.push(i);
        }
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

/// How far apart (as a ratio) two incompatible figures of a quantity that does not change over
/// time may be and still be read as two reports of one measure.
const FARTHEST_SAME_MEASURE: f64 = 4.0;

/// How far apart two figures are: |ln(a / b)| of their representative numbers.
fn ratio_ln(a: Option<Interval>, b: Option<Interval>) -> Option<f64> {
    Some((magnitude(a)? / magnitude(b)?).ln().abs())
}

/// A representative number of a claim's interval for "closest figure" choices.
fn magnitude(iv: Option<Interval>) -> Option<f64> {
    let iv = iv?;
    let hi = if iv.hi.is_finite() {
        iv.hi
    } else {
        iv.lo * 1.5
    };
    // "up to a fifth" is [0, 20]: its size is its bound, not the mean with zero
    if iv.lo <= 0.0 {
        return Some(hi.max(1e-9));
    }
    Some((iv.lo * hi.max(1e-9)).sqrt())
}

/// [`compatible`] with both intervals computed beforehand.
fn compatible_cached(a: &Claim, b: &Claim, ia: Option<Interval>, ib: Option<Interval>) -> bool {
    match (ia, ib) {
        (Some(x), Some(y)) => x.intersects(&y), // dates have no interval: they fall through
        _ => crate::judge::compatible_values(a, b),
    }
}

fn same_figure(a: &Claim, b: &Claim) -> bool {
    a.value == b.value
        && a.qualifier == b.qualifier
        && (a.value.is_some() || a.low == b.low && a.high == b.high)
}

/// Groups claims and judges every group. Claims must already carry distinct ids.
pub fn group(claims: &[Claim], docs: &[Document], rules: &RuleSet) -> Vec<Group> {
    let doc_map: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    // every claim's document as a position in `docs` (the last of a repeated id, as in
    // `doc_map`), looked up once: sorting, windows and verdicts then compare integers
    let doc_pos: FxHashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    // (document position, offset): the order of claims within a block
    let order: Vec<(usize, usize)> = claims
        .iter()
        .map(|c| {
            let rank = doc_pos.get(c.doc.as_str()).copied().unwrap_or(usize::MAX);
            (rank, c.start)
        })
        .collect();
    // every claim's document, day, interval, figure, source and outlet, read once
    let facts = Facts::gather(
        claims
            .iter()
            .zip(&order)
            .map(|(c, &(rank, _))| (c, docs.get(rank))),
        rules,
    );
    let ivs: Vec<Option<Interval>> = facts.of.iter().map(|f| f.iv).collect();
    // every figure's place before the hierarchy, and whether it has none and may take none
    let mut modes = SubjectModes::new(rules);
    let places: Vec<(&str, bool)> = claims
        .iter()
        .map(|c| {
            let mode = modes.of(c);
            let scope = scope_of(c, mode);
            (scope, scope.is_empty() && mode == SubjectMode::Own)
        })
        .collect();
    let mut groups: Vec<Pending> = Vec::new();
    for (key, members) in partitions(claims, rules) {
        // scope: events compare per place as named; figures per place they are compared at
        let at_scope; // where each scope is compared, borrowed by the blocks' names
        let mut blocks = Blocks::default();
        let mut own_alone: Vec<usize> = Vec::new();
        let nest = key.starts_with("event|")
            && members
                .first()
                .is_some_and(|&i| rules.event_places_nest(&claims[i].family));
        if key.starts_with("event|") && !nest {
            for i in members {
                blocks.push(&claims[i].subject_id, i);
            }
        } else if nest {
            // where an event happened is compared through the place hierarchy as a figure's
            // place is ("at the port" and "in Beirut" of one blast are one place; Derna and
            // Benghazi stay apart); an event with no place joins the place most of its
            // family's claims are at. Control keeps each place apart (`event_places_nest`).
            let scopes: Vec<(&str, &str, Option<f64>)> = members
                .iter()
                .map(|&i| {
                    (
                        claims[i].subject_id.as_str(),
                        facts.name(facts.of[i].doc_name),
                        None,
                    )
                })
                .collect();
            at_scope = crate::scope::compared_at_for_events(&scopes, rules);
            for (&i, &(s, doc, _)) in members.iter().zip(&scopes) {
                blocks.push(at_scope.place(s, doc), i);
            }
        } else {
            let scopes: Vec<(&str, &str, Option<f64>)> = members
                .iter()
                .map(|&i| {
                    let f = &facts.of[i];
                    let counted = !f.vague;
                    (
                        places[i].0,
                        facts.name(f.doc_name),
                        magnitude(f.iv).filter(|_| counted),
                    )
                })
                .collect();
            at_scope = crate::scope::compared_at(&scopes, rules);
            for (&i, &(s, doc, _)) in members.iter().zip(&scopes) {
                if places[i].1 {
                    // no place of its own: compared with nothing (a block of its own, which
                    // sorts after every place and is written with an empty scope)
                    own_alone.push(i);
                    continue;
                }
                blocks.push(at_scope.place(s, doc), i);
            }
        }
        let blocks = blocks.in_order();
        let course = members_course(&key, claims, &blocks, rules);
        let running = course != Course::Fixed;
        for i in own_alone.drain(..) {
            groups.push(Pending::new(vec![i], &facts, "", &key));
        }
        for (place, members) in blocks {
            // document order, then offset (the claim's position breaks ties, as a stable
            // sort would)
            let mut keyed: Vec<(usize, usize, usize)> = members
                .iter()
                .map(|&i| (order[i].0, order[i].1, i))
                .collect();
            keyed.sort_unstable();
            let members: Vec<usize> = keyed.into_iter().map(|(_, _, i)| i).collect();
            if key.starts_with("event|") {
                for cl in crate::event_judge::event_clusters(claims, &members, &doc_map, rules) {
                    groups.push(Pending::new(cl, &facts, place, &key));
                }
                continue;
            }
            // the block's facts, gathered once: the passes below read them in order
            let at: Vec<ClaimFacts> = members.iter().map(|&i| facts.of[i]).collect();
            // a vague word ("dozens", "hundreds") is an impression, not a count: it is
            // compared with other vague words, never set against a toll's figures
            let (vague, counted): (Vec<usize>, Vec<usize>) =
                (0..members.len()).partition(|&k| at[k].vague);
            for cluster in [counted, vague].into_iter().filter(|m| !m.is_empty()) {
                if !running {
                    // a quantity that does not change over time is one time window, and gets
                    // one figure a document a group
                    let cluster: Vec<usize> = cluster.iter().map(|&k| members[k]).collect();
                    for cl in figure_clusters(claims, &cluster, &ivs) {
                        groups.push(Pending::new(cl, &facts, place, &key));
                    }
                    continue;
                }
                // a running toll's reports are one timeline, a document's several figures
                // among them ("rose from 2,000 to 5,000"): time windows split it
                let cs: Vec<&Claim> = cluster.iter().map(|&k| &claims[members[k]]).collect();
                let fs: Vec<ClaimFacts> = cluster.iter().map(|&k| at[k]).collect();
                for w in crate::time::windows(&cs, &fs, course, rules) {
                    groups.push(Pending {
                        members: w.iter().map(|&p| members[cluster[p]]).collect(),
                        facts: w.iter().map(|&p| fs[p]).collect(),
                        place: place.to_string(),
                        key: key.clone(),
                    });
                }
            }
        }
    }
    judge_groups(groups, claims, &facts, &doc_map, rules)
}

/// A group before it is judged: its claims (indices) and their facts, its place and its
/// partition key.
struct Pending<'a> {
    members: Vec<usize>,
    facts: Vec<ClaimFacts<'a>>,
    place: String,
    key: String,
}

impl<'a> Pending<'a> {
    fn new(members: Vec<usize>, facts: &Facts<'a>, place: &str, key: &str) -> Self {
        Pending {
            facts: members.iter().map(|&i| facts.of[i]).collect(),
            members,
            place: place.to_string(),
            key: key.to_string(),
        }
    }
}

/// The claims of one partition by the place they are compared at.
#[derive(Default)]
struct Blocks<'a> {
    slot: FxHashMap<&'a str, usize>,
    blocks: Vec<(&'a str, Vec<usize>)>,
}

impl<'a> Blocks<'a> {
    /// Adds claim `i` to the block of `place`.
    fn push(&mut self, place: &'a str, i: usize) {
        let blocks = &mut self.blocks;
        let k = *self.slot.entry(place).or_insert_with(|| {
            blocks.push((place, Vec::new()));
            blocks.len() - 1
        });
        self.blocks[k].1.push(i);
    }

    /// The blocks in the order of their places.
    fn in_order(mut self) -> Vec<(&'a str, Vec<usize>)> {
        self.blocks.sort_unstable_by(|a, b| a.0.cmp(b.0));
        self.blocks
    }
}

/// How a partition's quantity moves over time (whether a rise between days is an update):
/// its claims' category says so.
fn members_course(
    key: &str,
    claims: &[Claim],
    blocks: &[(&str, Vec<usize>)],
    rules: &RuleSet,
) -> Course {
    if key.starts_with("event|") {
        return Course::Fixed;
    }
    blocks
        .iter()
        .flat_map(|(_, members)| members)
        .next()
        .map_or(Course::Fixed, |&i| rules.course_of(&claims[i].category))
}

/// Splits one block (one quantity at one scope) into clusters in which a document gives one
/// figure: a document's different figures are different quantities.
fn figure_clusters(
    claims: &[Claim],
    members: &[usize],
    ivs: &[Option<Interval>],
) -> Vec<Vec<usize>> {
    // a cluster keeps one claim per distinct figure and the figure each document gave, so
    // placing a claim costs the number of distinct figures, not the cluster's size
    struct Cluster<'c> {
        members: Vec<usize>,
        figures: Vec<usize>,
        by_doc: FxHashMap<&'c str, usize>,
    }
    let mut clusters: Vec<Cluster> = Vec::new();
    // one document at a time; within it, the claim that fits an existing cluster best is
    // placed first, so a document's figures go where they agree before where they do not
    let mut pos = 0;
    while pos < members.len() {
        let doc = claims[members[pos]].doc.as_str();
        let end = members[pos..]
            .iter()
            .position(|&i| claims[i].doc != doc)
            .map_or(members.len(), |k| pos + k);
        let mut pending: Vec<usize> = members[pos..end].to_vec();
        while !pending.is_empty() {
            let mut pick: Option<(f64, usize, Option<usize>)> = None; // (distance, index in pending, cluster)
            for (pi, &i) in pending.iter().enumerate() {
                let c = &claims[i];
                let mut best: Option<(f64, usize)> = None;
                for (gi, cl) in clusters.iter().enumerate() {
                    let same_doc = cl.by_doc.get(c.doc.as_str()).copied();
                    if same_doc.is_some_and(|j| !same_figure(&claims[j], c)) {
                        continue; // a document's different figures are different quantities
                    }
                    let dist = if same_doc.is_some_and(|j| same_figure(&claims[j], c)) {
                        -1.0
                    } else if cl.figures.iter().any(|&j| same_figure(&claims[j], c)) {
                        -0.5 // the very figure beats a merely compatible one ("6.8" with "6.8", not "7")
                    } else if cl
                        .figures
                        .iter()
                        .any(|&j| compatible_cached(&claims[j], c, ivs[j], ivs[i]))
                    {
                        0.0
                    } else {
                        cl.figures
                            .iter()
                            .filter_map(|&j| ratio_ln(ivs[i], ivs[j]))
                            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
                            .unwrap_or(1.0)
                    };
                    // figures four times apart are seldom two reports of one measure: more
                    // likely two measures the rules could not tell apart ("9 km from the
                    // airport", "damage 20 km away"), so they do not share a group
                    // projections meet only where they can both hold
                    let farthest = if crate::judge::is_projection(&c.category) {
                        0.0
                    } else {
                        FARTHEST_SAME_MEASURE.ln()
                    };
                    if dist > farthest {
                        continue;
                    }
                    if best.is_none_or(|(d, _)| dist < d) {
                        best = Some((dist, gi));
                    }
                }
                let (d, g) = best.map_or((f64::INFINITY, None), |(d, g)| (d, Some(g)));
                if pick.is_none_or(|(pd, _, _)| d < pd) {
                    pick = Some((d, pi, g));
                }
            }
            let Some((_, pi, g)) = pick else { break };
            let i = pending.remove(pi);
            let c = &claims[i];
            let gi = match g {
                Some(gi) => gi,
                None => {
                    clusters.push(Cluster {
                        members: Vec::new(),
                        figures: Vec::new(),
                        by_doc: FxHashMap::default(),
                    });
                    clusters.len() - 1
                }
            };
            let cl = &mut clusters[gi];
            cl.members.push(i);
            cl.by_doc.entry(c.doc.as_str()).or_insert(i);
            if !cl.figures.iter().any(|&j| same_figure(&claims[j], c)) {
                cl.figures.push(i);
            }
        }
        pos = end;
    }
    let rank: FxHashMap<usize, usize> = members.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    for cl in &mut clusters {
        cl.members
            .sort_by_key(|i| rank.get(i).copied().unwrap_or(usize::MAX));
    }
    clusters.into_iter().map(|c| c.members).collect()
}

/// Judges every group and gives it its key (quantity, scope, window) and id; groups are
/// ordered by verdict, then by their first claim. `facts` are those of every claim.
fn judge_groups(
    groups: Vec<Pending>,
    claims: &[Claim],
    facts: &Facts,
    doc_map: &HashMap<&str, &Document>,
    rules: &RuleSet,
) -> Vec<Group> {
    let mut names = NameKeys::default();
    // claim ids copied in one pass in claim order, then moved into their group (a claim is in
    // one group at most): a million claims are not visited again in group order
    let mut ids: Vec<String> = claims.iter().map(|c| c.id.clone()).collect();
    let mut out: Vec<(usize, Group)> = groups
        .into_iter()
        .map(|group| {
            let Pending {
                members,
                facts: at,
                place,
                key,
            } = group;
            let cs: Vec<&Claim> = members.iter().map(|&i| &claims[i]).collect();
            let first = cs[0];
            let sources = sources_of(facts, &at, &mut names);
            let (verdict, reason, timeline) = if first.kind == "event" {
                judge(&cs, doc_map, rules)
            } else {
                judge_figures(&cs, facts, &at, &sources, rules)
            };
            // the first and last reference day
            let days = at.iter().filter_map(|f| f.day);
            let window = match (days.clone().min(), days.max()) {
                (Some(a), Some(b)) => vec![a.to_string(), b.to_string()],
                _ => Vec::new(),
            };
            // outlets are numbered in string order
            let mut outlets: Vec<u32> = at.iter().map(|f| f.outlet).collect();
            outlets.sort_unstable();
            outlets.dedup();
            let subject = cs
                .iter()
                .map(|c| c.subject_id.as_str())
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string();
            let group = Group {
                id: String::new(),
                kind: first.kind.clone(),
                category: first.category.clone(),
                unit: if first.kind == "event" {
                    rules.canonical_unit(&first.unit).0.to_string()
                } else {
                    crate::identity::compared_unit(first, rules).to_string()
                },
                subject,
                quantity: quantity_of(&key).to_string(),
                scope: place,
                window,
                verdict,
                reason,
                claims: members
                    .iter()
                    .map(|&i| match std::mem::take(&mut ids[i]) {
                        id if id.is_empty() => claims[i].id.clone(),
                        id => id,
                    })
                    .collect(),
                outlets: outlets
                    .into_iter()
                    .map(|o| facts.name(o).to_string())
                    .collect(),
                independent_sources: sources.len(),
                sources,
                timeline,
            };
            (members[0], group)
        })
        .collect();
    // claim ids are distinct, so a group's first claim is its first member
    out.sort_by_key(|(first, g)| (g.verdict, *first));
    out.into_iter()
        .enumerate()
        .map(|(i, (_, mut g))| {
            g.id = format!("g{}", i + 1);
            g
        })
        .collect()
}
