//! A stateful fake of the GitHub REST API's issue-comment endpoints, strict the way GitHub is:
//! bearer token required, `Accept`/API-version headers checked, list pages of `per_page`
//! (default 30, max 100) with an RFC 8288 `Link` header, 65,536-character body limit (422),
//! 404 for unknown comments, comments attributed to `github-actions[bot]` (type `Bot`).
//! Faults can be queued per method: a status to answer with, optionally after doing the work
//! (a response lost after the write happened).

use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "ghs_fake_installation_token";
pub const OWNER: &str = "contoso";
pub const REPO: &str = "entra";

/// A queued fault: answer `status`; if `after_write`, apply the write first.
#[derive(Clone, Copy, Debug)]
pub struct Fault {
    pub method: &'static str,
    pub status: u16,
    pub after_write: bool,
}

#[derive(Default)]
pub struct State {
    /// (issue number, comment JSON) in creation order.
    pub comments: Vec<(u64, Value)>,
    pub next_id: u64,
    /// "METHOD path?query" of every request received.
    pub log: Vec<String>,
    pub faults: Vec<Fault>,
    /// Extra `Link` target to hand out (to test that foreign links are not followed).
    pub foreign_next: Option<String>,
    /// Issues (see `fake_issues.rs`), in creation order.
    pub issues: Vec<Value>,
}

#[derive(Clone)]
pub struct FakeGithub {
    pub state: Arc<Mutex<State>>,
    /// Path prefix of the API (`""` for github.com, `/api/v3` for GitHub Enterprise Server).
    pub prefix: String,
    /// The server's base URI (wiremock reports request URLs as `http://localhost/…`).
    pub base: String,
}

impl FakeGithub {
    pub async fn start(prefix: &str) -> (MockServer, FakeGithub) {
        let server = MockServer::start().await;
        let fake = FakeGithub {
            state: Arc::new(Mutex::new(State {
                next_id: 1000,
                ..State::default()
            })),
            prefix: prefix.to_owned(),
            base: server.uri(),
        };
        Mock::given(any())
            .respond_with(fake.clone())
            .mount(&server)
            .await;
        (server, fake)
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fake state")
    }

    /// Adds a comment by `login` (type `User` unless the login ends in `[bot]`).
    pub fn seed(&self, issue: u64, login: &str, body: &str) -> u64 {
        let mut s = self.state();
        let id = s.next_id;
        s.next_id += 1;
        let kind = if login.ends_with("[bot]") {
            "Bot"
        } else {
            "User"
        };
        let c = comment(id, issue, login, kind, body);
        s.comments.push((issue, c));
        id
    }

    /// Bodies of the comments on an issue, in order.
    pub fn bodies(&self, issue: u64) -> Vec<(u64, String, String)> {
        self.state()
            .comments
            .iter()
            .filter(|(i, _)| *i == issue)
            .map(|(_, c)| {
                (
                    c["id"].as_u64().unwrap_or_default(),
                    c["user"]["login"].as_str().unwrap_or_default().to_owned(),
                    c["body"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

fn comment(id: u64, issue: u64, login: &str, kind: &str, body: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("IC_kwDO{id}"),
        "url": format!("https://api.github.com/repos/{OWNER}/{REPO}/issues/comments/{id}"),
        "html_url": format!("https://github.com/{OWNER}/{REPO}/pull/{issue}#issuecomment-{id}"),
        "issue_url": format!("https://api.github.com/repos/{OWNER}/{REPO}/issues/{issue}"),
        "body": body,
        "user": {"login": login, "id": 41898282, "type": kind, "site_admin": false},
        "created_at": "2026-11-28T20:00:00Z",
        "updated_at": "2026-11-28T20:00:00Z",
        "author_association": "NONE",
        "reactions": {"total_count": 0}
    })
}

/// The first value of query parameter `k`.
pub fn query(req: &Request, k: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.into_owned())
}

pub fn error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string()
    }))
}

