//! Takes a document's text and the rules; returns its numeric claims (figures, dates, ranks,
//! vague quantities) with byte spans into the original text, bounds, unit and category.
//! Subjects and sources are filled in later by `resolve.rs`.

use crate::model::{Claim, Qualifier, Value};
use crate::normalize::{strip_waw, tokenize, Token, TokenKind, Tokens};
use crate::rules::{NumberKind, NumberWord, RuleSet};

/// What kind of expression a core number came from; decides how the claim is completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Digits,
    Words,
    Vague,
    Dual,
    Ordinal,
    Date,
    Range,
}

/// A number expression before its context (qualifier, category) is read.
#[derive(Debug, Clone)]
struct Core {
    /// Token range of the expression itself.
    start: usize,
    end: usize,
    value: Option<Value>,
    low: Option<f64>,
    high: Option<f64>,
    qualifier: Qualifier,
    unit: Option<String>,
    /// Precision step implied by the wording (`3 آلاف` → 1000).
    step: f64,
    form: Form,
    /// Category forced by the form (years, ordinals in context); `None` = read from context.
    category: Option<&'static str>,
    /// Whether a vague word needs a counted noun to be a claim.
    needs_noun: bool,
}

impl Core {
    /// A date over tokens `[start, end)`, its value an ISO string.
    fn date(start: usize, end: usize, value: String) -> Core {
        let mut c = Core::number(start, end, 0.0, 0.0, Form::Date);
        c.value = Some(Value::Date(value));
        c.low = None;
        c.high = None;
        c.unit = Some("date".into());
        c
    }

    fn number(start: usize, end: usize, v: f64, step: f64, form: Form) -> Core {
        Core {
            start,
            end,
            value: Some(Value::Number(v)),
            low: Some(v),
            high: Some(v),
            qualifier: Qualifier::Exact,
            unit: None,
            step,
            form,
            category: None,
            needs_noun: false,
        }
    }
}

/// A claim candidate in token terms, before it becomes a [`Claim`].
#[derive(Debug, Clone)]
pub struct Found {
    /// Token range of the claim's span (number expression plus measure unit).
    pub tok_start: usize,
    pub tok_end: usize,
    pub claim: Claim,
}

/// Whether the number at `i` sits alone on a short line (at most `max` tokens): where page
/// chrome lives ("منذ 3 ساعات", "Posted 2 hours ago", "12 مشاهدة | 0 تعليقات").
fn short_line(t: &[Token], i: usize, max: usize) -> Option<(usize, usize)> {
    let line = t[i].line;
    // look no further than the short line could reach: a long line costs nothing
    let first = (i.saturating_sub(max)..=i)
        .rev()
        .take_while(|&k| t[k].line == line)
        .last()
        .unwrap_or(i);
    let last = (i..t.len().min(i + max + 1))
        .take_while(|&k| t[k].line == line)
        .last()
        .unwrap_or(i);
    let whole =
        (first == 0 || t[first - 1].line != line) && t.get(last + 1).is_none_or(|x| x.line != line);
    (whole && last - first < max).then_some((first, last))
}

/// Whether the number at `i` sits on a short line (at most six tokens) that holds a timestamp
/// word: page chrome such as "منذ 3 ساعات" or "Posted 2 hours ago".
fn timestamp_line(t: &[Token], i: usize, rules: &RuleSet) -> bool {
    short_line(t, i, 6).is_some_and(|(first, last)| {
        (first..=last).any(|k| rules.marker_at("timestamp", t, k, true).is_some())
    })
}

/// Whether the number at `i` is one of a gallery counter "N of M" that opens a line and ends
/// it or is followed by "|" ("1 of 12 | Rescuers search ...", "3 من 10").
fn gallery_counter(t: &[Token], i: usize, rules: &RuleSet) -> bool {
    let opens_line = |k: usize| k == 0 || t[k - 1].line != t[k].line;
    let is_counter = |a: usize| {
        opens_line(a)
            && t[a].kind == TokenKind::Number
            && rules.marker_at("gallery_of", t, a + 1, false) == Some(1)
            && t.get(a + 2)
                .is_some_and(|x| x.kind == TokenKind::Number && x.line == t[a].line)
            && t.get(a + 3)
                .is_none_or(|x| x.line != t[a].line || x.norm == "|")
    };
    is_counter(i) || (i >= 2 && is_counter(i - 2))
}

/// The sentence of a claim as written; a sentence longer than 2000 bytes (a page with no full
/// stops) is cut to the 1000 bytes either side of the claim, marked with "…", so a claim never
/// carries a whole page.
pub fn sentence_text(
    text: &str,
    s: crate::normalize::Sentence,
    start: usize,
    end: usize,
) -> String {
    const MAX: usize = 2000;
    if s.end - s.start <= MAX {
        return text[s.start..s.end].trim().to_string();
    }
    let mut a = start.saturating_sub(MAX / 2).max(s.start);
    let mut b = (end + MAX / 2).min(s.end);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    while !text.is_char_boundary(b) {
        b += 1;
    }
    let lead = if a > s.start { "…" } else { "" };
    let tail = if b < s.end { "…" } else { "" };
    format!("{lead}{}{tail}", text[a..b].trim())
}

/// Extracts every figure of one document.
///
/// `doc_id` names the document in the claims; `doc_date` (ISO) completes dates written without
/// a year. Returns claims sorted by offset, with ids left empty (the report numbers them).
pub fn extract(
    text: &str,
    doc_id: &str,
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> (Tokens, Vec<Found>) {
    let mut toks = tokenize(text);
    rules.mark_phrase_starts(&mut toks.tokens);
    let found = extract_tokens(text, &toks, doc_id, doc_date, rules);
    (toks, found)
}

/// [`extract`] over already tokenised text.
pub fn extract_tokens(
    text: &str,
    toks: &Tokens,
    doc_id: &str,
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> Vec<Found> {
    let t = &toks.tokens;
    let excluded = excluded_tokens(t, rules);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if excluded[i] {
            i += 1;
            continue;
        }
        let core = try_date(t, i, doc_date, rules)
            .or_else(|| try_fraction(t, i, rules))
            .or_else(|| try_ordinal(t, i, rules))
            .or_else(|| try_range(t, i, rules))
            .or_else(|| try_number(t, i, rules))
            .or_else(|| try_vague(t, i, rules))
            .or_else(|| try_dual(t, i, rules))
            .or_else(|| try_roman(text, t, i, rules));
        let Some(core) = core.map(|c| extend_compound(t, c, rules)) else {
            i += 1;
            continue;
        };
        let next = core.end.max(i + 1);
        let previous = out
            .last()
            .filter(|p: &&Found| t[p.tok_start].sentence == t[core.start].sentence);
        if let Some(f) = complete(text, toks, core, doc_id, rules, &excluded, previous) {
            i = f.tok_end.max(next);
            // a measure restated in another unit in brackets ("12km (eight miles)") is a claim
            // of its own: a reader sees two figures, and they agree once converted
            out.push(f);
        } else {
            i = next;
        }
    }
    out
}

/// Tokens that can never be part of a claim: link lines ("اقرأ أيضاً") and outlet names
/// that contain numbers ("963+", "فرانس 24").
pub(crate) fn excluded_tokens(t: &[Token], rules: &RuleSet) -> Vec<bool> {
    let mut ex = vec![false; t.len()];
    let mut line_start = true;
    let mut skip_line = None;
    let (link_line, outlet_name) = (rules.marker("link_line"), rules.marker("outlet_name"));
    let at = |set: Option<&crate::rules::PhraseSet<()>>, i: usize| set?.len_at(t, i, true);
    for i in 0..t.len() {
        if i > 0 && t[i].line != t[i - 1].line {
            line_start = true;
        }
        if line_start {
            skip_line = at(link_line, i).map(|_| t[i].line);
            line_start = false;
        }
        if skip_line == Some(t[i].line) {
            ex[i] = true;
        }
        if let Some(len) = at(outlet_name, i) {
            for e in ex.iter_mut().skip(i).take(len) {
                *e = true;
            }
        }
    }
    ex
}

/// Parses a digit token (normalised): `2,424` → 2424, `1,5` → 1.5, `15.700` → 15700.
///
/// Grouping rule: `,` or `.` followed by exactly three digits (every group after the first,
/// first group of 1–3 digits) separates thousands; a single separator followed by any other
/// number of digits is a decimal point. So `1,5 مليون` = 1.5 million. Before a scale word a
/// single separator is always decimal (see [`decimal_before_scale`]: `15.700 ألف` = 15,700).
/// `٫` is always decimal, `٬` always thousands.
/// Returns the value and its precision step (`3500` → 100, `1.5` → 0.1).
pub fn parse_digits(s: &str) -> Option<(f64, f64)> {
    // most numbers are plain digits: no separator to read, nothing to allocate
    if (1..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        let v = s.parse::<u64>().ok()? as f64;
        let tz = s
            .bytes()
            .rev()
            .take_while(|&b| b == b'0')
            .count()
            .min(s.len() - 1);
        return Some((v, 10f64.powi(tz as i32)));
    }
    let s: String = s.chars().filter(|&c| c != '٬').collect();
    let s = s.replace('٫', "\u{1}");
    let seps: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| matches!(c, ',' | '.' | '\u{1}'))
        .collect();
    let (int_part, frac_part): (String, String) = if seps.is_empty() {
        (s.clone(), String::new())
    } else if let Some(&(p, _)) = seps.iter().find(|(_, c)| *c == '\u{1}') {
        (
            s[..p].chars().filter(char::is_ascii_digit).collect(),
            s[p + 1..].chars().filter(char::is_ascii_digit).collect(),
        )
    } else {
        let groups: Vec<&str> = s.split([',', '.']).collect();
        let mixed = seps.iter().any(|(_, c)| *c == ',') && seps.iter().any(|(_, c)| *c == '.');
        let thousands = !mixed
            && groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            (groups.concat(), String::new())
        } else if seps.len() == 1 || mixed {
            let (p, _) = *seps.last().unwrap();
            (
                s[..p].chars().filter(char::is_ascii_digit).collect(),
                s[p + 1..].to_string(),
            )
        } else {
            return None;
        }
    };
    if int_part.is_empty() || int_part.len() > 15 {
        return None;
    }
    let v: f64 = format!(
        "{int_part}.{}",
        if frac_part.is_empty() {
            "0"
        } else {
            &frac_part
        }
    )
    .parse()
    .ok()?;
    let step = if !frac_part.is_empty() {
        10f64.powi(-(frac_part.len() as i32))
    } else {
        let tz = int_part
            .chars()
            .rev()
            .take_while(|&c| c == '0')
            .count()
            .min(int_part.len().saturating_sub(1));
        10f64.powi(tz as i32)
    };
    Some((v, step))
}

