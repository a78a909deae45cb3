//! Takes all claims of a run and the documents; returns groups of claims about the same
//! quantity (same kind, category, canonical unit and subject), each judged by `judge.rs`.
//!
//! Candidates are blocked by (kind, category, unit, subject), so the cost is near-linear in
//! the number of claims; inside a block a document contributes one figure per group.

use crate::judge::{canonical_unit, independent_sources, interval, judge, Interval};
use crate::model::{Claim, Document, Group};
use crate::rules::{RuleSet, SubjectMode};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The block a claim is compared within.
type BlockKey = (String, String, String, String);

fn block_key(c: &Claim, rules: &RuleSet) -> Option<BlockKey> {
    let cat = rules.category(&c.category);
    if cat.is_some_and(|x| !x.groupable()) {
        return None;
    }
    if c.kind == "event" {
        // events compare by family (took / entered / advanced are one family) and place
        // an event dated to an earlier year ("استعادت الحكومة حمص في العام 2017") is another event
        let era = c.time.as_deref().filter(|t| t.len() == 4).unwrap_or("");
        return Some((
            c.kind.clone(),
            c.family.clone(),
            format!("event{era}"),
            c.subject_id.clone(),
        ));
    }
    let subject = if cat.is_some_and(|x| x.subject() == SubjectMode::None) {
        String::new()
    } else {
        c.subject_id.clone()
    };
    // a bare number counts what its category counts: "the toll passes 5,300" is 5,300 people
    let implied = cat
        .and_then(|x| x.rule.units.iter().find(|u| *u != "none"))
        .filter(|_| c.unit == "none");
    let (unit, _) = canonical_unit(implied.map_or(&c.unit, |u| u), rules);
    Some((
        c.kind.clone(),
        c.category.clone(),
        unit.to_string(),
        subject,
    ))
}

