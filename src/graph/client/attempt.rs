//! One attempt of a Graph request: bearer token, headers, send, and the verdict for
//! the retry loop (refresh once on 401, otherwise the policy of [`crate::graph::retry`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::{Client, RawResponse};
use crate::graph::error::{ErrorKind, GraphError, Operation};
use crate::graph::retry::{self, Attempt, Idempotency, Outcome, Verdict};

impl Client {
    /// One try of `call`: token, request, response, and what the retry loop should do next.
    pub(super) async fn attempt(&self, call: &Call<'_>) -> Attempt<RawResponse, GraphError> {
        let (token, auth) = match self.authorization(call).await {
            Ok(v) => v,
            Err(a) => return a,
        };
        let t0 = Instant::now();
        let resp = match self.request(call, auth).send().await {
            Ok(r) => r,
            Err(e) => return self.transport_failure(call, &e),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return self.transport_failure(call, &e),
        };
        let request_id = header_str(&headers, "request-id");
        log_response(call, status, t0, request_id.as_deref());
        if status.is_success() {
            return Attempt::Done(Ok(RawResponse {
                status: status.as_u16(),
                headers,
                body,
                client_request_id: call.client_request_id.clone(),
            }));
        }
        self.failure(call, &token, status, &headers, &body, request_id)
            .await
    }

    /// The token and its `Authorization` header value, or the attempt's outcome
    /// when no usable token could be had.
    async fn authorization(
        &self,
        call: &Call<'_>,
    ) -> Result<(SecretString, HeaderValue), Attempt<RawResponse, GraphError>> {
        let cred = &self.inner.credential;
        let token = match cred.token().await {
            Ok(t) => t,
            Err(e) => {
                let transient = e.is_transient();
                let err = GraphError::new(call.op.clone(), ErrorKind::Auth(Box::new(e)), "");
                return Err(if transient {
                    Attempt::Retry(err, None)
                } else {
                    Attempt::Done(Err(err))
                });
            }
        };
        let Ok(mut auth) = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
        else {
            let e = GraphError::new(
                call.op.clone(),
                ErrorKind::Refused,
                format!(
                    "the access token from {} is not a valid header value",
                    cred.describe()
                ),
            );
            return Err(Attempt::Done(Err(e)));
        };
        auth.set_sensitive(true);
        Ok((token, auth))
    }

    /// The HTTP request of `call` with its headers and body.
    fn request(&self, call: &Call<'_>, auth: HeaderValue) -> reqwest::RequestBuilder {
        let req = self
            .inner
            .http
            .request(call.method.clone(), &call.url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .header("client-request-id", &call.client_request_id)
            .header(reqwest::header::ACCEPT, "application/json");
        match &call.body {
            Some(b) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.clone()),
            None => req,
        }
    }

    /// The outcome of a non-success response: refresh the token once on 401,
    /// else retry or fail as the retry policy says.
    async fn failure(
        &self,
        call: &Call<'_>,
        token: &SecretString,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        request_id: Option<String>,
    ) -> Attempt<RawResponse, GraphError> {
        let cred = &self.inner.credential;
        let mut err = GraphError::from_response(call.op.clone(), status.as_u16(), body);
        err.request_id = err.request_id.take().or(request_id);
        err.client_request_id = Some(call.client_request_id.clone());
        err.credential = Some(cred.describe());
        if status == StatusCode::UNAUTHORIZED && !call.refreshed.swap(true, Ordering::SeqCst) {
            tracing::info!(
                "401 from Graph: refreshing the token from {}",
                cred.describe()
            );
            cred.invalidate(token).await;
            return Attempt::Retry(err, Some(Duration::ZERO));
        }
        let transient = self.transient.is_some_and(|w| call.started.elapsed() < w);
        match retry::classify(
            Outcome::Status(status.as_u16(), headers),
            call.idem,
            transient,
        ) {
            Verdict::Retry(d) => Attempt::Retry(err, d),
            Verdict::Fail => Attempt::Done(Err(err)),
        }
    }

    fn transport_failure<T>(&self, call: &Call<'_>, e: &reqwest::Error) -> Attempt<T, GraphError> {
        let connect = e.is_connect();
        let mut err = GraphError::new(
            call.op.clone(),
            ErrorKind::Transport {
                maybe_sent: !connect,
            },
            crate::graph::auth::transport_reason(e),
        );
        err.client_request_id = Some(call.client_request_id.clone());
        match retry::classify(Outcome::Transport { connect }, call.idem, false) {
            Verdict::Retry(d) => Attempt::Retry(err, d),
            Verdict::Fail => Attempt::Done(Err(err)),
        }
    }
}

/// One logical request, shared by its attempts.
pub(super) struct Call<'a> {
    pub(super) method: Method,
    pub(super) url: String,
    pub(super) body: Option<Vec<u8>>,
    pub(super) op: &'a Operation,
    pub(super) idem: Idempotency,
    pub(super) client_request_id: String,
    pub(super) started: Instant,
    /// Whether the token was already refreshed after a 401.
    pub(super) refreshed: AtomicBool,
}

pub(super) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The path and query of a URL, for logs.
pub(super) fn short_path(url: &str) -> &str {
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url)
}

/// Logs one response at info level: method, path, status, time, request-id.
fn log_response(call: &Call<'_>, status: StatusCode, t0: Instant, request_id: Option<&str>) {
    tracing::info!(
        "{} {} → {} ({} ms{})",
        call.method,
        short_path(&call.url),
        status.as_u16(),
        t0.elapsed().as_millis(),
        request_id
            .map(|r| format!(", request-id {r}"))
            .unwrap_or_default()
    );
}
