//! A minimal GitHub REST client: one base URL (github.com or a GitHub Enterprise Server
//! `/api/v3`), one bearer token, JSON in and out, `Link`-header pagination that never leaves
//! the API origin (the token goes with every request).

use std::time::Duration;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::GithubError;
use super::error::api_help;

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    path: &str,
    method: &'static str,
    v: Value,
) -> Result<T, GithubError> {
    serde_json::from_value(v).map_err(|e| GithubError::Transport {
        method,
        path: path.to_owned(),
        reason: format!("unexpected response body: {e}"),
    })
}

/// A minimal GitHub REST client bound to one base URL and token.
pub(crate) struct Api<'a> {
    http: reqwest::Client,
    base: &'a Url,
    token: &'a SecretString,
    retry_after: std::sync::Mutex<Option<u64>>,
}

impl<'a> Api<'a> {
    pub(crate) fn new(base: &'a Url, token: &'a SecretString) -> Result<Self, GithubError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("entraprov/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| GithubError::Transport {
                method: "GET",
                path: "/".into(),
                reason: e.to_string(),
            })?;
        Ok(Api {
            http,
            base,
            token,
            retry_after: std::sync::Mutex::new(None),
        })
    }

    /// `base` + `path`, keeping a base path such as GitHub Enterprise Server's `/api/v3`.
    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(None);
        url
    }

    pub(crate) fn last_retry_after(&self) -> Option<u64> {
        self.retry_after.lock().ok().and_then(|g| *g)
    }

    /// Runs `op` up to `attempts` times while it fails with a retryable error (rate limit, 5xx,
    /// transport), waiting `Retry-After` (or 1, 2, 4… s, at most 30 s) in between. `op` must
    /// look its object up again each time, so that a retry never writes twice.
    pub(crate) async fn retrying<T, F, Fut>(
        &self,
        attempts: u32,
        mut op: F,
    ) -> Result<T, GithubError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, GithubError>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Err(e) if e.is_retryable() && attempt + 1 < attempts => {
                    let wait = self.last_retry_after().unwrap_or(1 << attempt).min(30);
                    tracing::info!("GitHub API: {e}; retrying in {wait}s");
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Sends one request; returns the JSON body and the `rel="next"` link, if any.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        url: Url,
        body: Option<Value>,
    ) -> Result<(Value, Option<Url>), GithubError> {
        let name: &'static str = match method {
            Method::GET => "GET",
            Method::POST => "POST",
            _ => "PATCH",
        };
        let transport = |e: reqwest::Error| GithubError::Transport {
            method: name,
            path: path.to_owned(),
            reason: e.without_url().to_string(),
        };
        let mut req = self
            .http
            .request(method, url)
            .bearer_auth(self.token.expose_secret())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let header = |k: &str| header_value(&headers, k);
        if let Ok(mut g) = self.retry_after.lock() {
            *g = header("retry-after").and_then(|v| v.trim().parse().ok());
        }
        let text = resp.text().await.map_err(transport)?;
        if !(200..300).contains(&status) {
            return Err(api_error(name, path, status, &headers, &text));
        }
        let value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| GithubError::Transport {
                method: name,
                path: path.to_owned(),
                reason: format!("response is not JSON: {e}"),
            })?
        };
        let next = header("link")
            .and_then(|l| next_link(&l))
            .filter(|n| self.same_api(n));
        Ok((value, next))
    }

    /// A pagination link is followed only if it stays on the API (the token goes with it).
    fn same_api(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
            && url
                .path()
                .starts_with(self.base.path().trim_end_matches('/'))
    }
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
fn next_link(link: &str) -> Option<Url> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        if is_next {
            Url::parse(target).ok()
        } else {
            None
        }
    })
}

fn header_value(headers: &reqwest::header::HeaderMap, k: &str) -> Option<String> {
    headers
        .get(k)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error for a non-2xx answer; a 403 caused by the rate limit is reported
/// (and retried) like a 429.
fn api_error(
    method: &'static str,
    path: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    text: &str,
) -> GithubError {
    let message = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(200).collect());
    let limited =
        status == 403 && header_value(headers, "x-ratelimit-remaining").as_deref() == Some("0");
    GithubError::Api {
        method,
        path: path.to_owned(),
        status: if limited { 429 } else { status },
        message,
        request_id: header_value(headers, "x-github-request-id"),
        help: api_help(if limited { 429 } else { status }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_is_found_among_other_relations() {
        let l = r#"<https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=1>; rel="prev", <https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=3>; rel="next", <https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=9>; rel="last""#;
        assert_eq!(
            next_link(l).map(|u| u.to_string()),
            Some(
                "https://api.github.com/repositories/1/issues/2/comments?per_page=100&page=3"
                    .into()
            )
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="first""#), None);
    }
}
