//! `$batch`: chunking by 20, concurrency, throttled sub-requests re-sent after their
//! Retry-After, 424 handling, batched name resolution and batched assignments.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use entraprov::graph::{BatchRequest, Operation};
use entraprov::ids::{AppRoleId, PrincipalId, ServicePrincipalId};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::common::client_with_token;

/// Answers one sub-request: `(id, attempt, request) → response`.
type Answer = dyn Fn(&str, usize, &Value) -> Value + Send + Sync;

/// A `$batch` endpoint that answers each sub-request through `answer(id, attempt, request)`
/// and records every batch it received.
#[derive(Clone)]
struct BatchEndpoint {
    seen: Arc<Mutex<Vec<Vec<Value>>>>,
    attempts: Arc<Mutex<HashMap<String, usize>>>,
    answer: Arc<Answer>,
}

impl BatchEndpoint {
    fn new(answer: impl Fn(&str, usize, &Value) -> Value + Send + Sync + 'static) -> Self {
        Self {
            seen: Arc::default(),
            attempts: Arc::default(),
            answer: Arc::new(answer),
        }
    }

    fn batches(&self) -> Vec<Vec<Value>> {
        self.seen.lock().unwrap().clone()
    }
}

impl Respond for BatchEndpoint {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let reqs = body["requests"].as_array().unwrap().clone();
        assert!(reqs.len() <= 20, "Graph rejects batches over 20");
        self.seen.lock().unwrap().push(reqs.clone());
        let responses: Vec<Value> = reqs
            .iter()
            .rev() // Graph may answer in any order
            .map(|r| {
                let id = r["id"].as_str().unwrap();
                let n = {
                    let mut a = self.attempts.lock().unwrap();
                    let e = a.entry(id.to_owned()).or_default();
                    *e += 1;
                    *e
                };
                let mut resp = (self.answer)(id, n, r);
                resp["id"] = json!(id);
                resp
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
    }
}

async fn mount(server: &MockServer, endpoint: &BatchEndpoint) {
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(endpoint.clone())
        .mount(server)
        .await;
}

fn op() -> Operation {
    Operation::new("test batch", "Directory.Read.All")
}

#[tokio::test]
async fn forty_five_requests_go_out_as_three_batches_and_come_back_in_order() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, _, _| json!({"status": 200, "body": {"n": id}}));
    mount(&server, &ep).await;
    let reqs: Vec<BatchRequest> = (0..45)
        .map(|i| BatchRequest::get(format!("r{i}"), format!("/users/{i}")))
        .collect();
    let out = client_with_token(&server, "t")
        .batch(reqs, &op())
        .await
        .unwrap();
    let ids: Vec<&str> = out.iter().map(|r| r.id.as_str()).collect();
    let want: Vec<String> = (0..45).map(|i| format!("r{i}")).collect();
    assert_eq!(ids, want);
    assert!(
        out.iter()
            .all(|r| r.status == 200 && r.body.as_ref().unwrap()["n"] == r.id.as_str())
    );
    let mut sizes: Vec<usize> = ep.batches().iter().map(Vec::len).collect();
    sizes.sort();
    assert_eq!(sizes, [5, 20, 20]);
}

#[tokio::test]
async fn throttled_sub_requests_alone_are_resent_after_their_retry_after() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, n, _| match (id, n) {
        ("b" | "d", 1) => json!({"status": 429, "headers": {"Retry-After": "1"},
                                 "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}}),
        _ => json!({"status": 200, "body": {}}),
    });
    mount(&server, &ep).await;
    let reqs = ["a", "b", "c", "d"]
        .map(|id| BatchRequest::get(id, "/groups"))
        .to_vec();
    let t = std::time::Instant::now();
    let out = client_with_token(&server, "t")
        .batch(reqs, &op())
        .await
        .unwrap();
    assert!(out.iter().all(|r| r.status == 200));
    assert!(t.elapsed() >= std::time::Duration::from_millis(900));
    let batches = ep.batches();
    assert_eq!(batches.len(), 2);
    let second: Vec<&str> = batches[1]
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(second, ["b", "d"]);
}

