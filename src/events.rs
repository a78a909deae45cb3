//! Takes a document's tokens and the rules; returns its factual claims (events): who took,
//! entered, withdrew from, handed over, reached, evacuated, released prisoners at or denied
//! what — one claim per place, with actor, polarity, cited source and time.
//!
//! Precision first: a trigger with no place in its sentence, a trigger inside a wish or a
//! condition ("في حال سيطرت", "من شأن سيطرة"), or a purpose ("للانسحاب") gives no claim.

use crate::extract::Found;
use crate::model::{Claim, Qualifier};
use crate::normalize::{TokenKind, Tokens};
use crate::resolve::{DocumentMentions, Mention};
use crate::rules::RuleSet;

/// The action class a trigger at `i` stands for, with the trigger's length; `None` when the
/// trigger is a purpose ("للانسحاب") or sits in a wish or condition.
// inlined: most tokens end at the trigger set's mark; what follows a match is out of line
#[inline]
fn trigger_at(toks: &Tokens, i: usize, rules: &RuleSet) -> Option<(usize, usize)> {
    let (len, &action, stripped) = rules.triggers.match_at(&toks.tokens, i, true)?;
    trigger_checked(toks, i, rules, (len, action, stripped))
}

#[inline(never)]
fn trigger_checked(
    toks: &Tokens,
    i: usize,
    rules: &RuleSet,
    (len, action, stripped): (usize, usize, bool),
) -> Option<(usize, usize)> {
    let t = &toks.tokens;
    let first = &t[i].norm;
    // "للانسحاب", "لتحرير": a purpose, not an event
    if stripped && (first.starts_with('ل') || first.starts_with("ول") || first.starts_with("فل"))
    {
        return None;
    }
    // a sentence that opens with a condition ("وفي حال سيطرت ... فلن تبقى ... تحت سيطرة") states
    // no event at all
    let sent = t[i].sentence;
    let opening = t.partition_point(|x| x.sentence < sent);
    if let Some(cond) = rules.marker("condition") {
        if (opening..(opening + 3).min(t.len()))
            .any(|k| t[k].sentence == sent && cond.match_at(t, k, true).is_some())
        {
            return None;
        }
    }
    // a wish, condition or state in the four words before ("في حال سيطرت", "مناطق سيطرتها") or after ("السيطرة الوشيكة")
    let blocker = rules.marker("event_blocker")?;
    for end in i.saturating_sub(4)..=i {
        if end > 0 && t[end - 1].sentence == sent && blocker.match_ending_at(t, end, true).is_some()
        {
            return None;
        }
    }
    if i > 0
        && t[i - 1].sentence == sent
        && rules
            .marker("event_blocker_adjacent")
            .is_some_and(|b| b.match_ending_at(t, i, true).is_some())
    {
        return None;
    }
    if t.get(i + len).is_some_and(|x| x.sentence == sent)
        && blocker
            .match_at(t, i + len, true)
            .is_some_and(|(l, _, _)| l == 1)
        && t[i + len].norm.starts_with("ال")
    {
        return None;
    }
    Some((len, action))
}

/// Whether any phrase of the action's `needs` appears in tokens `[lo, hi)`.
fn needs_met(toks: &Tokens, lo: usize, hi: usize, needs: &crate::rules::PhraseSet<()>) -> bool {
    (lo..hi.min(toks.tokens.len())).any(|k| needs.match_at(&toks.tokens, k, true).is_some())
}

/// When a trigger word belongs to several actions ("تحرير" frees a town or prisoners), the
/// action whose `needs` are met in the clause wins.
fn refine_action(
    toks: &Tokens,
    i: usize,
    len: usize,
    clause_end: usize,
    action: usize,
    rules: &RuleSet,
) -> Option<usize> {
    // the actions with a trigger of that length there, in rule order
    let mut candidates: Vec<usize> = rules
        .triggers
        .payloads_at(&toks.tokens, i, len)
        .into_iter()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    for idx in candidates {
        let (a, needs) = &rules.actions[idx];
        if needs.is_empty() || a.object == "phrase" {
            continue;
        }
        if needs_met(toks, i.saturating_sub(3), clause_end + 3, needs) {
            return Some(idx);
        }
    }
    // an action that needs something it does not have gives no claim
    let (_, needs) = &rules.actions[action];
    if !needs.is_empty() && !needs_met(toks, i.saturating_sub(3), clause_end + 3, needs) {
        return None;
    }
    Some(action)
}

/// Extracts the event claims of one document.
pub fn extract_events(
    text: &str,
    toks: &Tokens,
    doc_id: &str,
    doc_date: Option<&str>,
    rules: &RuleSet,
) -> Vec<Found> {
    if rules.actions.is_empty() {
        return Vec::new();
    }
    let named = DocumentMentions::of(text, &toks.tokens, rules);
    extract_events_with(text, toks, doc_id, doc_date, &named, rules)
}

