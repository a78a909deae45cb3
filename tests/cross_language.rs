//! Arabic and English articles about one invented event (tests/fixtures/cross): claims group
//! across the two languages, units convert before judging, and each claim keeps its own words.

use assert_cmd::Command;

fn report() -> serde_json::Value {
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["compare", "--format", "json", "tests/fixtures/cross/"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn group<'a>(r: &'a serde_json::Value, category: &str) -> &'a serde_json::Value {
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["category"] == category)
        .unwrap_or_else(|| panic!("no {category} group"))
}

fn texts(r: &serde_json::Value, g: &serde_json::Value) -> Vec<String> {
    let claims = r["claims"].as_array().unwrap();
    g["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| {
            claims.iter().find(|c| c["id"] == *id).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn languages_are_detected_from_the_manifest() {
    let r = report();
    let langs: Vec<&str> = r["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["language"].as_str().unwrap())
        .collect();
    assert_eq!(langs, vec!["ar", "en"]);
}

#[test]
fn an_arabic_and_an_english_death_toll_of_the_same_day_conflict() {
    let r = report();
    let g = group(&r, "killed");
    assert_eq!(g["verdict"], "conflict");
    assert_eq!(g["subject"], "hatay");
    assert_eq!(texts(&r, g), vec!["120", "150"]);
    assert!(
        g["reason"].as_str().unwrap().contains("at least 150"),
        "{}",
        g["reason"]
    );
}

#[test]
fn miles_convert_to_km_before_judging() {
    let r = report();
    let g = group(&r, "depth");
    assert_eq!(g["verdict"], "agree", "{}", g["reason"]);
    assert_eq!(g["unit"], "km");
    assert_eq!(texts(&r, g), vec!["10 كيلومترات", "6 miles"]);
}

#[test]
fn a_rounded_arabic_figure_agrees_with_an_approximate_english_one() {
    let r = report();
    let g = group(&r, "buildings_destroyed");
    assert_eq!(g["verdict"], "agree", "{}", g["reason"]);
    assert_eq!(texts(&r, g), vec!["3 آلاف مبنى", "3,000 buildings"]);
}

#[test]
fn language_detection_by_script_without_a_manifest() {
    assert_eq!(claimdiff::load::detect_language("قتل 20 شخصا في حمص"), "ar");
    assert_eq!(
        claimdiff::load::detect_language("At least 20 people were killed in Homs"),
        "en"
    );
}

#[test]
fn a_wire_tag_in_the_dateline_is_the_source_of_unattributed_figures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "BEIRUT (AP) — At least 40 people were killed in Homs on Friday.\n",
    )
    .unwrap();
    let out = Command::cargo_bin("claimdiff")
        .unwrap()
        .args(["extract", "--format", "json", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "killed")
        .unwrap();
    assert_eq!(c["source_id"], "ap");
}

/// Runs `args` over a folder holding `files` and a manifest; returns stdout.
fn run_in(files: &[(&str, &str)], manifest: Option<&str>, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut cmd = Command::cargo_bin("claimdiff").unwrap();
    cmd.args(args);
    if let Some(m) = manifest {
        std::fs::write(dir.path().join("sources.csv"), m).unwrap();
        cmd.args([
            "--manifest",
            dir.path().join("sources.csv").to_str().unwrap(),
        ]);
    }
    let out = cmd.arg(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const WEEK: [(&str, &str); 2] = [
    (
        "ar.txt",
        "قتل 20 شخصا في هاتاي يوم الأحد جراء الانهيار، وقال الدفاع المدني إن الحصيلة لم تتغير.\n",
    ),
    (
        "en.txt",
        "On Sunday, 20 people were killed in Hatay when a building collapsed.\n",
    ),
];

#[test]
fn a_weekday_dates_its_claim_against_each_articles_own_publication_day() {
    // published on Monday and on Tuesday: both "Sunday"s are 2025-03-02
    let manifest = "file,outlet,date,url,language\nar.txt,Arabic Daily,2025-03-03,,ar\nen.txt,English Wire,2025-03-04,,en\n";
    let v: serde_json::Value = serde_json::from_str(&run_in(
        &WEEK,
        Some(manifest),
        &["compare", "--format", "json"],
    ))
    .unwrap();
    let killed: Vec<&serde_json::Value> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["category"] == "killed")
        .collect();
    assert_eq!(killed.len(), 2);
    let texts = [WEEK[0].1, WEEK[1].1];
    for (c, text) in killed.iter().zip(texts) {
        assert_eq!(c["time"], "2025-03-02", "{c}");
        let span = &c["time_span"];
        let (a, b) = (
            span["start"].as_u64().unwrap() as usize,
            span["end"].as_u64().unwrap() as usize,
        );
        assert!(["الأحد", "Sunday"].contains(&&text[a..b]), "{}", &text[a..b]);
    }
    let g = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["category"] == "killed")
        .unwrap();
    assert_eq!(g["verdict"], "agree", "{}", g["reason"]);
    // the Markdown and the CSV say it too
    let table = run_in(&WEEK, Some(manifest), &["compare", "--format", "markdown"]);
    assert!(table.contains("2025-03-04 (on 2025-03-02)"), "{table}");
    let csv = run_in(&WEEK, Some(manifest), &["extract", "--format", "csv"]);
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let when = header
        .iter()
        .position(|h| *h == "when")
        .expect("a when column");
    assert!(
        rows.any(|r| r.split(',').nth(when) == Some("2025-03-02")),
        "{csv}"
    );
}

#[test]
fn without_a_publication_date_a_weekday_dates_nothing() {
    let out = run_in(&WEEK[1..], None, &["extract", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "killed")
        .unwrap();
    assert!(c.get("time").is_none(), "{c}");
}

#[test]
fn a_figure_its_document_repeats_without_a_place_joins_its_placed_twin_and_the_very_figure_wins() {
    let files = [
        (
            "ar.txt",
            "زلزال المغرب: 2122 قتيلا\n\nأعلنت الوزارة ارتفاع حصيلة الزلزال إلى 2122 قتيلا. وسجل إقليم الحوز 1351 حالة وفاة.\n\nوبلغت قوة الزلزال 7 درجات، بحسب المركز الوطني، فيما قدرتها هيئة المسح الجيولوجي الأمريكية بـ6.8 درجات.\n",
        ),
        ("en.txt", "The quake killed 2,122 people in Morocco. The magnitude 6.8 quake struck at night, the USGS said.\n"),
    ];
    let manifest = "file,outlet,date,url,language\nar.txt,Arabic Daily,2023-09-11,,ar\nen.txt,English Wire,2023-09-11,,en\n";
    let v: serde_json::Value = serde_json::from_str(&run_in(
        &files,
        Some(manifest),
        &["compare", "--format", "json"],
    ))
    .unwrap();
    let texts_of = |g: &serde_json::Value| -> Vec<String> {
        g["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| {
                v["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["id"] == *id)
                    .unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let groups = v["groups"].as_array().unwrap();
    let morocco = groups
        .iter()
        .find(|g| g["category"] == "killed" && g["subject"] == "morocco")
        .expect("a killed group in Morocco");
    assert_eq!(
        texts_of(morocco),
        vec!["2122", "2122", "2,122"],
        "{morocco}"
    );
    let magnitude: Vec<Vec<String>> = groups
        .iter()
        .filter(|g| g["category"] == "magnitude")
        .map(texts_of)
        .collect();
    assert!(
        magnitude.contains(&vec!["6.8 درجات".to_string(), "6.8".to_string()]),
        "{magnitude:?}"
    );
}
