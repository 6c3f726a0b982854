//! A proxy in front of the simulator that forbids or loses chosen answers.

use entraprov::graph::Client;
use entraprov::graph::auth::Env;

use crate::support::{World, options};

/// What a [`proxy`] does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Answer `PUT …/schema` with Graph's 403.
    ForbidSchemaPut,
    /// Forward creates (instantiate, job create, start) but lose the first answer of each:
    /// the server made the object, the client cannot know.
    LoseCreateAnswers,
}

/// A proxy in front of the simulator applying `rule`. Returns its base URL; it stops
/// with the runtime.
pub async fn proxy(sim_url: String, rule: Rule) -> String {
    use axum::body::{Body, Bytes};
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::response::IntoResponse;
    use std::sync::{Arc, Mutex};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let http = reqwest::Client::new();
    let lost: Arc<Mutex<Vec<String>>> = Arc::default();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (http, sim_url, lost) = (http.clone(), sim_url.clone(), lost.clone());
            async move {
                let path = uri.path().to_owned();
                if rule == Rule::ForbidSchemaPut
                    && method == Method::PUT
                    && path.ends_with("/schema")
                {
                    let body = serde_json::json!({"error": {
                        "code": "Authorization_RequestDenied",
                        "message": "Insufficient privileges to complete the operation.",
                        "innerError": {"request-id": "00000000-0000-0000-0000-000000000403"}}});
                    return (
                        StatusCode::FORBIDDEN,
                        [("content-type", "application/json")],
                        body.to_string(),
                    )
                        .into_response();
                }
                let create = ["/instantiate", "/synchronization/jobs", "/start"]
                    .iter()
                    .find(|s| method == Method::POST && path.ends_with(*s))
                    .copied();
                let url = format!(
                    "{sim_url}{}",
                    uri.path_and_query().map_or("", |p| p.as_str())
                );
                let mut req = http.request(method, url).body(body.to_vec());
                for (k, v) in &headers {
                    if k != "host" && k != "content-length" {
                        req = req.header(k, v);
                    }
                }
                let resp = req.send().await.expect("simulator answers");
                let status = StatusCode::from_u16(resp.status().as_u16()).expect("status");
                if let (Rule::LoseCreateAnswers, Some(kind)) = (rule, create) {
                    let first = {
                        let mut l = lost.lock().expect("lock");
                        let first = !l.iter().any(|k| k == kind);
                        l.push(kind.to_owned());
                        first
                    };
                    if first && status.is_success() {
                        // Headers go out, then the body breaks: the answer is lost.
                        let broken = futures::stream::once(async {
                            Err::<Bytes, std::io::Error>(std::io::Error::other("connection lost"))
                        });
                        return (
                            status,
                            [("content-type", "application/json")],
                            Body::from_stream(broken),
                        )
                            .into_response();
                    }
                }
                let mut out = HeaderMap::new();
                for (k, v) in resp.headers() {
                    if k != "content-length" && k != "transfer-encoding" {
                        out.insert(k.clone(), v.clone());
                    }
                }
                let bytes = resp.bytes().await.expect("body");
                (status, out, bytes.to_vec()).into_response()
            }
        },
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

/// A client for `base` (a proxy) with the simulator's apply token.
pub fn client_at(w: &World, base: &str) -> Client {
    let endpoints =
        entraprov::graph::Endpoints::new(None, Some(base), Some(base)).expect("endpoints");
    let env = Env::from_pairs([("ENTRAPROV_ACCESS_TOKEN", w.server.token())]);
    Client::from_env(endpoints, &env, &options()).expect("client")
}