/// [`extract_events`] with the document's mentions already found.
pub fn extract_events_with(
    text: &str,
    toks: &Tokens,
    doc_id: &str,
    doc_date: Option<&str>,
    named: &DocumentMentions,
    rules: &RuleSet,
) -> Vec<Found> {
    let t = &toks.tokens;
    if rules.actions.is_empty() {
        return Vec::new();
    }
    let excluded = crate::extract::excluded_tokens(t, rules);
    let (bodies, places) = (&named.bodies, &named.places);
    let cues = crate::resolve::marker_positions(t, "attribution", rules);
    let anaphors: Vec<usize> = crate::resolve::marker_positions(t, "place_anaphor", rules)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let is_country = |m: &Mention| m.entity.kind == "country";
    let mut out: Vec<Found> = Vec::new();
    // the claims of the last affirmed trigger, which a later "نفت ذلك" denies
    let mut last_event: Vec<usize> = Vec::new();
    // where the words of the claims found so far end: a pointer word inside them is taken
    let mut claimed_to = 0;
    let denial = rules.marker("denial");
    let mut i = 0;
    while i < t.len() {
        if excluded[i] {
            i += 1;
            continue;
        }
        // a denial that refers back: "نفت ذلك", "الأمر الذي نفته"
        if let Some(dlen) = denial.and_then(|d| d.len_at(t, i, true)) {
            let refers_back = dlen > 1
                || t[i].norm.ends_with('ه')
                || t.get(i + 1)
                    .is_some_and(|x| matches!(x.norm.as_str(), "ذلك" | "هذا" | "هذه"));
            if refers_back {
                if !last_event.is_empty()
                    && t[out[last_event[0]].tok_start].sentence + 4 >= t[i].sentence
                {
                    let (source, source_id) =
                        nearest_body(text, t, bodies, i, i + dlen).unwrap_or_default();
                    let s = toks.sentences.get(t[i].sentence).copied();
                    let mut end_tok = i + dlen;
                    if t.get(end_tok)
                        .is_some_and(|x| matches!(x.norm.as_str(), "ذلك" | "هذا" | "هذه"))
                    {
                        end_tok += 1;
                    }
                    let denied: Vec<Found> = last_event.iter().map(|&k| out[k].clone()).collect();
                    for f in denied {
                        let mut c = f.claim;
                        c.polarity = "denied".into();
                        c.start = t[i].start;
                        c.end = t[end_tok - 1].end;
                        c.text = text[c.start..c.end].to_string();
                        c.sentence = s
                            .map(|s| crate::extract::sentence_text(text, s, c.start, c.end))
                            .unwrap_or_default();
                        c.source = source.clone();
                        c.source_id = source_id.clone();
                        c.time = doc_date.map(str::to_string);
                        out.push(Found {
                            tok_start: i,
                            tok_end: end_tok,
                            claim: c,
                        });
                    }
                    last_event.clear();
                }
                i += dlen;
                continue;
            }
        }
        let Some((len, action)) = trigger_at(toks, i, rules) else {
            i += 1;
            continue;
        };
        // "هيئة تحرير الشام": a trigger word inside a name is no trigger
        let covering = |ms: &'_ [Mention]| {
            ms[..ms.partition_point(|m| m.start <= i)]
                .last()
                .filter(|m| i < m.end)
                .cloned()
        };
        if let Some(m) = covering(bodies).or_else(|| covering(places)) {
            i = m.end;
            continue;
        }
        let sent = t[i].sentence;
        // the places after the trigger, up to the next trigger or clause stop
        let mut k = i + len;
        let mut found_places: Vec<&Mention> = Vec::new();
        let mut located_places: Vec<&Mention> = Vec::new();
        let limit = (i + len + 24).min(t.len());
        while k < limit && t[k].sentence == sent && !excluded[k] {
            if rules.marker_at("attribution", t, k, true).is_some() {
                break; // "... بحسب فرانس برس": the source, not the object
            }
            if let Some(m) = bodies
                .binary_search_by_key(&k, |m| m.start)
                .ok()
                .map(|x| &bodies[x])
            {
                k = m.end; // an actor's name ("هيئة تحرير الشام") is read past, not as a trigger
                continue;
            }
            if k > i + len && trigger_at(toks, k, rules).is_some() {
                break;
            }
            if let Some(m) = places
                .binary_search_by_key(&k, |m| m.start)
                .ok()
                .map(|x| &places[x])
            {
                // a country is the object only right after the trigger or a preposition, not in
                // "موالية لإيران" (loyal to Iran)
                let after_preposition = matches!(
                    t[k - 1].norm.as_str(),
                    "من" | "في"
                        | "على"
                        | "الى"
                        | "عن"
                        | "بين"
                        | "جنوب"
                        | "شمال"
                        | "شرق"
                        | "غرب"
                        | "وسط"
                );
                let label = crate::normalize::normalize(&m.entity.label);
                let governed = (t[k].norm.starts_with('ل') || t[k].norm.starts_with("ول"))
                    && !label.starts_with('ل');
                // "بريف حمص", "شرقي مدينة نوى": a locator, not the object
                let located = rules
                    .marker("place_locator")
                    .is_some_and(|l| l.match_ending_at(t, k, true).is_some())
                    || (k >= 2
                        && rules
                            .marker("place_noun")
                            .is_some_and(|n| n.match_at(t, k - 1, true).is_some())
                        && rules
                            .marker("place_locator")
                            .is_some_and(|l| l.match_ending_at(t, k - 1, true).is_some()));
                if !is_country(m) || ((after_preposition || k == i + len) && !governed) {
                    if located {
                        located_places.push(m);
                    } else {
                        found_places.push(m);
                    }
                }
                k = m.end;
                continue;
            }
            if rules.marker_at("event_stop", t, k, true).is_some()
                || (!found_places.is_empty()
                    && rules
                        .marker_at("event_stop_after_place", t, k, false)
                        .is_some())
            {
                break;
            }
            k += 1;
        }
        let clause_end = k;
        let Some(action) = refine_action(toks, i, len, clause_end, action, rules) else {
            i += len;
            continue;
        };
        // only a locator place ("على بعد خمسة كيلومترات من أطراف حمص"): the best there is
        if found_places.is_empty() {
            found_places = located_places;
        }
        // "معبر البوكمال ... تحت سيطرة قسد": under control, the place comes first
        if found_places.is_empty()
            && i > 0
            && rules
                .marker("control_state")
                .is_some_and(|m| m.match_ending_at(t, i, true).is_some())
        {
            // the nearest place that is not a country ("معبر البوكمال الحدودي مع العراق تحت سيطرة")
            let before = &places[..places.partition_point(|m| m.start < i)];
            found_places.extend(
                before
                    .iter()
                    .rev()
                    .take_while(|m| m.end + 8 >= i && t[m.start].sentence == sent)
                    .find(|m| !is_country(m)),
            );
        }
        let mut seen = std::collections::HashSet::new();
        found_places.retain(|m| seen.insert(m.entity.id.clone()));
        let specific: Vec<&Mention> = found_places
            .iter()
            .copied()
            .filter(|m| !is_country(m))
            .collect();
        // a place named before the trigger is cited through the words after it ("من المدينة")
        let mut object_end = i + len;
        let chosen: Vec<&Mention> = if !specific.is_empty() {
            specific
        } else if !found_places.is_empty() {
            found_places.clone()
        } else if let Some(m) = subject_place(t, i, places, rules) {
            // "Homs fell to the rebels", "Hama was captured by opposition fighters"
            vec![m]
        } else {
            let (m, end) =
                earlier_place(toks, i, len, places, &anaphors, claimed_to, rules).unzip();
            object_end = end.unwrap_or(object_end);
            m.into_iter().collect()
        };
        if chosen.is_empty() {
            i += len;
            continue;
        }
        // negation just before the trigger ("لم تنسحب", "نفت الوزارة انسحاب")
        let negated = (i.saturating_sub(2)..i)
            .any(|k| t[k].sentence == sent && rules.marker_at("negation", t, k, false).is_some())
            || (i.saturating_sub(5)..i)
                .any(|k| t[k].sentence == sent && rules.marker_at("denial", t, k, true).is_some());
        let (rule, _) = &rules.actions[action];
        let actor = nearest_actor(t, bodies, i, i + len);
        // the claim's words end with its place; a source named after them in the clause is outside
        let words_end = chosen
            .iter()
            .map(|m| m.end)
            .chain([object_end, i + len])
            .max()
            .unwrap_or(i + len);
        let source =
            crate::resolve::cited_source_span(text, t, sent, i, words_end, bodies, &cues, rules);
        let time = clause_year(
            toks,
            i,
            (object_end.max(clause_end)).min(i + len + 8),
            doc_date,
        )
        .or_else(|| doc_date.map(str::to_string));
        let s = toks.sentences.get(sent).copied();
        let sentence = s
            .map(|s| crate::extract::sentence_text(text, s, t[i].start, t[i + len - 1].end))
            .unwrap_or_default();
        let first_new = out.len();
        for m in chosen {
            let (a, b) = if m.start >= i {
                (i, m.end)
            } else {
                (i, object_end)
            };
            let (start, end) = (t[a].start, t[b - 1].end);
            let claim = Claim {
                id: String::new(),
                kind: "event".into(),
                doc: doc_id.to_string(),
                start,
                end,
                text: text[start..end].to_string(),
                sentence: sentence.clone(),
                value: None,
                low: None,
                high: None,
                qualifier: Qualifier::Event,
                unit: "event".into(),
                category: rule.id.clone(),
                subject: m
                    .entity
                    .label_for(&text[t[i].start..t[i + len - 1].end])
                    .to_string(),
                subject_id: m.entity.id.clone(),
                source: source.as_ref().map(|s| s.0.clone()).unwrap_or_default(),
                source_id: source.as_ref().map(|s| s.1.clone()).unwrap_or_default(),
                actor: actor.clone(),
                polarity: if negated {
                    "denied".into()
                } else {
                    "affirmed".into()
                },
                family: rule.family.clone(),
                time: time.clone(),
                time_span: None,
                trigger_span: Some(crate::model::Span {
                    start: t[i].start,
                    end: t[i + len - 1].end,
                }),
                place_span: Some(crate::model::Span {
                    start: t[m.start].start,
                    end: t[m.end - 1].end,
                }),
                rounding_step: 0.0,
                ..Claim::default()
            };
            out.push(Found {
                tok_start: a,
                tok_end: b,
                claim,
            });
            claimed_to = claimed_to.max(b);
        }
        if !negated {
            last_event = (first_new..out.len()).collect();
        }
        i += len;
    }
    let ctx = Context {
        text,
        toks,
        doc_id,
        doc_date,
        excluded: &excluded,
        bodies,
        places,
        cues: &cues,
    };
    // a word that already gave a place claim ("seized Aleppo") gives no phrase claim
    let placed: std::collections::HashSet<usize> = out.iter().map(|f| f.tok_start).collect();
    out.extend(
        phrase_events(&ctx, rules)
            .into_iter()
            .filter(|f| !placed.contains(&f.tok_start)),
    );
    out.sort_by_key(|f| (f.claim.start, f.claim.end, f.claim.subject_id.clone()));
    out
}

