//! Pure evaluation: what was read → [`AppStatus`] with a [`Health`] verdict.

use std::collections::{BTreeMap, BTreeSet};

use super::advice::{self, JobRef};
use super::read::Live;
use super::time::{is_never, parse_iso};
use super::{
    AppStatus, CodeMessage, ExecutionView, Health, JobView, ProblemEntry, ProblemGroup, Problems,
    ProgressView, QuarantineView, TypeCount,
};
use crate::graph::wire::{
    ProvisioningEntry, Quarantine, ServicePrincipal, SyncError, SyncJob, SyncProgress,
    TaskExecution,
};
use crate::manifest::LoadedManifest;

/// Entries shown per error code.
pub const SHOWN_PER_GROUP: usize = 5;

/// Evaluates one manifest's reads. `graph_url` (versioned base) goes into the suggested
/// `az rest` commands.
pub fn evaluate(m: &LoadedManifest, live: &Live, graph_url: &str) -> AppStatus {
    let mut st = AppStatus {
        manifest: m.file.name.clone(),
        name: m.manifest.name.clone(),
        display_name: m.manifest.app.display_name.clone(),
        health: Health::NotFound,
        service_principal_id: None,
        job: None,
        quarantine: None,
        problems: Problems::default(),
        notes: Vec::new(),
    };
    let Some(sp) = tagged_app(live, &mut st) else {
        return st;
    };
    st.service_principal_id = Some(sp.id.to_string());
    let Some((job, progress)) = &live.job else {
        st.notes.push(format!(
            "the app has no synchronization job — run `entraprov apply {}` to configure provisioning",
            st.manifest
        ));
        return st;
    };
    let view = job_view(job, progress);
    st.problems = problems(live, &st.manifest);
    st.health = verdict(&view);
    if let Some(q) = job.status.as_ref().and_then(|s| s.quarantine.as_ref()) {
        let jr = JobRef {
            graph_url,
            sp: sp.id.as_str(),
            job: job.id.as_str(),
            manifest: &st.manifest,
        };
        let seen = seen_in_logs(&st.problems);
        st.quarantine = Some(quarantine_view(q, seen, &jr));
    }
    notes(m, &view, &mut st.notes);
    st.job = Some(view);
    st
}

/// The one app tagged for this manifest; else `None`, with a note on `st` saying why.
fn tagged_app<'l>(live: &'l Live, st: &mut AppStatus) -> Option<&'l ServicePrincipal> {
    match live.apps.as_slice() {
        [sp] => Some(sp),
        [] => {
            st.notes.push(format!(
                "no app is tagged entraprov:{} — run `entraprov apply {}` first",
                st.name, st.manifest
            ));
            None
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
            st.notes.push(format!(
                "{} apps carry the tag entraprov:{} ({}); remove the tag from all but one",
                many.len(),
                st.name,
                ids.join(", ")
            ));
            None
        }
    }
}

/// What the logs showed, for the quarantine advice: held deletions, and the
/// failures when the logs were read.
fn seen_in_logs(p: &Problems) -> (usize, Option<usize>) {
    let read = p.since.is_some() && p.unavailable.is_none();
    let failures = p
        .groups
        .iter()
        .filter(|g| g.status == "failure")
        .map(|g| g.count)
        .sum();
    (p.held_deletions, read.then_some(failures))
}

fn quarantine_view(
    q: &Quarantine,
    seen: (usize, Option<usize>),
    jr: &JobRef<'_>,
) -> QuarantineView {
    let err = q.error.as_ref().map(code_message);
    let text = |f: fn(&CodeMessage) -> &Option<String>| {
        err.as_ref().and_then(|e| f(e).clone()).unwrap_or_default()
    };
    let (code, msg) = (text(|e| &e.code), text(|e| &e.message));
    let reason = q.reason.clone().unwrap_or_else(|| "Unknown".into());
    QuarantineView {
        what_to_do: advice::quarantine(&reason, &code, &msg, seen, jr),
        reason: Some(reason),
        series_began: q.series_began.clone(),
        current_began: q.current_began.clone(),
        next_attempt: q.next_attempt.clone(),
        series_count: q.series_count,
        error: err,
    }
}

