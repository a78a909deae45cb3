//! Writes the report as JSON (the contract of `shared/eval/README.md`, schema in
//! `docs/report.md`) or claims as JSON Lines.

use super::Mode;
use crate::model::{Claim, Report, Span, Value};
use std::io::Write;

/// The whole report as one pretty-printed JSON object; `extract` leaves `groups` empty.
pub fn write(report: &Report, mode: Mode, out: &mut dyn Write) -> std::io::Result<()> {
    let mut r = report.clone();
    if mode == Mode::Extract {
        r.groups.clear();
    }
    serde_json::to_writer_pretty(&mut *out, &r)?;
    writeln!(out)
}

/// One claim a line, each carrying its document's outlet and date.
pub fn write_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let docs = super::doc_index(report);
    let mut line = Vec::with_capacity(1024);
    for c in &report.claims {
        let doc = docs.get(c.doc.as_str());
        line.clear();
        claim_line(
            &mut line,
            c,
            doc.map(|d| (d.outlet.as_str(), d.date.as_deref())),
        );
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// A claim as one JSONL line, written into `out`: the fields of [`Claim`] (with its serde
/// names and skips) and its document's `outlet` and `date` (when `doc` is given), keys in byte
/// order — what serialising the claim to a `serde_json::Value` (a sorted map) and adding the
/// two keys gives, without building the map. Written by hand because escaping the strings
/// (the sentence of each claim above all) was a tenth of `extract`'s work through serde; a
/// test checks the two agree on every field, and one that the strings are escaped as
/// serde_json escapes them.
fn claim_line(out: &mut Vec<u8>, c: &Claim, doc: Option<(&str, Option<&str>)>) {
    // every field named, so a field added to Claim does not compile until it is here
    let Claim {
        id,
        kind,
        doc: doc_id,
        start,
        end,
        text,
        sentence,
        value,
        low,
        high,
        qualifier,
        unit,
        category,
        subject,
        subject_id,
        source,
        source_id,
        actor,
        polarity,
        family,
        time,
        time_span,
        trigger_span,
        place_span,
        rounding_step,
        scope,
        partition,
        earlier,
        stated,
    } = c;
    let mut line = Line { out, first: true };
    if !actor.is_empty() {
        line.str("actor", actor);
    }
    line.str("category", category);
    if let Some((_, date)) = doc {
        line.opt_str("date", date);
    }
    line.str("doc", doc_id);
    if *earlier {
        line.raw("earlier", b"true");
    }
    line.usize("end", *end);
    if !family.is_empty() {
        line.str("family", family);
    }
    line.opt_f64("high", *high);
    line.str("id", id);
    line.str("kind", kind);
    line.opt_f64("low", *low);
    if let Some((outlet, _)) = doc {
        line.str("outlet", outlet);
    }
    if !partition.is_empty() {
        line.str("partition", partition);
    }
    line.opt_span("place_span", *place_span);
    if !polarity.is_empty() {
        line.str("polarity", polarity);
    }
    line.str("qualifier", qualifier.as_str());
    if !scope.is_empty() {
        line.str("scope", scope);
    }
    line.str("sentence", sentence);
    line.str("source", source);
    line.str("source_id", source_id);
    line.usize("start", *start);
    if *stated {
        line.raw("stated", b"true");
    }
    line.opt_f64("step", Some(*rounding_step));
    line.str("subject", subject);
    line.str("subject_id", subject_id);
    line.str("text", text);
    if let Some(time) = time {
        line.str("time", time);
    }
    line.opt_span("time_span", *time_span);
    line.opt_span("trigger_span", *trigger_span);
    line.str("unit", unit);
    match value {
        None => line.raw("value", b"null"),
        Some(Value::Number(n)) => line.opt_f64("value", Some(*n)),
        Some(Value::Date(d)) => line.str("value", d),
    }
    line.out.push(b'}');
}

/// A JSON object being written: its keys are written as given (they need no escaping).
struct Line<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Line<'_> {
    fn key(&mut self, key: &str) {
        self.out
            .extend_from_slice(if self.first { b"{\"" } else { b",\"" });
        self.first = false;
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn raw(&mut self, key: &str, value: &[u8]) {
        self.key(key);
        self.out.extend_from_slice(value);
    }

    fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        json_string(self.out, value);
    }

    fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, b"null"),
        }
    }

    fn usize(&mut self, key: &str, value: usize) {
        self.key(key);
        decimal(self.out, value);
    }

    /// A number as serde_json writes it (`null` when absent or not finite).
    fn opt_f64(&mut self, key: &str, value: Option<f64>) {
        self.key(key);
        // writing to a Vec cannot fail
        let _ = serde_json::to_writer(&mut *self.out, &value);
    }

    fn opt_span(&mut self, key: &str, span: Option<Span>) {
        if let Some(s) = span {
            self.key(key);
            self.out.extend_from_slice(b"{\"end\":");
            decimal(self.out, s.end);
            self.out.extend_from_slice(b",\"start\":");
            decimal(self.out, s.start);
            self.out.push(b'}');
        }
    }
}

