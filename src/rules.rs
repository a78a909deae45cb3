//! Takes rule files (embedded `rules/` plus an optional `--rules DIR`); returns one compiled
//! [`RuleSet`] holding all language knowledge: number words, units, qualifiers, categories,
//! months, markers and the gazetteer. Code holds mechanisms; this data holds the language.

use crate::error::{Error, Result};
use crate::normalize::{
    normalize, tokenize, PhraseStarts, Token, TokenKind, PHRASE_START_BITS, PHRASE_START_WORDS,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The largest rule file accepted.
pub const MAX_RULE_FILE_BYTES: usize = 8 << 20;
/// The most phrases a rule set may hold (the built-in rules hold a few thousand).
pub const MAX_PHRASES: usize = 500_000;
/// The most words one rule phrase may have.
pub const MAX_PHRASE_WORDS: usize = 12;

/// What part a number word plays in a compound.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// 0–9 (and 10 as `عشرة`), adds to the running value.
    Unit,
    /// `عشر` after a unit word makes a teen: `ثلاثة عشر` = 13.
    Teen,
    /// 20–90, adds.
    Ten,
    /// 100–900; multiplies a preceding unit (`ثلاث مئة`), else adds.
    Hundred,
    /// 1000, 10^6, 10^9 (and their duals): multiplies what precedes.
    Scale,
    /// Plural scale (`آلاف`): multiplies a preceding number; alone it is vague.
    ScalePlural,
    /// `نصف` after a scale: `مليون ونصف` = 1.5 million.
    Half,
}

/// `[[number]]`: word forms of one number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberWord {
    pub forms: Vec<String>,
    pub value: f64,
    pub kind: NumberKind,
    /// Whether the word may carry the definite article (`الثلاث`); false for `اثنين`
    /// (الاثنين = Monday) and `احد` (الأحد = Sunday).
    #[serde(default = "yes")]
    pub definite: bool,
    /// Whether the word alone (not in a compound) is a number; `احد` alone means "someone".
    #[serde(default = "yes")]
    pub alone: bool,
}

fn yes() -> bool {
    true
}

/// `[[vague]]`: a vague quantity and the range it stands for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VagueRule {
    pub forms: Vec<String>,
    pub low: f64,
    pub high: f64,
    /// Only a claim when a counted noun (a known unit) follows: `عدة عناصر`, not `عدة عمليات`.
    #[serde(default)]
    pub needs_noun: bool,
}

/// `[[qualifier]]`: words before or after a number that bound it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifierRule {
    pub kind: String,
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
}

/// `[[unit]]`: nouns and symbols naming what is counted or measured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRule {
    pub id: String,
    #[serde(default)]
    pub forms: Vec<String>,
    /// Dual forms that carry the number 2 themselves: `يومين` = two days.
    #[serde(default)]
    pub duals: Vec<String>,
    /// Signs written before the number: `$` in "$2.5 billion".
    #[serde(default)]
    pub prefix: Vec<String>,
    /// Convert to this unit before judging (`mile` → `km`): value × `factor` + `offset`
    /// (`offset` for affine scales: °F → °C is × 5/9 − 160/9).
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub factor: Option<f64>,
    #[serde(default)]
    pub offset: Option<f64>,
}

/// `[[ordinal]]`: ordinal words (`ثالث` = 3rd).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrdinalRule {
    pub forms: Vec<String>,
    pub value: f64,
}

/// `[[fraction]]`: a fraction word that states a share ("a fifth of" = 20 %).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FractionRule {
    pub forms: Vec<String>,
    pub percent: f64,
}

/// `[[month]]`: month names in every naming system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthRule {
    pub forms: Vec<String>,
    pub number: u32,
}

/// `[[weekday]]`: day names (ISO numbering: 1 = Monday … 7 = Sunday), read against the
/// publication date (`when.rs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekdayRule {
    pub forms: Vec<String>,
    pub day: u32,
}

/// `[[marker]]`: words with a grammatical job, by kind (see `rules/ar/markers.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerRule {
    pub kind: String,
    pub forms: Vec<String>,
}

/// How a category finds its subject.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SubjectMode {
    /// The nearest place in the sentence.
    #[default]
    Place,
    /// The nearest place before the number, searching back across sentences
    /// (a rank: `حمص، ثالث أكبر المدن`).
    Preceding,
    /// The story as a whole (the start date of the offensive): no place.
    None,
    /// The nearest place in the sentence, and nothing else: a figure whose sentence names no
    /// place is not compared with any other (a distance "the airport 9 km away" says neither
    /// from where nor to where in words another outlet would share).
    Own,
}

/// `[[category]]`: what a figure counts, recognised by its counted noun and cue words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    pub id: String,
    /// The counted noun right after the number (`قتيلا`, `مدنيا`).
    #[serde(default)]
    pub nouns: Vec<String>,
    /// Words anywhere near the number in the sentence (`مقتل`, `نزح`).
    #[serde(default)]
    pub cues: Vec<String>,
    /// A second set of cue words that must also be present.
    #[serde(default)]
    pub with: Vec<String>,
    /// Units this category accepts; empty accepts any.
    #[serde(default)]
    pub units: Vec<String>,
    /// A running toll: a rise between publication days is an update, not a conflict.
    #[serde(default)]
    pub running: Option<bool>,
    /// A running figure that is estimated, not tallied (the missing): two outlets' figures
    /// apart on one day are a conflict even when neither names its source, where a tally (the
    /// dead) may have risen between two reports of one day.
    #[serde(default)]
    pub estimate: Option<bool>,
    #[serde(default)]
    pub subject: Option<SubjectMode>,
    /// Relative tolerance for `about` figures in this category.
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// Whether claims of this category are grouped across documents (default true).
    #[serde(default)]
    pub groupable: Option<bool>,
    /// How many tokens around the number cue words are looked for.
    #[serde(default)]
    pub window: Option<usize>,
    /// The values the category can take, `[min, max]` (a magnitude is 0–10: "kills 2,300"
    /// beside "earthquake" is no magnitude).
    #[serde(default)]
    pub values: Option<[f64; 2]>,
}

/// `[[family]]`: categories that count the same thing under different names ("killed",
/// "bodies recovered", "death toll"); grouping compares figures by family, not by category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRule {
    pub id: String,
    /// The member categories' ids.
    pub categories: Vec<String>,
}