/// A number with a single `.` or `,` read as a decimal point (`15.700` → 15.7, step 0.001),
/// as it is before a scale word; `None` for other shapes.
fn decimal_before_scale(s: &str) -> Option<(f64, f64)> {
    let seps = s.matches([',', '.']).count();
    if seps != 1 || s.contains(['٫', '٬']) {
        return None;
    }
    let (int_part, frac) = s.split_once([',', '.'])?;
    if int_part.is_empty() || frac.is_empty() {
        return None;
    }
    let v: f64 = format!("{int_part}.{frac}").parse().ok()?;
    Some((v, 10f64.powi(-(frac.len() as i32))))
}

fn same_sentence(t: &[Token], a: usize, b: usize) -> bool {
    t.get(a)
        .zip(t.get(b))
        .is_some_and(|(x, y)| x.sentence == y.sentence)
}

/// A scale word right after a number: `280 ألف`, `1,5 مليون`, `3 آلاف`, `مليون ونصف`.
fn scale_after(t: &[Token], j: usize, rules: &RuleSet) -> Option<(usize, f64)> {
    if !same_sentence(t, j.saturating_sub(1), j) {
        return None;
    }
    // "280/ ألف": a stray slash between the number and its scale word
    let j = if t.get(j).is_some_and(|x| x.norm == "/") && same_sentence(t, j, j + 1) {
        j + 1
    } else {
        j
    };
    let w = rules.number_word(t.get(j)?, false)?;
    if !matches!(w.kind, NumberKind::Scale | NumberKind::ScalePlural) || w.value < 1000.0 {
        return None;
    }
    let mut scale = w.value;
    let mut end = j + 1;
    // "مليون ونصف" = 1.5 million
    if let Some(n) = t.get(end).and_then(|x| strip_waw(&x.norm)) {
        if rules
            .numbers
            .get(n)
            .is_some_and(|h| h.kind == NumberKind::Half)
        {
            scale *= 1.5;
            end += 1;
        }
    }
    Some((end, scale))
}

fn try_number(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let tok = t.get(i)?; // "بين" as the last word: nothing follows

    if tok.kind == TokenKind::Number {
        let (v, step) = parse_digits(&tok.norm)?;
        if let Some((end, scale)) =
            scale_after(t, i + 1, rules).or_else(|| million_suffix(t, i, rules))
        {
            // before a scale word one separator is a decimal point: "15.700 ألف" is 15,700
            let (v, step) = decimal_before_scale(&tok.norm).unwrap_or((v, step));
            let value = round6(v * scale);
            // "3 آلاف": one significant digit with a scale word is as rough as the scale.
            return Some(Core::number(i, end, value, step * scale, Form::Digits));
        }
        return Some(Core::number(i, i + 1, v, step, Form::Digits));
    }
    // most words are neither a number word nor a qualifier glued to one
    if !rules.may_be_number_word(tok) && !may_be_glued_qualifier(tok, rules) {
        return None;
    }
    parse_words(t, i, rules)
}

