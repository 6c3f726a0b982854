//! A tiny in-process SCIM 2.0 endpoint for the demo and the tests: it answers the filter
//! query that `validateCredentials` sends (`GET …/Users?filter=userName eq "…"`) with an
//! empty `ListResponse` when the bearer token is the expected one, and 401 otherwise.

use std::thread::JoinHandle;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

const LIST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A running SCIM endpoint on 127.0.0.1. Dropping it stops the server.
pub struct ScimEndpoint {
    root: String,
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ScimEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimEndpoint")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl ScimEndpoint {
    /// Serves `…{path}/Users` accepting only `token`; `path` is e.g.
    /// `/api/rest/scim/v2/1234567890`.
    pub fn start(path: &str, token: SecretString) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let root = format!("http://{}", listener.local_addr()?);
        let base = format!("{root}{path}");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("entraprov-scim".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
                        let token = token.clone();
                        async move { answer(&uri, &headers, &token) }
                    });
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })?;
        Ok(Self {
            root,
            base,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`: it answers under any path ending in `/Users`.
    pub fn root_url(&self) -> &str {
        &self.root
    }

    /// The tenant URL to put in a manifest (`http://127.0.0.1:PORT{path}`).
    pub fn base_url(&self) -> &str {
        &self.base
    }
}

impl Drop for ScimEndpoint {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn scim_json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

fn answer(uri: &Uri, headers: &HeaderMap, token: &SecretString) -> Response {
    let expected = format!("Bearer {}", token.expose_secret());
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != expected {
        let body = serde_json::json!({
            "schemas": [ERROR_URN], "status": "401", "detail": "invalid bearer token"
        });
        return scim_json(StatusCode::UNAUTHORIZED, body);
    }
    if !uri.path().ends_with("/Users") {
        let body = serde_json::json!({ "schemas": [ERROR_URN], "status": "404" });
        return scim_json(StatusCode::NOT_FOUND, body);
    }
    let body = serde_json::json!({
        "schemas": [LIST_URN], "totalResults": 0, "startIndex": 1,
        "itemsPerPage": 0, "Resources": []
    });
    scim_json(StatusCode::OK, body)
}
