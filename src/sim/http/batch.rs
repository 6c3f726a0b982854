//! JSON batching (`POST /$batch`): at most 20 parts, unique ids, `dependsOn`, 424 for
//! failed dependencies, per-part status and throttling, answers in a different order than
//! the requests.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::sim::core::{HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::faults::{Fault, normalise_path};

/// Most parts in one batch.
pub const MAX_PARTS: usize = 20;

struct Part {
    id: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

fn bad(msg: impl Into<String>) -> GraphError {
    GraphError::new(400, "BadRequest", msg)
}

fn parse_parts(body: &Value) -> Result<Vec<Part>, GraphError> {
    let Some(reqs) = body.get("requests").and_then(Value::as_array) else {
        return Err(bad(
            "Invalid batch payload format: 'requests' must be an array.",
        ));
    };
    if reqs.is_empty() {
        return Err(bad("Invalid batch payload format: 'requests' is empty."));
    }
    if reqs.len() > MAX_PARTS {
        return Err(bad(format!(
            "Too many requests in the batch: {}. The limit is {MAX_PARTS}.",
            reqs.len()
        )));
    }
    let mut parts: Vec<Part> = Vec::new();
    for r in reqs {
        let part = parse_part(r, &parts)?;
        parts.push(part);
    }
    check_depends_on(&parts)?;
    Ok(parts)
}

/// One request of the batch; its id must differ from those of `before`.
fn parse_part(r: &Value, before: &[Part]) -> Result<Part, GraphError> {
    let id = match &r["id"] {
        Value::String(s) if !s.is_empty() => s.clone(),
        _ => return Err(bad("Every batch request needs a non-empty string 'id'.")),
    };
    if before.iter().any(|p| p.id == id) {
        return Err(bad(format!(
            "Batch request ids must be unique: '{id}' appears more than once."
        )));
    }
    let method = r["method"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        return Err(bad(format!("Request id {id}: invalid method '{method}'.")));
    }
    let url = r["url"].as_str().unwrap_or_default().to_owned();
    if url.is_empty() || url.starts_with("http://") || url.starts_with("https://") {
        return Err(bad(format!(
            "Request id {id}: 'url' must be a relative URL such as /users."
        )));
    }
    if url.trim_start_matches('/').starts_with("$batch") {
        return Err(bad(format!(
            "Request id {id}: a batch cannot contain another $batch."
        )));
    }
    let headers: Vec<(String, String)> = r["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_owned())))
        .collect();
    let body = r.get("body").filter(|b| !b.is_null()).cloned();
    if body.is_some() && !headers.iter().any(|(k, _)| k == "content-type") {
        return Err(bad(format!(
            "Write request id : {id} does not contain Content-Type header or body."
        )));
    }
    let depends_on: Vec<String> = r["dependsOn"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str().map(str::to_owned))
        .collect();
    Ok(Part {
        id,
        method,
        url,
        headers,
        body,
        depends_on,
    })
}

/// Every `dependsOn` names another request of the batch.
fn check_depends_on(parts: &[Part]) -> Result<(), GraphError> {
    for p in parts {
        for d in &p.depends_on {
            if !parts.iter().any(|q| &q.id == d) || d == &p.id {
                return Err(bad(format!(
                    "Request id {}: dependsOn refers to unknown request '{d}'.",
                    p.id
                )));
            }
        }
    }
    Ok(())
}

fn part_req(outer: &Req, p: &Part) -> Req {
    let url = if p.url.starts_with('/') {
        p.url.clone()
    } else {
        format!("/{}", p.url)
    };
    let (path, raw_query) = match url.split_once('?') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (url, String::new()),
    };
    let mut headers = p.headers.clone();
    if let Some(auth) = outer.header("authorization") {
        headers.push(("authorization".into(), auth.to_owned()));
    }
    Req {
        method: p.method.clone(),
        version: outer.version.clone(),
        query: url::form_urlencoded::parse(raw_query.as_bytes())
            .into_owned()
            .collect(),
        path,
        raw_query,
        headers,
        body: p
            .body
            .as_ref()
            .map(|b| b.to_string().into_bytes())
            .unwrap_or_default(),
        base: outer.base.clone(),
        in_batch: true,
        request_id: crate::sim::core::request_id(),
    }
}

type Boxed<'a> = Pin<Box<dyn Future<Output = Resp> + Send + 'a>>;

fn run_part<'a>(sim: &'a Arc<Sim>, req: Req) -> Boxed<'a> {
    Box::pin(async move {
        let route = format!(
            "{} /{}{}",
            req.method,
            req.version,
            normalise_path(&req.path)
        );
        sim.stats.batched(&route);
        let err = match sim
            .faults
            .decide(&format!("{route}?{}", req.raw_query), false)
        {
            Fault::Throttle(after) => {
                sim.stats.fault("throttle");
                Some(
                    GraphError::new(429, "TooManyRequests", "Too many requests.")
                        .with_header("Retry-After", after.to_string()),
                )
            }
            Fault::Unavailable(after) => {
                sim.stats.fault("error503");
                let e = GraphError::new(
                    503,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable.",
                );
                Some(match after {
                    Some(a) => e.with_header("Retry-After", a.to_string()),
                    None => e,
                })
            }
            Fault::GatewayTimeout => {
                sim.stats.fault("error504");
                Some(GraphError::new(
                    504,
                    "GatewayTimeout",
                    "The gateway did not receive a response in time.",
                ))
            }
            Fault::None | Fault::Drop(_) => None,
        };
        match err {
            Some(e) => crate::sim::http::router::error_resp(&e, &req),
            None => crate::sim::http::router::dispatch(sim, req).await,
        }
    })
}

