//! When a figure speaks of. Takes the claims of one quantity at one scope (one figure a
//! document) and splits them into time windows: a stretch of reports that agree or only rise
//! is one window (an update timeline), and reports that clash — a running toll that fell, two
//! named sources apart on one day — make a conflict window spanning the days they cover.
//! A toll that rose from 30 to 154 over four days is one timeline, never a conflict.

use crate::judge::{clash, ClaimFacts, LARGEST_REVISION};
use crate::model::Claim;
use crate::rules::{Course, RuleSet};
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

/// A later figure this much above an earlier one has risen past it (not a rounding of it).
const SAME_FIGURE: f64 = 1.05;

/// Splits `claims` into time windows of positions in `claims`, each in the input order.
/// A quantity that does not change over time (a distance, a tonnage) is one window.
///
/// `facts` holds the facts of each claim ([`crate::judge::Facts`]), in the same order: the
/// caller gathers them once, so the passes here read them one after another.
pub fn windows(
    claims: &[&Claim],
    facts: &[ClaimFacts],
    course: Course,
    rules: &RuleSet,
) -> Vec<Vec<usize>> {
    let members: Vec<usize> = (0..claims.len()).collect();
    if course == Course::Fixed || members.len() < 2 {
        return vec![members];
    }
    // one claim a (day, figure, source) stands for all that repeat it
    let mut by_day: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut undated = Vec::new();
    for &i in &members {
        match facts[i].day {
            Some(d) => by_day.entry(d).or_default().push(i),
            None => undated.push(i),
        }
    }
    let days: Vec<&str> = by_day.keys().copied().collect();
    if days.len() < 2 && !by_day.values().any(|v| v.len() > 1) {
        return vec![members];
    }
    let reps: Vec<Vec<usize>> = by_day
        .values()
        .map(|v| {
            let mut seen = FxHashSet::default();
            v.iter()
                .copied()
                .filter(|&i| seen.insert((facts[i].figure, facts[i].source)))
                .collect()
        })
        .collect();
    // the days each clash spans, as (first, last) day positions
    // per day: its lowest and highest stated figure
    let range = day_range(&reps, facts);
    let mut spans = clash_spans(claims, &reps, &days, &range, facts, course, rules);
    // each day's window: overlapping clash spans merge into one conflict window; the days
    // between conflict windows form update stretches
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    // a conflict window goes on over the days after it that hold a figure below its highest:
    // a report under the disputed top still takes part in the dispute ("2,300" the day after
    // "3,000" and "5,200"); the first day whose figures all reach it (the toll rose, or holds)
    // starts a new stretch
    for k in 0..merged.len() {
        let limit = merged.get(k + 1).map_or(days.len(), |next| next.0);
        let (a, mut b) = merged[k];
        let top = (a..=b)
            .map(|d| range[d].1)
            .fold(f64::NEG_INFINITY, f64::max);
        while b + 1 < limit
            && (range[b + 1].0 * SAME_FIGURE < top
                || (course == Course::Estimate && range[b + 1].1 <= top))
        {
            b += 1;
        }
        merged[k].1 = b;
    }
    let mut window_of_day = vec![0usize; days.len()];
    let mut w = 0;
    let mut d = 0;
    for &(a, b) in &merged {
        if d < a {
            for slot in window_of_day.iter_mut().take(a).skip(d) {
                *slot = w;
            }
            w += 1;
        }
        for slot in window_of_day.iter_mut().take(b + 1).skip(a) {
            *slot = w;
        }
        w += 1;
        d = b + 1;
    }
    if d < days.len() {
        for slot in window_of_day.iter_mut().skip(d) {
            *slot = w;
        }
        w += 1;
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); w.max(1)];
    for &i in &members {
        let day = facts[i].day.and_then(|d| days.binary_search(&d).ok());
        if let Some(k) = day {
            out[window_of_day[k]].push(i);
        }
    }
    // an undated report joins the window that holds its figure, else the nearest figure,
    // among the dated reports (another undated one says nothing of when)
    if !undated.is_empty() {
        let dated = out.clone();
        for &i in &undated {
            let k = home_window(claims, &dated, i, facts);
            out[k].push(i);
        }
        // each window back in the input order
        for v in &mut out {
            v.sort_unstable();
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

/// Every (first, last) pair of day positions between which reports clash: two named sources
/// apart on one day, or a fall from an earlier day to a later one. A fall is measured from
/// the latest rise: an earlier figure that a day in between went past is superseded ("5,300"
/// on the 13th, "11,300" on the 14th, "3,958" on the 17th: the 17th revises the 14th, not the
/// 13th). Falls are found from each day's sorted lower bounds, so a pair of days costs
/// O(n log n), not O(n²).
fn clash_spans(
    claims: &[&Claim],
    reps: &[Vec<usize>],
    days: &[&str],
    range: &[(f64, f64)],
    facts: &[ClaimFacts],
    course: Course,
    rules: &RuleSet,
) -> Vec<(usize, usize)> {
    let counted = |i: &usize| !facts[*i].vague;
    // per day: (lower bound, stated figure) of its counted figures sorted by lower bound, and
    // (upper bound, stated figure) of each
    type Bounds = (Vec<(f64, f64)>, Vec<(f64, f64)>);
    let bounds: Vec<Bounds> = reps
        .iter()
        .map(|r| {
            let ivs: Vec<_> = r
                .iter()
                .filter(|i| counted(i))
                .filter_map(|&i| facts[i].iv.map(|iv| (iv, facts[i].nominal)))
                .collect();
            let mut lo: Vec<(f64, f64)> = ivs.iter().map(|(iv, n)| (iv.lo, *n)).collect();
            lo.sort_by(|a, b| a.0.total_cmp(&b.0));
            (lo, ivs.iter().map(|(iv, n)| (iv.hi, *n)).collect())
        })
        .collect();
    // per day: its highest stated figure, beyond rounding (see `judge::nominal`)
    let peak: Vec<f64> = range.iter().map(|&(_, hi)| hi / SAME_FIGURE).collect();
    let mut spans = Vec::new();
    for (x, rx) in reps.iter().enumerate() {
        // one day: two named sources apart, or two estimates
        let sourced: Vec<usize> = rx
            .iter()
            .copied()
            .filter(|&i| course == Course::Estimate || !claims[i].source_id.is_empty())
            .collect();
        let same_day = sourced.iter().enumerate().any(|(k, &i)| {
            sourced[k + 1..].iter().any(|&j| {
                clash(
                    claims[i],
                    claims[j],
                    Some(days[x]),
                    Some(days[x]),
                    course,
                    rules,
                )
                .is_conflict()
            })
        });
        if same_day {
            spans.push((x, x));
        }
        // a later day: some later figure wholly below an earlier one, by no more than a
        // plausible revision (see `judge::clash`)
        let early_lo = &bounds[x].0;
        // the highest figure stated on the days between x and y: an earlier figure the toll
        // has since risen past is superseded, and a later fall is measured from the rise
        let mut risen_to = f64::NEG_INFINITY;
        for (y, (_, late_hi)) in bounds.iter().enumerate().skip(x + 1) {
            // an earlier figure at or above a later one's upper bound, and at most a plausible
            // revision above it; lower bounds never exceed stated figures, so the scan stops
            // where they pass that revision
            let fell = late_hi.iter().any(|&(hi, late)| {
                let from = early_lo.partition_point(|&(lo, _)| lo < hi);
                early_lo[from..]
                    .iter()
                    .take_while(|&&(lo, _)| lo <= late * LARGEST_REVISION)
                    .any(|&(_, early)| early <= late * LARGEST_REVISION && risen_to <= early)
            });
            if fell {
                spans.push((x, y));
            }
            risen_to = risen_to.max(peak[y]);
        }
    }
    spans
}

/// Per day: the lowest and highest stated figure of its counted reports (see
/// `judge::nominal`); (+inf, -inf) for a day with none.
fn day_range(reps: &[Vec<usize>], facts: &[ClaimFacts]) -> Vec<(f64, f64)> {
    reps.iter()
        .map(|r| {
            r.iter()
                .filter(|&&i| !facts[i].vague)
                .filter_map(|&i| facts[i].iv.map(|_| facts[i].nominal))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), n| {
                    (lo.min(n), hi.max(n))
                })
        })
        .collect()
}

