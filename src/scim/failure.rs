//! How a probe can fail: one variant per cause the user can act on.
//!
//! The variants carry facts only (status, host, the server's SCIM `detail`); the
//! explanation in the target app's terms comes from an [`Advice`](super::Advice) and is
//! attached as the diagnostic's help text. No variant ever carries the token.

use std::time::Duration;

use miette::Diagnostic;

/// The classified cause of a failed probe step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The tenant URL does not parse or has no host.
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// `http://` to a host other than loopback: the token would travel in clear text.
    InsecureUrl,
    /// The token cannot be sent in an HTTP header (empty, or has a control character such
    /// as the trailing newline of a file).
    TokenMalformed,
    /// The host name does not resolve.
    Dns {
        /// The host that did not resolve.
        host: String,
    },
    /// Nothing listens on the port.
    ConnectionRefused {
        /// `host:port` that refused.
        authority: String,
    },
    /// The URL says `https://` but the server answered in plain HTTP.
    TlsToPlainHttp {
        /// `host:port` of the plain HTTP server.
        authority: String,
    },
    /// The TLS handshake failed (certificate not trusted, expired, wrong name, …).
    Tls {
        /// The TLS library's reason.
        detail: String,
    },
    /// No complete answer within the time limit.
    Timeout {
        /// The limit that was exceeded.
        after: Duration,
    },
    /// Any other transport failure (connection reset, …).
    Transport {
        /// The underlying error, without the token.
        detail: String,
    },
    /// 401 or 403: the bearer token was refused.
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// The server's SCIM `detail`, if any.
        detail: Option<String>,
    },
    /// 404: nothing at this base URL (wrong node id, tenant id or path).
    NotFound {
        /// The server's SCIM `detail`, if any.
        detail: Option<String>,
    },
    /// 428, or an error that mentions seats or licences.
    SeatLimit {
        /// The HTTP status.
        status: u16,
        /// The server's SCIM `detail`, if any.
        detail: Option<String>,
    },
    /// 429: the endpoint throttled the probe.
    Throttled {
        /// `Retry-After` in seconds, if sent.
        retry_after: Option<u64>,
    },
    /// A 3xx: SCIM endpoints answer directly; a redirect usually means a wrong host or path.
    Redirect {
        /// The HTTP status.
        status: u16,
        /// The `Location` header, if any.
        location: Option<String>,
    },
    /// Any other unexpected status.
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The server's SCIM `detail`, if any.
        detail: Option<String>,
    },
    /// 2xx, but the body is not the SCIM resource expected.
    UnexpectedBody {
        /// What was missing or wrong.
        reason: String,
    },
}

impl FailureKind {
    /// The diagnostic code of this kind (stable; documented in the error reference).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "E0701",
            Self::InsecureUrl => "E0702",
            Self::TokenMalformed => "E0703",
            Self::Dns { .. } => "E0704",
            Self::ConnectionRefused { .. } => "E0705",
            Self::TlsToPlainHttp { .. } => "E0706",
            Self::Tls { .. } => "E0707",
            Self::Timeout { .. } => "E0708",
            Self::Transport { .. } => "E0709",
            Self::Unauthorized { .. } => "E0710",
            Self::NotFound { .. } => "E0711",
            Self::SeatLimit { .. } => "E0712",
            Self::Throttled { .. } => "E0713",
            Self::Redirect { .. } => "E0714",
            Self::UnexpectedStatus { .. } => "E0715",
            Self::UnexpectedBody { .. } => "E0716",
        }
    }

    /// One line saying what happened, generic SCIM terms.
    pub fn summary(&self) -> String {
        match self {
            Self::InvalidUrl { reason } => format!("the tenant URL is not valid: {reason}"),
            Self::InsecureUrl => {
                "the tenant URL uses http:// to a non-loopback host; the token would be sent in \
                 clear text, so the probe refused to send it"
                    .to_owned()
            }
            Self::TokenMalformed => {
                "the secret token cannot be sent in an HTTP header (empty, or it contains a \
                 control character such as a trailing newline)"
                    .to_owned()
            }
            Self::Dns { host } => format!("the host {host} does not resolve (DNS lookup failed)"),
            Self::ConnectionRefused { authority } => {
                format!("connection refused by {authority}: nothing is listening there")
            }
            Self::TlsToPlainHttp { authority } => {
                format!("TLS handshake failed: {authority} answers in plain HTTP, not HTTPS")
            }
            Self::Tls { detail } => format!("TLS handshake failed: {detail}"),
            Self::Timeout { after } => format!(
                "no answer within {} s: the server accepted the connection but did not respond",
                after.as_secs_f64()
            ),
            Self::Transport { detail } => format!("the request failed: {detail}"),
            Self::Unauthorized { status, detail } => with_detail(
                format!("{status} {}: the secret token was refused", reason(*status)),
                detail,
            ),
            Self::NotFound { detail } => {
                with_detail("404 Not Found: nothing at this URL".to_owned(), detail)
            }
            Self::SeatLimit { status, detail } => with_detail(
                format!(
                    "{status} {}: the target reports a seat or licence limit",
                    reason(*status)
                ),
                detail,
            ),
            Self::Throttled { retry_after } => match retry_after {
                Some(s) => format!("429 Too Many Requests: throttled (Retry-After {s} s)"),
                None => "429 Too Many Requests: throttled".to_owned(),
            },
            Self::Redirect { status, location } => match location {
                Some(l) => format!("{status} redirect to {l}: SCIM endpoints answer directly"),
                None => format!("{status} redirect: SCIM endpoints answer directly"),
            },
            Self::UnexpectedStatus { status, detail } => with_detail(
                format!("{status} {}: unexpected status", reason(*status)),
                detail,
            ),
            Self::UnexpectedBody { reason } => {
                format!("the answer is not the SCIM resource expected: {reason}")
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn with_detail(line: String, detail: &Option<String>) -> String {
    match detail {
        Some(d) => format!("{line} (server said: \"{d}\")"),
        None => line,
    }
}

/// A failed probe step as a diagnostic: the classified cause plus advice.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", kind.summary())]
pub struct ProbeFailure {
    /// What went wrong.
    pub kind: FailureKind,
    /// What to do about it, in the target app's terms.
    pub help: String,
}

impl Diagnostic for ProbeFailure {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
}