/// A representative number of a claim's interval for "closest figure" choices.
fn magnitude(iv: Option<Interval>) -> Option<f64> {
    let iv = iv?;
    let hi = if iv.hi.is_finite() {
        iv.hi
    } else {
        iv.lo * 1.5
    };
    Some(((iv.lo.max(1e-9)) * hi.max(1e-9)).sqrt())
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

/// Groups claims and judges every group. Claims must already carry ids.
pub fn group(claims: &[Claim], docs: &[Document], rules: &RuleSet) -> Vec<Group> {
    let doc_map: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let doc_rank: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut blocks: BTreeMap<BlockKey, Vec<usize>> = BTreeMap::new();
    for (i, c) in claims.iter().enumerate() {
        if let Some(k) = block_key(c, rules) {
            blocks.entry(k).or_default().push(i);
        }
    }
    // A claim with no subject joins the block of its (kind, category, unit) when exactly one
    // subject is stated for it: "نزح 280 ألف" beside "نزح 300 ألف في سوريا".
    let keys: Vec<BlockKey> = blocks.keys().cloned().collect();
    for k in keys.iter().filter(|k| k.3.is_empty()) {
        let siblings: Vec<&BlockKey> = keys
            .iter()
            .filter(|o| !o.3.is_empty() && (&o.0, &o.1, &o.2) == (&k.0, &k.1, &k.2))
            .collect();
        if siblings.len() == 1 {
            let moved = blocks.remove(k).unwrap_or_default();
            blocks.entry(siblings[0].clone()).or_default().extend(moved);
        } else if siblings.len() > 1 {
            // with several subjects, a figure its own document repeats with a subject (the
            // headline's "2122 قتيلا" @ Morocco, the body's "2122" with none) joins that one
            let members = blocks.remove(k).unwrap_or_default();
            // the siblings' claims by document, in sibling order: a claim looks only at its own
            // document's, not at every sibling block
            let mut by_doc: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
            for (si, o) in siblings.iter().enumerate() {
                for &j in blocks.get(*o).into_iter().flatten() {
                    by_doc
                        .entry(claims[j].doc.as_str())
                        .or_default()
                        .push((si, j));
                }
            }
            let mut stay = Vec::new();
            for i in members {
                let home = by_doc
                    .get(claims[i].doc.as_str())
                    .and_then(|v| {
                        v.iter()
                            .find(|&&(_, j)| same_figure(&claims[j], &claims[i]))
                    })
                    .map(|&(si, _)| si);
                match home {
                    Some(si) => blocks.entry(siblings[si].clone()).or_default().push(i),
                    None => stay.push(i),
                }
            }
            if !stay.is_empty() {
                blocks.insert(k.clone(), stay);
            }
        }
    }
    // every claim's interval, computed once
    let ivs: Vec<Option<Interval>> = claims.iter().map(|c| interval(c, rules)).collect();
    let mut groups: Vec<(Vec<usize>, String)> = Vec::new();
    for (key, mut members) in blocks {
        members.sort_by_cached_key(|&i| {
            (
                doc_rank
                    .get(claims[i].doc.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                claims[i].start,
            )
        });
        if key.0 == "event" {
            for cl in crate::event_judge::event_clusters(claims, &members, &doc_map, rules) {
                groups.push((cl, key.3.clone()));
            }
            continue;
        }
        // a cluster keeps one claim per distinct figure and the figure each document gave, so
        // placing a claim costs the number of distinct figures, not the cluster's size
        struct Cluster<'c> {
            members: Vec<usize>,
            figures: Vec<usize>,
            by_doc: HashMap<&'c str, usize>,
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
                        let same_doc = cl.by_doc.get(c.doc.as_str()).map(|&j| &claims[j]);
                        if same_doc.is_some_and(|o| !same_figure(o, c)) {
                            continue; // a document's different figures are different quantities
                        }
                        let dist = if same_doc.is_some() {
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
                            match (magnitude(ivs[i]), magnitude(ivs[cl.figures[0]])) {
                                (Some(a), Some(b)) => (a / b).ln().abs(),
                                _ => 1.0,
                            }
                        };
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
                            by_doc: HashMap::new(),
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
        for cl in &mut clusters {
            cl.members.sort_by_key(|&i| {
                (
                    doc_rank
                        .get(claims[i].doc.as_str())
                        .copied()
                        .unwrap_or(usize::MAX),
                    claims[i].start,
                )
            });
        }
        let clusters: Vec<Vec<usize>> = clusters.into_iter().map(|c| c.members).collect();
        for cl in clusters {
            groups.push((cl, key.3.clone()));
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(members, _)| {
            let cs: Vec<&Claim> = members.iter().map(|&i| &claims[i]).collect();
            let (verdict, reason, timeline) = judge(&cs, &doc_map, rules);
            let first = cs[0];
            let outlets: BTreeSet<String> = cs
                .iter()
                .map(|c| {
                    doc_map
                        .get(c.doc.as_str())
                        .map_or(c.doc.clone(), |d| d.outlet.clone())
                })
                .collect();
            let sources = independent_sources(&cs, &doc_map);
            let subject = cs
                .iter()
                .map(|c| c.subject_id.as_str())
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string();
            Group {
                id: String::new(),
                kind: first.kind.clone(),
                category: first.category.clone(),
                unit: canonical_unit(&first.unit, rules).0.to_string(),
                subject,
                verdict,
                reason,
                claims: cs.iter().map(|c| c.id.clone()).collect(),
                outlets: outlets.into_iter().collect(),
                independent_sources: sources.len(),
                sources,
                timeline,
            }
        })
        .collect();
    let pos: HashMap<&str, usize> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    out.sort_by_key(|g| {
        (
            g.verdict,
            g.claims
                .first()
                .and_then(|c| pos.get(c.as_str()))
                .copied()
                .unwrap_or(0),
        )
    });
    for (i, g) in out.iter_mut().enumerate() {
        g.id = format!("g{}", i + 1);
    }
    out
}

/// When an event happened: the date in its sentence, else its document's date.
pub fn event_time(c: &Claim, docs: &HashMap<&str, &Document>) -> Option<String> {
    c.time
        .clone()
        .or_else(|| docs.get(c.doc.as_str()).and_then(|d| d.date.clone()))
}
