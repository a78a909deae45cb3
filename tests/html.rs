//! The HTML report and the labels through the real binary: a snapshot of a small comparison,
//! article text that holds markup shown as text, labels in both languages for every id the
//! rules define, and ids that have no label shown in a readable form.

use assert_cmd::Command;
use claimdiff::model::{Claim, Document, Report, Verdict};
use claimdiff::render::{Options, Words};
use claimdiff::rules::{LabelKind, RuleSet};
use predicates::prelude::PredicateBooleanExt;
use std::fs;

fn claimdiff() -> Command {
    let mut c = Command::cargo_bin("claimdiff").unwrap();
    c.env("COLUMNS", "120");
    c
}

fn stdout_of(args: &[&str]) -> String {
    let out = claimdiff().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "claimdiff {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn html_of_a_small_comparison() {
    insta::assert_snapshot!(stdout_of(&[
        "compare",
        "--format",
        "html",
        "tests/fixtures/html/"
    ]));
}

#[test]
fn html_in_english_labels_the_page_and_keeps_the_outlets_words() {
    let page = stdout_of(&[
        "compare",
        "--format",
        "html",
        "--lang",
        "en",
        "tests/fixtures/html/",
    ]);
    assert!(page.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(page.contains(">civilians killed<"), "category label");
    assert!(page.contains(">Conflict<"), "verdict label");
    // the Arabic article's sentence stays Arabic, right to left, with its figure marked
    assert!(page.contains(
        "<td class=\"sentence\" dir=\"rtl\" lang=\"ar\">قال المرصد إن <mark>20</mark> مدنيا"
    ));
    assert!(page.contains("<mark>two days</mark>"));
}

#[test]
fn html_defaults_to_the_language_most_documents_are_in() {
    // two Arabic documents, one English
    let page = stdout_of(&["compare", "--format", "html", "tests/fixtures/html/"]);
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(page.contains("القتلى المدنيون"));
}

#[test]
fn an_unknown_lang_is_a_usage_error_naming_the_known_ones() {
    claimdiff()
        .args(["compare", "--lang", "xx", "tests/fixtures/html/"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--lang xx").and(predicates::str::contains("ar, en")));
}

#[test]
fn article_text_holding_markup_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "<script>alert(1)</script> Officials said \"35\" civilians & 2 children were killed in \
         Homs.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("b.txt"),
        "Rescuers said 40 civilians were killed in Homs <img src=x onerror=alert(2)>.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("sources.csv"),
        "file,outlet,date,url,language\n\
         a.txt,\"<b>Bold</b> & \"\"Co\"\"\",2024-12-06,javascript:alert(3),en\n\
         b.txt,Plain,2024-12-06,https://example.org/?a=1&b=\"2\",en\n",
    )
    .unwrap();
    let page = stdout_of(&["compare", "--format", "html", dir.path().to_str().unwrap()]);
    // the page's own script is the only one, and nothing of the articles became markup
    assert_eq!(
        page.matches("<script").count(),
        1,
        "one script: the page's own"
    );
    assert!(!page.contains("<img"));
    assert!(!page.contains("<b>Bold"));
    assert!(!page.contains("href=\"javascript:"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;"));
    assert!(page.contains("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\""));
    assert!(page.contains("&quot;35&quot;"));
}

#[test]
fn the_page_forbids_network_loads_and_references_nothing_outside_itself() {
    let page = stdout_of(&["compare", "--format", "html", "seeds/"]);
    assert!(page.contains("http-equiv=\"Content-Security-Policy\""));
    assert!(page.contains("default-src &#39;none&#39;"));
    assert!(page.contains("connect-src &#39;none&#39;"));
    for needle in [
        " src=", "<link", "url(", "@import", "<iframe", "<object", "<embed",
    ] {
        assert!(!page.contains(needle), "the page loads something: {needle}");
    }
    assert_eq!(page.matches("<script").count(), 1);
}

#[test]
fn every_category_action_unit_and_verdict_has_a_label_in_every_language() {
    let rules = RuleSet::builtin().unwrap();
    let labels = &rules.labels;
    assert!(labels.langs.contains_key("ar") && labels.langs.contains_key("en"));
    let mut units: Vec<String> = rules
        .units
        .phrases()
        .chain(rules.duals.phrases())
        .chain(rules.unit_prefixes.phrases())
        .map(|p| p.payload.id.clone())
        .chain(rules.conversions.values().map(|(to, _, _)| to.clone()))
        .collect();
    // units the extractors give without a rule: bare counts, dates, ranks, events
    units.extend(["none", "date", "rank", "year", "day_index", "event"].map(String::from));
    let categories: Vec<String> = rules
        .categories
        .iter()
        .map(|c| c.rule.id.clone())
        .chain(rules.actions.iter().map(|(a, _)| a.id.clone()))
        .collect();
    let mut missing = Vec::new();
    for lang in labels.langs.keys() {
        for id in &categories {
            if labels.get(lang, LabelKind::Category, id).is_none() {
                missing.push(format!("{lang} category {id}"));
            }
        }
        for id in &units {
            if labels.get(lang, LabelKind::Unit, id).is_none() {
                missing.push(format!("{lang} unit {id}"));
            }
        }
        for v in [
            Verdict::Conflict,
            Verdict::Update,
            Verdict::Agree,
            Verdict::Single,
        ] {
            if labels.get(lang, LabelKind::Verdict, v.as_str()).is_none() {
                missing.push(format!("{lang} verdict {}", v.as_str()));
            }
        }
    }
    // every language words the page with the same keys
    let keys = |l: &str| -> Vec<String> { labels.langs[l].page.keys().cloned().collect() };
    assert_eq!(
        keys("ar"),
        keys("en"),
        "page words differ between ar and en"
    );
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "ids without a label: {missing:?}");
}

#[test]
fn ids_without_a_label_are_shown_readably_never_blank() {
    let rules = RuleSet::builtin().unwrap();
    let report = Report::default();
    let opts = Options {
        labels: Some(&rules.labels),
        lang: Some("en"),
        ..Options::default()
    };
    let words = Words::new(&report, &opts);
    // a category made at run time (a count of a noun) has no label: its id reads as words
    assert_eq!(words.category("count_of_tents"), "count of tents");
    // a unit that is a noun lemma is shown as written
    assert_eq!(words.unit("خيمة"), "خيمة");
    assert_eq!(words.category(""), "?");
    assert_eq!(words.category("killed"), "people killed");
    let ar = Options {
        lang: Some("ar"),
        ..opts
    };
    assert_eq!(Words::new(&report, &ar).category("killed"), "القتلى");
    assert_eq!(Words::new(&report, &ar).place("homs", ""), "حمص");
    assert_eq!(words.place("homs", ""), "Homs");
}

fn doc(id: &str, date: &str) -> Document {
    Document {
        id: id.into(),
        path: format!("{id}.txt"),
        outlet: format!("Outlet {id}"),
        date: Some(date.into()),
        date_source: "manifest".into(),
        language: "en".into(),
        url: None,
        text: String::new(),
    }
}

#[test]
fn an_update_card_draws_its_timeline() {
    // a toll that rose from 20 (6 December) to 41 (8 December)
    let page = stdout_of(&["compare", "--format", "html", "tests/fixtures/html_update/"]);
    let card = &page[page
        .find("data-verdict=\"update\"")
        .expect("the fixture gives an update")..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains("<polyline"), "a line through the days");
    assert!(card.contains(">2024-12-06</text>") && card.contains(">2024-12-08</text>"));
    assert!(card.contains(">41</text>"));
    assert!(card.contains("<span class=\"badge update\">تحديث</span>"));
}

#[test]
fn a_conflict_card_draws_each_outlets_interval_and_comes_first() {
    let page = stdout_of(&[
        "compare",
        "--format",
        "html",
        "--lang",
        "en",
        "tests/fixtures/html/",
    ]);
    let first = page.find("<article").unwrap();
    let card = &page[first..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(
        card.contains("data-verdict=\"conflict\""),
        "conflicts come first"
    );
    // the verdict in words, not colour alone; one bar per claim on one axis
    assert!(card.contains("<span class=\"badge conflict\">Conflict</span>"));
    let rows = card.matches("<tr id=").count();
    assert!(rows >= 2);
    assert_eq!(card.matches("stroke-width=\"6\"").count(), rows);
}

#[test]
fn extract_refuses_html_as_a_usage_error() {
    claimdiff()
        .args(["extract", "--format", "html", "tests/fixtures/html/"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--format html is for `compare`"));
}

proptest::proptest! {
    /// Whatever the offsets, sentence and document, marking never panics, shows the whole
    /// sentence as text, and marks at most one stretch.
    #[test]
    fn marking_a_sentence_never_panics_and_keeps_its_text(
        sentence in "[a-zأ-ي0-9 <&\"]{0,40}",
        text in "[a-zأ-ي0-9 ]{0,10}",
        prefix in "[a-zأ-ي ]{0,20}",
        start in 0usize..120,
        len in 0usize..40,
        with_doc in proptest::bool::ANY,
    ) {
        let doc_text = format!("{prefix}{sentence}");
        let c = Claim {
            text: text.clone(),
            sentence: sentence.clone(),
            start,
            end: start + len,
            ..Claim::default()
        };
        let mut d = doc("d", "2024-12-06");
        d.text = doc_text;
        let html = claimdiff::render::html::marked_sentence(&c, with_doc.then_some(&d));
        proptest::prop_assert!(html.matches("<mark>").count() <= 1);
        let plain = html.replace("<mark>", "").replace("</mark>", "");
        let shown = if sentence.is_empty() { &text } else { &sentence };
        proptest::prop_assert_eq!(plain, claimdiff::render::html::escape(shown));
    }
}