/// `[[action]]`: an action class of factual claims and its trigger words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRule {
    pub id: String,
    /// Claims of one family about one place are compared (`control`, `loss`, ...).
    pub family: String,
    pub triggers: Vec<String>,
    /// When set, one of these words must be in the clause (prisons for releases).
    #[serde(default)]
    pub needs: Vec<String>,
    /// What the trigger is about: `place` (the default: a gazetteer place in its clause, no
    /// place no claim) or `phrase` (the words after the trigger up to the clause's end: "the
    /// dams collapsed", "destroyed the port", "تعذر الوصول إلى أحياء كثيرة").
    #[serde(default)]
    pub object: String,
    /// `denied` when the trigger itself denies or disowns ("rejected the figures", "تعذر").
    #[serde(default)]
    pub polarity: String,
    /// `actor`: claims are compared per body named (who issued a figure), not per place.
    #[serde(default)]
    pub subject: String,
    /// `after`: the actor is the body named after the trigger ("blamed Hezbollah for"); else
    /// the body nearest the trigger.
    #[serde(default)]
    pub actor: String,
    /// The fact does not change with the day it is reported on (who issued a figure, who is
    /// to blame): a later denial contradicts an earlier report.
    #[serde(default)]
    pub timeless: bool,
    /// Only one actor can have done it (caused, is responsible): two sources naming different
    /// actors conflict.
    #[serde(default)]
    pub one_actor: bool,
    /// The trigger names the cause after it and the effect before it ("the explosion was
    /// caused by", "الانفجار ناجم عن"): the object is read before the trigger first.
    #[serde(default)]
    pub effect_before: bool,
}

/// `[judge]`: how intervals are built and compared.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeRule {
    /// Relative tolerance for `about` when the category sets none.
    #[serde(default = "default_tolerance")]
    pub about_tolerance: f64,
    /// Upper bound of `more_than X` as a factor of X; absent = unbounded.
    #[serde(default)]
    pub more_than_factor: Option<f64>,
    /// Lower bound of `up_to X` as a factor of X.
    #[serde(default)]
    pub up_to_floor: f64,
    /// Round figures (trailing zeros, scale words) are read as rounded to their precision.
    #[serde(default = "yes")]
    pub precision_rounding: bool,
}

fn default_tolerance() -> f64 {
    0.1
}

impl Default for JudgeRule {
    fn default() -> Self {
        JudgeRule {
            about_tolerance: 0.1,
            more_than_factor: None,
            up_to_floor: 0.0,
            precision_rounding: true,
        }
    }
}

/// `[[test]]`: an example a rule file carries: extracting `input` gives `expect`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    pub input: String,
    /// Each claim as `"<value> <qualifier> <unit>"`, optionally `" <category>"`; `~` for no value.
    pub expect: Vec<String>,
    /// Publication date the input is read against (default 2024-12-06).
    #[serde(default)]
    pub date: Option<String>,
}

/// One TOML rule file; every section is optional so topics can live one to a file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub number: Vec<NumberWord>,
    #[serde(default)]
    pub vague: Vec<VagueRule>,
    #[serde(default)]
    pub qualifier: Vec<QualifierRule>,
    #[serde(default)]
    pub unit: Vec<UnitRule>,
    #[serde(default)]
    pub ordinal: Vec<OrdinalRule>,
    #[serde(default)]
    pub month: Vec<MonthRule>,
    #[serde(default)]
    pub weekday: Vec<WeekdayRule>,
    #[serde(default)]
    pub fraction: Vec<FractionRule>,
    #[serde(default)]
    pub marker: Vec<MarkerRule>,
    #[serde(default)]
    pub category: Vec<CategoryRule>,
    #[serde(default)]
    pub action: Vec<ActionRule>,
    #[serde(default)]
    pub family: Vec<FamilyRule>,
    #[serde(default)]
    pub judge: Option<JudgeRule>,
    /// `[labels]`: the words readers see for ids, in one language (`rules/<lang>/labels.toml`).
    #[serde(default)]
    pub labels: Option<LabelTable>,
    #[serde(default)]
    pub test: Vec<RuleTest>,
}

/// `[labels]`: what a reader sees in place of an id, in one language. Each sub-table maps an id
/// to its label: `[labels.category] killed = "people killed"`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LabelTable {
    /// The language these labels are in (`ar`, `en`).
    pub lang: String,
    /// The language's name in itself (`العربية`), for a language switch.
    #[serde(default)]
    pub name: String,
    /// Writing direction: `rtl` or `ltr` (default `ltr`).
    #[serde(default)]
    pub dir: Option<String>,
    /// Categories (figures) and actions (events) by id.
    #[serde(default)]
    pub category: BTreeMap<String, String>,
    #[serde(default)]
    pub unit: BTreeMap<String, String>,
    #[serde(default)]
    pub verdict: BTreeMap<String, String>,
    #[serde(default)]
    pub qualifier: BTreeMap<String, String>,
    /// Claim kinds: `figure`, `event`.
    #[serde(default)]
    pub kind: BTreeMap<String, String>,
    /// Event polarity: `affirmed`, `denied`.
    #[serde(default)]
    pub polarity: BTreeMap<String, String>,
    /// The words of the reports themselves: headings, column names, buttons.
    #[serde(default)]
    pub page: BTreeMap<String, String>,
}

/// Labels in every language the rules know, and place names by gazetteer id.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Label tables by language code; a later file's labels override an earlier one's.
    pub langs: BTreeMap<String, LabelTable>,
    /// Gazetteer id → (first name, first Latin-script name).
    pub names: HashMap<String, (String, String)>,
}

/// The sub-tables of [`LabelTable`] a label is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    Category,
    Unit,
    Verdict,
    Qualifier,
    Kind,
    Polarity,
    Page,
}

impl LabelTable {
    fn table(&self, kind: LabelKind) -> &BTreeMap<String, String> {
        match kind {
            LabelKind::Category => &self.category,
            LabelKind::Unit => &self.unit,
            LabelKind::Verdict => &self.verdict,
            LabelKind::Qualifier => &self.qualifier,
            LabelKind::Kind => &self.kind,
            LabelKind::Polarity => &self.polarity,
            LabelKind::Page => &self.page,
        }
    }

    fn merge(&mut self, other: LabelTable) {
        if !other.name.is_empty() {
            self.name = other.name;
        }
        self.dir = other.dir.or(self.dir.take());
        self.category.extend(other.category);
        self.unit.extend(other.unit);
        self.verdict.extend(other.verdict);
        self.qualifier.extend(other.qualifier);
        self.kind.extend(other.kind);
        self.polarity.extend(other.polarity);
        self.page.extend(other.page);
    }
}

impl Labels {
    /// The label of `id` in `lang`, if the rules give one.
    pub fn get(&self, lang: &str, kind: LabelKind, id: &str) -> Option<&str> {
        self.langs
            .get(lang)
            .and_then(|t| t.table(kind).get(id))
            .map(String::as_str)
    }

    /// Whether `lang` is written right to left.
    pub fn is_rtl(&self, lang: &str) -> bool {
        self.langs
            .get(lang)
            .and_then(|t| t.dir.as_deref())
            .is_some_and(|d| d == "rtl")
    }

    /// A place's name in `lang` (its Latin-script name for languages written left to right).
    pub fn place(&self, lang: &str, id: &str) -> Option<&str> {
        let (first, latin) = self.names.get(id)?;
        if !self.is_rtl(lang) && !latin.is_empty() {
            Some(latin)
        } else {
            Some(first)
        }
    }
}

/// One gazetteer row: an id, a kind and its names in every language.
#[derive(Debug, Clone, Deserialize)]
pub struct GazetteerRow {
    pub id: String,
    pub kind: String,
    pub names: String,
}

