//! Unit tests of the pure evaluation (Graph payloads → verdict, advice, grouping).

use serde_json::{Value, json};

use super::evaluate::evaluate;
use super::read::Live;
use super::{Health, advice};
use crate::graph::wire::{ProvisioningEntry, ServicePrincipal, SyncJob};
use crate::manifest::{LoadedManifest, load_str};

const GRAPH: &str = "https://graph.microsoft.com/v1.0";

fn manifest() -> LoadedManifest {
    let text = "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: keeper-prod\napp:\n  displayName: Keeper\n  gallery: Keeper Password Manager & Digital Vault\nprovisioning:\n  enabled: true\n";
    load_str("keeper.yaml", text).0.expect("valid manifest")
}

fn sp() -> ServicePrincipal {
    serde_json::from_value(json!({"id": "sp-1", "appId": "app-1", "displayName": "Keeper"}))
        .expect("sp")
}

fn job(schedule: &str, code: &str, last: Value, quarantine: Value, steady: &str) -> SyncJob {
    serde_json::from_value(json!({
        "id": "Keeper.t.j", "templateId": "Keeper",
        "schedule": {"interval": "PT40M", "state": schedule},
        "status": {"code": code, "lastExecution": last, "lastSuccessfulExecution": null,
                   "quarantine": quarantine, "steadyStateLastAchievedTime": steady,
                   "steadyStateFirstAchievedTime": steady,
                   "synchronizedEntryCountByType": [{"key": "User to User", "value": 3}]},
    }))
    .expect("job")
}

fn exec(state: &str) -> Value {
    json!({"state": state, "timeBegan": "2026-11-28T20:00:00Z", "timeEnded": "2026-11-28T20:20:00Z",
           "countImported": 3, "countExported": 3, "countEscrowed": 0})
}

fn live(job: SyncJob, logs: Vec<Value>) -> Live {
    let entries: Vec<ProvisioningEntry> = logs
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("entry"))
        .collect();
    Live {
        apps: vec![sp()],
        job: Some((job, Vec::new())),
        logs: Some(Ok(entries)),
        since: Some("2026-11-27T20:00:00Z".into()),
        truncated: false,
    }
}

const STEADY: &str = "2026-11-28T20:20:00Z";
const NEVER: &str = "0001-01-01T00:00:00Z";

#[test]
fn verdicts_follow_the_documented_precedence() {
    let m = manifest();
    let q = json!({"reason": "Unknown"});
    let cases = [
        (
            job("Active", "Quarantine", exec("Failed"), q, STEADY),
            Health::Quarantined,
        ),
        (
            job("Active", "Active", exec("Failed"), Value::Null, STEADY),
            Health::Failed,
        ),
        (
            job("Disabled", "NotConfigured", Value::Null, Value::Null, NEVER),
            Health::Disabled,
        ),
        (
            job("Paused", "Paused", exec("Succeeded"), Value::Null, STEADY),
            Health::Paused,
        ),
        (
            job("Active", "Active", Value::Null, Value::Null, NEVER),
            Health::InProgress,
        ),
        (
            job(
                "Active",
                "Active",
                exec("EntryLevelErrors"),
                Value::Null,
                STEADY,
            ),
            Health::Degraded,
        ),
        (
            job("Active", "Active", exec("Succeeded"), Value::Null, STEADY),
            Health::Healthy,
        ),
    ];
    for (j, want) in cases {
        let st = evaluate(&m, &live(j, vec![]), GRAPH);
        assert_eq!(st.health, want);
    }
}

#[test]
fn every_documented_reason_has_steps_with_a_restart_or_a_check() {
    let j = advice::JobRef {
        graph_url: GRAPH,
        sp: "sp-1",
        job: "Keeper.t.j",
        manifest: "k.yaml",
    };
    for reason in crate::sim::sync::progress::REASONS {
        let steps = advice::quarantine(reason, "", "", (0, None), &j);
        assert!(steps.len() >= 2, "{reason}");
        let text = steps.join("\n");
        assert!(
            text.contains("/servicePrincipals/sp-1/synchronization/jobs/Keeper.t.j/restart"),
            "{reason}: {text}"
        );
    }
    let tmd = advice::quarantine("TooManyDeletes", "", "", (4, Some(0)), &j).join("\n");
    assert!(tmd.contains("4 `stagedDelete` entries") && tmd.contains("ForceDeletes"));
    let escrow = advice::quarantine("EncounteredTotalEscrowThreshold", "", "", (0, Some(0)), &j);
    assert!(escrow[0].contains("--since 7d"), "{escrow:?}");
    let escrow = advice::quarantine("EncounteredTotalEscrowThreshold", "", "", (0, Some(5)), &j);
    assert!(
        escrow[0].contains("The 5 failed entries are below"),
        "{escrow:?}"
    );
    let creds = advice::quarantine(
        "EncounteredQuarantineException",
        "X",
        "HTTP 401 Unauthorized",
        (0, None),
        &j,
    );
    assert!(creds[0].contains("entraprov test-connection k.yaml"));
}

