//! Takes a [`Report`]; writes one self-contained HTML page for editors: the run, then each
//! group as a card (conflicts, updates, agreements, then single claims folded away) with every
//! outlet's words and the figure marked in its sentence. Inline CSS and script only, under a
//! Content-Security-Policy that forbids every network load; the page works with scripts off.

use super::{bound_text, Options, Words};
use crate::model::{Claim, Document, Group, Report, Value, Verdict};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write;

/// Writes the page.
pub fn write(report: &Report, opts: Options, out: &mut dyn Write) -> std::io::Result<()> {
    let page = page(report, &Words::new(report, &opts));
    out.write_all(page.as_bytes())
}

/// Text from an article or a rule, made safe in HTML text and in quoted attribute values.
///
/// ```
/// assert_eq!(claimdiff::render::html::escape("<b a=\"x\">&'"), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--card:#f6f8fa;
--conflict:#b42318;--update:#1f5fbf;--agree:#1a7f37;--single:#6e7781}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0 auto;max-width:1200px;padding:1rem 1.25rem;color:var(--fg);background:var(--bg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
[lang=ar],[dir=rtl]{font-family:"Noto Naskh Arabic","Noto Sans Arabic","Geeza Pro","Segoe UI",
Tahoma,"Arabic Typesetting","DejaVu Sans",sans-serif}
td[lang=ar],body:lang(ar){line-height:1.8}
h1{font-size:1.45rem;margin:.2rem 0 .6rem}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:0}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:start;vertical-align:top}
td{overflow-wrap:anywhere}
td.sentence{min-width:18em;width:45%}
th{font-size:.82rem;color:var(--muted);font-weight:600}
.counts span,.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;margin:.1rem;
font-weight:600;font-size:.85rem;color:#fff}
.conflict{background:var(--conflict)}.update{background:var(--update)}
.agree{background:var(--agree)}.single{background:var(--single)}
.card{background:var(--card);border:1px solid var(--line);border-inline-start:6px solid var(--single);
border-radius:8px;padding:.7rem .9rem;margin:.8rem 0;break-inside:avoid}
.card.v-conflict{border-inline-start-color:var(--conflict)}
.card.v-update{border-inline-start-color:var(--update)}
.card.v-agree{border-inline-start-color:var(--agree)}
.card header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.meta{color:var(--muted);font-size:.88rem;margin:.25rem 0}
.reason{margin:.3rem 0;font-size:.92rem}
.gid{color:var(--muted);font-size:.8rem;margin-inline-start:auto}
mark{background:#ffe08a;color:inherit;padding:0 .1em;border-radius:2px}
.fig{font-weight:700;overflow-wrap:normal}.norm{display:block;color:var(--muted);font-size:.8rem}
.num{white-space:nowrap;font-variant-numeric:tabular-nums}
.chart{direction:ltr;margin:.4rem 0}
.chart svg{max-width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
#filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;padding:.6rem;border:1px solid var(--line);
border-radius:8px;background:var(--card);position:sticky;top:0;z-index:1}
#filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
#filters select,#filters input{font:inherit;padding:.15rem .3rem}
details>summary{cursor:pointer;font-size:1.2rem;font-weight:700;margin:1.6rem 0 .6rem}
.docs a{word-break:break-all}
@media print{#filters{display:none!important}body{max-width:none;font-size:11pt;padding:0}
.card{background:#fff}a{color:inherit}
.badge,.counts span{color:#000;background:#fff!important;border:1.5px solid #000}}
"#;

const SCRIPT: &str = r#"
(function(){
var f=document.getElementById('filters');if(!f)return;f.hidden=false;
document.documentElement.classList.add('js');
function el(n){return f.querySelector('[name='+n+']');}
var ks=['verdict','category','outlet','q'];
var cards=Array.prototype.slice.call(document.querySelectorAll('.card'));
function fromHash(){var p=new URLSearchParams(location.hash.slice(1));
ks.forEach(function(k){var e=el(k);if(e)e.value=p.get(k)||'';});}
function apply(){var v=el('verdict').value,c=el('category').value,o=el('outlet').value,
q=el('q').value.trim().toLowerCase(),n=0,h=[];
cards.forEach(function(k){var ok=(!v||k.getAttribute('data-verdict')===v)&&
(!c||k.getAttribute('data-category')===c)&&
(!o||(' '+k.getAttribute('data-outlets')+' ').indexOf(' '+o+' ')>=0)&&
(!q||k.textContent.toLowerCase().indexOf(q)>=0);k.hidden=!ok;if(ok)n++;});
document.querySelectorAll('.verdicts').forEach(function(s){
s.hidden=!s.querySelector('.card:not([hidden])');});
var d=document.getElementById('singles');if(d&&(v||c||o||q))d.open=true;
document.getElementById('nomatch').hidden=n>0;
document.getElementById('shown').textContent=String(n);
ks.forEach(function(k){var x=el(k).value;if(x)h.push(k+'='+encodeURIComponent(x));});
try{history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname+location.search);}catch(e){}
document.body.setAttribute('data-shown',String(n));}
fromHash();apply();
f.addEventListener('input',apply);f.addEventListener('change',apply);
window.addEventListener('hashchange',function(){fromHash();apply();});
window.addEventListener('beforeprint',function(){
document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
"#;

/// The verdicts in the order the page shows them, with the page word of their section.
const SECTIONS: [(Verdict, &str); 4] = [
    (Verdict::Conflict, "conflicts"),
    (Verdict::Update, "updates"),
    (Verdict::Agree, "agreements"),
    (Verdict::Single, "singles"),
];

/// The whole page as a string.
fn page(report: &Report, words: &Words) -> String {
    let docs = super::doc_index(report);
    let claims = super::claim_index(report);
    // outlets are numbered for the filter (names may hold any character)
    let outlets: BTreeSet<&str> = report.documents.iter().map(|d| d.outlet.as_str()).collect();
    let outlet_no: HashMap<&str, usize> =
        outlets.iter().enumerate().map(|(i, o)| (*o, i)).collect();
    let dir = if words.rtl() { "rtl" } else { "ltr" };
    let mut h = String::with_capacity(64 * 1024);
    let csp = format!(
        "default-src 'none'; script-src '{}'; style-src '{}'; img-src 'none'; \
         connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        lang = escape(&words.lang),
        csp = escape(&csp),
        title = escape(&words.page("title")),
    );
    header(&mut h, report, words);
    filters(&mut h, report, words, &outlets);
    let _ = writeln!(
        h,
        "<p id=\"nomatch\" hidden>{}</p>",
        escape(&words.page("no_match"))
    );
    let ctx = Ctx {
        docs: &docs,
        claims: &claims,
        outlet_no: &outlet_no,
        words,
    };
    for (verdict, key) in SECTIONS {
        let groups: Vec<&Group> = report
            .groups
            .iter()
            .filter(|g| g.verdict == verdict)
            .collect();
        if groups.is_empty() {
            continue;
        }
        let title = format!("{} ({})", escape(&words.page(key)), groups.len());
        if verdict == Verdict::Single {
            let _ = writeln!(
                h,
                "<details id=\"singles\" class=\"verdicts\"><summary>{title}</summary>"
            );
        } else {
            let _ = writeln!(
                h,
                "<section class=\"verdicts\" id=\"{key}\"><h2>{title}</h2>"
            );
        }
        for g in groups {
            card(&mut h, g, &ctx);
        }
        h.push_str(if verdict == Verdict::Single {
            "</details>\n"
        } else {
            "</section>\n"
        });
    }
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

/// What a card needs to look things up.
struct Ctx<'r, 'w> {
    docs: &'r HashMap<&'r str, &'r Document>,
    claims: &'r HashMap<&'r str, &'r Claim>,
    outlet_no: &'r HashMap<&'r str, usize>,
    words: &'r Words<'w>,
}

/// The run: documents by outlet, date, language and URL; counts by verdict.
fn header(h: &mut String, report: &Report, w: &Words) {
    let count = |v: Verdict| report.groups.iter().filter(|g| g.verdict == v).count();
    let _ = write!(
        h,
        "<p class=\"counts\">{} {} · {} {} · {} {}: ",
        report.documents.len(),
        escape(&w.page("documents")),
        report.claims.len(),
        escape(&w.page("claims")),
        report.groups.len(),
        escape(&w.page("groups")),
    );
    for (v, _) in SECTIONS {
        let _ = write!(
            h,
            "<span class=\"{}\">{} {}</span>",
            v.as_str(),
            escape(&w.verdict(v)),
            count(v)
        );
    }
    h.push_str("</p>\n<table class=\"docs\">\n<thead><tr>");
    for key in ["outlet", "date", "language"] {
        let _ = write!(h, "<th>{}</th>", escape(&w.page(key)));
    }
    h.push_str("<th>URL</th></tr></thead>\n<tbody>\n");
    let mut docs: Vec<&Document> = report.documents.iter().collect();
    docs.sort_by(|a, b| (&a.outlet, &a.date, &a.id).cmp(&(&b.outlet, &b.date, &b.id)));
    for d in docs {
        let url = match d.url.as_deref() {
            // only web links are made clickable: a `javascript:` URL stays text
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => format!(
                "<a href=\"{}\" rel=\"noreferrer noopener\" dir=\"ltr\">{}</a>",
                escape(u),
                escape(&readable_url(u))
            ),
            Some(u) => format!("<span dir=\"ltr\">{}</span>", escape(u)),
            None => format!("<span dir=\"ltr\">{}</span>", escape(&d.path)),
        };
        let _ = writeln!(
            h,
            "<tr><td dir=\"auto\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{url}</td></tr>",
            escape(&d.outlet),
            escape(d.date.as_deref().unwrap_or("?")),
            escape(&d.language),
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// A URL as a reader reads it: percent-escapes decoded when they spell UTF-8 text
/// (`%D8%AD%D9%85%D8%B5` → `حمص`), else as given.
fn readable_url(u: &str) -> String {
    let b = u.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        // a decoded control character or space would hide where the link goes
        Ok(s) if !s.chars().any(|c| c.is_control() || c.is_whitespace()) => s,
        _ => u.to_string(),
    }
}

/// The filter bar: hidden until the script shows it, so a page without scripts shows no dead
/// controls.
fn filters(h: &mut String, report: &Report, w: &Words, outlets: &BTreeSet<&str>) {
    let all = escape(&w.page("all"));
    let _ = write!(
        h,
        "<form id=\"filters\" hidden><strong>{}</strong>\n<label>{}<select name=\"verdict\">\
         <option value=\"\">{all}</option>",
        escape(&w.page("filters")),
        escape(&w.page("verdict"))
    );
    for (v, _) in SECTIONS {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            v.as_str(),
            escape(&w.verdict(v))
        );
    }
    let _ = write!(
        h,
        "</select></label>\n<label>{}<select name=\"category\"><option value=\"\">{all}</option>",
        escape(&w.page("category"))
    );
    let cats: BTreeMap<String, &str> = report
        .groups
        .iter()
        .map(|g| (w.category(&g.category), g.category.as_str()))
        .collect();
    for (label, id) in cats {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            escape(id),
            escape(&label)
        );
    }
    let _ = write!(
        h,
        "</select></label>\n<label>{}<select name=\"outlet\"><option value=\"\">{all}</option>",
        escape(&w.page("outlet"))
    );
    for (i, o) in outlets.iter().enumerate() {
        let _ = write!(h, "<option value=\"{i}\">{}</option>", escape(o));
    }
    let _ = writeln!(
        h,
        "</select></label>\n<label>{}<input type=\"search\" name=\"q\" dir=\"auto\"></label>\n\
         <span><output id=\"shown\">{}</output> / {}</span></form>",
        escape(&w.page("search")),
        report.groups.len(),
        report.groups.len()
    );
}

/// One group: what it is about, its verdict and reason, a chart where one helps, and a row
/// per claim with the outlet's sentence.
fn card(h: &mut String, g: &Group, ctx: &Ctx) {
    let w = ctx.words;
    let members: Vec<&Claim> = g
        .claims
        .iter()
        .filter_map(|id| ctx.claims.get(id.as_str()).copied())
        .collect();
    let mut outlet_ids: BTreeSet<usize> = BTreeSet::new();
    for c in &members {
        if let Some(n) = ctx
            .docs
            .get(c.doc.as_str())
            .and_then(|d| ctx.outlet_no.get(d.outlet.as_str()))
        {
            outlet_ids.insert(*n);
        }
    }
    let outlet_attr: Vec<String> = outlet_ids.iter().map(usize::to_string).collect();
    let v = g.verdict.as_str();
    let scope = super::scope(g, ctx.claims, w);
    let scope = if scope.is_empty() {
        w.page("story")
    } else {
        scope
    };
    let event = g.kind == "event";
    let label = if event {
        w.what(g, &scope)
    } else {
        w.category(&g.category)
    };
    let unit = if g.unit.is_empty() || event {
        String::new()
    } else {
        format!(
            " <span class=\"meta\">({})</span>",
            escape(&w.unit(&g.unit))
        )
    };
    let _ = writeln!(
        h,
        "<article class=\"card v-{v}\" id=\"{id}\" data-verdict=\"{v}\" data-category=\"{cat}\" \
         data-outlets=\"{outlets}\">\n<header><span class=\"badge {v}\">{badge}</span>\
         <h3 dir=\"auto\">{label}{unit}</h3><span class=\"gid\">{id}</span></header>\n\
         <p class=\"meta\"><span>{about_k}: <bdi>{scope}</bdi></span> · <span>{time_k}: {time}</span></p>\n\
         <p class=\"reason\" dir=\"auto\"><b>{why_k}:</b> {reason}</p>",
        id = escape(&g.id),
        cat = escape(&g.category),
        outlets = outlet_attr.join(" "),
        badge = escape(&w.verdict(g.verdict)),
        label = escape(&label),
        about_k = escape(&w.page("scope")),
        scope = escape(&scope),
        time_k = escape(&w.page("time")),
        time = escape(&time_words(&members, ctx)),
        why_k = escape(&w.page("reason")),
        reason = escape(&g.reason),
    );
    match g.verdict {
        Verdict::Update => timeline_chart(h, g, &members, ctx),
        Verdict::Conflict => interval_chart(h, &members, ctx),
        _ => {}
    }
    h.push_str("<table>\n<thead><tr>");
    let columns: &[&str] = if event {
        &["outlet", "date", "cited_source", "figure", "sentence"]
    } else {
        &[
            "outlet",
            "date",
            "cited_source",
            "figure",
            "low",
            "high",
            "sentence",
        ]
    };
    for key in columns {
        let _ = write!(h, "<th>{}</th>", escape(&w.page(key)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for c in &members {
        claim_row(h, c, event, ctx);
    }
    h.push_str("</tbody>\n</table>\n</article>\n");
}

/// One claim: outlet, date, cited source, the figure as written (with its reading), bounds and
/// the sentence with the figure's words marked.
fn claim_row(h: &mut String, c: &Claim, event: bool, ctx: &Ctx) {
    let w = ctx.words;
    let d = ctx.docs.get(c.doc.as_str()).copied();
    let outlet = d.map_or(c.doc.as_str(), |d| d.outlet.as_str());
    let published = d.and_then(|d| d.date.as_deref());
    let when = super::when_note(c, published);
    let date = match (published, when.is_empty()) {
        (Some(p), true) => p.to_string(),
        (Some(p), false) => format!("{p} ({when})"),
        (None, _) => format!("? {when}"),
    };
    let source = if c.source.is_empty() {
        format!(
            "<span class=\"meta\">{}</span>",
            escape(&w.page("none_cited"))
        )
    } else {
        format!("<bdi>{}</bdi>", escape(&c.source))
    };
    let bounds = if event {
        String::new()
    } else {
        let none = w.page("no_bound");
        let b = |x: Option<f64>| {
            if x.is_some() {
                bound_text(x)
            } else {
                none.clone()
            }
        };
        format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(&b(c.low)),
            escape(&b(c.high))
        )
    };
    let lang_attr = sentence_dir(d);
    // the reading under the outlet's words, when it says something they do not
    let reading = w.figure(c);
    let reading = if reading == c.text {
        String::new()
    } else {
        format!("<span class=\"norm\">{}</span>", escape(&reading))
    };
    let _ = writeln!(
        h,
        "<tr id=\"{cid}\"><td dir=\"auto\">{outlet}</td><td class=\"num\">{date}</td>\
         <td dir=\"auto\">{source}</td><td dir=\"auto\"><span class=\"fig\">{text}</span>{reading}</td>{bounds}\
         <td class=\"sentence\"{lang_attr}>{sentence}</td></tr>",
        cid = escape(&c.id),
        outlet = escape(outlet),
        date = escape(&date),
        text = escape(&c.text),
        sentence = marked_sentence(c, d),
    );
}

/// The direction attributes of a document's text: Arabic right to left, English left to right,
/// anything else decided by its first strong character.
fn sentence_dir(d: Option<&Document>) -> &'static str {
    match d.map(|d| d.language.as_str()) {
        Some("ar") => " dir=\"rtl\" lang=\"ar\"",
        Some("en") => " dir=\"ltr\" lang=\"en\"",
        _ => " dir=\"auto\"",
    }
}

/// The claim's sentence, escaped, with the claim's own words in `<mark>`. The claim's byte
/// offsets are into its document; the sentence is found there around them. Without the
/// document's text (claims read from JSONL) the claim's words are looked for in the sentence.
/// Offsets that fall outside the sentence or inside a character mark nothing; never panics.
pub fn marked_sentence(c: &Claim, doc: Option<&Document>) -> String {
    let sentence = if c.sentence.is_empty() {
        c.text.as_str()
    } else {
        c.sentence.as_str()
    };
    let span = doc
        .filter(|d| !d.text.is_empty())
        .and_then(|d| span_in_document(c, sentence, &d.text))
        .or_else(|| {
            (!c.text.is_empty())
                .then(|| sentence.find(&c.text))
                .flatten()
                .map(|a| (a, a + c.text.len()))
        });
    match span {
        Some((a, b))
            if a < b
                && b <= sentence.len()
                && sentence.is_char_boundary(a)
                && sentence.is_char_boundary(b) =>
        {
            format!(
                "{}<mark>{}</mark>{}",
                escape(&sentence[..a]),
                escape(&sentence[a..b]),
                escape(&sentence[b..])
            )
        }
        _ => escape(sentence),
    }
}

/// Where `[c.start, c.end)` falls inside `sentence`, found in the document's text.
fn span_in_document(c: &Claim, sentence: &str, text: &str) -> Option<(usize, usize)> {
    if c.start >= c.end || c.end > text.len() || sentence.is_empty() {
        return None;
    }
    let from = c.start.saturating_sub(sentence.len());
    let from = (0..=from).rev().find(|&i| text.is_char_boundary(i))?;
    let window = text.get(from..)?;
    window
        .match_indices(sentence)
        .map(|(i, _)| from + i)
        .take_while(|&p| p <= c.start)
        .find(|&p| c.end <= p + sentence.len())
        .map(|p| (c.start - p, c.end - p))
}

/// When, in words: the days the claims name ("on 2024-12-07"), then the publication days.
fn time_words(members: &[&Claim], ctx: &Ctx) -> String {
    let w = ctx.words;
    let named: BTreeSet<&str> = members.iter().filter_map(|c| c.time.as_deref()).collect();
    let published: BTreeSet<&str> = members
        .iter()
        .filter_map(|c| ctx.docs.get(c.doc.as_str()).and_then(|d| d.date.as_deref()))
        .collect();
    let span = |set: &BTreeSet<&str>| match (set.first(), set.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a.to_string(),
        _ => "?".to_string(),
    };
    let reported = format!("{} {}", w.page("reported"), span(&published));
    if named.is_empty() || named == published {
        reported
    } else {
        format!("{} {} · {reported}", w.page("on"), span(&named))
    }
}

/// Numbers on one axis: `[lo, hi]` mapped onto `[x0, x1]`.
struct Axis {
    lo: f64,
    hi: f64,
    x0: f64,
    x1: f64,
}

impl Axis {
    fn of(values: impl Iterator<Item = f64>, x0: f64, x1: f64) -> Option<Axis> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            return None;
        }
        if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
            lo -= 1.0_f64.max(lo.abs() * 0.1);
            hi += 1.0_f64.max(hi.abs() * 0.1);
        }
        let pad = (hi - lo) * 0.06;
        Some(Axis {
            lo: if lo >= 0.0 {
                (lo - pad).max(0.0)
            } else {
                lo - pad
            },
            hi: hi + pad,
            x0,
            x1,
        })
    }

    fn at(&self, v: f64) -> f64 {
        self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)
    }
}

/// A conflict's competing intervals on one axis: one bar per claim, from its low to its high
/// (an arrow where it is unbounded), its stated figure as a dot.
fn interval_chart(h: &mut String, members: &[&Claim], ctx: &Ctx) {
    let rows: Vec<&&Claim> = members
        .iter()
        .filter(|c| c.kind != "event" && (c.low.is_some() || c.high.is_some()))
        .collect();
    if rows.len() < 2 {
        return;
    }
    let values = rows
        .iter()
        .flat_map(|c| [c.low, c.high, c.value.as_ref().and_then(Value::number)])
        .flatten();
    let (width, left, right) = (640.0, 170.0, 620.0);
    let Some(axis) = Axis::of(values, left, right) else {
        return;
    };
    let row_h = 26.0;
    let height = 34.0 + row_h * rows.len() as f64;
    let _ = write!(
        h,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{label}\">\
         <title>{label}</title>",
        label = escape(&ctx.words.page("intervals"))
    );
    for (i, c) in rows.iter().enumerate() {
        let y = 14.0 + row_h * i as f64 + row_h / 2.0;
        let outlet = ctx
            .docs
            .get(c.doc.as_str())
            .map_or(c.doc.as_str(), |d| d.outlet.as_str());
        let a = c.low.map_or(axis.x0, |v| axis.at(v));
        // an exact figure is a point: give its bar a visible width
        let b = c.high.map_or(axis.x1, |v| axis.at(v)).max(a + 3.0);
        let _ = write!(
            h,
            "<text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{o}</text>\
             <line x1=\"{a:.1}\" y1=\"{y:.1}\" x2=\"{b:.1}\" y2=\"{y:.1}\" stroke=\"#b42318\" \
             stroke-width=\"6\" stroke-linecap=\"round\" opacity=\"0.75\"/>",
            tx = left - 8.0,
            ty = y + 4.0,
            o = escape(&clip(outlet, 16)),
        );
        if c.high.is_none() {
            let _ = write!(
                h,
                "<path d=\"M{:.1} {:.1} l10 -7 v14 z\" fill=\"#b42318\"/>",
                axis.x1 + 10.0,
                y
            );
        }
        if let Some(v) = c.value.as_ref().and_then(Value::number) {
            let _ = write!(
                h,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"#1b1f24\"><title>{}</title></circle>",
                axis.at(v),
                escape(&c.text)
            );
        }
    }
    axis_ticks(h, &axis, height - 8.0);
    h.push_str("</svg></figure>\n");
}

/// Tick labels at both ends and in the middle of an axis, at baseline `y`.
fn axis_ticks(h: &mut String, axis: &Axis, y: f64) {
    let _ = write!(
        h,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d7de\"/>",
        axis.x0,
        y - 12.0,
        axis.x1,
        y - 12.0
    );
    for t in [0.0, 0.5, 1.0] {
        let v = axis.lo + (axis.hi - axis.lo) * t;
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>",
            axis.at(v),
            escape(&short_number(v))
        );
    }
}

/// A running toll over time: the group's timeline steps as labelled points, the claims' figures
/// plotted by the day they are about (or were published).
fn timeline_chart(h: &mut String, g: &Group, members: &[&Claim], ctx: &Ctx) {
    let date_of = |c: &Claim| -> Option<String> {
        c.time
            .clone()
            .or_else(|| ctx.docs.get(c.doc.as_str()).and_then(|d| d.date.clone()))
    };
    // day → figures stated that day
    let mut by_day: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for c in members {
        let v = c
            .value
            .as_ref()
            .and_then(Value::number)
            .or(c.low)
            .or(c.high);
        if let (Some(day), Some(v)) = (date_of(c), v) {
            by_day.entry(day).or_default().push(v);
        }
    }
    for s in &g.timeline {
        if let Some(d) = &s.date {
            by_day.entry(d.clone()).or_default();
        }
    }
    let days: Vec<&String> = by_day.keys().collect();
    if days.len() < 2 {
        return;
    }
    let (width, height, top, bottom) = (640.0, 200.0, 16.0, 160.0);
    let Some(yaxis) = Axis::of(by_day.values().flatten().copied(), bottom, top) else {
        return;
    };
    let x_of = |i: usize| 60.0 + (520.0 * i as f64) / (days.len() - 1) as f64;
    let _ = write!(
        h,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title>",
        label = escape(&ctx.words.page("timeline"))
    );
    // the line through each day's highest figure
    let points: Vec<String> = by_day
        .values()
        .enumerate()
        .filter_map(|(i, vs)| {
            vs.iter()
                .copied()
                .reduce(f64::max)
                .map(|v| format!("{:.1},{:.1}", x_of(i), yaxis.at(v)))
        })
        .collect();
    let _ = write!(
        h,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    for (i, (day, vs)) in by_day.iter().enumerate() {
        for v in vs {
            let _ = write!(
                h,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"#1f5fbf\"><title>{}</title></circle>",
                x_of(i),
                yaxis.at(*v),
                escape(&short_number(*v))
            );
        }
        if let Some(top_v) = vs.iter().copied().reduce(f64::max) {
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">{}</text>",
                x_of(i),
                yaxis.at(top_v) - 8.0,
                escape(&short_number(top_v))
            );
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>",
            x_of(i),
            bottom + 22.0,
            escape(day)
        );
    }
    h.push_str("</svg></figure>\n");
}

/// A number for an axis: `1.2M`, `3.5k`, `42`.
fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6).replace(".0M", "M")
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else {
        crate::model::fmt_number((v * 10.0).round() / 10.0)
    }
}

/// At most `n` characters of `s`, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

/// A CSP source expression for an inline block: `sha256-<base64>`.
fn csp_hash(block: &str) -> String {
    format!("sha256-{}", base64(&sha256(block.as_bytes())))
}

/// SHA-256 (FIPS 180-4), for the page's own inline blocks only.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut st: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = st;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (s, v) in st.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (i, s) in st.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_decoded_when_they_spell_text() {
        assert_eq!(
            readable_url("https://x.org/%D8%AD%D9%85%D8%B5"),
            "https://x.org/حمص"
        );
        assert_eq!(readable_url("https://x.org/a%20b"), "https://x.org/a%20b");
        assert_eq!(readable_url("https://x.org/%FF%"), "https://x.org/%FF%");
    }

    #[test]
    fn sha256_and_base64_match_known_vectors() {
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            base64(&sha256(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }

    fn claim(text: &str, sentence: &str, start: usize, end: usize) -> Claim {
        Claim {
            id: "c1".into(),
            kind: "figure".into(),
            doc: "d".into(),
            start,
            end,
            text: text.into(),
            sentence: sentence.into(),
            ..Claim::default()
        }
    }

    fn doc(text: &str) -> Document {
        Document {
            id: "d".into(),
            path: "d.txt".into(),
            outlet: "o".into(),
            date: None,
            date_source: "unknown".into(),
            language: "ar".into(),
            url: None,
            text: text.into(),
        }
    }

    #[test]
    fn the_figure_is_marked_where_its_offsets_fall_not_at_an_earlier_twin() {
        // "3 قتلى. قتل 3 مدنيين" — the second "3" is the claim
        let text = "عنوان.\nقال 3 ثم 3 مدنيين.";
        let sentence = "قال 3 ثم 3 مدنيين.";
        let second = text.rfind('3').unwrap();
        let c = claim("3", sentence, second, second + 1);
        let html = marked_sentence(&c, Some(&doc(text)));
        assert_eq!(html, "قال 3 ثم <mark>3</mark> مدنيين.");
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_text_mark_nothing_and_do_not_panic() {
        let text = "قتل ثلاثة";
        let c = claim("xyz", text, 1, 3); // 1 is inside the first Arabic letter
        assert_eq!(marked_sentence(&c, Some(&doc(text))), escape(text));
        let c = claim("xyz", text, 5, 500);
        assert_eq!(marked_sentence(&c, Some(&doc(text))), escape(text));
        let c = claim("", "", 0, 0);
        assert_eq!(marked_sentence(&c, None), "");
    }

    #[test]
    fn without_the_document_the_words_are_found_in_the_sentence() {
        let c = claim("3 km", "a <b> & 3 km away", 999, 1003);
        assert_eq!(
            marked_sentence(&c, None),
            "a &lt;b&gt; &amp; <mark>3 km</mark> away"
        );
    }
}
