//! Drift issues: the scheduled drift check (`command: drift` of the action) keeps ONE open
//! issue per manifest, found by a hidden marker line and the `entraprov-drift` label. Drift
//! found: the issue is opened, or its body (the markdown plan) updated in place. No drift: an
//! open issue gets a closing comment and is closed as completed. A manifest that could not be
//! planned leaves its issue as it is (the job fails and says why).
//!
//! REST: `GET /repos/{o}/{r}/issues?state=open&labels=entraprov-drift` (paginated; pull
//! requests in the list are skipped), `POST /repos/{o}/{r}/issues`, `PATCH …/issues/{n}`,
//! `POST …/issues/{n}/comments`.

use std::fmt;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{Api, parse};
use super::comment::{comment_body, marker_line};
use super::{Context, GithubError, Repository};

/// The label every drift issue carries (GitHub creates it on first use).
pub const DRIFT_LABEL: &str = "entraprov-drift";
/// Attempts of the whole find-then-write sequence on retryable failures.
const ATTEMPTS: u32 = 3;
/// Pages of 100 open drift issues we are willing to scan.
const MAX_PAGES: usize = 20;

/// What the drift check found for one manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriftState {
    /// The plan has changes: the tenant differs from the manifest.
    Drifted,
    /// The plan is empty.
    InSync,
    /// The manifest could not be planned.
    Failed,
}

/// What [`Context::sync_drift_issue`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DriftOutcome {
    /// A new issue was opened.
    Opened {
        /// Issue number.
        number: u64,
        /// Web URL.
        url: String,
    },
    /// The open issue's body was replaced by the new plan.
    Updated {
        /// Issue number.
        number: u64,
        /// Web URL.
        url: String,
    },
    /// The open issue already shows this plan.
    Unchanged {
        /// Issue number.
        number: u64,
        /// Web URL.
        url: String,
    },
    /// The drift is gone: the issue was commented on and closed.
    Closed {
        /// Issue number.
        number: u64,
        /// Web URL.
        url: String,
    },
    /// No drift and no open issue, or a failed plan: nothing was written.
    Nothing(DriftState),
    /// No token or no repository: nothing was attempted.
    Skipped(&'static str),
}

impl fmt::Display for DriftOutcome {
    /// URLs come from the GitHub API: they reach the terminal through [`crate::text::shown`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = |u: &str| crate::text::shown(u).into_owned();
        match self {
            DriftOutcome::Opened { url: u, .. } => write!(f, "drift found: opened {}", url(u)),
            DriftOutcome::Updated { url: u, .. } => write!(f, "drift found: updated {}", url(u)),
            DriftOutcome::Unchanged { url: u, .. } => {
                write!(f, "drift found: {} already shows this plan", url(u))
            }
            DriftOutcome::Closed { url: u, .. } => {
                write!(f, "no drift any more: closed {}", url(u))
            }
            DriftOutcome::Nothing(DriftState::Failed) => {
                f.write_str("the plan failed: the drift issue was left as it is")
            }
            DriftOutcome::Nothing(_) => f.write_str("no drift"),
            DriftOutcome::Skipped(why) => write!(f, "no drift issue: {why}"),
        }
    }
}

#[derive(Deserialize)]
struct Issue {
    number: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    pull_request: Option<Value>,
    #[serde(default)]
    user: Option<super::comment::User>,
}

impl Context {
    /// Opens, updates or closes THE drift issue of `marker` (the manifest path) according to
    /// `state`; `markdown` is the plan. Retries rate limits, 5xx and transport errors, looking
    /// the issue up again before each retry so that no retry opens a second issue.
    pub async fn sync_drift_issue(
        &self,
        marker: &str,
        markdown: &str,
        state: DriftState,
    ) -> Result<DriftOutcome, GithubError> {
        if state == DriftState::Failed {
            return Ok(DriftOutcome::Nothing(state));
        }
        let Some(token) = &self.token else {
            return Ok(DriftOutcome::Skipped(
                "no GITHUB_TOKEN (set the action's github-token input)",
            ));
        };
        let Some(repo) = &self.repository else {
            return Ok(DriftOutcome::Skipped("GITHUB_REPOSITORY is not set"));
        };
        let api = Api::new(&self.api_url, token)?;
        let head = marker_line(&format!("drift {marker}"));
        let body = comment_body(
            &format!("drift {marker}"),
            markdown,
            self.run_url().as_deref(),
        );
        api.retrying(ATTEMPTS, || async {
            let found = self.find_issue(&api, repo, &head).await?;
            self.write_issue(&api, repo, found, marker, &body, state)
                .await
        })
        .await
    }