fn entry(user: &str, status: &str, code: Option<&str>, action: &str, rec: Option<&str>) -> Value {
    json!({"id": format!("{user}-{status}"), "activityDateTime": STEADY, "provisioningAction": action,
           "provisioningStatusInfo": {"status": status, "errorInformation": code.map(|c| json!({
               "errorCode": c, "reason": "why", "recommendedAction": rec}))},
           "sourceIdentity": {"displayName": user, "details": {"UserPrincipalName": format!("{user}@x")}}})
}

#[test]
fn problems_are_grouped_by_code_failures_first_with_distinct_users() {
    let m = manifest();
    let logs = vec![
        entry("a", "failure", Some("Conflict"), "create", None),
        entry("a", "failure", Some("Conflict"), "create", None),
        entry(
            "b",
            "skipped",
            Some("NotEffectivelyEntitled"),
            "other",
            None,
        ),
        entry(
            "c",
            "skipped",
            Some("NotEffectivelyEntitled"),
            "other",
            None,
        ),
        entry(
            "d",
            "failure",
            Some("Custom"),
            "update",
            Some("Graph says so"),
        ),
        entry("e", "success", None, "create", None),
        entry("f", "skipped", Some("X"), "stagedDelete", None),
    ];
    let j = job("Active", "Active", exec("Succeeded"), Value::Null, STEADY);
    let st = evaluate(&m, &live(j, logs), GRAPH);
    let p = &st.problems;
    assert_eq!(p.entries_read, 7);
    assert_eq!(p.held_deletions, 1);
    let order: Vec<(&str, usize, usize)> = p
        .groups
        .iter()
        .map(|g| (g.error_code.as_str(), g.count, g.users))
        .collect();
    assert_eq!(
        order,
        vec![
            ("Conflict", 2, 1),
            ("Custom", 1, 1),
            ("NotEffectivelyEntitled", 2, 2),
            ("X", 1, 1)
        ]
    );
    assert_eq!(p.groups[0].entries.len(), 1, "one line per user");
    assert_eq!(p.groups[0].entries[0].user, "a@x");
    assert_eq!(
        p.groups[1].recommended_action, "Graph says so",
        "Graph's advice wins"
    );
    assert!(
        p.groups[3]
            .recommended_action
            .contains("accidental-deletion")
    );
}

#[test]
fn missing_app_and_missing_job_are_not_found_with_what_to_do() {
    let m = manifest();
    let st = evaluate(&m, &Live::default(), GRAPH);
    assert_eq!(st.health, Health::NotFound);
    assert!(st.notes[0].contains("entraprov apply keeper.yaml"));
    let no_job = Live {
        apps: vec![sp()],
        ..Live::default()
    };
    let st = evaluate(&m, &no_job, GRAPH);
    assert_eq!(st.health, Health::NotFound);
    assert!(st.notes[0].contains("no synchronization job"));
    let two = Live {
        apps: vec![sp(), sp()],
        ..Live::default()
    };
    assert!(evaluate(&m, &two, GRAPH).notes[0].contains("2 apps carry the tag"));
}

#[test]
fn unreadable_logs_keep_the_job_verdict() {
    let m = manifest();
    let mut l = live(
        job("Active", "Active", exec("Succeeded"), Value::Null, STEADY),
        vec![],
    );
    l.logs = Some(Err(
        "HTTP 403 (the provisioning logs need AuditLog.Read.All)".into(),
    ));
    let st = evaluate(&m, &l, GRAPH);
    assert_eq!(st.health, Health::Healthy);
    assert!(
        st.problems
            .unavailable
            .as_deref()
            .is_some_and(|u| u.contains("AuditLog.Read.All"))
    );
}