fn verdict(v: &JobView) -> Health {
    let last_state = v.last_execution.as_ref().and_then(|e| e.state.as_deref());
    if v.state == "Quarantine" {
        Health::Quarantined
    } else if last_state == Some("Failed") {
        Health::Failed
    } else if v.state == "Disabled" {
        Health::Disabled
    } else if v.state == "Paused" {
        Health::Paused
    } else if !v.steady_state {
        Health::InProgress
    } else if last_state == Some("EntryLevelErrors") {
        Health::Degraded
    } else {
        Health::Healthy
    }
}

fn notes(m: &LoadedManifest, v: &JobView, out: &mut Vec<String>) {
    let enabled = m.manifest.provisioning.as_ref().and_then(|p| p.enabled);
    if enabled == Some(true) && matches!(v.state.as_str(), "Paused" | "Disabled") {
        out.push(format!(
            "the manifest says provisioning.enabled: true but the job is {} — run `entraprov apply {}`",
            v.state, m.file.name
        ));
    }
    if enabled == Some(false) && v.state == "Active" {
        out.push(format!(
            "the manifest says provisioning.enabled: false but the job is Active — run `entraprov apply {}`",
            m.file.name
        ));
    }
    if let Some(e) = v
        .last_execution
        .as_ref()
        .filter(|e| e.state.as_deref() == Some("Failed"))
    {
        let code = e
            .error
            .as_ref()
            .and_then(|c| c.code.clone())
            .unwrap_or_default();
        let msg = e
            .error
            .as_ref()
            .and_then(|c| c.message.clone())
            .unwrap_or_default();
        let check = if advice::is_credential_error(&code, &msg) {
            "the target rejected the credentials"
        } else {
            "check that the target is reachable and accepts the credentials"
        };
        out.push(format!(
            "the last cycle failed ({}): {check}: `entraprov test-connection {}`; the service retries every cycle and quarantines the job after repeated failures",
            if code.is_empty() { "no error code" } else { &code },
            m.file.name
        ));
    }
}

