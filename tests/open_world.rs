//! Extraction on stories unlike any the rules were written around (an election, a heatwave, a
//! stadium crush, a budget), in Arabic and English: every figure a reader would count is a
//! claim with the right value, whether or not a category names it.

use claimdiff::extract::extract;
use claimdiff::rules::RuleSet;
use claimdiff::ruletest::describe;

/// The claims of `text` as "<text> = <value> <qualifier> <unit>", publication date 2024-08-06.
fn figures(text: &str) -> Vec<String> {
    let rules = RuleSet::builtin().expect("built-in rules load");
    extract(text, "t", Some("2024-08-06"), &rules)
        .1
        .iter()
        .map(|f| {
            let d = describe(&f.claim);
            let head: Vec<&str> = d.split(' ').take(3).collect();
            format!("{} = {}", f.claim.text, head.join(" "))
        })
        .collect()
}

#[test]
fn an_election_in_english() {
    assert_eq!(
        figures(
            "Turnout reached 61.4 percent as 12.3 million voters cast ballots, and the ruling \
             party won 148 seats. Some 4,500 polling stations opened."
        ),
        [
            "61.4 percent = 61.4 exact percent",
            "12.3 million voters = 12300000 exact voter",
            "148 seats = 148 exact seat",
            "4,500 polling stations = 4500 about polling_station",
        ]
    );
}

#[test]
fn an_election_in_arabic() {
    assert_eq!(
        figures("بلغت نسبة المشاركة 61.4 بالمئة وأدلى 12.3 مليون ناخب بأصواتهم، وفاز الحزب الحاكم بـ148 مقعدا."),
        [
            "61.4 بالمئة = 61.4 exact percent",
            "12.3 مليون ناخب = 12300000 exact voter",
            "148 مقعدا = 148 exact seat",
        ]
    );
}

#[test]
fn a_heatwave_in_english_and_arabic() {
    assert_eq!(
        figures(
            "Temperatures hit 48C on Aug 4 and at least 230 people died of heatstroke, while \
             hospitals treated 1,600 patients."
        ),
        [
            "48C = 48 exact celsius",
            "Aug 4 = 2024-08-04 exact date",
            "230 = 230 at_least person",
            "1,600 = 1600 exact person",
        ]
    );
    assert_eq!(
        figures("سجلت الحرارة 51 درجة مئوية يوم 4 آب، وتوفي 230 شخصا على الأقل، وعالجت المستشفيات 1600 مريض."),
        [
            "51 درجة مئوية = 51 exact celsius",
            "4 آب = 2024-08-04 exact date",
            "230 = 230 at_least person",
            "1600 = 1600 exact person",
        ]
    );
}

#[test]
fn a_stadium_crush_in_english_and_arabic() {
    assert_eq!(
        figures(
            "A crush at the stadium killed 125 fans and injured 323 others among about 40,000 \
             spectators. Two gates were locked."
        ),
        [
            "125 = 125 exact person",
            "323 = 323 exact person",
            "40,000 = 40000 about person",
            "Two gates = 2 exact gate",
        ]
    );
    assert_eq!(
        figures("قتل 125 مشجعا وأصيب 323 آخرون بين نحو 40 ألف متفرج، وأغلقت بوابتان."),
        [
            "125 = 125 exact person",
            "323 = 323 exact person",
            "40 ألف = 40000 about person",
            "بوابتان = 2 exact gate",
        ]
    );
}

#[test]
fn a_budget_in_english_and_arabic() {
    assert_eq!(
        figures(
            "The budget allocates $4.2 billion to health and the deficit could reach 20,000 \
             jobs. Hundreds protested outside parliament."
        ),
        [
            "4.2 billion = 4200000000 exact usd",
            "20,000 jobs = 20000 up_to job",
            "Hundreds = ~ vague none",
        ]
    );
    assert_eq!(
        figures(
            "تخصص الموازنة 4.2 مليار دولار للصحة، وبلغ عدد السكان مليونا و833 ألفا و164 نسمة، \
             وأصيب نحو أربعة آلاف، وتظاهر المئات أمام البرلمان."
        ),
        [
            "4.2 مليار دولار = 4200000000 exact usd",
            "مليونا و833 ألفا و164 = 1833164 exact person",
            "أربعة آلاف = 4000 about none",
            "المئات = ~ vague none",
        ]
    );
}

