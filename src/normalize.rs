//! Takes original text; returns normalised word forms and tokens that keep byte offsets
//! into the original, so matching is done on normalised forms and reporting on the original.

/// Folds the spelling variation of Arabic (and case of Latin) to one form.
///
/// - diacritics (tashkeel), superscript alef and tatweel are dropped: `انهيارًا` → `انهيارا`
/// - `أ إ آ ٱ` → `ا`, `ة` → `ه`, `ى` → `ي`, `ؤ` → `و`, `ئ` → `ي`
/// - Arabic-Indic (`٠-٩`) and Extended (`۰-۹`) digits → ASCII
/// - Latin letters are lower-cased; typographic quotes are left as they are.
///
/// ```
/// assert_eq!(claimdiff::normalize::normalize("أكثرُ"), "اكثر");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// [`normalize`] written into `out` (a token's inline string: no allocation for a short word).
fn normalize_into(s: &str, out: &mut impl std::fmt::Write) {
    // runs of characters that fold to themselves are copied whole; writing to a string
    // cannot fail
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        if folds_to_itself(c) {
            continue;
        }
        let _ = out.write_str(&s[run_start..i]);
        if let Some(m) = fold_char(c) {
            let _ = out.write_char(m);
        }
        run_start = i + c.len_utf8();
    }
    let _ = out.write_str(&s[run_start..]);
}

/// Characters [`fold_char`] returns unchanged that make up most text: ASCII but capitals, and
/// the Arabic letters that have no other form (a test checks it against `fold_char`).
fn folds_to_itself(c: char) -> bool {
    match c {
        '\0'..='\x7f' => !c.is_ascii_uppercase(),
        'ء' | 'ا' | 'ب' | 'ت'..='غ' | 'ف'..='و' | 'ي' => true,
        _ => false,
    }
}

/// Folds one character; `None` means the character is dropped.
pub fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' => return None,
        '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}' => return None,
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ة' => 'ه',
        'ى' => 'ي',
        'ؤ' => 'و',
        'ئ' => 'ي',
        'ک' => 'ك',
        'ی' => 'ي',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
        c => c,
    })
}

/// Whether `c` is a digit in any of the scripts claimdiff reads.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('٠'..='٩').contains(&c) || ('۰'..='۹').contains(&c)
}

/// Whether `c` belongs inside a word (letters, Arabic marks, tatweel).
fn is_word_char(c: char) -> bool {
    // fast paths: ASCII and the Arabic block cover nearly all news text
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    if ('\u{0621}'..='\u{064A}').contains(&c)
        || ('\u{064B}'..='\u{065F}').contains(&c)
        || c == '\u{0640}'
        || c == '\u{0670}'
    {
        return true;
    }
    // the rest of the Arabic block (punctuation, Persian letters) and general punctuation
    // (quotes, dashes, marks of direction) from a table made once from the general rule
    static TABLES: std::sync::OnceLock<[[bool; 256]; 2]> = std::sync::OnceLock::new();
    let block = match c as u32 {
        0x0600..=0x06FF => 0,
        0x2000..=0x20FF => 1,
        _ => return is_word_char_slow(c),
    };
    let tables = TABLES.get_or_init(|| {
        let table = |base: u32| {
            std::array::from_fn(|k| char::from_u32(base + k as u32).is_some_and(is_word_char_slow))
        };
        [table(0x0600), table(0x2000)]
    });
    tables[block][(c as u32 & 0xFF) as usize]
}

fn is_word_char_slow(c: char) -> bool {
    (c.is_alphabetic() || fold_char(c).is_none()) && !is_digit(c) && !c.is_whitespace()
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A run of letters.
    Word,
    /// A run of digits, possibly with inner separators (`1,5`, `2.424`, `٣٬٥٠٠`).
    Number,
    /// Any other single visible character (`%`, `/`, `(`, `+`, `،`).
    Punct,
}

