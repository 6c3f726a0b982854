//! The direct SCIM probe against a REAL SCIM 2.0 server (PyPI `scim2-server`, installed
//! by `scripts/test.sh` under `$ENTRAPROV_TOOLS_DIR`), plus local listeners for the
//! transport failures (refused, plain HTTP behind https://, a server that never answers)
//! and a tiny fake for Keeper's quirks the real server cannot show (428 seats, no
//! /ServiceProviderConfig).

#[path = "connector/support.rs"]
mod support;

use std::time::Duration;

use entraprov::connector::keeper_probe::KeeperAdvice;
use entraprov::scim::{
    self, Advice, CheckStatus, FailureKind, GenericAdvice, ProbeOptions, ProbeReport, ProbeTarget,
};
use secrecy::SecretString;
use support::scim_server::{ScimServer, TOKEN};

const TENANT: &str = "1234567";

fn target(url: String, token: &str) -> ProbeTarget {
    ProbeTarget {
        tenant_url: url,
        token: SecretString::from(token.to_owned()),
        token_source: Some("environment variable KEEPER_SCIM_TOKEN".to_owned()),
    }
}

fn fast() -> ProbeOptions {
    ProbeOptions {
        timeout: Duration::from_secs(10),
        ..ProbeOptions::default()
    }
}

async fn run(url: String, token: &str, advice: &dyn Advice, opts: &ProbeOptions) -> ProbeReport {
    scim::probe(&target(url, token), advice, opts).await
}

/// The rendered table, with the port redacted; also proves the token never shows.
fn rendered(report: &ProbeReport, token: &str) -> String {
    let text = scim::render_table(&report.checks);
    assert!(!text.contains(token), "token leaked into output:\n{text}");
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("static regex");
    port.replace_all(&text, "127.0.0.1:[PORT]").into_owned()
}

fn failure(report: &ProbeReport) -> &FailureKind {
    &report
        .first_failure()
        .expect("the probe should have failed")
        .kind
}

