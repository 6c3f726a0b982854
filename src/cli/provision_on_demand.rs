//! `entraprov provision-on-demand PATH --user UPN [--group NAME]`: provision one user now
//! (Graph `provisionOnDemand`), or with `--group` the group with just the given members
//! (the `links.members` form), and show a readable report.
//!
//! Graph answers with a `stringKeyStringValuePair` whose `key` and `value` are both JSON
//! documents encoded as strings; [`decode`] turns them into an [`OnDemandReport`] and
//! [`render`] into text. Graph allows 5 calls per 10 seconds; [`RateLimit`] keeps us under.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub mod report;

pub use report::{
    DecodeError, ErrorInformation, Identity, ModifiedProperty, NamedSystem, ObjectResult,
    OnDemandReport, StatusInfo, Step, decode, decode_values, render,
};

use super::test_connection as tc;
use super::{Exit, GlobalArgs};
use crate::graph::Client;
use crate::ids::{GroupId, JobId, ServicePrincipalId, UserId};

/// Arguments of `entraprov provision-on-demand`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest of the app.
    pub path: std::path::PathBuf,
    /// User principal name (or object id) of the user to provision; repeat for up to 5
    /// users (Graph allows 5 calls per 10 seconds; entraprov waits as needed).
    #[arg(long, required = true)]
    pub user: Vec<String>,
    /// Provision this group (display name) with just the `--user`s as its members (1 to 5),
    /// as the portal does; the users must be members of the group.
    #[arg(long)]
    pub group: Option<String>,
}

/// Most members Graph provisions on demand with one group.
pub const MAX_GROUP_MEMBERS: usize = 5;

/// Runs `entraprov provision-on-demand`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let loaded = match tc::load_one(&args.path) {
        Ok(l) => l,
        Err(exit) => return Ok(exit),
    };
    let m = &loaded.manifest;
    if args.group.is_some() && args.user.len() > MAX_GROUP_MEMBERS {
        return Err(fail(
            "E0735",
            format!(
                "--group takes at most {MAX_GROUP_MEMBERS} --user members (Graph's limit); got {}",
                args.user.len()
            ),
        ));
    }
    let client = tc::graph_client(global).map_err(|e| fail("E0731", e))?;
    tc::tenant_guard(&client, m)
        .await
        .map_err(|e| fail("E0731", e))?;
    let (sp, job) = tc::find_app_and_job(&client, m)
        .await
        .map_err(|e| fail("E0732", e))?
        .ok_or_else(|| {
            fail(
                "E0732",
                format!(
                    "no app tagged entraprov:{} with a provisioning job: run `entraprov apply` first",
                    m.name
                ),
            )
        })?;
    let rule = first_rule_id(&client, &sp.id, &job.id).await?;
    let users = resolve_users(&client, &args.user).await?;
    let mut limit = RateLimit::provision_on_demand();
    if let Some(name) = &args.group {
        let target = OnDemandTarget {
            client: &client,
            sp: &sp.id,
            job: &job.id,
            rule: &rule,
        };
        return provision_group(&target, name, &users, &mut limit, &m.app.display_name).await;
    }
    let mut all_ok = true;
    for (upn, id) in users {
        limit.acquire().await;
        let answer = client
            .provision_on_demand(&sp.id, &job.id, &rule, id.as_str(), "User")
            .await
            .map_err(|e| fail("E0734", tc::graph_error_line(&e)))?;
        let report = decode_values(answer.summary, answer.details)?;
        all_ok &= report.succeeded();
        println!(
            "{}",
            render(&report, &format!("user {upn}"), &m.app.display_name)
        );
    }
    Ok(if all_ok { Exit::Success } else { Exit::Error })
}

/// Where on-demand requests go.
struct OnDemandTarget<'a> {
    client: &'a Client,
    sp: &'a ServicePrincipalId,
    job: &'a JobId,
    rule: &'a str,
}

/// `--group`: one request for the group with the users as its members; one report.
async fn provision_group(
    t: &OnDemandTarget<'_>,
    name: &str,
    users: &[(String, UserId)],
    limit: &mut RateLimit,
    app: &str,
) -> miette::Result<Exit> {
    let group = resolve_group(t.client, name).await?;
    let ids: Vec<UserId> = users.iter().map(|(_, id)| id.clone()).collect();
    limit.acquire().await;
    let answer = t
        .client
        .provision_group_on_demand(t.sp, t.job, t.rule, &group, &ids)
        .await
        .map_err(|e| fail("E0734", tc::graph_error_line(&e)))?;
    let report = decode_values(answer.summary, answer.details)?;
    let upns: Vec<&str> = users.iter().map(|(upn, _)| upn.as_str()).collect();
    let subject = format!("group {name} with {}", upns.join(", "));
    println!("{}", render(&report, &subject, app));
    Ok(if report.succeeded() {
        Exit::Success
    } else {
        Exit::Error
    })
}

