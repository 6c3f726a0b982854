//! The documented throttling model (`--throttle documented[:S|M|L]`): costs per documented
//! row of `concepts/throttling-limits.md`, the `$select`/`$expand`/`$top` rules, `$batch`
//! parts charged one by one, each quota's 429 with its scope header, and a `Retry-After`
//! that, when honoured, succeeds.

use std::time::Duration;

use entraprov::sim::config::{APPLY_ROLES, ClientApp, DEFAULT_APPLY_CLIENT_ID, DEFAULT_TENANT_ID};
use entraprov::sim::{SimConfig, TenantSize, ThrottleSpec};
use serde_json::{Value, json};

use crate::common::{Answer, Ctx, graph_error};

const SP: &str = "00000000-0000-0000-0000-0000000000aa";
/// A documented row that costs 5 RU (the simulator does not serve it, but charges it).
const COST5: &str = "/groups/g/transitiveMembers";

fn throttled(size: Option<TenantSize>, time_scale: f64, users: usize) -> Ctx {
    Ctx::with(SimConfig {
        throttle: Some(ThrottleSpec { size, time_scale }),
        generated_users: users,
        ..SimConfig::default()
    })
}

fn spent(ctx: &Ctx) -> (u64, u64) {
    let t = ctx.server.stats().throttling.expect("throttling stats");
    (t.ru_spent, t.writes_spent)
}

fn ru(a: &Answer) -> u32 {
    a.header("x-ms-resource-unit")
        .expect("x-ms-resource-unit on every answer")
        .parse()
        .expect("a positive integer")
}