fn answer(id: &str, r: Resp) -> Value {
    let mut headers = Map::new();
    if r.body.is_some() {
        headers.insert("Content-Type".into(), json!(crate::sim::http::GRAPH_JSON));
    }
    for (k, v) in r.headers {
        headers.insert(k, Value::String(v));
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("status".into(), json!(r.status));
    m.insert("headers".into(), Value::Object(headers));
    if let Some(b) = r.body {
        m.insert("body".into(), b);
    }
    Value::Object(m)
}

/// `POST /$batch`.
pub async fn handle(sim: &Arc<Sim>, req: &Req) -> HResult {
    let body = req.json()?;
    let parts = parse_parts(&body)?;
    let mut done: Vec<(String, u16, Value)> = Vec::new();
    let mut envelope = Envelope::default();
    while done.len() < parts.len() {
        let ready: Vec<&Part> = parts
            .iter()
            .filter(|p| !done.iter().any(|(id, _, _)| id == &p.id))
            .filter(|p| {
                p.depends_on
                    .iter()
                    .all(|d| done.iter().any(|(id, _, _)| id == d))
            })
            .collect();
        if ready.is_empty() {
            return Err(bad("dependsOn forms a cycle."));
        }
        let mut runs = Vec::new();
        for p in ready {
            let failed = p
                .depends_on
                .iter()
                .any(|d| done.iter().any(|(id, s, _)| id == d && *s >= 400));
            if failed {
                let e = GraphError::new(
                    424,
                    "FailedDependency",
                    "Failed dependency: a request this one depends on did not succeed.",
                );
                let r = crate::sim::http::router::error_resp(&e, req);
                done.push((p.id.clone(), 424, answer(&p.id, r)));
            } else {
                let id = p.id.clone();
                let fut = run_part(sim, part_req(req, p));
                runs.push(async move { (id, fut.await) });
            }
        }
        for (id, r) in futures::future::join_all(runs).await {
            envelope.add(&r.headers);
            let status = r.status;
            done.push((id.clone(), status, answer(&id, r)));
        }
    }
    // Graph answers in any order: return them reversed by a hash of their id.
    done.sort_by_key(|(id, _, _)| {
        std::cmp::Reverse(
            id.bytes()
                .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))),
        )
    });
    let responses: Vec<Value> = done.into_iter().map(|(_, _, v)| v).collect();
    let mut resp = Resp::ok(json!({"responses": responses}));
    resp.headers = envelope.headers();
    Ok(resp)
}

/// The cost headers of a `$batch` answer: the parts' resource units added up (at least 1)
/// and the highest limit percentage among them.
#[derive(Default)]
struct Envelope {
    ru: u64,
    percentage: Option<String>,
}

impl Envelope {
    fn add(&mut self, headers: &[(String, String)]) {
        for (k, v) in headers {
            match k.as_str() {
                "x-ms-resource-unit" => self.ru += v.parse::<u64>().unwrap_or(0),
                "x-ms-throttle-limit-percentage" => {
                    let higher = self.percentage.as_ref().is_none_or(|p| {
                        v.parse::<f64>().unwrap_or(0.0) > p.parse::<f64>().unwrap_or(0.0)
                    });
                    if higher {
                        self.percentage = Some(v.clone());
                    }
                }
                _ => {}
            }
        }
    }

    fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("x-ms-resource-unit".to_owned(), self.ru.max(1).to_string())];
        if let Some(p) = &self.percentage {
            h.push(("x-ms-throttle-limit-percentage".to_owned(), p.clone()));
        }
        h
    }
}
