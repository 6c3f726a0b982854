//! Graph-shaped errors (`{error:{code,message,innerError:{…}}}`) and the simulator's own
//! start-up errors.

use serde_json::{Value, json};

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SimError {
    /// The listening socket could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    #[diagnostic(code(sim::bind), help("pick another --port, or 0 for any free port"))]
    Bind {
        /// Requested port.
        port: u16,
        /// Cause.
        source: std::io::Error,
    },
    /// The runtime or server thread failed.
    #[error("the simulator thread failed to start: {0}")]
    #[diagnostic(code(sim::thread))]
    Thread(String),
    /// A state or seed file could not be read or parsed.
    #[error("cannot load {path}: {reason}")]
    #[diagnostic(
        code(sim::load),
        help(
            "the file must be JSON written by `entraprov sim serve --state` or a seed file (see `entraprov sim serve --help`)"
        )
    )]
    Load {
        /// File path.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The configuration is inconsistent (e.g. a pre-created app names an unknown template).
    #[error("invalid simulator configuration: {0}")]
    #[diagnostic(code(sim::config))]
    Config(String),
}

/// An error answer in Graph's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphError {
    /// HTTP status.
    pub status: u16,
    /// `error.code`.
    pub code: String,
    /// `error.message`.
    pub message: String,
    /// Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`).
    pub headers: Vec<(String, String)>,
}

impl GraphError {
    /// An error with a status, code and message.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// 400 `Request_BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "Request_BadRequest", message)
    }

    /// 404 `Request_ResourceNotFound` for a directory object id.
    pub fn not_found(id: &str) -> Self {
        Self::new(
            404,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// 403 `Authorization_RequestDenied`.
    pub fn denied() -> Self {
        Self::new(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    /// 400 `Request_UnsupportedQuery`.
    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(400, "Request_UnsupportedQuery", message)
    }

    /// A synchronization-service error: outer code `UnknownError`, the real error as a
    /// JSON string in `message`, as the sync service (syncfabric) answers through Graph.
    pub fn sync(status: u16, inner_code: &str, inner_message: Option<&str>) -> Self {
        let inner = json!({
            "error": {
                "code": inner_code,
                "message": inner_message,
                "details": [],
                "innerError": null,
            }
        });
        Self::new(status, "UnknownError", inner.to_string())
    }

    /// The Graph error body with `innerError` carrying the request ids and date.
    pub fn body(&self, request_id: &str, client_request_id: &str, date: &str) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": date,
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                }
            }
        })
    }
}
