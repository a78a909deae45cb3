//! Where a figure is about. Takes one document's resolved claims and gives each figure its
//! scope: its own subject, else the place its article is about. Then, for the claims of one
//! quantity across documents, maps each scope to the place it is compared at, using the
//! place hierarchy in `rules/gazetteer/within.csv` (a site lies within its city, a city within
//! its country).

use crate::model::Claim;
use crate::normalize::Token;
use crate::rules::{RuleSet, SubjectMode};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeSet, HashMap};

/// The place an article is about: the place its figures name most often (the first named on
/// a tie), else the place its text names most often (`named`: place ids in text order).
/// Empty when it names none.
pub fn main_place(claims: &[Claim], named: &[&str]) -> String {
    let mut count: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, c) in claims.iter().enumerate() {
        if c.kind == "figure" && !c.subject_id.is_empty() {
            let e = count.entry(c.subject_id.as_str()).or_insert((0, i));
            e.0 += 1;
        }
    }
    if count.is_empty() {
        for (i, p) in named.iter().enumerate() {
            let e = count.entry(p).or_insert((0, i));
            e.0 += 1;
        }
    }
    count
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(p, _)| p.to_string())
        .unwrap_or_default()
}

/// The scope of a total over the story's parts ("7,000 in both countries").
pub const TOTAL: &str = "all";

/// Whether the figure over tokens `[lo, hi)` of `text` is a total over the story's parts: a
/// `total_scope_before` marker ("combined", "إجمالي القتلى") ending at most one word before
/// it, or a
/// `total_scope_after` one ("in both countries", "في البلدين") within four after it, with no
/// punctuation between ("بلغ 1183 شخصا، ليصل إجمالي ..." names a total of another figure).
pub fn is_total(text: &str, t: &[Token], lo: usize, hi: usize, rules: &RuleSet) -> bool {
    let (Some(first), Some(last)) = (t.get(lo), hi.checked_sub(1).and_then(|k| t.get(k))) else {
        return false;
    };
    let clear = |a: usize, b: usize| {
        text.get(a.min(b)..a.max(b))
            .is_some_and(|gap| !gap.contains([',', '،', ';', '؛', '.', ':', '\n']))
    };
    let before = (lo.saturating_sub(3)..lo).any(|k| {
        rules
            .marker_at("total_scope_before", t, k, true)
            .is_some_and(|len| k + len <= lo && k + len + 1 >= lo && clear(t[k].end, first.start))
    });
    let after = (hi..(hi + 4).min(t.len())).any(|k| {
        rules.marker_at("total_scope_after", t, k, true).is_some() && clear(last.end, t[k].start)
    });
    before || after
}

/// The scope of figures about the rest of the story's land ("170 people elsewhere in the
/// country"), apart from the place the article is about.
pub const ELSEWHERE: &str = "elsewhere";

/// Whether the figure over tokens `[lo, hi)` of `text` is about elsewhere: an
/// `elsewhere_scope_after` marker within eight tokens after it, with no punctuation and no
/// other number between.
pub fn is_elsewhere(text: &str, t: &[Token], lo: usize, hi: usize, rules: &RuleSet) -> bool {
    let Some(last) = hi
        .checked_sub(1)
        .filter(|&k| k >= lo)
        .and_then(|k| t.get(k))
    else {
        return false;
    };
    // up to the next figure: "2,000 in Derna and 170 elsewhere" puts only the 170 elsewhere
    let next_number = (hi..t.len())
        .find(|&k| t[k].kind == crate::normalize::TokenKind::Number)
        .unwrap_or(t.len());
    (hi..(hi + 8).min(next_number)).any(|k| {
        rules
            .marker_at("elsewhere_scope_after", t, k, true)
            .is_some()
            && text
                .get(last.end..t[k].start)
                .is_some_and(|gap| !gap.contains([',', '،', ';', '؛', '.', ':', '\n']))
    })
}

/// What a scope word beside a figure makes its scope: [`TOTAL`], [`ELSEWHERE`], or nothing.
pub fn scope_word(
    text: &str,
    t: &[Token],
    lo: usize,
    hi: usize,
    rules: &RuleSet,
) -> Option<&'static str> {
    if is_total(text, t, lo, hi, rules) {
        Some(TOTAL)
    } else if is_elsewhere(text, t, lo, hi, rules) {
        Some(ELSEWHERE)
    } else {
        None
    }
}

