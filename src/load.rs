//! Takes paths (files, folders, `-`) and an optional manifest; returns [`Document`]s with
//! outlet, date and language, sorted by path so the order of arguments never matters.

use crate::error::{Error, Result};
use crate::model::Document;
use crate::rules::RuleSet;
use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// One manifest row: `file,outlet,date,url,language` (extra columns ignored).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ManifestRow {
    pub outlet: String,
    pub date: String,
    pub url: String,
    pub language: String,
}

/// Manifest rows keyed by the file's canonical path.
pub type Manifest = HashMap<PathBuf, ManifestRow>;

/// Reads a manifest CSV; file names are relative to the manifest's folder.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    parse_manifest(&text, path)
}

/// The manifest `path` holds `text`: the rows keyed by each file's canonical path, files named
/// relative to `path`'s folder. Errors name `path` and the line.
pub fn parse_manifest(text: &str, path: &Path) -> Result<Manifest> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let base = path.parent().unwrap_or(Path::new("."));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::Manifest {
            path: path.into(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let file_col = col("file").ok_or_else(|| Error::Manifest {
        path: path.into(),
        line: 1,
        message: "no `file` column (expected file,outlet,date,url,language)".into(),
    })?;
    let (outlet, date, url, lang) = (col("outlet"), col("date"), col("url"), col("language"));
    let mut out = Manifest::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::Manifest {
            path: path.into(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
        let file = get(Some(file_col));
        if file.is_empty() {
            return Err(Error::Manifest {
                path: path.into(),
                line,
                message: "empty `file`".into(),
            });
        }
        let date_v = get(date);
        if !date_v.is_empty() && !is_iso_date(&date_v) {
            return Err(Error::Manifest {
                path: path.into(),
                line,
                message: format!("date {date_v:?} is not YYYY-MM-DD, YYYY-MM or YYYY"),
            });
        }
        let full = base.join(&file);
        let key = full.canonicalize().map_err(|_| Error::Manifest {
            path: path.into(),
            line,
            message: format!("file {file:?} does not exist"),
        })?;
        if out.contains_key(&key) {
            return Err(Error::Manifest {
                path: path.into(),
                line,
                message: format!("file {file:?} listed twice"),
            });
        }
        out.insert(
            key,
            ManifestRow {
                outlet: get(outlet),
                date: date_v,
                url: get(url),
                language: get(lang),
            },
        );
    }
    Ok(out)
}

/// Whether a manifest date is ISO at day, month or year precision (`2023-09-11`, `2023-09`,
/// `2023`): a partial date is kept with its precision rather than refusing the manifest.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7) && (1..=12).contains(&num(5..7)),
        10 => {
            digits(0..4)
                && b[4] == b'-'
                && digits(5..7)
                && b[7] == b'-'
                && digits(8..10)
                && (1..=12).contains(&num(5..7))
                && (1..=31).contains(&num(8..10))
        }
        _ => false,
    }
}

/// Expands paths into document files (`.txt`, `.md`, recursively; `-` is stdin).
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Error::Missing(p.clone()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    for e in rd {
        let e = e.map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let p = e.path();
        let ft = e.file_type().map_err(|e| Error::Io {
            path: p.clone(),
            source: e,
        })?;
        if ft.is_dir() {
            walk(&p, out)?;
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("txt") | Some("md")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

/// How documents are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Decode invalid UTF-8 with replacement characters (and a warning) instead of failing.
    pub lossy: bool,
}

/// What reading a file gave: a document, or a file skipped with a reason (binary).
#[derive(Debug)]
pub enum ReadOutcome {
    Document(Box<Document>, Option<String>),
    Skipped(String),
}

/// Reads one document and fills in its provenance.
pub fn read_document(path: &Path, manifest: &Manifest, rules: &RuleSet) -> Result<Document> {
    match read_document_with(path, manifest, rules, ReadOptions::default())? {
        ReadOutcome::Document(d, _) => Ok(*d),
        ReadOutcome::Skipped(why) => Err(Error::Io {
            path: path.into(),
            source: std::io::Error::other(why),
        }),
    }
}

/// [`read_document`] with options: a binary file (a NUL byte in its first 8 KiB, as ripgrep
/// decides) is skipped with a reason; invalid UTF-8 is an error naming the byte offset, or under
/// `lossy` decoded with replacement characters and a warning.
pub fn read_document_with(
    path: &Path,
    manifest: &Manifest,
    rules: &RuleSet,
    opts: ReadOptions,
) -> Result<ReadOutcome> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| Error::Io {
                path: path.into(),
                source: e,
            })?;
        b
    } else {
        std::fs::read(path).map_err(|e| Error::Io {
            path: path.into(),
            source: e,
        })?
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Ok(ReadOutcome::Skipped(format!(
            "{}: binary file, skipped",
            path.display()
        )));
    }
    let (text, warning) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) if opts.lossy => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (text, Some(format!("{}: not valid UTF-8 from byte {offset}; decoded with replacement characters, offsets after it shift", path.display())))
        }
        Err(e) => {
            return Err(Error::NotUtf8 {
                path: path.into(),
                offset: e.utf8_error().valid_up_to(),
            })
        }
    };
    let row = path
        .canonicalize()
        .ok()
        .and_then(|k| manifest.get(&k))
        .cloned()
        .unwrap_or_default();
    let stem = if path.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    Ok(ReadOutcome::Document(
        Box::new(make_document(
            &stem,
            &path.to_string_lossy(),
            text,
            row,
            rules,
        )),
        warning,
    ))
}

