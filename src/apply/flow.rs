//! The whole apply of one manifest, in-process: observe → diff → execute → observe again →
//! convergence. Used by `entraprov apply`, `entraprov demo` and the tests (which run it
//! against the simulator without spawning the binary).

use crate::graph::Client;
use crate::graph::auth::Env;
use crate::ids::ServicePrincipalId;
use crate::manifest::LoadedManifest;
use crate::observe::{self, ObserveError};
use crate::plan::saved::{SavedEntry, manifest_digest, observed_fingerprint};
use crate::plan::state::{DesiredState, ObservedState};
use crate::plan::{self, ApplyReport, Convergence, Plan};

use super::{ApplyOptions, Inputs, Progress, StopFlag};

/// One manifest against one tenant: the client, the manifest, and the environment its
/// secret reference is read from. These travel together through plan, apply and the
/// convergence check.
#[derive(Clone, Copy)]
pub struct Session<'a> {
    /// The Graph client for the tenant.
    pub client: &'a Client,
    /// The manifest being applied.
    pub loaded: &'a LoadedManifest,
    /// Where `fromEnv` secrets are read.
    pub env: &'a Env,
}

/// A manifest observed and diffed.
#[derive(Debug)]
pub struct Planned {
    /// What the manifest declares (with the secret token read from its reference).
    pub desired: DesiredState,
    /// What the tenant holds.
    pub observed: ObservedState,
    /// The plan, with observe's notes among its warnings.
    pub plan: Plan,
}

impl Planned {
    /// The saved-plan entry of this plan (for `plan --out` and staleness checks).
    pub fn entry(&self, loaded: &LoadedManifest) -> SavedEntry {
        SavedEntry {
            manifest: loaded.file.name.clone(),
            manifest_digest: manifest_digest(loaded.source().as_bytes()),
            observed_fingerprint: observed_fingerprint(&self.observed),
            plan: self.plan.clone(),
        }
    }
}

/// The secrets apply needs, taken from the desired state.
pub fn inputs(desired: &DesiredState) -> Inputs {
    Inputs {
        secret_token: desired
            .provisioning
            .as_ref()
            .and_then(|p| p.credentials.as_ref())
            .and_then(|c| c.secret_token.clone()),
        mappings: desired
            .provisioning
            .as_ref()
            .map(|p| p.mappings.clone())
            .unwrap_or_default(),
        connector: None,
        manifest_source: None,
    }
}

/// Observes the tenant for `loaded` and diffs it.
pub async fn plan_manifest(
    client: &Client,
    loaded: &LoadedManifest,
    env: &Env,
) -> Result<Planned, ObserveError> {
    let (desired, observed, cx) = observe::observe_with_env(client, loaded, env).await?;
    let mut plan = plan::diff(&desired, &observed);
    plan.warnings.extend(cx.warnings);
    Ok(Planned {
        desired,
        observed,
        plan,
    })
}

/// Executes `plan`, then observes again and records whether the tenant now matches the
/// manifest (or what still differs). Skipped when apply was interrupted.
pub async fn apply_and_check(
    session: Session<'_>,
    planned: &Planned,
    opts: &ApplyOptions,
    progress: &dyn Progress,
    stop: &StopFlag,
) -> ApplyReport {
    let mut inputs = inputs(&planned.desired);
    inputs.connector = Some(crate::connector::for_app(&session.loaded.manifest.app));
    inputs.manifest_source = Some((
        session.loaded.file.name.clone(),
        session.loaded.source().to_owned(),
    ));
    let client = session.client;
    let (mut report, created) =
        super::execute_tracked(client, &planned.plan, &inputs, opts, progress, stop).await;
    if report.interrupted {
        return report;
    }
    progress.step("checking that the tenant matches the manifest", 0);
    // Lists lag: look again a few times, unless something failed (then once is enough).
    let polls = if super::all_done(&report) {
        opts.recheck_polls
    } else {
        1
    };
    let mut verdict = check(session, opts, polls, stop).await;
    if verdict != Convergence::Converged
        && let Some(mine) = &created
        && lost_late(session, mine, progress).await
    {
        // The winner is configured by the apply that made it; check that it converges.
        verdict = check(session, opts, opts.recheck_polls, stop).await;
    }
    report.convergence = Some(verdict);
    progress.finish_step();
    report
}

/// Whether the app this apply created turned out, after apply, to share the tag with an
/// older one made by another apply at the same time (a race the look after tagging did not
/// see); then it is deleted (docs/concurrency.md).
async fn lost_late(
    session: Session<'_>,
    mine: &ServicePrincipalId,
    progress: &dyn Progress,
) -> bool {
    let client = session.client;
    let tag = crate::plan::fingerprint::name_tag(&session.loaded.manifest.name);
    let Ok(tagged) = client.find_service_principals_by_tag(&tag).await else {
        return false;
    };
    if tagged.len() < 2 || !tagged.iter().any(|s| &s.id == mine) {
        return false;
    }
    match super::race::winner(client, &tagged).await {
        Ok(Some(winner)) if &winner != mine => {
            progress.note(&format!(
                "another apply created app {winner} at the same time; deleting {mine} (made \
                 by this apply)"
            ));
            super::race::discard(client, mine).await.is_ok()
        }
        _ => false,
    }
}

/// Observes again until a fresh plan is empty. Lists lag behind writes (new assignments
/// show up in `appRoleAssignedTo` after a while), so a non-empty plan is looked at again a
/// few times, with growing pauses, before it counts as not converged.
async fn check(
    session: Session<'_>,
    opts: &ApplyOptions,
    polls: u32,
    stop: &StopFlag,
) -> Convergence {
    let Session {
        client,
        loaded,
        env,
    } = session;
    let mut delay = opts.recheck_delay;
    let mut verdict = Convergence::Converged;
    for n in 0..polls.max(1) {
        verdict = match plan_manifest(client, loaded, env).await {
            Ok(after) => super::convergence(&after.plan),
            Err(e) => {
                let mut leftover = vec![format!("the tenant could not be read again: {e}")];
                leftover.extend(e.diagnostics().iter().map(|d| format!("  {}", d.message)));
                Convergence::NotConverged { leftover }
            }
        };
        if verdict == Convergence::Converged || stop.is_set() || n + 1 >= polls {
            break;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(std::time::Duration::from_secs(10));
    }
    verdict
}