/// What the phrase pass reads of a document beside its tokens.
struct Context<'a> {
    text: &'a str,
    toks: &'a Tokens,
    doc_id: &'a str,
    doc_date: Option<&'a str>,
    excluded: &'a [bool],
    bodies: &'a [Mention],
    places: &'a [Mention],
    cues: &'a [(usize, usize)],
}

/// Whether the sentence of token `i` opens with a condition ("إذا", "if"): hypothetical.
fn in_condition(t: &[crate::normalize::Token], i: usize, rules: &RuleSet) -> bool {
    let sent = t[i].sentence;
    let opening = t.partition_point(|x| x.sentence < sent);
    // the condition opens the sentence, after a quote mark or a conjunction at most ("Divers
    // were combing" opens with no condition)
    let lead = t.get(opening).is_some_and(|x| {
        x.kind == TokenKind::Punct || matches!(x.norm.as_str(), "and" | "but" | "so" | "ثم")
    });
    let last = if lead { opening + 2 } else { opening + 1 };
    rules.marker("condition").is_some_and(|cond| {
        (opening..last.min(t.len()))
            .any(|k| t[k].sentence == sent && cond.match_at(t, k, true).is_some())
    })
}

/// Whether a marker phrase of `kind` starts within `window` tokens before `i`, in its
/// sentence and with no punctuation between.
fn marker_before(
    t: &[crate::normalize::Token],
    i: usize,
    window: usize,
    kind: &str,
    prefix: bool,
    rules: &RuleSet,
) -> bool {
    let Some(set) = rules.marker(kind) else {
        return false;
    };
    let sent = t[i].sentence;
    // a blocker governs across a comma ("يعتزم الصليب الأحمر، إرسال"); a negation does not
    let across = kind == "action_blocker";
    // a negation governs the first trigger after it only ("struggled to reach the flooded
    // districts": the reaching failed, the flooding did not)
    let lo = (i.saturating_sub(window)..i)
        .rev()
        .take_while(|&k| {
            t[k].sentence == sent
                && (across || t[k].kind != TokenKind::Punct)
                && (across
                    || k + 1 == i
                    || rules.phrase_triggers.match_at(t, k + 1, true).is_none())
        })
        .last()
        .unwrap_or(i);
    let except = rules.marker("negation_exception");
    (lo..i).any(|k| {
        set.match_at(t, k, prefix).is_some()
            && except.is_none_or(|e| e.match_at(t, k, prefix).is_none())
    })
}