fn fail(code: &'static str, message: String) -> miette::Report {
    miette::Report::new(OnDemandError { code, message })
}

/// An error of this command.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct OnDemandError {
    code: &'static str,
    message: String,
}

impl miette::Diagnostic for OnDemandError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
}

async fn first_rule_id(
    client: &Client,
    sp: &ServicePrincipalId,
    job: &JobId,
) -> miette::Result<String> {
    let schema = client
        .get_schema(sp, job)
        .await
        .map_err(|e| fail("E0734", tc::graph_error_line(&e)))?;
    schema.0["synchronizationRules"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|r| r["id"].as_str().map(str::to_owned))
        .ok_or_else(|| {
            fail(
                "E0734",
                "the job's schema has no synchronization rule".to_owned(),
            )
        })
}

/// `(as given, object id)` for each `--user`: UPNs resolved, GUIDs used as they are.
async fn resolve_users(client: &Client, given: &[String]) -> miette::Result<Vec<(String, UserId)>> {
    let upns: Vec<String> = given.iter().filter(|u| u.contains('@')).cloned().collect();
    let found = if upns.is_empty() {
        Default::default()
    } else {
        client
            .resolve_users_by_upn(&upns)
            .await
            .map_err(|e| fail("E0735", tc::graph_error_line(&e)))?
    };
    given
        .iter()
        .map(|u| {
            if !u.contains('@') {
                return Ok((u.clone(), UserId::new(u.as_str())));
            }
            match found.get(u).cloned().flatten() {
                Some(user) => Ok((u.clone(), user.id)),
                None => Err(fail(
                    "E0735",
                    format!("no user has the userPrincipalName {u}"),
                )),
            }
        })
        .collect()
}

/// The object id of the one group with this display name (E0735 for none or several).
async fn resolve_group(client: &Client, name: &str) -> miette::Result<GroupId> {
    let found = client
        .resolve_groups_by_name(std::slice::from_ref(&name.to_owned()))
        .await
        .map_err(|e| fail("E0735", tc::graph_error_line(&e)))?;
    let hits = found.get(name).map(Vec::as_slice).unwrap_or_default();
    match hits {
        [one] => Ok(one.id.clone()),
        [] => Err(fail(
            "E0735",
            format!("no group has the displayName {name}"),
        )),
        many => {
            let ids: Vec<&str> = many.iter().map(|g| g.id.as_str()).collect();
            Err(fail(
                "E0735",
                format!(
                    "{} groups have the displayName {name} ({}); display names are not unique",
                    many.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// Client-side limiter for Graph's documented limit on `provisionOnDemand`: at most
/// `max` calls in any `window`.
#[derive(Debug, Clone)]
pub struct RateLimit {
    max: usize,
    window: Duration,
    sent: VecDeque<Instant>,
}

impl RateLimit {
    /// Graph's limit: 5 calls per 10 seconds.
    pub fn provision_on_demand() -> Self {
        Self::new(5, Duration::from_secs(10))
    }

    /// A limiter of `max` calls per `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max: max.max(1),
            window,
            sent: VecDeque::new(),
        }
    }

    /// How long to wait at `now` before the next call may go (pure).
    pub fn delay(&mut self, now: Instant) -> Duration {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            self.sent.pop_front();
        }
        match self.sent.front() {
            Some(oldest) if self.sent.len() >= self.max => {
                self.window.saturating_sub(now.duration_since(*oldest))
            }
            _ => Duration::ZERO,
        }
    }

    /// Records a call made at `at`.
    pub fn record(&mut self, at: Instant) {
        self.sent.push_back(at);
    }

    /// Waits until a call is allowed, then records it.
    pub async fn acquire(&mut self) {
        let wait = self.delay(Instant::now());
        if !wait.is_zero() {
            tracing::info!("waiting {wait:?} for Graph's provisionOnDemand limit (5 per 10 s)");
            tokio::time::sleep(wait).await;
        }
        self.record(Instant::now());
    }
}