/// `n` in decimal digits.
fn decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[k..]);
}

/// `s` as a JSON string, escaped exactly as serde_json escapes it: `"` and `\\`, the short
/// escapes `\b \t \n \f \r`, other control characters as `\u00xx`, nothing else. Eight
/// bytes are tested at a time; most text (all of Arabic) has nothing to escape.
fn json_string(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // a byte of `x` below 0x20, or equal to `"` or `\\` (may also flag a byte after such a
    // byte, never misses one)
    let may_escape = |x: u64| {
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            != 0
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        // whole words with nothing to escape, then the bytes of one word one at a time
        i += 8 * bytes[i..]
            .chunks_exact(8)
            .take_while(|w| {
                !may_escape(u64::from_le_bytes(
                    <[u8; 8]>::try_from(*w).unwrap_or_default(),
                ))
            })
            .count();
        for (k, &b) in bytes.iter().enumerate().take(i + 8).skip(i) {
            let short = match b {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                0x08 => Some(b'b'),
                b'\t' => Some(b't'),
                b'\n' => Some(b'n'),
                0x0C => Some(b'f'),
                b'\r' => Some(b'r'),
                _ => None,
            };
            if short.is_some() || b < 0x20 {
                out.extend_from_slice(&bytes[copied..k]);
                match short {
                    Some(e) => out.extend_from_slice(&[b'\\', e]),
                    None => out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 0xF)],
                    ]),
                }
                copied = k + 1;
            }
        }
        i += 8;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Qualifier};

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        json_string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "\"",
            "\\",
            "a\u{7f}b",
            "حمص \"الكبرى\"\n",
            &all_ascii,
            "12345678\u{1f}",
        ] {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn integers_are_written_in_decimal() {
        for n in [0, 7, 10, 1234567890, usize::MAX] {
            let mut out = Vec::new();
            decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "[\\x00-\\x7fب-ي€𝟘\\u{2028}]{0,40}") {
            proptest::prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }
    }

    /// The line as serialising the claim to a sorted map gives it (the previous writer).
    fn line_via_map(c: &Claim, doc: Option<&Document>) -> String {
        let mut v = serde_json::to_value(c).unwrap();
        if let (Some(obj), Some(d)) = (v.as_object_mut(), doc) {
            obj.insert("outlet".into(), d.outlet.clone().into());
            obj.insert("date".into(), d.date.clone().into());
        }
        serde_json::to_string(&v).unwrap()
    }

    fn line(c: &Claim, doc: Option<&Document>) -> String {
        let doc = doc.map(|d| (d.outlet.as_str(), d.date.as_deref()));
        let mut out = Vec::new();
        claim_line(&mut out, c, doc);
        String::from_utf8(out).unwrap()
    }

    fn document(date: Option<&str>) -> Document {
        Document {
            id: "d".into(),
            path: "d.txt".into(),
            outlet: "عنب \"بلدي\"".into(),
            date: date.map(String::from),
            date_source: "manifest".into(),
            language: "ar".into(),
            url: None,
            text: String::new(),
        }
    }

    #[test]
    fn a_line_is_the_sorted_map_of_the_claim_with_every_field_set() {
        let span = |start, end| Some(Span { start, end });
        let full = Claim {
            id: "c1".into(),
            kind: "event".into(),
            doc: "d".into(),
            start: 3,
            end: 9,
            text: "أكثر من 3500".into(),
            sentence: "قال \"المرصد\": قتل أكثر من 3500\n".into(),
            value: Some(Value::Number(3500.25)),
            low: Some(3500.0),
            high: None,
            qualifier: Qualifier::MoreThan,
            unit: "person".into(),
            category: "killed".into(),
            subject: "حمص".into(),
            subject_id: "homs".into(),
            source: "المرصد".into(),
            source_id: "sohr".into(),
            actor: "army".into(),
            polarity: "denied".into(),
            family: "control".into(),
            time: Some("2024-12-06".into()),
            time_span: span(1, 2),
            trigger_span: span(3, 4),
            place_span: span(5, 6),
            rounding_step: 100.0,
            scope: "homs".into(),
            partition: "figure|killed|person".into(),
            earlier: true,
            stated: true,
        };
        let date = Claim {
            value: Some(Value::Date("2024-12".into())),
            ..full.clone()
        };
        let empty = Claim::default();
        for c in [&full, &date, &empty] {
            for doc in [
                None,
                Some(document(None)),
                Some(document(Some("2024-12-06"))),
            ] {
                assert_eq!(line(c, doc.as_ref()), line_via_map(c, doc.as_ref()));
            }
        }
    }

    #[test]
    fn a_line_is_the_sorted_map_of_every_claim_of_the_seeds() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let docs = crate::load::load_all(&[dir.into()], None, &rules).unwrap();
        let claims = crate::extract_all(&docs, &rules);
        assert!(claims.len() > 100);
        for c in &claims {
            let doc = docs.iter().find(|d| d.id == c.doc);
            assert_eq!(line(c, doc), line_via_map(c, doc));
        }
    }
}
