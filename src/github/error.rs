//! Errors of the GitHub integration. None of them ever carries the token.

use std::path::PathBuf;

/// What can go wrong talking to the GitHub runner (files) or the GitHub REST API.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GithubError {
    /// An environment variable the runner sets has a value we cannot use.
    #[error("environment variable {var} is invalid: {reason}")]
    #[diagnostic(
        code(E0901),
        help("this variable is set by the GitHub Actions runner; check the workflow's `env:`")
    )]
    InvalidEnv {
        /// Variable name.
        var: &'static str,
        /// Why it is unusable.
        reason: String,
    },

    /// `GITHUB_API_URL` is plain http on a non-loopback host: the token would travel in clear.
    #[error("refusing to send the GitHub token over plain http to {url}")]
    #[diagnostic(
        code(E0902),
        help(
            "use an https:// GITHUB_API_URL (http:// is only accepted for 127.0.0.1 / localhost)"
        )
    )]
    InsecureApiUrl {
        /// The offending URL.
        url: String,
    },

    /// Writing a runner file (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, the summary copy) failed.
    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(code(E0903))]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An output name or value contains the random heredoc delimiter (as `@actions/core` refuses).
    #[error("output `{name}` cannot be written: its name or value contains the heredoc delimiter")]
    #[diagnostic(code(E0904))]
    DelimiterCollision {
        /// Output name.
        name: String,
    },

    /// An output name is empty or contains a line break or `=`/`<<`.
    #[error(
        "invalid output name {name:?}: it must be non-empty and contain no line break, `=` or `<<`"
    )]
    #[diagnostic(code(E0905))]
    InvalidOutputName {
        /// The name as given.
        name: String,
    },

    /// The event payload (`GITHUB_EVENT_PATH`) is unreadable or has no pull-request number.
    #[error("cannot read the pull-request number from the event payload {}: {reason}", path.display())]
    #[diagnostic(code(E0906))]
    Event {
        /// The event file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// The GitHub REST API answered with an error status.
    #[error("GitHub API {method} {path} failed with {status}: {message}{}", request_id.as_deref().map(|r| format!(" (request id {r})")).unwrap_or_default())]
    #[diagnostic(code(E0907))]
    Api {
        /// HTTP method.
        method: &'static str,
        /// Request path (no host, no query secrets: GitHub URLs carry none).
        path: String,
        /// HTTP status code.
        status: u16,
        /// GitHub's `message` field, or the start of the body.
        message: String,
        /// `x-github-request-id`, for GitHub support.
        request_id: Option<String>,
        /// What to do about it.
        #[help]
        help: Option<String>,
    },

    /// The request did not complete (connection refused, timeout, TLS, bad JSON).
    #[error("GitHub API {method} {path} did not complete: {reason}")]
    #[diagnostic(
        code(E0908),
        help("check GITHUB_API_URL and the runner's network access")
    )]
    Transport {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// The transport error, without URL query or headers.
        reason: String,
    },
}

impl GithubError {
    /// Whether retrying the same request may succeed (rate limits, 5xx, transport errors).
    pub fn is_retryable(&self) -> bool {
        match self {
            GithubError::Api { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            GithubError::Transport { .. } => true,
            _ => false,
        }
    }
}

/// The help line for an API error status.
pub(crate) fn api_help(status: u16) -> Option<String> {
    let text = match status {
        401 => "the token was rejected; pass `github-token` (default: the job's GITHUB_TOKEN)",
        403 => {
            "the token may not comment: give the job `permissions: pull-requests: write`; on pull \
             requests from forks GITHUB_TOKEN is read-only, so set `comment: false` there (the plan \
             is still in the job summary)"
        }
        404 => "repository or pull request not found, or the token cannot see it",
        422 => "GitHub rejected the comment body",
        429 => "rate limited by GitHub; retry later",
        _ => return None,
    };
    Some(text.to_owned())
}