/// One token with its byte span in the original text and its normalised form.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Normalised form (see [`normalize`]); for numbers, ASCII digits and the separators.
    pub norm: compact_str::CompactString,
    /// Index of the sentence this token belongs to.
    pub sentence: usize,
    /// Index of the line (newline-separated) this token belongs to.
    pub line: usize,
    /// Whether whitespace precedes this token (false when glued: `500%`, `من500`).
    pub space_before: bool,
    /// Byte lengths of the proclitics that can be stripped from `norm` (see [`variants`]),
    /// computed once so matching never allocates.
    pub strips: [u8; 6],
    pub n_strips: u8,
    /// Bit k set when strip k removes the article (`ال`, `لل`): not allowed for names.
    pub article_strips: u8,
    /// [`word_hash`] of `norm` (index 0) and of each stripped form (index k + 1), computed
    /// once so that each phrase set's lookup is one probe with no hashing of the word.
    pub form_hashes: [u64; 7],
    /// Which indexed phrase sets of the rules may start at this token, one bit a set (see
    /// `RuleSet::index_phrase_starts`): a set whose bit is clear is not looked up at all. All
    /// bits are set until the rules mark the tokens, so every set is looked up.
    pub phrase_starts: PhraseStarts,
}

/// One bit per indexed phrase set (at most [`PHRASE_START_BITS`]).
pub type PhraseStarts = [u64; PHRASE_START_WORDS];
/// Words of a [`PhraseStarts`].
pub const PHRASE_START_WORDS: usize = 8;
/// Phrase sets that can be indexed; any beyond are always looked up.
pub const PHRASE_START_BITS: usize = PHRASE_START_WORDS * 64;

impl Token {
    /// Whether the token is a mark that ends a clause inside a sentence (comma, semicolon,
    /// colon, in both scripts).
    pub fn is_clause_mark(&self) -> bool {
        matches!(self.norm.as_str(), "،" | "," | "؛" | ";" | ":")
    }

    /// The word and the forms it stands for without a proclitic: `وبالمئة`, `بالمئة`, `المئة`, ...
    pub fn forms(&self, prefix: bool) -> impl Iterator<Item = &str> {
        let n = if prefix { self.n_strips as usize } else { 0 };
        std::iter::once(self.norm.as_str()).chain(
            self.strips[..n]
                .iter()
                .map(move |&k| &self.norm[k as usize..]),
        )
    }

    /// [`Token::forms`] with each form's [`word_hash`].
    pub fn hashed_forms(&self, prefix: bool) -> impl Iterator<Item = (&str, u64)> {
        self.forms(prefix).zip(self.form_hashes)
    }

    /// [`Token::name_forms`] with each form's [`word_hash`].
    pub fn hashed_name_forms(&self) -> impl Iterator<Item = (&str, u64)> {
        let n = self.n_strips as usize;
        std::iter::once((self.norm.as_str(), self.form_hashes[0])).chain(
            self.strips[..n]
                .iter()
                .enumerate()
                .filter(move |(k, _)| self.article_strips & (1 << k) == 0)
                .map(move |(k, &s)| (&self.norm[s as usize..], self.form_hashes[k + 1])),
        )
    }

    /// Like [`Token::forms`] but never without the article: for proper names.
    pub fn name_forms(&self) -> impl Iterator<Item = &str> {
        let n = self.n_strips as usize;
        std::iter::once(self.norm.as_str()).chain(
            self.strips[..n]
                .iter()
                .enumerate()
                .filter(move |(k, _)| self.article_strips & (1 << k) == 0)
                .map(move |(_, &k)| &self.norm[k as usize..]),
        )
    }
}

/// The hash phrase sets key their first words by (FxHash of the normalised bytes). Equal
/// words have equal hashes; a collision only adds a candidate, which is then compared word
/// for word.
pub fn word_hash(word: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(word.as_bytes());
    h.finish()
}

/// The [`word_hash`] of a word and of its stripped forms, in the order of [`Token::forms`].
fn form_hashes(norm: &str, strips: &[u8]) -> [u64; 7] {
    let mut hashes = [0u64; 7];
    hashes[0] = word_hash(norm);
    for (k, &s) in strips.iter().enumerate() {
        hashes[k + 1] = word_hash(&norm[s as usize..]);
    }
    hashes
}