/// The job as shown.
pub fn job_view(job: &SyncJob, progress: &[SyncProgress]) -> JobView {
    let status = job.status.as_ref();
    let code = job.status_code().map(str::to_owned);
    let schedule_state = job.schedule_state().map(str::to_owned);
    let quarantined =
        code.as_deref() == Some("Quarantine") || status.is_some_and(|s| s.quarantine.is_some());
    let state = if quarantined {
        "Quarantine".to_owned()
    } else {
        schedule_state
            .clone()
            .or(code.clone())
            .unwrap_or_else(|| "Unknown".into())
    };
    let real = |t: &Option<String>| t.clone().filter(|t| !is_never(t));
    let last_steady = status.and_then(|s| real(&s.steady_state_last_achieved_time));
    let interval = job.schedule.as_ref().and_then(|s| s.interval.clone());
    let running = progress
        .iter()
        .find(|p| p.total_units > 0 && p.completed_units < p.total_units)
        .map(|p| ProgressView {
            completed: p.completed_units,
            total: p.total_units,
            units: p.units.clone(),
        });
    JobView {
        id: job.id.to_string(),
        state,
        schedule_state,
        status_code: code,
        interval_text: interval.as_deref().map(super::time::interval_text),
        interval,
        last_execution: status
            .and_then(|s| s.last_execution.as_ref())
            .map(execution),
        last_successful_execution: status
            .and_then(|s| s.last_successful_execution.as_ref())
            .map(execution),
        steady_state: last_steady.is_some() && running.is_none(),
        steady_state_first_achieved: status.and_then(|s| real(&s.steady_state_first_achieved_time)),
        steady_state_last_achieved: last_steady,
        successive_failures: status
            .and_then(|s| s.count_successive_complete_failures)
            .unwrap_or(0),
        progress: running,
        counts: status
            .map(|s| {
                s.synchronized_entry_count_by_type
                    .iter()
                    .map(|kc| TypeCount {
                        object_type: kc.key.clone(),
                        count: kc.value,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn code_message(e: &SyncError) -> CodeMessage {
    CodeMessage {
        code: e.code.clone(),
        message: e.message.clone(),
    }
}

fn execution(e: &TaskExecution) -> ExecutionView {
    let duration = match (
        e.time_began.as_deref().and_then(parse_iso),
        e.time_ended.as_deref().and_then(parse_iso),
    ) {
        (Some(a), Some(b)) if b >= a => Some(b - a),
        _ => None,
    };
    ExecutionView {
        state: e.state.clone(),
        began: e.time_began.clone(),
        ended: e.time_ended.clone(),
        duration_seconds: duration,
        imported: e.count_imported,
        exported: e.count_exported,
        escrowed: e.count_escrowed,
        error: e.error.as_ref().map(code_message),
    }
}

fn problems(live: &Live, manifest: &str) -> Problems {
    let mut p = Problems {
        since: live.since.clone(),
        truncated: live.truncated,
        ..Problems::default()
    };
    let entries = match &live.logs {
        None => return p,
        Some(Err(e)) => {
            p.unavailable = Some(e.clone());
            return p;
        }
        Some(Ok(entries)) => entries,
    };
    p.entries_read = entries.len();
    p.held_deletions = entries
        .iter()
        .filter(|e| action(e).eq_ignore_ascii_case("stagedDelete"))
        .count();
    p.groups = group_problems(entries, manifest);
    p
}

/// Failed and skipped entries grouped by error code and status, failures and
/// the largest groups first; each user counted once per group.
fn group_problems(entries: &[ProvisioningEntry], manifest: &str) -> Vec<ProblemGroup> {
    let mut groups: BTreeMap<(String, String), ProblemGroup> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for e in entries {
        let status = e.status().unwrap_or_default().to_ascii_lowercase();
        if status != "failure" && status != "skipped" {
            continue;
        }
        let info = e.error();
        let code = info
            .and_then(|i| i.error_code.clone())
            .unwrap_or_else(|| "(no error code)".into());
        let g = groups
            .entry((code.clone(), status.clone()))
            .or_insert_with(|| ProblemGroup {
                recommended_action: info
                    .and_then(|i| i.recommended_action.clone())
                    .filter(|a| !a.trim().is_empty())
                    .unwrap_or_else(|| advice::for_error_code(&code, action(e), manifest)),
                error_code: code,
                status,
                count: 0,
                users: 0,
                entries: Vec::new(),
            });
        g.count += 1;
        let who = user(e);
        if !seen.insert((g.error_code.clone(), g.status.clone(), who.clone())) {
            continue;
        }
        g.users += 1;
        if g.entries.len() < SHOWN_PER_GROUP {
            g.entries.push(ProblemEntry {
                user: who,
                action: action(e).to_owned(),
                time: e.activity_date_time.clone(),
                reason: info.and_then(|i| i.reason.clone()),
            });
        }
    }
    let mut groups: Vec<ProblemGroup> = groups.into_values().collect();
    groups.sort_by(|a, b| {
        (b.status == "failure", b.count)
            .cmp(&(a.status == "failure", a.count))
            .then_with(|| a.error_code.cmp(&b.error_code))
    });
    groups
}

fn action(e: &ProvisioningEntry) -> &str {
    e.provisioning_action.as_deref().unwrap_or("other")
}

fn user(e: &ProvisioningEntry) -> String {
    let src = e.source_identity.as_ref();
    src.and_then(|i| i.upn().map(str::to_owned))
        .or_else(|| src.and_then(|i| i.display_name.clone()))
        .or_else(|| {
            e.target_identity
                .as_ref()
                .and_then(|i| i.display_name.clone())
        })
        .unwrap_or_else(|| "(unknown)".into())
}
