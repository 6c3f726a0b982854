//! The HTTP side of the probe: read-only `GET`s with the bearer token, and the
//! classification of every way they can fail.
//!
//! Only `GET` is ever sent: the probe must not create users (Keeper would send a real
//! invitation and use a seat).

use std::error::Error as _;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::FailureKind;

/// SCIM ListResponse schema URN (RFC 7644 §3.4.2).
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// SCIM ServiceProviderConfig schema URN (RFC 7643 §5).
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// A successful HTTP exchange: 2xx status and a JSON body.
#[derive(Debug)]
pub struct JsonReply {
    /// The HTTP status.
    pub status: u16,
    /// The parsed body (`Value::Null` when empty or not JSON).
    pub body: Value,
}

/// Builds the probe's HTTP client: no redirects (a bearer token must not follow one),
/// the given overall timeout.
pub fn build_client(timeout: Duration) -> Result<reqwest::Client, FailureKind> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "entraprov/",
            env!("CARGO_PKG_VERSION"),
            " (scim probe)"
        ))
        .build()
        .map_err(|e| FailureKind::Transport {
            detail: format!("cannot build the HTTP client: {e}"),
        })
}

/// `base` + `/segment`, keeping any path the base already has.
pub fn endpoint(base: &Url, segment: &str) -> Url {
    let mut url = base.clone();
    let path = format!("{}/{segment}", base.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// Refuses a token that cannot travel in an HTTP header: empty, or with whitespace or
/// control characters (the usual trailing newline of a token file).
pub fn check_token(token: &SecretString) -> Result<(), FailureKind> {
    let token = token.expose_secret();
    if token.is_empty() || token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(FailureKind::TokenMalformed);
    }
    Ok(())
}

/// Sends one authenticated `GET` and classifies the outcome.
pub async fn get_json(
    client: &reqwest::Client,
    url: Url,
    query: &[(&str, &str)],
    token: &SecretString,
    timeout: Duration,
) -> Result<JsonReply, FailureKind> {
    check_token(token)?;
    let response = client
        .get(url.clone())
        .query(query)
        .bearer_auth(token.expose_secret())
        .header(
            reqwest::header::ACCEPT,
            "application/scim+json, application/json",
        )
        .send()
        .await
        .map_err(|e| classify_transport(&e, &url, timeout))?;
    let status = response.status();
    let retry_after = header(&response, reqwest::header::RETRY_AFTER);
    let location = header(&response, reqwest::header::LOCATION);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| classify_transport(&e, &url, timeout))?;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(JsonReply {
            status: status.as_u16(),
            body,
        });
    }
    Err(classify_status(status, &body, retry_after, location))
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(sanitize)
}

/// Maps a non-2xx status (and its SCIM Error body) to a failure.
pub fn classify_status(
    status: StatusCode,
    body: &Value,
    retry_after: Option<String>,
    location: Option<String>,
) -> FailureKind {
    let detail = scim_detail(body);
    let code = status.as_u16();
    let mentions_seats = detail.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("seat") || d.contains("licen")
    });
    match code {
        428 => FailureKind::SeatLimit {
            status: code,
            detail,
        },
        _ if mentions_seats => FailureKind::SeatLimit {
            status: code,
            detail,
        },
        401 | 403 => FailureKind::Unauthorized {
            status: code,
            detail,
        },
        404 => FailureKind::NotFound { detail },
        429 => FailureKind::Throttled {
            retry_after: retry_after.and_then(|s| s.trim().parse().ok()),
        },
        300..=399 => FailureKind::Redirect {
            status: code,
            location,
        },
        _ => FailureKind::UnexpectedStatus {
            status: code,
            detail,
        },
    }
}

/// The `detail` of a SCIM Error body (RFC 7644 §3.12), cleaned for display.
fn scim_detail(body: &Value) -> Option<String> {
    let detail = body.get("detail").and_then(Value::as_str)?;
    let scim_type = body.get("scimType").and_then(Value::as_str);
    let text = match scim_type {
        Some(t) => format!("{t}: {detail}"),
        None => detail.to_owned(),
    };
    Some(sanitize(&text))
}

/// Server-supplied text for display: control characters removed, at most 300 chars.
fn sanitize(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

/// Maps a transport-level error to a failure. Never includes the token (reqwest's
/// errors carry the URL, which has none).
pub fn classify_transport(err: &reqwest::Error, url: &Url, timeout: Duration) -> FailureKind {
    let authority = authority(url);
    if err.is_timeout() || chain_has_io_kind(err, std::io::ErrorKind::TimedOut) {
        return FailureKind::Timeout { after: timeout };
    }
    if chain_has_io_kind(err, std::io::ErrorKind::ConnectionRefused) {
        return FailureKind::ConnectionRefused { authority };
    }
    let chain = chain_text(err);
    if err.is_dns() || chain.contains("dns error") || chain.contains("lookup address") {
        return FailureKind::Dns {
            host: url.host_str().unwrap_or("").to_owned(),
        };
    }
    if let Some(tls) = tls_reason(&chain) {
        return FailureKind::Tls { detail: tls };
    }
    FailureKind::Transport {
        detail: sanitize(&chain),
    }
}

/// The TLS part of an error chain, if the failure was in the TLS handshake.
fn tls_reason(chain: &str) -> Option<String> {
    const MARKERS: &[&str] = &[
        "certificate",
        "corrupt message",
        "handshake",
        "invalid peer",
        "tls",
        "alert",
    ];
    let lower = chain.to_ascii_lowercase();
    MARKERS
        .iter()
        .any(|m| lower.contains(m))
        .then(|| sanitize(chain))
}

fn chain_has_io_kind(err: &reqwest::Error, kind: std::io::ErrorKind) -> bool {
    let mut source = err.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == kind
        {
            return true;
        }
        source = e.source();
    }
    false
}

/// The messages of the error's sources, joined by ": " (without the reqwest top line,
/// which repeats the URL).
fn chain_text(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = e.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    parts.join(": ")
}

/// `host:port` of a URL, with the scheme's default port filled in.
pub fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// After a TLS failure: does `host:port` speak plain HTTP? Sends an unauthenticated
/// `GET /` over `http://` (never the token) and reports whether any HTTP answer came.
pub async fn speaks_plain_http(url: &Url, timeout: Duration) -> bool {
    let mut plain = url.clone();
    if plain.set_scheme("http").is_err() {
        return false;
    }
    if url.port().is_none() {
        // Keep the https default port explicitly: `http` would default to 80.
        let _ = plain.set_port(url.port_or_known_default());
    }
    plain.set_path("/");
    plain.set_query(None);
    let Ok(client) = reqwest::Client::builder()
        .timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return false;
    };
    client.get(plain).send().await.is_ok()
}
