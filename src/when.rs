//! Takes a document's tokens, its claims and its publication date; dates the claims whose
//! sentence names a weekday ("on Sunday", "يوم السبت الماضي", "last Friday"), resolving the
//! weekday against the publication date only when that is unambiguous.
//!
//! A bare weekday is the most recent such day up to the publication day (news tells what
//! happened); "last"/"الماضي" is the one before the publication day, "next"/"المقبل" the one
//! after. Nothing is resolved when the publication date is unknown or not a full day, when a
//! word makes the reference open ("this Sunday"), or when an explicit date beside the weekday
//! falls on another day, or when it sits in a relative clause ("the quake, which struck on
//! Friday, ..."). A claim takes the weekday nearest to it in its sentence; if that one cannot
//! be resolved, the claim is not dated by it.
//!
//! A figure the article recalls from an earlier report ("previously put the toll at 5,500")
//! is marked as such ([`earlier_report`]): it has no reference day of its own.

use crate::extract::Found;
use crate::model::{Span, Value};
use crate::normalize::{Token, Tokens};
use crate::rules::RuleSet;

/// A weekday named in the text, and the day it stands for when that is unambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayMention {
    /// Token range of the weekday with its modifier (`يوم الأحد الماضي`).
    pub tok_start: usize,
    pub tok_end: usize,
    pub sentence: usize,
    /// The ISO date, `None` when it cannot be told.
    pub date: Option<String>,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A full ISO date (`2024-12-08`) as a day count; `None` for partial or invalid dates.
pub fn day_number(iso: &str) -> Option<i64> {
    let mut parts = iso.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let n = days_from_civil(y, m, d);
    // reject 2024-02-31 and the like: the round trip must give the same date back
    (civil_from_days(n) == (y, m, d)).then_some(n)
}

/// The ISO date of a day count.
pub fn iso_of(n: i64) -> String {
    let (y, m, d) = civil_from_days(n);
    format!("{y:04}-{m:02}-{d:02}")
}

/// ISO weekday of a day count (1 = Monday … 7 = Sunday); 1970-01-01 was a Thursday.
pub fn weekday_of(n: i64) -> u32 {
    ((n + 3).rem_euclid(7) + 1) as u32
}

/// How a weekday is pointed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// "on Sunday": the latest such day up to the publication day.
    Bare,
    /// "last Sunday", "الأحد الماضي": the latest before the publication day.
    Last,
    /// "next Sunday", "الأحد المقبل": the first after it.
    Next,
}

/// The day a weekday stands for, read from the publication day.
pub fn resolve_weekday(doc_date: &str, weekday: u32, relation: Relation) -> Option<String> {
    let today = day_number(doc_date)?;
    let back = i64::from((weekday_of(today) + 7 - weekday) % 7);
    let n = match relation {
        Relation::Bare => today - back,
        Relation::Last => today - if back == 0 { 7 } else { back },
        Relation::Next => today + if back == 0 { 7 } else { 7 - back },
    };
    Some(iso_of(n))
}

