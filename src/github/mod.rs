//! GitHub Actions integration, used by `plan`/`apply`/`validate` when `GITHUB_ACTIONS=true`:
//! the markdown plan in the job summary (`$GITHUB_STEP_SUMMARY`), step outputs in
//! `$GITHUB_OUTPUT` (random heredoc delimiters), `::error file=…,line=…,col=…::` annotations,
//! and ONE sticky pull-request comment per manifest, created or updated in place through the
//! REST API at `$GITHUB_API_URL`.
//!
//! This is a network module (like `graph` and `scim`): [`Context::upsert_comment`] talks to
//! the GitHub REST API. Everything is read from an injected environment map, so tests run it
//! against temp files and a loopback mock API. The token is a [`SecretString`] and never
//! appears in output, errors or logs; nothing else secret passes through here.
//!
//! # Contract with the action (`scripts/gha/run.sh`)
//!
//! The action runs `entraprov validate --format github PATH`, then
//! `entraprov plan PATH --out FILE --detailed-exitcode` or `entraprov apply PATH --auto-approve`,
//! with `GITHUB_ACTIONS=true`, `ENTRAPROV_SUMMARY_FILE` (copy of the summary for the
//! `summary-file` output), `ENTRAPROV_GITHUB_COMMENT` and `GITHUB_TOKEN` exported. The script
//! itself writes the `exitcode`, `plan-file`, `summary-file` and (plan) `has-changes` outputs.
//! The subcommands do the rest:
//!
//! - `plan`: render the markdown plan and call [`Context::publish`] with the manifest path(s)
//!   as the marker (one comment per manifest set); print the line it returns on stdout.
//! - `apply`: write the markdown apply report (done / failed / skipped) with
//!   [`Context::write_summary`]. Extra step outputs, if any, go through
//!   [`Context::write_outputs`].
//! - Errors of the GitHub side never change the exit code of plan: a comment that cannot be
//!   written (fork pull requests) is a warning annotation; only an unwritable summary is an error.
//!
//! ```no_run
//! # async fn demo(markdown: &str) -> Result<(), entraprov::github::GithubError> {
//! use entraprov::github::Context;
//! if let Some(gh) = Context::from_process_env()? {
//!     if let Some(line) = gh.publish("entra/keeper.yaml", markdown).await? {
//!         println!("{line}");
//!     }
//!     gh.write_outputs(&[("manifests", "1")])?;
//! }
//! # Ok(()) }
//! ```

mod annotation;
mod api;
mod comment;
mod drift;
mod error;
mod files;

use std::collections::HashMap;
use std::path::PathBuf;

use secrecy::SecretString;
use url::Url;

pub use annotation::{Annotation, Level, escape_data, escape_property};
pub use comment::{
    COMMENT_LIMIT, CommentId, CommentOutcome, SkipReason, comment_body, marker_line,
};
pub use drift::{DRIFT_LABEL, DriftOutcome, DriftState};
pub use error::GithubError;
pub use files::{SUMMARY_LIMIT, fit_summary, format_outputs};

/// `owner/name` of the repository the workflow runs in (`GITHUB_REPOSITORY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// Owner (user or organisation).
    pub owner: String,
    /// Repository name.
    pub name: String,
}

/// What the GitHub Actions runner told us through the environment.
///
/// Built by [`Context::from_env`] (any map, for tests) or [`Context::from_process_env`].
/// Variables read: `GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_API_URL`,
/// `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_RUN_ID`, `GITHUB_EVENT_NAME`,
/// `GITHUB_EVENT_PATH`, `GITHUB_TOKEN`, and entraprov's own `ENTRAPROV_GITHUB_COMMENT`
/// (`false` turns the comment off), `ENTRAPROV_GITHUB_COMMENT_AUTHOR` (login whose comments
/// and issues may be updated, when the token is not a bot's), `ENTRAPROV_GITHUB_DRIFT`
/// (`true`: `plan` keeps one drift issue per manifest instead of a pull-request comment) and
/// `ENTRAPROV_SUMMARY_FILE` (a copy of the summary, for the action's `summary-file` output).
#[derive(Debug)]
pub struct Context {
    step_summary: Option<PathBuf>,
    output: Option<PathBuf>,
    summary_copy: Option<PathBuf>,
    api_url: Url,
    server_url: Url,
    repository: Option<Repository>,
    run_id: Option<String>,
    event_name: Option<String>,
    event_path: Option<PathBuf>,
    token: Option<SecretString>,
    comment: bool,
    comment_author: Option<String>,
    drift: bool,
}

