//! `junit.xml` for CI's test view: one testcase per clause test (passed, failed with the clause
//! message, or skipped with its reason), then the run's own checks, in one testsuite whose
//! properties carry the seed and the requests sent.

use std::fmt::Write as _;

use crate::config::SEED_ENV;
use crate::report::run_report::{Outcome, RunReport, Tally, TestRecord};
use crate::report::secrets::Secrets;

/// Whether XML 1.0 allows `c` at all.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` escaped for XML: in an attribute, line breaks and tabs are kept as character
/// references; characters XML cannot carry are written as `\u{…}`.
pub(crate) fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' if attribute => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if allowed(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    out
}

fn testcase(out: &mut String, record: &TestRecord, classname: &str, seed: u64, secrets: &Secrets) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
        escape(&record.name, true),
        escape(classname, true),
        record.seconds
    );
    match &record.outcome {
        Outcome::Passed => out.push_str("/>\n"),
        Outcome::Ignored(reason) => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                escape(reason, true)
            );
        }
        Outcome::Failed(failure) => {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&secrets.scrub(&failure.message), true),
                escape(failure.clause.as_deref().unwrap_or("error"), true),
                escape(&failure.text(seed, secrets), false)
            );
        }
    }
}

/// The document.
pub(crate) fn render(report: &RunReport, secrets: &Secrets) -> String {
    let all: Vec<TestRecord> = report
        .clauses
        .iter()
        .chain(&report.checks)
        .cloned()
        .collect();
    let tally = Tally::of(&all);
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\"",
        all.len(),
        tally.failed,
        tally.ignored,
        report.wall_seconds
    );
    let suite = format!("contract-tests.{}", report.mode);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract-tests\" {counts}>\n  <testsuite name=\"{suite}\" {counts}>\n    <properties>\n"
    );
    let properties = [
        ("mode", report.mode.to_owned()),
        ("seed", report.seed.to_string()),
        ("replay", format!("{SEED_ENV}={}", report.seed)),
        ("requests_sent", report.requests_sent.to_string()),
    ];
    for (name, value) in properties {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            escape(&value, true)
        );
    }
    out.push_str("    </properties>\n");
    for record in &report.clauses {
        testcase(&mut out, record, &suite, report.seed, secrets);
    }
    for record in &report.checks {
        testcase(
            &mut out,
            record,
            &format!("{suite}.run"),
            report.seed,
            secrets,
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    secrets.scrub(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn markup_and_characters_xml_cannot_carry_are_escaped() {
        assert_eq!(escape("a<b>&\"c'", false), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("l1\nl2\u{1b}", false), "l1\nl2\\u{1b}");
        assert_eq!(escape("l1\nl2\t", true), "l1&#10;l2&#9;");
        assert_eq!(escape("ünï ✓", true), "ünï ✓");
    }

    #[test]
    fn one_testcase_per_clause_with_its_outcome() {
        let xml = render(&fixture::report(), &fixture::secrets());
        let expected_start = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract-tests\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\">\n  <testsuite name=\"contract-tests.live\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\">\n    <properties>\n      <property name=\"mode\" value=\"live\"/>\n      <property name=\"seed\" value=\"42\"/>\n      <property name=\"replay\" value=\"CONTRACT_SEED=42\"/>\n      <property name=\"requests_sent\" value=\"7\"/>\n    </properties>\n    <testcase name=\"envelope::every_operation_and_status\" classname=\"contract-tests.live\" time=\"0.250\"/>\n    <testcase name=\"error_codes::not_found_404\" classname=\"contract-tests.live\" time=\"0.250\">\n      <failure message=\"contract clause `error-codes/404` broken by operation `get_order`: expected 404 NOT_FOUND, saw 400 &lt;&amp;&quot;&apos;&gt; \\u{1b} $CONTRACT_API_KEY\" type=\"error-codes/404\">contract clause";
        assert!(xml.starts_with(expected_start), "{xml}");
        assert!(
            xml.contains("-H &quot;authorization: Bearer $CONTRACT_API_KEY&quot;"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "replay the generated cases: CONTRACT_SEED=42</failure>\n    </testcase>\n"
            ),
            "{xml}"
        );
        assert!(xml.ends_with("    <testcase name=\"error_codes::rate_limited_429\" classname=\"contract-tests.live\" time=\"0.250\">\n      <skipped message=\"opt-in: needs CONTRACT_RATE_LIMIT_API_KEY\"/>\n    </testcase>\n    <testcase name=\"run::cleanup\" classname=\"contract-tests.live.run\" time=\"0.250\"/>\n  </testsuite>\n</testsuites>\n"), "{xml}");
        assert!(!xml.contains(fixture::KEY));
    }
}
