//! Every retry rule, on the wire: Retry-After (seconds and HTTP-date), bounded attempts,
//! no retry on 400, no duplicate POST, the post-create window, 401 refresh, headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use entraprov::graph::auth::{AccessToken, AuthError, Credential, TokenProvider};
use entraprov::graph::{Client, ErrorKind, SecretString, build_http, create_with_recheck};
use entraprov::ids::{ApplicationTemplateId, ServicePrincipalId, SyncTemplateId};
use futures::FutureExt;
use futures::future::BoxFuture;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{client_with_policy, client_with_token, endpoints, options};

const SP: &str = "5f0c0000-0000-0000-0000-00000000000a";

fn sp() -> ServicePrincipalId {
    ServicePrincipalId::new(SP)
}

fn sp_body() -> serde_json::Value {
    serde_json::json!({"id": SP, "appId": "a", "displayName": "Keeper", "tags": []})
}

async fn mount_sequence(server: &MockServer, first: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/v1.0/servicePrincipals/{SP}")))
        .respond_with(first)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.0/servicePrincipals/{SP}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(sp_body()))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn throttling_honours_retry_after_seconds() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        1,
    )
    .await;
    let t = Instant::now();
    let got = client_with_token(&server, "t")
        .get_service_principal(&sp())
        .await
        .unwrap();
    assert_eq!(got.display_name, "Keeper");
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        t.elapsed()
    );
}

/// #14: a `Retry-After` longer than the backoff cap is waited, not given up on, and repeated
/// throttling keeps being honoured until the request succeeds.
#[tokio::test]
async fn retry_after_beyond_the_backoff_cap_is_waited_until_success() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        2,
    )
    .await;
    let policy = entraprov::graph::RetryPolicy {
        max_backoff: Duration::from_millis(1),
        ..super::common::fast_policy()
    };
    let t = Instant::now();
    let got = client_with_policy(&server, "t", policy)
        .get_service_principal(&sp())
        .await
        .unwrap();
    assert_eq!(got.display_name, "Keeper");
    assert!(t.elapsed() >= Duration::from_millis(1900));
}

#[tokio::test]
async fn unavailable_honours_retry_after_http_date() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    mount_sequence(
        &server,
        ResponseTemplate::new(503).insert_header("Retry-After", when.as_str()),
        1,
    )
    .await;
    let t = Instant::now();
    client_with_token(&server, "t")
        .get_service_principal(&sp())
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn gateway_timeout_without_retry_after_backs_off_and_succeeds() {
    let server = MockServer::start().await;
    mount_sequence(&server, ResponseTemplate::new(504), 2).await;
    client_with_token(&server, "t")
        .get_service_principal(&sp())
        .await
        .unwrap();
}

/// Changed by #14: there is no attempt count any more; one deadline per command bounds the
/// retries (a persistent 503 is retried with backoff until the next wait would pass it).
#[tokio::test]
async fn retries_are_bounded_by_the_command_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let policy = entraprov::graph::RetryPolicy {
        timeout: Duration::from_millis(800),
        base_delay: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        ..entraprov::graph::RetryPolicy::default()
    };
    let client = client_with_policy(&server, "t", policy);
    let t = Instant::now();
    let err = client.get_service_principal(&sp()).await.unwrap_err();
    assert_eq!(err.status, Some(503));
    let sent = server.received_requests().await.unwrap().len();
    assert!(sent >= 4, "only {sent} attempts inside the deadline");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

#[tokio::test]
async fn bad_request_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"code": "Request_BadRequest", "message": "Invalid filter clause",
                      "innerError": {"request-id": "rid-1", "client-request-id": "crid-1"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_with_token(&server, "t")
        .get_service_principal(&sp())
        .await
        .unwrap_err();
    assert_eq!(err.status, Some(400));
    assert_eq!(err.code.as_deref(), Some("Request_BadRequest"));
    assert_eq!(err.request_id.as_deref(), Some("rid-1"));
}