impl Context {
    /// Reads the context from an environment map. `Ok(None)` unless `GITHUB_ACTIONS=true`.
    pub fn from_env(env: &HashMap<String, String>) -> Result<Option<Context>, GithubError> {
        let get = |k: &str| env.get(k).map(String::as_str).filter(|v| !v.is_empty());
        if get("GITHUB_ACTIONS") != Some("true") {
            return Ok(None);
        }
        let api_url = parse_url(
            "GITHUB_API_URL",
            get("GITHUB_API_URL").unwrap_or("https://api.github.com"),
        )?;
        if api_url.scheme() != "https" && !is_loopback(&api_url) {
            return Err(GithubError::InsecureApiUrl {
                url: api_url.to_string(),
            });
        }
        let server_url = parse_url(
            "GITHUB_SERVER_URL",
            get("GITHUB_SERVER_URL").unwrap_or("https://github.com"),
        )?;
        let repository = get("GITHUB_REPOSITORY").map(parse_repository).transpose()?;
        let comment = flag(
            get("ENTRAPROV_GITHUB_COMMENT"),
            "ENTRAPROV_GITHUB_COMMENT",
            true,
        )?;
        let drift = flag(
            get("ENTRAPROV_GITHUB_DRIFT"),
            "ENTRAPROV_GITHUB_DRIFT",
            false,
        )?;
        Ok(Some(Context {
            step_summary: get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: get("GITHUB_OUTPUT").map(PathBuf::from),
            summary_copy: get("ENTRAPROV_SUMMARY_FILE").map(PathBuf::from),
            api_url,
            server_url,
            repository,
            run_id: get("GITHUB_RUN_ID").map(str::to_owned),
            event_name: get("GITHUB_EVENT_NAME").map(str::to_owned),
            event_path: get("GITHUB_EVENT_PATH").map(PathBuf::from),
            token: get("GITHUB_TOKEN").map(|t| SecretString::from(t.to_owned())),
            comment,
            comment_author: get("ENTRAPROV_GITHUB_COMMENT_AUTHOR").map(str::to_owned),
            drift,
        }))
    }

    /// [`Context::from_env`] on the process environment.
    pub fn from_process_env() -> Result<Option<Context>, GithubError> {
        Self::from_env(&std::env::vars().collect())
    }

    /// Appends the markdown to the job summary (`$GITHUB_STEP_SUMMARY`), truncated with a note
    /// if it would pass the runner's 1 MiB limit, and writes the whole markdown to
    /// `$ENTRAPROV_SUMMARY_FILE` when set. Does nothing for a variable that is not set.
    pub fn write_summary(&self, markdown: &str) -> Result<(), GithubError> {
        if let Some(path) = &self.step_summary {
            let existing = std::fs::metadata(path)
                .map(|m| m.len() as usize)
                .unwrap_or(0);
            files::append(path, &fit_summary(markdown, existing))?;
        }
        if let Some(path) = &self.summary_copy {
            files::replace(path, markdown)?;
        }
        Ok(())
    }

    /// Appends step outputs to `$GITHUB_OUTPUT` (see [`format_outputs`]). Nothing is written
    /// if any pair is refused. Does nothing when the variable is not set.
    pub fn write_outputs(&self, outputs: &[(&str, &str)]) -> Result<(), GithubError> {
        let text = format_outputs(outputs)?;
        match &self.output {
            Some(path) => files::append(path, &text),
            None => Ok(()),
        }
    }

