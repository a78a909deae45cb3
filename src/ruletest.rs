//! Takes the rule set; runs the examples every rule file carries (`[[test]]`) and returns
//! the failures, for `cargo test` and for `claimdiff rules test`.

use crate::model::Claim;
use crate::rules::RuleSet;

/// A claim as a rule test writes it ([`Claim::describe`]).
pub fn describe(c: &Claim) -> String {
    c.describe()
}

/// A claim's description with the day a weekday in its sentence names: `" @2024-12-08"`,
/// and `" stated"` after it when that is the day its source stated it ([`Claim::stated`]).
fn with_time(d: String, c: &Claim) -> String {
    match (&c.time, &c.time_span) {
        (Some(t), Some(_)) if c.stated => format!("{d} @{t} stated"),
        (Some(t), Some(_)) => format!("{d} @{t}"),
        _ => d,
    }
}

/// Whether a description matches an expectation, which may leave out the category.
fn matches(got: &str, expected: &str) -> bool {
    let (got, got_day) = got.split_once(" @").map_or((got, ""), |(g, d)| (g, d));
    let (expected, expected_day) = expected
        .split_once(" @")
        .map_or((expected, ""), |(e, d)| (e, d));
    got_day == expected_day
        && (got == expected
            || got
                .rsplit_once(' ')
                .is_some_and(|(head, _)| head == expected))
}

/// One failed example.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub file: String,
    pub input: String,
    pub expected: Vec<String>,
    pub got: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rules/{}: {:?}\n  expected: {:?}\n  got:      {:?}",
            self.file, self.input, self.expected, self.got
        )
    }
}

/// Runs every example; returns (examples run, failures).
pub fn run(rules: &RuleSet) -> (usize, Vec<Failure>) {
    let mut failures = Vec::new();
    for (file, test) in &rules.tests {
        let date = test.date.as_deref().unwrap_or("2024-12-06");
        let (_, found, events) = crate::figures_and_events(&test.input, "test", Some(date), rules);
        // an example of a figure rule speaks of figures: its events count only when it lists
        // one, or when it belongs to an events or actions file (where "no event" is a claim)
        let about_events = file.contains("events")
            || file.contains("actions/")
            || test.expect.iter().any(|e| e.starts_with("event "));
        let events: &[crate::extract::Found] = if about_events { &events } else { &[] };
        let got: Vec<String> = found
            .iter()
            .chain(events)
            .map(|f| with_time(describe(&f.claim), &f.claim))
            .collect();
        // an expectation may leave the category out, and the day a weekday gives
        let ok = got.len() == test.expect.len()
            && got.iter().zip(&test.expect).all(|(g, e)| matches(g, e));
        if !ok {
            failures.push(Failure {
                file: file.clone(),
                input: test.input.clone(),
                expected: test.expect.clone(),
                got,
            });
        }
    }
    (rules.tests.len(), failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_example_passes() {
        let rules = RuleSet::builtin().unwrap();
        let (n, failures) = run(&rules);
        assert!(n > 30, "rule files carry examples");
        let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        assert!(
            failures.is_empty(),
            "{} of {n} rule examples failed:\n{}",
            failures.len(),
            report.join("\n")
        );
    }
}
