//! Explanations of probe failures in a target app's terms.
//!
//! The probe itself is generic SCIM 2.0. What a 401 *means* and what to do about it
//! depends on the app behind the endpoint, so every explanation comes from an
//! [`Advice`]. [`GenericAdvice`] speaks plain SCIM; a connector (for example Keeper)
//! supplies its own.

use url::Url;

use super::FailureKind;

/// Facts about the probe that explanations may mention. Never holds the token.
#[derive(Clone, Debug, Default)]
pub struct AdviceContext {
    /// The parsed tenant URL, when it parsed.
    pub url: Option<Url>,
    /// Where the token came from, in words ("environment variable KEEPER_SCIM_TOKEN").
    pub token_source: Option<String>,
}

impl AdviceContext {
    /// "the secret referenced by secretToken (…)" — where to put a new token.
    pub fn token_target(&self) -> String {
        match &self.token_source {
            Some(s) => format!("the {s}"),
            None => "the secret referenced by provisioning.credentials.secretToken".to_owned(),
        }
    }

    /// The URL's host, or "the host".
    pub fn host(&self) -> String {
        self.url
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "the host".to_owned())
    }
}

/// Explains probe results for one kind of target app.
pub trait Advice: Send + Sync {
    /// The product name used in messages ("Keeper", "the SCIM app").
    fn product(&self) -> &str;

    /// A check of the tenant URL's shape before any request; `Err` is a warning text.
    fn check_url(&self, url: &Url) -> Result<String, String>;

    /// What to do about `kind`, in this app's terms.
    fn help(&self, kind: &FailureKind, ctx: &AdviceContext) -> String;
}

/// Advice for any SCIM 2.0 endpoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct GenericAdvice;

impl Advice for GenericAdvice {
    fn product(&self) -> &str {
        "the SCIM app"
    }

    fn check_url(&self, url: &Url) -> Result<String, String> {
        Ok(format!(
            "{} on {}",
            url.scheme(),
            url.host_str().unwrap_or("?")
        ))
    }

    fn help(&self, kind: &FailureKind, ctx: &AdviceContext) -> String {
        transport_help(kind, ctx).unwrap_or_else(|| match kind {
            FailureKind::Unauthorized { .. } => format!(
                "The bearer token is wrong, expired or was replaced in the SCIM app. Issue a new \
                 token there and store it in {}.",
                ctx.token_target()
            ),
            FailureKind::NotFound { .. } => "Check the tenant URL: it must be the SCIM base \
                 URL (the part before /Users), including any tenant or instance id in the path."
                .to_owned(),
            FailureKind::SeatLimit { .. } => "The SCIM app has no free licences or seats; free \
                 some or buy more before provisioning more users."
                .to_owned(),
            _ => status_help(kind),
        })
    }
}

/// Help for failures that mean the same for every app (URL, token shape, transport).
/// `None` for failures whose meaning depends on the app.
pub fn transport_help(kind: &FailureKind, ctx: &AdviceContext) -> Option<String> {
    let text = match kind {
        FailureKind::InvalidUrl { .. } => {
            "Set provisioning.credentials.tenantUrl to the full https:// SCIM base URL.".to_owned()
        }
        FailureKind::InsecureUrl => {
            "Use https://. Plain http:// is accepted only for loopback test servers.".to_owned()
        }
        FailureKind::TokenMalformed => format!(
            "Check {}: it must be non-empty, a single line, without surrounding whitespace.",
            ctx.token_target()
        ),
        FailureKind::Dns { .. } => format!(
            "Check the host name in the tenant URL and that this machine can resolve {}.",
            ctx.host()
        ),
        FailureKind::ConnectionRefused { .. } => "Check the host and port in the tenant URL, \
             and that the SCIM server is running and reachable from this machine."
            .to_owned(),
        FailureKind::TlsToPlainHttp { .. } => "The server does not speak TLS on this port. Use \
             the server's https:// endpoint (or http:// only for a loopback test server)."
            .to_owned(),
        FailureKind::Tls { .. } => "The server's certificate is not trusted by this machine \
             (expired, wrong name, or signed by a private CA), or a proxy intercepts TLS."
            .to_owned(),
        FailureKind::Timeout { .. } => "The server is overloaded or a firewall drops the \
             traffic. Try again; if it persists, check the network path to the SCIM server."
            .to_owned(),
        FailureKind::Transport { .. } => {
            "Check the network path to the SCIM server and try again.".to_owned()
        }
        _ => return None,
    };
    Some(text)
}

/// Help for status failures that mean the same for every app.
pub fn status_help(kind: &FailureKind) -> String {
    match kind {
        FailureKind::Throttled { .. } => {
            "Wait for the Retry-After period and run the test again.".to_owned()
        }
        FailureKind::Redirect { .. } => "Use the final SCIM base URL directly (the probe does \
             not follow redirects, and neither should a bearer token)."
            .to_owned(),
        FailureKind::UnexpectedBody { .. } => "The URL answers, but not as a SCIM 2.0 \
             service: check that it is the SCIM base URL (the part before /Users)."
            .to_owned(),
        _ => "See the server's detail above; the endpoint must answer GET /Users?filter=... with \
              200 and a SCIM ListResponse, as Entra's Test Connection expects."
            .to_owned(),
    }
}