#[test]
fn a_qualifier_glued_to_a_number_word_keeps_both() {
    assert_eq!(
        figures("أصيب نحوأربعة آلاف شخص."),
        ["نحوأربعة آلاف = 4000 about person"]
    );
}

#[test]
fn non_claims_stay_non_claims_in_the_open_world() {
    // a phone number, a list mark, a resolution number, a "Top 10" headline, a copyright year
    assert!(figures("Call 0933123456 for help.").is_empty());
    assert!(figures("Resolution 2254 was adopted.").is_empty());
    assert!(figures("Top 10 things to know").is_empty());
    assert!(figures("0 0\n").is_empty());
    assert!(figures("Call +44 20 7946 0958 or see Law No. 12.").is_empty());
    assert!(figures("Image 3 of 7\n24K followers\n").is_empty());
    assert!(figures("Mohammed Ali, 45, mourns his son in Derna.").is_empty());
    assert!(figures("الأكثر قراءة\n1\nموجة حر\n2\n").is_empty());
}

#[test]
fn a_compound_takes_a_smaller_part_only_with_its_own_scale_in_english() {
    assert_eq!(
        figures("The fund got €2 billion and 12 knots of wind were measured."),
        ["2 billion = 2000000000 exact eur", "12 = 12 exact knot"]
    );
}

#[test]
fn a_nationality_or_a_place_line_is_the_subject_of_its_count() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let doc = claimdiff::model::Document {
        id: "t".into(),
        path: "t.txt".into(),
        outlet: "t".into(),
        date: Some("2024-06-20".into()),
        date_source: "manifest".into(),
        language: "en".into(),
        url: None,
        text:
            "Deaths by country:\nEgypt: 658\nJordan 99\n\nThe heat killed 31 Tunisians in Mecca. \
               وتوفي 41 مصريا في مكة."
                .into(),
    };
    let subjects: Vec<(String, String)> = claimdiff::claims_of(&doc, &rules)
        .into_iter()
        .filter(|c| c.kind == "figure")
        .map(|c| (c.text, c.subject_id))
        .collect();
    assert_eq!(
        subjects,
        [
            ("658".to_string(), "egypt".to_string()),
            ("99".into(), "jordan".into()),
            ("31".into(), "tunisia".into()),
            ("41".into(), "egypt".into()),
        ]
    );
}

/// (text, subject id) of every figure of `text`, through the whole pipeline.
fn subjects(text: &str) -> Vec<(String, String)> {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let doc = claimdiff::model::Document {
        id: "t".into(),
        path: "t.txt".into(),
        outlet: "t".into(),
        date: Some("2024-06-20".into()),
        date_source: "manifest".into(),
        language: "en".into(),
        url: None,
        text: text.into(),
    };
    claimdiff::claims_of(&doc, &rules)
        .into_iter()
        .filter(|c| c.kind == "figure")
        .map(|c| (c.text, c.subject_id))
        .collect()
}

#[test]
fn each_figure_of_an_inline_breakdown_takes_the_place_after_it() {
    assert_eq!(
        subjects("The dead included 10 in Aleppo, 5 in Homs and 3 in Hama."),
        [
            ("10".to_string(), "aleppo".to_string()),
            ("5".into(), "homs".into()),
            ("3".into(), "hama".into()),
        ]
    );
    assert_eq!(
        subjects("الوفيات حسب الجنسية:\nمصر (658)\nالأردن (99)\n"),
        [
            ("658".to_string(), "egypt".to_string()),
            ("99".into(), "jordan".into())
        ]
    );
}
