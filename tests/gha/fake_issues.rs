//! The issue endpoints of the fake GitHub REST API (the drift check's issues), strict the way
//! GitHub is: `title` required on create (422), bodies up to 65,536 characters, `state` only
//! `open`/`closed`, `state_reason` only with a matching state, list filtered by `state`
//! (default `open`) and `labels` (comma-separated, all must match), paginated, pull requests
//! listed as issues with a `pull_request` key. Issues are written by `github-actions[bot]`.

use crate::fake_github::{FakeGithub, OWNER, REPO, error};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

impl FakeGithub {
    /// Adds an issue by `login` (type `User` unless it ends in `[bot]`); returns its number.
    pub fn seed_issue(&self, login: &str, title: &str, body: &str, labels: &[&str]) -> u64 {
        let mut s = self.state();
        let number = 100 + s.issues.len() as u64;
        let kind = if login.ends_with("[bot]") {
            "Bot"
        } else {
            "User"
        };
        s.issues
            .push(issue(number, login, kind, title, body, labels));
        number
    }

    /// `(number, state, title, body)` of every issue, in creation order.
    pub fn issues(&self) -> Vec<(u64, String, String, String)> {
        self.state()
            .issues
            .iter()
            .map(|i| {
                let s = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
                (
                    i["number"].as_u64().unwrap_or(0),
                    s("state"),
                    s("title"),
                    s("body"),
                )
            })
            .collect()
    }

    pub(crate) fn list_issues(&self, req: &Request) -> ResponseTemplate {
        let state = crate::fake_github::query(req, "state").unwrap_or_else(|| "open".into());
        if !["open", "closed", "all"].contains(&state.as_str()) {
            return error(422, "Validation Failed: state");
        }
        let wanted: Vec<String> = crate::fake_github::query(req, "labels")
            .map(|l| l.split(',').map(|x| x.trim().to_owned()).collect())
            .unwrap_or_default();
        let all: Vec<Value> = self
            .state()
            .issues
            .iter()
            .filter(|i| state == "all" || i["state"] == state.as_str())
            .filter(|i| {
                wanted.iter().all(|w| {
                    i["labels"]
                        .as_array()
                        .is_some_and(|ls| ls.iter().any(|l| l["name"] == w.as_str()))
                })
            })
            .cloned()
            .collect();
        self.page(req, &all)
    }

    pub(crate) fn create_issue(&self, req: &Request) -> ResponseTemplate {
        let Ok(v) = req.body_json::<Value>() else {
            return error(400, "Problems parsing JSON");
        };
        let Some(title) = v["title"].as_str().filter(|t| !t.is_empty()) else {
            return error(422, "Invalid request.\n\n\"title\" wasn't supplied.");
        };
        let body = v["body"].as_str().unwrap_or_default();
        if body.chars().count() > 65_536 {
            return error(
                422,
                "Validation Failed: body is too long (maximum is 65536 characters)",
            );
        }
        let labels: Vec<&str> = v["labels"]
            .as_array()
            .map(|ls| ls.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut s = self.state();
        let number = 100 + s.issues.len() as u64;
        let i = issue(number, "github-actions[bot]", "Bot", title, body, &labels);
        s.issues.push(i.clone());
        ResponseTemplate::new(201).set_body_json(i)
    }

    pub(crate) fn update_issue(&self, req: &Request, number: u64) -> ResponseTemplate {
        let Ok(v) = req.body_json::<Value>() else {
            return error(400, "Problems parsing JSON");
        };
        if let Some(b) = v["body"].as_str()
            && b.chars().count() > 65_536
        {
            return error(
                422,
                "Validation Failed: body is too long (maximum is 65536 characters)",
            );
        }
        let state = v["state"].as_str();
        if state.is_some_and(|s| s != "open" && s != "closed") {
            return error(422, "Validation Failed: state");
        }
        let reason = v["state_reason"].as_str();
        let fits = matches!(
            (state, reason),
            (_, None)
                | (Some("closed"), Some("completed" | "not_planned"))
                | (Some("open"), Some("reopened"))
        );
        if !fits {
            return error(422, "Validation Failed: state_reason");
        }
        let mut s = self.state();
        let Some(i) = s.issues.iter_mut().find(|i| i["number"] == number) else {
            return error(404, "Not Found");
        };
        if let Some(b) = v["body"].as_str() {
            i["body"] = Value::String(b.to_owned());
        }
        if let Some(st) = state {
            i["state"] = Value::String(st.to_owned());
            i["state_reason"] = reason.map_or(Value::Null, |r| Value::String(r.to_owned()));
            i["closed_at"] = if st == "closed" {
                json!("2026-11-29T06:17:00Z")
            } else {
                Value::Null
            };
        }
        i["updated_at"] = json!("2026-11-29T06:17:00Z");
        ResponseTemplate::new(200).set_body_json(i.clone())
    }
}

fn issue(number: u64, login: &str, kind: &str, title: &str, body: &str, labels: &[&str]) -> Value {
    json!({
        "id": 9_000_000 + number,
        "node_id": format!("I_kwDO{number}"),
        "number": number,
        "url": format!("https://api.github.com/repos/{OWNER}/{REPO}/issues/{number}"),
        "html_url": format!("https://github.com/{OWNER}/{REPO}/issues/{number}"),
        "title": title,
        "body": body,
        "state": "open",
        "state_reason": null,
        "locked": false,
        "labels": labels.iter().map(|l| json!({"name": l, "color": "ededed", "default": false})).collect::<Vec<_>>(),
        "user": {"login": login, "id": 41898282, "type": kind, "site_admin": false},
        "comments": 0,
        "created_at": "2026-11-28T06:17:00Z",
        "updated_at": "2026-11-28T06:17:00Z",
        "closed_at": null,
        "author_association": "NONE"
    })
}