/// Whether a marker phrase of `kind` starts within `window` tokens after `from`, in its
/// sentence.
fn marker_after(
    t: &[crate::normalize::Token],
    from: usize,
    window: usize,
    kind: &str,
    rules: &RuleSet,
) -> bool {
    let Some(set) = rules.marker(kind) else {
        return false;
    };
    let sent = t[from.saturating_sub(1)].sentence;
    (from..(from + window).min(t.len()))
        .take_while(|&k| t[k].sentence == sent)
        .any(|k| set.match_at(t, k, true).is_some())
}

/// The phrase actions whose trigger words are the `len` tokens at `i`, those with `needs`
/// first (the most specific reading wins when its words are in the clause).
fn phrase_candidates(
    t: &[crate::normalize::Token],
    i: usize,
    len: usize,
    rules: &RuleSet,
) -> Vec<usize> {
    // the phrase triggers of that length there, by the index of their action
    let mut out: Vec<usize> = rules
        .phrase_triggers
        .payloads_at(t, i, len)
        .into_iter()
        .copied()
        .filter(|&idx| rules.actions[idx].0.object == "phrase")
        .collect();
    out.sort_unstable();
    out.dedup();
    out.sort_by_key(|&idx| rules.actions[idx].1.is_empty());
    out
}

/// The end (exclusive token) of the object phrase after a trigger: the next punctuation,
/// clause stop, attribution or trigger, at most six words on.
fn phrase_end(ctx: &Context, i: usize, len: usize, rules: &RuleSet) -> usize {
    let t = &ctx.toks.tokens;
    let sent = t[i].sentence;
    let limit = (i + len + 6).min(t.len());
    let mut k = i + len;
    while k < limit && t[k].sentence == sent && !ctx.excluded[k] {
        let tok = &t[k];
        if tok.kind == TokenKind::Punct && !matches!(tok.norm.as_str(), "%" | "-" | "’" | "'") {
            break;
        }
        if rules.marker_at("action_stop", t, k, false).is_some()
            || rules.marker_at("attribution", t, k, true).is_some()
            || rules.phrase_triggers.match_at(t, k, true).is_some()
        {
            break;
        }
        k += 1;
    }
    k
}

/// The claims of the actions whose object is a phrase (damage, cause, search, detention,
/// responsibility, figures, decisions): one claim a trigger, its span from the trigger to the
/// end of its object.
fn phrase_events(ctx: &Context, rules: &RuleSet) -> Vec<Found> {
    let t = &ctx.toks.tokens;
    let mut out = Vec::new();
    if rules.phrase_triggers.is_empty() {
        return out;
    }
    let mut i = 0;
    while i < t.len() {
        if ctx.excluded[i] {
            i += 1;
            continue;
        }
        let Some((len, _, stripped)) = rules.phrase_triggers.match_at(t, i, true) else {
            i += 1;
            continue;
        };
        if let Some(f) = phrase_claim(ctx, i, len, stripped, rules) {
            out.push(f);
        }
        i += len;
    }
    out
}

