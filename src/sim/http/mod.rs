//! The HTTP entry point: accounting, latency, faults, then the token endpoint, the
//! `/_sim/*` control endpoints or the Graph dispatcher.
//!
//! Also everything a request meets on its way in and out, whatever Graph area it serves:
//! the listener (`server`), routing and authentication (`router`), the token endpoint
//! (`token`), the permission table (`perms`), `$batch` (`batch`), OData query options and
//! the `$filter` language (`odata`, `filter`), Graph-shaped errors (`error`), faults
//! (`faults`), the documented throttling model (`throttle`), request accounting (`stats`) and the `/_sim/*` control endpoints with the
//! canonical state dump (`control`, `dump`).

pub mod batch;
pub mod control;
pub mod dump;
pub mod error;
pub mod faults;
pub mod filter;
pub mod odata;
pub mod perms;
pub mod router;
pub mod server;
pub mod stats;
pub mod throttle;
pub mod token;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, Response, StatusCode};
use serde_json::{Value, json};

use crate::sim::core::{Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::faults::{Fault, normalise_path};
use crate::sim::http::server::Kill;

/// Content type of Graph JSON answers.
pub const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const MAX_BODY: usize = 16 * 1024 * 1024;

/// The axum router: everything goes through [`entry`].
pub fn router(sim: Arc<Sim>) -> Router {
    Router::new().fallback(entry).with_state(sim)
}

fn response(
    status: u16,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
    ctype: &str,
) -> Response<Body> {
    let mut r = Response::new(body.clone().map(Body::from).unwrap_or_else(Body::empty));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    if let (true, Ok(v)) = (body.is_some(), HeaderValue::from_str(ctype)) {
        h.insert("content-type", v);
    }
    for (k, v) in headers {
        if let (Ok(name), Ok(val)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.append(name, val);
        }
    }
    r
}

fn is_token_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let (tenant, tail) = rest.split_once('/')?;
    (tail == "oauth2/v2.0/token").then_some(tenant)
}

async fn entry(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(kill): ConnectInfo<Kill>,
    request: axum::extract::Request,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return response(413, &[], None, GRAPH_JSON);
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or_default().to_owned();
    if let Some(ctl) = path.strip_prefix("/_sim/") {
        let (status, body) = crate::sim::http::control::handle(&sim, &method, ctl);
        return response(
            status,
            &[],
            Some(body.to_string().into_bytes()),
            "application/json",
        );
    }
    let route = format!("{method} {}", normalise_path(&path));
    let _inflight = sim.stats.enter(&route, bytes.len());
    let token_tenant = is_token_path(&path).map(str::to_owned);
    let graph = path.starts_with("/v1.0/") || path.starts_with("/beta/");
    let faultable = graph || (token_tenant.is_some() && sim.faults.spec().on_token);
    // The latency runs from the request's arrival to its answer and the simulator's own
    // work happens inside it: Graph's servers do not share the client's CPU, so on a
    // small machine the simulator's processing must not add to the round trip (work
    // longer than the latency still does).
    let deadline = (!sim.cfg.latency.is_zero() && (graph || token_tenant.is_some()))
        .then(|| tokio::time::Instant::now() + sim.cfg.latency);
    let incoming = Incoming {
        parts,
        bytes,
        path,
        raw_query,
        faultable,
        token_tenant,
        deadline,
    };
    // Let the other requests that arrived with this one take their arrival time before
    // this one's handling (synchronous, under the tenant lock) holds the worker.
    tokio::task::yield_now().await;
    let out = answer(&sim, kill, incoming).await;
    if let Some(d) = deadline {
        tokio::time::sleep_until(d).await;
    }
    out
}

/// One request as `entry` received it.
struct Incoming {
    parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    path: String,
    raw_query: String,
    /// Whether the fault injector may pick it.
    faultable: bool,
    /// The tenant of a token request.
    token_tenant: Option<String>,
    /// When the answer is due (arrival + latency).
    deadline: Option<tokio::time::Instant>,
}

/// Decides the fault and runs the request.
async fn answer(sim: &Arc<Sim>, kill: Kill, incoming: Incoming) -> Response<Body> {
    let method = incoming.parts.method.as_str().to_owned();
    let route = format!("{method} {}", normalise_path(&incoming.path));
    let graph = incoming.path.starts_with("/v1.0/") || incoming.path.starts_with("/beta/");
    let fault = if incoming.faultable {
        sim.faults
            .decide(&format!("{route}?{}", incoming.raw_query), true)
    } else {
        Fault::None
    };
    let (token_tenant, deadline) = (incoming.token_tenant, incoming.deadline);
    let req = graph_req(
        sim,
        &incoming.parts,
        &incoming.bytes,
        incoming.path,
        incoming.raw_query,
    );
    if let Some(resp) = fault_response(sim, fault, &req) {
        if let Fault::Drop(process) = fault {
            if process {
                let _ = run(sim, token_tenant.as_deref(), graph, req).await;
            }
            // The connection drops when the answer would have come.
            if let Some(d) = deadline {
                tokio::time::sleep_until(d).await;
            }
            kill.fire();
        }
        return resp;
    }
    let mutating = method != "GET";
    let out = run(sim, token_tenant.as_deref(), graph, req).await;
    if mutating && out.status() < StatusCode::BAD_REQUEST && graph {
        sim.persist();
    }
    out
}

