//! Hostile strings (from a manifest or from the tenant) in every human renderer: control
//! characters, bidi overrides and invisible format characters are shown escaped, long
//! values are cut, and JSON stays exact.

use std::sync::Arc;

use entraprov::cli::provision_on_demand::report as pod;
use entraprov::manifest::diag::Diagnostic;
use entraprov::manifest::report::{HumanStyle, render_github, render_human, render_human_all};
use entraprov::manifest::span::SourceFile;
use entraprov::manifest::{FileStatus, LoadOutcome};
use entraprov::plan::change::{Action, Address};
use entraprov::plan::report::{ApplyReport, Convergence, Failure, Outcome, OutcomeStatus};
use entraprov::plan::{Plan, diff};
use entraprov::render::{HumanOptions, human, json, markdown, report};
use entraprov::scim::{CheckStatus, ProbeCheck, render_table};
use entraprov::status::{self, AppStatus, Health, ProblemEntry, ProblemGroup, Problems};
use proptest::prelude::*;
use serde_json::json;

use super::fixtures::*;

const PLAIN: HumanOptions = HumanOptions { color: false };

/// The displayName of the issue: a forged "No changes." line and a conceal sequence.
const INJECTED: &str = "Keeper\n\nNo changes. inj matches the manifest.\n\x1b[8m";

fn plan_with_display_name(name: &str) -> Plan {
    let mut d = desired();
    d.app.display_name = name.to_owned();
    diff(&d, &observed())
}

/// No raw control or invisible format character other than the line breaks of the layout.
fn assert_clean(what: &str, out: &str) {
    for c in out.chars() {
        assert!(
            c == '\n' || !entraprov::text::is_unsafe(c),
            "{what}: raw {c:?} in output:\n{out}"
        );
    }
}

#[test]
fn injected_display_name_is_escaped_in_the_human_plan() {
    let plan = plan_with_display_name(INJECTED);
    let out = human::render(&plan, PLAIN);
    assert!(!out.contains("\nNo changes."), "{out}");
    assert!(!out.contains('\x1b'), "{out}");
    assert_clean("human", &out);
    snap!(out);
}

#[test]
fn injected_display_name_is_escaped_in_the_markdown_plan() {
    let plan = plan_with_display_name(INJECTED);
    let out = markdown::render(std::slice::from_ref(&plan));
    assert!(!out.contains('\x1b'), "{out}");
    assert_clean("markdown", &out);
    snap!(out);
}

#[test]
fn json_keeps_the_exact_value() {
    let plan = plan_with_display_name(INJECTED);
    let v: serde_json::Value = serde_json::from_str(&json::render(&[plan])).unwrap();
    assert!(
        v.to_string()
            .contains(&serde_json::to_string(INJECTED).unwrap()[1..40])
    );
}

#[test]
fn a_huge_display_name_is_cut_with_its_length() {
    let name = "K".repeat(900_000);
    let plan = plan_with_display_name(&name);
    let out = human::render(&plan, PLAIN);
    assert!(out.len() < 20_000, "{} bytes of output", out.len());
    assert!(
        out.contains("…[900000 characters in all]"),
        "{}",
        &out[..2000]
    );
    let md = markdown::render(std::slice::from_ref(&plan));
    assert!(md.len() < 20_000, "{} bytes of markdown", md.len());
}

fn apply_report(s: &str) -> ApplyReport {
    ApplyReport {
        name: s.to_owned(),
        outcomes: vec![
            Outcome {
                address: Address::Assignment {
                    principal: format!("group:{s}"),
                    role: s.to_owned(),
                },
                action: Action::Create,
                status: OutcomeStatus::Failed(Failure {
                    message: format!("{s}\n      help: {s}"),
                    http_status: Some(400),
                    code: Some(s.to_owned()),
                    inner_error: Some(s.to_owned()),
                    request_id: Some(s.to_owned()),
                }),
            },
            Outcome {
                address: Address::Mapping {
                    label: s.to_owned(),
                },
                action: Action::Update,
                status: OutcomeStatus::Skipped {
                    because: Some(Address::Attribute {
                        label: s.to_owned(),
                        target: s.to_owned(),
                    }),
                },
            },
        ],
        interrupted: false,
        convergence: Some(Convergence::NotConverged {
            leftover: vec![s.to_owned()],
        }),
    }
}