/// The claim of the phrase trigger of `len` tokens at `i`, unless it is hypothetical, a
/// purpose, inside a name, or lacks the words its action needs.
fn phrase_claim(
    ctx: &Context,
    i: usize,
    len: usize,
    stripped: bool,
    rules: &RuleSet,
) -> Option<Found> {
    let t = &ctx.toks.tokens;
    let first = &t[i].norm;
    // "للعثور على ناجين": a purpose, not an event
    if stripped
        && (first.starts_with("ل") || first.starts_with("ول") || first.starts_with("فل"))
        && !first.starts_with("لل")
    {
        return None;
    }
    // "Red Crescent", "هيئة تحرير الشام": a trigger word inside a name is no trigger
    let inside = |ms: &[Mention]| {
        ms[..ms.partition_point(|m| m.start <= i)]
            .last()
            .is_some_and(|m| i < m.end)
    };
    if inside(ctx.bodies) || inside(ctx.places) {
        return None;
    }
    if in_condition(t, i, rules) || marker_before(t, i, 5, "action_blocker", true, rules) {
        return None;
    }
    // "to find survivors": a purpose, unless the words before say it failed ("struggled to")
    let failed = rules
        .marker("action_negation")
        .is_some_and(|m| m.match_ending_at(t, i, false).is_some());
    if !failed
        && rules
            .marker("action_purpose")
            .is_some_and(|m| m.match_ending_at(t, i, false).is_some())
    {
        return None;
    }
    // "أدى إلى مقتل", "leading to fears the toll could rise": a figure or a fear, not a fact
    if marker_after(t, i + len, 2, "figure_context", rules) {
        return None;
    }
    // an event noun states a fact only with a frame after it ("the blast at the port", "انفجار
    // ضخم داخل الميناء", "الانفجار الذي وقع"); "killed in the blast" only refers to it
    let is_noun = rules
        .marker("event_noun")
        .is_some_and(|m| m.match_at(t, i, true).is_some_and(|(l, _, _)| l == len));
    let frame = (i + len..(i + len + 3).min(t.len()))
        .take_while(|&k| t[k].sentence == t[i].sentence)
        .find_map(|k| {
            rules
                .marker_at("event_noun_frame", t, k, true)
                .map(|l| (k, l))
        });
    let cued = marker_before(t, i, 3, "event_noun_cue", true, rules);
    if is_noun && frame.is_none() && !cued {
        return None;
    }
    // "الانفجار، الذي وقع يوم الثلاثاء في مستودعات": the noun's claim runs through its frame
    let end = match frame.filter(|_| is_noun) {
        Some((k, l)) => phrase_end(ctx, k, l, rules),
        None => phrase_end(ctx, i, len, rules),
    };
    let first_of_sentence = t.partition_point(|x| x.sentence < t[i].sentence);
    // what a trigger needs may close its sentence ("أعلن المجلس ... درنة مناطق منكوبة")
    let last_of_sentence = t
        .partition_point(|x| x.sentence <= t[i].sentence)
        .min(end + 16);
    let action = phrase_candidates(t, i, len, rules)
        .into_iter()
        .find(|&idx| {
            let needs = &rules.actions[idx].1;
            needs.is_empty()
                || needs_met(
                    ctx.toks,
                    i.saturating_sub(12).max(first_of_sentence),
                    last_of_sentence,
                    needs,
                )
        })?;
    let (rule, _) = &rules.actions[action];
    let sent = t[i].sentence;
    let denial_verb = marker_before(t, i, 6, "denial", true, rules);
    let negated = rule.polarity == "denied"
        || denial_verb
        || marker_before(t, i, 2, "negation", false, rules)
        || marker_before(t, i, 5, "action_negation", true, rules);
    let actor = if rule.actor == "after" {
        ctx.bodies
            .iter()
            .find(|m| m.start >= i + len && m.start <= end + 2 && t[m.start].sentence == sent)
            .map(|m| m.entity.id.clone())
            // else a nationality beside what did it, within three words of the trigger:
            // "caused by an Israeli strike", "ناجم عن غارة إسرائيلية" (the country is the
            // actor), not "caused flooding across the Libyan coast"
            .or_else(|| {
                (i + len..(i + len + 3).min(end + 2).min(t.len()))
                    .take_while(|&k| t[k].sentence == sent)
                    .find_map(|k| rules.nationalities.match_name_at(t, k))
                    .map(|(_, &e, _)| rules.entities[e].id.clone())
            })
            .unwrap_or_default()
    } else {
        nearest_actor(t, ctx.bodies, i, i + len)
    };
    let mut source =
        crate::resolve::cited_source_span(ctx.text, t, sent, i, end, ctx.bodies, ctx.cues, rules);
    // a denial is the denier's word: "the Red Crescent denied ..."
    if source.is_none() && (denial_verb || rule.polarity == "denied") {
        source = nearest_body(ctx.text, t, ctx.bodies, i.saturating_sub(6), i + len);
    }
    let place = ctx
        .places
        .iter()
        .find(|m| m.start >= i + len && m.end <= end)
        .or_else(|| {
            ctx.places[..ctx.places.partition_point(|m| m.start < i)]
                .iter()
                .rev()
                .find(|m| m.end <= i && m.end + 8 >= i && t[m.start].sentence == sent)
        });
    let (subject, subject_id) = if rule.subject == "actor" {
        let label = ctx
            .bodies
            .iter()
            .find(|m| m.entity.id == actor)
            .map(|m| ctx.text[t[m.start].start..t[m.end - 1].end].to_string())
            .unwrap_or_default();
        (label, actor.clone())
    } else if let Some(m) = place {
        (
            m.entity
                .label_for(&ctx.text[t[i].start..t[i + len - 1].end])
                .to_string(),
            m.entity.id.clone(),
        )
    } else {
        // the first word of the object ("the port", "الميناء"), without its article; a body
        // named there is the actor ("blamed HTS for the explosion"), not the object
        let named = |k: usize| ctx.bodies.iter().any(|m| m.start <= k && k < m.end);
        // the object may be the next trigger's word ("denied involvement in the explosion");
        // for a blame it is what follows "for" / "عن" ("blamed HTS for the explosion")
        let next_trigger = t.get(end).is_some_and(|x| {
            x.sentence == sent && rules.phrase_triggers.match_at(t, end, true).is_some()
        });
        let reach = if next_trigger { end + 1 } else { end };
        let from = if rule.one_actor {
            (i + len..reach)
                .find(|&k| {
                    t[k].sentence == sent && rules.marker_at("object_cue", t, k, false).is_some()
                })
                .map_or(i + len, |k| k + 1)
        } else {
            i + len
        };
        // the object is a thing: not a number word ("four hospitals" → hospitals), a month or
        // a weekday ("في 4 آب", "hit on Sunday"), a letter ("48C"), a qualifier or a part of a
        // date ("late 2013"), a word that ends the clause ("the blast that") or one that
        // describes the event rather than names what it befell ("الانفجار الضخم", "a massive
        // blast"): with none, the event is at the place its action's other claims are at
        let content = |k: &usize| {
            t[*k].kind == TokenKind::Word
                && t[*k].norm.chars().count() > 1
                && !named(*k)
                && rules.marker_at("action_filler", t, *k, false).is_none()
                && rules.marker_at("action_stop", t, *k, false).is_none()
                && rules.marker_at("not_object", t, *k, true).is_none()
                && !rules.numbers.contains_key(t[*k].norm.as_str())
                && rules.months.match_at(t, *k, true).is_none()
                && rules.weekdays.match_at(t, *k, true).is_none()
                && rules.qualifiers_before.match_at(t, *k, true).is_none()
                && rules.marker_at("month_part", t, *k, true).is_none()
        };
        // no object after an intransitive ("the dams collapsed"): the word before names it;
        // an effect named before its cause ("the explosion was caused by") is read there first
        let after = || {
            (from..reach)
                .take_while(|&k| t[k].sentence == sent)
                .find(content)
        };
        let before = |n: usize| {
            (i.saturating_sub(n)..i)
                .rev()
                .take_while(|&k| t[k].sentence == sent)
                .find(content)
        };
        // an event noun's object follows a preposition ("collapse of the dams", "حريق في
        // مستودع") or, in Arabic, is the noun right after one without the article ("انهيار
        // السدين", "انهيار سدين": a genitive); right after a noun with the article, or in Latin
        // script where no noun is glued to its article, a word describes it ("الانفجار
        // الضخم", "the blast that", "the explosion show"), as a `not_object` word does anywhere
        // ("انفجار ضخم"); the words before a noun belong to another clause ("لحدوث الانفجار")
        let definite = |x: &crate::normalize::Token| {
            x.norm.is_ascii() || x.norm.starts_with("ال") || x.article_strips != 0
        };
        let noun_object = || {
            let mut fillers = 0;
            for k in from..reach {
                if t[k].sentence != sent {
                    break;
                }
                if rules.marker_at("action_filler", t, k, false).is_some() {
                    fillers += 1;
                    continue;
                }
                let object = fillers > 0 || !definite(&t[i]);
                return Some(k).filter(|k| object && content(k));
            }
            None
        };
        let head = if is_noun {
            noun_object()
        } else if rule.effect_before {
            before(4).or_else(after)
        } else {
            after().or_else(|| before(3))
        };
        // a head that stands for a place named before ("flattened the city", "ضرب المنطقة")
        // is that place: the nearest one before the trigger within three sentences
        let anaphor = |k: usize| {
            (k.saturating_sub(1)..=k).any(|s| {
                rules
                    .marker_at("place_anaphor", t, s, true)
                    .is_some_and(|l| s + l > k)
            })
        };
        let referent = head.filter(|&k| anaphor(k)).and_then(|_| {
            ctx.places[..ctx.places.partition_point(|m| m.start < i)]
                .iter()
                .rev()
                .filter(|m| m.end <= i)
                .take_while(|m| t[m.start].sentence + 3 >= sent)
                .find(|m| m.entity.kind != "country")
        });
        match referent {
            Some(m) => (
                m.entity
                    .label_for(&ctx.text[t[i].start..t[i + len - 1].end])
                    .to_string(),
                m.entity.id.clone(),
            ),
            None => {
                let head = head
                    .map(|k| {
                        let w = t[k].norm.as_str();
                        // "الميناء" → "ميناء": the article only, never a letter of the stem
                        w.strip_prefix("ال")
                            .filter(|r| r.chars().count() >= 3)
                            .unwrap_or(w)
                            .to_string()
                    })
                    .unwrap_or_default();
                (head.clone(), head)
            }
        }
    };
    let (start, stop) = (t[i].start, t[end.max(i + len) - 1].end);
    let time =
        clause_year(ctx.toks, i, end, ctx.doc_date).or_else(|| ctx.doc_date.map(str::to_string));
    let sentence = ctx
        .toks
        .sentences
        .get(sent)
        .map(|&s| crate::extract::sentence_text(ctx.text, s, t[i].start, t[i + len - 1].end))
        .unwrap_or_default();
    let claim = Claim {
        id: String::new(),
        kind: "event".into(),
        doc: ctx.doc_id.to_string(),
        start,
        end: stop,
        text: ctx.text[start..stop].to_string(),
        sentence,
        value: None,
        low: None,
        high: None,
        qualifier: Qualifier::Event,
        unit: "event".into(),
        category: rule.id.clone(),
        subject,
        subject_id,
        source: source.as_ref().map(|s| s.0.clone()).unwrap_or_default(),
        source_id: source.map(|s| s.1).unwrap_or_default(),
        actor,
        polarity: if negated { "denied" } else { "affirmed" }.into(),
        family: rule.family.clone(),
        time,
        time_span: None,
        trigger_span: Some(crate::model::Span {
            start: t[i].start,
            end: t[i + len - 1].end,
        }),
        place_span: place.map(|m| crate::model::Span {
            start: t[m.start].start,
            end: t[m.end - 1].end,
        }),
        rounding_step: 0.0,
        ..Claim::default()
    };
    Some(Found {
        tok_start: i,
        tok_end: end.max(i + len),
        claim,
    })
}

