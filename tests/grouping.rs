//! Grouping mechanisms, each pinned with short texts of our own through the real binary:
//! scope (a site within its city, a figure with no place, a total over two countries), time
//! (a toll that rose over three days, a toll that fell), vague words beside a toll, and
//! `compare --explain`.

use assert_cmd::Command;
use serde_json::Value;

/// Runs `claimdiff ARGS --manifest M DIR` over `files` (name, date, text) and returns stdout.
fn run(files: &[(&str, &str, &str)], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::from("file,outlet,date,url,language\n");
    for (name, date, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
        let lang = if text.is_ascii() { "en" } else { "ar" };
        manifest.push_str(&format!("{name},Outlet {name},{date},,{lang}\n"));
    }
    let m = dir.path().join("sources.csv");
    std::fs::write(&m, manifest).unwrap();
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(args)
        .args(["--manifest", m.to_str().unwrap()])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn compare(files: &[(&str, &str, &str)]) -> Value {
    serde_json::from_str(&run(files, &["compare", "--format", "json"])).unwrap()
}

/// The texts of each group's claims, with the group's verdict, for groups of `quantity`.
fn groups_of(report: &Value, quantity: &str) -> Vec<(String, Vec<String>)> {
    let claims = report["claims"].as_array().unwrap();
    let text = |id: &Value| {
        claims.iter().find(|c| c["id"] == *id).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["quantity"] == quantity)
        .map(|g| {
            let texts = g["claims"].as_array().unwrap().iter().map(text).collect();
            (g["verdict"].as_str().unwrap().to_string(), texts)
        })
        .collect()
}

/// The first group of `quantity` in the report, whole.
fn first_group<'a>(report: &'a Value, quantity: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["quantity"] == quantity)
        .unwrap_or_else(|| panic!("no group of {quantity}: {report}"))
}

fn group_holding<'a>(groups: &'a [(String, Vec<String>)], text: &str) -> &'a (String, Vec<String>) {
    groups
        .iter()
        .find(|(_, t)| t.iter().any(|x| x == text))
        .unwrap_or_else(|| panic!("no group holds {text}: {groups:?}"))
}

#[test]
fn a_toll_at_a_site_and_in_its_city_is_one_quantity() {
    let r = compare(&[
        (
            "a.txt",
            "2020-08-05",
            "The blast at Beirut port killed 120 people, officials said.\n",
        ),
        (
            "b.txt",
            "2020-08-05",
            "At least 120 people were killed in Beirut, the ministry said.\n",
        ),
        (
            "c.txt",
            "2020-08-05",
            "قتل 120 شخصا في انفجار مرفأ بيروت.\n",
        ),
    ]);
    let g = groups_of(&r, "dead");
    let (verdict, texts) = group_holding(&g, "120");
    assert_eq!(texts.len(), 3, "{g:?}");
    assert_eq!(verdict, "agree");
}

#[test]
fn a_figure_with_no_place_takes_the_place_its_article_is_about() {
    let r = compare(&[
        ("a.txt", "2023-09-13", "Floods in Derna killed 2,300 people.\n"),
        (
            "b.txt",
            "2023-09-13",
            "Rescuers in Derna dug through mud all day. The flood killed 2,300 people, they said.\n",
        ),
        ("c.txt", "2023-09-13", "Floods in Benghazi killed 40 people.\n"),
    ]);
    let g = groups_of(&r, "dead");
    let (_, texts) = group_holding(&g, "2,300");
    assert_eq!(texts.len(), 2, "{g:?}");
    let (_, benghazi) = group_holding(&g, "40");
    assert_eq!(benghazi.len(), 1, "Benghazi's toll is another scope: {g:?}");
}

#[test]
fn a_toll_that_rose_over_three_days_is_one_update_timeline() {
    let r = compare(&[
        (
            "a.txt",
            "2020-08-04",
            "The explosion in Beirut killed 30 people.\n",
        ),
        (
            "b.txt",
            "2020-08-05",
            "The death toll in Beirut rose to 70.\n",
        ),
        (
            "c.txt",
            "2020-08-06",
            "The blast in Beirut killed 154 people, the ministry said.\n",
        ),
    ]);
    let groups = r["groups"].as_array().unwrap();
    let g = first_group(&r, "dead");
    assert_eq!(g["verdict"], "update", "{g}");
    assert_eq!(g["claims"].as_array().unwrap().len(), 3, "{g}");
    assert_eq!(g["timeline"].as_array().unwrap().len(), 3, "{g}");
    assert_eq!(g["window"], serde_json::json!(["2020-08-04", "2020-08-06"]));
    assert!(
        !groups.iter().any(|g| g["verdict"] == "conflict"),
        "{groups:?}"
    );
}

