//! JSON batching (`POST /$batch`): up to 20 sub-requests per batch, several batches in
//! flight, per-sub-request retry of throttled sub-requests (honouring their `Retry-After`)
//! and `dependsOn` / 424 handling. Responses come back in request order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

use futures::stream::{self, StreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::Client;
use super::error::{ErrorKind, GraphError, Operation};
use super::json::{decode, encode};
use super::retry::{self, Idempotency, Outcome, Verdict};

mod plan;
use plan::plan_chunks;

/// Graph's limit of sub-requests per `$batch`.
pub const MAX_PER_BATCH: usize = 20;

/// One sub-request. `url` is relative to the versioned base (`/users/…`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BatchRequest {
    /// Unique id within the whole call.
    pub id: String,
    /// HTTP method.
    pub method: String,
    /// Relative URL.
    pub url: String,
    /// JSON body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Headers (a body needs `Content-Type`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Ids this request must run after.
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl BatchRequest {
    /// A GET sub-request.
    pub fn get(id: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            method: "GET".to_owned(),
            url: url.into(),
            body: None,
            headers: BTreeMap::new(),
            depends_on: Vec::new(),
        }
    }

    /// A POST sub-request with a JSON body.
    pub fn post(id: impl Into<String>, url: impl Into<String>, body: Value) -> Self {
        let mut r = Self::get(id, url);
        r.method = "POST".to_owned();
        r.body = Some(body);
        r.headers
            .insert("Content-Type".to_owned(), "application/json".to_owned());
        r
    }

    /// A DELETE sub-request.
    pub fn delete(id: impl Into<String>, url: impl Into<String>) -> Self {
        let mut r = Self::get(id, url);
        r.method = "DELETE".to_owned();
        r
    }

    fn idempotency(&self) -> Idempotency {
        if self.method.eq_ignore_ascii_case("POST") {
            Idempotency::Create
        } else {
            Idempotency::Idempotent
        }
    }
}

/// One sub-response.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BatchResponse {
    /// The sub-request id.
    pub id: String,
    /// Its HTTP status.
    pub status: u16,
    /// Its headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Its body.
    #[serde(default)]
    pub body: Option<Value>,
}

impl BatchResponse {
    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decodes the body of a successful sub-response.
    pub fn json<T: DeserializeOwned>(&self, op: &Operation) -> Result<T, GraphError> {
        let bytes = encode(self.body.as_ref().unwrap_or(&Value::Null), op)?;
        decode(&bytes, op)
    }

    /// The sub-response as a [`GraphError`] (code, message, inner error, request-id).
    pub fn to_error(&self, op: &Operation) -> GraphError {
        let bytes = self
            .body
            .as_ref()
            .and_then(|b| serde_json::to_vec(b).ok())
            .unwrap_or_default();
        let mut e = GraphError::from_response(op.clone(), self.status, &bytes);
        e.kind = ErrorKind::Batch {
            id: self.id.clone(),
        };
        if e.request_id.is_none() {
            e.request_id = self.headers.get("request-id").cloned();
        }
        e
    }

    fn header_map(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in &self.headers {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                h.insert(k, v);
            }
        }
        h
    }

    pub(crate) fn synthetic(id: &str, status: u16, code: &str, message: &str) -> Self {
        Self {
            id: id.to_owned(),
            status,
            headers: BTreeMap::new(),
            body: Some(serde_json::json!({"error": {"code": code, "message": message}})),
        }
    }
}

#[derive(Serialize)]
struct BatchBody<'a> {
    requests: &'a [BatchRequest],
}

#[derive(Deserialize)]
struct BatchReply {
    #[serde(default)]
    responses: Vec<BatchResponse>,
}