/// One row of a place hierarchy file.
#[derive(Debug, Clone, Deserialize)]
struct WithinRow {
    id: String,
    within: String,
}

/// A gazetteer entry once compiled.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: String,
    /// The first name given, used for display.
    pub label: String,
    /// The first Latin-script name, shown for claims written in English.
    pub label_en: String,
}

impl Entity {
    /// The entity's name in the script of `text` (English names for English claims).
    pub fn label_for(&self, text: &str) -> &str {
        let latin = text
            .chars()
            .filter(|&c| is_alphabetic(c))
            .take(40)
            .filter(char::is_ascii_alphabetic)
            .count();
        let arabic = text
            .chars()
            .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
            .take(40)
            .count();
        if latin > arabic && !self.label_en.is_empty() {
            &self.label_en
        } else {
            &self.label
        }
    }
}

/// `char::is_alphabetic` without its table lookup for ASCII and the Arabic letters (a test
/// checks the shortcut against it).
fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        ('\u{0621}'..='\u{064A}').contains(&c) || c.is_alphabetic()
    }
}

/// A sequence of normalised word patterns; a pattern ending in `*` matches by prefix.
#[derive(Debug, Clone)]
pub struct Phrase<T> {
    pub words: Vec<String>,
    pub payload: T,
}

/// A set of phrases matched against tokens, the first word allowed to carry a proclitic.
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    /// Phrases by the [`word_hash`](crate::normalize::word_hash) of their first word.
    exact_first: FastMap<u64, Vec<usize>>,
    /// Phrases whose first word is a prefix pattern, by the pattern's first character.
    wildcard_first: FastMap<char, Vec<usize>>,
    phrases: Vec<Phrase<T>>,
    /// The first two letters of every one-word phrase, so that
    /// [`PhraseSet::first_one_word_prefix`] looks no further into a word that starts otherwise.
    one_word_pairs: rustc_hash::FxHashSet<(char, char)>,
    /// Whether some one-word phrase has a single letter (then every word is looked into).
    one_word_short: bool,
    /// The most words of a phrase.
    max_words: usize,
    /// This set's bit in [`Token::phrase_starts`] once the rule set is indexed; `None` (a set
    /// made or changed afterwards, or past the last bit) is always looked up.
    start_bit: Option<u16>,
}

/// A hash map with FxHash (rustc-hash): the maps here are keyed by short words or word hashes
/// from our own rule files and looked up once per token and pattern; SipHash's flood
/// resistance buys nothing there.
pub type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

impl<T> Default for PhraseSet<T> {
    fn default() -> Self {
        PhraseSet {
            exact_first: FastMap::default(),
            wildcard_first: FastMap::default(),
            phrases: Vec::new(),
            one_word_pairs: Default::default(),
            one_word_short: false,
            max_words: 0,
            start_bit: None,
        }
    }
}

/// Whether one normalised word matches a pattern (`قتيل*` matches `قتيلا`).
pub fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => pattern == word,
    }
}

/// Splits a rule phrase into normalised words the way the tokenizer would.
pub fn phrase_words(phrase: &str) -> Vec<String> {
    let wildcard = phrase.ends_with('*');
    let body = phrase.trim_end_matches('*');
    let mut words: Vec<String> = tokenize(body)
        .tokens
        .into_iter()
        .map(|t| t.norm.into_string())
        .collect();
    if wildcard {
        if let Some(last) = words.last_mut() {
            last.push('*');
        }
    }
    words
}

impl<T> PhraseSet<T> {
    /// Adds a phrase (written naturally; normalised here). Phrases longer than
    /// [`MAX_PHRASE_WORDS`] words are cut to that length.
    pub fn add(&mut self, phrase: &str, payload: T) {
        let mut words = phrase_words(phrase);
        if words.is_empty() {
            return;
        }
        words.truncate(MAX_PHRASE_WORDS);
        // a changed set is no longer what the rule set's index says
        self.start_bit = None;
        let idx = self.phrases.len();
        self.max_words = self.max_words.max(words.len());
        if words.len() == 1 {
            let mut letters = words[0].chars();
            match (letters.next(), letters.next()) {
                (Some(a), Some(b)) => {
                    self.one_word_pairs.insert((a, b));
                }
                _ => self.one_word_short = true,
            }
        }
        if words[0].ends_with('*') {
            let c = words[0].chars().next().unwrap_or('*');
            self.wildcard_first.entry(c).or_default().push(idx);
        } else {
            self.exact_first
                .entry(crate::normalize::word_hash(&words[0]))
                .or_default()
                .push(idx);
        }
        self.phrases.push(Phrase { words, payload });
    }