async fn batch(ctx: &Ctx, parts: Vec<Value>) -> Answer {
    let a = ctx.post("/$batch", json!({ "requests": parts })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a
}

fn part(id: usize, method: &str, url: &str) -> Value {
    let mut p = json!({"id": id.to_string(), "method": method, "url": url});
    if method != "GET" && method != "DELETE" {
        p["body"] = json!({});
        p["headers"] = json!({"Content-Type": "application/json"});
    }
    p
}

fn statuses(a: &Answer) -> Vec<u64> {
    a.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect()
}

/// The base costs of the page's table, written out again here (not read from the code).
const ROWS: &[(&str, &str, u32, u64)] = &[
    ("GET", "/applications", 2, 0),
    ("GET", "/applications/{id}/extensionProperties", 2, 0),
    ("GET", "/contracts", 3, 0),
    ("POST", "/directoryObjects/getByIds", 3, 0),
    ("GET", "/domains/{id}/domainNameReferences", 4, 0),
    ("POST", "/getObjectsById", 3, 0),
    ("GET", "/groups/{id}/members", 3, 0),
    ("GET", "/groups/{id}/transitiveMembers", 5, 0),
    ("POST", "/isMemberOf", 4, 0),
    ("POST", "/me/checkMemberGroups", 4, 0),
    ("POST", "/me/checkMemberObjects", 4, 0),
    ("POST", "/me/getMemberGroups", 2, 0),
    ("POST", "/me/getMemberObjects", 2, 0),
    ("GET", "/me/licenseDetails", 2, 0),
    ("GET", "/me/memberOf", 2, 0),
    ("GET", "/me/ownedObjects", 2, 0),
    ("GET", "/me/transitiveMemberOf", 2, 0),
    ("GET", "/oauth2PermissionGrants", 2, 0),
    ("GET", "/oauth2PermissionGrants/{id}", 2, 0),
    ("GET", "/servicePrincipals/{id}/appRoleAssignments", 2, 0),
    ("GET", "/subscribedSkus", 3, 0),
    ("GET", "/users", 2, 0),
    // "Any identity path not listed in the table"
    ("GET", "/servicePrincipals/{id}/appRoleAssignedTo", 1, 0),
    ("POST", "/servicePrincipals/{id}/appRoleAssignedTo", 1, 1),
    ("PATCH", "/servicePrincipals/{id}", 1, 1),
    (
        "PUT",
        "/servicePrincipals/{id}/synchronization/secrets",
        1,
        1,
    ),
    (
        "DELETE",
        "/servicePrincipals/{id}/appRoleAssignedTo/{id}",
        1,
        1,
    ),
    // `me/` rows also cover `users/{id | userPrincipalName}/`
    ("GET", "/users/adele@contoso.example/memberOf", 2, 0),
    ("POST", "/users/{id}/checkMemberGroups", 4, 0),
];

#[tokio::test]
async fn every_documented_row_costs_what_the_page_says() {
    let ctx = throttled(Some(TenantSize::L), 1.0, 0);
    for (method, path, want_ru, want_writes) in ROWS {
        let path = path.replace("{id}", SP);
        let before = spent(&ctx);
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let body = (*method != "GET" && *method != "DELETE").then(|| json!({}));
        let a = ctx.call_as(Some(&ctx.token.clone()), m, &path, body).await;
        assert_ne!(a.status, 429, "{method} {path}");
        assert_eq!(ru(&a), *want_ru, "x-ms-resource-unit of {method} {path}");
        let after = spent(&ctx);
        assert_eq!(
            after.0 - before.0,
            u64::from(*want_ru),
            "RU of {method} {path}"
        );
        assert_eq!(
            after.1 - before.1,
            *want_writes,
            "writes of {method} {path}"
        );
    }
}

#[tokio::test]
async fn select_expand_and_small_top_change_the_cost_never_below_one() {
    let ctx = throttled(Some(TenantSize::L), 1.0, 0);
    let cases = [
        ("/users", 2),
        ("/users?$select=id", 1),
        ("/users?$expand=manager", 3),
        ("/users?$top=5", 1),
        ("/users?$top=19", 1),
        ("/users?$top=20", 2),
        ("/users?$select=id&$top=5", 1),
        ("/users?$select=id&$expand=manager", 2),
        ("/servicePrincipals?$select=id", 1),
        ("/servicePrincipals?$select=id&$top=1", 1),
        ("/groups/g/transitiveMembers?$select=id&$top=3", 3),
    ];
    for (path, want) in cases {
        let a = ctx.get(path).await;
        assert_eq!(ru(&a), want, "{path}: {}", a.body);
    }
}

#[tokio::test]
async fn each_batch_part_is_charged_on_its_own() {
    let ctx = throttled(Some(TenantSize::L), 1.0, 0);
    let before = spent(&ctx);
    let parts = vec![
        part(1, "GET", "/users"),
        part(2, "GET", "/users?$select=id"),
        part(3, "GET", "/groups/x/transitiveMembers"),
        part(
            4,
            "POST",
            &format!("/servicePrincipals/{SP}/appRoleAssignedTo"),
        ),
        part(
            5,
            "DELETE",
            &format!("/servicePrincipals/{SP}/appRoleAssignedTo/x"),
        ),
    ];
    let a = batch(&ctx, parts).await;
    let after = spent(&ctx);
    assert_eq!(
        after.0 - before.0,
        2 + 1 + 5 + 1 + 1,
        "RU of the parts added up"
    );
    assert_eq!(
        after.1 - before.1,
        2,
        "one write per write part, none for the envelope"
    );
    assert_eq!(ru(&a), 10, "the envelope reports its parts' units");
    for r in a.body["responses"].as_array().unwrap() {
        assert!(
            r["headers"]["x-ms-resource-unit"].is_string(),
            "each part carries its cost: {r}"
        );
    }
}

fn assert_throttled(a: &Answer, scope: &str, info: &str) -> u64 {
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(graph_error(a), "TooManyRequests");
    assert_eq!(a.header("x-ms-throttle-scope"), Some(scope));
    assert_eq!(a.header("x-ms-throttle-information"), Some(info));
    a.header("retry-after")
        .expect("Retry-After on a 429")
        .parse()
        .expect("delta-seconds")
}

/// Honours `Retry-After`, then sends `path` again: it must pass.
async fn honoured(ctx: &Ctx, secs: u64, method: reqwest::Method, path: &str) {
    assert!(
        (1..=3).contains(&secs),
        "Retry-After {secs} s from the refill"
    );
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let body = (method != reqwest::Method::GET).then(|| json!({}));
    let a = ctx
        .call_as(Some(&ctx.token.clone()), method, path, body)
        .await;
    assert_ne!(a.status, 429, "after Retry-After: {}", a.body);
}

fn scope(limit: &str, app: &str) -> String {
    format!("{limit}/{app}/{DEFAULT_TENANT_ID}")
}

#[tokio::test]
async fn the_app_tenant_resource_unit_quota_answers_429_then_refills() {
    let ctx = throttled(Some(TenantSize::S), 1.0, 0);
    let parts: Vec<Value> = (0..20).map(|i| part(i, "GET", COST5)).collect();
    let mut saw_percentage = false;
    let mut refused = None;
    for _ in 0..60 {
        let a = batch(&ctx, parts.clone()).await;
        saw_percentage |= a.header("x-ms-throttle-limit-percentage").is_some();
        let parts = a.body["responses"].as_array().unwrap().clone();
        if let Some(p) = parts.iter().find(|p| p["status"] == 429) {
            refused = Some(p.clone());
            break;
        }
    }
    let p = refused.expect("3,500 RU per 10 s run out within 60 batches of 100 RU");
    assert!(
        saw_percentage,
        "x-ms-throttle-limit-percentage from 0.8 of the quota"
    );
    let h = &p["headers"];
    assert_eq!(
        h["x-ms-throttle-scope"],
        scope("Tenant_Application/ReadWrite", DEFAULT_APPLY_CLIENT_ID)
    );
    assert_eq!(h["x-ms-throttle-information"], "ResourceUnitLimitExceeded");
    assert_eq!(p["body"]["error"]["code"], "TooManyRequests");
    let secs: u64 = h["Retry-After"].as_str().unwrap().parse().unwrap();
    honoured(&ctx, secs, reqwest::Method::GET, COST5).await;
    let t = ctx.server.stats().throttling.unwrap();
    assert!(t.throttled["Tenant_Application/ReadWrite"] >= 1);
    assert_eq!(t.first_retry_after_secs, Some(secs));
    assert!(t.first_wait_ms.is_some_and(|ms| ms >= 1000), "{t:?}");
}

#[tokio::test]
async fn the_app_tenant_write_quota_answers_429_after_3000_writes() {
    let ctx = throttled(Some(TenantSize::L), 1.0, 0);
    let url = format!("/servicePrincipals/{SP}/appRoleAssignedTo");
    let parts: Vec<Value> = (0..20).map(|i| part(i, "POST", &url)).collect();
    let mut admitted = 0;
    let mut refused = None;
    for _ in 0..200 {
        let a = batch(&ctx, parts.clone()).await;
        let s = statuses(&a);
        admitted += s.iter().filter(|s| **s != 429).count();
        if s.contains(&429) {
            refused = a.body["responses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["status"] == 429)
                .cloned();
            break;
        }
    }
    let p = refused.expect("the write quota runs out");
    assert!(
        (3_000..3_200).contains(&admitted),
        "{admitted} writes admitted"
    );
    assert_eq!(
        p["headers"]["x-ms-throttle-scope"],
        scope("Tenant_Application/Write", DEFAULT_APPLY_CLIENT_ID)
    );
    assert_eq!(
        p["headers"]["x-ms-throttle-information"],
        "WriteLimitExceeded"
    );
    let secs: u64 = p["headers"]["Retry-After"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let read = ctx.get("/servicePrincipals").await;
    assert_eq!(read.status, 200, "reads pass while writes are throttled");
    honoured(&ctx, secs, reqwest::Method::POST, &url).await;
}

#[tokio::test]
async fn application_quotas_count_the_app_in_every_tenant() {
    // Slowed down 500×, so that the spent buckets do not refill before the next request.
    let ctx = throttled(Some(TenantSize::L), 0.002, 0);
    let app = DEFAULT_APPLY_CLIENT_ID;
    ctx.server.throttle_spend(app, "other-tenant", 150_000, 0);
    let a = ctx.get(COST5).await;
    let secs = assert_throttled(
        &a,
        &scope("Application/ReadWrite", app),
        "ResourceUnitLimitExceeded",
    );
    honoured(&ctx, secs, reqwest::Method::GET, COST5).await;

    ctx.server.throttle_spend(app, "other-tenant", 0, 70_000);
    let url = format!("/servicePrincipals/{SP}/appRoleAssignedTo");
    let a = ctx.post(&url, json!({})).await;
    let secs = assert_throttled(&a, &scope("Application/Write", app), "WriteLimitExceeded");
    assert_eq!(ctx.get("/servicePrincipals").await.status, 200);
    honoured(&ctx, secs, reqwest::Method::POST, &url).await;
}

#[tokio::test]
async fn the_tenant_write_quota_counts_every_app() {
    let mut cfg = SimConfig {
        throttle: Some(ThrottleSpec {
            size: Some(TenantSize::L),
            time_scale: 1.0,
        }),
        ..SimConfig::default()
    };
    let other = "c0c0c0c0-3333-4c4d-8e5f-7a8b9c0d1e03";
    cfg.clients
        .push(ClientApp::with_secret("other", other, "s", APPLY_ROLES));
    let ctx = Ctx::with(cfg);
    ctx.server
        .throttle_spend(other, DEFAULT_TENANT_ID, 0, 18_000);
    let url = format!("/servicePrincipals/{SP}/appRoleAssignedTo");
    let a = ctx.post(&url, json!({})).await;
    let secs = assert_throttled(
        &a,
        &scope("Tenant/Write", DEFAULT_APPLY_CLIENT_ID),
        "WriteLimitExceeded",
    );
    honoured(&ctx, secs, reqwest::Method::POST, &url).await;
    let t = ctx.server.stats().throttling.unwrap();
    assert_eq!(t.throttled.get("Tenant/Write"), Some(&1));
}

#[tokio::test]
async fn time_scale_shrinks_the_windows_and_the_clock_can_be_advanced() {
    let ctx = throttled(Some(TenantSize::L), 20.0, 0);
    let app = DEFAULT_APPLY_CLIENT_ID;
    let url = format!("/servicePrincipals/{SP}/appRoleAssignedTo");
    let parts: Vec<Value> = (0..20).map(|i| part(i, "POST", &url)).collect();
    let admitted_until_429 = || async {
        let mut n = 0;
        for _ in 0..400 {
            let s = statuses(&batch(&ctx, parts.clone()).await);
            n += s.iter().filter(|s| **s != 429).count();
            if s.contains(&429) {
                return n;
            }
        }
        panic!("never throttled");
    };
    ctx.server.throttle_spend(app, DEFAULT_TENANT_ID, 0, 3_000);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let n = admitted_until_429().await;
    // 0.5 s at 20× is 10 s of the 150 s window: 200 of the 3,000 writes are back.
    assert!((200..300).contains(&n), "{n} writes refilled in 0.5 s");
    ctx.server.advance_throttle_clock(Duration::from_secs(150));
    let n = admitted_until_429().await;
    assert!(n >= 3_000, "a full window later: {n}");
}

#[tokio::test]
async fn a_storm_throttles_everything_until_it_ends() {
    let ctx = throttled(Some(TenantSize::L), 30.0, 0);
    ctx.server.throttle_storm(Duration::from_secs(30));
    let a = ctx.get("/servicePrincipals").await;
    let secs = assert_throttled(
        &a,
        &scope("Tenant_Application/ReadWrite", DEFAULT_APPLY_CLIENT_ID),
        "CPULimitExceeded",
    );
    assert_eq!(secs, 1, "30 simulated seconds at 30× is one second");
    honoured(&ctx, secs, reqwest::Method::GET, "/servicePrincipals").await;
    assert_eq!(ctx.server.stats().throttling.unwrap().throttled["storm"], 1);
}

#[tokio::test]
async fn tenant_size_comes_from_the_number_of_users_unless_given() {
    for (users, size) in [(0, "S"), (60, "M"), (600, "L")] {
        let ctx = throttled(None, 1.0, users);
        assert_eq!(ctx.server.stats().throttling.unwrap().size, size, "{users}");
    }
    let ctx = Ctx::new();
    assert!(
        ctx.server.stats().throttling.is_none(),
        "off unless selected"
    );
    assert_eq!(
        ru(&ctx.get("/users").await),
        2,
        "costs are reported without the model too"
    );
}

#[tokio::test]
async fn stats_are_served_over_http_and_reset() {
    let ctx = throttled(Some(TenantSize::L), 1.0, 0);
    ctx.get("/users").await;
    let s: Value = reqwest::get(format!("{}/_sim/stats", ctx.server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["throttling"]["ruSpent"], 2, "{s}");
    assert_eq!(s["throttling"]["writesSpent"], 0);
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/_sim/throttle/storm/5", ctx.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(ctx.get("/users").await.status, 429);
    ctx.server.reset();
    assert_eq!(ctx.get("/users").await.status, 200, "reset ends the storm");
    assert_eq!(ctx.server.stats().throttling.unwrap().ru_spent, 2);
}

#[tokio::test]
async fn a_time_scaled_model_tells_the_client_its_scale() {
    let scaled = throttled(Some(TenantSize::L), 20.0, 0);
    let env = scaled.server.env();
    let scale = env
        .iter()
        .find(|(k, _)| *k == "ENTRAPROV_GRAPH_TIME_SCALE")
        .map(|(_, v)| v.as_str());
    assert_eq!(scale, Some("20"), "{env:?}");
    let real_time = throttled(Some(TenantSize::L), 1.0, 0);
    assert!(
        real_time
            .server
            .env()
            .iter()
            .all(|(k, _)| *k != "ENTRAPROV_GRAPH_TIME_SCALE"),
        "Graph's own windows need no variable"
    );
}
