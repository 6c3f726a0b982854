//! The sticky pull-request comment: one comment per manifest, found by a hidden HTML marker
//! and updated in place (REST: list issue comments, paginated; PATCH if found, else POST).

use std::fmt;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{Api, parse};
use super::files::{floor_char_boundary, open_fence};
use super::{Context, GithubError, Repository};

/// GitHub's maximum comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;
/// Room kept below [`COMMENT_LIMIT`] when truncating (line-ending normalisation, counting).
const COMMENT_MARGIN: usize = 1_024;
/// Attempts of the whole find-then-update-or-create sequence on retryable failures.
const ATTEMPTS: u32 = 3;
/// Pages of 100 comments we are willing to scan.
const MAX_PAGES: usize = 50;

/// Id of an issue / pull-request comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(transparent)]
pub struct CommentId(pub u64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What [`Context::upsert_comment`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentOutcome {
    /// A new comment was posted.
    Created {
        /// Its id.
        id: CommentId,
        /// Its web URL.
        url: String,
    },
    /// The existing comment was edited.
    Updated {
        /// Its id.
        id: CommentId,
        /// Its web URL.
        url: String,
    },
    /// The existing comment already had this body; nothing was sent.
    Unchanged {
        /// Its id.
        id: CommentId,
        /// Its web URL.
        url: String,
    },
    /// No comment was attempted.
    Skipped(SkipReason),
}

/// Why no comment was attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// `ENTRAPROV_GITHUB_COMMENT=false` (the action's `comment: false`).
    Disabled,
    /// The event is not a pull request.
    NotPullRequest,
    /// No `GITHUB_TOKEN`.
    NoToken,
    /// No `GITHUB_REPOSITORY`.
    NoRepository,
}

impl fmt::Display for CommentOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommentOutcome::Created { url, .. } => {
                write!(f, "posted the plan as a pull-request comment: {url}")
            }
            CommentOutcome::Updated { url, .. } => write!(f, "updated the plan comment: {url}"),
            CommentOutcome::Unchanged { url, .. } => {
                write!(f, "the plan comment is up to date: {url}")
            }
            CommentOutcome::Skipped(reason) => write!(f, "no pull-request comment: {reason}"),
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::Disabled => "commenting is turned off (comment: false)",
            SkipReason::NotPullRequest => "this run is not for a pull request",
            SkipReason::NoToken => "no GITHUB_TOKEN (set the action's github-token input)",
            SkipReason::NoRepository => "GITHUB_REPOSITORY is not set",
        })
    }
}

/// The hidden first line that identifies the comment for one manifest.
pub fn marker_line(marker: &str) -> String {
    let clean: String = marker
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // `--` may not appear inside an HTML comment.
    let mut clean = clean.replace("--", "-\u{2010}");
    while clean.contains("--") {
        clean = clean.replace("--", "-\u{2010}");
    }
    format!("<!-- entraprov: {} -->", clean.trim_end_matches('-'))
}

/// The full comment: marker line, then `body`, truncated (at a line break, code fence closed)
/// so that it stays under [`COMMENT_LIMIT`], with a note pointing at the job summary.
pub fn comment_body(marker: &str, body: &str, run_url: Option<&str>) -> String {
    let head = format!("{}\n", marker_line(marker));
    let limit = COMMENT_LIMIT - COMMENT_MARGIN;
    if utf16_len(&head) + utf16_len(body) <= limit {
        return format!("{head}{body}");
    }
    let place = match run_url {
        Some(url) => format!("[job summary]({url})"),
        None => "job summary of this workflow run".to_owned(),
    };
    let note = format!(
        "\n\n---\n> **Note:** this plan is too long for a pull-request comment ({} characters) \
         and was truncated. The full plan is in the {place}.\n",
        body.chars().count()
    );
    let budget = limit.saturating_sub(utf16_len(&head) + utf16_len(&note) + 4);
    let mut cut = floor_char_boundary(body, utf16_prefix_bytes(body, budget));
    if let Some(nl) = body[..cut].rfind('\n') {
        cut = nl + 1;
    }
    let mut out = format!("{head}{}", &body[..cut]);
    if open_fence(&out) {
        out.push_str("```\n");
    }
    out.push_str(&note);
    out
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Byte length of the longest prefix of `s` that is at most `units` UTF-16 code units.
fn utf16_prefix_bytes(s: &str, units: usize) -> usize {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > units {
            return i;
        }
    }
    s.len()
}

#[derive(Deserialize)]
struct Comment {
    id: CommentId,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    user: Option<User>,
}

/// The author of a comment or an issue.
#[derive(Deserialize)]
pub(crate) struct User {
    login: String,
    #[serde(rename = "type")]
    kind: String,
}

impl Context {
    /// Creates or updates THE plan comment for `marker` (e.g. the manifest path) on the pull
    /// request of this run. `body` is markdown; it is prefixed with a hidden marker line and
    /// truncated under GitHub's 65,536-character limit with a link to the job summary.
    /// Retries rate limits, 5xx and transport errors, looking for the comment again before
    /// each retry so that no retry creates a second comment.
    pub async fn upsert_comment(
        &self,
        marker: &str,
        body: &str,
    ) -> Result<CommentOutcome, GithubError> {
        if !self.comment {
            return Ok(CommentOutcome::Skipped(SkipReason::Disabled));
        }
        let Some(pr) = self.pull_request_number()? else {
            return Ok(CommentOutcome::Skipped(SkipReason::NotPullRequest));
        };
        let Some(token) = &self.token else {
            return Ok(CommentOutcome::Skipped(SkipReason::NoToken));
        };
        let Some(repo) = &self.repository else {
            return Ok(CommentOutcome::Skipped(SkipReason::NoRepository));
        };
        let api = Api::new(&self.api_url, token)?;
        let full = comment_body(marker, body, self.run_url().as_deref());
        let head = marker_line(marker);
        api.retrying(ATTEMPTS, || self.upsert_once(&api, repo, pr, &head, &full))
            .await
    }