impl Client {
    /// Runs the sub-requests in batches of 20 (several in flight) and returns one response per
    /// request, in request order. Throttled sub-requests (429, and 503/504 for idempotent ones)
    /// are re-sent after their `Retry-After`; a 424 is re-sent with its retried dependency.
    /// Per-request failures are returned as responses; only whole-batch failures are errors.
    pub async fn batch(
        &self,
        requests: Vec<BatchRequest>,
        op: &Operation,
    ) -> Result<Vec<BatchResponse>, GraphError> {
        let order: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
        let unique: HashSet<&String> = order.iter().collect();
        if unique.len() != order.len() {
            return Err(GraphError::new(
                op.clone(),
                ErrorKind::Refused,
                "duplicate sub-request ids in $batch",
            ));
        }
        let mut done: HashMap<String, BatchResponse> = HashMap::new();
        let mut pending = requests;
        let started = Instant::now();
        let mut retry_round = 0u32;
        while !pending.is_empty() {
            let (chunks, deferred) = plan_chunks(pending, &mut done);
            let sent: Vec<_> = stream::iter(chunks)
                .map(|c| self.send_chunk(c, op))
                .buffer_unordered(self.batch_concurrency())
                .collect()
                .await;
            let mut outcome = RoundOutcome::default();
            for chunk in sent {
                let (reqs, resps) = chunk?;
                self.sort_responses(reqs, resps, started, &mut outcome, &mut done);
            }
            outcome.pull_dependents(&mut done);
            pending = deferred;
            if outcome.retry.is_empty() {
                continue;
            }
            retry_round += 1;
            let policy = self.policy();
            match policy.next_wait(retry_round, outcome.delay) {
                Ok(wait) => {
                    tracing::warn!(
                        "{op}: {} sub-request(s) throttled; retrying in {} ms",
                        outcome.retry.len(),
                        wait.as_millis()
                    );
                    retry::announce_wait(wait, outcome.delay.is_some());
                    tokio::time::sleep(wait).await;
                    pending.extend(outcome.retry.into_iter().map(|(r, _)| r));
                }
                Err(stop) => {
                    tracing::warn!("{op}: giving up on throttled sub-requests: {stop}");
                    done.extend(outcome.retry.into_iter().map(|(r, last)| (r.id, last)));
                }
            }
        }
        Ok(order
            .iter()
            .map(|id| {
                done.remove(id).unwrap_or_else(|| {
                    BatchResponse::synthetic(
                        id,
                        502,
                        "MissingResponse",
                        "no response for this request",
                    )
                })
            })
            .collect())
    }

    async fn send_chunk(
        &self,
        chunk: Vec<BatchRequest>,
        op: &Operation,
    ) -> Result<(Vec<BatchRequest>, Vec<BatchResponse>), GraphError> {
        let idem = if chunk.iter().any(|r| r.idempotency() == Idempotency::Create) {
            Idempotency::Create
        } else {
            Idempotency::Idempotent
        };
        let body = encode(&BatchBody { requests: &chunk }, op)?;
        let resp = self
            .execute(reqwest::Method::POST, "/$batch", Some(body), op, idem)
            .await?;
        let reply: BatchReply = resp.json(op)?;
        Ok((chunk, reply.responses))
    }

    fn sort_responses(
        &self,
        reqs: Vec<BatchRequest>,
        resps: Vec<BatchResponse>,
        started: Instant,
        outcome: &mut RoundOutcome,
        done: &mut HashMap<String, BatchResponse>,
    ) {
        let mut by_id: HashMap<String, BatchResponse> =
            resps.into_iter().map(|r| (r.id.clone(), r)).collect();
        let transient = self
            .transient_window()
            .is_some_and(|w| started.elapsed() < w);
        for req in reqs {
            let resp = by_id.remove(&req.id).unwrap_or_else(|| {
                BatchResponse::synthetic(
                    &req.id,
                    502,
                    "MissingResponse",
                    "missing from the $batch reply",
                )
            });
            if resp.is_success() {
                done.insert(req.id.clone(), resp);
                continue;
            }
            let headers = resp.header_map();
            let verdict = retry::classify(
                Outcome::Status(resp.status, &headers),
                req.idempotency(),
                transient,
            );
            match verdict {
                Verdict::Retry(d) => {
                    outcome.delay = outcome.delay.max(d);
                    outcome.retry.push((req, resp));
                }
                Verdict::Fail if resp.status == 424 => outcome.failed_dependency.push((req, resp)),
                Verdict::Fail => {
                    done.insert(req.id.clone(), resp);
                }
            }
        }
    }
}

#[derive(Default)]
struct RoundOutcome {
    retry: Vec<(BatchRequest, BatchResponse)>,
    failed_dependency: Vec<(BatchRequest, BatchResponse)>,
    delay: Option<Duration>,
}

impl RoundOutcome {
    /// A 424 whose dependency is being retried is retried with it; other 424s are final.
    fn pull_dependents(&mut self, done: &mut HashMap<String, BatchResponse>) {
        loop {
            let retrying: HashSet<String> = self.retry.iter().map(|(r, _)| r.id.clone()).collect();
            let (pull, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.failed_dependency)
                .into_iter()
                .partition(|(r, _)| r.depends_on.iter().any(|d| retrying.contains(d)));
            self.failed_dependency = keep;
            if pull.is_empty() {
                break;
            }
            self.retry.extend(pull);
        }
        for (r, resp) in self.failed_dependency.drain(..) {
            done.insert(r.id, resp);
        }
    }
}
