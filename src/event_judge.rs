//! Takes the event claims of one (family, subject) block and the rules; returns how they split
//! into groups and whether a group holds a factual dispute: one source affirming what another
//! denies, or, for an action only one actor can have done ("caused", "responsible"), two
//! sources naming different actors. The reason is said in words.

use crate::model::{Claim, Document};
use crate::rules::RuleSet;
use std::collections::{BTreeMap, HashMap};

/// Whether a family's rules say its fact does not change with the day it is reported on.
fn timeless(family: &str, rules: &RuleSet) -> bool {
    rules
        .actions
        .iter()
        .any(|(a, _)| a.family == family && a.timeless)
}

/// Whether only one actor can have done an action of this family.
fn one_actor(family: &str, rules: &RuleSet) -> bool {
    rules
        .actions
        .iter()
        .any(|(a, _)| a.family == family && a.one_actor)
}

/// Two claims that cannot both be true, with the reason in words: (first, second, reason).
/// Claims from one article count only when they cite different sources.
pub fn event_clash<'a>(
    claims: &[&'a Claim],
    rules: &RuleSet,
) -> Option<(&'a Claim, &'a Claim, String)> {
    let apart = |a: &Claim, b: &Claim| a.doc != b.doc || a.source_id != b.source_id;
    // an event whose subject is unknown ("someone issued the figures", "the figures were
    // rejected") says nothing another can contradict
    let known = |c: &&&Claim| !c.subject_id.is_empty();
    for a in claims
        .iter()
        .filter(|c| c.polarity == "affirmed")
        .filter(known)
    {
        for d in claims
            .iter()
            .filter(|c| c.polarity == "denied")
            .filter(known)
        {
            if apart(a, d) {
                return Some((a, d, "one source affirms what another denies".into()));
            }
        }
    }
    for (k, a) in claims.iter().enumerate() {
        if a.polarity != "affirmed" || a.actor.is_empty() || !one_actor(&a.family, rules) {
            continue;
        }
        for b in &claims[k + 1..] {
            if b.polarity == "affirmed" && !b.actor.is_empty() && b.actor != a.actor && apart(a, b)
            {
                let reason = format!("different actors named: {} vs {}", a.actor, b.actor);
                return Some((a, b, reason));
            }
        }
    }
    None
}

/// Splits one (family, subject) block of events: the claims of a day on which two sources
/// clash form their own group (a conflict, even inside one article); the rest stay together
/// (agreement, or an update over days). A family whose fact does not change with the day
/// ("who issued the figure") is not split by day: a later denial contradicts an earlier report.
pub fn event_clusters(
    claims: &[Claim],
    members: &[usize],
    docs: &HashMap<&str, &Document>,
    rules: &RuleSet,
) -> Vec<Vec<usize>> {
    let mut by_time: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for &i in members {
        let time = if timeless(&claims[i].family, rules) {
            None
        } else {
            event_time(&claims[i], docs)
        };
        by_time.entry(time).or_default().push(i);
    }
    let mut rest = Vec::new();
    let mut out = Vec::new();
    for (_, idx) in by_time {
        let cs: Vec<&Claim> = idx.iter().map(|&i| &claims[i]).collect();
        if event_clash(&cs, rules).is_some() {
            out.push(idx);
        } else {
            rest.extend(idx);
        }
    }
    if !rest.is_empty() {
        rest.sort_by_key(|&i| members.iter().position(|&m| m == i));
        out.push(rest);
    }
    out
}

/// When an event happened: the date in its sentence, else its document's date.
fn event_time(c: &Claim, docs: &HashMap<&str, &Document>) -> Option<String> {
    c.time
        .clone()
        .or_else(|| docs.get(c.doc.as_str()).and_then(|d| d.date.clone()))
}
