//! `credentials`, `settings` and `state`.

use entraprov::plan::change::{Action, Address, Sensitive, Target, Value};
use entraprov::plan::diff;
use entraprov::plan::model::{RunState, Scope, Settings, TokenState};

use super::fixtures::*;
use super::{lines, only};

fn sensitive(fp: &str) -> Value {
    Value::Sensitive(Sensitive::Fingerprint {
        fingerprint: fp.to_owned(),
    })
}

#[test]
fn credentials_are_created_when_nothing_is_stored() {
    let mut o = observed();
    o.credentials.tenant_url = None;
    o.credentials.token = TokenState::Absent;
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(
        (c.action, &c.address),
        (Action::Create, &Address::Credentials)
    );
    assert_eq!(c.fields[0].after, Value::Text(URL.into()));
    assert_eq!(c.fields[1].before, Value::Unset);
    assert_eq!(c.fields[1].after, sensitive(&fp(TOKEN)));
}

#[test]
fn tenant_url_change_is_an_update_with_before_and_after() {
    let mut o = observed();
    o.credentials.tenant_url = Some("https://keepersecurity.com/api/rest/scim/v2/222".into());
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].name, "tenantUrl");
    assert!(matches!(
        &c.target,
        Target::Credentials {
            set_token: false,
            ..
        }
    ));
}

#[test]
fn changed_token_shows_both_fingerprints_and_never_the_value() {
    let mut d = desired();
    prov(&mut d).credentials.as_mut().unwrap().secret_token = Some("new-token".to_owned().into());
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert_eq!(c.fields[0].name, "secretToken");
    assert_eq!(c.fields[0].before, sensitive(&fp(TOKEN)));
    assert_eq!(c.fields[0].after, sensitive(&fp("new-token")));
    assert!(
        matches!(&c.target, Target::Credentials { set_token: true, token_fingerprint: Some(f), .. } if *f == fp("new-token"))
    );
    let dump = format!("{plan:?} {}", serde_json::to_string(&plan).unwrap());
    assert!(!dump.contains("new-token") && !dump.contains(TOKEN));
}

#[test]
fn same_token_is_no_change() {
    assert!(diff(&desired(), &observed()).is_empty());
}

#[test]
fn token_without_fingerprint_tag_will_be_set() {
    let mut o = observed();
    o.credentials.token = TokenState::Unknown;
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields[0].before, Value::Sensitive(Sensitive::Unknown));
}

#[test]
fn token_for_a_new_app_will_be_set_without_fingerprint() {
    let plan = diff(&desired(), &fresh());
    let c = plan
        .changes
        .iter()
        .find(|c| c.address == Address::Credentials)
        .unwrap();
    assert_eq!(c.fields[1].after, Value::Sensitive(Sensitive::WillBeSet));
    assert!(matches!(
        &c.target,
        Target::Credentials {
            set_token: true,
            token_fingerprint: None,
            ..
        }
    ));
}