#[tokio::test]
async fn failed_dependency_is_retried_with_its_throttled_dependency() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, n, _| match (id, n) {
        ("first", 1) => json!({"status": 429, "headers": {"Retry-After": "0"}}),
        ("second", 1) => json!({"status": 424, "body": {"error": {"code": "FailedDependency"}}}),
        _ => json!({"status": 201, "body": {"ok": id}}),
    });
    mount(&server, &ep).await;
    let mut second = BatchRequest::post("second", "/x", json!({}));
    second.depends_on = vec!["first".to_owned()];
    let reqs = vec![BatchRequest::post("first", "/x", json!({})), second];
    let out = client_with_token(&server, "t")
        .batch(reqs, &op())
        .await
        .unwrap();
    assert_eq!(out.iter().map(|r| r.status).collect::<Vec<_>>(), [201, 201]);
    let retry = &ep.batches()[1];
    assert_eq!(retry.len(), 2);
    assert_eq!(retry[1]["dependsOn"], json!(["first"]));
}

#[tokio::test]
async fn dependency_that_really_failed_leaves_a_final_424() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, _, _| match id {
        "first" => {
            json!({"status": 404, "body": {"error": {"code": "Request_ResourceNotFound", "message": "gone"}}})
        }
        _ => json!({"status": 424, "body": {"error": {"code": "FailedDependency"}}}),
    });
    mount(&server, &ep).await;
    let mut second = BatchRequest::get("second", "/x");
    second.depends_on = vec!["first".to_owned()];
    let out = client_with_token(&server, "t")
        .batch(vec![BatchRequest::get("first", "/x"), second], &op())
        .await
        .unwrap();
    assert_eq!(out[0].status, 404);
    assert_eq!(out[1].status, 424);
    assert_eq!(ep.batches().len(), 1);
    assert_eq!(
        out[0].to_error(&op()).code.as_deref(),
        Some("Request_ResourceNotFound")
    );
}

#[tokio::test]
async fn users_resolve_through_batched_in_filters_of_fifteen() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|_, _, r| {
        let url = r["url"].as_str().unwrap();
        // Answer with every user named in the filter except "missing…"
        let decoded = percent_decode(url);
        let names: Vec<String> = decoded
            .split('\'')
            .skip(1)
            .step_by(2)
            .filter(|n| !n.starts_with("missing"))
            .map(str::to_owned)
            .collect();
        let value: Vec<Value> = names
            .iter()
            .map(|n| json!({"id": format!("id-{n}"), "userPrincipalName": n.to_uppercase()}))
            .collect();
        json!({"status": 200, "body": {"value": value}})
    });
    mount(&server, &ep).await;
    let mut upns: Vec<String> = (0..30).map(|i| format!("user{i}@contoso.com")).collect();
    upns.push("missing@contoso.com".to_owned());
    let out = client_with_token(&server, "t")
        .resolve_users_by_upn(&upns)
        .await
        .unwrap();
    assert_eq!(out.len(), 31);
    assert_eq!(
        out["user7@contoso.com"].as_ref().unwrap().id.as_str(),
        "id-user7@contoso.com"
    );
    assert!(out["missing@contoso.com"].is_none());
    let batches = ep.batches();
    assert_eq!(batches.len(), 1, "31 names are one HTTP request");
    assert_eq!(batches[0].len(), 3, "15 + 15 + 1");
    let url = batches[0][0]["url"].as_str().unwrap();
    assert!(
        url.starts_with("/users?$filter=userPrincipalName%20in%20%28%27user0%40contoso.com%27%2C"),
        "{url}"
    );
}

#[tokio::test]
async fn group_names_with_quotes_and_ampersands_are_quoted_and_encoded() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|_, _, _| {
        json!({"status": 200, "body": {"value": [
            {"id": "g1", "displayName": "R&D O'Neil #1"}, {"id": "g2", "displayName": "r&d o'neil #1"}
        ]}})
    });
    mount(&server, &ep).await;
    let names = vec!["R&D O'Neil #1".to_owned()];
    let out = client_with_token(&server, "t")
        .resolve_groups_by_name(&names)
        .await
        .unwrap();
    assert_eq!(
        out["R&D O'Neil #1"].len(),
        2,
        "ambiguous names keep every match"
    );
    let url = ep.batches()[0][0]["url"].as_str().unwrap().to_owned();
    assert!(url.contains("%27R%26D%20O%27%27Neil%20%231%27"), "{url}");
    assert_eq!(
        url.matches('&').count(),
        2,
        "only the query separators: {url}"
    );
}

