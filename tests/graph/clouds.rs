//! National clouds, overrides and the https rule.

use entraprov::graph::Cloud;
use entraprov::graph::{EndpointError, Endpoints};

#[test]
fn each_cloud_sets_graph_authority_scope_and_oidc_audience() {
    let cases = [
        (
            Cloud::Public,
            "https://graph.microsoft.com",
            "https://login.microsoftonline.com",
            "api://AzureADTokenExchange",
        ),
        (
            Cloud::Usgov,
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us",
            "api://AzureADTokenExchangeUSGov",
        ),
        (
            Cloud::UsgovDod,
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us",
            "api://AzureADTokenExchangeUSGov",
        ),
        (
            Cloud::China,
            "https://microsoftgraph.chinacloudapi.cn",
            "https://login.chinacloudapi.cn",
            "api://AzureADTokenExchangeChina",
        ),
    ];
    for (cloud, graph, login, audience) in cases {
        let e = Endpoints::new(Some(cloud), None, None).unwrap();
        assert_eq!(e.graph_base(), format!("{graph}/v1.0"));
        assert_eq!(e.graph_scope(), format!("{graph}/.default"));
        assert_eq!(e.token_url("t1"), format!("{login}/t1/oauth2/v2.0/token"));
        assert_eq!(e.cloud().token_exchange_audience(), audience);
    }
}

#[test]
fn default_is_the_public_cloud() {
    let e = Endpoints::new(None, None, None).unwrap();
    assert_eq!(e.graph_base(), "https://graph.microsoft.com/v1.0");
    assert_eq!(e.cloud(), Cloud::Public);
}

#[test]
fn overrides_replace_one_host_each_and_keep_an_explicit_version() {
    let e = Endpoints::new(
        Some(Cloud::Usgov),
        Some("https://graph.example.test/beta/"),
        None,
    )
    .unwrap();
    assert_eq!(e.graph_base(), "https://graph.example.test/beta");
    assert_eq!(
        e.graph_scope(),
        "https://graph.microsoft.us/.default",
        "the scope names the cloud's resource, not the host"
    );
    assert_eq!(
        e.token_url("t"),
        "https://login.microsoftonline.us/t/oauth2/v2.0/token"
    );
}

#[test]
fn cloud_is_derived_from_an_overridden_authority() {
    let e = Endpoints::new(None, None, Some("https://login.chinacloudapi.cn/")).unwrap();
    assert_eq!(e.cloud(), Cloud::China);
    assert_eq!(e.authority().as_str(), "https://login.chinacloudapi.cn/");
}

#[test]
fn plain_http_is_refused_except_on_loopback() {
    let err = Endpoints::new(None, Some("http://graph.example.test"), None).unwrap_err();
    assert!(matches!(
        err,
        EndpointError::Insecure {
            flag: "--graph-url",
            ..
        }
    ));
    let err = Endpoints::new(None, None, Some("http://10.0.0.1:8080")).unwrap_err();
    assert!(matches!(
        err,
        EndpointError::Insecure {
            flag: "--authority-url",
            ..
        }
    ));
    for ok in [
        "http://127.0.0.1:1234",
        "http://localhost:9",
        "http://[::1]:80",
    ] {
        let e = Endpoints::new(None, Some(ok), Some(ok)).unwrap();
        assert!(e.graph_base().ends_with("/v1.0"), "{ok}");
    }
    let err = Endpoints::new(None, Some("ftp://x"), None).unwrap_err();
    assert!(matches!(err, EndpointError::Insecure { .. }));
    let err = Endpoints::new(None, Some("not a url"), None).unwrap_err();
    assert!(matches!(err, EndpointError::Invalid { .. }));
}