#[test]
fn credentials_not_declared_are_never_touched() {
    let mut d = desired();
    prov(&mut d).credentials = None;
    let mut o = observed();
    o.credentials.tenant_url = Some("https://elsewhere".into());
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn each_setting_change_is_one_field_of_one_settings_change() {
    type Mutate = Box<dyn Fn(&mut Settings)>;
    let cases: Vec<(&str, Mutate)> = vec![
        (
            "notifications.email",
            Box::new(|s| s.notification_email = Some("old@contoso.com".into())),
        ),
        (
            "notifications.onFailure",
            Box::new(|s| s.on_failure = Some(false)),
        ),
        (
            "accidentalDeletions.enabled",
            Box::new(|s| s.deletion_threshold_enabled = None),
        ),
        (
            "accidentalDeletions.threshold",
            Box::new(|s| s.deletion_threshold = Some(10)),
        ),
        (
            "skipOutOfScopeDeletions",
            Box::new(|s| s.skip_out_of_scope_deletions = None),
        ),
    ];
    for (field, mutate) in cases {
        let mut o = observed();
        mutate(&mut o.settings);
        let plan = diff(&desired(), &o);
        let c = only(&plan);
        assert_eq!(
            (c.action, &c.address),
            (Action::Update, &Address::Settings),
            "{field}"
        );
        assert_eq!(c.fields.len(), 1, "{field}");
        assert_eq!(c.fields[0].name, field);
        assert!(c.warnings.is_empty(), "{field}: {:?}", c.warnings);
    }
}

#[test]
fn settings_are_created_with_a_new_job() {
    let mut o = observed();
    o.job = None;
    o.settings = Settings::default();
    let plan = diff(&desired(), &o);
    let c = plan
        .changes
        .iter()
        .find(|c| c.address == Address::Settings)
        .unwrap();
    assert_eq!(c.action, Action::Create);
    assert_eq!(c.fields.len(), 6);
}

#[test]
fn email_compared_trimmed() {
    let mut o = observed();
    o.settings.notification_email = Some(" it-alerts@contoso.com ".into());
    assert!(diff(&desired(), &o).is_empty());
}

#[test]
fn scope_all_to_assigned_warns_and_restarts() {
    let mut o = observed();
    o.settings.scope = Some(Scope::All);
    let plan = diff(&desired(), &o);
    assert_eq!(lines(&plan), ["~ settings", "~ state"]);
    assert!(plan.changes[0].warnings[0].contains("narrows the scope"));
    assert!(matches!(
        plan.changes[1].target,
        Target::State {
            restart: true,
            start: false,
            pause: false,
            ..
        }
    ));
}

#[test]
fn scope_assigned_to_all_does_not_warn_or_restart() {
    let mut d = desired();
    prov(&mut d).settings.scope = Some(Scope::All);
    let plan = diff(&d, &observed());
    let c = only(&plan);
    assert!(c.warnings.is_empty());
}

#[test]
fn turning_off_deletion_guard_and_skip_out_of_scope_warn() {
    let mut d = desired();
    prov(&mut d).settings.deletion_threshold_enabled = Some(false);
    prov(&mut d).settings.deletion_threshold = None;
    prov(&mut d).settings.skip_out_of_scope_deletions = Some(false);
    let mut o = observed();
    o.settings.skip_out_of_scope_deletions = Some(true);
    let plan = diff(&d, &o);
    let c = only(&plan);
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
}

#[test]
fn undeclared_settings_are_never_touched() {
    let mut d = desired();
    prov(&mut d).settings = Settings::default();
    let mut o = observed();
    o.settings = Settings {
        scope: Some(Scope::All),
        ..Settings::default()
    };
    assert!(diff(&d, &o).is_empty());
}

#[test]
fn state_off_to_on_starts() {
    let mut o = observed();
    o.job.as_mut().unwrap().state = RunState::Off;
    let plan = diff(&desired(), &o);
    let c = only(&plan);
    assert_eq!(c.fields[0].before, Value::Text("Off".into()));
    assert_eq!(c.fields[0].after, Value::Text("On".into()));
    assert!(matches!(
        c.target,
        Target::State {
            start: true,
            pause: false,
            restart: false,
            desired: RunState::On
        }
    ));
}

#[test]
fn state_on_to_off_pauses() {
    let mut d = desired();
    prov(&mut d).enabled = Some(false);
    let plan = diff(&d, &observed());
    assert!(matches!(
        only(&plan).target,
        Target::State {
            start: false,
            pause: true,
            ..
        }
    ));
}

#[test]
fn state_active_job_is_never_started_again() {
    assert!(diff(&desired(), &observed()).is_empty());
    let mut d = desired();
    prov(&mut d).enabled = None;
    let mut o = observed();
    o.job.as_mut().unwrap().state = RunState::Off;
    assert!(
        diff(&d, &o).is_empty(),
        "enabled not declared: state not touched"
    );
}

#[test]
fn new_job_that_should_stay_off_needs_no_state_change() {
    let mut d = desired();
    prov(&mut d).enabled = Some(false);
    assert!(!lines(&diff(&d, &fresh())).contains(&"~ state".to_owned()));
}