/// The place that is the subject of a trigger: named right before it, with at most passive
/// auxiliaries between ("Homs fell to", "Hama was captured by", "Daraa has been taken").
fn subject_place<'m>(
    t: &[crate::normalize::Token],
    i: usize,
    places: &'m [Mention],
    rules: &RuleSet,
) -> Option<&'m Mention> {
    let m = places[..places.partition_point(|m| m.start < i)]
        .iter()
        .rev()
        .find(|m| m.end <= i)?;
    let between_ok = (m.end..i).all(|k| {
        t[k].sentence == t[i].sentence && rules.marker_at("passive_aux", t, k, false).is_some()
    });
    (t[m.start].sentence == t[i].sentence
        && i - m.end <= 3
        && between_ok
        && m.entity.kind != "country")
        .then_some(m)
}

/// The place a trigger without a named object speaks of: "انسحاب الأخيرة من المدينة" (the
/// city named before), "وفي دير الزور، أكدت قسد انتشارها" (the place the sentence opens
/// with). Without such a pointer a trigger with no place gives no claim.
/// Returns the place and the token after the pointer word (the end of the claim's span).
/// A pointer before token `claimed_to` belongs to an earlier claim's words ("Liberating the
/// area took two days": "the area" is what was liberated, not what "took" took).
fn earlier_place<'m>(
    toks: &Tokens,
    i: usize,
    len: usize,
    places: &'m [Mention],
    anaphors: &[usize],
    claimed_to: usize,
    rules: &RuleSet,
) -> Option<(&'m Mention, usize)> {
    let t = &toks.tokens;
    let sent = t[i].sentence;
    let specific = |m: &&Mention| m.entity.kind != "country";
    // the sentence opens with "(و)في <place>": its frame
    let first = t.partition_point(|x| x.sentence < sent);
    if matches!(t[first].norm.as_str(), "في" | "وفي") {
        if let Some(m) = places
            .binary_search_by_key(&(first + 1), |m| m.start)
            .ok()
            .map(|x| &places[x])
            .filter(specific)
        {
            return Some((m, i + len));
        }
    }
    // a word after the trigger (or in the sentence before it) that stands for a place
    let after = (i + len..(i + len + 8).min(t.len()))
        .find(|&k| t[k].sentence == sent && rules.marker_at("place_anaphor", t, k, true).is_some());
    // a pointer before the trigger counts within six words of it
    let from = first.max(i.saturating_sub(6)).max(claimed_to);
    let before = anaphors[anaphors.partition_point(|&k| k < from)..]
        .first()
        .is_some_and(|&k| k < i);
    // a verb that needs no object ends its clause ("the army retreated.", "ثم انسحبت،"): it
    // speaks of the place the text is on
    // (its subject may follow it: "انسحب الجيش السوري.")
    let implied = rules.marker_at("place_implied", t, i, true) == Some(len)
        && (i + len..=i + len + 3).any(|k| {
            t.get(k)
                .is_none_or(|x| x.sentence != sent || x.is_clause_mark())
        });
    if after.is_none() && !before && !implied {
        return None;
    }
    let end = after.map_or(i + len, |k| k + 1);
    // the nearest place before the trigger in its sentence; else the first place (the topic)
    // of the nearest earlier sentence that names one
    let before = &places[..places.partition_point(|m| m.start < i)];
    let recent = || {
        before
            .iter()
            .rev()
            .filter(|m| m.end <= i)
            .take_while(|m| t[m.start].sentence + 3 >= sent)
    };
    if let Some(m) = recent()
        .take_while(|m| t[m.start].sentence == sent)
        .find(specific)
    {
        return Some((m, end));
    }
    let prev_sent = recent().find(specific).map(|m| t[m.start].sentence)?;
    let from = before.partition_point(|m| t[m.start].sentence < prev_sent);
    before[from..]
        .iter()
        .take_while(|m| t[m.start].sentence == prev_sent)
        .find(specific)
        .map(|m| (m, end))
}

