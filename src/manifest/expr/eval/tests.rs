//! Table tests from `tests/fixtures/expr/functions.json` (documented examples and edge
//! cases), and scoping-filter operators.

use serde_json::{Value as Json, json};

use super::*;

const FIXTURE: &str = include_str!("../../../../tests/fixtures/expr/functions.json");

/// Now() in the tests: the page's DateDiff table uses 8/25/2021 5:41:18 PM.
fn cx() -> Context {
    Context {
        now: date::parse("2021-08-25T17:41:18Z").unwrap(),
        seed: 7,
    }
}

fn check(case: &Json) -> Result<(), String> {
    let text = case["expression"].as_str().unwrap();
    let user = Attributes::from_user_json(case.get("user").unwrap_or(&json!({})));
    let got = evaluate(text, &user, cx());
    if let Some(code) = case["error"].as_str() {
        let e = got.err().ok_or("expected an error")?;
        if e.code != code {
            return Err(format!("expected {code}, got {} ({})", e.code, e.message));
        }
        if let Some(at) = case["at"].as_array() {
            let want = at[0].as_u64().unwrap() as usize..at[1].as_u64().unwrap() as usize;
            if e.at != want {
                return Err(format!("error at {:?}, expected {want:?}", e.at));
            }
        }
        return Ok(());
    }
    let out = got.map_err(|e| format!("{}: {}", e.code, e.message))?;
    let skipped = case["skipped"].as_bool().unwrap_or(false);
    if out.skipped != skipped {
        return Err(format!("skipped {} (value {:?})", out.skipped, out.value));
    }
    if let Some(p) = case["pattern"].as_str() {
        let re = regex::Regex::new(p).unwrap();
        if !re.is_match(&out.value.text()) {
            return Err(format!("{:?} does not match {p}", out.value));
        }
    } else if !skipped && out.value.to_json() != case["value"] {
        return Err(format!(
            "got {}, expected {}",
            out.value.to_json(),
            case["value"]
        ));
    }
    let codes: Vec<&str> = out.notes.iter().map(|n| n.code).collect();
    let want: Vec<&str> = case["notes"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    if codes != want {
        return Err(format!("notes {codes:?}, expected {want:?}"));
    }
    Ok(())
}

#[test]
fn documented_examples_and_edge_cases() {
    let fixture: Json = serde_json::from_str(FIXTURE).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{} — {}: {e}", c["from"], c["expression"]))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Every documented function is exercised by at least one case.
    for f in super::super::FUNCTIONS {
        let called = format!("{f}(");
        let used = cases
            .iter()
            .any(|c| c["expression"].as_str().unwrap().contains(&called));
        let undocumented = [
            "AppRoleAssignments",
            "DefaultDomain",
            "SingleAppRoleAssignment",
        ];
        assert!(used || undocumented.contains(f), "no case calls {f}");
    }
}

#[test]
fn same_seed_same_random_values_and_attributes_are_listed() {
    let user = Attributes::new();
    let a = evaluate(
        "Join(\"-\", Guid(), RandomString(10,2,2,2,1,\"?,\"))",
        &user,
        cx(),
    )
    .unwrap();
    let b = evaluate(
        "Join(\"-\", Guid(), RandomString(10,2,2,2,1,\"?,\"))",
        &user,
        cx(),
    )
    .unwrap();
    assert_eq!(a, b);
    let s = a.value.text();
    let rnd = &s[37..];
    assert_eq!(rnd.chars().count(), 10);
    assert!(!rnd.contains(['?', ',']));
    assert!(rnd.chars().filter(char::is_ascii_digit).count() >= 2);
    assert!(rnd.chars().filter(char::is_ascii_uppercase).count() >= 2);
    let c = compile("IIF([a]=\"x\", Join(\",\", [b], [a]), [c])").unwrap();
    assert_eq!(c.attributes(), ["a", "b", "c"]);
}

mod scope {
    use super::super::scoping::{clause, evaluate as scope};
    use super::*;
    use crate::manifest::provisioning::{Clause, ClauseValue, Operator, ScopingFilter};

    fn c(attribute: &str, operator: Operator, value: Option<&str>) -> Clause {
        Clause {
            attribute: attribute.into(),
            operator,
            value: value.map(|v| ClauseValue::String(v.into())),
        }
    }

    fn user(j: Json) -> Attributes {
        Attributes::from_user_json(&j)
    }

    #[test]
    fn operators_follow_the_documented_semantics() {
        use Operator::*;
        let u = user(json!({
            "department": "Sales", "upn": "a@domain.com", "workerID": "1500000",
            "flag": true, "empty": "", "list": ["a", "b"], "bits": "6"
        }));
        let cases = [
            (c("department", Equals, Some("Sales")), true),
            (c("department", Equals, Some("sales")), false),
            (c("department", NotEquals, Some("sales")), true),
            (c("missing", NotEquals, Some("x")), false),
            (c("department", Includes, Some("ale")), true),
            (c("department", EndsWith, Some("les")), true),
            (c("upn", RegexMatch, Some(r".*\@domain.com")), true),
            (c("upn", NotRegexMatch, Some(r".*\@domain.com")), false),
            (c("missing", NotRegexMatch, Some("x")), false),
            (
                c(
                    "workerID",
                    RegexMatch,
                    Some("(1[0-9][0-9][0-9][0-9][0-9][0-9])"),
                ),
                true,
            ),
            (c("workerID", GreaterThan, Some("1000000")), true),
            (c("workerID", GreaterThanOrEquals, Some("1500000")), true),
            (c("department", GreaterThan, Some("1")), false),
            (c("flag", IsTrue, None), true),
            (c("flag", IsFalse, None), false),
            (c("empty", IsNull, None), true),
            (c("missing", IsNull, None), true),
            (c("empty", IsNotNull, None), false),
            (c("list", Equals, Some("a")), false),
            (
                c("department", ContainedIn, Some("Sales,Engineering")),
                true,
            ),
            (
                c("department", NotContainedIn, Some("Engineering,Marketing")),
                true,
            ),
            (c("department", ContainedIn, Some("Marketing")), false),
        ];
        for (cl, want) in cases {
            assert_eq!(clause(&cl, &u).matched, want, "{cl:?}");
        }
    }

    #[test]
    fn clauses_and_filters_combine_with_and_then_or() {
        let f = |name: &str, clauses: Vec<Clause>| ScopingFilter {
            name: name.into(),
            clauses,
        };
        let filters = vec![
            f(
                "NY engineers",
                vec![
                    c("state", Operator::Equals, Some("New York")),
                    c("department", Operator::Equals, Some("Engineering")),
                ],
            ),
            f("titled", vec![c("jobTitle", Operator::IsNotNull, None)]),
        ];
        let ny = user(json!({"state": "New York", "department": "Engineering"}));
        let other = user(json!({"state": "New York", "department": "Sales"}));
        let titled = user(json!({"jobTitle": "CEO"}));
        assert!(scope(&filters, &ny).in_scope);
        assert!(!scope(&filters, &other).in_scope);
        assert!(scope(&filters, &titled).in_scope);
        assert!(scope(&[], &other).in_scope);
        assert!(!scope(&filters, &other).filters[0].clauses[1].matched);
    }
}