#[tokio::test]
async fn right_token_passes_every_check_against_real_scim_server() {
    let server = ScimServer::start(TENANT);
    let report = run(server.base_url(TENANT), TOKEN, &GenericAdvice, &fast()).await;
    assert!(report.passed(), "{}", scim::render_table(&report.checks));
    assert!(report.checks.iter().all(|c| c.status == CheckStatus::Pass));
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn wrong_token_is_401_explained_as_keeper_token_rotation() {
    let server = ScimServer::start(TENANT);
    let wrong = "bm90LXRoZS1yaWdodC10b2tlbi1mb3Itc2NpbS1wcm9iZQ";
    let report = run(server.base_url(TENANT), wrong, &KeeperAdvice, &fast()).await;
    assert!(!report.passed());
    assert!(matches!(
        failure(&report),
        FailureKind::Unauthorized { status: 401, .. }
    ));
    let help = &report.first_failure().expect("failed").help;
    assert!(
        help.contains("scim edit") && help.contains("KEEPER_SCIM_TOKEN"),
        "{help}"
    );
    insta::assert_snapshot!(rendered(&report, wrong));
}

#[tokio::test]
async fn wrong_tenant_path_is_404_explained_as_wrong_keeper_node_id() {
    let server = ScimServer::start(TENANT);
    let report = run(server.base_url("7654321"), TOKEN, &KeeperAdvice, &fast()).await;
    assert!(matches!(failure(&report), FailureKind::NotFound { .. }));
    assert!(
        report
            .first_failure()
            .expect("failed")
            .help
            .contains("node id")
    );
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn server_down_is_connection_refused() {
    let port = support::free_port();
    let url = format!("http://127.0.0.1:{port}/{TENANT}");
    let report = run(url, TOKEN, &KeeperAdvice, &fast()).await;
    assert!(matches!(
        failure(&report),
        FailureKind::ConnectionRefused { .. }
    ));
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn https_url_against_plain_http_server_says_so() {
    let server = ScimServer::start(TENANT);
    let url = server.base_url(TENANT).replace("http://", "https://");
    let report = run(url, TOKEN, &KeeperAdvice, &fast()).await;
    assert!(
        matches!(failure(&report), FailureKind::TlsToPlainHttp { .. }),
        "{:?}",
        failure(&report)
    );
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn slow_server_times_out_with_the_configured_limit() {
    let silent = support::SilentServer::start().await;
    let url = format!("http://{}/{TENANT}", silent.addr);
    let opts = ProbeOptions {
        timeout: Duration::from_millis(300),
        ..ProbeOptions::default()
    };
    let started = std::time::Instant::now();
    let report = run(url, TOKEN, &KeeperAdvice, &opts).await;
    assert!(matches!(failure(&report), FailureKind::Timeout { after } if *after == opts.timeout));
    println!("timeout classified after {:?}", started.elapsed());
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn unresolvable_keeper_host_lists_the_region_hosts() {
    let url = "https://keepersecurity.invalid/api/rest/scim/v2/1234567".to_owned();
    let report = run(url, TOKEN, &KeeperAdvice, &fast()).await;
    assert!(
        matches!(failure(&report), FailureKind::Dns { .. }),
        "{:?}",
        failure(&report)
    );
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_before_sending_the_token() {
    let url = "http://keepersecurity.com/api/rest/scim/v2/1234567".to_owned();
    let report = run(url, TOKEN, &KeeperAdvice, &fast()).await;
    assert_eq!(failure(&report), &FailureKind::InsecureUrl);
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn token_with_trailing_newline_is_refused_without_echoing_it() {
    let server = ScimServer::start(TENANT);
    let token = format!("{TOKEN}\n");
    let report = run(server.base_url(TENANT), &token, &KeeperAdvice, &fast()).await;
    assert_eq!(failure(&report), &FailureKind::TokenMalformed);
    insta::assert_snapshot!(rendered(&report, TOKEN));
}

#[tokio::test]
async fn keeper_url_check_names_the_region_and_node() {
    let eu = url::Url::parse("https://keepersecurity.eu/api/rest/scim/v2/345074852429829")
        .expect("static url");
    assert_eq!(
        KeeperAdvice.check_url(&eu),
        Ok("Keeper EU (keepersecurity.eu), node 345074852429829".to_owned())
    );
    let loopback = url::Url::parse("http://127.0.0.1:8080/1234567").expect("static url");
    let warning = KeeperAdvice
        .check_url(&loopback)
        .expect_err("not a Keeper host");
    insta::assert_snapshot!(warning);
}

#[tokio::test]
async fn refused_credentials_are_explained_for_apply_in_keeper_terms() {
    let server = ScimServer::start(TENANT);
    let keeper = entraprov::connector::by_name(entraprov::manifest::ConnectorName::Keeper);
    let wrong = SecretString::from("d3Jvbmc".to_owned());
    let text = keeper
        .explain_refused_credentials(&server.base_url(TENANT), &wrong, None)
        .await
        .expect("the probe fails");
    assert!(text.starts_with("[E0710] 401 Unauthorized"), "{text}");
    assert!(text.contains("scim edit"), "{text}");
    let right = SecretString::from(TOKEN.to_owned());
    let none = keeper
        .explain_refused_credentials(&server.base_url(TENANT), &right, None)
        .await;
    assert_eq!(none, None);
}

#[test]
fn keeper_401_help_names_the_region_of_the_url_host() {
    let ctx = entraprov::scim::AdviceContext {
        url: url::Url::parse("https://keepersecurity.com/api/rest/scim/v2/7777777777777").ok(),
        token_source: None,
    };
    let kind = FailureKind::Unauthorized {
        status: 401,
        detail: None,
    };
    let help = KeeperAdvice.help(&kind, &ctx);
    assert!(
        help.contains("Keeper's US data centre (keepersecurity.com)"),
        "{help}"
    );
    insta::assert_snapshot!(help);
}

mod keeper_quirks {
    //! Keeper behaviour the real scim2-server does not have.
    use super::*;
    use support::fake::{Reply, serve};

    #[tokio::test]
    async fn seat_limit_428_is_explained_in_keeper_terms() {
        let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"428","detail":"Number of licensed seats exceeded"}"#;
        let fake = serve(vec![Reply::new(428, body)]).await;
        let report = run(fake.url(TENANT), TOKEN, &KeeperAdvice, &fast()).await;
        assert!(matches!(
            failure(&report),
            FailureKind::SeatLimit { status: 428, .. }
        ));
        insta::assert_snapshot!(rendered(&report, TOKEN));
    }

    #[tokio::test]
    async fn missing_service_provider_config_is_only_a_warning() {
        let list = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}"#;
        let fake = serve(vec![Reply::new(200, list), Reply::new(404, "")]).await;
        let report = run(fake.url(TENANT), TOKEN, &KeeperAdvice, &fast()).await;
        assert!(report.passed());
        let spc = report.checks.last().expect("rows");
        assert_eq!(spc.status, CheckStatus::Warn);
        insta::assert_snapshot!(rendered(&report, TOKEN));
    }

    #[tokio::test]
    async fn html_login_page_instead_of_scim_is_not_a_list_response() {
        let fake = serve(vec![Reply::new(200, "<html>Sign in</html>")]).await;
        let report = run(fake.url(TENANT), TOKEN, &GenericAdvice, &fast()).await;
        assert!(matches!(
            failure(&report),
            FailureKind::UnexpectedBody { .. }
        ));
        insta::assert_snapshot!(rendered(&report, TOKEN));
    }

    #[tokio::test]
    async fn probe_sends_only_gets_with_the_filter_and_bearer_token() {
        let list = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0}"#;
        let fake = serve(vec![Reply::new(200, list), Reply::new(200, "{}")]).await;
        let _ = run(fake.url(TENANT), TOKEN, &GenericAdvice, &fast()).await;
        let seen = fake.requests();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|r| r.method == "GET"));
        assert!(
            seen[0]
                .path_and_query
                .starts_with(&format!("/{TENANT}/Users?filter=userName"))
        );
        assert!(seen[0].path_and_query.ends_with("&count=1"));
        assert_eq!(
            seen[0].authorization.as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert_eq!(
            seen[1].path_and_query,
            format!("/{TENANT}/ServiceProviderConfig")
        );
    }
}
