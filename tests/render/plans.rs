//! Plan renderings.

use entraprov::plan::model::{
    FilterClause, MappingValue, PrincipalKind, RunState, Scope, ScopingFilter, TokenState,
};
use entraprov::plan::state::AppCandidate;
use entraprov::plan::{Plan, diff};
use entraprov::render::{HumanOptions, human, json, markdown};

use super::fixtures::*;

const PLAIN: HumanOptions = HumanOptions { color: false };

/// Every kind of drift at once: updates and deletes of every resource kind that has them.
pub fn drift_plan() -> Plan {
    let mut d = desired();
    prov(&mut d).credentials.as_mut().unwrap().secret_token =
        Some("CANARY-rotated-secret-31415926".to_owned().into());
    prov(&mut d).enabled = Some(true);
    desired_users(&mut d).enabled = Some(false);
    let mut o = observed();
    let app = o.app.as_mut().unwrap();
    app.display_name = "Keeper".into();
    o.assignments.retain(|a| a.id.as_str() != "as-1");
    o.assignments.push(live_assignment(
        "as-9",
        PrincipalKind::User,
        "u-bob",
        "bob@contoso.com",
        "role-user",
    ));
    o.credentials.tenant_url = Some("https://keepersecurity.com/api/rest/scim/v2/222".into());
    o.settings.scope = Some(Scope::All);
    o.settings.notification_email = Some("old-alerts@contoso.com".into());
    let users = users_mapping(&mut o);
    users.attributes.get_mut("active").unwrap().value = MappingValue::from_expression(
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"True\")",
    );
    users
        .attributes
        .get_mut("emails[type eq \"work\"].value")
        .unwrap()
        .value = src("mail");
    users
        .attributes
        .insert("title".into(), attr("title", src("jobTitle")));
    users.attributes.remove("externalId");
    let eng = users.scoping_filters.get_mut("Engineering only").unwrap();
    eng.clauses
        .retain(|c: &FilterClause| c.attribute == "department");
    users.scoping_filters.insert(
        "Sales".into(),
        ScopingFilter::new("Sales", vec![clause("department", "EQUALS", &["Sales"])]),
    );
    o.job.as_mut().unwrap().state = RunState::On;
    diff(&d, &o)
}

pub fn create_plan() -> Plan {
    let mut o = fresh();
    o.untagged_candidates.push(AppCandidate {
        service_principal_id: "sp-old".into(),
        app_id: "app-old".into(),
        display_name: "Keeper (prod)".into(),
    });
    diff(&desired(), &o)
}

#[test]
fn human_plan_of_a_fresh_tenant() {
    snap!(human::render(&create_plan(), PLAIN));
}

#[test]
fn human_plan_of_every_kind_of_drift() {
    snap!(human::render(&drift_plan(), PLAIN));
}

#[test]
fn human_plan_without_changes() {
    let plan = diff(&desired(), &observed());
    assert_eq!(
        human::render(&plan, PLAIN),
        "No changes. keeper-prod matches the manifest.\n"
    );
}

#[test]
fn human_plan_in_colour_uses_ansi_only_when_asked() {
    let coloured = human::render(&drift_plan(), HumanOptions { color: true });
    assert!(coloured.contains("\u{1b}[32m") && coloured.contains("\u{1b}[31m"));
    assert!(!human::render(&drift_plan(), PLAIN).contains('\u{1b}'));
    snap!(coloured);
}

#[test]
fn json_plan_document() {
    snap!(json::render(&[create_plan(), drift_plan()]));
}

#[test]
fn json_plan_is_valid_and_versioned() {
    let v: serde_json::Value = serde_json::from_str(&json::render(&[drift_plan()])).unwrap();
    assert_eq!(v["format_version"], "1");
    assert_eq!(v["plans"][0]["summary"]["remove"], 3);
    let token = v["plans"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "credentials")
        .unwrap()["fields"][1]
        .clone();
    assert_eq!(token["name"], "secretToken");
    assert_eq!(token["after"]["sensitive"], true);
    assert_eq!(token["after"]["fingerprint"].as_str().unwrap().len(), 12);
}

#[test]
fn markdown_plan_comment() {
    let no_change = diff(&desired(), &observed());
    snap!(markdown::render(&[drift_plan(), no_change]));
}

#[test]
fn markdown_is_truncated_under_the_limit_with_a_note() {
    let mut o = observed();
    for i in 0..5000 {
        o.assignments.push(live_assignment(
            &format!("as-{i}"),
            PrincipalKind::User,
            &format!("u-{i}"),
            &format!("user{i:05}@contoso.com"),
            "role-user",
        ));
    }
    let plan = diff(&desired(), &o);
    assert_eq!(plan.summary().remove, 5000);
    let md = markdown::render(&[plan]);
    assert!(
        md.chars().count() < markdown::MAX_CHARS,
        "{}",
        md.chars().count()
    );
    assert!(md.contains("more lines not shown"));
    assert!(md.contains("the plan was truncated"));
    assert!(
        md.contains("and 4995 more"),
        "warnings are grouped, not repeated"
    );
    assert!(md.trim_end().ends_with("for the full plan."));
    let fences = md.matches("```").count();
    assert_eq!(fences % 2, 0, "code block closed");
}

#[test]
fn markdown_escapes_user_text_and_fences_around_backticks() {
    let mut d = desired();
    d.app.display_name = "Keeper <b>*prod*</b>".into();
    desired_users(&mut d)
        .attributes
        .as_mut()
        .unwrap()
        .items
        .insert(
            "nickName".into(),
            attr(
                "nickName",
                MappingValue::Expression("Join(\"```\", [a], [b])".into()),
            ),
        );
    let md = markdown::render(&[diff(&d, &observed())]);
    assert!(md.contains("Keeper &lt;b&gt;\\*prod\\*&lt;/b&gt;"));
    assert!(md.contains("````diff"));
}

#[test]
fn canary_no_secret_value_in_any_rendering() {
    let mut o = observed();
    o.credentials.token = TokenState::Unknown;
    let plans = [create_plan(), drift_plan(), diff(&desired(), &o)];
    let mut outputs = vec![json::render(&plans), markdown::render(&plans)];
    for p in &plans {
        outputs.push(human::render(p, PLAIN));
        outputs.push(human::render(p, HumanOptions { color: true }));
        outputs.push(format!("{p:?}"));
        outputs.push(serde_json::to_string(p).unwrap());
    }
    for out in outputs {
        assert!(!out.contains("CANARY"), "secret leaked:\n{out}");
        assert!(!out.contains(TOKEN));
    }
}