/// A year in the trigger's clause before the publication year dates the event
/// ("استعادت الحكومة السيطرة عليها في العام 2017"); a year further on belongs to another clause.
fn clause_year(toks: &Tokens, lo: usize, hi: usize, doc_date: Option<&str>) -> Option<String> {
    let doc_year: i32 = doc_date?.get(0..4)?.parse().ok()?;
    let sent = toks.tokens.get(lo)?.sentence;
    toks.tokens[lo..hi.min(toks.tokens.len())]
        .iter()
        .filter(|x| x.sentence == sent && x.kind == TokenKind::Number && x.norm.len() == 4)
        .filter_map(|x| x.norm.parse::<i32>().ok())
        .filter(|&y| (1900..doc_year).contains(&y))
        .max()
        .map(|y| y.to_string())
}

/// Who acted: the body (force, faction) nearest the trigger in its sentence.
fn nearest_actor(
    t: &[crate::normalize::Token],
    bodies: &[Mention],
    lo: usize,
    hi: usize,
) -> String {
    let sent = t[lo].sentence;
    crate::resolve::near_mentions(bodies, lo, hi, 10)
        .iter()
        .filter(|m| t[m.start].sentence == sent && m.entity.kind == "body")
        .map(|m| {
            (
                if m.start >= hi {
                    m.start - hi
                } else {
                    lo.saturating_sub(m.end) + 1
                },
                m,
            )
        })
        .filter(|(d, _)| *d <= 8)
        .min_by_key(|(d, m)| (*d, m.start))
        .map(|(_, m)| m.entity.id.clone())
        .unwrap_or_default()
}

