//! Laws of the whole pipeline: the order of documents and the number of threads never change
//! the report; the verdict of A vs B equals B vs A.

use claimdiff::load::load_all;
use claimdiff::rules::RuleSet;
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::builtin().unwrap())
}

fn seed_docs() -> Vec<claimdiff::model::Document> {
    load_all(&[PathBuf::from("seeds")], None, rules()).unwrap()
}

fn report_json(docs: Vec<claimdiff::model::Document>) -> String {
    serde_json::to_string(&claimdiff::compare(docs, rules())).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn order_of_documents_does_not_change_the_report(seed in any::<u64>()) {
        let docs = seed_docs();
        let expected = report_json(docs.clone());
        let mut shuffled = docs;
        // a deterministic shuffle from the seed
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(report_json(shuffled), expected);
    }
}

#[test]
fn thread_count_does_not_change_the_report() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| report_json(seed_docs()));
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| report_json(seed_docs()));
    assert_eq!(one, four);
}

#[test]
fn verdicts_are_symmetric_between_two_documents() {
    // every pair of seed documents, compared in both orders, gives the same verdicts
    let docs = seed_docs();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let ab = claimdiff::compare(vec![docs[i].clone(), docs[j].clone()], rules());
            let ba = claimdiff::compare(vec![docs[j].clone(), docs[i].clone()], rules());
            let verdicts = |r: &claimdiff::model::Report| {
                r.groups
                    .iter()
                    .map(|g| (g.category.clone(), g.subject.clone(), g.verdict))
                    .collect::<Vec<_>>()
            };
            assert_eq!(verdicts(&ab), verdicts(&ba));
        }
    }
}

/// Arabic and English words, digits in three scripts, separators and punctuation: the stuff
/// numbers are made of, in random order.
fn newsish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "قتل",
        "أكثر من",
        "نحو",
        "ألف",
        "آلاف",
        "مليون",
        "عشرات",
        "ليومين",
        "مدينتي",
        "ثالث",
        "أكبر",
        "حمص",
        "سجن",
        "بحسب",
        "المرصد",
        "نفت",
        "ذلك",
        "انسحب",
        "من",
        "و",
        "ال",
        "killed",
        "more than",
        "at least",
        "1.5",
        "million",
        "Homs",
        "said",
        "Dec.",
        "6",
        "2024",
        "٣٥٠٠",
        "۱۲",
        "1,5",
        "15.700",
        "%",
        "٪",
        "-",
        "/",
        "(",
        ")",
        "،",
        ".",
        "\n",
        " ",
        "\u{064B}",
        "ـ",
        "“",
        "”",
        "963+",
        "اللواء 52",
        "اقرأ أيضاً:",
        "0",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn any_text_gives_claims_whose_offsets_slice_the_original(text in newsish()) {
        let doc = claimdiff::load::make_document("t", "t", text.clone(), Default::default(), rules());
        for c in claimdiff::claims_of(&doc, rules()) {
            prop_assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end) && c.start < c.end);
            prop_assert_eq!(&text[c.start..c.end], c.text.as_str());
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,300}") {
        let doc = claimdiff::load::make_document("t", "t", text, Default::default(), rules());
        let claims = claimdiff::claims_of(&doc, rules());
        let _ = claimdiff::group::group(&claims, std::slice::from_ref(&doc), rules());
    }

    #[test]
    fn a_number_spelled_out_in_english_parses_back(n in 1u64..1_000_000_000) {
        let words = spell_en(n);
        let text = format!("{words} people were killed.");
        let doc = claimdiff::load::make_document("t", "t", text, Default::default(), rules());
        let claims = claimdiff::claims_of(&doc, rules());
        let figure = claims.iter().find(|c| c.kind == "figure").expect("a figure");
        prop_assert_eq!(figure.value.clone(), Some(claimdiff::model::Value::Number(n as f64)), "{}", words);
    }
}

/// A test-only English speller: "one hundred and twenty-three thousand four hundred five".
fn spell_en(n: u64) -> String {
    const ONES: [&str; 20] = [
        "",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn below_thousand(n: u64) -> String {
        let mut parts = Vec::new();
        if n >= 100 {
            parts.push(format!("{} hundred", ONES[(n / 100) as usize]));
        }
        let r = n % 100;
        let rest = match r {
            0 => String::new(),
            1..=19 => ONES[r as usize].to_string(),
            _ if r % 10 == 0 => TENS[(r / 10) as usize].to_string(),
            _ => format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize]),
        };
        if !rest.is_empty() {
            if n >= 100 {
                parts.push("and".into());
            }
            parts.push(rest);
        }
        parts.join(" ")
    }
    let mut parts = Vec::new();
    for (scale, name) in [(1_000_000, "million"), (1000, "thousand")] {
        let k = n / scale % 1000;
        if k > 0 {
            parts.push(format!("{} {name}", below_thousand(k)));
        }
    }
    if n % 1000 > 0 {
        parts.push(below_thousand(n % 1000));
    }
    parts.join(" ")
}
