//! Graph routing: authentication, path parsing (including key segments such as
//! `servicePrincipals(appId='…')` and `users('$x@y')`), dispatch to handlers, and the
//! conversion of errors into Graph's error body.

use std::sync::Arc;

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::directory::{applications, apps, assign, templates, users};
use crate::sim::http::error::GraphError;
use crate::sim::http::{batch, throttle, token};
use crate::sim::state::iso_now;
use crate::sim::sync::{auditlogs, directories, jobs, probe, schema, secrets};

/// Turns an error into a response with the Graph body and request ids.
pub fn error_resp(e: &GraphError, req: &Req) -> Resp {
    let rid = req.request_id.clone();
    let crid = client_request_id(req);
    let date = iso_now().trim_end_matches('Z').to_owned();
    let mut headers = e.headers.clone();
    headers.push(("request-id".into(), rid.clone()));
    headers.push(("client-request-id".into(), crid.clone()));
    Resp {
        status: e.status,
        headers,
        body: Some(e.body(&rid, &crid, &date)),
    }
}

fn client_request_id(req: &Req) -> String {
    req.header("client-request-id")
        .map(str::to_owned)
        .unwrap_or_else(|| req.request_id.clone())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a path into decoded segments; `name(key)` becomes `name`, `key` where a
/// quoted key `'x'` becomes `x` (with `''` unescaped) and `appId='x'` becomes `appId=x`.
pub fn segments(path: &str) -> Result<Vec<String>, GraphError> {
    let mut out = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_decode(raw);
        match (seg.find('('), seg.ends_with(')')) {
            // An OData function call without arguments (`filterOperators()`) is the
            // function itself.
            (Some(open), true) if seg[open + 1..seg.len() - 1].trim().is_empty() => {
                out.push(seg[..open].to_owned());
            }
            (Some(open), true) => {
                out.push(seg[..open].to_owned());
                let inner = &seg[open + 1..seg.len() - 1];
                let (prop, lit) = match inner.split_once('=') {
                    Some((p, l)) if !p.contains('\'') => (Some(p.trim()), l.trim()),
                    _ => (None, inner.trim()),
                };
                let val = lit
                    .strip_prefix('\'')
                    .and_then(|l| l.strip_suffix('\''))
                    .ok_or_else(|| {
                        GraphError::new(
                            400,
                            "BadRequest",
                            format!("Bad Request - Error in query syntax: key '{inner}'"),
                        )
                    })?
                    .replace("''", "'");
                out.push(match prop {
                    Some(p) => format!("{p}={val}"),
                    None => val,
                });
            }
            _ => out.push(seg),
        }
    }
    Ok(out)
}

fn not_segment(seg: &str) -> GraphError {
    GraphError::new(
        400,
        "BadRequest",
        format!("Resource not found for the segment '{seg}'."),
    )
}

fn method_not_allowed() -> GraphError {
    GraphError::new(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
}

/// The routes whose beta answer is the documented beta shape: the filter operators and
/// functions of a schema (their only examples are beta pages; v1.0 answers the same).
fn serves_beta(path: &str) -> bool {
    let p = path
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches("()");
    p.ends_with("/schema/filterOperators") || p.ends_with("/schema/functions")
}

/// Authenticates and dispatches a Graph request (wire or `$batch` part).
pub async fn dispatch(sim: &Arc<Sim>, req: Req) -> Resp {
    let mut charged = Vec::new();
    let result = match token::authenticate(sim, req.header("authorization")) {
        Err(e) => Err(e),
        Ok(_) if req.version == "beta" && !serves_beta(&req.path) => Err(GraphError::new(
            404,
            "NotFound",
            "The simulator serves /beta only where it answers in the beta shape \
             (schema/filterOperators, schema/functions); entraprov speaks v1.0.",
        )),
        Ok(caller) => match charge(sim, &caller, &req) {
            Ok(headers) => {
                charged = headers;
                route(sim, &caller, &req).await
            }
            Err(e) => Err(e),
        },
    };
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => error_resp(&e, &req),
    };
    resp.headers.extend(charged);
    if !resp.headers.iter().any(|(k, _)| k == "request-id") {
        let crid = client_request_id(&req);
        resp.headers
            .push(("request-id".into(), req.request_id.clone()));
        resp.headers.push(("client-request-id".into(), crid));
    }
    resp
}

