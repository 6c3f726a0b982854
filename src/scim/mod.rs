//! Direct SCIM probe: checks a tenant URL and secret token the way Entra's
//! "Test Connection" does, without Entra in the loop.
//!
//! Besides [`crate::graph`], this is the only module that makes outbound requests. It
//! only ever sends `GET`: a write could create a real user (Keeper sends an invitation
//! and uses a seat). Steps:
//!
//! 1. the tenant URL: parses, `https` (plain `http` only to loopback), and the app's own
//!    shape check (the connector's [`Advice::check_url`]) as a warning;
//! 2. connection and TLS, and `GET {url}/Users?filter=userName eq "<random>"&count=1`,
//!    expecting 200 and a SCIM ListResponse with no match;
//! 3. `GET {url}/ServiceProviderConfig`, advisory only.
//!
//! Every failure is classified ([`FailureKind`]) and explained by an [`Advice`] in the
//! app's terms. The token is a [`SecretString`] and never appears in any output.

mod advice;
mod client;
mod failure;
mod report;

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;
use url::Url;

pub use advice::{Advice, AdviceContext, GenericAdvice, status_help, transport_help};
pub use client::check_token;
pub use failure::{FailureKind, ProbeFailure};
pub use report::{CheckStatus, ProbeCheck, ProbeReport, render_table};

/// What to probe.
#[derive(Debug)]
pub struct ProbeTarget {
    /// The tenant URL (SCIM base URL) as written in the manifest.
    pub tenant_url: String,
    /// The bearer token.
    pub token: SecretString,
    /// Where the token came from, in words, for advice ("environment variable X").
    pub token_source: Option<String>,
}

/// Probe settings.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    /// Time limit for each request (connect + answer).
    pub timeout: Duration,
    /// Tenant URL prefixes served at a loopback address instead (`ENTRAPROV_SCIM_ROUTES`,
    /// printed by `sim serve` for its stand-in SCIM endpoints): `(prefix, replacement)`.
    pub routes: Vec<(String, String)>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            routes: Vec::new(),
        }
    }
}

impl ProbeOptions {
    /// The defaults with the routes of `ENTRAPROV_SCIM_ROUTES` (entries that are refused by
    /// [`parse_routes`] are logged and dropped).
    pub fn from_env() -> Self {
        let (routes, refused) =
            parse_routes(&std::env::var("ENTRAPROV_SCIM_ROUTES").unwrap_or_default());
        for r in refused {
            tracing::warn!(
                "ignoring ENTRAPROV_SCIM_ROUTES entry {} (PREFIX=URL with a loopback URL)",
                crate::text::shown(&r)
            );
        }
        Self {
            routes,
            ..Self::default()
        }
    }
}

/// Parses `ENTRAPROV_SCIM_ROUTES`: comma-separated `PREFIX=REPLACEMENT` pairs. A replacement
/// must be an `http(s)` URL on a loopback address (a route never sends a token elsewhere);
/// the others are returned as errors.
pub fn parse_routes(value: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut routes = Vec::new();
    let mut refused = Vec::new();
    for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let loopback_target = pair.split_once('=').filter(|(_, to)| {
            Url::parse(to).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && is_loopback(&u))
        });
        match loopback_target {
            Some((from, to)) => routes.push((from.to_owned(), to.to_owned())),
            None => refused.push(pair.to_owned()),
        }
    }
    (routes, refused)
}

/// The URL the probe really sends to: `url` with the first matching route applied.
fn routed(url: &Url, routes: &[(String, String)]) -> Url {
    routes
        .iter()
        .find_map(|(from, to)| {
            let rest = url.as_str().strip_prefix(from.as_str())?;
            Url::parse(&format!("{to}{rest}")).ok()
        })
        .unwrap_or_else(|| url.clone())
}

/// Row names, stable for tables and tests.
pub const CHECK_URL: &str = "tenant URL";
/// Row name of the token check.
pub const CHECK_TOKEN: &str = "secret token";
/// Row name of the connection/TLS check.
pub const CHECK_CONNECT: &str = "connection";
/// Row name of the filter query.
pub const CHECK_USERS: &str = "GET /Users?filter=userName eq <random>";
/// Row name of the advisory discovery check.
pub const CHECK_SPC: &str = "GET /ServiceProviderConfig";