/// The proclitic strips of a word: byte lengths, count, and which remove an article.
fn proclitic_strips(word: &str) -> ([u8; 6], u8, u8) {
    let mut strips = [0u8; 6];
    let mut n = 0usize;
    let mut article = 0u8;
    // most words start with no proclitic letter: no list; else only the proclitics that
    // start with the word's letter
    let Some(prefixes) = word.chars().next().and_then(prefixes_starting_with) else {
        return (strips, 0, 0);
    };
    for p in prefixes {
        if n == strips.len() {
            break;
        }
        // byte by byte: the prefixes are a few bytes, a call to memcmp costs more
        let glued = p.len() <= word.len() && p.bytes().zip(word.bytes()).all(|(a, b)| a == b);
        if let Some(rest) = glued.then(|| &word[p.len()..]) {
            let k = p.len() as u8;
            // at least two letters left (without counting them all)
            if rest.chars().nth(1).is_some() && !strips[..n].contains(&k) {
                if p.contains("ال") || *p == "لل" {
                    article |= 1 << n;
                }
                strips[n] = k;
                n += 1;
            }
        }
    }
    (strips, n as u8, article)
}

/// A sentence: its byte span in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// A tokenised document: tokens plus sentence and line boundaries.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '\n' | '…' | '؛')
}

fn is_number_separator(c: char) -> bool {
    matches!(c, ',' | '.' | '٫' | '٬')
}

/// Splits `text` into tokens and sentences.
///
/// Digits glued to letters split into two tokens (`1498شخصًا` → `1498`, `شخصا`); a
/// separator between digits stays inside the number (`1,5`); a full stop between digits does
/// not end a sentence. URLs and e-mail addresses are skipped entirely: their digits are never
/// claims.
pub fn tokenize(text: &str) -> Tokens {
    // about one token in six bytes of news text: one allocation, not a doubling series
    let mut tokens = Vec::with_capacity(text.len() / 6 + 1);
    let mut sentences = Vec::new();
    // byte positions throughout; the character at a position is decoded where it is read
    let bytes = text.as_bytes();
    let char_at = |p: usize| -> Option<char> {
        // positions are always character boundaries: one and two-byte characters (ASCII,
        // Arabic) are decoded here, longer ones by the standard decoder
        match *bytes.get(p)? {
            b if b < 0x80 => Some(b as char),
            b if b & 0xE0 == 0xC0 => {
                let b1 = *bytes.get(p + 1)?;
                char::from_u32((u32::from(b & 0x1F) << 6) | u32::from(b1 & 0x3F))
            }
            _ => text.get(p..).and_then(|s| s.chars().next()),
        }
    };
    let mut pos = 0usize;
    let mut sentence = 0usize;
    let mut line = 0usize;
    let mut sentence_start = 0usize;
    let mut sentence_has_tokens = false;
    let mut space_before = true;
    while let Some(c) = char_at(pos) {
        let width = c.len_utf8();
        if c.is_whitespace() {
            if c == '\n' {
                if sentence_has_tokens {
                    sentences.push(Sentence {
                        start: sentence_start,
                        end: pos,
                    });
                    sentence += 1;
                    sentence_has_tokens = false;
                }
                line += 1;
                sentence_start = pos + 1;
            }
            space_before = true;
            pos += width;
            continue;
        }
        // URLs: skip to the next whitespace
        if (c == 'h' || c == 'w')
            && (text[pos..].starts_with("http://")
                || text[pos..].starts_with("https://")
                || text[pos..].starts_with("www."))
        {
            while let Some(d) = char_at(pos).filter(|d| !d.is_whitespace()) {
                pos += d.len_utf8();
            }
            space_before = true;
            continue;
        }
        if is_digit(c) {
            let mut end = pos + width;
            while let Some(d) = char_at(end) {
                if is_digit(d) {
                    end += d.len_utf8();
                } else if is_number_separator(d)
                    && char_at(end + d.len_utf8()).is_some_and(is_digit)
                {
                    let after = end + d.len_utf8();
                    end = after + char_at(after).map_or(0, char::len_utf8);
                } else {
                    break;
                }
            }
            let norm: compact_str::CompactString =
                text[pos..end].chars().filter_map(fold_char).collect();
            if !sentence_has_tokens {
                sentence_start = pos;
            }
            sentence_has_tokens = true;
            tokens.push(Token {
                start: pos,
                end,
                kind: TokenKind::Number,
                form_hashes: form_hashes(&norm, &[]),
                norm,
                sentence,
                line,
                space_before,
                strips: [0; 6],
                n_strips: 0,
                article_strips: 0,
                phrase_starts: [u64::MAX; PHRASE_START_WORDS],
            });
            space_before = false;
            pos = end;
            continue;
        }
        if is_word_char(c) {
            let mut end = pos + width;
            // most words have no letter to fold: their form is their text, copied once
            let mut folded = !folds_to_itself(c);
            while let Some(d) = char_at(end).filter(|&d| is_word_char(d)) {
                folded |= !folds_to_itself(d);
                end += d.len_utf8();
            }
            let norm = if folded {
                let mut norm = compact_str::CompactString::with_capacity(end - pos);
                normalize_into(&text[pos..end], &mut norm);
                norm
            } else {
                compact_str::CompactString::from(&text[pos..end])
            };
            if !sentence_has_tokens {
                sentence_start = pos;
            }
            sentence_has_tokens = true;
            if !norm.is_empty() {
                let (strips, n_strips, article_strips) = proclitic_strips(&norm);
                tokens.push(Token {
                    start: pos,
                    end,
                    kind: TokenKind::Word,
                    form_hashes: form_hashes(&norm, &strips[..n_strips as usize]),
                    norm,
                    sentence,
                    line,
                    space_before,
                    strips,
                    n_strips,
                    article_strips,
                    phrase_starts: [u64::MAX; PHRASE_START_WORDS],
                });
            }
            space_before = false;
            pos = end;
            continue;
        }
        // quotation marks carry nothing for the grammar: "على “بعد خمسة" reads as "على بعد خمسة"
        if matches!(c, '“' | '”' | '"' | '«' | '»' | '„' | '‟' | '‘' | '’') {
            pos += width;
            continue;
        }
        // punctuation
        let end = pos + width;
        if !sentence_has_tokens {
            sentence_start = pos;
        }
        let norm = match c {
            '٪' => compact_str::CompactString::const_new("%"),
            c => compact_str::CompactString::from(&*c.encode_utf8(&mut [0; 4])),
        };
        tokens.push(Token {
            start: pos,
            end,
            kind: TokenKind::Punct,
            form_hashes: form_hashes(&norm, &[]),
            norm,
            sentence,
            line,
            space_before,
            strips: [0; 6],
            n_strips: 0,
            article_strips: 0,
            phrase_starts: [u64::MAX; PHRASE_START_WORDS],
        });
        sentence_has_tokens = true;
        space_before = false;
        // "Dec. 6", "U.N.", "U.S. officials": a full stop before a digit or a lower-case word is an
        // abbreviation's, not a sentence end
        let abbreviation = c == '.'
            && (text[end..]
                .chars()
                .next()
                .is_some_and(|n| n.is_alphabetic() || n == '.')
                || text[end..]
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .next()
                    .is_some_and(|n| is_digit(n) || n.is_lowercase()));
        if is_sentence_end(c) && !abbreviation {
            sentences.push(Sentence {
                start: sentence_start,
                end,
            });
            sentence += 1;
            sentence_has_tokens = false;
            sentence_start = end;
        }
        pos = end;
    }
    if sentence_has_tokens {
        sentences.push(Sentence {
            start: sentence_start,
            end: text.len(),
        });
    }
    // Tokens of a sentence that never closed carry the index of the pushed sentence.
    Tokens { tokens, sentences }
}