/// Charges a request to the throttling model (a `$batch` envelope costs nothing: its parts
/// are charged one by one) and returns the cost headers of its answer, or the 429.
fn charge(sim: &Sim, caller: &Caller, req: &Req) -> Result<Vec<(String, String)>, GraphError> {
    if req.path.trim_end_matches('/') == "/$batch" {
        return Ok(Vec::new());
    }
    let cost = throttle::cost::cost(&req.method, &req.path, &req.query);
    let modelled = !req.path.starts_with("/auditLogs/");
    match sim.throttle.as_ref().filter(|_| modelled) {
        None => Ok(vec![("x-ms-resource-unit".to_owned(), cost.ru.to_string())]),
        Some(t) => match t.admit(&caller.client_id, &sim.cfg.tenant_id, cost) {
            Ok(admitted) => Ok(admitted.headers()),
            Err(refusal) => {
                Err(
                    GraphError::new(429, "TooManyRequests", "Please retry again later.")
                        .with_header("Retry-After", refusal.retry_after.to_string())
                        .with_header("x-ms-throttle-scope", refusal.scope)
                        .with_header("x-ms-throttle-information", refusal.information),
                )
            }
        },
    }
}

/// OData system query options Graph knows; any other `$option` is a 400.
const QUERY_OPTIONS: &[&str] = &[
    "$filter",
    "$select",
    "$top",
    "$skiptoken",
    "$orderby",
    "$count",
    "$search",
    "$skip",
    "$expand",
    "$format",
];

fn check_query_options(req: &Req) -> Result<(), GraphError> {
    for (k, _) in &req.query {
        if k.starts_with('$') && !QUERY_OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(k)) {
            return Err(GraphError::new(
                400,
                "BadRequest",
                format!(
                    "The query specified in the URI is not valid. Query option '{k}' is not supported."
                ),
            ));
        }
    }
    Ok(())
}

async fn route(sim: &Arc<Sim>, caller: &Caller, req: &Req) -> HResult {
    check_query_options(req)?;
    let segs = segments(&req.path)?;
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match s.as_slice() {
        ["$batch"] if m == "POST" => batch::handle(sim, req).await,
        ["applicationTemplates"] if m == "GET" => templates::list_templates(sim, req),
        ["applicationTemplates", id] if m == "GET" => templates::get_template(sim, req, id),
        ["applicationTemplates", id, "instantiate"] if m == "POST" => {
            templates::instantiate(sim, caller, req, id)
        }
        ["servicePrincipals"] if m == "GET" => apps::list_sps(sim, caller, req),
        ["servicePrincipals", sp] => match m {
            "GET" => apps::get_sp(sim, caller, req, sp),
            "PATCH" => apps::patch_sp(sim, caller, req, sp),
            "DELETE" => applications::delete_sp(sim, caller, sp),
            _ => Err(method_not_allowed()),
        },
        ["applications", app] => match m {
            "GET" => applications::get_app(sim, caller, req, app),
            "DELETE" => applications::delete_app(sim, caller, app),
            _ => Err(method_not_allowed()),
        },
        ["servicePrincipals", sp, "appRoleAssignedTo"] => match m {
            "GET" => assign::list(sim, caller, req, sp),
            "POST" => assign::create(sim, caller, req, sp),
            _ => Err(method_not_allowed()),
        },
        ["servicePrincipals", sp, "appRoleAssignedTo", id] => match m {
            "GET" => assign::get(sim, caller, req, sp, id),
            "DELETE" => assign::delete(sim, caller, sp, id),
            _ => Err(method_not_allowed()),
        },
        ["servicePrincipals", sp, "synchronization", rest @ ..] => {
            let r = sync_route(sim, caller, req, sp, rest).await;
            crate::sim::sync::progress::after_sync(sim, sp, rest, req, r)
        }
        ["users"] if m == "GET" => users::list_users(sim, caller, req),
        ["users", key] if m == "GET" => users::get_user(sim, caller, req, key),
        ["groups"] if m == "GET" => users::list_groups(sim, caller, req),
        ["groups", id] if m == "GET" => users::get_group(sim, caller, req, id),
        ["groups", id, "members"] | ["groups", id, "members", "microsoft.graph.user"]
            if m == "GET" =>
        {
            crate::sim::directory::members::list(sim, caller, req, id)
        }
        ["auditLogs", "provisioning"] if m == "GET" => auditlogs::list(sim, caller, req),
        [] => Err(not_segment("")),
        [first, ..] if !KNOWN.contains(first) => Err(not_segment(first)),
        _ => Err(method_not_allowed()),
    }
}