/// The window an undated claim belongs to: one with the same figure, else the same number,
/// else the nearest compatible one, else the one whose figures are nearest in magnitude.
fn home_window(claims: &[&Claim], windows: &[Vec<usize>], i: usize, facts: &[ClaimFacts]) -> usize {
    let c = claims[i];
    // lower is nearer: the same figure, then the same number however qualified ("at least
    // 11,300" beside "11,300"), then a compatible figure by closeness, then any by closeness
    let score = |j: usize| -> f64 {
        let o = claims[j];
        if o.value.is_some() && o.value == c.value {
            return if o.qualifier == c.qualifier {
                -3.0
            } else {
                -2.0
            };
        }
        match (facts[i].iv, facts[j].iv) {
            (Some(x), Some(y)) => {
                // the stated figures, not their open bounds ("at least 3,958" is near 3,958)
                let apart = (facts[i].nominal.max(1e-9) / facts[j].nominal.max(1e-9))
                    .ln()
                    .abs();
                if x.intersects(&y) {
                    -1.0 + apart.min(0.99)
                } else {
                    apart
                }
            }
            _ => f64::INFINITY,
        }
    };
    windows
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.is_empty())
        .map(|(k, w)| (k, w.iter().map(|&j| score(j)).fold(f64::INFINITY, f64::min)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(k, _)| k)
}
