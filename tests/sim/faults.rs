//! Faults, latency, stats, reset, the canonical state dump and the state file.

use std::time::Duration;

use entraprov::sim::{FaultSpec, SimConfig};
use reqwest::Method;
use serde_json::json;

use crate::common::{Ctx, graph_error};

fn faulty(spec: &str, seed: u64) -> Ctx {
    Ctx::with(SimConfig {
        faults: FaultSpec::parse(spec).unwrap(),
        fault_seed: seed,
        ..Default::default()
    })
}

async fn statuses(ctx: &Ctx, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(ctx.get(&format!("/users?$top={}", 1 + i % 3)).await.status);
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let spec = "throttle=0.3:retry-after=0,error503=0.1,error504=0.05";
    let a = statuses(&faulty(spec, 7), 60).await;
    let b = statuses(&faulty(spec, 7), 60).await;
    let c = statuses(&faulty(spec, 8), 60).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.contains(&429) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_graph_body() {
    let ctx = faulty("throttle=1:retry-after=0", 1);
    let a = ctx.get("/users").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("0"));
    assert_eq!(graph_error(&a), "TooManyRequests");
    let ctx = faulty("error503=1:retry-after=3", 1);
    let a = ctx.get("/users").await;
    assert_eq!((a.status, a.header("retry-after")), (503, Some("3")));
    assert_eq!(ctx.server.stats().faults.get("error503"), Some(&1));
}

