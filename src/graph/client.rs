//! The Graph HTTP client: one `reqwest` client (rustls, connect 10 s, request 60 s, gzip),
//! `client-request-id` and `User-Agent: entraprov/<version>` on every request, bearer
//! tokens from a [`Credential`] (refreshed once on a 401), and every call run through the
//! retry policy of [`super::retry`].

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::time::Instant;

use reqwest::Method;
use reqwest::header::HeaderMap;

use super::auth::{AuthContext, AuthError, Credential, Env, credential_from_env};
use super::endpoints::{EndpointError, Endpoints};
use super::error::{ErrorKind, GraphError, Operation};
use super::pace::{self, Cost, PaceOptions, Pacer};
use super::retry::{self, Idempotency, RetryPolicy};

mod attempt;

use attempt::{Call, header_str, short_path};

/// Response body bytes.
type Bytes = Vec<u8>;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("entraprov/", env!("CARGO_PKG_VERSION"));

/// Tunables of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The command's deadline and the backoff.
    pub policy: RetryPolicy,
    /// How many `$batch` requests are in flight at once when pacing is off; with pacing on,
    /// the pacer starts at `pace.max_batch_concurrency` (or this, if larger) and adapts.
    pub batch_concurrency: usize,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Pacing to the documented throttling budget (see [`super::pace`]).
    pub pace: PaceOptions,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            policy: RetryPolicy::default(),
            batch_concurrency: 4,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            pace: PaceOptions::default(),
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
    pacer: Arc<Pacer>,
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
        let key = format!(
            "{} {} {}",
            endpoints.graph_base(),
            endpoints.authority(),
            credential.describe()
        );
        let pacer = pace::shared(&key, &options.pace, options.batch_concurrency);
        Self {
            inner: Arc::new(Inner {
                http,
                endpoints,
                credential,
                pacer,
            }),
            policy: options.policy.clone(),
            transient: None,
        }
    }

    /// The usual set-up: the given endpoints, the credential chain from `env`
    /// (see also [`Client::connect`]).
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

    /// Starts getting a token in the background (the credential's cache keeps it), so a
    /// caller with other work first — loading large manifests — does not wait for the
    /// token afterwards. A failure is dropped here; the first request gets it again and
    /// reports it. Needs a Tokio runtime.
    pub fn prefetch_token(&self) {
        let credential = self.inner.credential.clone();
        tokio::spawn(async move {
            let _ = credential.token().await;
        });
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
        policy.max_backoff = policy.max_backoff.min(Duration::from_secs(10));
        Client {
            inner: self.inner.clone(),
            policy,
            transient: Some(window),
        }
    }

    pub(crate) fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Most `$batch` requests in flight (the pacer narrows it to its current limit).
    pub(crate) fn batch_concurrency(&self) -> usize {
        self.inner.pacer.max_batches()
    }

    /// The shared budget of this endpoint and identity.
    pub fn pacer(&self) -> &Pacer {
        &self.inner.pacer
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
        let cost = Cost::of_method(&method);
        self.execute_costed(method, path_or_url, body, op, idem, cost)
            .await
    }

    /// [`Client::execute`] with the pacing cost given (a `$batch` envelope costs its parts).
    pub(crate) async fn execute_costed(
        &self,
        method: Method,
        path_or_url: &str,
        body: Option<Vec<u8>>,
        op: &Operation,
        idem: Idempotency,
        cost: Cost,
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
            cost,
            client_request_id: uuid::Uuid::new_v4().to_string(),
            started: Instant::now(),
            refreshed: AtomicBool::new(false),
        };
        let label = format!("{} {}", call.method, short_path(&call.url));
        retry::run(&self.policy, &label, |_| self.attempt(&call)).await
    }
}