/// The simulator's view of one HTTP request.
fn graph_req(
    sim: &Sim,
    parts: &axum::http::request::Parts,
    bytes: &[u8],
    path: String,
    raw_query: String,
) -> Req {
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let base = match parts.headers.get("host").and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}"),
        None => sim.base_url.clone(),
    };
    let trimmed = path.trim_start_matches('/');
    Req {
        method: parts.method.as_str().to_owned(),
        version: trimmed.split('/').next().unwrap_or_default().to_owned(),
        path: trimmed
            .split_once('/')
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_default(),
        query: url::form_urlencoded::parse(raw_query.as_bytes())
            .into_owned()
            .collect(),
        raw_query,
        headers,
        body: bytes.to_vec(),
        base,
        in_batch: false,
        request_id: crate::sim::core::request_id(),
    }
}

fn fault_response(sim: &Sim, fault: Fault, req: &Req) -> Option<Response<Body>> {
    let err = match fault {
        Fault::None => return None,
        Fault::Drop(_) => {
            sim.stats.fault("drop");
            return Some(response(200, &[], Some(b"{}".to_vec()), GRAPH_JSON));
        }
        Fault::Throttle(after) => {
            sim.stats.fault("throttle");
            GraphError::new(429, "TooManyRequests", "Too many requests.")
                .with_header("Retry-After", after.to_string())
        }
        Fault::Unavailable(after) => {
            sim.stats.fault("error503");
            let e = GraphError::new(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
            );
            match after {
                Some(a) => e.with_header("Retry-After", a.to_string()),
                None => e,
            }
        }
        Fault::GatewayTimeout => {
            sim.stats.fault("error504");
            GraphError::new(
                504,
                "GatewayTimeout",
                "The gateway did not receive a response in time.",
            )
        }
    };
    Some(graph_response(
        sim,
        crate::sim::http::router::error_resp(&err, req),
    ))
}

fn graph_response(sim: &Sim, resp: Resp) -> Response<Body> {
    // `to_vec` writes bytes directly (`to_string` goes through `fmt`, slower on large pages).
    let body = resp
        .body
        .map(|b| serde_json::to_vec(&b).unwrap_or_else(|_| b.to_string().into_bytes()));
    sim.stats
        .answered(resp.status, body.as_ref().map_or(0, Vec::len));
    // Headers Graph sends that a client must ignore.
    let mut headers = resp.headers;
    headers.push(("cache-control".into(), "no-cache".into()));
    headers.push(("odata-version".into(), "4.0".into()));
    headers.push((
        "x-ms-ags-diagnostic".into(),
        r#"{"ServerInfo":{"DataCenter":"Simulator","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"SIM"}}"#.into(),
    ));
    if !headers.iter().any(|(k, _)| k == "x-ms-resource-unit") {
        headers.push(("x-ms-resource-unit".into(), "1".into()));
    }
    response(resp.status, &headers, body, GRAPH_JSON)
}

async fn run(sim: &Arc<Sim>, token_tenant: Option<&str>, graph: bool, req: Req) -> Response<Body> {
    if let Some(tenant) = token_tenant {
        if req.method != "POST" {
            let (s, b) = crate::sim::http::token::oauth_error(
                405,
                "invalid_request",
                900561,
                "The endpoint only accepts POST requests.",
            );
            return token_response(sim, s, b);
        }
        let (s, b) = crate::sim::http::token::token_endpoint(sim, tenant, &req.body);
        return token_response(sim, s, b);
    }
    if !graph {
        let e = GraphError::new(
            400,
            "BadRequest",
            format!("Invalid version: {}", req.version),
        );
        return graph_response(sim, crate::sim::http::router::error_resp(&e, &req));
    }
    let resp = crate::sim::http::router::dispatch(sim, req).await;
    graph_response(sim, resp)
}

fn token_response(sim: &Sim, status: u16, body: Value) -> Response<Body> {
    let bytes = body.to_string().into_bytes();
    sim.stats.answered(status, bytes.len());
    let headers = vec![
        ("cache-control".to_owned(), "no-store, no-cache".to_owned()),
        (
            "x-ms-request-id".to_owned(),
            uuid::Uuid::new_v4().to_string(),
        ),
    ];
    response(
        status,
        &headers,
        Some(bytes),
        "application/json; charset=utf-8",
    )
}

/// A JSON value for `/_sim` answers.
pub fn sim_json(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| json!({"error": e.to_string()}))
}