/// Builds a document from its text and manifest row (outlet, date and language fallbacks).
pub fn make_document(
    id: &str,
    path: &str,
    text: String,
    row: ManifestRow,
    rules: &RuleSet,
) -> Document {
    let outlet = if !row.outlet.is_empty() {
        row.outlet.clone()
    } else {
        source_line(&text).unwrap_or_else(|| id.to_string())
    };
    let (date, date_source) = if !row.date.is_empty() {
        (Some(row.date.clone()), "manifest")
    } else if let Some(d) = dateline(&text, rules) {
        (Some(d), "dateline")
    } else if let Some(d) = url_date(&row.url) {
        (Some(d), "url")
    } else {
        (None, "unknown")
    };
    let language = if row.language.is_empty() {
        detect_language(&text).to_string()
    } else {
        row.language.clone()
    };
    Document {
        id: id.to_string(),
        path: path.to_string(),
        outlet,
        date,
        date_source: date_source.into(),
        language,
        url: (!row.url.is_empty()).then(|| row.url.clone()),
        text,
    }
}

/// The article's own source line: `المصدر: برّان برس` (last lines first).
fn source_line(text: &str) -> Option<String> {
    for line in text.lines().rev().take(15) {
        let l = line.trim();
        for key in ["المصدر:", "المصدر :", "Source:"] {
            if let Some(rest) = l.strip_prefix(key) {
                let r = rest.trim();
                if !r.is_empty() && r.chars().count() < 60 {
                    return Some(r.to_string());
                }
            }
        }
    }
    None
}

/// The date a news address carries in its path (`/2020/08/04/`, `/2023/09/`, `/2023-09-12-`):
/// at the precision it gives (day or month), read only from whole path segments whose year is
/// plausible for news (1990–2099) and whose month and day exist. A month alone dates the
/// article to the month ("Aug 4" takes its year) but orders no reports.
pub fn url_date(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').collect();
    let num = |s: &str, len: usize, lo: u32, hi: u32| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|n| (lo..=hi).contains(n))
    };
    let full = |y: u32, m: u32, d: u32| {
        let iso = format!("{y:04}-{m:02}-{d:02}");
        crate::when::day_number(&iso).map(|_| iso)
    };
    for (k, seg) in segs.iter().enumerate() {
        // "/2023/09/12/" or "/2023/09/"
        if let Some(y) = num(seg, 4, 1990, 2099) {
            if let Some(m) = segs.get(k + 1).and_then(|s| num(s, 2, 1, 12)) {
                let day = segs.get(k + 2).and_then(|s| num(s, 2, 1, 31));
                return match day {
                    Some(d) => full(y, m, d),
                    None => Some(format!("{y:04}-{m:02}")),
                };
            }
        }
        // "/2023-09-11-06-31-49" or "/2023-09-12-title": a segment opening with an ISO day
        let b = seg.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && (b.len() == 10 || b[10] == b'-') {
            if let (Some(y), Some(m), Some(d)) = (
                num(&seg[..4], 4, 1990, 2099),
                num(&seg[5..7], 2, 1, 12),
                num(&seg[8..10], 2, 1, 31),
            ) {
                if let Some(iso) = full(y, m, d) {
                    return Some(iso);
                }
            }
        }
    }
    None
}