const KNOWN: &[&str] = &[
    "$batch",
    "applications",
    "applicationTemplates",
    "servicePrincipals",
    "users",
    "groups",
    "auditLogs",
];

async fn sync_route(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    sp: &str,
    rest: &[&str],
) -> HResult {
    let m = req.method.as_str();
    match rest {
        ["templates"] if m == "GET" => jobs::list_templates(sim, caller, req, sp),
        ["templates", t] if m == "GET" => jobs::get_template(sim, caller, req, sp, t),
        ["templates", t, "schema"] if m == "GET" => {
            schema::get_template_schema(sim, caller, req, sp, t)
        }
        ["templates", t, "schema", "parseExpression"] if m == "POST" => {
            schema::parse_expression(sim, caller, req, sp, None, Some(t))
        }
        ["jobs"] => match m {
            "GET" => jobs::list(sim, caller, req, sp),
            "POST" => jobs::create(sim, caller, req, sp),
            _ => Err(method_not_allowed()),
        },
        ["jobs", "validateCredentials"] if m == "POST" => {
            probe::validate_credentials(sim, caller, req, sp, None).await
        }
        ["jobs", j] => match m {
            "GET" => jobs::get(sim, caller, req, sp, j),
            "DELETE" => jobs::delete(sim, caller, sp, j),
            _ => Err(method_not_allowed()),
        },
        ["jobs", j, action @ ("start" | "pause" | "restart")] if m == "POST" => {
            jobs::control(sim, caller, req, sp, j, action)
        }
        ["jobs", j, "validateCredentials"] if m == "POST" => {
            probe::validate_credentials(sim, caller, req, sp, Some(j)).await
        }
        ["jobs", j, "provisionOnDemand"] if m == "POST" => {
            probe::provision_on_demand(sim, caller, req, sp, j).await
        }
        ["jobs", j, "schema"] => match m {
            "GET" => schema::get(sim, caller, req, sp, j),
            "PUT" => schema::put(sim, caller, req, sp, j),
            "DELETE" => schema::delete(sim, caller, sp, j),
            "PATCH" => Err(schema::patch_not_found(sim, sp, j)),
            _ => Err(method_not_allowed()),
        },
        ["jobs", j, "schema", "filterOperators"] if m == "GET" => {
            schema::filter_operators(sim, caller, req, sp, j)
        }
        ["jobs", j, "schema", "functions"] if m == "GET" => {
            schema::functions(sim, caller, req, sp, j)
        }
        ["jobs", j, "schema", "directories"] if m == "GET" => {
            schema::directories(sim, caller, req, sp, j)
        }
        ["jobs", j, "schema", "directories", d, "discover"] if m == "POST" => {
            directories::discover(sim, caller, req, sp, j, d)
        }
        ["jobs", j, "schema", "parseExpression"] if m == "POST" => {
            schema::parse_expression(sim, caller, req, sp, Some(j), None)
        }
        ["secrets"] => match m {
            "GET" => secrets::get(sim, caller, req, sp),
            "PUT" => secrets::put(sim, caller, req, sp),
            _ => Err(method_not_allowed()),
        },
        [] if m == "GET" => jobs::synchronization(sim, caller, req, sp),
        [first, ..] if !["templates", "jobs", "secrets"].contains(first) => Err(not_segment(first)),
        _ => Err(method_not_allowed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_key_segments() {
        assert_eq!(
            segments("/servicePrincipals(appId='a-b')/appRoleAssignedTo").unwrap(),
            vec!["servicePrincipals", "appId=a-b", "appRoleAssignedTo"]
        );
        assert_eq!(
            segments("/servicePrincipals/s/synchronization/jobs/j/schema/filterOperators()")
                .unwrap(),
            vec![
                "servicePrincipals",
                "s",
                "synchronization",
                "jobs",
                "j",
                "schema",
                "filterOperators"
            ]
        );
        assert_eq!(
            segments("/users('$x%40y.com')").unwrap(),
            vec!["users", "$x@y.com"]
        );
        assert_eq!(
            segments("/users/ivan_fabrikam.example%23EXT%23@contoso.example").unwrap(),
            vec!["users", "ivan_fabrikam.example#EXT#@contoso.example"]
        );
    }
}
