//! Apply report renderings.

use entraprov::plan::change::{Action, Address};
use entraprov::plan::report::{ApplyReport, Convergence, Failure, Outcome, OutcomeStatus};
use entraprov::render::{HumanOptions, report};

fn outcome(address: Address, action: Action, status: OutcomeStatus) -> Outcome {
    Outcome {
        address,
        action,
        status,
    }
}

fn failed_report() -> ApplyReport {
    ApplyReport {
        name: "keeper-prod".into(),
        outcomes: vec![
            outcome(Address::App, Action::Create, OutcomeStatus::Done),
            outcome(
                Address::Assignment { principal: "group:Keeper Users".into(), role: "User".into() },
                Action::Create,
                OutcomeStatus::Done,
            ),
            outcome(Address::Job, Action::Create, OutcomeStatus::Done),
            outcome(
                Address::Credentials,
                Action::Create,
                OutcomeStatus::Failed(Failure {
                    message: "validateCredentials failed: the SCIM endpoint rejected the token".into(),
                    http_status: Some(400),
                    code: Some("BadRequest".into()),
                    inner_error: Some("SystemForCrossDomainIdentityManagementCredentialValidationUnavailable: 401 Unauthorized".into()),
                    request_id: Some("5e0c7a3d-0000-4000-8000-000000000001".into()),
                }),
            ),
            outcome(
                Address::Mapping { label: "users".into() },
                Action::Update,
                OutcomeStatus::Skipped { because: Some(Address::Credentials) },
            ),
            outcome(Address::State, Action::Update, OutcomeStatus::Skipped { because: Some(Address::Credentials) }),
        ],
        interrupted: false,
        convergence: Some(Convergence::NotConverged {
            leftover: vec!["~ credentials".into(), "~ mapping[users]".into(), "~ state".into()],
        }),
    }
}

#[test]
fn report_with_a_failure_and_skipped_dependants() {
    let r = failed_report();
    assert!(!r.succeeded());
    snap!(report::human(&r, HumanOptions::default()));
}

#[test]
fn report_json() {
    snap!(report::json(&failed_report()));
}

#[test]
fn report_all_done_and_converged() {
    let r = ApplyReport {
        name: "keeper-prod".into(),
        outcomes: vec![outcome(Address::State, Action::Update, OutcomeStatus::Done)],
        interrupted: false,
        convergence: Some(Convergence::Converged),
    };
    assert!(r.succeeded());
    snap!(report::human(&r, HumanOptions::default()));
}

#[test]
fn report_interrupted() {
    let r = ApplyReport {
        name: "keeper-prod".into(),
        outcomes: vec![
            outcome(Address::App, Action::Create, OutcomeStatus::Done),
            outcome(
                Address::Job,
                Action::Create,
                OutcomeStatus::Skipped { because: None },
            ),
        ],
        interrupted: true,
        convergence: None,
    };
    assert!(!r.succeeded());
    snap!(report::human(&r, HumanOptions::default()));
}

#[test]
fn report_markdown() {
    snap!(report::markdown(&failed_report()));
}

/// A failed step is never followed by "Converged", even when the tenant matches anyway
/// (another apply made the change; issue #13).
#[test]
fn a_failed_step_is_never_followed_by_converged() {
    let mut r = failed_report();
    r.convergence = Some(Convergence::Converged);
    assert!(!r.succeeded());
    let human = report::human(&r, HumanOptions::default());
    assert!(!human.contains("Converged"), "{human}");
    assert!(
        human.contains("but this apply failed 1 change(s)"),
        "{human}"
    );
    let md = report::markdown(&r);
    assert!(!md.contains("Converged"), "{md}");
}
