//! `GraphError`: everything a failed Graph call can tell the user — the operation, HTTP
//! status, Graph `code` and message, the unwrapped inner error of sync-service failures,
//! `request-id` / `client-request-id` — rendered as a miette diagnostic with a help line
//! for the common codes.

use std::fmt;

use super::auth::AuthError;

/// What was being done when a call failed, and which Graph permission it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Human description, e.g. `list app role assignments of service principal 1b2…`.
    pub name: String,
    /// The least-privileged application permission(s) the call needs (graph-api.md §0).
    pub permission: &'static str,
}

impl Operation {
    /// A described operation needing `permission`.
    pub fn new(name: impl Into<String>, permission: &'static str) -> Self {
        Self {
            name: name.into(),
            permission,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The real error inside an `UnknownError` whose message is JSON (sync service errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerError {
    /// Inner code, e.g. `InvalidNotificationSettings`.
    pub code: Option<String>,
    /// Inner message, when present.
    pub message: Option<String>,
}

/// Which kind of failure a [`GraphError`] is.
#[derive(Debug)]
pub enum ErrorKind {
    /// Graph answered with a non-success status.
    Api,
    /// No usable HTTP response (connect error, timeout, broken body).
    Transport {
        /// Whether the request may have reached Graph (then a create may have happened).
        maybe_sent: bool,
    },
    /// No token could be obtained.
    Auth(Box<AuthError>),
    /// A success response whose body did not have the expected shape.
    Decode,
    /// A `$batch` sub-request failed (status and code come from the sub-response).
    Batch {
        /// The sub-request id.
        id: String,
    },
    /// A response pointed somewhere the client refuses to go (e.g. a foreign nextLink).
    Refused,
}

/// A failed Graph operation. Boxed (cheap to return); its fields are reached through
/// `Deref` to [`GraphErrorDetails`].
#[derive(Debug)]
pub struct GraphError(Box<GraphErrorDetails>);

impl std::ops::Deref for GraphError {
    type Target = GraphErrorDetails;

    fn deref(&self) -> &GraphErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for GraphError {
    fn deref_mut(&mut self) -> &mut GraphErrorDetails {
        &mut self.0
    }
}

/// Everything known about a failed Graph operation.
#[derive(Debug)]
pub struct GraphErrorDetails {
    /// What was being done.
    pub operation: Operation,
    /// Kind of failure.
    pub kind: ErrorKind,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// Graph error `code` (outer).
    pub code: Option<String>,
    /// Graph error message, or a description of the transport/decode failure.
    pub message: String,
    /// Unwrapped inner error (`UnknownError` with JSON in the message).
    pub inner: Option<InnerError>,
    /// Graph's `request-id`.
    pub request_id: Option<String>,
    /// Our `client-request-id`.
    pub client_request_id: Option<String>,
    /// Which credential supplied the token (for 401 help).
    pub credential: Option<String>,
}

impl GraphError {
    /// An error of `kind` with a message and nothing else known yet.
    pub fn new(operation: Operation, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(GraphErrorDetails {
            operation,
            kind,
            status: None,
            code: None,
            message: message.into(),
            inner: None,
            request_id: None,
            client_request_id: None,
            credential: None,
        }))
    }

    /// Builds an API error from a Graph error body (`{"error":{code,message,innerError}}`).
    pub fn from_response(operation: Operation, status: u16, body: &[u8]) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let mut err = Self::new(operation, ErrorKind::Api, "");
        err.status = Some(status);
        match parsed
            .as_ref()
            .and_then(|v| v.get("error"))
            .filter(|e| e.is_object())
        {
            Some(b) => {
                let text = |v: &serde_json::Value, k: &str| {
                    v.get(k).and_then(|x| x.as_str()).map(str::to_owned)
                };
                err.code = text(b, "code");
                err.message = text(b, "message").unwrap_or_default();
                err.inner = unwrap_inner(err.code.as_deref(), Some(&err.message))
                    .or_else(|| deepest_inner(b, err.code.as_deref()));
                for level in inner_chain(b) {
                    if err.request_id.is_none() {
                        err.request_id = text(level, "request-id");
                    }
                    if err.client_request_id.is_none() {
                        err.client_request_id = text(level, "client-request-id");
                    }
                }
            }
            None => err.message = summarize_body(body),
        }
        err
    }

    /// The effective code: the inner one when unwrapped, else the outer one.
    pub fn effective_code(&self) -> Option<&str> {
        self.inner
            .as_ref()
            .and_then(|i| i.code.as_deref())
            .or(self.code.as_deref())
    }

    /// True for 404 (and Graph's `Request_ResourceNotFound` / `ResourceNotFound`).
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// True when a non-idempotent request may have been executed although it failed:
    /// the caller must look again before retrying a create.
    pub fn outcome_unknown(&self) -> bool {
        match self.kind {
            ErrorKind::Transport { maybe_sent } => maybe_sent,
            ErrorKind::Api | ErrorKind::Batch { .. } => {
                matches!(self.status, Some(500 | 502 | 503 | 504))
            }
            _ => false,
        }
    }

    fn help_text(&self) -> Option<String> {
        if let ErrorKind::Auth(a) = &self.kind {
            return a.help_text();
        }
        if self.status == Some(401) {
            let cred = self.credential.as_deref().unwrap_or("the credential");
            let why = match self.message.trim_end_matches('.') {
                "" => "no reason given",
                m => m,
            };
            return Some(format!(
                "Graph rejected the token from {cred}: {why}. It must be issued for this cloud's \
                 Graph resource and the intended tenant, and not be expired"
            ));
        }
        let code = self.effective_code()?;
        let perm = self.operation.permission;
        let text = match code {
            "Authorization_RequestDenied" | "Forbidden" | "AccessDenied" => format!(
                "the identity lacks the permission for this call. Grant it the Microsoft Graph \
                 application permission(s) {perm}, with admin consent (delegated sign-ins also \
                 need a role such as Cloud Application Administrator)"
            ),
            "Request_ResourceNotFound" | "ResourceNotFound" | "NotFound" => {
                "the object does not exist (or is not replicated yet); re-run to read the live \
                 state again"
                    .to_owned()
            }
            "TooManyRequests" | "activityLimitReached" => {
                "Graph throttled the requests and retries ran out; wait a minute and re-run"
                    .to_owned()
            }
            "InvalidNotificationSettings" => {
                "the notification settings were rejected; check provisioning.notifications"
                    .to_owned()
            }
            "Request_BadRequest" | "BadRequest" | "InvalidRequest" => {
                "Graph rejected the request as invalid; the message above says which field"
                    .to_owned()
            }
            "Authorization_IdentityNotFound" | "InvalidAuthenticationToken" => {
                "the token is not valid for this tenant/cloud; check AZURE_TENANT_ID and --cloud"
                    .to_owned()
            }
            _ if self.status == Some(403) => format!(
                "Graph refused the call (403). Grant the identity {perm}, with admin consent"
            ),
            _ => return None,
        };
        Some(text)
    }

    fn diag_code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Api if self.status == Some(401) => "E0502",
            ErrorKind::Api if self.status == Some(403) => "E0503",
            ErrorKind::Api => "E0500",
            ErrorKind::Auth(_) => "E0501",
            ErrorKind::Transport { .. } => "E0504",
            ErrorKind::Decode => "E0505",
            ErrorKind::Batch { .. } => "E0506",
            ErrorKind::Refused => "E0507",
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ErrorKind::Auth(a) = &self.kind {
            return write!(f, "{} failed: {a}", self.operation);
        }
        write!(f, "{} failed", self.operation)?;
        if let Some(s) = self.status {
            write!(f, ": HTTP {s}")?;
        }
        if let Some(c) = &self.code {
            write!(f, " {c}")?;
        }
        if let Some(inner) = &self.inner {
            if let Some(c) = &inner.code {
                write!(f, " → {c}")?;
            }
            if let Some(m) = &inner.message {
                write!(f, ": {m}")?;
            }
        } else if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(r) = &self.request_id {
            write!(f, " (request-id {r}")?;
            if let Some(c) = &self.client_request_id {
                write!(f, ", client-request-id {c}")?;
            }
            f.write_str(")")?;
        } else if let Some(c) = &self.client_request_id {
            write!(f, " (client-request-id {c})")?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Auth(a) => Some(a.as_ref()),
            _ => None,
        }
    }
}

impl miette::Diagnostic for GraphError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag_code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help_text()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

/// The `innerError` objects under a Graph error, outermost first (`innerError` or
/// `innererror`; a chain of any depth, bounded against hostile nesting).
fn inner_chain(error: &serde_json::Value) -> Vec<&serde_json::Value> {
    let mut out = Vec::new();
    let mut node = error;
    while let Some(next) = node
        .get("innerError")
        .or_else(|| node.get("innererror"))
        .filter(|n| n.is_object())
    {
        out.push(next);
        node = next;
        if out.len() >= 32 {
            break;
        }
    }
    out
}

/// The deepest inner error that names a code other than the outer one.
fn deepest_inner(error: &serde_json::Value, outer: Option<&str>) -> Option<InnerError> {
    inner_chain(error).into_iter().rev().find_map(|level| {
        let code = level.get("code").and_then(|c| c.as_str())?;
        (Some(code) != outer).then(|| InnerError {
            code: Some(code.to_owned()),
            message: level
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_owned),
        })
    })
}

/// When `code` is `UnknownError` and `message` holds JSON, digs out the real code/message.
pub fn unwrap_inner(code: Option<&str>, message: Option<&str>) -> Option<InnerError> {
    if code != Some("UnknownError") {
        return None;
    }
    let msg = message?.trim();
    let start = msg.find('{')?;
    let value: serde_json::Value = serde_json::from_str(&msg[start..]).ok()?;
    let node = value.get("error").unwrap_or(&value);
    let pick = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| node.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
    };
    let inner = InnerError {
        code: pick(&["code", "Code"]),
        message: pick(&["message", "Message"]),
    };
    (inner.code.is_some() || inner.message.is_some()).then_some(inner)
}

fn summarize_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(300).collect();
    if one_line.chars().count() > 300 {
        s.push('…');
    }
    s
}