/// A full date (day, month, year) in the first lines of the text: the dateline.
/// Falls back to the last full date in the last lines ("Posted Dec 8, 2024").
fn dateline(text: &str, rules: &RuleSet) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    // a date is read within a line (no sentence crosses one), from a month name (or month
    // number) of the month rules, and with no publication date a full date states its year in
    // four digits: a line without both is not extracted
    let full_date = |line: &&str, last: bool| {
        // most lines hold no four-digit run at all: they are not tokenised
        if !crate::extract::may_hold_year(line) {
            return None;
        }
        let mut toks = crate::normalize::tokenize(line);
        if !toks
            .tokens
            .iter()
            .any(|t| crate::extract::year_of(t).is_some())
        {
            return None;
        }
        rules.mark_phrase_starts(&mut toks.tokens);
        if !toks.tokens.iter().any(|t| rules.months.may_start(t)) {
            return None;
        }
        let found = crate::extract::extract_tokens(line, &toks, "", None, rules);
        let mut dates = found.into_iter().filter_map(|f| match f.claim.value {
            Some(crate::model::Value::Date(d)) if d.len() == 10 && !d.starts_with('-') => Some(d),
            _ => None,
        });
        if last {
            dates.next_back()
        } else {
            dates.next()
        }
    };
    // the first date of the first six lines, else the last of the last six (those not read
    // already: a line of the head gave no date)
    let head = &lines[..lines.len().min(6)];
    let tail = &lines[lines.len().saturating_sub(6).max(head.len())..];
    head.iter()
        .find_map(|l| full_date(l, false))
        .or_else(|| tail.iter().rev().find_map(|l| full_date(l, true)))
}

/// `ar` when Arabic letters outnumber Latin ones, else `en`.
pub fn detect_language(text: &str) -> &'static str {
    // of the first 20,000 characters, counted by bytes: U+0600..U+06FF are exactly the
    // two-byte characters led by 0xD8..0xDB, and no byte inside a character is one of these or
    // an ASCII letter
    let window = if text.len() > 20_000 {
        text.char_indices()
            .nth(20_000)
            .map_or(text, |(end, _)| &text[..end])
    } else {
        text
    };
    // counted in byte lanes, 255 bytes at a time (no lane overflows), which vectorises
    let (mut ar, mut la) = (0usize, 0usize);
    for chunk in window.as_bytes().chunks(255) {
        let (a, l) = chunk.iter().fold((0u8, 0u8), |(a, l), &b| {
            (
                a + u8::from(b.wrapping_sub(0xD8) < 4),
                l + u8::from((b | 0x20).wrapping_sub(b'a') < 26),
            )
        });
        ar += usize::from(a);
        la += usize::from(l);
    }
    if ar >= la {
        "ar"
    } else {
        "en"
    }
}

/// Documents read, and the warnings for files skipped or decoded lossily.
#[derive(Debug, Default)]
pub struct Loaded {
    pub docs: Vec<Document>,
    pub warnings: Vec<String>,
}

/// Reads every document under `paths` with its manifest (`manifest`, or a `sources.csv` in a
/// folder given as a path). Two files with one stem keep distinct ids (`a`, `a~2`).
pub fn load_all(
    paths: &[PathBuf],
    manifest: Option<&Path>,
    rules: &RuleSet,
) -> Result<Vec<Document>> {
    Ok(load_all_with(paths, manifest, rules, ReadOptions::default())?.docs)
}

/// [`load_all`] with options; binary files are skipped with a warning, not an error.
pub fn load_all_with(
    paths: &[PathBuf],
    manifest: Option<&Path>,
    rules: &RuleSet,
    opts: ReadOptions,
) -> Result<Loaded> {
    let found = manifest.map(Path::to_path_buf).or_else(|| {
        paths
            .iter()
            .find(|p| p.is_dir() && p.join("sources.csv").is_file())
            .map(|p| p.join("sources.csv"))
    });
    let manifest = match &found {
        Some(p) => read_manifest(p)?,
        None => Manifest::new(),
    };
    let files = expand_paths(paths)?;
    let mut loaded = Loaded {
        docs: Vec::with_capacity(files.len()),
        warnings: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in files {
        let mut d = match read_document_with(&f, &manifest, rules, opts)? {
            ReadOutcome::Document(d, warning) => {
                loaded.warnings.extend(warning);
                *d
            }
            ReadOutcome::Skipped(why) => {
                loaded.warnings.push(why);
                continue;
            }
        };
        let n = seen.entry(d.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            d.id = format!("{}~{}", d.id, n);
        }
        loaded.docs.push(d);
    }
    Ok(loaded)
}

/// One article of a JSONL corpus: `{"id","outlet","date","url","language","text"}`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct JsonlArticle {
    pub id: String,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    pub text: String,
}