    async fn write_issue(
        &self,
        api: &Api<'_>,
        repo: &Repository,
        found: Option<Issue>,
        marker: &str,
        body: &str,
        state: DriftState,
    ) -> Result<DriftOutcome, GithubError> {
        let base = format!("/repos/{}/{}/issues", repo.owner, repo.name);
        match (found, state) {
            (None, DriftState::Drifted) => {
                let title = format!("entraprov: drift in {marker}");
                let sent = json!({ "title": title, "body": body, "labels": [DRIFT_LABEL] });
                let i = send_issue(api, Method::POST, &base, sent).await?;
                Ok(DriftOutcome::Opened {
                    number: i.number,
                    url: i.html_url,
                })
            }
            (Some(i), DriftState::Drifted) if i.body.as_deref() == Some(body) => {
                Ok(DriftOutcome::Unchanged {
                    number: i.number,
                    url: i.html_url,
                })
            }
            (Some(i), DriftState::Drifted) => {
                let path = format!("{base}/{}", i.number);
                let i = send_issue(api, Method::PATCH, &path, json!({ "body": body })).await?;
                Ok(DriftOutcome::Updated {
                    number: i.number,
                    url: i.html_url,
                })
            }
            (Some(i), _) => {
                let note = match self.run_url() {
                    Some(url) => {
                        format!("The drift check of [this run]({url}) found no drift: closing.")
                    }
                    None => "The drift check found no drift: closing.".to_owned(),
                };
                let comments = format!("{base}/{}/comments", i.number);
                api.send(
                    Method::POST,
                    &comments,
                    api.url(&comments),
                    Some(json!({ "body": note })),
                )
                .await?;
                let path = format!("{base}/{}", i.number);
                let closed = json!({ "state": "closed", "state_reason": "completed" });
                let i = send_issue(api, Method::PATCH, &path, closed).await?;
                Ok(DriftOutcome::Closed {
                    number: i.number,
                    url: i.html_url,
                })
            }
            (None, _) => Ok(DriftOutcome::Nothing(state)),
        }
    }

    /// The open drift issue for `head`, written by the expected author (all pages).
    async fn find_issue(
        &self,
        api: &Api<'_>,
        repo: &Repository,
        head: &str,
    ) -> Result<Option<Issue>, GithubError> {
        let path = format!("/repos/{}/{}/issues", repo.owner, repo.name);
        let mut url = api.url(&path);
        url.query_pairs_mut()
            .append_pair("state", "open")
            .append_pair("labels", DRIFT_LABEL)
            .append_pair("per_page", "100");
        for _ in 0..MAX_PAGES {
            let (v, next) = api.send(Method::GET, &path, url, None).await?;
            let page: Vec<Issue> = parse(&path, "GET", v)?;
            let ours = page.into_iter().find(|i| {
                i.pull_request.is_none()
                    && self.written_by_us(i.user.as_ref())
                    && i.body
                        .as_deref()
                        .is_some_and(|b| b.trim_start().starts_with(head))
            });
            if ours.is_some() {
                return Ok(ours);
            }
            match next {
                Some(n) => url = n,
                None => return Ok(None),
            }
        }
        Ok(None)
    }
}

async fn send_issue(
    api: &Api<'_>,
    method: Method,
    path: &str,
    body: Value,
) -> Result<Issue, GithubError> {
    let name = if method == Method::POST {
        "POST"
    } else {
        "PATCH"
    };
    let v = api.send(method, path, api.url(path), Some(body)).await?.0;
    parse(path, name, v)
}