/// A compound of scales mixing digits and words is one figure: `ألف و301` (1,301),
/// `مليونا و833 ألفا و164`, `مليون و800 ألف`, "1 million 833 thousand". After a part that ends
/// on a scale word, a smaller part joined by "و" (or "and", or in English nothing when the
/// smaller part carries its own scale) adds to it.
fn extend_compound(t: &[Token], mut core: Core, rules: &RuleSet) -> Core {
    if !matches!(core.form, Form::Digits | Form::Words) {
        return core;
    }
    loop {
        let Some(mut total) = core.value.as_ref().and_then(Value::number) else {
            return core;
        };
        let last = core.end - 1;
        let Some(scale) = rules
            .number_word(&t[last], false)
            .filter(|w| matches!(w.kind, NumberKind::Scale | NumberKind::ScalePlural))
            .map(|w| w.value)
        else {
            return core;
        };
        let j = core.end;
        let number_at = |k: usize| {
            t.get(k)
                .is_some_and(|x| x.kind == TokenKind::Number && same_sentence(t, last, k))
        };
        let glued_waw =
            t.get(j).is_some_and(|x| x.norm == "و") && number_at(j + 1) && !t[j + 1].space_before;
        let english_and = t.get(j).is_some_and(|x| x.norm == "and") && number_at(j + 1);
        // "2 million and 40 thousand" is one figure, "€2 billion and 12 knots" two
        let (start, needs_scale) = if glued_waw {
            (j + 1, false)
        } else if english_and {
            (j + 1, true)
        } else if t[last].norm.is_ascii() && number_at(j) {
            (j, true)
        } else {
            return core;
        };
        let Some(part) = try_number(t, start, rules) else {
            return core;
        };
        let has_scale = part.end > start + 1;
        let Some(v) = part.value.as_ref().and_then(Value::number) else {
            return core;
        };
        if v >= scale || (needs_scale && !has_scale) {
            return core;
        }
        total = round6(total + v);
        core.value = Some(Value::Number(total));
        core.low = Some(total);
        core.high = Some(total);
        core.end = part.end;
        core.step = part.step;
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// "£1.5m", "4.5m people": a glued "m" is a million after a currency sign or before a counted
/// noun ("30m" alone stays a length, which is no claim); `scale_suffix_m` markers name it.
fn million_suffix(t: &[Token], i: usize, rules: &RuleSet) -> Option<(usize, f64)> {
    t.get(i + 1)
        .filter(|x| !x.space_before && same_sentence(t, i, i + 1))?;
    rules.marker_at("scale_suffix_m", t, i + 1, false)?;
    let currency = i > 0 && rules.unit_prefixes.match_ending_at(t, i, false).is_some();
    let counted = rules
        .units
        .match_at(t, i + 2, true)
        .is_some_and(|(_, u, _)| matches!(u.id.as_str(), "person" | "family" | "building"));
    (currency || counted).then_some((i + 2, 1e6))
}

/// Parses a compound of number words starting at `i`: `خمسة وعشرين`, `ثلاثمئة`, `ثلاثة آلاف`,
/// `أحد عشر`, `مليون ونصف`.
fn parse_words(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let (first, glued) = match rules.number_word(t.get(i)?, true) {
        Some(w) => (w, None),
        None => glued_qualifier(t.get(i)?, rules)?,
    };
    if first.kind == NumberKind::Half {
        // "نصف مليون", "half a million"; "نصف" alone is not a count
        let k = if t.get(i + 1).is_some_and(|_| {
            rules.marker_at("article", t, i + 1, false) == Some(1) && same_sentence(t, i, i + 1)
        }) {
            i + 2
        } else {
            i + 1
        };
        let scale = t
            .get(k)
            .filter(|_| same_sentence(t, i, k))
            .and_then(|x| rules.number_word(x, false))
            .filter(|w| w.kind == NumberKind::Scale && w.value >= 1000.0)?;
        let value = 0.5 * scale.value;
        return Some(Core::number(
            i,
            k + 1,
            value,
            magnitude_step(value),
            Form::Words,
        ));
    }
    if first.kind == NumberKind::ScalePlural {
        return None; // "آلاف" alone is vague
    }
    let mut total = 0.0f64;
    let mut current = 0.0f64;
    let mut last_scale = 0.0;
    let mut prev: Option<NumberKind> = None;
    let mut j = i;
    let mut alone_ok = first.alone;
    while j < t.len() && same_sentence(t, i, j) {
        let step_start = j;
        // English joins: "one hundred and twenty", "twenty-five"
        let mut tok = &t[j];
        let mut english_join = false;
        if j > i
            && (tok.norm == "and" || tok.norm == "-")
            && t.get(j + 1).is_some_and(|n| {
                n.sentence == tok.sentence && rules.numbers.contains_key(n.norm.as_str())
            })
        {
            j += 1;
            tok = &t[j];
            english_join = true;
        }
        let (w, joined) = if j == i {
            (first, false)
        } else if let Some(w) = strip_waw(&tok.norm).and_then(|n| rules.numbers.get(n)) {
            (w, true)
        } else if let Some(w) = rules.numbers.get(tok.norm.as_str()) {
            (w, english_join)
        } else {
            {
                j = step_start;
                break;
            }
        };
        if tok.kind != TokenKind::Word {
            {
                j = step_start;
                break;
            }
        }
        // a compound continues with "و" + number, or (without "و") unit + teen/hundred/scale
        if j > i && !joined {
            let ok = matches!(
                (prev, w.kind),
                (Some(NumberKind::Unit), NumberKind::Teen)
                    | (Some(NumberKind::Unit), NumberKind::Hundred)
                    | (
                        Some(NumberKind::Hundred),
                        NumberKind::Unit | NumberKind::Ten
                    )
                    | (
                        Some(NumberKind::Scale),
                        NumberKind::Unit | NumberKind::Ten | NumberKind::Hundred
                    )
                    | (
                        Some(
                            NumberKind::Unit
                                | NumberKind::Teen
                                | NumberKind::Ten
                                | NumberKind::Hundred
                        ),
                        NumberKind::Scale | NumberKind::ScalePlural
                    )
            );
            if !ok {
                {
                    j = step_start;
                    break;
                }
            }
        }
        match w.kind {
            NumberKind::Unit => {
                if prev == Some(NumberKind::Unit) {
                    {
                        j = step_start;
                        break;
                    }
                }
                current += w.value;
            }
            NumberKind::Teen => {
                if prev == Some(NumberKind::Unit) && !joined {
                    alone_ok = true;
                }
                current += 10.0;
            }
            NumberKind::Ten => current += w.value,
            NumberKind::Hundred => {
                if prev == Some(NumberKind::Unit) && !joined && w.value == 100.0 {
                    current *= 100.0;
                } else {
                    current += w.value;
                }
            }
            NumberKind::Scale | NumberKind::ScalePlural => {
                if w.kind == NumberKind::ScalePlural && current == 0.0 {
                    {
                        j = step_start;
                        break;
                    }
                }
                total += if current == 0.0 { 1.0 } else { current } * w.value;
                current = 0.0;
                last_scale = w.value;
            }
            NumberKind::Half => {
                if last_scale == 0.0 || !joined {
                    {
                        j = step_start;
                        break;
                    }
                }
                total += 0.5 * last_scale;
                // "مليون ونصف مليون": the scale said again after the half
                if t.get(j + 1).is_some_and(|x| {
                    same_sentence(t, i, j + 1)
                        && rules
                            .numbers
                            .get(x.norm.as_str())
                            .is_some_and(|s| s.value == last_scale)
                }) {
                    j += 1;
                }
            }
        }
        prev = Some(w.kind);
        j += 1;
    }
    if j == i || !alone_ok && j == i + 1 {
        return None;
    }
    let value = total + current;
    let step = if last_scale > 0.0 && current == 0.0 {
        magnitude_step(value)
    } else {
        1.0
    };
    let mut core = Core::number(i, j, value, step, Form::Words);
    if let Some(q) = glued.and_then(Qualifier::parse) {
        core.qualifier = q;
    }
    Some(core)
}

/// False only when [`glued_qualifier`] surely finds nothing in the token.
fn may_be_glued_qualifier(tok: &Token, rules: &RuleSet) -> bool {
    tok.kind == TokenKind::Word
        && tok.norm.len() >= 8
        && !tok.norm.is_ascii()
        && rules.qualifiers_before.may_have_one_word_prefix(&tok.norm)
}

/// A number word with a one-word qualifier glued before it by a typo (`نحوأربعة` = "about
/// four"): the number word and the qualifier's kind.
fn glued_qualifier<'r>(
    tok: &Token,
    rules: &'r RuleSet,
) -> Option<(&'r NumberWord, Option<&'r str>)> {
    if !may_be_glued_qualifier(tok, rules) {
        return None;
    }
    // "لأكثر" glued to "عشرين": the first one-word qualifier (in rule order) the word starts
    // with, followed by a number word
    let (p, rest) = rules
        .qualifiers_before
        .first_one_word_prefix(&tok.norm, |rest| rules.numbers.contains_key(rest))?;
    let w = rules.numbers.get(rest)?;
    Some((w, Some(p.payload.as_str())))
}

/// The largest power of ten dividing a round number (3000 → 1000).
fn magnitude_step(v: f64) -> f64 {
    let mut step = 1.0;
    while v >= step * 10.0 && (v / (step * 10.0)).fract() == 0.0 {
        step *= 10.0;
    }
    step
}

fn try_vague(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let (len, rule, _) = rules.vague.match_at(t, i, true)?;
    if !same_sentence(t, i, i + len - 1) {
        return None;
    }
    let mut c = Core::number(i, i + len, 0.0, 1.0, Form::Vague);
    c.value = None;
    c.low = Some(rule.low);
    c.high = Some(rule.high);
    c.qualifier = Qualifier::Vague;
    c.needs_noun = rule.needs_noun;
    Some(c)
}

/// A Roman numeral on an intensity scale ("intensity IX", "VII on the Mercalli scale",
/// "بدرجة IX على مقياس ميركالي"): only in capitals, and only with a `roman_scale` marker within
/// four words, so "World War II" or "Louis XIV" are no claims.
fn try_roman(text: &str, t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let tok = &t[i];
    let written = text.get(tok.start..tok.end)?;
    if tok.kind != TokenKind::Word
        || written.len() > 5
        || !written
            .bytes()
            .all(|b| matches!(b, b'I' | b'V' | b'X' | b'L'))
    {
        return None;
    }
    let digit = |b: u8| match b {
        b'I' => 1,
        b'V' => 5,
        b'X' => 10,
        _ => 50,
    };
    let b = written.as_bytes();
    let mut value = 0i32;
    for k in 0..b.len() {
        let v = digit(b[k]);
        if b.get(k + 1).is_some_and(|&n| digit(n) > v) {
            value -= v;
        } else {
            value += v;
        }
    }
    if !(1..=12).contains(&value) {
        return None;
    }
    let near = (i.saturating_sub(4)..(i + 6).min(t.len())).any(|k| {
        k != i && same_sentence(t, i, k) && rules.marker_at("roman_scale", t, k, true).is_some()
    });
    if !near {
        return None;
    }
    let mut c = Core::number(i, i + 1, f64::from(value), 1.0, Form::Ordinal);
    c.unit = Some("intensity".into());
    c.category = Some("intensity");
    Some(c)
}

fn try_dual(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let tok = &t[i];
    if tok.kind != TokenKind::Word {
        return None;
    }
    // "البلدين" (both countries) refers back: only indefinite duals count, so the article
    // may not be stripped ("ليومين" = for two days is fine).
    if let Some((len, unit, _)) = rules.duals.match_name_at(t, i) {
        let mut c = Core::number(i, i + len, 2.0, 1.0, Form::Dual);
        c.unit = Some(unit.id.clone());
        return Some(c);
    }
    let unit = nominative_dual(tok, rules)?;
    let mut c = Core::number(i, i + 1, 2.0, 1.0, Form::Dual);
    c.unit = Some(unit);
    Some(c)
}

/// The unit of an indefinite Arabic dual in the nominative that the dual lists do not spell
/// out: a unit's singular form plus "ان" (`شهران` = two months, `مدرستان` = two schools, the
/// ta marbuta written "ت" before the ending). The genitive "ين" is left alone: it is also the
/// plural ending (`مدنيين` = civilians).
fn nominative_dual(tok: &Token, rules: &RuleSet) -> Option<String> {
    if tok.norm.is_ascii() || tok.norm.starts_with("ال") || tok.norm.chars().count() < 5 {
        return None;
    }
    let word = tok
        .norm
        .strip_prefix('و')
        .filter(|w| w.chars().count() >= 5)
        .unwrap_or(&tok.norm);
    let stem = word.strip_suffix("ان")?;
    let feminine = stem.strip_suffix('ت').map(|s| format!("{s}ه"));
    [Some(stem.to_string()), feminine]
        .into_iter()
        .flatten()
        .find_map(|candidate| {
            let toks = tokenize(&candidate);
            match rules.units.match_at(&toks.tokens, 0, false) {
                Some((1, u, _)) if toks.tokens.len() == 1 => Some(u.id.clone()),
                _ => None,
            }
        })
}

/// "a fifth of the city", "ربع المدينة": a share in percent, when "of" (a `count_of` marker)
/// or, in Arabic, a definite noun follows ("خمس السكان" is a fifth, "خمس سنوات" five years).
fn try_fraction(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let (len, &percent, _) = rules.fractions.match_name_at(t, i)?; // "الربع الأول" is a first quarter
                                                                   // "a fifth of the city" / "ربع المدينة": "of", or in Arabic a definite noun, follows
    let next = t.get(i + len).filter(|_| same_sentence(t, i, i + len))?;
    let arabic_definite = next.norm.starts_with("ال") && !t[i].norm.is_ascii();
    // "ربع مساحة درنة": a noun of measure in construct
    let of_measure = rules.marker_at("fraction_of", t, i + len, false).is_some();
    if rules.marker_at("count_of", t, i + len, false).is_none() && !arabic_definite && !of_measure {
        return None;
    }
    let mut c = Core::number(i, i + len, round6(percent), 0.0, Form::Ordinal);
    c.unit = Some("percent".into());
    Some(c)
}

fn try_ordinal(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    let (len, &value, _) = rules.ordinals.match_at(t, i, true)?;
    let end = i + len;
    // "third-largest": a hyphen may join the ordinal and the superlative
    let after = if t.get(end).is_some_and(|x| x.norm == "-") {
        end + 1
    } else {
        end
    };
    let (unit, category) =
        if same_sentence(t, i, after) && rules.marker_at("superlative", t, after, true).is_some() {
            ("rank", None)
        } else if (same_sentence(t, i, after)
            && rules.marker_at("day_noun_after", t, after, false).is_some())
            || (i > 0
                && same_sentence(t, i - 1, i)
                && rules
                    .marker("day_noun")
                    .and_then(|m| m.match_ending_at(t, i, true))
                    .is_some())
        {
            ("day_index", None)
        } else if i > 0
            && same_sentence(t, i - 1, i)
            && rules
                .marker("occasion")
                .and_then(|m| m.match_ending_at(t, i, true))
                .is_some()
        {
            ("rank", Some("occasion"))
        } else {
            return None;
        };
    let mut c = Core::number(i, end, value, 1.0, Form::Ordinal);
    c.unit = Some(unit.to_string());
    c.category = category;
    Some(c)
}

pub(crate) fn year_of(tok: &Token) -> Option<i32> {
    if tok.kind == TokenKind::Number
        && tok.norm.len() == 4
        && tok.norm.bytes().all(|b| b.is_ascii_digit())
    {
        let y: i32 = tok.norm.parse().ok()?;
        YEARS.contains(&y).then_some(y)
    } else {
        None
    }
}

/// The years [`year_of`] reads as years.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Whether `text` has a run of exactly four digits (of any script the tokenizer reads) in
/// [`YEARS`]: a cheap test on the raw text that holds wherever [`year_of`] would find a year
/// token in it, since such a token is a whole run of four digits.
pub(crate) fn may_hold_year(text: &str) -> bool {
    let mut value = 0i32;
    let mut digits = 0u32;
    let mut chars = text.chars();
    loop {
        let c = chars.next();
        if let Some(d) = c
            .filter(|&c| crate::normalize::is_digit(c))
            .and_then(|c| crate::normalize::fold_char(c)?.to_digit(10))
        {
            if digits < 4 {
                value = value * 10 + d as i32;
            }
            digits += 1;
            continue;
        }
        if digits == 4 && YEARS.contains(&value) {
            return true;
        }
        value = 0;
        digits = 0;
        if c.is_none() {
            return false;
        }
    }
}

/// A month phrase at `j`, optionally followed by `/` and the month's other name.
fn month_at(t: &[Token], j: usize, rules: &RuleSet) -> Option<(usize, u32)> {
    let (len, &m, _) = rules.months.match_at(t, j, false)?;
    let mut end = j + len;
    if t.get(end).is_some_and(|x| x.norm == "/") {
        if let Some((l2, &m2, _)) = rules.months.match_at(t, end + 1, false) {
            if m2 == m {
                end += 1 + l2;
            }
        }
    }
    Some((end, m))
}

fn try_date(t: &[Token], i: usize, doc_date: Option<&str>, rules: &RuleSet) -> Option<Core> {
    let tok = &t[i];
    if let Some(c) = try_month_first_date(t, i, doc_date, rules) {
        return Some(c);
    }
    let (day, month_start) = if tok.kind == TokenKind::Number
        && tok.norm.len() <= 2
        && tok.norm.bytes().all(|b| b.is_ascii_digit())
    {
        let d: u32 = tok.norm.parse().ok()?;
        if !(1..=31).contains(&d) {
            return None;
        }
        // "the 4th of August": an ordinal suffix and "of" between the day and the month
        let mut k = i + 1;
        if t.get(k).is_some_and(|x| {
            !x.space_before && matches!(x.norm.as_str(), "st" | "nd" | "rd" | "th")
        }) {
            k += 1;
        }
        if t.get(k).is_some_and(|x| x.norm == "of")
            && rules.months.match_at(t, k + 1, false).is_some()
        {
            k += 1;
        }
        (Some(d), k)
    } else if let Some(len) = rules.marker_at("month_part", t, i, true) {
        (None, i + len)
    } else if let Some((len, &d, _)) = rules
        .ordinals
        .match_at(t, i, true)
        .filter(|(_, &d, _)| (1.0..=31.0).contains(&d))
    {
        // "السادس من ديسمبر": an ordinal day, only with "من" and a month after it
        if t.get(i + len).is_none_or(|x| x.norm != "من") {
            return None;
        }
        (Some(d as u32), i + len)
    } else {
        return None;
    };
    // "6 من ديسمبر", "الـ6 من ديسمبر", "العاشر من الشهر الجاري"
    let of_month = |k: usize| {
        rules.months.match_at(t, k, false).is_some()
            || relative_month(t, k, doc_date, rules).is_some()
    };
    let month_start =
        if t.get(month_start).is_some_and(|x| x.norm == "من") && of_month(month_start + 1) {
            month_start + 1
        } else {
            month_start
        };
    if !same_sentence(t, i, month_start) {
        return None;
    }
    if let Some((end, year, month)) = relative_month(t, month_start, doc_date, rules) {
        let value = match day {
            Some(d) => format!("{year:04}-{month:02}-{d:02}"),
            None => format!("{year:04}-{month:02}"),
        };
        return Some(Core::date(i, end, value));
    }
    let (mut end, month) = month_at(t, month_start, rules)?;
    let year = match t.get(end).and_then(year_of) {
        Some(y) if same_sentence(t, i, end) => {
            end += 1;
            Some(y)
        }
        _ => infer_year(doc_date, month, day.unwrap_or(1)),
    };
    let value = match (year, day) {
        (Some(y), Some(d)) => format!("{y:04}-{month:02}-{d:02}"),
        (Some(y), None) => format!("{y:04}-{month:02}"),
        (None, Some(d)) => format!("--{month:02}-{d:02}"),
        (None, None) => format!("--{month:02}"),
    };
    Some(Core::date(i, end, value))
}

/// "الشهر الجاري", "this month" (`this_month` markers) or "الشهر الماضي", "last month"
/// (`last_month`) at `k`: the month of the publication date or the one before, as (end, year,
/// month). `None` without a publication month.
fn relative_month(
    t: &[Token],
    k: usize,
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> Option<(usize, i32, u32)> {
    let d = doc_date?;
    let y: i32 = d.get(0..4)?.parse().ok()?;
    let m: u32 = d.get(5..7)?.parse().ok()?;
    if let Some(len) = rules.marker_at("this_month", t, k, false) {
        return Some((k + len, y, m));
    }
    let len = rules.marker_at("last_month", t, k, false)?;
    Some(if m == 1 {
        (k + len, y - 1, 12)
    } else {
        (k + len, y, m - 1)
    })
}

fn day_of(tok: Option<&Token>) -> Option<u32> {
    let tok = tok?;
    if tok.kind != TokenKind::Number
        || tok.norm.len() > 2
        || !tok.norm.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    tok.norm.parse().ok().filter(|d| (1..=31).contains(d))
}

/// "Dec. 6", "December 6, 2024": the month first, then the day, then an optional year.
fn try_month_first_date(
    t: &[Token],
    i: usize,
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> Option<Core> {
    let (len, &month, _) = rules.months.match_at(t, i, false)?;
    let mut k = i + len;
    if t.get(k).is_some_and(|x| x.norm == "." && !x.space_before) {
        k += 1; // "Dec."
    }
    let day = day_of(t.get(k)).filter(|_| same_sentence(t, i, k))?;
    // "6th"
    let mut end = k + 1;
    if t.get(end)
        .is_some_and(|x| !x.space_before && matches!(x.norm.as_str(), "st" | "nd" | "rd" | "th"))
    {
        end += 1;
    }
    let year = if t.get(end).is_some_and(|x| x.norm == ",")
        && t.get(end + 1).and_then(year_of).is_some()
    {
        end += 2;
        year_of(&t[end - 1])
    } else if let Some(y) = t.get(end).and_then(year_of) {
        end += 1;
        Some(y)
    } else {
        infer_year(doc_date, month, day)
    };
    let value = match year {
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    };
    Some(Core::date(i, end, value))
}

/// The year of a day and month written without one: the publication year, or the year
/// before when the date would fall more than a month after publication.
pub fn infer_year(doc_date: Option<&str>, month: u32, day: u32) -> Option<i32> {
    let d = doc_date?;
    let y: i32 = d.get(0..4)?.parse().ok()?;
    // a publication date of year precision ("2023") gives its year as it is
    let Some(m) = d.get(5..7).and_then(|m| m.parse::<u32>().ok()) else {
        return Some(y);
    };
    let dd: u32 = d.get(8..10).and_then(|x| x.parse().ok()).unwrap_or(1);
    if month * 31 + day > m * 31 + dd + 31 {
        Some(y - 1)
    } else {
        Some(y)
    }
}

fn try_range(t: &[Token], i: usize, rules: &RuleSet) -> Option<Core> {
    // "بين 10 و20" / "ما بين عشرة وعشرين"
    if let Some(len) = rules.marker_at("range_between", t, i, true) {
        let a = try_number(t, i + len, rules)?;
        let and = a.end;
        let b = if rules.marker_at("range_and", t, and, false).is_some()
            && t.get(and + 1).is_some_and(|x| {
                x.kind == TokenKind::Number || rules.number_word(x, false).is_some()
            }) {
            try_number(t, and + 1, rules)?
        } else if let Some(n) = t.get(and).and_then(|x| strip_waw(&x.norm)) {
            let _ = n;
            parse_words_joined(t, and, rules)?
        } else {
            return None;
        };
        return range_core(t, shared_scale(t, a, &b, rules), b, i + len);
    }
    // "10-20", "10 إلى 20" between digits
    if t[i].kind == TokenKind::Number {
        let a = try_number(t, i, rules)?;
        let sep = a.end;
        let is_dash = t
            .get(sep)
            .is_some_and(|x| matches!(x.norm.as_str(), "-" | "–") && !x.space_before)
            && t.get(sep + 1)
                .is_some_and(|x| x.kind == TokenKind::Number && !x.space_before);
        // "من 10 إلى 20"; in English "10 to 20" (but "from 10 to 20" is a change, not a range)
        let before = if i > 0 { t[i - 1].norm.as_str() } else { "" };
        let english = t[i + 1..].first().is_some_and(|x| x.norm.is_ascii());
        // "USD 10 billion to USD 15 billion": the currency written before both numbers
        let second = sep
            + 1
            + (i > 0 && rules.unit_prefixes.match_ending_at(t, i, false).is_some())
                .then(|| rules.unit_prefixes.match_at(t, sep + 1, false))
                .flatten()
                .map_or(0, |(len, _, _)| len);
        let is_to = rules.marker_at("range_to", t, sep, false).is_some()
            && (before == "من" || english && before != "from")
            && t.get(second).is_some_and(|x| x.kind == TokenKind::Number);
        if (is_dash && same_sentence(t, i, sep + 1)) || (is_to && same_sentence(t, i, second)) {
            let b = try_number(t, if is_dash { sep + 1 } else { second }, rules)?;
            return range_core(t, shared_scale(t, a, &b, rules), b, i);
        }
    }
    None
}

/// The second number of "بين عشرة وعشرين": a word number whose first word carries "و".
fn parse_words_joined(t: &[Token], j: usize, rules: &RuleSet) -> Option<Core> {
    let n = strip_waw(&t.get(j)?.norm)?;
    let w = rules.numbers.get(n)?;
    if w.kind == NumberKind::ScalePlural {
        return None;
    }
    let mut c = parse_words(t, j, rules).filter(|c| {
        c.value
            .as_ref()
            .and_then(Value::number)
            .is_some_and(|v| v > 0.0)
    });
    if c.is_none() {
        c = Some(Core::number(j, j + 1, w.value, 1.0, Form::Words));
    }
    c
}

/// "بين 10 و15 مليار", "10-15 billion": a scale word after the second number scales the
/// first too, when the first is bare digits.
fn shared_scale(t: &[Token], mut a: Core, b: &Core, rules: &RuleSet) -> Core {
    let bare = a.end == a.start + 1 && t[a.start].kind == TokenKind::Number;
    if bare && t[b.start].kind == TokenKind::Number {
        if let Some((_, factor)) = scale_after(t, b.start + 1, rules) {
            if let Some(v) = a.value.as_ref().and_then(Value::number) {
                let v = round6(v * factor);
                a.value = Some(Value::Number(v));
                a.low = Some(v);
                a.high = Some(v);
            }
        }
    }
    a
}

fn range_core(t: &[Token], a: Core, b: Core, start: usize) -> Option<Core> {
    let lo = a.value.as_ref()?.number()?;
    let hi = b.value.as_ref()?.number()?;
    if hi <= lo {
        return None;
    }
    let mut c = Core::number(start, b.end, lo, 1.0, Form::Range);
    c.low = Some(lo);
    c.high = Some(hi);
    c.qualifier = Qualifier::Range;
    // "between 2011 and 2015": a span of years, not a count
    let year = |c: &Core| c.end == c.start + 1 && year_of(&t[c.start]).is_some();
    if year(&a) && year(&b) {
        c.unit = Some("year".into());
        c.category = Some("year");
    }
    Some(c)
}

/// Reads a core's context: counted noun, qualifier, non-claim markers and category.
fn complete(
    text: &str,
    toks: &Tokens,
    mut core: Core,
    doc_id: &str,
    rules: &RuleSet,
    excluded: &[bool],
    previous: Option<&Found>,
) -> Option<Found> {
    let t = &toks.tokens;
    let i = core.start;
    // Non-claims: a name or code ("اللواء 52"), a glued "+" ("963+"), a clock time ("10:30").
    if core.form == Form::Digits || core.form == Form::Range {
        // "Law No. 12": the abbreviation's full stop may stand between the name and the number
        let name_end = if i > 0 && t[i - 1].norm == "." {
            i - 1
        } else {
            i
        };
        if rules
            .marker("name_before")
            .and_then(|m| {
                m.match_ending_at(t, i, true)
                    .or_else(|| m.match_ending_at(t, name_end, true))
            })
            .is_some()
        {
            return None;
        }
        let glued = |k: usize, s: &str| t.get(k).is_some_and(|x| x.norm == s && !x.space_before);
        if glued(core.end, "+")
            || glued(core.end, ":")
            || (i > 0 && (t[i - 1].norm == "+" || t[i - 1].norm == ":") && !t[i].space_before)
        {
            return None;
        }
        if t.get(core.end)
            .is_some_and(|x| x.kind == TokenKind::Number && !x.space_before)
        {
            return None;
        }
        // glued to Latin letters ("A320", "COVID19", "IMG_2034"): a code, unless a unit or scale
        // follows ("5km", "11.3k")
        let latin = |x: &Token| {
            x.norm
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        };
        if i > 0 && !t[i].space_before && latin(&t[i - 1]) {
            return None;
        }
        if let Some(next) = t.get(core.end).filter(|x| !x.space_before && latin(x)) {
            if rules.units.match_at(t, core.end, false).is_none()
                && rules.number_word(next, false).is_none()
            {
                return None;
            }
        }
        // "COVID-19", "F-16", "كوفيد-19": a number hyphened to the word before it is a code
        if i >= 2
            && t[i - 1].norm == "-"
            && !t[i].space_before
            && !t[i - 1].space_before
            && t[i - 2].kind == TokenKind::Word
        {
            return None;
        }
        // "9/11", "24/7", a score "2-1": digits joined to digits by "/" or "-" that no range or
        // date rule read
        let joined_digits = |sep: usize, other: usize| {
            t.get(sep).zip(t.get(other)).is_some_and(|(s, o)| {
                matches!(s.norm.as_str(), "/" | "-")
                    && !s.space_before
                    && o.kind == TokenKind::Number
            })
        };
        if core.end == i + 1
            && (joined_digits(i + 1, i + 2) && !t[i + 2].space_before
                || i >= 2 && joined_digits(i - 1, i - 2) && !t[i].space_before)
        {
            return None;
        }
        // "3 p.m.", "5pm", "10 GMT": a clock time
        if rules.marker_at("clock_after", t, core.end, false).is_some() {
            return None;
        }
        // a gallery counter: "1 of 12 |" opening a picture caption
        if gallery_counter(t, i, rules) {
            return None;
        }
        // a list marker: "1." or "2)" or "3-" or "(4)" opening a line
        let bracket_mark = i > 0
            && t[i - 1].norm == "("
            && (i == 1 || t[i - 2].line != t[i].line)
            && core.end == i + 1
            && t.get(i + 1).is_some_and(|x| x.norm == ")");
        if bracket_mark {
            return None;
        }
        let opens_line = i == 0 || t[i - 1].line != t[i].line;
        if opens_line
            && core.end == i + 1
            && t.get(i + 1)
                .is_some_and(|x| matches!(x.norm.as_str(), "." | ")" | "-") && x.line == t[i].line)
        {
            return None;
        }
    }
    // Counted noun / unit after the number ("1183 شخصًا", "عشرات من المعتقلين", "80 %").
    let mut unit_end = core.end;
    let mut noun_at = None;
    if core.unit.is_none() {
        let mut k = core.end;
        // "عشرات من المعتقلين", "dozens of people", "tens of thousands of people"
        if rules.marker_at("count_of", t, k, false).is_some()
            && (core.form == Form::Vague || core.form == Form::Words && core.step >= 1000.0)
        {
            k += 1;
        }
        // "24-hour": a hyphen between the number and its unit
        if t.get(k).is_some_and(|x| x.norm == "-" && !x.space_before)
            && t.get(k + 1).is_some_and(|x| !x.space_before)
        {
            k += 1;
        }
        // English adjectives between the number and its noun: "20 Syrian soldiers"
        let latin_word = |x: &Token| {
            x.kind == TokenKind::Word
                && x.norm
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
        };
        for skip in 0..=2 {
            let at = k + skip;
            if !same_sentence(t, i, at) || excluded.get(at).copied().unwrap_or(true) {
                break;
            }
            if let Some((len, u, _)) = rules.units.match_at(t, at, true) {
                core.unit = Some(u.id.clone());
                noun_at = Some(at);
                unit_end = at + len;
                break;
            }
            if !latin_word(&t[at])
                // "late 2013 and the blast": a conjunction or an article ends the noun phrase,
                // and so does a particle ("7,000 in both countries" counts no countries)
                || rules.marker_at("coordination", t, at, false).is_some()
                || rules.marker_at("not_noun", t, at, false).is_some()
                || rules.marker_at("article", t, at, false).is_some()
                || rules.marker_at("count_of", t, at, false).is_some()
                || rules.number_word(&t[at], false).is_some()
            {
                break;
            }
        }
        // "40 جملا", "15 مصريا": the accusative singular after 11-99 is the unit's form plus
        // an alif the unit list need not spell out
        if core.unit.is_none() && same_sentence(t, i, k) {
            if let Some(u) = t.get(k).and_then(|x| accusative_unit(x, rules)) {
                core.unit = Some(u);
                noun_at = Some(k);
                unit_end = k + 1;
            }
        }
        // "658 Egyptians", "658 مصريا": a nationality right after the number counts people of
        // that country (its gazetteer names include the nationality; resolve makes it the
        // subject)
        if core.unit.is_none() && same_sentence(t, i, k) {
            if let Some((len, _, _)) = rules.nationalities.match_name_at(t, k) {
                core.unit = Some("person".into());
                noun_at = Some(k);
                unit_end = k + len;
            }
        }
        // "14 of the 20 towns", "3 من أصل 10 قرى": a part counts what its whole counts (the
        // whole is read on its own when the loop reaches it)
        if core.unit.is_none() {
            if let Some(len) = rules.marker_at("part_of", t, core.end, false) {
                let whole = (core.end + len..core.end + len + 4).find(|&k| {
                    t.get(k).is_some_and(|x| x.kind == TokenKind::Number) && same_sentence(t, i, k)
                });
                if let Some((_, u, _)) = whole.and_then(|k| rules.units.match_at(t, k + 1, true)) {
                    core.unit = Some(u.id.clone());
                    noun_at = whole.map(|k| k + 1);
                }
            }
        }
        // "$2.5 billion": a currency sign before the number
        if core.unit.is_none() && i > 0 {
            if let Some((_, u)) = rules.unit_prefixes.match_ending_at(t, i, false) {
                core.unit = Some(u.id.clone());
            }
        }
        // "عائلة واحدة", "المحافظات الجنوبية الثلاث": a number word after its noun (and an
        // adjective) counts that noun
        if core.unit.is_none() && core.form == Form::Words {
            for back in 1..=2 {
                if i < back || !same_sentence(t, i - back, i) || t[i - back].kind != TokenKind::Word
                {
                    break;
                }
                if let Some((1, u, _)) = rules.units.match_at(t, i - back, true) {
                    core.unit = Some(u.id.clone());
                    noun_at = Some(i - back);
                    break;
                }
            }
        }
    } else if core.form == Form::Dual {
        noun_at = Some(i);
    }
    if core.needs_noun && noun_at.is_none() {
        return None;
    }
    // A time ago, not a duration: "منذ 3 ساعات" alone on a line (page chrome), "two hours ago",
    // "قبل ثلاثة أيام".
    if core
        .unit
        .as_deref()
        .is_some_and(|u| matches!(u, "minute" | "hour" | "day" | "week" | "month"))
    {
        let ago = rules.marker_at("ago_after", t, unit_end, false).is_some()
            || (i > 0
                && rules
                    .marker("ago_before")
                    .and_then(|m| m.match_ending_at(t, i, true))
                    .is_some());
        if ago || timestamp_line(t, i, rules) {
            return None;
        }
    }
    // Page chrome: "0 تعليقات", "12 مشاهدة" on a short line of their own; in a sentence the
    // same words are figures ("حصل على 1200 صوت", "نسبة المشاركة 61 بالمئة")
    let chrome_line = short_line(t, i, 12).is_some();
    if chrome_line
        && (rules.marker_at("chrome", t, core.end, true).is_some()
            || (i > 0
                && rules.marker_at("chrome", t, i - 1, true).is_some()
                && core.form == Form::Digits))
    {
        return None;
    }
    let unit = core.unit.clone().unwrap_or_else(|| "none".into());
    let v = core.value.as_ref().and_then(Value::number);
    if unit == "none" && v == Some(0.0) {
        return None;
    }
    // Qualifiers before ("أكثر من") and after ("على الأقل") — not on dates and ranges.
    let mut context_start = i;
    if core.form != Form::Date && core.form != Form::Range && core.form != Form::Vague {
        // "at least a dozen": an article may stand between the qualifier and the number
        let q_end = if i > 0 && rules.marker_at("article", t, i - 1, false) == Some(1) {
            i - 1
        } else {
            i
        };
        if let Some((q_start, kind)) = rules.qualifiers_before.match_ending_at(t, q_end, true) {
            context_start = q_start;
            core.qualifier = Qualifier::parse(kind).unwrap_or(Qualifier::Exact);
        } else if let Some((_, kind, _)) = rules.qualifiers_after.match_at(t, unit_end, false) {
            core.qualifier = Qualifier::parse(kind).unwrap_or(Qualifier::Exact);
        }
        if let Some(v) = v {
            match core.qualifier {
                Qualifier::MoreThan | Qualifier::AtLeast => core.high = None,
                Qualifier::UpTo | Qualifier::LessThan => core.low = None,
                Qualifier::About => {
                    core.low = Some(v);
                    core.high = Some(v);
                }
                _ => {}
            }
        }
    }
    // Category: forced by the form, a bare year, or read from the counted noun and cue words.
    let category = if let Some(c) = core.category {
        c.to_string()
    } else if core.form == Form::Digits
        && unit == "none"
        && core.qualifier == Qualifier::Exact
        && year_of(&t[i]).is_some()
        && core.end == i + 1
    {
        // a year is a date of year precision: "2013" meets "late 2013" and "2013-08-04"
        core.unit = Some("year".into());
        core.value = Some(Value::Date(t[i].norm.to_string()));
        "year".to_string()
    } else if let Some(c) = categorize(
        t,
        (context_start, unit_end.max(core.end)),
        &core,
        noun_at,
        &unit,
        rules,
    ) {
        c
    } else if let Some((c, u)) = unit
        .eq("none")
        .then(|| {
            // "658 مصريا و99 أردنيا": a noun of its own counts before a figure it is joined to
            let own_noun = counted_noun(text, t, &core, core.end, excluded, rules).is_some();
            anaphoric(t, i, previous, rules)
                .or_else(|| coordinated(t, i, previous, rules).filter(|_| !own_noun))
        })
        .flatten()
    {
        core.unit = Some(u);
        c
    } else if let Some(c) = heading_category(t, i, &unit, rules) {
        c
    } else {
        generic(text, t, &mut core, unit_end, &unit, excluded, rules)?
    };
    // "several helicopters", "عدة مروحيات": a word as vague as "several" says something only of
    // what a category counts (defectors, villages taken), not of any noun
    if core.needs_noun && category == "count" {
        return None;
    }
    // "could climb to 20,000": a figure said to be possible is a projection of what it counts,
    // never the count itself
    let category = if core.form != Form::Date
        && category != "year"
        && projected(t, context_start, i, unit_end.max(core.end), rules)
    {
        match category.as_str() {
            "number" | "count" => "projection".to_string(),
            base => format!("{base}_projection"),
        }
    } else {
        category
    };
    let unit = core.unit.clone().unwrap_or(unit);
    // The span: the number expression, with its unit unless the unit is a counted person.
    let span_end_tok = if unit != "person" && unit != "none" && unit_end > core.end {
        unit_end
    } else {
        core.end
    };
    // "late 2013", "أواخر 2013": a year with its part is one expression of year precision
    let part_start = (category == "year")
        .then(|| rules.marker("month_part")?.match_ending_at(t, i, true))
        .flatten()
        .map(|(k, _)| k)
        .filter(|&k| same_sentence(t, k, i));
    let start = t[part_start.unwrap_or(i)].start;
    let end = t[span_end_tok - 1].end;
    let s = toks.sentences.get(t[i].sentence).copied();
    let sentence = s
        .map(|s| sentence_text(text, s, start, end))
        .unwrap_or_default();
    let claim = Claim {
        id: String::new(),
        kind: "figure".into(),
        doc: doc_id.to_string(),
        start,
        end,
        text: text[start..end].to_string(),
        sentence,
        value: core.value.clone(),
        low: core.low,
        high: core.high,
        qualifier: core.qualifier,
        unit,
        category,
        subject: String::new(),
        subject_id: String::new(),
        source: String::new(),
        source_id: String::new(),
        actor: String::new(),
        polarity: String::new(),
        family: String::new(),
        time: None,
        time_span: None,
        trigger_span: None,
        place_span: None,
        rounding_step: core.step,
        ..Claim::default()
    };
    Some(Found {
        tok_start: i,
        tok_end: span_end_tok.max(unit_end),
        claim,
    })
}

/// Whether a figure is said to be possible, not counted: a `projection` marker ("could",
/// "expected to", "قد يصل") inside its qualifier or ending at most three words before it ("the
/// toll could climb to 20,000", "قد يرتفع العدد إلى 20 ألفا"), or right after its counted noun
/// ("1.5 million people may be displaced").
fn projected(
    t: &[Token],
    context_start: usize,
    i: usize,
    unit_end: usize,
    rules: &RuleSet,
) -> bool {
    let Some(set) = rules.marker("projection") else {
        return false;
    };
    let hit = |k: usize| {
        same_sentence(t, k, i)
            .then(|| set.match_at(t, k, true))
            .flatten()
            .map(|(len, _, _)| k + len)
    };
    let before = (context_start.saturating_sub(6)..i)
        .any(|k| hit(k).is_some_and(|end| end <= i && end + 3 >= context_start));
    // after the figure only up to the first punctuation: "900 شخص، متوقعا ارتفاع العدد إلى
    // 5 آلاف" expects the next figure, not this one
    let after = (unit_end..unit_end + 2)
        .take_while(|&k| t.get(k).is_some_and(|x| x.kind != TokenKind::Punct))
        .any(|k| hit(k).is_some());
    before || after
}

/// The category of a line of a per-place breakdown: under a heading ("Deaths by country:",
/// "حصيلة الوفيات حسب الجنسية:"), lines such as "Egypt: 658" or "مصر 658" count what the
/// heading names. The heading is the first line above the run of short lines holding a number;
/// the category is the first whose cue words or nouns it holds.
fn heading_category(t: &[Token], i: usize, unit: &str, rules: &RuleSet) -> Option<String> {
    const SHORT: usize = 10;
    let (first, last) = short_line(t, i, SHORT)?;
    // an item names its place or label: a number alone on its line is a list mark or chrome
    if !(first..=last).any(|k| t[k].kind == TokenKind::Word) {
        return None;
    }
    // walk up over the other lines of the list
    let mut line_start = first;
    let mut steps = 0;
    let heading = loop {
        if line_start == 0 || steps > 60 {
            return None;
        }
        let prev_end = line_start - 1;
        let prev_line = t[prev_end].line;
        let mut prev_start = prev_end;
        while prev_start > 0 && t[prev_start - 1].line == prev_line {
            prev_start -= 1;
        }
        let is_item = prev_end - prev_start < SHORT
            && (prev_start..=prev_end).any(|k| t[k].kind == TokenKind::Number);
        if !is_item {
            break (prev_start, prev_end + 1);
        }
        line_start = prev_start;
        steps += 1;
    };
    let (h0, h1) = heading;
    // a heading is a short line, or one that ends with ":"
    if h1 - h0 > 16 && t[h1 - 1].norm != ":" {
        return None;
    }
    rules.categories.iter().find_map(|cat| {
        let r = &cat.rule;
        if !r.units.is_empty() && !r.units.iter().any(|u| u == unit) {
            return None;
        }
        let hit = (h0..h1).any(|k| {
            cat.cues.match_at(t, k, true).is_some() || cat.nouns.match_at(t, k, true).is_some()
        });
        hit.then(|| r.id.clone())
    })
}

/// The category of a figure no category rule claims: the open world. A figure with a known
/// unit or counted noun is a `count` of it ("two explosions", "أربعة مستشفيات"; a noun the
/// rules do not know is keyed by its own normalised form); a bare number is a `number`. A
/// bare number word with no noun ("one of them") is no claim, nor is anything recognised as
/// a non-claim by what it is (see [`bare_nonclaim`]).
fn generic(
    text: &str,
    t: &[Token],
    core: &mut Core,
    unit_end: usize,
    unit: &str,
    excluded: &[bool],
    rules: &RuleSet,
) -> Option<String> {
    if unit != "none" {
        return Some("count".into());
    }
    let mut k = unit_end.max(core.end);
    if rules.marker_at("count_of", t, k, false).is_some() {
        k += 1;
    }
    // "Boeing 737", "Apollo 11", "Route 66": a capitalised English word right before a bare
    // number names it (a place before a number is a breakdown: "Indonesia 183")
    if names_number(text, t, core.start, rules)
        || rules
            .marker("clock_before")
            .and_then(|m| m.match_ending_at(t, core.start, true))
            .is_some()
    {
        return None;
    }
    // "148 of the 300 seats", "148 من أصل 300 مقعد": a part counts the whole's noun
    let whole_noun = || {
        let len = rules.marker_at("part_of", t, core.end, false)?;
        let whole = (core.end + len..core.end + len + 4).find(|&j| {
            t.get(j).is_some_and(|x| x.kind == TokenKind::Number) && same_sentence(t, core.start, j)
        })?;
        counted_noun(text, t, core, whole + 1, excluded, rules)
    };
    if let Some(lemma) = counted_noun(text, t, core, k, excluded, rules).or_else(whole_noun) {
        core.unit = Some(lemma);
        return Some("count".into());
    }
    match core.form {
        // "one of them", "ثلاثة منهم": a word number alone counts nothing a reader would tally,
        // unless a scale word makes it a figure ("three million")
        Form::Words if core.step < 1000.0 => None,
        Form::Digits | Form::Range if bare_nonclaim(text, t, core, rules) => None,
        _ => Some("number".into()),
    }
}

/// Whether the word before the number at `i` is a capitalised English name the number belongs
/// to ("Boeing 737", "Chapter 11"), not a place, a month or a nationality.
fn names_number(text: &str, t: &[Token], i: usize, rules: &RuleSet) -> bool {
    let Some(prev) = i.checked_sub(1).map(|k| &t[k]) else {
        return false;
    };
    prev.kind == TokenKind::Word
        && prev.norm.is_ascii()
        && prev.line == t[i].line
        && t[i].space_before
        && text[prev.start..].starts_with(|c: char| c.is_ascii_uppercase())
        && rules.places.match_ending_at(t, i, false).is_none()
        && rules.nationalities.match_ending_at(t, i, false).is_none()
        && rules.months.match_ending_at(t, i, false).is_none()
        && rules.weekdays.match_ending_at(t, i, false).is_none()
}

/// The counted noun right after a number the unit rules do not know, as a lemma key: the
/// first word for Arabic (`خمس فرق` → `فرق`), for English the first plural among the next
/// three words (`five search teams` → `team`). `None` when a function word, a number, a name
/// or the end of the sentence follows.
fn counted_noun(
    text: &str,
    t: &[Token],
    core: &Core,
    k: usize,
    excluded: &[bool],
    rules: &RuleSet,
) -> Option<String> {
    let usable = |j: usize| {
        t.get(j).is_some_and(|x| {
            x.kind == TokenKind::Word
                && x.sentence == t[core.start].sentence
                && !excluded.get(j).copied().unwrap_or(true)
                && rules.marker_at("not_noun", t, j, true).is_none()
                && rules.number_word(x, false).is_none()
                && rules.months.match_at(t, j, false).is_none()
                && rules.weekdays.match_at(t, j, false).is_none()
                && rules.places.match_at(t, j, true).is_none()
        })
    };
    let first = t.get(k)?;
    if !usable(k) {
        return None;
    }
    if !first.norm.is_ascii() {
        return Some(arabic_lemma(&first.norm));
    }
    let capital = |j: usize| text[t[j].start..].starts_with(|c: char| c.is_ascii_uppercase());
    let one = core.value.as_ref().and_then(Value::number) == Some(1.0);
    let words: Vec<usize> = (k..k + 3)
        .take_while(|&j| {
            usable(j)
                && t[j].norm.is_ascii()
                && (j == k || t[j].space_before)
                && !(j > k && t[j].norm.len() > 4 && t[j].norm.ends_with("ed"))
        })
        .collect();
    // "2 Lebanese", "3 Dec": a capitalised word after a number is a name, not a noun
    if words.is_empty() || capital(k) {
        return None;
    }
    // "Hundreds gathered", "5,000 partially": a past tense or an adverb after the number is
    // no noun
    let verb_or_adverb = |w: &str| w.len() > 4 && (w.ends_with("ed") || w.ends_with("ly"));
    if words.first().is_some_and(|&j| verb_or_adverb(&t[j].norm)) {
        return None;
    }
    let plural = |j: &&usize| {
        let w = t[**j].norm.as_str();
        w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us")
    };
    let head = if one {
        words[0]
    } else {
        *words.iter().find(plural).unwrap_or(&words[0])
    };
    Some(english_lemma(&t[head].norm))
}

/// The unit of an Arabic noun in the accusative (`جملا` → the unit whose form is `جمل`).
fn accusative_unit(x: &Token, rules: &RuleSet) -> Option<String> {
    if x.kind != TokenKind::Word || x.norm.is_ascii() {
        return None;
    }
    let stem = x.norm.strip_suffix('ا').filter(|s| s.chars().count() > 2)?;
    let toks = tokenize(stem);
    match rules.units.match_at(&toks.tokens, 0, true) {
        Some((1, u, _)) if toks.tokens.len() == 1 => Some(u.id.clone()),
        _ => None,
    }
}

/// The singular key of an English noun: `hospitals` → `hospital`, `bodies` → `body`.
fn english_lemma(w: &str) -> String {
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        format!("{stem}y")
    } else if let Some(stem) = w
        .strip_suffix("es")
        .filter(|s| s.ends_with("sh") || s.ends_with("ch") || s.ends_with('x'))
    {
        stem.to_string()
    } else if let Some(stem) = w
        .strip_suffix('s')
        .filter(|s| s.len() > 2 && !s.ends_with('s'))
    {
        stem.to_string()
    } else {
        w.to_string()
    }
}

/// The key of an Arabic counted noun: without the article and the accusative ending (`مصريا`
/// → `مصري`, `فريقا` → `فريق`), so the forms a number governs meet.
fn arabic_lemma(w: &str) -> String {
    let w = w
        .strip_prefix("ال")
        .filter(|s| s.chars().count() > 2)
        .unwrap_or(w);
    let w = w
        .strip_suffix('ا')
        .filter(|s| s.chars().count() > 2)
        .unwrap_or(w);
    w.to_string()
}

/// A bare number (no unit, no noun, no category) that is a non-claim by what it is: a number
/// in a line of numbers (scores, page counters "0 0"), a long digit string (a phone number or
/// an id), a number with leading zeros ("007").
fn bare_nonclaim(text: &str, t: &[Token], core: &Core, rules: &RuleSet) -> bool {
    let i = core.start;
    let tok = &t[i];
    let digits = tok.norm.bytes().filter(u8::is_ascii_digit).count();
    if core.form == Form::Digits && core.end == i + 1 {
        if digits >= 7 && !tok.norm.contains([',', '.']) {
            return true;
        }
        if tok.norm.len() > 1 && tok.norm.starts_with('0') && !tok.norm.starts_with("0.") {
            return true;
        }
    }
    // a line with no words but numbers and punctuation: a score, a counter, a table cell
    let line = tok.line;
    let on_line = t
        .iter()
        .skip(i.saturating_sub(40))
        .take(80)
        .filter(|x| x.line == line);
    if on_line.clone().all(|x| x.kind != TokenKind::Word) {
        return true;
    }
    // "... you need 1. Marie el-Drese": a small list number run into the text before a
    // capitalised word
    let list_mark = core.end == i + 1
        && digits <= 2
        && !tok.norm.contains([',', '.'])
        && t.get(i + 1)
            .is_some_and(|x| x.norm == "." && !x.space_before)
        && t.get(i + 2).is_some_and(|x| {
            x.kind == TokenKind::Word && text[x.start..].starts_with(|c: char| c.is_uppercase())
        });
    if list_mark {
        return true;
    }
    // "+44 20 7946 0958": a group of digits next to another with nothing but a space between
    // is part of a phone number or a code
    let digit_group = |k: usize| {
        t.get(k).is_some_and(|x| {
            x.kind == TokenKind::Number
                && x.line == tok.line
                && !x.norm.contains([',', '.'])
                && year_of(x).is_none()
        })
    };
    if !tok.norm.contains([',', '.']) && (digit_group(i.wrapping_sub(1)) || digit_group(core.end)) {
        return true;
    }
    // "Mohammed Ali, 45, mourns ...": an age in apposition to a name, as captions give it
    let age = core.end == i + 1
        && digits <= 2
        && i >= 2
        && t[i - 1].norm == ","
        && t.get(i + 1).is_some_and(|x| x.norm == ",")
        && t[i - 2].kind == TokenKind::Word
        && text[t[i - 2].start..].starts_with(|c: char| c.is_uppercase());
    if age {
        return true;
    }
    // "Image 3 of 7" on a short line: a gallery counter
    let gallery = short_line(t, i, 6).is_some()
        && (rules.marker_at("gallery_of", t, core.end, false).is_some()
            || (i > 0 && rules.marker_at("gallery_of", t, i - 1, false).is_some()));
    if gallery {
        return true;
    }
    false
}

/// A bare number joined to the figure just before it ("3 آلاف منزل بشكل كلي و10 آلاف بشكل
/// جزئي", "20 homes destroyed and 50 damaged") counts what that figure counted, when at most
/// four words lie between and the last is a conjunction.
fn coordinated(
    t: &[Token],
    i: usize,
    previous: Option<&Found>,
    rules: &RuleSet,
) -> Option<(String, String)> {
    let p = previous?;
    if p.claim.unit == "none" || p.claim.unit == "date" || i < p.tok_end + 1 || i > p.tok_end + 4 {
        return None;
    }
    rules.marker_at("coordination", t, i - 1, false)?;
    Some((p.claim.category.clone(), p.claim.unit.clone()))
}

/// A bare number after a word that refers back ("هذا العدد قد يرتفع إلى 1,5 مليون") counts
/// what the sentence's previous figure counted: (category, unit) of that figure.
fn anaphoric(
    t: &[Token],
    i: usize,
    previous: Option<&Found>,
    rules: &RuleSet,
) -> Option<(String, String)> {
    let p = previous?;
    (p.tok_end..i).find(|&k| rules.marker_at("anaphor", t, k, true).is_some())?;
    Some((p.claim.category.clone(), p.claim.unit.clone()))
}

/// Chooses the category from the counted noun and the cue words around the number.
fn categorize(
    t: &[Token],
    span: (usize, usize),
    core: &Core,
    noun_at: Option<usize>,
    unit: &str,
    rules: &RuleSet,
) -> Option<String> {
    let mut best: Option<(i64, usize, String)> = None; // (score*1000 - distance, order, id)
                                                       // the phrase sets that may start within the widest window of any category: a set that
                                                       // cannot is not searched for (`nearest` would find nothing)
    let widest = rules
        .categories
        .iter()
        .map(|c| c.rule.window.unwrap_or(16))
        .max()
        .unwrap_or(16);
    let mut near = [0u64; crate::normalize::PHRASE_START_WORDS];
    let around = span.0.saturating_sub(widest)..(span.1 + widest).min(t.len());
    for x in t.get(around).unwrap_or_default() {
        near.iter_mut()
            .zip(&x.phrase_starts)
            .for_each(|(n, s)| *n |= s);
    }
    let nearest = |set: &crate::rules::PhraseSet<()>, window: usize| {
        if set.may_start_in(&near) {
            nearest(t, span, core.start, set, window, rules)
        } else {
            None
        }
    };
    for (order, cat) in rules.categories.iter().enumerate() {
        let r = &cat.rule;
        if !r.units.is_empty() && !r.units.iter().any(|u| u == unit) {
            continue;
        }
        if let Some([min, max]) = r.values {
            if core.high.is_some_and(|h| h < min) || core.low.is_some_and(|l| l > max) {
                continue;
            }
        }
        let fallback = cat.nouns.is_empty() && cat.cues.is_empty();
        if fallback && (r.units.is_empty() || unit == "none") {
            continue;
        }
        let window = r.window.unwrap_or(16);
        let noun_hit = noun_at.is_some_and(|k| cat.nouns.match_at(t, k, true).is_some());
        let cue_dist = nearest(&cat.cues, window);
        let with_hit = cat.with.is_empty() || nearest(&cat.with, window).is_some();
        if !with_hit {
            continue;
        }
        let score: i64 = if fallback {
            1
        } else {
            if !noun_hit && cue_dist.is_none() {
                continue;
            }
            // `with` adds weight only beside a counted noun ("20 مدنيا" + "مقتل"); alone it is a
            // condition, not evidence
            2 + 10 * noun_hit as i64
                + 10 * cue_dist.is_some() as i64
                + 10 * (noun_hit && !cat.with.is_empty()) as i64
        };
        // a counted noun alone ("20 soldiers") yields to a cue word of the same score ("wounded")
        // unless the category has cue words too, so the noun names the category ("100 جريح")
        let noun_defines = noun_hit && !(cat.cues.is_empty() && cat.with.is_empty());
        let key = score * 1000
            - cue_dist.unwrap_or(if fallback || noun_defines { 0 } else { 500 }) as i64;
        if best.as_ref().is_none_or(|(b, _, _)| key > *b) {
            best = Some((key, order, r.id.clone()));
        }
    }
    best.map(|(_, _, id)| id)
}

/// Whether a figure starts at token `k`, perhaps after a qualifier ("killed 1,136", "وإصابة
/// أكثر من 7 آلاف"); a year is not one ("killed in 2023" has no figure after the cue).
fn opens_figure(t: &[Token], k: usize, rules: &RuleSet) -> bool {
    let k = k + rules
        .qualifiers_before
        .match_at(t, k, true)
        .map_or(0, |(l, _, _)| l);
    let Some(x) = t.get(k) else { return false };
    match x.kind {
        TokenKind::Number => year_of(x).is_none(),
        TokenKind::Word => rules.number_word(x, true).is_some(),
        TokenKind::Punct => false,
    }
}

/// Distance in tokens from the claim's context span (qualifier .. counted noun) to the
/// nearest phrase of `set` in the same sentence; each clause mark (`،` `,` `؛`) crossed
/// counts 3 more, so a cue of the same clause wins; a cue after the number counts 1 more.
fn nearest(
    t: &[Token],
    span: (usize, usize),
    anchor: usize,
    set: &crate::rules::PhraseSet<()>,
    window: usize,
    rules: &RuleSet,
) -> Option<usize> {
    if set.is_empty() {
        return None;
    }
    let (lo_span, hi_span) = span;
    let sent = t[anchor].sentence;
    let lo = lo_span.saturating_sub(window);
    let hi = (hi_span + window).min(t.len());
    let is_clause_mark = |k: usize| t[k].is_clause_mark();
    let mut best: Option<usize> = None;
    for k in lo..hi {
        if (lo_span..hi_span).contains(&k) || t[k].sentence != sent {
            continue;
        }
        if let Some((len, _, _)) = set.match_at(t, k, true) {
            if (lo_span..hi_span).contains(&(k + len - 1)) {
                continue;
            }
            // a cue after the number that opens another figure belongs to that one: "13.5
            // million live there, and 4 million were displaced" ... "displaced 4 million"
            if k >= hi_span && opens_figure(t, k + len, rules) {
                continue;
            }
            let (a, b) = if k < lo_span {
                (k + len, lo_span)
            } else {
                (hi_span, k)
            };
            let marks = (a.min(b)..b.max(a)).filter(|&x| is_clause_mark(x)).count();
            // a cue after the number counts one more: Arabic puts the verb first ("نزح 300")
            // English puts the verb after its subject ("20 people were killed"): no extra there
            // and a cue after the number one less ("twenty were injured" beats "killed and twenty")
            let verb_first = t[k].norm.chars().next().is_some_and(|c| !c.is_ascii());
            let d = if k < lo_span {
                lo_span - (k + len - 1)
            } else if verb_first {
                k + 2 - hi_span
            } else {
                k - hi_span
            } + 3 * marks;
            if best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
    }

    fn values(text: &str) -> Vec<String> {
        let r = rules();
        extract(text, "t", Some("2024-12-06"), r)
            .1
            .iter()
            .map(|f| f.claim.describe())
            .collect()
    }

    #[test]
    fn a_range_word_at_the_end_of_the_text_does_not_panic() {
        // found by replaying the fuzz corpus cut at every 16th of its length
        assert!(values("قتل بين").is_empty());
        assert!(values("قتل بين 10 و").len() <= 1);
        assert!(values("killed between 10 and").len() <= 1);
    }

    #[test]
    fn digit_grouping_follows_group_size() {
        assert_eq!(parse_digits("2,424"), Some((2424.0, 1.0)));
        assert_eq!(parse_digits("1,5"), Some((1.5, 0.1)));
        assert_eq!(parse_digits("15.700"), Some((15700.0, 100.0)));
        assert_eq!(parse_digits("3,500,000"), Some((3500000.0, 100000.0)));
        assert_eq!(parse_digits("1,234.5"), Some((1234.5, 0.1)));
        assert_eq!(parse_digits("3500"), Some((3500.0, 100.0)));
        assert_eq!(parse_digits("7٫8"), Some((7.8, 0.1)));
        assert_eq!(parse_digits("1,2,3"), None);
    }

    #[test]
    fn spans_slice_the_original_text() {
        let text = "قُتل أكثرُ من ٣٥٠٠ شخصٍ، ونزح 280 ألف.";
        let r = rules();
        for f in extract(text, "t", None, r).1 {
            assert_eq!(&text[f.claim.start..f.claim.end], f.claim.text);
        }
    }

    #[test]
    fn extended_digits_and_arabic_indic_digits_read() {
        assert_eq!(
            values("قتل ۱۲ شخصا و٣ أطفال"),
            vec!["12 exact person killed", "3 exact person children_killed"]
        );
    }

    #[test]
    fn years_alone_are_category_year() {
        assert_eq!(
            values("اندلعت الاحتجاجات في عام 2011 ضد الحكومة"),
            vec!["2011 exact year year"]
        );
    }

    #[test]
    fn clock_times_and_phone_numbers_are_not_claims() {
        assert!(values("اتصلوا على الرقم 0933123456 عند الساعة 10:30").is_empty());
    }

    #[test]
    fn date_without_year_and_without_document_date_keeps_month_and_day() {
        let r = rules();
        let (_, f) = extract("وقع الانفجار في 4 أغسطس", "t", None, r);
        assert_eq!(f[0].claim.value, Some(Value::Date("--08-04".into())));
    }

    /// A test-only speller: `n` in Arabic words, masculine or feminine units, "و" joins.
    fn spell(n: u64, feminine: bool) -> String {
        const UNITS_M: [&str; 10] = [
            "",
            "واحد",
            "اثنان",
            "ثلاثة",
            "أربعة",
            "خمسة",
            "ستة",
            "سبعة",
            "ثمانية",
            "تسعة",
        ];
        const UNITS_F: [&str; 10] = [
            "",
            "واحدة",
            "اثنتان",
            "ثلاث",
            "أربع",
            "خمس",
            "ست",
            "سبع",
            "ثماني",
            "تسع",
        ];
        const TENS: [&str; 10] = [
            "",
            "عشرة",
            "عشرون",
            "ثلاثون",
            "أربعون",
            "خمسون",
            "ستون",
            "سبعون",
            "ثمانون",
            "تسعون",
        ];
        const HUNDREDS: [&str; 10] = [
            "",
            "مئة",
            "مئتان",
            "ثلاثمئة",
            "أربعمئة",
            "خمسمئة",
            "ستمئة",
            "سبعمئة",
            "ثمانمئة",
            "تسعمئة",
        ];
        let units = if feminine { UNITS_F } else { UNITS_M };
        let below_thousand = |n: u64| -> Vec<String> {
            let mut parts = Vec::new();
            let (h, r) = (n / 100, n % 100);
            if h > 0 {
                parts.push(HUNDREDS[h as usize].to_string());
            }
            match r {
                0 => {}
                1..=9 => parts.push(units[r as usize].to_string()),
                10 => parts.push("عشرة".into()),
                11 => parts.push("أحد عشر".into()),
                12 => parts.push("اثنا عشر".into()),
                13..=19 => parts.push(format!("{} عشر", units[(r - 10) as usize])),
                _ if r % 10 == 0 => parts.push(TENS[(r / 10) as usize].to_string()),
                _ => parts.push(format!(
                    "{} و{}",
                    units[(r % 10) as usize],
                    TENS[(r / 10) as usize]
                )),
            }
            parts
        };
        let scaled =
            |n: u64, one: &str, two: &str, plural: &str, accusative: &str| -> Vec<String> {
                match n {
                    0 => vec![],
                    1 => vec![one.to_string()],
                    2 => vec![two.to_string()],
                    3..=9 => vec![format!("{} {plural}", units[n as usize])],
                    10 => vec![format!("عشرة {plural}")],
                    _ => {
                        let mut p = below_thousand(n);
                        let last = p.pop().unwrap();
                        p.push(format!("{last} {accusative}"));
                        p
                    }
                }
            };
        if n == 0 {
            return "صفر".into();
        }
        let mut parts = Vec::new();
        parts.extend(scaled(
            n / 1_000_000 % 1000,
            "مليون",
            "مليونان",
            "ملايين",
            "مليون",
        ));
        parts.extend(scaled(n / 1000 % 1000, "ألف", "ألفان", "آلاف", "ألف"));
        parts.extend(below_thousand(n % 1000));
        parts.join(" و")
    }

    #[test]
    fn a_year_is_a_run_of_four_digits_in_range() {
        for yes in [
            "في 2024",
            "٢٠٢٤/١٢/٨",
            "Dec 8, 2024.",
            "۱۹۹۰",
            "1900",
            "2100",
        ] {
            assert!(may_hold_year(yes), "{yes}");
        }
        for no in [
            "",
            "12345",
            "8 ديسمبر",
            "1899 2101",
            "٩٩٩",
            "99999999999999999999",
        ] {
            assert!(!may_hold_year(no), "{no}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_text_with_a_year_token_may_hold_a_year(s in "[ \n12905٠-٩۱۹,./:a-zب-د]{0,40}") {
            if crate::normalize::tokenize(&s).tokens.iter().any(|t| year_of(t).is_some()) {
                proptest::prop_assert!(may_hold_year(&s), "{:?}", s);
            }
        }

        #[test]
        fn a_number_spelled_out_in_arabic_parses_back(n in 1u64..1_000_000_000, feminine: bool) {
            let r = rules();
            let words = spell(n, feminine);
            let toks = crate::normalize::tokenize(&words);
            let core = parse_words(&toks.tokens, 0, r).expect("parses");
            proptest::prop_assert_eq!(core.end, toks.tokens.len(), "{} consumed partly", words);
            proptest::prop_assert_eq!(core.value, Some(Value::Number(n as f64)), "{}", words);
        }
    }

    #[test]
    fn speller_examples_parse() {
        let r = rules();
        for n in [
            1u64,
            2,
            10,
            11,
            12,
            13,
            20,
            34,
            100,
            102,
            999,
            1000,
            2000,
            3000,
            11_000,
            100_000,
            1_002_000,
            3_000_000,
            11_000_000,
            123_456_789,
        ] {
            let words = spell(n, false);
            let toks = crate::normalize::tokenize(&words);
            let core = parse_words(&toks.tokens, 0, r).unwrap();
            assert_eq!(core.value, Some(Value::Number(n as f64)), "{words}");
            assert_eq!(core.end, toks.tokens.len(), "{words}");
        }
    }

    #[test]
    fn year_inferred_back_when_date_is_after_publication() {
        assert_eq!(infer_year(Some("2025-01-05"), 12, 28), Some(2024));
        assert_eq!(infer_year(Some("2024-12-06"), 11, 27), Some(2024));
    }
}