/// Sets the scope of every figure of one document: its subject, else the article's place
/// ("the toll rose to 137" in an article about Beirut is Beirut's toll); the scope word
/// `words` gives a figure ([`scope_word`]), if any. Figures of a category that is about the story as a whole
/// (`subject = "none"`) keep no scope.
pub fn assign(
    claims: &mut [Claim],
    named: &[&str],
    words: &[Option<&'static str>],
    rules: &RuleSet,
) {
    let main = main_place(claims, named);
    for (k, c) in claims
        .iter_mut()
        .enumerate()
        .filter(|(_, c)| c.kind == "figure")
    {
        let mode = rules.category(&c.category).map(|x| x.subject());
        let whole_story = mode == Some(SubjectMode::None);
        let own_only = mode == Some(SubjectMode::Own);
        c.scope = if let Some(word) = words.get(k).copied().flatten() {
            word.to_string()
        } else if whole_story || (own_only && c.subject_id.is_empty()) {
            String::new()
        } else if c.subject_id.is_empty() {
            main.clone()
        } else {
            c.subject_id.clone()
        };
    }
}

/// How much a document's figure for a wider place must exceed its figures for a place within
/// it to be read as a total over parts (a margin for rounding: "5,300" and "5,250").
pub const TOTAL_OVER_PART: f64 = 1.05;

/// For the scopes of one quantity's claims, the scope each is compared at.
///
/// A scope with exactly one more specific scope of the same quantity inside it is read as that
/// one: "at the port" and "in Beirut" (and "in Lebanon") of a one-place event are one scope.
/// A scope holding several (Libya, when Derna and Benghazi are counted apart) stays its own:
/// it is a total over parts. Places of which neither contains the other stay apart. An empty
/// scope (an article that names no place at all) joins the place most of the others are at.
///
/// `scopes` are (scope, document, figure) triples. A document whose largest figure for a place
/// exceeds its largest for a place within it ("2,122 killed in Morocco, 1,351 of them in Al
/// Haouz") contrasts the two: its figure for the wider place is then a total and stays apart.
/// When more documents contrast the two than give them one figure, every document's figure
/// for the wider place stays apart; otherwise (a tie included: one article's contrast is as
/// likely two sources' tolls as a total and its part) the others' are read as the narrower one.
pub fn compared_at(scopes: &[(&str, &str, Option<f64>)], rules: &RuleSet) -> ComparedAt {
    compared_at_when(scopes, rules, |_, _| true)
}

/// [`compared_at`], reading a scope as the one place within it only when `narrows(outer,
/// inner)` allows.
pub fn compared_at_when(
    scopes: &[(&str, &str, Option<f64>)],
    rules: &RuleSet,
    narrows: impl Fn(&str, &str) -> bool,
) -> ComparedAt {
    compared_at_with(scopes, rules, narrows, false)
}

/// How many times more claims than all the other places within a wider one together a place
/// must have for an event told at the wider place to be read as there.
pub const DOMINANT_PLACE: usize = 3;

/// Where each claim of one event family is compared: [`compared_at_when`] with the places
/// [`RuleSet::event_narrows_to`] allows, and one more reading. An event has one place where a
/// figure may be a total over parts: when several places within a wider one are named but one
/// of them is named by [`DOMINANT_PLACE`] times as many claims as the others together (the storm
/// "struck Derna" in ten reports, "affected Misrata" in one), the event told at the wider place
/// ("struck Libya") is read as at that one.
pub fn compared_at_for_events(scopes: &[(&str, &str, Option<f64>)], rules: &RuleSet) -> ComparedAt {
    compared_at_with(scopes, rules, |o, i| rules.event_narrows_to(o, i), true)
}

fn compared_at_with(
    scopes: &[(&str, &str, Option<f64>)],
    rules: &RuleSet,
    narrows: impl Fn(&str, &str) -> bool,
    dominant_leaf: bool,
) -> ComparedAt {
    // how many claims state each scope: a quantity's claims name few places
    let mut count: FxHashMap<&str, usize> = FxHashMap::default();
    for (s, _, _) in scopes {
        *count.entry(s).or_default() += 1;
    }
    let mut distinct: Vec<&str> = count
        .keys()
        .copied()
        .filter(|s| !s.is_empty() && *s != TOTAL && *s != ELSEWHERE)
        .collect();
    distinct.sort_unstable();
    let inside = |outer: &str| -> Vec<&str> {
        distinct
            .iter()
            .copied()
            .filter(|&s| s != outer && rules.lies_within(s, outer))
            .collect()
    };
    // the most specific places: none of the others lies within them
    let leaves: Vec<&str> = distinct
        .iter()
        .copied()
        .filter(|s| inside(s).is_empty())
        .collect();
    // each scope and the one place within it it may be read as (itself when none or several)
    let narrowest: Vec<(&str, &str)> = distinct
        .iter()
        .map(|&s| {
            let within: Vec<&str> = leaves
                .iter()
                .copied()
                .filter(|&l| rules.lies_within(l, s) && (l == s || narrows(s, l)))
                .collect();
            match within[..] {
                [leaf] => (s, leaf),
                [_, _, ..] if dominant_leaf => {
                    let n = |l: &str| count.get(l).copied().unwrap_or(0);
                    let total: usize = within.iter().map(|l| n(l)).sum();
                    within
                        .iter()
                        .copied()
                        .find(|&l| n(l) >= DOMINANT_PLACE * (total - n(l)))
                        .map_or((s, s), |l| (s, l))
                }
                _ => (s, s),
            }
        })
        .collect();
    // per scope, per document: the largest figure stated, for the scopes that may be read as
    // another (most quantities have none: then no claim is looked at again)
    let compared: FxHashSet<&str> = narrowest
        .iter()
        .filter(|(s, at)| s != at)
        .flat_map(|&(s, at)| [s, at])
        .collect();
    let mut largest: FxHashMap<&str, FxHashMap<&str, f64>> = FxHashMap::default();
    if !compared.is_empty() {
        for (s, d, v) in scopes {
            if let Some(v) = v.filter(|_| compared.contains(s)) {
                let e = largest.entry(s).or_default().entry(d).or_insert(v);
                *e = e.max(v);
            }
        }
    }
    let mut out = ComparedAt::default();
    for (s, mut at) in narrowest {
        if at != s {
            // the documents that state both places: those that set the wider one's figure
            // above the narrower one's keep theirs apart; when they outnumber those that give
            // the two places one figure, the wider place stays apart for everyone
            let (mut apart, mut same) = (0, 0);
            if let (Some(o), Some(i)) = (largest.get(s), largest.get(at)) {
                for (d, &hi) in o {
                    let Some(&inner_hi) = i.get(d) else { continue };
                    if hi > TOTAL_OVER_PART * inner_hi {
                        apart += 1;
                        out.kept
                            .entry(s.to_string())
                            .or_default()
                            .insert(d.to_string());
                    } else {
                        same += 1;
                    }
                }
            }
            if apart > same {
                at = s;
            }
        }
        out.at.insert(s.to_string(), at.to_string());
    }
    let mut at_count: FxHashMap<&str, usize> = FxHashMap::default();
    for (s, n) in count.iter().filter(|(s, _)| !s.is_empty()) {
        if let Some(at) = out.at.get(*s) {
            *at_count.entry(at.as_str()).or_default() += n;
        }
    }
    // the most common place; on a tie the first in id order, so the answer does not depend
    // on the order of the input
    let dominant = at_count
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    out.at.insert(String::new(), dominant);
    out.at.insert(TOTAL.to_string(), TOTAL.to_string());
    out.at.insert(ELSEWHERE.to_string(), ELSEWHERE.to_string());
    out
}

/// Where each scope of one quantity is compared ([`compared_at`]).
#[derive(Debug, Clone, Default)]
pub struct ComparedAt {
    /// Scope → the place it is compared at.
    at: FxHashMap<String, String>,
    /// Scope → the documents that state it as a total over the place within it.
    kept: FxHashMap<String, BTreeSet<String>>,
}

impl ComparedAt {
    /// The place a figure of `doc` stated for `scope` is compared at.
    pub fn place<'a>(&'a self, scope: &'a str, doc: &str) -> &'a str {
        if self.kept.get(scope).is_some_and(|d| d.contains(doc)) {
            return scope;
        }
        self.at.get(scope).map_or(scope, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::builtin().expect("built-in rules load")
    }

    /// Each scope from a document of its own.
    fn pairs<'a>(scopes: &[&'a str]) -> Vec<(&'a str, &'static str, Option<f64>)> {
        const DOCS: [&str; 8] = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"];
        scopes
            .iter()
            .zip(DOCS)
            .map(|(s, d)| (*s, d, Some(10.0)))
            .collect()
    }

    #[test]
    fn an_event_place_narrows_only_to_a_place_of_another_kind() {
        let r = rules();
        let events = |scopes: &[&str]| {
            let ps: Vec<_> = pairs(scopes)
                .into_iter()
                .map(|(s, d, _)| (s, d, None))
                .collect();
            let at = compared_at_for_events(&ps, &r);
            ps.iter()
                .map(|(s, d, _)| at.place(s, d).to_string())
                .collect::<Vec<_>>()
        };
        // a port in its city, a city in its region: one place of one blast, one storm
        assert_eq!(
            events(&["beirut", "beirut_port"]),
            ["beirut_port", "beirut_port"]
        );
        assert_eq!(events(&["eastern_libya", "derna"]), ["derna", "derna"]);
        // Palmyra lies in the province named after Homs: withdrawing from one is not from the
        // other
        assert!(r.lies_within("palmyra", "homs"));
        assert_eq!(events(&["homs", "palmyra"]), ["homs", "palmyra"]);
        // an event with no place joins where the others are
        assert_eq!(events(&["beirut_port", "", "beirut"]), ["beirut_port"; 3]);
        // figures read any one place within as that place
        let at = compared_at(&pairs(&["homs", "palmyra"]), &r);
        assert_eq!(at.place("homs", "d1"), "palmyra");
    }

    #[test]
    fn an_event_told_at_a_wider_place_is_at_the_place_within_it_most_claims_name() {
        let r = rules();
        let events = |scopes: &[&str]| {
            let ps: Vec<_> = pairs(scopes)
                .into_iter()
                .map(|(s, d, _)| (s, d, None))
                .collect();
            let at = compared_at_for_events(&ps, &r);
            ps.iter()
                .map(|(s, d, _)| at.place(s, d).to_string())
                .collect::<Vec<_>>()
        };
        // six reports of the storm striking Derna, one of it affecting Misrata: "struck Libya"
        // is the Derna event; Misrata stays its own
        assert_eq!(
            events(&["derna", "derna", "libya", "derna", "misrata", "derna", "derna", "derna"]),
            ["derna", "derna", "derna", "derna", "misrata", "derna", "derna", "derna"]
        );
        // two places named alike: the country stays the country
        assert_eq!(
            events(&["derna", "libya", "benghazi", "derna", "benghazi"]),
            ["derna", "libya", "benghazi", "derna", "benghazi"]
        );
        // three to one is three times the rest; two to one is not
        assert_eq!(
            events(&["derna", "derna", "derna", "tripoli", "libya"])[4],
            "derna"
        );
        assert_eq!(events(&["derna", "derna", "tripoli", "libya"])[3], "libya");
        // figures never read a total over parts as one part
        let at = compared_at(
            &pairs(&["derna", "derna", "derna", "derna", "misrata", "libya"]),
            &r,
        );
        assert_eq!(at.place("libya", "d6"), "libya");
    }

    #[test]
    fn a_figure_beside_a_total_word_is_a_total_over_the_parts() {
        let r = rules();
        for text in [
            "The quake killed 5,000 in Turkey and 2,000 in Syria, 7,000 in both countries.",
            "أودى الزلزال بحياة 5 آلاف في تركيا وألفين في سوريا، و7 آلاف في البلدين.",
        ] {
            let t = crate::normalize::tokenize(text).tokens;
            let seven = t
                .iter()
                .position(|x| x.norm == "7,000" || x.norm.ends_with('7'))
                .expect("the total's number");
            assert!(is_total(text, &t, seven, seven + 1, &r), "{text}");
            assert!(
                !is_total(text, &t, 3, 4, &r),
                "{text}: the first part is no total"
            );
        }
        // a total word across a comma, or two words away, belongs to another figure
        let text = "بلغ 1183 شخصا، ليصل إجمالي المتقدمين خلال 4 أيام إلى 2424 شخصا.";
        let t = crate::normalize::tokenize(text).tokens;
        assert!(!is_total(text, &t, 1, 2, &r), "{text}");
        let four = t.iter().position(|x| x.norm == "4").expect("number");
        assert!(!is_total(text, &t, four, four + 1, &r), "{text}");
        let text = "Rescuers said the quake killed a combined 7,000 people.";
        let t = crate::normalize::tokenize(text).tokens;
        let at = t.iter().position(|x| x.norm == "7,000").expect("number");
        assert!(is_total(text, &t, at, at + 1, &r), "{text}");
    }

    #[test]
    fn a_figure_about_elsewhere_is_not_the_articles_place() {
        let r = rules();
        for text in [
            "The storm killed 2,000 in Derna and about 170 people elsewhere in the country.",
            "قتل ألفان في درنة ونحو 170 شخصا لقوا حتفهم في مناطق أخرى من البلاد.",
        ] {
            let t = crate::normalize::tokenize(text).tokens;
            let at = t.iter().position(|x| x.norm == "170").expect("number");
            assert_eq!(
                scope_word(text, &t, at, at + 1, &r),
                Some(ELSEWHERE),
                "{text}"
            );
            assert_eq!(scope_word(text, &t, 3, 4, &r), None, "{text}");
        }
    }

    #[test]
    fn a_total_its_article_sets_beside_a_part_stays_a_total() {
        let r = rules();
        // one article: 826 killed across Syria, 5 in Talbiseh; another: a toll in Syria
        let m = compared_at(
            &[
                ("syria", "a", Some(826.0)),
                ("talbiseh", "a", Some(5.0)),
                ("syria", "b", Some(800.0)),
            ],
            &r,
        );
        assert_eq!(m.place("syria", "a"), "syria");
        assert_eq!(m.place("talbiseh", "a"), "talbiseh");
        assert_eq!(m.place("syria", "b"), "syria");
        // when most articles that name both give them one toll, one article's contrast keeps
        // only its own figure apart
        let m = compared_at(
            &[
                ("libya", "a", Some(5000.0)),
                ("derna", "a", Some(2000.0)),
                ("libya", "b", Some(5300.0)),
                ("derna", "b", Some(5300.0)),
                ("libya", "c", Some(11300.0)),
                ("derna", "c", Some(11300.0)),
            ],
            &r,
        );
        assert_eq!(m.place("libya", "a"), "libya");
        assert_eq!(m.place("libya", "b"), "derna");
        // one contrast against one agreement is no majority: a third article's wider figure
        // is still read as the city's
        let m = compared_at(
            &[
                ("libya", "a", Some(5000.0)),
                ("derna", "a", Some(2000.0)),
                ("libya", "b", Some(3252.0)),
                ("derna", "b", Some(11300.0)),
                ("libya", "c", Some(4000.0)),
            ],
            &r,
        );
        assert_eq!(m.place("libya", "a"), "libya");
        assert_eq!(m.place("libya", "c"), "derna");
        // the same figure for the city and for the port within it: one scope
        let m = compared_at(
            &[
                ("beirut", "a", Some(154.0)),
                ("beirut_port", "a", Some(154.0)),
            ],
            &r,
        );
        assert_eq!(m.place("beirut", "a"), "beirut_port");
    }

    fn figure(subject: &str) -> Claim {
        Claim {
            kind: "figure".into(),
            category: "killed".into(),
            subject_id: subject.into(),
            ..Claim::default()
        }
    }

    #[test]
    fn a_figure_with_no_place_takes_its_articles_place() {
        let r = rules();
        let mut cs = vec![
            figure("beirut"),
            figure(""),
            figure("beirut_port"),
            figure("beirut"),
        ];
        assign(&mut cs, &["lebanon"], &[], &r);
        assert_eq!(cs[1].scope, "beirut");
        assert_eq!(cs[2].scope, "beirut_port");
    }

    #[test]
    fn an_article_with_no_place_leaves_the_scope_empty() {
        let r = rules();
        let mut cs = vec![figure(""), figure("")];
        assign(&mut cs, &[], &[], &r);
        assert!(cs.iter().all(|c| c.scope.is_empty()));
    }

    #[test]
    fn an_article_whose_figures_name_no_place_is_about_the_place_its_text_names_most() {
        let r = rules();
        let mut cs = vec![figure(""), figure("")];
        assign(&mut cs, &["lebanon", "beirut", "beirut"], &[], &r);
        assert!(cs.iter().all(|c| c.scope == "beirut"));
    }

    #[test]
    fn a_site_and_its_city_are_one_scope() {
        let r = rules();
        let m = compared_at(&pairs(&["beirut", "beirut_port", "lebanon", ""]), &r);
        assert_eq!(m.place("beirut", "d1"), "beirut_port");
        assert_eq!(m.place("lebanon", "d3"), "beirut_port");
        assert_eq!(m.place("", "d4"), "beirut_port");
    }

    #[test]
    fn two_parts_of_an_event_stay_apart_and_their_total_is_its_own_scope() {
        let r = rules();
        let m = compared_at(&pairs(&["derna", "benghazi", "libya", "eastern_libya"]), &r);
        assert_eq!(m.place("derna", "d1"), "derna");
        assert_eq!(m.place("benghazi", "d2"), "benghazi");
        assert_eq!(m.place("libya", "d3"), "libya");
        assert_eq!(m.place("eastern_libya", "d4"), "eastern_libya");
        let m = compared_at(&pairs(&["turkey", "syria", "syria", ""]), &r);
        assert_eq!(m.place("turkey", "d1"), "turkey");
        assert_eq!(m.place("syria", "d2"), "syria");
        // a figure of an article that names no place is about where most of the others are
        assert_eq!(m.place("", "d4"), "syria");
    }
}