    /// The first phrase (in the order added) of one exact word that `word` starts with, such
    /// that `rest_ok` accepts the rest of `word`; with that rest. One lookup per letter of
    /// `word`, not one comparison per phrase.
    pub fn first_one_word_prefix<'w>(
        &self,
        word: &'w str,
        mut rest_ok: impl FnMut(&str) -> bool,
    ) -> Option<(&Phrase<T>, &'w str)> {
        if !self.may_have_one_word_prefix(word) {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for (k, _) in word.char_indices().skip(1).chain([(word.len(), ' ')]) {
            let (prefix, rest) = word.split_at(k);
            let Some(candidates) = self.exact_first.get(&crate::normalize::word_hash(prefix))
            else {
                continue;
            };
            for &idx in candidates {
                if best.is_some_and(|(b, _)| b <= idx) {
                    break;
                }
                let p = &self.phrases[idx];
                if p.words.len() == 1 && p.words[0] == prefix && rest_ok(rest) {
                    best = Some((idx, k));
                    break;
                }
            }
        }
        best.map(|(idx, k)| (&self.phrases[idx], &word[k..]))
    }

    /// False only when no one-word phrase can be a prefix of `word` (its first two letters
    /// start none).
    #[inline]
    pub fn may_have_one_word_prefix(&self, word: &str) -> bool {
        let mut letters = word.chars();
        self.one_word_short
            || letters
                .next()
                .zip(letters.next())
                .is_some_and(|pair| self.one_word_pairs.contains(&pair))
    }

    /// All phrases, in the order they were added.
    pub fn phrases(&self) -> impl Iterator<Item = &Phrase<T>> {
        self.phrases.iter()
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether the set holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The longest phrase starting at token `i`: (tokens consumed, payload, first word had a
    /// proclitic). `prefix` allows a proclitic on the first word (`لأكثر من`).
    // inlined: most calls end at the token's mark, and the full match is a call of its own
    #[inline]
    pub fn match_at(&self, tokens: &[Token], i: usize, prefix: bool) -> Option<(usize, &T, bool)> {
        let first = tokens.get(i)?;
        if !self.may_start(first) {
            return None;
        }
        self.match_forms_at(tokens, i, prefix)
    }

    #[inline(never)]
    fn match_forms_at(
        &self,
        tokens: &[Token],
        i: usize,
        prefix: bool,
    ) -> Option<(usize, &T, bool)> {
        self.match_forms(tokens, i, tokens[i].hashed_forms(prefix))
    }

    /// [`PhraseSet::match_at`]'s length alone: how many tokens the longest phrase at `i` takes.
    #[inline]
    pub fn len_at(&self, tokens: &[Token], i: usize, prefix: bool) -> Option<usize> {
        self.match_at(tokens, i, prefix).map(|(len, _, _)| len)
    }

    /// Like [`PhraseSet::match_at`] for proper names: a conjunction or preposition may be
    /// attached (`والقنيطرة`, `لدمشق`), the article may not (`السورية` is not `سورية`).
    #[inline]
    pub fn match_name_at(&self, tokens: &[Token], i: usize) -> Option<(usize, &T, bool)> {
        let first = tokens.get(i)?;
        if !self.may_start(first) {
            return None;
        }
        self.match_name_forms_at(tokens, i)
    }

    #[inline(never)]
    fn match_name_forms_at(&self, tokens: &[Token], i: usize) -> Option<(usize, &T, bool)> {
        self.match_forms(tokens, i, tokens[i].hashed_name_forms())
    }

    /// False only when the token's marks ([`RuleSet::mark_phrase_starts`]) say no phrase of
    /// this set can start there.
    #[inline]
    pub fn may_start(&self, token: &Token) -> bool {
        self.may_start_in(&token.phrase_starts)
    }

    /// Like [`PhraseSet::may_start`] for the union of the marks of several tokens: false only
    /// when no phrase of this set can start at any of them.
    #[inline]
    pub fn may_start_in(&self, starts: &PhraseStarts) -> bool {
        self.start_bit.is_none_or(|bit| has_start(starts, bit))
    }

    /// Gives this set `bit` and records, for each first word and wildcard first letter it
    /// looks up, that the set may start there.
    fn index_starts(&mut self, bit: usize, index: &mut PhraseStartIndex) {
        if bit >= PHRASE_START_BITS {
            self.start_bit = None;
            return;
        }
        self.start_bit = Some(bit as u16);
        for &hash in self.exact_first.keys() {
            index.mark_exact(hash, bit);
        }
        for &idx in self.wildcard_first.values().flatten() {
            let stem = self.phrases[idx].words[0].trim_end_matches('*');
            set_start(index.add_stem(stem), bit);
        }
    }

    fn match_forms<'f>(
        &self,
        tokens: &[Token],
        i: usize,
        forms: impl Iterator<Item = (&'f str, u64)>,
    ) -> Option<(usize, &T, bool)> {
        let mut best: Option<(usize, usize, bool)> = None;
        for (fi, (form, hash)) in forms.enumerate() {
            for &idx in self.first_word_candidates(form, hash) {
                let p = &self.phrases[idx];
                if !word_matches(&p.words[0], form) {
                    continue;
                }
                if self.rest_matches(tokens, i, p) && best.is_none_or(|(l, _, _)| p.words.len() > l)
                {
                    best = Some((p.words.len(), idx, fi > 0));
                }
            }
        }
        best.map(|(l, idx, stripped)| (l, &self.phrases[idx].payload, stripped))
    }

    /// The phrases that may start with `form` (whose [`word_hash`](crate::normalize::word_hash)
    /// is `hash`): those whose first word has that hash, then the wildcards of its first
    /// letter. The caller checks the first word with [`word_matches`].
    // always inlined: its callers run it for every form of every token that passes a mark
    #[inline(always)]
    fn first_word_candidates<'s>(
        &'s self,
        form: &str,
        hash: u64,
    ) -> impl Iterator<Item = &'s usize> + 's {
        let wild = form
            .chars()
            .next()
            .and_then(|c| self.wildcard_first.get(&c));
        self.exact_first
            .get(&hash)
            .into_iter()
            .flatten()
            .chain(wild.into_iter().flatten())
    }

    /// The payloads of every phrase of exactly `len` words at token `i` (the first word may
    /// carry a proclitic), in the order the phrases were added.
    pub fn payloads_at(&self, tokens: &[Token], i: usize, len: usize) -> Vec<&T> {
        let Some(first) = tokens.get(i) else {
            return Vec::new();
        };
        let mut found: Vec<usize> = Vec::new();
        for (form, hash) in first.hashed_forms(true) {
            for &idx in self.first_word_candidates(form, hash) {
                let p = &self.phrases[idx];
                if p.words.len() == len
                    && word_matches(&p.words[0], form)
                    && self.rest_matches(tokens, i, p)
                {
                    found.push(idx);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|idx| &self.phrases[idx].payload)
            .collect()
    }

    fn rest_matches(&self, tokens: &[Token], i: usize, p: &Phrase<T>) -> bool {
        p.words
            .iter()
            .enumerate()
            .skip(1)
            .all(|(k, w)| tokens.get(i + k).is_some_and(|t| word_matches(w, &t.norm)))
    }

    /// The longest phrase that ends right before token `end` (within one sentence).
    pub fn match_ending_at(
        &self,
        tokens: &[Token],
        end: usize,
        prefix: bool,
    ) -> Option<(usize, &T)> {
        let max = self.max_words;
        let mut best = None;
        for len in 1..=max.min(end) {
            let start = end - len;
            if let Some((l, payload, _)) = self.match_at(tokens, start, prefix) {
                if l == len && tokens[start].sentence == tokens[end - 1].sentence {
                    best = Some((start, payload));
                }
            }
        }
        best
    }
}

/// A compiled category.
#[derive(Debug, Clone)]
pub struct Category {
    pub rule: CategoryRule,
    pub nouns: PhraseSet<()>,
    pub cues: PhraseSet<()>,
    pub with: PhraseSet<()>,
}

/// How a quantity moves over time, which decides what two reports of it on different days,
/// or on one day, mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Course {
    /// It does not change (a distance, a tonnage): two different figures are a conflict.
    Fixed,
    /// A running tally (the dead): a rise between days, or between two reports of one day, is
    /// an update; a fall, or two named sources apart on one day, is a conflict.
    Tally,
    /// A running estimate (the missing): as a tally, but two outlets apart on one day are a
    /// conflict whether or not they name their sources.
    Estimate,
}

impl Category {
    /// How the quantity moves over time (see [`Course`]).
    pub fn course(&self) -> Course {
        match (self.rule.running, self.rule.estimate) {
            (Some(true), Some(true)) => Course::Estimate,
            (Some(true), _) => Course::Tally,
            _ => Course::Fixed,
        }
    }

    /// How the subject is found.
    pub fn subject(&self) -> SubjectMode {
        self.rule.subject.unwrap_or_default()
    }

    /// Whether claims of this category are grouped across documents.
    pub fn groupable(&self) -> bool {
        self.rule.groupable.unwrap_or(true)
    }
}

/// A compiled unit: what a counted noun or symbol is, and its conversion.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub id: String,
    /// Set when the form is a dual carrying the number 2.
    pub dual: bool,
}

/// Which phrase sets may start at a word: the union, over the sets of a [`RuleSet`], of the
/// keys each looks up (first-word hashes, wildcard first letters), so one pass over a
/// document's tokens tells each set where not to look.
#[derive(Debug, Clone, Default)]
pub struct PhraseStartIndex {
    exact: FastMap<u64, PhraseStarts>,
    /// Wildcard first words (`قتل*`) by their stem's first two letters: (stem, sets). A word
    /// marks the sets of the stems it starts with, not of every stem of its first letter.
    wildcard: FastMap<(char, char), Vec<(String, PhraseStarts)>>,
    /// Stems of one letter, by that letter.
    wildcard_short: FastMap<char, PhraseStarts>,
    /// Sets with a bare `*` first word: they may start anywhere.
    wildcard_any: PhraseStarts,
}

/// Whether bit `bit` of the marks is set.
#[inline]
fn has_start(starts: &PhraseStarts, bit: u16) -> bool {
    let bit = bit as usize;
    starts[bit / 64] & (1 << (bit % 64)) != 0
}

/// Sets bit `bit` of the marks.
fn set_start(starts: &mut PhraseStarts, bit: usize) {
    starts[bit / 64] |= 1 << (bit % 64);
}

/// ORs `bits` into `starts`.
fn or_starts(starts: &mut PhraseStarts, bits: &PhraseStarts) {
    starts.iter_mut().zip(bits).for_each(|(s, b)| *s |= b);
}

impl PhraseStartIndex {
    /// Records that the set of bit `bit` may start at a word whose hash is `hash`.
    fn mark_exact(&mut self, hash: u64, bit: usize) {
        set_start(
            self.exact.entry(hash).or_insert([0; PHRASE_START_WORDS]),
            bit,
        );
    }

    /// The marks of the wildcard stem `stem`, to set a phrase set's bit in.
    fn add_stem(&mut self, stem: &str) -> &mut PhraseStarts {
        let mut letters = stem.chars();
        match (letters.next(), letters.next()) {
            (None, _) => &mut self.wildcard_any,
            (Some(a), None) => self
                .wildcard_short
                .entry(a)
                .or_insert([0; PHRASE_START_WORDS]),
            (Some(a), Some(b)) => {
                let list = self.wildcard.entry((a, b)).or_default();
                let at = match list.iter().position(|(s, _)| s == stem) {
                    Some(at) => at,
                    None => {
                        list.push((stem.to_string(), [0; PHRASE_START_WORDS]));
                        list.len() - 1
                    }
                };
                &mut list[at].1
            }
        }
    }

    /// ORs into `starts` the marks of the wildcard stems that `form` starts with.
    fn mark_wildcards(&self, form: &str, starts: &mut PhraseStarts) {
        or_starts(starts, &self.wildcard_any);
        let mut letters = form.chars();
        let Some(a) = letters.next() else {
            return;
        };
        if let Some(bits) = self.wildcard_short.get(&a) {
            or_starts(starts, bits);
        }
        if let Some(list) = letters.next().and_then(|b| self.wildcard.get(&(a, b))) {
            for (stem, bits) in list {
                if form.starts_with(stem.as_str()) {
                    or_starts(starts, bits);
                }
            }
        }
    }
}

/// All rules, compiled once at start-up.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub numbers: FastMap<String, NumberWord>,
    pub vague: PhraseSet<VagueRule>,
    pub qualifiers_before: PhraseSet<String>,
    pub qualifiers_after: PhraseSet<String>,
    pub units: PhraseSet<UnitInfo>,
    /// Dual nouns that carry the number 2 (`يومين`).
    pub duals: PhraseSet<UnitInfo>,
    /// Unit signs before the number (`$`).
    pub unit_prefixes: PhraseSet<UnitInfo>,
    /// unit id → (target unit, factor)
    pub conversions: HashMap<String, (String, f64, f64)>,
    pub ordinals: PhraseSet<f64>,
    pub months: PhraseSet<u32>,
    /// Day names → ISO weekday (1 = Monday).
    pub weekdays: PhraseSet<u32>,
    pub fractions: PhraseSet<f64>,
    pub markers: FastMap<String, PhraseSet<()>>,
    pub categories: Vec<Category>,
    /// Action classes of factual claims, and their triggers (payload: index into `actions`).
    pub actions: Vec<(ActionRule, PhraseSet<()>)>,
    pub triggers: PhraseSet<usize>,
    /// Triggers of the actions whose object is a phrase (payload: index into `actions`).
    pub phrase_triggers: PhraseSet<usize>,
    pub judge: JudgeRule,
    /// What readers see for ids, by language.
    pub labels: Labels,
    pub places: PhraseSet<usize>,
    /// Nationalities (`nationality` rows of the gazetteer: "Egyptians", "مصريين"), payload an
    /// index into `entities`; read only after a number, never as places.
    pub nationalities: PhraseSet<usize>,
    pub bodies: PhraseSet<usize>,
    /// Shared with the mentions that name them (a mention clones the `Arc`, not the names).
    pub entities: Vec<std::sync::Arc<Entity>>,
    /// Category id → the family it is compared in (`rules/families.toml`); a category in no
    /// family is its own.
    pub families: HashMap<String, String>,
    /// Place id → the place it lies within (`rules/gazetteer/within.csv`).
    pub within: HashMap<String, String>,
    /// Place id → its kind in the gazetteer (`city`, `facility`, ...).
    pub place_kinds: HashMap<String, String>,
    /// Every rule file's examples: (file, test).
    pub tests: Vec<(String, RuleTest)>,
    /// Built by [`RuleSet::index_phrase_starts`]; read by [`RuleSet::mark_phrase_starts`].
    pub phrase_start_index: PhraseStartIndex,
    /// The bit of [`Token::phrase_starts`] set where a form of the token is a number word
    /// (`None` before indexing, or with no bit left: every token is then looked up).
    number_word_bit: Option<u16>,
}

