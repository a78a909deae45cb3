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
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| report_json(seed_docs()));
    let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap().install(|| report_json(seed_docs()));
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
            let verdicts = |r: &claimdiff::model::Report| r.groups.iter().map(|g| (g.category.clone(), g.subject.clone(), g.verdict)).collect::<Vec<_>>();
            assert_eq!(verdicts(&ab), verdicts(&ba));
        }
    }
}