    async fn upsert_once(
        &self,
        api: &Api<'_>,
        repo: &Repository,
        pr: u64,
        head: &str,
        full: &str,
    ) -> Result<CommentOutcome, GithubError> {
        let (o, r) = (&repo.owner, &repo.name);
        match self.find_comment(api, repo, pr, head).await? {
            Some(c) if c.body.as_deref() == Some(full) => Ok(CommentOutcome::Unchanged {
                id: c.id,
                url: c.html_url,
            }),
            Some(c) => {
                let path = format!("/repos/{o}/{r}/issues/comments/{}", c.id);
                let v = api
                    .send(
                        Method::PATCH,
                        &path,
                        api.url(&path),
                        Some(json!({ "body": full })),
                    )
                    .await?
                    .0;
                let c: Comment = parse(&path, "PATCH", v)?;
                Ok(CommentOutcome::Updated {
                    id: c.id,
                    url: c.html_url,
                })
            }
            None => {
                let path = format!("/repos/{o}/{r}/issues/{pr}/comments");
                let v = api
                    .send(
                        Method::POST,
                        &path,
                        api.url(&path),
                        Some(json!({ "body": full })),
                    )
                    .await?
                    .0;
                let c: Comment = parse(&path, "POST", v)?;
                Ok(CommentOutcome::Created {
                    id: c.id,
                    url: c.html_url,
                })
            }
        }
    }

    /// Lists the pull request's comments (all pages) and returns the first one that starts
    /// with the marker and was written by the expected author.
    async fn find_comment(
        &self,
        api: &Api<'_>,
        repo: &Repository,
        pr: u64,
        head: &str,
    ) -> Result<Option<Comment>, GithubError> {
        let path = format!("/repos/{}/{}/issues/{pr}/comments", repo.owner, repo.name);
        let mut url = api.url(&path);
        url.query_pairs_mut().append_pair("per_page", "100");
        for _ in 0..MAX_PAGES {
            let (v, next) = api.send(Method::GET, &path, url, None).await?;
            let page: Vec<Comment> = parse(&path, "GET", v)?;
            if let Some(c) = page.into_iter().find(|c| self.is_ours(c, head)) {
                return Ok(Some(c));
            }
            match next {
                Some(n) => url = n,
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    fn is_ours(&self, c: &Comment, head: &str) -> bool {
        let marked = c
            .body
            .as_deref()
            .is_some_and(|b| b.trim_start().starts_with(head));
        marked && self.written_by_us(c.user.as_ref())
    }

    /// Written by `ENTRAPROV_GITHUB_COMMENT_AUTHOR`, else by a bot (`github-actions[bot]`).
    pub(crate) fn written_by_us(&self, user: Option<&User>) -> bool {
        user.is_some_and(|u| match &self.comment_author {
            Some(login) => u.login.eq_ignore_ascii_case(login),
            None => u.kind == "Bot",
        })
    }

    /// The pull-request number from the event payload, `None` for other events.
    pub fn pull_request_number(&self) -> Result<Option<u64>, GithubError> {
        let Some(path) = &self.event_path else {
            return Ok(None);
        };
        let event = self.event_name.as_deref().unwrap_or("");
        if !matches!(
            event,
            "pull_request" | "pull_request_target" | "issue_comment" | ""
        ) {
            return Ok(None);
        }
        let err = |reason: String| GithubError::Event {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| err(format!("not JSON: {e}")))?;
        let number = match event {
            "issue_comment" if v["issue"]["pull_request"].is_object() => {
                v["issue"]["number"].as_u64()
            }
            "issue_comment" => return Ok(None),
            _ => v["pull_request"]["number"].as_u64(),
        };
        match (number, event) {
            (Some(n), _) => Ok(Some(n)),
            (None, "") => Ok(None),
            (None, _) => Err(err("it has no `pull_request.number`".to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_line_cannot_close_the_html_comment_early() {
        assert_eq!(
            marker_line("entra/keeper.yaml"),
            "<!-- entraprov: entra/keeper.yaml -->"
        );
        let m = marker_line("a-->b\n<!--c--");
        assert_eq!(m.matches("--").count(), 2, "{m}");
        assert!(m.starts_with("<!-- ") && m.ends_with(" -->") && !m.contains('\n'));
    }

    #[test]
    fn a_short_body_is_marker_plus_body() {
        assert_eq!(
            comment_body("m", "## Plan\n", None),
            "<!-- entraprov: m -->\n## Plan\n"
        );
    }

    #[test]
    fn a_long_body_is_truncated_under_the_limit_with_a_link_to_the_summary() {
        let body = format!(
            "## Plan\n```diff\n{}```\n",
            "+ assignment[user:😀@contoso.com → User]\n".repeat(5_000)
        );
        let out = comment_body("m", &body, Some("https://github.com/o/r/actions/runs/7"));
        let units = out.encode_utf16().count();
        assert!(
            units < COMMENT_LIMIT && units > COMMENT_LIMIT - 2_000,
            "{units}"
        );
        assert!(out.starts_with("<!-- entraprov: m -->\n## Plan\n"));
        assert!(!open_fence(&out));
        assert!(out.ends_with(&format!(
            "too long for a pull-request comment ({} characters) and was truncated. The full plan is in the [job summary](https://github.com/o/r/actions/runs/7).\n",
            body.chars().count()
        )));
    }
}
