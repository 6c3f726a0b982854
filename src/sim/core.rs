//! Shared server state and the internal request/response types every handler uses
//! (the same types serve plain HTTP requests and `$batch` parts).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::sim::config::SimConfig;
use crate::sim::http::error::GraphError;
use crate::sim::http::faults::Faults;
use crate::sim::http::stats::{Stats, StatsSnapshot};
use crate::sim::http::throttle::Throttle;
use crate::sim::state::Tenant;

/// Everything a request handler can reach.
pub struct Sim {
    /// The configuration the server was started with.
    pub cfg: SimConfig,
    /// The live tenant.
    pub tenant: Mutex<Tenant>,
    /// The tenant as it was at start (restored by `/_sim/reset`).
    pub initial: Tenant,
    /// HMAC key that signs access tokens.
    pub key: Vec<u8>,
    /// Fault decisions.
    pub faults: Faults,
    /// Request accounting.
    pub stats: Stats,
    /// The documented throttling model, when selected.
    pub throttle: Option<Throttle>,
    /// Client for `validateCredentials` calls to SCIM endpoints.
    pub http: reqwest::Client,
    /// Where the tenant is persisted, if anywhere.
    pub state_file: Option<PathBuf>,
    /// Base URL (`http://127.0.0.1:PORT`).
    pub base_url: String,
    /// `provisionOnDemand` outcomes per user id or UPN.
    pub on_demand: Mutex<Vec<(String, crate::sim::config::OnDemandOutcome)>>,
    /// Recent `provisionOnDemand` calls `(job id, time)` for its rate limit.
    pub pod_calls: Mutex<Vec<(String, std::time::Instant)>>,
    /// The last access token that passed validation, its caller and expiry (Unix seconds),
    /// so the parts of a `$batch` (which carry the envelope's token) are not verified
    /// one by one.
    pub verified: Mutex<Option<(String, Caller, u64)>>,
}

impl Sim {
    /// Locks the tenant (a poisoned lock is recovered: the tenant stays usable).
    pub fn lock(&self) -> MutexGuard<'_, Tenant> {
        match self.tenant.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// The counters of `GET /_sim/stats`, with the throttling model's when selected.
    pub fn stats_snapshot(&self) -> StatsSnapshot {
        let mut s = self.stats.snapshot();
        s.throttling = self.throttle.as_ref().map(Throttle::stats);
        s
    }

    /// Writes the tenant to the state file, if one is configured.
    pub fn persist(&self) {
        let Some(path) = &self.state_file else { return };
        let json = match serde_json::to_vec_pretty(&*self.lock()) {
            Ok(j) => j,
            Err(_) => return,
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let tmp = match dir {
            Some(d) => tempfile::NamedTempFile::new_in(d),
            None => tempfile::NamedTempFile::new_in("."),
        };
        if let Ok(mut tmp) = tmp {
            use std::io::Write;
            if tmp.write_all(&json).is_ok() {
                let _ = tmp.persist(path);
            }
        }
    }
}

/// A fresh random request id (a v4 GUID from the thread-local generator: one per request and
/// `$batch` part, without a system call each).
pub fn request_id() -> String {
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .to_string()
}

/// The authenticated caller of a Graph request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Client (application) id (`appid` claim).
    pub client_id: String,
    /// Granted application permissions (`roles` claim).
    pub roles: Vec<String>,
}

/// A Graph request, from the wire or from a `$batch` part.
#[derive(Clone, Debug)]
pub struct Req {
    /// HTTP method, upper case.
    pub method: String,
    /// `v1.0` or `beta`.
    pub version: String,
    /// Path after the version, raw (still percent-encoded), starting with `/`.
    pub path: String,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    /// Raw query string (for building next links).
    pub raw_query: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Base URL for links and `@odata.context`.
    pub base: String,
    /// Whether this is a part of a `$batch`.
    pub in_batch: bool,
    /// The `request-id` of the answer.
    pub request_id: String,
}

impl Req {
    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter (names compared case-insensitively, with or without `$`).
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body, or 400 as Graph answers unreadable bodies.
    pub fn json(&self) -> Result<Value, GraphError> {
        let ctype = self.header("content-type").unwrap_or_default();
        if !self.body.is_empty() && !ctype.to_ascii_lowercase().starts_with("application/json") {
            return Err(GraphError::new(
                415,
                "UnsupportedMediaType",
                format!(
                    "Content-Type '{ctype}' is not supported: send the body as application/json."
                ),
            ));
        }
        if self.body.is_empty() {
            return Err(GraphError::new(
                400,
                "BadRequest",
                "Empty Payload. JSON content expected.",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            GraphError::new(
                400,
                "BadRequest",
                format!("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. ({e})"),
            )
        })
    }

    /// `{base}/{version}/$metadata#{what}` for `@odata.context`.
    pub fn context(&self, what: &str) -> String {
        format!("{}/{}/$metadata#{}", self.base, self.version, what)
    }
}

/// A Graph answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// JSON body, if any.
    pub body: Option<Value>,
}

impl Resp {
    /// 200 with a JSON body.
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// 201 with a JSON body.
    pub fn created(body: Value) -> Self {
        Self {
            status: 201,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// 204 without a body.
    pub fn no_content() -> Self {
        Self {
            status: 204,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// What handlers return.
pub type HResult = Result<Resp, GraphError>;