/// Every weekday the text names, with the day it stands for. `found` holds the document's
/// figures: a date written next to a weekday ("Sunday, Dec. 8") decides which day it is.
pub fn day_mentions(
    toks: &Tokens,
    found: &[Found],
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> Vec<DayMention> {
    let t = &toks.tokens;
    let mut out = Vec::new();
    if rules.weekdays.is_empty() {
        return out;
    }
    let mut i = 0;
    while i < t.len() {
        let Some((len, &day, _)) = rules.weekdays.match_name_at(t, i) else {
            i += 1;
            continue;
        };
        // "الأحد عشر" (the eleven) is a number, not Sunday
        if rules.marker_at("weekday_stop", t, i + len, false).is_some() {
            i += len;
            continue;
        }
        let sentence = t[i].sentence;
        let in_sentence = |k: usize| t.get(k).is_some_and(|x| x.sentence == sentence);
        let (mut start, mut end) = (i, i + len);
        let mut relation = Relation::Bare;
        let mut open = false;
        for (kind, rel) in [
            ("weekday_last", Some(Relation::Last)),
            ("weekday_next", Some(Relation::Next)),
            ("weekday_open", None),
        ] {
            let before = (1..=2).filter(|&l| l <= start).find(|&l| {
                in_sentence(start - l) && rules.marker_at(kind, t, start - l, false) == Some(l)
            });
            let after = rules
                .marker_at(kind, t, end, false)
                .filter(|_| in_sentence(end));
            if let Some(l) = before {
                start -= l;
            } else if let Some(l) = after {
                end += l;
            } else {
                continue;
            }
            match rel {
                Some(r) => relation = r,
                // "this coming Sunday" is pointed all the same
                None => open = relation == Relation::Bare,
            }
        }
        // "الزلزال الذي ضرب البلاد مساء الجمعة إلى 2122": the weekday dates the relative clause's
        // noun, not the figures around it
        let relative = (start.saturating_sub(5)..start)
            .any(|k| in_sentence(k) && rules.marker_at("relative", t, k, true).is_some());
        let mut date = if open || relative {
            None
        } else {
            doc_date.and_then(|d| resolve_weekday(d, day, relation))
        };
        // "Sunday, Dec. 8": the written date decides, and must fall on that weekday
        let next = &found[found.partition_point(|f| f.tok_start < end)..];
        if let Some(f) = next
            .first()
            .filter(|f| f.tok_start <= end + 1 && in_sentence(f.tok_start))
        {
            if let Some(Value::Date(d)) = &f.claim.value {
                if let Some(n) = day_number(d) {
                    date = (weekday_of(n) == day).then(|| d.clone());
                    end = f.tok_end;
                }
            }
        }
        out.push(DayMention {
            tok_start: start,
            tok_end: end,
            sentence,
            date,
        });
        i = end.max(i + 1);
    }
    out
}

/// Dates each claim by the weekday nearest to it in its sentence (an event by its trigger's
/// sentence, so a denial that refers back keeps the day of what it denies), unless a word that
/// shifts time (`time_shift` markers: since, after, منذ, بعد) stands between them. A claim
/// already dated by a year in its clause, and dates and years themselves, keep what they have.
pub fn date_claims(
    toks: &Tokens,
    found: &mut [Found],
    days: &[DayMention],
    doc_date: Option<&str>,
    rules: &RuleSet,
) {
    if days.is_empty() {
        return;
    }
    let t = &toks.tokens;
    let token_at = |byte: usize| {
        t.partition_point(|x| x.end <= byte)
            .min(t.len().saturating_sub(1))
    };
    for f in found.iter_mut() {
        let c = &mut f.claim;
        if matches!(c.unit.as_str(), "date" | "year")
            || c.time.as_deref().is_some_and(|x| Some(x) != doc_date)
        {
            continue;
        }
        let (lo, hi) = match c.trigger_span {
            Some(s) => (token_at(s.start), token_at(s.end.saturating_sub(1)) + 1),
            None => (f.tok_start, f.tok_end),
        };
        let Some(sentence) = t.get(lo).map(|x| x.sentence) else {
            continue;
        };
        // tokens between, and 3 more for each clause mark crossed: the weekday of the claim's
        // own clause wins ("next Monday; 300 were displaced last Friday")
        let distance = |m: &DayMention| {
            let (a, b) = if m.tok_end <= lo {
                (m.tok_end, lo)
            } else if m.tok_start >= hi {
                (hi, m.tok_start)
            } else {
                return 0;
            };
            let marks = t[a..b].iter().filter(|x| x.is_clause_mark()).count();
            b - a + 3 * marks
        };
        // the sentence's weekdays within 40 tokens (mentions are in text order): a page with no
        // full stop costs a window per claim, not the page
        const WINDOW: usize = 40;
        let near = &days[days.partition_point(|m| m.tok_end + WINDOW < lo)
            ..days.partition_point(|m| m.tok_start <= hi + WINDOW)];
        let Some(m) = near
            .iter()
            .filter(|m| m.sentence == sentence)
            .min_by_key(|m| (distance(m), m.tok_start))
        else {
            continue;
        };
        // "killed since Tuesday", "took Hama on Thursday, days after taking Aleppo": a word that
        // shifts time between them means the weekday is not the claim's day
        let (a, b) = if m.tok_end <= lo {
            (m.tok_end, lo)
        } else {
            (hi.min(m.tok_start), m.tok_start)
        };
        if (a..b).any(|k| rules.marker_at("time_shift", t, k, true).is_some()) {
            continue;
        }
        if let Some(d) = &m.date {
            c.time = Some(d.clone());
            c.time_span = Some(Span {
                start: t[m.tok_start].start,
                end: t[m.tok_end - 1].end,
            });
            c.stated = m.tok_end <= lo && dates_statement(t, m, rules);
        }
    }
}

/// Whether a weekday dates a statement, not an event: it stands between an attribution cue
/// of its sentence (at most twelve words before it) and a `statement_that` word right after
/// it ("officials said on Monday that", "قال المتحدث مساء الاثنين إن").
fn dates_statement(t: &[Token], m: &DayMention, rules: &RuleSet) -> bool {
    let next = if t.get(m.tok_end).is_some_and(|x| x.norm == ",") {
        m.tok_end + 1
    } else {
        m.tok_end
    };
    rules.marker_at("statement_that", t, next, true).is_some()
        && (m.tok_start.saturating_sub(12)..m.tok_start).any(|k| {
            t[k].sentence == m.sentence && rules.marker_at("attribution", t, k, true).is_some()
        })
}

/// Whether the figure over tokens `[lo, hi)` is an earlier report the article recalls: an
/// `earlier_report_before` marker ("previously", "up from", "بعد أن كانت") ending at most eight
/// words before it, or an `earlier_report_after` one starting at most four words after it
/// ("11,300 as was earlier reported"),
/// in its sentence with no other number between ("previously 5,500, now 11,300" recalls only
/// the 5,500).
pub fn earlier_report(
    t: &[crate::normalize::Token],
    lo: usize,
    hi: usize,
    rules: &RuleSet,
) -> bool {
    use crate::normalize::TokenKind;
    if lo >= hi || hi > t.len() {
        return false;
    }
    let sentence = t[lo].sentence;
    let plain = |k: usize| t[k].sentence == sentence && t[k].kind != TokenKind::Number;
    let mut before = false;
    let mut k = lo;
    while k > 0 && lo - k < 8 && plain(k - 1) {
        k -= 1;
        if rules
            .marker_at("earlier_report_before", t, k, true)
            .is_some_and(|len| k + len <= lo)
        {
            before = true;
            break;
        }
    }
    before
        || (hi..(hi + 4).min(t.len()))
            .take_while(|&k| plain(k))
            .any(|k| {
                rules
                    .marker_at("earlier_report_after", t, k, true)
                    .is_some()
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_know_the_weekday() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(weekday_of(0), 4, "1970-01-01 was a Thursday");
        let n = day_number("2024-12-08").unwrap();
        assert_eq!(weekday_of(n), 7, "2024-12-08 was a Sunday");
        assert_eq!(iso_of(n), "2024-12-08");
        assert_eq!(iso_of(day_number("2024-02-29").unwrap() + 1), "2024-03-01");
        assert_eq!(day_number("2023-02-29"), None);
        assert_eq!(day_number("2024-12"), None);
        assert_eq!(day_number("2024"), None);
        assert_eq!(day_number("x-y-z"), None);
    }

    #[test]
    fn weekdays_resolve_against_the_publication_day() {
        // 2024-12-10 is a Tuesday
        assert_eq!(
            resolve_weekday("2024-12-10", 7, Relation::Bare).as_deref(),
            Some("2024-12-08")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 2, Relation::Bare).as_deref(),
            Some("2024-12-10")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 3, Relation::Bare).as_deref(),
            Some("2024-12-04")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 2, Relation::Last).as_deref(),
            Some("2024-12-03")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 7, Relation::Last).as_deref(),
            Some("2024-12-08")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 2, Relation::Next).as_deref(),
            Some("2024-12-17")
        );
        assert_eq!(
            resolve_weekday("2024-12-10", 5, Relation::Next).as_deref(),
            Some("2024-12-13")
        );
        // across a year's end
        assert_eq!(
            resolve_weekday("2025-01-01", 6, Relation::Bare).as_deref(),
            Some("2024-12-28")
        );
        assert_eq!(resolve_weekday("2024-12", 6, Relation::Bare), None);
    }

    #[test]
    fn a_figure_recalled_from_an_earlier_report_is_marked_and_the_next_one_is_not() {
        let rules = RuleSet::builtin().unwrap();
        let recalled = |text: &str| -> Vec<(String, bool)> {
            let (toks, found) = crate::extract::extract(text, "d", None, &rules);
            found
                .iter()
                .map(|f| {
                    let marked = earlier_report(&toks.tokens, f.tok_start, f.tok_end, &rules);
                    (f.claim.text.clone(), marked)
                })
                .collect()
        };
        assert_eq!(
            recalled("Health authorities previously put the death toll at 5,500."),
            [("5,500".to_string(), true)]
        );
        assert_eq!(
            recalled("At least 3,958 people died, instead of 11,300 as was earlier reported."),
            [("3,958".to_string(), false), ("11,300".to_string(), true)]
        );
        assert_eq!(
            recalled("The toll, previously 5,500, has risen to 11,300."),
            [("5,500".to_string(), true), ("11,300".to_string(), false)]
        );
        assert_eq!(
            recalled("ارتفعت الحصيلة إلى 11300 قتيل بعد أن كانت 5300 قتيل."),
            [("11300".to_string(), false), ("5300".to_string(), true)]
        );
        assert_eq!(
            recalled("The flood killed 2,000 people."),
            [("2,000".to_string(), false)]
        );
    }
}