impl Respond for FakeGithub {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let method = req.method.as_str().to_owned();
        let path = req.url.path().to_owned();
        let query = req.url.query().map(|q| format!("?{q}")).unwrap_or_default();
        self.state().log.push(format!("{method} {path}{query}"));
        let header = |k: &str| {
            req.headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        if header("authorization") != format!("Bearer {TOKEN}") {
            return error(401, "Bad credentials");
        }
        if header("accept") != "application/vnd.github+json"
            || header("x-github-api-version") != "2022-11-28"
        {
            return error(415, "Unsupported media type or API version");
        }
        if !header("user-agent").starts_with("entraprov/") {
            return error(
                403,
                "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
            );
        }
        let Some(rest) = path.strip_prefix(&format!("{}/repos/{OWNER}/{REPO}/issues", self.prefix))
        else {
            return error(404, "Not Found");
        };
        let rest = match rest.strip_prefix('/') {
            Some(r) => r,
            None if rest.is_empty() => "",
            None => return error(404, "Not Found"),
        };
        let fault = {
            let mut s = self.state();
            let pos = s.faults.iter().position(|f| f.method == method);
            pos.map(|i| s.faults.remove(i))
        };
        if let Some(f) = fault.filter(|f| !f.after_write) {
            return error(f.status, "fault injected").insert_header("retry-after", "0");
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let response = match (method.as_str(), parts.as_slice()) {
            ("GET", [n, "comments"]) => self.list(req, n.parse().unwrap_or(0)),
            ("POST", [n, "comments"]) => self.create(req, n.parse().unwrap_or(0)),
            ("PATCH", ["comments", id]) => self.update(req, id.parse().unwrap_or(0)),
            ("GET", [""]) => self.list_issues(req),
            ("POST", [""]) => self.create_issue(req),
            ("PATCH", [n]) => self.update_issue(req, n.parse().unwrap_or(0)),
            _ => error(404, "Not Found"),
        };
        match fault {
            Some(f) => {
                error(f.status, "fault injected after write").insert_header("retry-after", "0")
            }
            None => response,
        }
    }
}

impl FakeGithub {
    fn list(&self, req: &Request, issue: u64) -> ResponseTemplate {
        let all: Vec<Value> = self
            .state()
            .comments
            .iter()
            .filter(|(i, _)| *i == issue)
            .map(|(_, c)| c.clone())
            .collect();
        self.page(req, &all)
    }

    /// One page of `all` per `per_page` (default 30, max 100) and `page`, with a `Link` header.
    pub(crate) fn page(&self, req: &Request, all: &[Value]) -> ResponseTemplate {
        let per_page = query(req, "per_page")
            .and_then(|v| v.parse().ok())
            .unwrap_or(30usize)
            .min(100);
        let page = query(req, "page")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1usize)
            .max(1);
        let s = self.state();
        let items: Vec<&Value> = all
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        let last = all.len().div_ceil(per_page).max(1);
        let mut resp = ResponseTemplate::new(200).set_body_json(items);
        let link_to = |p: usize| {
            let mut url = req.url.clone();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(
                    req.url
                        .query_pairs()
                        .filter(|(k, _)| k != "page" && k != "per_page"),
                )
                .append_pair("per_page", &per_page.to_string())
                .append_pair("page", &p.to_string());
            format!("{}{}?{}", self.base, url.path(), url.query().unwrap_or(""))
        };
        let mut links = Vec::new();
        if page < last {
            let next = s.foreign_next.clone().unwrap_or_else(|| link_to(page + 1));
            links.push(format!("<{next}>; rel=\"next\""));
            links.push(format!("<{}>; rel=\"last\"", link_to(last)));
        }
        if page > 1 {
            links.push(format!("<{}>; rel=\"first\"", link_to(1)));
        }
        if !links.is_empty() {
            resp = resp.insert_header("link", links.join(", "));
        }
        resp
    }

    pub(crate) fn body_of(req: &Request) -> Result<String, Box<ResponseTemplate>> {
        let v: Value = req
            .body_json()
            .map_err(|_| Box::new(error(400, "Problems parsing JSON")))?;
        let body = v["body"]
            .as_str()
            .ok_or_else(|| Box::new(error(422, "Invalid request.\n\n\"body\" wasn't supplied.")))?;
        if body.chars().count() > 65_536 {
            return Err(Box::new(error(
                422,
                "Validation Failed: body is too long (maximum is 65536 characters)",
            )));
        }
        Ok(body.to_owned())
    }

    fn create(&self, req: &Request, issue: u64) -> ResponseTemplate {
        let body = match Self::body_of(req) {
            Ok(b) => b,
            Err(e) => return *e,
        };
        let mut s = self.state();
        let id = s.next_id;
        s.next_id += 1;
        let c = comment(id, issue, "github-actions[bot]", "Bot", &body);
        s.comments.push((issue, c.clone()));
        ResponseTemplate::new(201).set_body_json(c)
    }

    fn update(&self, req: &Request, id: u64) -> ResponseTemplate {
        let body = match Self::body_of(req) {
            Ok(b) => b,
            Err(e) => return *e,
        };
        let mut s = self.state();
        match s
            .comments
            .iter_mut()
            .find(|(_, c)| c["id"].as_u64() == Some(id))
        {
            Some((_, c)) => {
                c["body"] = Value::String(body);
                c["updated_at"] = Value::String("2026-11-28T21:00:00Z".into());
                ResponseTemplate::new(200).set_body_json(c.clone())
            }
            None => error(404, "Not Found"),
        }
    }
}
