//! Saved plans: round trip, staleness, no secrets.

use entraprov::plan::diff;
use entraprov::plan::saved::*;

use super::fixtures::*;

fn entry() -> SavedEntry {
    let o = observed();
    let mut o2 = o.clone();
    o2.credentials.tenant_url = Some("https://elsewhere".into());
    SavedEntry {
        manifest: "keeper.yaml".into(),
        manifest_digest: manifest_digest(b"apiVersion: entraprov/v1\n"),
        observed_fingerprint: observed_fingerprint(&o2),
        plan: diff(&desired(), &o2),
    }
}

#[test]
fn saved_plan_round_trips_and_holds_no_secret() {
    let saved = SavedPlan::new(vec![entry()]);
    let text = saved.to_json();
    assert!(text.contains("\"format_version\": \"1\""));
    assert!(!text.contains(TOKEN));
    assert_eq!(SavedPlan::from_json(&text, "p.json").unwrap(), saved);
}

#[test]
fn fresh_plan_passes_and_stale_plans_are_refused() {
    let e = entry();
    let mut o2 = observed();
    o2.credentials.tenant_url = Some("https://elsewhere".into());
    let digest = manifest_digest(b"apiVersion: entraprov/v1\n");
    assert!(e.check_fresh(&digest, &observed_fingerprint(&o2)).is_ok());
    let err = e
        .check_fresh(&manifest_digest(b"changed"), &observed_fingerprint(&o2))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("plan is stale: keeper.yaml changed")
    );
    let err = e
        .check_fresh(&digest, &observed_fingerprint(&observed()))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("live configuration of keeper-prod changed")
    );
}

#[test]
fn observed_fingerprint_ignores_list_order_but_not_content() {
    let a = observed();
    let mut b = observed();
    b.assignments.reverse();
    b.principals.reverse();
    b.mappings.reverse();
    assert_eq!(observed_fingerprint(&a), observed_fingerprint(&b));
    b.assignments.pop();
    assert_ne!(observed_fingerprint(&a), observed_fingerprint(&b));
    assert!(observed_fingerprint(&a).starts_with("sha256:"));
}

#[test]
fn wrong_version_and_garbage_are_clear_errors() {
    let err = SavedPlan::from_json(r#"{"format_version":"9"}"#, "p.json").unwrap_err();
    assert!(err.to_string().contains("format version 9"));
    let err = SavedPlan::from_json("nope", "p.json").unwrap_err();
    assert!(
        err.to_string()
            .contains("p.json is not an entraprov plan file")
    );
}