#[tokio::test]
async fn batched_assignment_creates_report_each_failure_with_its_code() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, _, r| match id {
        "1" => json!({"status": 400, "body": {"error": {"code": "Request_BadRequest",
                      "message": "Permission being assigned already exists on the object"}}}),
        _ => json!({"status": 201, "body": {
            "id": format!("as-{id}"), "appRoleId": r["body"]["appRoleId"], "principalId": r["body"]["principalId"],
            "resourceId": r["body"]["resourceId"]}}),
    });
    mount(&server, &ep).await;
    let sp = ServicePrincipalId::new("sp1");
    let items: Vec<(PrincipalId, AppRoleId)> = (0..3)
        .map(|i| (PrincipalId::new(format!("p{i}")), AppRoleId::new("role")))
        .collect();
    let out = client_with_token(&server, "t")
        .create_assignments(&sp, &items)
        .await
        .unwrap();
    assert_eq!(out[0].as_ref().unwrap().principal_id.as_str(), "p0");
    assert_eq!(
        out[1].as_ref().unwrap_err().code.as_deref(),
        Some("Request_BadRequest")
    );
    assert_eq!(out[2].as_ref().unwrap().id.as_str(), "as-2");
    let sub = &ep.batches()[0][0];
    assert_eq!(sub["method"], "POST");
    assert_eq!(sub["url"], "/servicePrincipals/sp1/appRoleAssignedTo");
    assert_eq!(sub["headers"]["Content-Type"], "application/json");
    assert_eq!(
        sub["body"],
        json!({"principalId": "p0", "resourceId": "sp1", "appRoleId": "role"})
    );
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn batched_create_that_may_have_run_is_not_resent() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, _, _| match id {
        "0" => json!({"status": 503, "headers": {"Retry-After": "0"}}),
        _ => {
            json!({"status": 201, "body": {"id": "as-1", "appRoleId": "role", "principalId": "p1", "resourceId": "sp1"}})
        }
    });
    mount(&server, &ep).await;
    let items = vec![
        (PrincipalId::new("p0"), AppRoleId::new("role")),
        (PrincipalId::new("p1"), AppRoleId::new("role")),
    ];
    let out = client_with_token(&server, "t")
        .create_assignments(&ServicePrincipalId::new("sp1"), &items)
        .await
        .unwrap();
    let err = out[0].as_ref().unwrap_err();
    assert!(
        err.outcome_unknown(),
        "the caller must look before creating again"
    );
    assert!(out[1].is_ok());
    assert_eq!(
        ep.batches().len(),
        1,
        "a 503 on a POST sub-request is not re-sent"
    );
}

/// #14: a sub-request's `Retry-After` is honoured however it compares with the backoff cap,
/// round after round, until the sub-request succeeds (no attempt count, no delay cap).
#[tokio::test]
async fn sub_request_retry_after_is_honoured_beyond_the_backoff_cap_until_success() {
    let server = MockServer::start().await;
    let ep = BatchEndpoint::new(|id, n, _| match (id, n) {
        ("b", 1..=3) => json!({"status": 429, "headers": {"Retry-After": "1"},
                               "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}}),
        _ => json!({"status": 200, "body": {}}),
    });
    mount(&server, &ep).await;
    let policy = entraprov::graph::RetryPolicy {
        max_backoff: std::time::Duration::from_millis(1),
        ..super::common::fast_policy()
    };
    let reqs = ["a", "b"]
        .map(|id| BatchRequest::get(id, "/groups"))
        .to_vec();
    let t = std::time::Instant::now();
    let out = super::common::client_with_policy(&server, "t", policy)
        .batch(reqs, &op())
        .await
        .unwrap();
    assert!(out.iter().all(|r| r.status == 200), "{out:?}");
    assert!(t.elapsed() >= std::time::Duration::from_millis(2900));
    assert_eq!(ep.batches().len(), 4);
}