/// The body named right next to a denial: "وزارة الدفاع السورية نفت ذلك", "نفته وزارة الدفاع".
fn nearest_body(
    text: &str,
    t: &[crate::normalize::Token],
    bodies: &[Mention],
    lo: usize,
    hi: usize,
) -> Option<(String, String)> {
    let sent = t[lo].sentence;
    crate::resolve::near_mentions(bodies, lo, hi, 8)
        .iter()
        .filter(|m| t[m.start].sentence == sent)
        .map(|m| {
            (
                if m.start >= hi {
                    m.start - hi
                } else {
                    lo.saturating_sub(m.end)
                },
                m,
            )
        })
        .filter(|(d, _)| *d <= 5)
        .min_by_key(|(d, m)| (*d, m.start))
        .map(|(_, m)| {
            (
                text[t[m.start].start..t[m.end - 1].end].to_string(),
                m.entity.id.clone(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokenize;

    /// The event claims of `text` published on `date`.
    fn found(text: &str, date: &str) -> Vec<Found> {
        let rules = RuleSet::builtin().unwrap();
        extract_events(text, &tokenize(text), "t", Some(date), &rules)
    }

    fn events(text: &str) -> Vec<String> {
        found(text, "2024-12-06")
            .into_iter()
            .map(|f| f.claim.describe())
            .collect()
    }

    #[test]
    fn every_action_class() {
        assert_eq!(
            events("سيطرت الفصائل على مدينة إدلب"),
            vec!["event took_control idlib affirmed"]
        );
        assert_eq!(
            events("دخلت قوات المعارضة مدينة حماة"),
            vec!["event entered hama affirmed"]
        );
        assert_eq!(
            events("تقدمت الفصائل في مناطق الرستن"),
            vec!["event advanced rastan affirmed"]
        );
        assert_eq!(
            events("باتت القوات على أسوار دمشق"),
            vec!["event reached damascus affirmed"]
        );
        assert_eq!(
            events("انسحب الجيش من مدينة تدمر"),
            vec!["event withdrew palmyra affirmed"]
        );
        assert_eq!(
            events("سلم النظام مدينة الرقة لقوات سوريا الديمقراطية"),
            vec!["event handed_over raqqa affirmed"]
        );
        assert_eq!(
            events("أخلت القوات الحكومية مطار المزة"),
            vec!["event evacuated mezzeh_airport affirmed"]
        );
        assert_eq!(
            events("أفرجت الفصائل عن المعتقلين في سجن صيدنايا"),
            vec!["event released_prisoners sednaya_prison affirmed"]
        );
        assert_eq!(
            events("انتشرت قوات سوريا الديمقراطية في مدينة الحسكة"),
            vec!["event deployed hasakah affirmed"]
        );
    }

    #[test]
    fn a_source_named_after_the_place_cites_the_event() {
        let text = "Opposition fighters captured the central city of Homs early Sunday, the Syrian Observatory for Human Rights said, hours after government forces withdrew from the city.";
        let found = found(text, "2024-12-08");
        let got: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.claim.category.as_str(), f.claim.source_id.as_str()))
            .collect();
        assert_eq!(got, vec![("took_control", "sohr"), ("withdrew", "sohr")]);
    }

    #[test]
    fn one_claim_per_place() {
        assert_eq!(
            events("سيطرت الفصائل على مدينتي حلب وحماة"),
            vec![
                "event took_control aleppo affirmed",
                "event took_control hama affirmed"
            ]
        );
    }

    #[test]
    fn negation_and_denial_flip_polarity() {
        assert_eq!(
            events("لم تنسحب القوات من مدينة حمص"),
            vec!["event withdrew homs denied"]
        );
        let e = events("أفاد المرصد بانسحاب القوات من مدينة حمص، الأمر الذي نفته وزارة الدفاع");
        assert_eq!(
            e,
            vec!["event withdrew homs affirmed", "event withdrew homs denied"]
        );
    }

    #[test]
    fn wishes_conditions_and_purposes_are_not_events() {
        assert!(events("في حال سيطرت الفصائل على حمص فلن يبقى شيء").is_empty());
        assert!(events("من شأن سيطرة الفصائل على حمص أن تقطع الطريق").is_empty());
        assert!(events("دعا القائد قواته للانسحاب من دمشق").is_empty());
        assert!(events("تحدث عن السيطرة الوشيكة على دمشق").is_empty());
    }

    #[test]
    fn a_place_that_only_locates_the_object_is_not_taken() {
        // "بريف حمص": Rastan and Talbiseh were taken, not Homs
        assert_eq!(
            events("حررت الفصائل مدينتي الرستن وتلبيسة بريف حمص"),
            vec![
                "event took_control rastan affirmed",
                "event took_control talbiseh affirmed"
            ]
        );
        // with nothing else named, the locator is the best there is
        assert_eq!(
            events("باتت الفصائل على بعد خمسة كيلومترات من أطراف حمص"),
            vec!["event reached homs affirmed"]
        );
    }

    #[test]
    fn a_conditional_sentence_states_no_event_and_under_control_looks_back() {
        assert!(
            events("وفي حال سيطرت الفصائل على حمص، فلن تبقى سوى دمشق تحت سيطرة الحكومة").is_empty()
        );
        assert_eq!(
            events("وأصبح معبر البوكمال الحدودي تحت سيطرة قسد"),
            vec!["event took_control albukamal_crossing affirmed"]
        );
        // a country beside it is not what is under control
        assert_eq!(
            events("أكدت قسد أن معبر البوكمال الحدودي مع العراق تحت سيطرتها"),
            vec!["event took_control albukamal_crossing affirmed"]
        );
    }

    #[test]
    fn attribution_and_actor_aliases() {
        let e = found(
            "وقال المرصد السوري إن قسد سيطرت على مدينة الرقة",
            "2024-12-06",
        );
        assert_eq!(e[0].claim.source_id, "sohr");
        assert_eq!(e[0].claim.actor, "sdf");
        let e = found(
            "وسيطرت هيئة تحرير الشام على مدينة حلب بحسب فرانس برس",
            "2024-12-06",
        );
        assert_eq!(
            (e[0].claim.actor.as_str(), e[0].claim.source_id.as_str()),
            ("hts", "afp")
        );
    }

    #[test]
    fn a_year_in_the_sentence_dates_the_event() {
        let e = found(
            "استعادت الحكومة السيطرة على مدينة حمص في العام 2017",
            "2024-12-06",
        );
        assert_eq!(e[0].claim.time.as_deref(), Some("2017"));
    }
}