/// Arabic proclitics a word may carry, longest first: `وبال`, `بال`, `لل`, `وال`, `و`, `ب`, ...
/// The first letters of [`PREFIXES`] (a test keeps them in step).
const PROCLITIC_LETTERS: [char; 6] = ['و', 'ف', 'ب', 'ل', 'ك', 'ا'];

const PREFIXES: &[&str] = &[
    "وبال", "وكال", "وفال", "فبال", "وللت", "وال", "بال", "كال", "فال", "لل", "ال", "وب", "ول",
    "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك",
];

/// The [`PREFIXES`] that start with `letter`, in their order; `None` when none does.
fn prefixes_starting_with(letter: char) -> Option<&'static [&'static str]> {
    static BY_LETTER: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let k = PROCLITIC_LETTERS.iter().position(|&c| c == letter)?;
    let lists = BY_LETTER.get_or_init(|| {
        PROCLITIC_LETTERS
            .iter()
            .map(|&c| {
                PREFIXES
                    .iter()
                    .copied()
                    .filter(|p| p.starts_with(c))
                    .collect()
            })
            .collect()
    });
    Some(&lists[k])
}

/// The forms a normalised word may stand for once a proclitic is removed, itself first:
/// `وبالمئة` → `وبالمئة`, `بالمئة`, `المئة`, `مئة`, ...
///
/// A stripped form keeps at least two letters, so short words are not eaten.
pub fn variants(word: &str) -> Vec<&str> {
    let (strips, n, _) = proclitic_strips(word);
    std::iter::once(word)
        .chain(strips[..n as usize].iter().map(|&k| &word[k as usize..]))
        .collect()
}