#[test]
fn a_toll_that_fell_between_days_is_a_conflict_and_says_why() {
    let r = compare(&[
        (
            "a.txt",
            "2023-09-14",
            "The flood in Derna killed 11,300 people, the Red Crescent said.\n",
        ),
        (
            "b.txt",
            "2023-09-17",
            "The flood in Derna killed 3,958 people, the WHO said.\n",
        ),
    ]);
    let g = first_group(&r, "dead");
    assert_eq!(g["verdict"], "conflict", "{g}");
    assert!(g["reason"].as_str().unwrap().contains("fell"), "{g}");
}

#[test]
fn a_vague_word_beside_a_toll_makes_no_conflict() {
    let r = compare(&[
        (
            "a.txt",
            "2020-08-07",
            "Dozens were killed in Beirut; the toll reached 154, the ministry said.\n",
        ),
        (
            "b.txt",
            "2020-08-07",
            "The blast in Beirut killed 154 people.\n",
        ),
        ("c.txt", "2020-08-07", "قتل العشرات في بيروت.\n"),
    ]);
    let g = groups_of(&r, "dead");
    let (verdict, texts) = group_holding(&g, "154");
    assert_eq!(verdict, "agree", "{g:?}");
    assert_eq!(texts.len(), 2, "{g:?}");
    assert!(!g.iter().any(|(v, _)| v == "conflict"), "{g:?}");
}

#[test]
fn a_total_over_two_countries_is_its_own_scope() {
    let r = compare(&[
        (
            "a.txt",
            "2023-02-08",
            "In Turkey the quake killed 5,000 people. In Syria it killed 2,000. The quake killed 7,000 in both countries.\n",
        ),
        ("b.txt", "2023-02-08", "The quake killed 5,000 people in Turkey.\n"),
        ("c.txt", "2023-02-08", "The quake killed 2,000 people in Syria.\n"),
        ("d.txt", "2023-02-08", "Rescuers said the quake killed a combined 7,000 people.\n"),
    ]);
    let g = groups_of(&r, "dead");
    assert!(!g.iter().any(|(v, _)| v == "conflict"), "{g:?}");
    let (_, total) = group_holding(&g, "7,000");
    assert_eq!(total.len(), 2, "the two totals meet: {g:?}");
    let (_, turkey) = group_holding(&g, "5,000");
    assert_eq!(turkey.len(), 2, "{g:?}");
    let (_, syria) = group_holding(&g, "2,000");
    assert_eq!(syria.len(), 2, "{g:?}");
}

#[test]
fn explain_says_stage_by_stage_why_two_claims_are_or_are_not_grouped() {
    let files = [
        (
            "a.txt",
            "2020-08-05",
            "The blast at Beirut port killed 120 people.\n",
        ),
        (
            "b.txt",
            "2020-08-05",
            "In Beirut, 120 people were killed and 4,000 injured.\n",
        ),
    ];
    let at = |k: usize, words: &str| format!("{}:{}", files[k].0, files[k].2.find(words).unwrap());
    let together = run(
        &files,
        &["compare", "--explain", &at(0, "120"), &at(1, "120")],
    );
    assert!(together.contains("quantity  same"), "{together}");
    assert!(together.contains("scope     same"), "{together}");
    assert!(together.contains("grouped in g"), "{together}");
    let apart = run(
        &files,
        &["compare", "--explain", &at(0, "120"), &at(1, "4,000")],
    );
    assert!(apart.contains("quantity  differ"), "{apart}");
    assert!(apart.contains("not grouped"), "{apart}");
    // a reference to nothing is a usage error naming it
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), files[0].2).unwrap();
    Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--explain", "c1", "a.txt:9999"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a.txt:9999: no claim covers this offset",
        ));
}

#[test]
fn a_fall_is_measured_from_the_latest_rise_not_from_an_older_report() {
    // day 1: 5,300; day 2: 11,300; day 4: another body says 3,958. The 3,958 disputes the
    // 11,300 it revises, not the 5,300 the toll had long risen past.
    let r = compare(&[
        (
            "a.txt",
            "2023-09-13",
            "The flood in Derna killed more than 5,300 people, the Red Crescent said.\n",
        ),
        (
            "b.txt",
            "2023-09-14",
            "The flood in Derna killed 11,300 people, the Red Crescent said.\n",
        ),
        (
            "c.txt",
            "2023-09-17",
            "The flood in Derna killed 3,958 people, the World Health Organization said.\n",
        ),
    ]);
    let g = groups_of(&r, "dead");
    let (verdict, texts) = group_holding(&g, "3,958");
    assert_eq!(verdict, "conflict", "{g:?}");
    assert!(texts.iter().any(|t| t == "11,300"), "{g:?}");
    assert!(!texts.iter().any(|t| t == "5,300"), "{g:?}");
}

