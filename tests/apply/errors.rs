//! Error paths: what fails, what is skipped, what still runs, and what reaches Graph.

use entraprov::apply::flow;
use entraprov::apply::{NoProgress, StopFlag};
use entraprov::graph::auth::Env;
use entraprov::plan::OutcomeStatus;

use crate::proxy::{Rule, client_at, proxy};
use crate::support::{World, apply_options, block_on, show, writes};

/// Request ids and generated ids vary from run to run.
fn redact(text: &str) -> String {
    let re = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    let re_job =
        regex::Regex::new(r"keeperPasswordManagerDigitalVault\.[0-9a-f]{32}\.<id>").expect("regex");
    let t = re.replace_all(text, "<id>").to_string();
    re_job.replace_all(&t, "<job>").to_string()
}

#[test]
fn a_role_the_app_lacks_fails_that_assignment_and_the_rest_is_applied() {
    let text = entraprov::cli::demo::world::KEEPER_YAML.replace(
        "    - user: alice@contoso.com\n      role: User",
        "    - user: alice@contoso.com\n      role: Approver",
    );
    let w = World::with(&text, |_| {});
    let report = block_on(w.apply());
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.status, OutcomeStatus::Failed(_)))
        .map(|o| o.address.to_string())
        .collect();
    assert_eq!(failed, ["assignment[user:alice@contoso.com → Approver]"]);
    assert_eq!(
        report.summary().skipped,
        0,
        "nothing depends on an assignment"
    );
    snapshot!("role_missing_report", redact(&show(&report)));
}

#[test]
fn an_ambiguous_group_stops_before_any_write() {
    let text = entraprov::cli::demo::world::KEEPER_YAML
        .replace("    - group: Keeper Users\n", "    - group: Sales\n");
    let w = World::with(&text, |_| {});
    let client = w.client();
    let err = block_on(flow::plan_manifest(&client, &w.loaded, &w.env))
        .expect_err("two groups are named Sales");
    let text: Vec<String> = err
        .diagnostics()
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(text.iter().any(|m| m.contains("Sales")), "{text:?}");
    assert!(writes(&w).is_empty(), "no writes: {:?}", writes(&w));
    snapshot!("group_ambiguous", redact(&text.join("\n")));
}

#[test]
fn a_rejected_scim_token_fails_test_connection_and_nothing_after_it_is_written() {
    let mut w = World::keeper(None, 0);
    w.env = Env::from_pairs([("KEEPER_SCIM_TOKEN", "not-the-token")]);
    let report = block_on(w.apply());
    snapshot!("scim_rejects_token", redact(&show(&report)));
    let after_test: Vec<String> = writes(&w)
        .into_iter()
        .filter(|k| k.contains("secrets") || k.contains("schema") || k.contains("/start"))
        .filter(|k| !k.contains("parseExpression"))
        .collect();
    assert!(
        after_test.is_empty(),
        "written after the failed test: {after_test:?}"
    );
    let dump = w.dump();
    let app = &crate::support::app_summary(&dump)[0];
    assert_eq!(app["secrets"], serde_json::json!([]));
    assert_eq!(app["jobs"][0]["scheduleState"], "Disabled");
}

#[test]
fn a_403_on_the_schema_put_fails_the_mappings_and_skips_the_state() {
    let w = World::keeper(None, 0);
    let report = block_on(async {
        let base = proxy(w.server.url().to_owned(), Rule::ForbidSchemaPut).await;
        let client = client_at(&w, &base);
        let planned = flow::plan_manifest(&client, &w.loaded, &w.env)
            .await
            .expect("plan");
        flow::apply_and_check(
            flow::Session {
                client: &client,
                loaded: &w.loaded,
                env: &w.env,
            },
            &planned,
            &apply_options(),
            &NoProgress,
            &StopFlag::new(),
        )
        .await
    });
    let s = report.summary();
    assert!(s.failed >= 1 && s.skipped == 1, "{}", show(&report));
    snapshot!("schema_put_403", redact(&show(&report)));
}

#[test]
fn a_service_principal_that_never_becomes_readable_times_out_naming_it() {
    let w = World::with(entraprov::cli::demo::world::KEEPER_YAML, |cfg| {
        cfg.faults.replication_delay = 100_000;
    });
    let report = block_on(async {
        let planned = w.plan().await;
        let opts = entraprov::apply::ApplyOptions {
            create_wait: std::time::Duration::from_millis(300),
            ..apply_options()
        };
        flow::apply_and_check(
            flow::Session {
                client: &w.client(),
                loaded: &w.loaded,
                env: &w.env,
            },
            &planned,
            &opts,
            &NoProgress,
            &StopFlag::new(),
        )
        .await
    });
    let app = &report.outcomes[0];
    let OutcomeStatus::Failed(f) = &app.status else {
        panic!("{}", show(&report));
    };
    assert!(f.message.contains("timed out"), "{}", f.message);
    assert!(f.message.contains("\"Keeper (prod)\""), "{}", f.message);
    assert!(f.message.contains("service principal"), "{}", f.message);
    assert_eq!(
        report.summary().skipped,
        report.outcomes.len() - 1,
        "everything depends on the app"
    );
}