/// Strips only the joining `و` ("and") of a number word in a compound: `وعشرين` → `عشرين`.
pub fn strip_waw(word: &str) -> Option<&str> {
    word.strip_prefix('و').filter(|r| r.chars().count() >= 2)
}

/// A language-independent key for a name the gazetteer does not know: normalised, without
/// spaces, so `عبدالغني` and `عبد الغني` meet.
pub fn name_key(name: &str) -> String {
    normalize(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn word_characters_read_from_tables_follow_the_general_rule() {
        for c in ('\0'..='\u{3000}').chain(['\u{FEFF}', '\u{1F600}']) {
            assert_eq!(
                is_word_char(c),
                c.is_ascii_alphabetic() || (!c.is_ascii() && is_word_char_slow(c)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn the_tokenizer_decodes_every_width_of_character() {
        let t = tokenize("a ب €5 𝟘x ٣");
        let norms: Vec<&str> = t.tokens.iter().map(|x| x.norm.as_str()).collect();
        assert_eq!(norms, ["a", "ب", "€", "5", "𝟘", "x", "3"]);
    }

    #[test]
    fn characters_that_fold_to_themselves_do() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            if folds_to_itself(c) {
                assert_eq!(fold_char(c), Some(c), "{c:?}");
            }
        }
    }

    #[test]
    fn every_proclitic_starts_with_a_proclitic_letter() {
        for p in PREFIXES {
            assert!(p.starts_with(PROCLITIC_LETTERS), "{p}");
        }
        for c in PROCLITIC_LETTERS {
            assert!(PREFIXES.iter().any(|p| p.starts_with(c)), "{c}");
        }
    }

    #[test]
    fn folds_hamza_taa_marbuta_and_diacritics() {
        assert_eq!(normalize("إِحْدَى"), "احدي");
        assert_eq!(normalize("مدينةٌ"), "مدينه");
        assert_eq!(normalize("ســـلام"), "سلام");
        assert_eq!(normalize("٣٥٠٠"), "3500");
        assert_eq!(normalize("۱۲"), "12");
    }

    #[test]
    fn glued_digits_split_from_words() {
        let t = tokenize("لاكثر من500 و1498شخصًا");
        let norms: Vec<_> = t.tokens.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, vec!["لاكثر", "من", "500", "و", "1498", "شخصا"]);
        assert!(!t.tokens[2].space_before);
    }

    #[test]
    fn separators_stay_inside_numbers_and_do_not_end_sentences() {
        let t = tokenize("نزح 1,5 مليون. ثم 2.424 شخص.");
        assert_eq!(t.tokens[1].norm, "1,5");
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(
            t.tokens
                .iter()
                .find(|t| t.norm == "2.424")
                .unwrap()
                .sentence,
            1
        );
    }

    #[test]
    fn urls_are_skipped() {
        let t = tokenize("انظر https://example.com/a/2024/12 الآن");
        assert!(t.tokens.iter().all(|t| t.kind != TokenKind::Number));
    }

    #[test]
    fn offsets_slice_the_original() {
        let text = "قُتل ٣ أشخاص";
        for tok in tokenize(text).tokens {
            assert_eq!(normalize(&text[tok.start..tok.end]), tok.norm);
        }
    }

    #[test]
    fn prefixes_are_stripped_longest_first() {
        assert!(variants("وبالمئه").contains(&"مئه"));
        assert!(variants("ليومين").contains(&"يومين"));
        assert_eq!(variants("لا"), vec!["لا"]);
    }

    proptest! {
        #[test]
        fn normalising_twice_equals_once(s in "\\PC{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn token_offsets_fall_on_char_boundaries(s in "[ \\n0-9٠-٩,.%a-zا-ي\u{064B}-\u{0652}]{0,60}") {
            for tok in tokenize(&s).tokens {
                prop_assert!(s.is_char_boundary(tok.start) && s.is_char_boundary(tok.end));
                prop_assert!(tok.start < tok.end);
            }
        }
    }
}
