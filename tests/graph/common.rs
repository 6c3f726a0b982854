//! Shared helpers: clients pointed at a wiremock server, fast retry policies, form parsing.

use std::collections::BTreeMap;
use std::time::Duration;

use entraprov::graph::auth::{AuthContext, Credential, Env, StaticToken};
use entraprov::graph::{Client, ClientOptions, Endpoints, RetryPolicy, SecretString, build_http};
use wiremock::MockServer;

/// A retry policy with short backoff so tests run fast (Retry-After is still honoured).
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_secs(20),
        base_delay: Duration::from_millis(5),
        max_backoff: Duration::from_secs(5),
        ..RetryPolicy::default()
    }
}

pub fn options() -> ClientOptions {
    ClientOptions {
        policy: fast_policy(),
        ..ClientOptions::default()
    }
}

/// Endpoints with both Graph and the authority on the mock server.
pub fn endpoints(server: &MockServer) -> Endpoints {
    Endpoints::new(None, Some(&server.uri()), Some(&server.uri())).expect("loopback endpoints")
}

/// Auth context for credential flows against the mock server.
pub fn auth_ctx(server: &MockServer) -> AuthContext {
    AuthContext {
        http: build_http(&options()).expect("http"),
        endpoints: endpoints(server),
        policy: fast_policy(),
    }
}

/// A client with a static bearer token `token`.
pub fn client_with_token(server: &MockServer, token: &str) -> Client {
    client_with_policy(server, token, fast_policy())
}

/// A client with its own retry policy (deadline, backoff).
pub fn client_with_policy(server: &MockServer, token: &str, policy: RetryPolicy) -> Client {
    let cred = Credential::new(StaticToken::new(SecretString::from(token.to_owned())));
    let opts = ClientOptions {
        policy,
        ..ClientOptions::default()
    };
    Client::new(
        build_http(&opts).expect("http"),
        endpoints(server),
        cred,
        &opts,
    )
}

/// A client whose credential chain runs on `env`.
pub fn client_from_env(server: &MockServer, env: &Env) -> Client {
    Client::from_env(endpoints(server), env, &options()).expect("client")
}

/// Parses an `application/x-www-form-urlencoded` body.
pub fn form(body: &[u8]) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// A minimal unsigned JWT with the given claims (for `tid`/`exp` reading).
pub fn fake_jwt(claims: serde_json::Value) -> String {
    use base64::Engine;
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.sig",
        e.encode(br#"{"alg":"RS256","typ":"JWT","kid":"test"}"#),
        e.encode(claims.to_string())
    )
}

/// The standard token endpoint success body.
pub fn token_body(token: &str, expires_in: u64) -> serde_json::Value {
    serde_json::json!({"token_type": "Bearer", "expires_in": expires_in, "access_token": token})
}