    /// What `plan` and `apply` do under GitHub Actions: append the markdown to the job summary
    /// (an error if that fails), then create or update the sticky comment, best effort.
    /// Returns a line to print on stdout: where the comment is, or a `::warning::` annotation
    /// saying why it could not be written (a fork's read-only token must not fail the job);
    /// `None` when there is nothing to say (commenting off, or not a pull request).
    pub async fn publish(
        &self,
        marker: &str,
        markdown: &str,
    ) -> Result<Option<String>, GithubError> {
        self.write_summary(markdown)?;
        Ok(match self.upsert_comment(marker, markdown).await {
            Ok(CommentOutcome::Skipped(SkipReason::Disabled | SkipReason::NotPullRequest)) => None,
            Ok(outcome @ CommentOutcome::Skipped(_)) => {
                let text = outcome.to_string();
                Some(
                    Annotation::new(Level::Warning, &text)
                        .titled("entraprov comment")
                        .to_string(),
                )
            }
            Ok(outcome) => Some(outcome.to_string()),
            Err(e) => {
                let help = miette::Diagnostic::help(&e)
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                let text = format!("could not write the pull-request comment: {e}{help}");
                Some(
                    Annotation::new(Level::Warning, &text)
                        .titled("entraprov comment")
                        .to_string(),
                )
            }
        })
    }

    /// Whether this run is a drift check (`ENTRAPROV_GITHUB_DRIFT=true`, the action's
    /// `command: drift`).
    pub fn is_drift_check(&self) -> bool {
        self.drift
    }

    /// What `plan` does in a drift check: append the markdown to the job summary, then open,
    /// update or close the manifest's drift issue. Returns the line to print. Unlike the
    /// pull-request comment, an issue that cannot be written is an error: it is the check's
    /// only result.
    pub async fn publish_drift(
        &self,
        marker: &str,
        markdown: &str,
        state: DriftState,
    ) -> Result<String, GithubError> {
        self.write_summary(markdown)?;
        let outcome = self.sync_drift_issue(marker, markdown, state).await?;
        Ok(format!("{}: {outcome}", crate::text::shown(marker)))
    }

    /// A link to this workflow run, whose page shows the job summaries.
    pub fn run_url(&self) -> Option<String> {
        let repo = self.repository.as_ref()?;
        let run = self.run_id.as_deref()?;
        let base = self.server_url.as_str().trim_end_matches('/');
        Some(format!(
            "{base}/{}/{}/actions/runs/{run}",
            repo.owner, repo.name
        ))
    }

    /// The repository, if `GITHUB_REPOSITORY` is set.
    pub fn repository(&self) -> Option<&Repository> {
        self.repository.as_ref()
    }
}

/// `true` / `false` (or unset: `default`) of an entraprov environment switch.
fn flag(value: Option<&str>, var: &'static str, default: bool) -> Result<bool, GithubError> {
    match value {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(GithubError::InvalidEnv {
            var,
            reason: format!("expected `true` or `false`, got {other:?}"),
        }),
    }
}

fn parse_url(var: &'static str, value: &str) -> Result<Url, GithubError> {
    Url::parse(value).map_err(|e| GithubError::InvalidEnv {
        var,
        reason: format!("{value:?} is not a URL ({e})"),
    })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn parse_repository(value: &str) -> Result<Repository, GithubError> {
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    match value.split_once('/') {
        Some((owner, name)) if valid(owner) && valid(name) => Ok(Repository {
            owner: owner.to_owned(),
            name: name.to_owned(),
        }),
        _ => Err(GithubError::InvalidEnv {
            var: "GITHUB_REPOSITORY",
            reason: format!("expected `owner/name`, got {value:?}"),
        }),
    }
}

#[cfg(test)]
mod tests;