#[tokio::test]
async fn create_is_not_repeated_after_an_ambiguous_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/applicationTemplates/tpl/instantiate"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/v1.0/servicePrincipals/{SP}/synchronization/jobs"
        )))
        .respond_with(ResponseTemplate::new(504))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with_token(&server, "t");
    let err = client
        .instantiate_template(&ApplicationTemplateId::new("tpl"), "Keeper (prod)")
        .await
        .unwrap_err();
    assert!(err.outcome_unknown());
    let err = client
        .create_job(&sp(), &SyncTemplateId::new("keeper"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn throttled_create_is_retried_because_it_was_not_processed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "id": "keeper.abc.def", "templateId": "keeper",
            "schedule": {"state": "Disabled"}, "status": {"code": "NotConfigured"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let job = client_with_token(&server, "t")
        .create_job(&sp(), &SyncTemplateId::new("keeper"))
        .await
        .unwrap();
    assert_eq!(job.schedule_state(), Some("Disabled"));
}

#[tokio::test]
async fn create_with_recheck_finds_the_object_instead_of_creating_twice() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/servicePrincipals"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": [sp_body()]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with_token(&server, "t");
    let tpl = ApplicationTemplateId::new("tpl");
    let found = create_with_recheck(
        3,
        || async {
            client
                .instantiate_template(&tpl, "Keeper")
                .await
                .map(|r| r.service_principal)
        },
        || async {
            let mut v = client
                .find_service_principals_by_tag("entraprov:keeper-prod")
                .await?;
            Ok(v.pop())
        },
    )
    .await
    .unwrap();
    assert_eq!(found.id.as_str(), SP);
}

#[tokio::test]
async fn replication_404_is_retried_only_inside_the_after_create_window() {
    let server = MockServer::start().await;
    mount_sequence(&server, ResponseTemplate::new(404), 2).await;
    let client = client_with_token(&server, "t");
    let got = client
        .after_create(Duration::from_secs(20))
        .get_service_principal(&sp())
        .await
        .unwrap();
    assert_eq!(got.id.as_str(), SP);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_with_token(&server, "t")
        .get_service_principal(&sp())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_did_not_reach_graph() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = MockServer::start().await;
    let mut client = client_with_token(&server, "t");
    let url = format!("http://127.0.0.1:{port}");
    let e = entraprov::graph::Endpoints::new(None, Some(&url), Some(&url)).unwrap();
    client = Client::new(
        build_http(&options()).unwrap(),
        e,
        client.credential().clone(),
        &options(),
    );
    let err = client
        .instantiate_template(&ApplicationTemplateId::new("tpl"), "x")
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind,
        ErrorKind::Transport { maybe_sent: false }
    ));
    assert!(!err.outcome_unknown());
}

struct Counting(AtomicUsize);

impl TokenProvider for Counting {
    fn describe(&self) -> String {
        "counting test credential".to_owned()
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            Ok(AccessToken {
                token: SecretString::from(format!("tok-{n}")),
                expires_at: SystemTime::now() + Duration::from_secs(3600),
            })
        }
        .boxed()
    }
}

#[tokio::test]
async fn unauthorized_refreshes_the_token_once() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired or is not yet valid."}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sp_body()))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Arc::new(Counting(AtomicUsize::new(0)));
    let cred = Credential::from_arc(provider.clone());
    let client = Client::new(
        build_http(&options()).unwrap(),
        endpoints(&server),
        cred,
        &options(),
    );
    client.get_service_principal(&sp()).await.unwrap();
    assert_eq!(provider.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn persistent_unauthorized_stops_after_one_refresh_and_names_the_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let cred = Credential::new(Counting(AtomicUsize::new(0)));
    let client = Client::new(
        build_http(&options()).unwrap(),
        endpoints(&server),
        cred,
        &options(),
    );
    let err = client.get_service_principal(&sp()).await.unwrap_err();
    assert_eq!(err.status, Some(401));
    assert_eq!(err.credential.as_deref(), Some("counting test credential"));
}

#[tokio::test]
async fn every_request_carries_client_request_id_user_agent_and_bearer() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        1,
    )
    .await;
    client_with_token(&server, "abc")
        .get_service_principal(&sp())
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        let crid = r.headers["client-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(crid).is_ok());
        assert_eq!(r.headers["authorization"], "Bearer abc");
        assert_eq!(
            r.headers["user-agent"].to_str().unwrap(),
            concat!("entraprov/", env!("CARGO_PKG_VERSION"))
        );
    }
    assert_eq!(
        reqs[0].headers["client-request-id"], reqs[1].headers["client-request-id"],
        "a retry keeps the id of its call"
    );
    assert!(
        reqs[0]
            .url
            .query()
            .unwrap()
            .starts_with("$select=id%2CappId")
    );
}