/// Two named sources apart on one day: a conflict window on the 12th.
const DISPUTED_ON_THE_12TH: [(&str, &str, &str); 2] = [
    (
        "a.txt",
        "2023-09-12",
        "The flood in Derna killed 3,000 people, the Red Crescent said.\n",
    ),
    (
        "b.txt",
        "2023-09-12",
        "The flood in Derna killed more than 5,200 people, the World Health Organization \
         said.\n",
    ),
];

#[test]
fn a_lower_report_the_day_after_a_dispute_joins_it_and_a_rise_starts_anew() {
    let r = compare(&[
        DISPUTED_ON_THE_12TH[0],
        DISPUTED_ON_THE_12TH[1],
        (
            "c.txt",
            "2023-09-13",
            "The flood in Derna killed at least 2,300 people.\n",
        ),
        (
            "d.txt",
            "2023-09-14",
            "The flood in Derna killed 11,300 people, the Red Crescent said.\n",
        ),
    ]);
    let g = groups_of(&r, "dead");
    let (verdict, texts) = group_holding(&g, "2,300");
    assert_eq!(verdict, "conflict", "{g:?}");
    assert!(texts.iter().any(|t| t == "3,000") && texts.iter().any(|t| t == "5,200"));
    assert!(!texts.iter().any(|t| t == "11,300"), "{g:?}");
}

#[test]
fn a_figure_recalled_from_an_earlier_report_makes_no_fall() {
    // the day-2 article recalls the earlier 5,500; without that word it would read as a fall
    // from day 1's 6,800
    let r = compare(&[
        (
            "a.txt",
            "2023-09-13",
            "The flood in Derna killed more than 6,800 people, officials said.\n",
        ),
        (
            "b.txt",
            "2023-09-14",
            "The flood in Derna killed 11,300 people. Health authorities previously put the \
             death toll in Derna at 5,500.\n",
        ),
    ]);
    let claims = r["claims"].as_array().unwrap();
    let recalled = claims.iter().find(|c| c["text"] == "5,500").unwrap();
    assert_eq!(recalled["earlier"], true);
    let now = claims.iter().find(|c| c["text"] == "11,300").unwrap();
    assert!(now.get("earlier").is_none(), "{now}");
    let g = groups_of(&r, "dead");
    assert!(g.iter().all(|(v, _)| v != "conflict"), "{g:?}");
}

#[test]
fn a_distance_whose_sentence_names_no_place_is_compared_with_nothing() {
    let r = compare(&[
        (
            "a.txt",
            "2020-08-05",
            "The explosion in Beirut blew out windows.\nThe airport is 9 km away.\n\
             Tremors were felt in Cyprus, 240 km away.\n",
        ),
        (
            "b.txt",
            "2020-08-05",
            "The explosion in Beirut was heard far away.\nWindows shattered more than 20 km \
             away.\nTremors were felt in Cyprus, about 250 km away.\n",
        ),
    ]);
    let g = groups_of(&r, "distance");
    assert_eq!(group_holding(&g, "9 km").1, ["9 km"], "{g:?}");
    assert_eq!(group_holding(&g, "20 km").1, ["20 km"], "{g:?}");
    let (_, cyprus) = group_holding(&g, "240 km");
    assert!(cyprus.iter().any(|t| t == "250 km"), "{g:?}");
    assert!(g.iter().all(|(v, _)| v != "conflict"), "{g:?}");
}

#[test]
fn an_undated_report_joins_the_window_that_holds_its_number() {
    // "at least 11,300" with no date is compatible with the 12th's "more than 5,200" too, but
    // it repeats the 14th's number
    let r = compare(&[
        DISPUTED_ON_THE_12TH[0],
        DISPUTED_ON_THE_12TH[1],
        (
            "c.txt",
            "2023-09-14",
            "The flood in Derna killed 11,300 people.\n",
        ),
        (
            "d.txt",
            "",
            "The flood in Derna killed at least 11,300 people.\n",
        ),
    ]);
    let g = groups_of(&r, "dead");
    let (_, disputed) = group_holding(&g, "5,200");
    assert!(!disputed.iter().any(|t| t == "11,300"), "{g:?}");
    let (_, texts) = group_holding(&g, "11,300");
    assert_eq!(texts.iter().filter(|t| *t == "11,300").count(), 2, "{g:?}");
}