impl RuleSet {
    /// The built-in rules.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::load(None)
    }

    /// The built-in rules with the files of `dir` added (a file with the same relative path
    /// replaces the built-in one).
    pub fn load(dir: Option<&Path>) -> Result<RuleSet> {
        let mut files: BTreeMap<String, String> = EMBEDDED_RULES
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(Error::Rule {
                    file: dir.display().to_string(),
                    message: "not a directory".into(),
                });
            }
            let mut found = Vec::new();
            collect_rule_files(dir, dir, &mut found)?;
            for (rel, path) in found {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e,
                })?;
                files.insert(rel, text);
            }
        }
        let origin = dir.map_or("(built-in)".into(), |d| d.display().to_string());
        RuleSet::from_files(&files, &origin)
    }

    /// The rule set of exactly these files (relative path → text), nothing built in:
    /// what [`RuleSet::load`] does once it has read them. `origin` names them in an error
    /// about the whole set.
    pub fn from_files(files: &BTreeMap<String, String>, origin: &str) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        let mut judge = None;
        // (file, family, category): checked once every category is known
        let mut families: Vec<(String, String, String)> = Vec::new();
        for (name, text) in files {
            // a rule set is data a user may hand us: bound it so a pathological one is refused,
            // not slow
            if text.len() > MAX_RULE_FILE_BYTES {
                return Err(Error::Rule {
                    file: name.clone(),
                    message: format!(
                        "{} bytes; a rule file may hold at most {MAX_RULE_FILE_BYTES}",
                        text.len()
                    ),
                });
            }
            if name.ends_with(".csv") {
                set.add_gazetteer(name, text)?;
                continue;
            }
            let file: RuleFile = toml::from_str(text).map_err(|e| Error::Rule {
                file: name.clone(),
                message: one_line(&e.to_string()),
            })?;
            for f in &file.family {
                for c in &f.categories {
                    families.push((name.clone(), f.id.clone(), c.clone()));
                }
            }
            set.add_file(name, file, &mut judge)?;
        }
        set.judge = judge.unwrap_or_default();
        set.check_families(&families)?;
        set.labels.names = set
            .entities
            .iter()
            .map(|e| (e.id.clone(), (e.label.clone(), e.label_en.clone())))
            .collect();
        let phrases = set.phrase_count();
        if phrases > MAX_PHRASES {
            return Err(Error::Rule {
                file: origin.to_string(),
                message: format!("{phrases} phrases; at most {MAX_PHRASES} are allowed"),
            });
        }
        set.index_phrase_starts();
        Ok(set)
    }

    /// Gives every phrase set a bit and builds the index [`RuleSet::mark_phrase_starts`]
    /// reads. Done by [`RuleSet::load`]; a set changed afterwards loses its bit and is always
    /// looked up.
    pub fn index_phrase_starts(&mut self) {
        let mut index = PhraseStartIndex::default();
        let mut bit = 0;
        macro_rules! index {
            ($set:expr) => {{
                $set.index_starts(bit, &mut index);
                bit += 1;
            }};
        }
        index!(self.vague);
        index!(self.qualifiers_before);
        index!(self.qualifiers_after);
        index!(self.units);
        index!(self.duals);
        index!(self.unit_prefixes);
        index!(self.ordinals);
        index!(self.months);
        index!(self.weekdays);
        index!(self.fractions);
        index!(self.triggers);
        index!(self.phrase_triggers);
        index!(self.places);
        index!(self.nationalities);
        index!(self.bodies);
        let mut kinds: Vec<&String> = self.markers.keys().collect();
        kinds.sort();
        let kinds: Vec<String> = kinds.into_iter().cloned().collect();
        for kind in kinds {
            if let Some(set) = self.markers.get_mut(&kind) {
                index!(set);
            }
        }
        for c in &mut self.categories {
            index!(c.nouns);
            index!(c.cues);
            index!(c.with);
        }
        for (_, needs) in &mut self.actions {
            index!(needs);
        }
        // number words are one-word forms in a map, not a phrase set: the same index tells
        // which tokens need the map looked up at all
        self.number_word_bit = (bit < PHRASE_START_BITS).then_some(bit as u16);
        if bit < PHRASE_START_BITS {
            for form in self.numbers.keys() {
                index.mark_exact(crate::normalize::word_hash(form), bit);
            }
        }
        self.phrase_start_index = index;
    }

    /// Sets each token's [`Token::phrase_starts`] to the phrase sets that may start there
    /// (over all its forms, with and without proclitics).
    pub fn mark_phrase_starts(&self, tokens: &mut [Token]) {
        let index = &self.phrase_start_index;
        for token in tokens {
            let mut starts = [0u64; PHRASE_START_WORDS];
            for (form, hash) in token.hashed_forms(true) {
                if let Some(bits) = index.exact.get(&hash) {
                    or_starts(&mut starts, bits);
                }
                index.mark_wildcards(form, &mut starts);
            }
            token.phrase_starts = starts;
        }
    }

    fn add_file(
        &mut self,
        name: &str,
        file: RuleFile,
        judge: &mut Option<JudgeRule>,
    ) -> Result<()> {
        let err = |m: String| Error::Rule {
            file: name.to_string(),
            message: m,
        };
        for w in file.number {
            for f in &w.forms {
                let n = normalize(f);
                if let Some(old) = self.numbers.get(&n) {
                    if old.value != w.value {
                        return Err(err(format!(
                            "number word {f:?} given twice ({} and {})",
                            old.value, w.value
                        )));
                    }
                }
                self.numbers.insert(n, w.clone());
            }
        }
        for v in file.vague {
            if v.low > v.high {
                return Err(err(format!(
                    "vague {:?}: low {} above high {}",
                    v.forms, v.low, v.high
                )));
            }
            for f in &v.forms {
                self.vague.add(f, v.clone());
            }
        }
        for q in file.qualifier {
            if crate::model::Qualifier::parse(&q.kind).is_none() {
                return Err(err(format!("qualifier kind {:?} is not one of exact, more_than, at_least, about, up_to, less_than, range, vague", q.kind)));
            }
            for f in &q.before {
                self.qualifiers_before.add(f, q.kind.clone());
            }
            for f in &q.after {
                self.qualifiers_after.add(f, q.kind.clone());
            }
        }
        for u in file.unit {
            if let (Some(to), Some(f)) = (&u.to, u.factor) {
                let offset = u.offset.unwrap_or(0.0);
                if !(f.is_finite() && f != 0.0 && offset.is_finite()) {
                    return Err(err(format!(
                        "unit {:?}: `factor` must be a finite number other than 0 and `offset` finite",
                        u.id
                    )));
                }
                self.conversions
                    .insert(u.id.clone(), (to.clone(), f, offset));
            } else if u.offset.is_some() {
                return Err(err(format!(
                    "unit {:?}: `offset` needs `to` and `factor`",
                    u.id
                )));
            } else if u.to.is_some() != u.factor.is_some() {
                return Err(err(format!(
                    "unit {:?}: `to` and `factor` go together",
                    u.id
                )));
            }
            for f in &u.forms {
                self.units.add(
                    f,
                    UnitInfo {
                        id: u.id.clone(),
                        dual: false,
                    },
                );
            }
            for f in &u.duals {
                self.duals.add(
                    f,
                    UnitInfo {
                        id: u.id.clone(),
                        dual: true,
                    },
                );
            }
            for f in &u.prefix {
                self.unit_prefixes.add(
                    f,
                    UnitInfo {
                        id: u.id.clone(),
                        dual: false,
                    },
                );
            }
        }
        for o in file.ordinal {
            for f in &o.forms {
                self.ordinals.add(f, o.value);
            }
        }
        for m in file.month {
            if !(1..=12).contains(&m.number) {
                return Err(err(format!(
                    "month {:?}: number {} is not 1-12",
                    m.forms, m.number
                )));
            }
            for f in &m.forms {
                self.months.add(f, m.number);
            }
        }
        for w in file.weekday {
            if !(1..=7).contains(&w.day) {
                return Err(err(format!(
                    "weekday {:?}: day {} is not 1-7 (1 = Monday)",
                    w.forms, w.day
                )));
            }
            for f in &w.forms {
                self.weekdays.add(f, w.day);
            }
        }
        for f in file.fraction {
            for form in &f.forms {
                self.fractions.add(form, f.percent);
            }
        }
        for m in file.marker {
            let set = self.markers.entry(m.kind.clone()).or_default();
            for f in &m.forms {
                set.add(f, ());
            }
        }
        for c in file.category {
            if let Some([min, max]) = c.values {
                if min.is_nan() || max.is_nan() || min > max {
                    return Err(err(format!("category {:?}: values [{min}, {max}] is no range (min must not exceed max)", c.id)));
                }
            }
            let mut cat = Category {
                nouns: PhraseSet::default(),
                cues: PhraseSet::default(),
                with: PhraseSet::default(),
                rule: c.clone(),
            };
            for f in &c.nouns {
                cat.nouns.add(f, ());
            }
            for f in &c.cues {
                cat.cues.add(f, ());
            }
            for f in &c.with {
                cat.with.add(f, ());
            }
            // a category defined in several files (one a language) gathers their words; a
            // setting given later overrides an earlier one
            if let Some(pos) = self.categories.iter().position(|x| x.rule.id == c.id) {
                let old = &mut self.categories[pos];
                for f in &c.nouns {
                    old.nouns.add(f, ());
                }
                for f in &c.cues {
                    old.cues.add(f, ());
                }
                for f in &c.with {
                    old.with.add(f, ());
                }
                let r = &mut old.rule;
                r.nouns.extend(c.nouns.iter().cloned());
                r.cues.extend(c.cues.iter().cloned());
                r.with.extend(c.with.iter().cloned());
                for u in &c.units {
                    if !r.units.contains(u) {
                        r.units.push(u.clone());
                    }
                }
                r.running = c.running.or(r.running);
                r.estimate = c.estimate.or(r.estimate);
                r.subject = c.subject.or(r.subject);
                r.tolerance = c.tolerance.or(r.tolerance);
                r.groupable = c.groupable.or(r.groupable);
                r.window = c.window.or(r.window);
                r.values = c.values.or(r.values);
            } else {
                self.categories.push(cat);
            }
        }
        // an action defined in several files (one a language) gathers their triggers and needs
        for a in file.action {
            if !matches!(a.object.as_str(), "" | "place" | "phrase") {
                return Err(err(format!(
                    "action {:?}: object {:?} is not place or phrase",
                    a.id, a.object
                )));
            }
            if !matches!(a.polarity.as_str(), "" | "affirmed" | "denied") {
                return Err(err(format!(
                    "action {:?}: polarity {:?} is not affirmed or denied",
                    a.id, a.polarity
                )));
            }
            let phrase = a.object == "phrase";
            let idx = match self.actions.iter().position(|(x, _)| x.id == a.id) {
                Some(i) => {
                    if (self.actions[i].0.object == "phrase") != phrase {
                        return Err(err(format!(
                            "action {:?}: object {:?} differs from the one given before",
                            a.id, a.object
                        )));
                    }
                    if self.actions[i].0.family != a.family {
                        return Err(err(format!(
                            "action {:?}: family {:?} differs from {:?} given before",
                            a.id, a.family, self.actions[i].0.family
                        )));
                    }
                    i
                }
                None => {
                    self.actions.push((
                        ActionRule {
                            triggers: Vec::new(),
                            needs: Vec::new(),
                            ..a.clone()
                        },
                        PhraseSet::default(),
                    ));
                    self.actions.len() - 1
                }
            };
            for f in &a.needs {
                self.actions[idx].1.add(f, ());
            }
            for f in &a.triggers {
                if phrase {
                    self.phrase_triggers.add(f, idx);
                } else {
                    self.triggers.add(f, idx);
                }
            }
            let rule = &mut self.actions[idx].0;
            rule.triggers.extend(a.triggers);
            rule.needs.extend(a.needs);
        }
        for f in file.family {
            for c in f.categories {
                if let Some(old) = self.families.get(&c).filter(|old| **old != f.id) {
                    return Err(err(format!(
                        "category {c:?} is in family {:?} and in {:?}",
                        old, f.id
                    )));
                }
                self.families.insert(c, f.id.clone());
            }
        }
        if let Some(l) = file.labels {
            if l.lang.is_empty() {
                return Err(err("[labels]: `lang` is empty".into()));
            }
            if !matches!(l.dir.as_deref(), None | Some("rtl") | Some("ltr")) {
                return Err(err(format!(
                    "[labels] dir {:?} is not rtl or ltr",
                    l.dir.unwrap_or_default()
                )));
            }
            match self.labels.langs.get_mut(&l.lang) {
                Some(old) => old.merge(l),
                None => {
                    self.labels.langs.insert(l.lang.clone(), l);
                }
            }
        }
        if let Some(j) = file.judge {
            if judge.is_some() {
                return Err(err("[judge] is set in two rule files".into()));
            }
            *judge = Some(j);
        }
        for t in file.test {
            self.tests.push((name.to_string(), t));
        }
        Ok(())
    }

    /// Every family names categories that exist.
    fn check_families(&self, families: &[(String, String, String)]) -> Result<()> {
        for (file, family, cat) in families {
            if self.category(cat).is_none() {
                return Err(Error::Rule {
                    file: file.clone(),
                    message: format!("family {family:?}: no category {cat:?} is defined"),
                });
            }
        }
        Ok(())
    }

    /// The family a category is compared in: `bodies_recovered` → `killed`.
    pub fn family_of<'a>(&'a self, category: &'a str) -> &'a str {
        self.families.get(category).map_or(category, String::as_str)
    }

    /// The places `place` lies within, nearest first (`beirut_port` → beirut, lebanon).
    pub fn ancestors(&self, place: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut at = place;
        // bounded: a cycle in a user's hierarchy file ends here, not in a hang
        while let Some(up) = self.within.get(at) {
            if out.len() >= 16 || up == place || out.contains(&up.as_str()) {
                break;
            }
            out.push(up);
            at = up;
        }
        out
    }

    /// Whether the places of a family's events are where they happened, so that one nested
    /// in another is one event's ("an explosion at the port" and "in Beirut"): its actions
    /// take a phrase object and are compared per place. An action whose place is its object
    /// ("took the airport", "took the city") keeps each place apart.
    pub fn event_places_nest(&self, family: &str) -> bool {
        let mut of_family = self.actions.iter().filter(|(a, _)| a.family == family);
        let first = of_family.next();
        first.is_some()
            && first
                .into_iter()
                .chain(of_family)
                .all(|(a, _)| a.object == "phrase" && a.subject != "actor")
    }

    /// Whether an event at `outer` is read as one at `inner` when it is the only place of its
    /// claims within it: a place of another kind (a port in its city, a city in its region or
    /// country), not one of the same kind (Palmyra lies in the province that bears the name of
    /// the city of Homs, and a blast in Homs is not one in Palmyra).
    pub fn event_narrows_to(&self, outer: &str, inner: &str) -> bool {
        match (self.place_kinds.get(outer), self.place_kinds.get(inner)) {
            (Some(o), Some(i)) => o != i,
            _ => false,
        }
    }

    /// Whether `inner` is `outer` or lies within it.
    pub fn lies_within(&self, inner: &str, outer: &str) -> bool {
        inner == outer || self.ancestors(inner).contains(&outer)
    }

    /// The unit claims are compared in, and the factor to get there (`mile` → `km`, 1.609).
    pub fn canonical_unit<'a>(&'a self, unit: &'a str) -> (&'a str, f64) {
        let (to, factor, _) = self.conversion(unit);
        (to, factor)
    }

    /// The unit `unit` is judged in and how a value converts to it: (unit, factor, offset),
    /// value × factor + offset; (`unit`, 1, 0) when it converts to nothing.
    pub fn conversion<'a>(&'a self, unit: &'a str) -> (&'a str, f64, f64) {
        match self.conversions.get(unit) {
            Some((to, f, o)) => (to.as_str(), *f, *o),
            None => (unit, 1.0, 0.0),
        }
    }

    /// A hierarchy file (`id,within` columns): each place and the place it lies within.
    fn add_within(&mut self, name: &str, text: &str) -> Result<()> {
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        for (n, row) in rdr.deserialize::<WithinRow>().enumerate() {
            let row = row.map_err(|e| Error::Rule {
                file: name.to_string(),
                message: format!("row {}: {}", n + 2, one_line(&e.to_string())),
            })?;
            if row.id.is_empty() || row.within.is_empty() || row.id == row.within {
                return Err(Error::Rule {
                    file: name.to_string(),
                    message: format!(
                        "row {}: {:?} within {:?} is no hierarchy",
                        n + 2,
                        row.id,
                        row.within
                    ),
                });
            }
            self.within.insert(row.id, row.within);
        }
        Ok(())
    }

    fn add_gazetteer(&mut self, name: &str, text: &str) -> Result<()> {
        let header = text
            .lines()
            .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
            .unwrap_or("");
        if header.split(',').map(str::trim).eq(["id", "within"]) {
            return self.add_within(name, text);
        }
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        for (n, row) in rdr.deserialize::<GazetteerRow>().enumerate() {
            let row = row.map_err(|e| Error::Rule {
                file: name.to_string(),
                message: format!("row {}: {}", n + 2, one_line(&e.to_string())),
            })?;
            let idx = self.entities.len();
            let names: Vec<&str> = row
                .names
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if names.is_empty() {
                return Err(Error::Rule {
                    file: name.to_string(),
                    message: format!("row {}: {:?} has no names", n + 2, row.id),
                });
            }
            let label_en = names
                .iter()
                .find(|n| n.is_ascii())
                .map(|n| n.to_string())
                .unwrap_or_default();
            self.entities.push(std::sync::Arc::new(Entity {
                id: row.id.clone(),
                kind: row.kind.clone(),
                label: names[0].to_string(),
                label_en,
            }));
            let target = if row.kind == "nationality" {
                &mut self.nationalities
            } else if is_place_kind(&row.kind) {
                self.place_kinds
                    .entry(row.id.clone())
                    .or_insert_with(|| row.kind.clone());
                &mut self.places
            } else {
                &mut self.bodies
            };
            for nm in names {
                target.add(nm, idx);
            }
        }
        Ok(())
    }

    /// How many phrases all sets hold.
    pub fn phrase_count(&self) -> usize {
        self.vague.len()
            + self.qualifiers_before.len()
            + self.qualifiers_after.len()
            + self.units.len()
            + self.duals.len()
            + self.ordinals.len()
            + self.months.len()
            + self.weekdays.len()
            + self.fractions.len()
            + self.places.len()
            + self.bodies.len()
            + self.triggers.len()
            + self.phrase_triggers.len()
            + self.markers.values().map(PhraseSet::len).sum::<usize>()
            + self
                .categories
                .iter()
                .map(|c| c.nouns.len() + c.cues.len() + c.with.len())
                .sum::<usize>()
            + self.numbers.len()
    }

    /// How a category's quantity moves over time; [`Course::Fixed`] for an unknown category.
    pub fn course_of(&self, category: &str) -> Course {
        self.category(category)
            .map_or(Course::Fixed, Category::course)
    }

    /// The marker set of a kind (empty when no rule defines it).
    pub fn marker(&self, kind: &str) -> Option<&PhraseSet<()>> {
        self.markers.get(kind)
    }

    /// Whether token `i` starts a marker phrase of `kind`; returns its length.
    pub fn marker_at(&self, kind: &str, tokens: &[Token], i: usize, prefix: bool) -> Option<usize> {
        self.markers.get(kind)?.len_at(tokens, i, prefix)
    }

    /// Sets the `about` tolerance of a category; false when there is no such category.
    pub fn set_tolerance(&mut self, id: &str, tolerance: f64) -> bool {
        match self.categories.iter_mut().find(|c| c.rule.id == id) {
            Some(c) => {
                c.rule.tolerance = Some(tolerance);
                true
            }
            None => false,
        }
    }

    /// The category rule with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.rule.id == id)
    }

    /// False only when no form of the token is a number word (its marks say so).
    #[inline]
    pub fn may_be_number_word(&self, tok: &Token) -> bool {
        self.number_word_bit
            .is_none_or(|bit| has_start(&tok.phrase_starts, bit))
    }

    /// Looks up a single normalised token as a number word, honouring `definite`.
    pub fn number_word(&self, tok: &Token, allow_prefix: bool) -> Option<&NumberWord> {
        if tok.kind != TokenKind::Word {
            return None;
        }
        if !self.may_be_number_word(tok) {
            return None;
        }
        if let Some(w) = self.numbers.get(tok.norm.as_str()) {
            return Some(w);
        }
        if !allow_prefix {
            return None;
        }
        for v in tok.forms(true).skip(1) {
            if let Some(w) = self.numbers.get(v) {
                let definite = tok.norm.len() > v.len()
                    && tok.norm[..tok.norm.len() - v.len()].ends_with("ال");
                if definite && !w.definite {
                    return None;
                }
                return Some(w);
            }
        }
        None
    }
}

/// Kinds of gazetteer rows that are places (the rest are bodies, people and outlets).
pub fn is_place_kind(kind: &str) -> bool {
    matches!(
        kind,
        "country"
            | "governorate"
            | "city"
            | "town"
            | "village"
            | "region"
            | "facility"
            | "crossing"
            | "prison"
            | "base"
            | "airport"
            | "district"
    )
}

/// A parser's multi-line message (TOML's caret diagrams) on one line, for `error: ...`.
pub(crate) fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|'))
        .collect::<Vec<_>>()
        .join(" ")
}

fn collect_rule_files(
    dir: &Path,
    root: &Path,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_rule_files(&p, root, out)?;
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("toml") | Some("csv")
        ) {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabetic_shortcut_agrees_with_the_standard_library() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }
}