fn app_status(s: &str) -> AppStatus {
    let entry = ProblemEntry {
        user: s.to_owned(),
        action: s.to_owned(),
        time: Some(s.to_owned()),
        reason: Some(s.to_owned()),
    };
    AppStatus {
        manifest: s.to_owned(),
        name: s.to_owned(),
        display_name: s.to_owned(),
        health: Health::Degraded,
        service_principal_id: Some(s.to_owned()),
        job: None,
        quarantine: None,
        problems: Problems {
            since: Some(s.to_owned()),
            entries_read: 1,
            groups: vec![ProblemGroup {
                error_code: s.to_owned(),
                status: s.to_owned(),
                count: 1,
                users: 1,
                recommended_action: s.to_owned(),
                entries: vec![entry],
            }],
            ..Problems::default()
        },
        notes: vec![s.to_owned()],
    }
}

fn diagnostics(s: &str) -> LoadOutcome {
    let text = format!("name: \"{s}\"\napp:\n  displayName: {s}\n");
    let file = Arc::new(SourceFile::new("hostile.yaml".into(), text.clone()));
    let d = Diagnostic::new("E0101", format!("unknown key `{s}`"))
        .in_file(&file)
        .at(0..text.len().min(6), s.to_owned())
        .also(0..1, s.to_owned())
        .help(s.to_owned());
    LoadOutcome {
        manifests: Vec::new(),
        diagnostics: vec![d],
        files: vec![FileStatus {
            name: s.to_owned(),
            manifest_name: Some(s.to_owned()),
            errors: 0,
            warnings: 0,
        }],
    }
}

fn pod_report(s: &str) -> String {
    let key = json!({ "result": s, "details": { "errorCode": s, "errorMessage": s } });
    let value = json!([{
        "action": s, "reportableIdentifier": s,
        "provisioningSteps": [{ "name": s, "type": s, "status": s, "description": s,
                                "details": { s: s } }],
        "modifiedProperties": [{ "displayName": s, "oldValue": s, "newValue": format!("{s}!") }],
        "statusInfo": { "errorCode": s, "reason": s, "additionalDetails": s },
        "targetSystem": { "name": s }
    }]);
    let r = pod::decode_values(key, value).expect("decodes");
    pod::render(&r, s, s)
}

/// Every human renderer, fed `s` wherever an untrusted string goes.
fn every_rendering(s: &str) -> Vec<(&'static str, String)> {
    let mut d = desired();
    d.app.display_name = s.to_owned();
    d.name = s.to_owned();
    let mut o = observed();
    o.app.as_mut().unwrap().display_name = format!("{s}-old");
    let mut plan = diff(&d, &o);
    plan.warnings.push(s.to_owned());
    let fresh_plan = diff(&d, &fresh());
    let r = apply_report(s);
    let st = app_status(s);
    let outcome = diagnostics(s);
    let check = ProbeCheck::new(s, CheckStatus::Fail, s, None);
    vec![
        ("human plan", human::render(&plan, PLAIN)),
        ("human fresh plan", human::render(&fresh_plan, PLAIN)),
        ("no changes", human::no_changes(&fresh_plan, PLAIN)),
        ("markdown plan", markdown::render(&[plan, fresh_plan])),
        ("apply report", report::human(&r, PLAIN)),
        ("apply report markdown", report::markdown(&r)),
        (
            "status",
            status::human::render(std::slice::from_ref(&st), false),
        ),
        (
            "status markdown",
            status::markdown::render(std::slice::from_ref(&st)),
        ),
        (
            "diagnostic",
            render_human(&outcome.diagnostics[0], HumanStyle::plain()),
        ),
        ("validate", render_human_all(&outcome, HumanStyle::plain())),
        ("annotations", render_github(&outcome)),
        ("test-connection", render_table(&[check])),
        ("provision-on-demand", pod_report(s)),
    ]
}

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
        1 => (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
        2 => prop::sample::select(vec![
            '\u{202e}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
            '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{2028}', '\u{2029}',
            '\u{e0041}', '\u{fff9}',
        ]),
        2 => prop::sample::select(vec!['a', ' ', '|', '`', '<', '%', ':', ',', '\\', '"']),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_raw_control_character_reaches_any_human_output(
        chars in prop::collection::vec(hostile_char(), 0..24)
    ) {
        let s: String = chars.into_iter().collect();
        for (what, out) in every_rendering(&s) {
            assert_clean(what, &out);
        }
    }
}