#[test]
fn fahrenheit_and_celsius_meet_as_one_temperature() {
    let r = compare(&[
        (
            "a.txt",
            "2024-06-18",
            "Temperatures in Mecca reached 125F on Monday.\n",
        ),
        (
            "b.txt",
            "2024-06-18",
            "Temperatures in Mecca reached 51.7C on Monday.\n",
        ),
        (
            "c.txt",
            "2024-06-18",
            "وبلغت درجة الحرارة في مكة 51.7 درجة مئوية يوم الاثنين.\n",
        ),
    ]);
    let g = groups_of(&r, "temperature");
    let (verdict, texts) = group_holding(&g, "125F");
    assert_eq!(verdict, "agree", "{g:?}");
    assert_eq!(texts.len(), 3, "{g:?}");
}

#[test]
fn two_estimates_apart_on_one_day_conflict_where_two_tallies_rise() {
    // neither outlet names its source: two tallies of one day are successive reports, two
    // estimates of the missing are two estimators at odds
    let r = compare(&[
        (
            "a.txt",
            "2023-09-12",
            "The flood in Derna killed 730 people and 4,000 people are missing.\n",
        ),
        (
            "b.txt",
            "2023-09-12",
            "The flood in Derna killed 1,340 people and 9,000 people are missing.\n",
        ),
    ]);
    let dead = groups_of(&r, "dead");
    assert_eq!(group_holding(&dead, "730"), group_holding(&dead, "1,340"));
    assert_eq!(group_holding(&dead, "730").0, "update", "{dead:?}");
    let missing = groups_of(&r, "missing");
    assert_eq!(
        group_holding(&missing, "4,000"),
        group_holding(&missing, "9,000")
    );
    assert_eq!(
        group_holding(&missing, "4,000").0,
        "conflict",
        "{missing:?}"
    );
    let g = first_group(&r, "missing");
    assert!(
        g["reason"].as_str().unwrap().contains("two estimates"),
        "{g}"
    );
}

#[test]
fn a_figure_a_source_stated_on_a_named_day_speaks_as_of_that_day() {
    // published on Tuesday the 12th; the spokesman gave his figure on Monday evening, so it is
    // Monday's report and the 9,000 of Tuesday is a later one, not a same-day dispute
    let r = compare(&[
        (
            "a.txt",
            "2023-09-12",
            "وقال المتحدث باسم الحكومة مساء الاثنين إن عدد المفقودين في درنة بلغ 5000 مفقود.\n",
        ),
        (
            "b.txt",
            "2023-09-12",
            "The Red Crescent said 9,000 people are missing in Derna.\n",
        ),
    ]);
    let claims = r["claims"].as_array().unwrap();
    let c = claims.iter().find(|c| c["text"] == "5000").unwrap();
    assert_eq!(c["stated"], true, "{c}");
    assert_eq!(c["time"], "2023-09-11", "{c}");
    let missing = groups_of(&r, "missing");
    let g = group_holding(&missing, "5000");
    assert!(g.1.iter().any(|t| t == "9,000"), "{missing:?}");
    assert_eq!(g.0, "update", "{missing:?}");
}

#[test]
fn one_blast_told_at_its_port_in_its_city_and_with_no_place_is_one_event() {
    let report = compare(&[
        (
            "a.txt",
            "2020-08-04",
            "There was an explosion at Beirut port.\n",
        ),
        (
            "b.txt",
            "2020-08-04",
            "Witnesses said the massive blast that rocked the area shattered windows.\n",
        ),
        (
            "c.txt",
            "2020-08-04",
            "وقع انفجار هائل في بيروت مساء الثلاثاء.\n",
        ),
    ]);
    // an event group's quantity is its action family
    let groups = groups_of(&report, "exploded");
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].1.len(), 3, "{groups:?}");
    // its reason names the most specific place told, not the first claim's (none)
    let group = first_group(&report, "exploded");
    assert_eq!(group["scope"], "beirut_port");
    let reason = group["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("3 outlets agree on Beirut port: exploded"),
        "{reason}"
    );
}

#[test]
fn taking_a_city_and_taking_its_airport_stay_two_events() {
    let report = compare(&[
        (
            "a.txt",
            "2024-12-06",
            "Rebels took control of Deir ez-Zor airport on Friday.\n",
        ),
        (
            "b.txt",
            "2024-12-06",
            "Rebels took control of Deir ez-Zor on Friday.\n",
        ),
    ]);
    let groups = groups_of(&report, "control");
    assert_eq!(groups.len(), 2, "{groups:?}");
}
