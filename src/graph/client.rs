//! The Graph HTTP client: one `reqwest` client (rustls, connect 10 s, request 60 s, gzip),
//! `client-request-id` and `User-Agent: entraprov/<version>` on every request, bearer
//! tokens from a [`Credential`] (refreshed once on a 401), and every call run through the
//! retry policy of [`super::retry`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::auth::{AuthContext, AuthError, Credential, Env, credential_from_env};
use super::endpoints::{EndpointError, Endpoints};
use super::error::{ErrorKind, GraphError, Operation};
use super::retry::{self, Attempt, Idempotency, Outcome, RetryPolicy, Verdict};

/// Response body bytes.
type Bytes = Vec<u8>;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("entraprov/", env!("CARGO_PKG_VERSION"));

/// Tunables of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Retry bounds and backoff.
    pub policy: RetryPolicy,
    /// How many `$batch` requests are in flight at once.
    pub batch_concurrency: usize,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            policy: RetryPolicy::default(),
            batch_concurrency: 4,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// Setting up a client failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SetupError {
    /// Bad `--graph-url` / `--authority-url`.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Endpoint(#[from] EndpointError),
    /// No usable credential.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Auth(#[from] AuthError),
    /// The HTTP stack could not be initialised.
    #[error("cannot initialise the HTTP client: {0}")]
    #[diagnostic(code(E0512))]
    Http(String),
}

/// A Microsoft Graph client. Cheap to clone; clones share connections and the token cache.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
    policy: RetryPolicy,
    transient: Option<Duration>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    endpoints: Endpoints,
    credential: Credential,
    batch_concurrency: usize,
}

/// A raw response (success statuses only reach callers).
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// The `client-request-id` we sent.
    pub client_request_id: String,
}

impl RawResponse {
    /// Decodes the JSON body; a shape error carries the request ids.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
    ) -> Result<T, GraphError> {
        super::json::decode(&self.body, op).map_err(|mut e| {
            e.status = Some(self.status);
            e.request_id = header_str(&self.headers, "request-id");
            e.client_request_id = Some(self.client_request_id.clone());
            e
        })
    }
}

/// Builds the shared `reqwest` client.
pub fn build_http(options: &ClientOptions) -> Result<reqwest::Client, SetupError> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .gzip(true)
        .build()
        .map_err(|e| SetupError::Http(e.to_string()))
}

impl Client {
    /// A client for `endpoints` that takes tokens from `credential`.
    pub fn new(
        http: reqwest::Client,
        endpoints: Endpoints,
        credential: Credential,
        options: &ClientOptions,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                endpoints,
                credential,
                batch_concurrency: options.batch_concurrency.max(1),
            }),
            policy: options.policy.clone(),
            transient: None,
        }
    }

    /// The usual set-up: endpoints from the global options, the credential chain from `env`.
    pub fn from_env(
        endpoints: Endpoints,
        env: &Env,
        options: &ClientOptions,
    ) -> Result<Self, SetupError> {
        let http = build_http(options)?;
        let ctx = AuthContext {
            http: http.clone(),
            endpoints: endpoints.clone(),
            policy: options.policy.clone(),
        };
        let credential = credential_from_env(env, &ctx)?;
        Ok(Self::new(http, endpoints, credential, options))
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The credential in use (e.g. for [`Credential::tenant_id`]).
    pub fn credential(&self) -> &Credential {
        &self.inner.credential
    }

    /// The tenant (`tid` claim) of the token in use, for the manifest's `tenantId` guard:
    /// call it before the first write. `None` when the token is opaque (not a JWT).
    pub async fn tenant_id(&self) -> Result<Option<crate::ids::TenantId>, GraphError> {
        self.inner.credential.tenant_id().await.map_err(|e| {
            let op = Operation::new("read the tenant of the access token", "none");
            GraphError::new(op, ErrorKind::Auth(Box::new(e)), "")
        })
    }

    /// A view of this client for calls made right after the caller created an object:
    /// 404/403/409 are retried with backoff for up to `window` (replication delay).
    pub fn after_create(&self, window: Duration) -> Client {
        let mut policy = self.policy.clone();
        policy.max_attempts = policy.max_attempts.max(30);
        policy.max_total = policy.max_total.max(window);
        policy.max_delay = policy.max_delay.min(Duration::from_secs(10));
        Client {
            inner: self.inner.clone(),
            policy,
            transient: Some(window),
        }
    }

    pub(crate) fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub(crate) fn batch_concurrency(&self) -> usize {
        self.inner.batch_concurrency
    }

    pub(crate) fn transient_window(&self) -> Option<Duration> {
        self.transient
    }

    /// Sends one request (relative `path` or absolute Graph URL) with retries; returns the
    /// success response or the final error.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<Vec<u8>>,
        op: &Operation,
        idem: Idempotency,
    ) -> Result<RawResponse, GraphError> {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else {
            self.inner.endpoints.url(path_or_url)
        };
        let call = Call {
            method,
            url,
            body,
            op,
            idem,
            client_request_id: uuid::Uuid::new_v4().to_string(),
            started: Instant::now(),
            refreshed: AtomicBool::new(false),
        };
        let label = format!("{} {}", call.method, short_path(&call.url));
        retry::run(&self.policy, &label, |_| self.attempt(&call)).await
    }

    async fn attempt(&self, call: &Call<'_>) -> Attempt<RawResponse, GraphError> {
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
            super::auth::transport_reason(e),
        );
        err.client_request_id = Some(call.client_request_id.clone());
        match retry::classify(Outcome::Transport { connect }, call.idem, false) {
            Verdict::Retry(d) => Attempt::Retry(err, d),
            Verdict::Fail => Attempt::Done(Err(err)),
        }
    }
}

struct Call<'a> {
    method: Method,
    url: String,
    body: Option<Vec<u8>>,
    op: &'a Operation,
    idem: Idempotency,
    client_request_id: String,
    started: Instant,
    refreshed: AtomicBool,
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The path and query of a URL, for logs.
fn short_path(url: &str) -> &str {
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