/// Runs the probe. Never fails as a whole: every problem is a row of the report.
pub async fn probe(target: &ProbeTarget, advice: &dyn Advice, opts: &ProbeOptions) -> ProbeReport {
    let mut ctx = AdviceContext {
        url: None,
        token_source: target.token_source.clone(),
    };
    let mut report = ProbeReport::default();
    if let Err((check, kind, rest)) = run_checks(target, advice, opts, &mut ctx, &mut report).await
    {
        fail_check(&mut report, advice, &ctx, check, kind, rest);
    }
    report
}

/// Where the probe stopped: the failed check, why, and the checks it skips.
type Stop = (&'static str, FailureKind, &'static [&'static str]);

/// Runs the checks in order, recording each passed one in `report`, until one fails.
async fn run_checks(
    target: &ProbeTarget,
    advice: &dyn Advice,
    opts: &ProbeOptions,
    ctx: &mut AdviceContext,
    report: &mut ProbeReport,
) -> Result<(), Stop> {
    let url = parse_url(&target.tenant_url).map_err(|kind| {
        let rest: &'static [&'static str] = &[CHECK_TOKEN, CHECK_CONNECT, CHECK_USERS, CHECK_SPC];
        (CHECK_URL, kind, rest)
    })?;
    ctx.url = Some(url.clone());
    report.checks.push(match advice.check_url(&url) {
        Ok(summary) => ProbeCheck::pass(CHECK_URL, summary),
        Err(warning) => ProbeCheck::new(CHECK_URL, CheckStatus::Warn, warning, None),
    });
    client::check_token(&target.token).map_err(|kind| {
        (
            CHECK_TOKEN,
            kind,
            &[CHECK_CONNECT, CHECK_USERS, CHECK_SPC][..],
        )
    })?;
    report
        .checks
        .push(ProbeCheck::pass(CHECK_TOKEN, "present (sensitive)"));
    let client = client::build_client(opts.timeout)
        .map_err(|kind| (CHECK_CONNECT, kind, &[CHECK_USERS, CHECK_SPC][..]))?;
    let wire = routed(&url, &opts.routes);
    let users = users_query(&client, &wire, target, opts).await;
    let reached = !matches!(&users, Err(k) if is_transport(k));
    if reached {
        let mut summary = connect_summary(&wire);
        if wire != url {
            summary = format!(
                "{} routed to {summary} (ENTRAPROV_SCIM_ROUTES)",
                client::authority(&url)
            );
        }
        report.checks.push(ProbeCheck::pass(CHECK_CONNECT, summary));
    }
    let row = users.map_err(|kind| {
        if reached {
            (CHECK_USERS, kind, &[CHECK_SPC][..])
        } else {
            (CHECK_CONNECT, kind, &[CHECK_USERS, CHECK_SPC][..])
        }
    })?;
    report.checks.push(row);
    report
        .checks
        .push(service_provider_config(&client, &wire, target, opts, advice).await);
    Ok(())
}

/// Records `check` as failed with `kind`, explained by `advice`, and skips the `rest`.
fn fail_check(
    report: &mut ProbeReport,
    advice: &dyn Advice,
    ctx: &AdviceContext,
    check: &str,
    kind: FailureKind,
    rest: &[&str],
) {
    let f = ProbeFailure {
        help: advice.help(&kind, ctx),
        kind,
    };
    report
        .checks
        .push(ProbeCheck::from_failure(check, CheckStatus::Fail, f));
    skip_rest(report, rest);
}

fn skip_rest(report: &mut ProbeReport, names: &[&str]) {
    for name in names {
        let row = ProbeCheck::new(
            *name,
            CheckStatus::Skip,
            "not run (an earlier check failed)",
            None,
        );
        report.checks.push(row);
    }
}

fn connect_summary(url: &Url) -> String {
    let authority = client::authority(url);
    if url.scheme() == "https" {
        format!("{authority} reachable, TLS certificate trusted")
    } else {
        format!("{authority} reachable (plain http, loopback only)")
    }
}

fn is_transport(kind: &FailureKind) -> bool {
    matches!(
        kind,
        FailureKind::Dns { .. }
            | FailureKind::ConnectionRefused { .. }
            | FailureKind::TlsToPlainHttp { .. }
            | FailureKind::Tls { .. }
            | FailureKind::Timeout { .. }
            | FailureKind::Transport { .. }
    )
}

/// Parses the tenant URL; `https`, or `http` to a loopback host only.
pub fn parse_url(raw: &str) -> Result<Url, FailureKind> {
    let url = Url::parse(raw.trim()).map_err(|e| FailureKind::InvalidUrl {
        reason: e.to_string(),
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FailureKind::InvalidUrl {
            reason: "it has no host".to_owned(),
        });
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(FailureKind::InsecureUrl),
        other => Err(FailureKind::InvalidUrl {
            reason: format!("scheme {other}: is not https:"),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

async fn users_query(
    client: &reqwest::Client,
    base: &Url,
    target: &ProbeTarget,
    opts: &ProbeOptions,
) -> Result<ProbeCheck, FailureKind> {
    let user_name = format!(
        "entraprov-probe-{}@preflight.invalid",
        uuid::Uuid::new_v4().simple()
    );
    let filter = format!("userName eq \"{user_name}\"");
    let url = client::endpoint(base, "Users");
    let query = [("filter", filter.as_str()), ("count", "1")];
    let reply = client::get_json(client, url.clone(), &query, &target.token, opts.timeout).await;
    let reply = match reply {
        Err(FailureKind::Tls { detail }) => {
            return Err(if client::speaks_plain_http(&url, opts.timeout).await {
                FailureKind::TlsToPlainHttp {
                    authority: client::authority(&url),
                }
            } else {
                FailureKind::Tls { detail }
            });
        }
        other => other?,
    };
    let total = check_list_response(&reply.body)?;
    Ok(if total == 0 {
        let summary = format!(
            "{} ListResponse, totalResults 0 (no match, as expected)",
            reply.status
        );
        ProbeCheck::pass(CHECK_USERS, summary)
    } else {
        let summary = format!(
            "{} ListResponse, but totalResults {total} for a random userName: the endpoint seems \
             to ignore the filter, which breaks Entra's matching",
            reply.status
        );
        ProbeCheck::new(CHECK_USERS, CheckStatus::Warn, summary, None)
    })
}

/// Checks a ListResponse body; returns `totalResults`.
fn check_list_response(body: &Value) -> Result<u64, FailureKind> {
    let not_list = |reason: &str| FailureKind::UnexpectedBody {
        reason: reason.to_owned(),
    };
    if !body.is_object() {
        return Err(not_list("the body is not a JSON object"));
    }
    let schemas = body.get("schemas").and_then(Value::as_array);
    let is_list =
        schemas.is_some_and(|s| s.iter().any(|v| v.as_str() == Some(client::LIST_RESPONSE)));
    if !is_list {
        return Err(not_list(
            "\"schemas\" does not contain the ListResponse URN",
        ));
    }
    body.get("totalResults")
        .and_then(Value::as_u64)
        .ok_or_else(|| not_list("\"totalResults\" is missing or not a number"))
}

async fn service_provider_config(
    client: &reqwest::Client,
    base: &Url,
    target: &ProbeTarget,
    opts: &ProbeOptions,
    advice: &dyn Advice,
) -> ProbeCheck {
    let url = client::endpoint(base, "ServiceProviderConfig");
    let advisory = |kind: FailureKind| {
        let help = format!(
            "Advisory only: {} may not serve /ServiceProviderConfig, and Entra's provisioning \
             does not need it.",
            advice.product()
        );
        ProbeCheck::from_failure(CHECK_SPC, CheckStatus::Warn, ProbeFailure { kind, help })
    };
    match client::get_json(client, url, &[], &target.token, opts.timeout).await {
        Err(kind) => advisory(kind),
        Ok(reply) => {
            let schemas = reply.body.get("schemas").and_then(Value::as_array);
            let is_spc = schemas.is_some_and(|s| {
                s.iter()
                    .any(|v| v.as_str() == Some(client::SERVICE_PROVIDER_CONFIG))
            });
            if is_spc {
                ProbeCheck::pass(CHECK_SPC, spc_summary(&reply.body))
            } else {
                advisory(FailureKind::UnexpectedBody {
                    reason: "not a ServiceProviderConfig resource".to_owned(),
                })
            }
        }
    }
}

/// "patch yes, filter yes (max 1000), bulk no, etag yes".
fn spc_summary(body: &Value) -> String {
    let flag = |name: &str| match body
        .get(name)
        .and_then(|v| v.get("supported"))
        .and_then(Value::as_bool)
    {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    let max = body
        .get("filter")
        .and_then(|f| f.get("maxResults"))
        .and_then(Value::as_u64)
        .map(|m| format!(" (max {m})"))
        .unwrap_or_default();
    format!(
        "patch {}, filter {}{max}, bulk {}, etag {}",
        flag("patch"),
        flag("filter"),
        flag("bulk"),
        flag("etag")
    )
}