/// Reads a JSONL corpus line by line: each item is a document or an error naming the line.
/// Blank lines are skipped. Memory stays constant whatever the corpus size.
pub fn jsonl_documents<'r, R: std::io::BufRead + 'r>(
    reader: R,
    name: &'r Path,
    rules: &'r RuleSet,
) -> impl Iterator<Item = Result<Document>> + 'r {
    reader.lines().enumerate().filter_map(move |(n, line)| {
        let line = match line {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Some(Err(Error::Claims {
                    path: name.into(),
                    line: n + 1,
                    message: "not valid UTF-8".into(),
                }))
            }
            Err(e) => {
                return Some(Err(Error::Io {
                    path: name.into(),
                    source: e,
                }))
            }
        };
        if line.trim().is_empty() {
            return None;
        }
        let a: JsonlArticle = match serde_json::from_str(&line) {
            Ok(a) => a,
            Err(e) => {
                return Some(Err(Error::Claims {
                    path: name.into(),
                    line: n + 1,
                    message: format!("not an article: {e}"),
                }))
            }
        };
        if let Some(d) = a
            .date
            .as_deref()
            .filter(|d| !d.is_empty() && !is_iso_date(d))
        {
            return Some(Err(Error::Claims {
                path: name.into(),
                line: n + 1,
                message: format!("date {d:?} is not YYYY-MM-DD, YYYY-MM or YYYY"),
            }));
        }
        let row = ManifestRow {
            outlet: a.outlet.unwrap_or_default(),
            date: a.date.unwrap_or_default(),
            url: a.url.unwrap_or_default(),
            language: a.language.unwrap_or_default(),
        };
        Some(Ok(make_document(&a.id, &a.id, a.text, row, rules)))
    })
}

/// A claim as `extract --format jsonl` writes it: the claim with its document's outlet and date.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ClaimLine {
    #[serde(flatten)]
    pub claim: crate::model::Claim,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

/// Reads claims extracted elsewhere (`extract --format jsonl`, e.g. as the map step of a
/// cluster job) and the documents they name, for `compare --claims`.
pub fn read_claims<R: std::io::BufRead>(
    reader: R,
    name: &Path,
) -> Result<(Vec<Document>, Vec<crate::model::Claim>)> {
    let mut docs: std::collections::BTreeMap<String, Document> = std::collections::BTreeMap::new();
    let mut claims = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::Io {
            path: name.into(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let c: ClaimLine = serde_json::from_str(&line).map_err(|e| Error::Claims {
            path: name.into(),
            line: n + 1,
            message: format!("not a claim: {e}"),
        })?;
        docs.entry(c.claim.doc.clone()).or_insert_with(|| Document {
            id: c.claim.doc.clone(),
            path: c.claim.doc.clone(),
            outlet: c.outlet.clone().unwrap_or_else(|| c.claim.doc.clone()),
            date_source: if c.date.is_some() {
                "claims"
            } else {
                "unknown"
            }
            .into(),
            date: c.date.clone(),
            language: detect_language(&c.claim.sentence).into(),
            url: None,
            text: String::new(),
        });
        claims.push(c.claim);
    }
    Ok((docs.into_values().collect(), claims))
}

#[cfg(test)]
mod tests {
    use super::url_date;

    #[test]
    fn a_news_address_dates_its_article_at_the_precision_it_gives() {
        let d = |u: &str| url_date(u);
        assert_eq!(
            d("https://x.com/news/2020/08/05/beirut-blast/"),
            Some("2020-08-05".into())
        );
        assert_eq!(
            d("http://nhub.news/fr/2020/08/beirut-blast/"),
            Some("2020-08".into())
        );
        assert_eq!(d("https://a.com/print/121635-2023-09-11-06-31-49"), None);
        assert_eq!(
            d("https://a.com/print/2023-09-11-06-31-49"),
            Some("2023-09-11".into())
        );
        assert_eq!(
            d("https://a.com/2023-09-12-flood"),
            Some("2023-09-12".into())
        );
        // no date: an id, a year alone, a month that does not exist, a date in the host
        assert_eq!(d("https://maghress.com/lakome/318248"), None);
        assert_eq!(d("https://a.com/archive/2023/"), None);
        assert_eq!(d("https://a.com/2023/13/01/"), None);
        assert_eq!(d("https://2023.com/"), None);
        assert_eq!(d("https://a.com/2023/02/30/x"), None);
        assert_eq!(d("https://a.com/?date=2023/09/12"), None);
        assert_eq!(d(""), None);
    }

    /// The definition [`super::detect_language`] reads by bytes.
    fn language_by_characters(text: &str) -> &'static str {
        let chars = text.chars().take(20_000);
        let ar = chars
            .clone()
            .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
            .count();
        let la = chars.filter(char::is_ascii_alphabetic).count();
        if ar >= la {
            "ar"
        } else {
            "en"
        }
    }

    proptest::proptest! {
        #[test]
        fn the_language_read_by_bytes_is_the_language_by_characters(
            s in "[a-zA-Z ءا-يپ٠-٩\u{05FF}\u{0700}\u{064B}éñ€𝟘]{0,60}",
            pad in 0usize..3,
        ) {
            // past the 20,000-character window, what follows must not count
            let long = format!("{}{}", "ب".repeat(9_995 * pad), s);
            for t in [&s, &long] {
                proptest::prop_assert_eq!(super::detect_language(t), language_by_characters(t));
            }
        }
    }
}