#[tokio::test]
async fn faults_spare_the_token_and_sim_endpoints_unless_configured() {
    let ctx = faulty("throttle=1", 1);
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", entraprov::sim::config::DEFAULT_APPLY_CLIENT_ID),
        ("client_secret", "sim-apply-secret"),
        ("scope", "https://graph.microsoft.com/.default"),
    ];
    let r = ctx
        .http
        .post(ctx.server.token_url())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let s = ctx
        .http
        .get(format!("{}/_sim/stats", ctx.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(s.status(), 200);
    let with_token = faulty("throttle=1,token=on", 1);
    let r = with_token
        .http
        .post(with_token.server.token_url())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn dropped_connections_get_no_answer() {
    let ctx = faulty("drop=1", 3);
    let r = ctx
        .http
        .get(ctx.url("/users"))
        .bearer_auth(&ctx.token)
        .send()
        .await;
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.text().await.is_err(),
    };
    assert!(
        failed,
        "a dropped connection is an I/O error for the client"
    );
    assert_eq!(ctx.server.stats().faults.get("drop"), Some(&1));
}

#[tokio::test]
async fn replication_delay_hides_new_objects_then_sync_calls_get_403() {
    let ctx = faulty("replication-delay=2", 1);
    let a = ctx
        .post(
            &format!(
                "/applicationTemplates/{}/instantiate",
                entraprov::sim::directory::seed::KEEPER_TEMPLATE_ID
            ),
            json!({"displayName": "Keeper (slow)"}),
        )
        .await;
    let id = a.body["servicePrincipal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ctx.get(&format!("/servicePrincipals/{id}")).await.status,
        404
    );
    assert_eq!(
        ctx.get(&format!(
            "/servicePrincipals/{id}/synchronization/templates"
        ))
        .await
        .status,
        403
    );
    assert_eq!(
        ctx.get(&format!("/servicePrincipals/{id}")).await.status,
        200
    );
    let ctx = faulty("replication-delay=1", 1);
    let (sp, _) = {
        let sp = ctx.keeper("Keeper (slow job)").await;
        (sp["id"].as_str().unwrap().to_owned(), ())
    };
    let _ = ctx.get(&format!("/servicePrincipals/{sp}")).await;
    let job = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            json!({"templateId": "keeperPasswordManagerDigitalVault"}),
        )
        .await;
    assert_eq!(job.status, 201, "{}", job.body);
    let jid = job.body["id"].as_str().unwrap();
    assert_eq!(
        ctx.get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{jid}"
        ))
        .await
        .status,
        404
    );
    assert_eq!(
        ctx.get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{jid}"
        ))
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn stats_count_routes_concurrency_and_bytes_and_reset_restores_the_tenant() {
    let ctx = Ctx::with(SimConfig {
        latency: Duration::from_millis(30),
        ..Default::default()
    });
    let calls = (0..6).map(|_| ctx.get("/users?$top=1"));
    futures::future::join_all(calls).await;
    ctx.keeper("Keeper (stats)").await;
    let s = ctx.server.stats();
    assert_eq!(s.total, 7);
    assert_eq!(s.by_route.get("GET /v1.0/users"), Some(&6));
    assert_eq!(
        s.by_route
            .get("POST /v1.0/applicationTemplates/{id}/instantiate"),
        Some(&1)
    );
    assert!(s.max_concurrency >= 2, "{s:?}");
    assert!(s.bytes_in > 0 && s.bytes_out > 0);
    assert_eq!(s.by_status.get("201"), Some(&1));
    let http = ctx
        .http
        .get(format!("{}/_sim/stats", ctx.server.url()))
        .send()
        .await
        .unwrap();
    let j: serde_json::Value = http.json().await.unwrap();
    assert_eq!(j["total"], 7);
    assert_eq!(j["maxConcurrency"], s.max_concurrency);
    let r = ctx
        .http
        .post(format!("{}/_sim/reset", ctx.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(ctx.server.stats().total, 0);
    let l = ctx
        .get("/servicePrincipals?$filter=displayName%20eq%20'Keeper%20(stats)'")
        .await;
    assert!(
        l.body["value"].as_array().unwrap().is_empty(),
        "reset forgets created objects"
    );
}

async fn build(ctx: &Ctx, order: &[&str]) {
    let sp = ctx.keeper("Keeper (dump)").await;
    let id = sp["id"].as_str().unwrap();
    let role = Ctx::role(&sp, "User");
    for upn in order {
        let uid = ctx.user_id(upn).await;
        ctx.post(
            &format!("/servicePrincipals/{id}/appRoleAssignedTo"),
            json!({"principalId": uid, "resourceId": id, "appRoleId": role}),
        )
        .await;
    }
    ctx.patch(
        &format!("/servicePrincipals/{id}"),
        json!({"tags": ["WindowsAzureActiveDirectoryIntegratedApp", "entraprov:dump"]}),
    )
    .await;
    ctx.put(&format!("/servicePrincipals/{id}/synchronization/secrets"), json!({"value": [{"key": "BaseAddress", "value": "https://x.example"}, {"key": "SecretToken", "value": "tok"}]})).await;
}

#[tokio::test]
async fn state_dump_ignores_ids_timestamps_and_order() {
    let a = Ctx::new();
    let b = Ctx::with(SimConfig {
        seed: 99,
        fault_seed: 5,
        ..Default::default()
    });
    build(&a, &["alice@contoso.example", "bob@contoso.example"]).await;
    build(&b, &["bob@contoso.example", "alice@contoso.example"]).await;
    let (da, db) = (a.server.state_dump(), b.server.state_dump());
    assert_eq!(da, db);
    let text = da.to_string();
    assert!(!text.contains("\"tok\""), "secrets appear as fingerprints");
    assert!(
        text.contains("User:alice@contoso.example -> User"),
        "{text}"
    );
    let http: serde_json::Value = a
        .http
        .get(format!("{}/_sim/state", a.server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(http, da);
    let c = Ctx::new();
    build(&c, &["alice@contoso.example"]).await;
    assert_ne!(c.server.state_dump(), da);
}

#[tokio::test]
async fn state_file_persists_the_tenant_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tenant.json");
    let cfg = || SimConfig {
        state_file: Some(file.clone()),
        ..Default::default()
    };
    let first = Ctx::with(cfg());
    first.keeper("Keeper (persisted)").await;
    let dump = first.server.state_dump();
    drop(first);
    assert!(file.exists());
    let second = Ctx::with(cfg());
    assert_eq!(second.server.state_dump(), dump);
    let l = second
        .call_as(
            Some(&second.token),
            Method::GET,
            "/servicePrincipals?$filter=displayName%20eq%20'Keeper%20(persisted)'",
            None,
        )
        .await;
    assert_eq!(l.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn new_assignments_are_listed_only_after_the_replication_delay() {
    let ctx = faulty("replication-delay=1", 1);
    let sp = ctx.keeper("Keeper (lag)").await;
    let id = sp["id"].as_str().unwrap();
    assert_eq!(
        ctx.get(&format!("/servicePrincipals/{id}")).await.status,
        404,
        "the new app is not readable yet"
    );
    let alice = ctx.user_id("alice@contoso.example").await;
    let path = format!("/servicePrincipals/{id}/appRoleAssignedTo");
    let body = json!({"principalId": alice, "resourceId": id, "appRoleId": Ctx::role(&sp, "User")});
    assert_eq!(ctx.post(&path, body.clone()).await.status, 201);
    assert!(
        ctx.get(&path).await.body["value"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the list lags"
    );
    assert_eq!(
        ctx.get(&path).await.body["value"].as_array().unwrap().len(),
        1
    );
    let dup = ctx.post(&path, body).await;
    assert_eq!(
        dup.status, 409,
        "a retry during the lag is still a duplicate"
    );
}
