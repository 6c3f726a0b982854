//! The state of one apply run: the ids learnt so far and the outcome of every change.

use std::collections::HashMap;
use std::time::Duration;

use crate::graph::{Client, GraphError};
use crate::ids::{AppRoleId, JobId, PrincipalId, ServicePrincipalId};
use crate::plan::change::Target;
use crate::plan::{Address, ApplyReport, Failure, Outcome, OutcomeStatus, Plan, Step};

use super::{ApplyOptions, Inputs, Progress, StopFlag};

/// A failure from a Graph error: Graph's code, the unwrapped inner error, the request-id.
/// The message names the operation; it never holds a secret (requests never echo them).
pub fn failure_from(e: &GraphError) -> Failure {
    let inner = e.inner.as_ref().map(|i| match (&i.code, &i.message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => String::new(),
    });
    let help = miette::Diagnostic::help(e).map(|h| h.to_string());
    let message = match help {
        // The report indents the message by six spaces; the help line lines up with it.
        Some(h) => format!("{e}\n      help: {h}"),
        None => e.to_string(),
    };
    Failure {
        message,
        http_status: e.status,
        code: e.code.clone(),
        inner_error: inner.filter(|s| !s.is_empty()),
        request_id: e.request_id.clone(),
    }
}

/// `120 s`, or `300 ms` below a second.
pub(super) fn human_duration(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Code of the marker [`stopped`] returns.
const STOPPED: &str = "entraprov.stopped";

/// Returned by a step that saw Ctrl-C between two requests: the change is not marked
/// failed; it ends up skipped (interrupted).
pub(super) fn stopped() -> Failure {
    Failure {
        message: "interrupted".into(),
        code: Some(STOPPED.into()),
        ..Failure::default()
    }
}

/// A failure that did not come from Graph.
pub(super) fn failure(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        ..Failure::default()
    }
}

/// Which steps a step depends on (a failure in one of them skips it).
fn depends_on(step: Step) -> &'static [Step] {
    match step {
        Step::App => &[],
        Step::AssignmentsCreate | Step::Job => &[Step::App],
        Step::AssignmentsDelete => &[Step::App],
        Step::Secrets => &[Step::App, Step::Job],
        Step::Schema => &[Step::App, Step::Job, Step::Secrets],
        Step::State => &[Step::App, Step::Job, Step::Secrets, Step::Schema],
    }
}

/// One apply run.
pub(super) struct Run<'a> {
    pub client: &'a Client,
    pub plan: &'a Plan,
    pub inputs: &'a Inputs,
    pub opts: &'a ApplyOptions,
    pub progress: &'a dyn Progress,
    stop: &'a StopFlag,
    /// The managed service principal, once known.
    pub sp: Option<ServicePrincipalId>,
    /// The provisioning job, once known.
    pub job: Option<JobId>,
    /// The service principal this apply created and kept (it won any race).
    pub created: Option<ServicePrincipalId>,
    statuses: Vec<Option<OutcomeStatus>>,
    interrupted: bool,
    roles: HashMap<usize, AppRoleId>,
}

impl<'a> Run<'a> {
    pub fn new(
        client: &'a Client,
        plan: &'a Plan,
        inputs: &'a Inputs,
        opts: &'a ApplyOptions,
        progress: &'a dyn Progress,
        stop: &'a StopFlag,
    ) -> Self {
        Self {
            client,
            plan,
            inputs,
            opts,
            progress,
            stop,
            sp: plan.service_principal_id.clone(),
            job: plan.job_id.clone(),
            created: None,
            statuses: vec![None; plan.changes.len()],
            interrupted: false,
            roles: HashMap::new(),
        }
    }

    /// A client for calls right after a create (403/404/409 retried for a while).
    pub fn fresh_client(&self) -> Client {
        self.client.after_create(self.opts.create_wait)
    }

    /// Indices of the changes of `step` that have no outcome yet.
    pub fn pending(&self, step: Step) -> Vec<usize> {
        self.plan
            .changes
            .iter()
            .enumerate()
            .filter(|(i, c)| c.step() == step && self.statuses[*i].is_none())
            .map(|(i, _)| i)
            .collect()
    }

    pub fn done(&mut self, i: usize) {
        self.set(i, OutcomeStatus::Done);
    }

    pub fn fail(&mut self, i: usize, f: Failure) {
        if f.code.as_deref() == Some(STOPPED) {
            return;
        }
        self.set(i, OutcomeStatus::Failed(f));
    }

    /// `Err(stopped())` when Ctrl-C was pressed: checked between the requests of a change.
    pub fn check_stop(&self) -> Result<(), Failure> {
        if self.stop.is_set() {
            Err(stopped())
        } else {
            Ok(())
        }
    }

    /// Fails several changes with one error: the first carries Graph's details, the others
    /// point to it (the report stays readable when one request covered many changes).
    pub fn fail_group(&mut self, indices: &[usize], f: Failure) {
        let Some((&first, rest)) = indices.split_first() else {
            return;
        };
        if f.code.as_deref() == Some(STOPPED) {
            return;
        }
        let head = self.plan.changes[first].address.clone();
        self.fail(first, f);
        for &i in rest {
            self.fail(
                i,
                failure(format!("not written: the same request failed (see {head})")),
            );
        }
    }

    pub fn skip(&mut self, i: usize, because: Address) {
        self.set(
            i,
            OutcomeStatus::Skipped {
                because: Some(because),
            },
        );
    }

    fn set(&mut self, i: usize, status: OutcomeStatus) {
        if let Some(slot) = self.statuses.get_mut(i)
            && slot.is_none()
        {
            *slot = Some(status);
        }
    }

    /// Records the role id resolved for assignment change `i`.
    pub fn set_role(&mut self, i: usize, role: AppRoleId) {
        self.roles.insert(i, role);
    }

    /// The role id resolved for assignment change `i`, if any.
    pub fn role_for(&self, i: usize) -> Option<AppRoleId> {
        self.roles.get(&i).cloned()
    }

    /// The address of a failed assignment create for `principal`, if any.
    pub fn failed_create_of(&self, principal: &PrincipalId) -> Option<Address> {
        self.plan.changes.iter().enumerate().find_map(|(i, c)| {
            let same = c.step() == Step::AssignmentsCreate
                && matches!(&c.target, Target::Assignment { principal_id: Some(p), .. } if p == principal);
            let failed = matches!(self.statuses[i], Some(OutcomeStatus::Failed(_)));
            (same && failed).then(|| c.address.clone())
        })
    }

    /// The failed change that `step` depends on, if any (following skips to their cause).
    pub fn blocker(&self, step: Step) -> Option<Address> {
        let deps = depends_on(step);
        let mut cause = None;
        let mut not_written = None;
        for (i, c) in self.plan.changes.iter().enumerate() {
            if !deps.contains(&c.step()) {
                continue;
            }
            match &self.statuses[i] {
                // A change that was not written because its request failed points to the
                // change that request failed on: name that one.
                Some(OutcomeStatus::Failed(f)) if f.message.starts_with("not written") => {
                    not_written.get_or_insert_with(|| c.address.clone());
                }
                Some(OutcomeStatus::Failed(_)) => return Some(c.address.clone()),
                Some(OutcomeStatus::Skipped { because: Some(a) }) if cause.is_none() => {
                    cause = Some(a.clone());
                }
                _ => {}
            }
        }
        not_written.or(cause)
    }

    /// Starts `step`: returns its pending changes, or none when it is blocked by a failed
    /// dependency (its changes are then skipped) or apply was stopped.
    pub fn begin(&mut self, step: Step, label: &str) -> Vec<usize> {
        let todo = self.pending(step);
        if todo.is_empty() || self.stopped() {
            return Vec::new();
        }
        if let Some(because) = self.blocker(step) {
            for i in todo {
                self.skip(i, because.clone());
            }
            return Vec::new();
        }
        self.progress.step(label, todo.len());
        todo
    }

    /// The stop flag (for work that runs while `self` is borrowed elsewhere).
    pub fn stop_flag(&self) -> &'a StopFlag {
        self.stop
    }

    /// Whether Ctrl-C was pressed; if so every change without an outcome is skipped.
    pub fn stopped(&mut self) -> bool {
        if self.stop.is_set() {
            self.interrupted = true;
            for s in self.statuses.iter_mut().filter(|s| s.is_none()) {
                *s = Some(OutcomeStatus::Skipped { because: None });
            }
            return true;
        }
        false
    }

    /// Waits `d` unless a stop is asked for (checked every 50 ms).
    pub async fn pause(&self, d: Duration) {
        let end = tokio::time::Instant::now() + d;
        while tokio::time::Instant::now() < end && !self.stop.is_set() {
            let left = end - tokio::time::Instant::now();
            tokio::time::sleep(left.min(Duration::from_millis(50))).await;
        }
    }

    /// The service principal, or a failure for every pending change of `todo`.
    pub fn require_sp(&mut self, todo: &[usize]) -> Option<ServicePrincipalId> {
        if let Some(sp) = &self.sp {
            return Some(sp.clone());
        }
        for &i in todo {
            self.fail(i, failure("the app does not exist (no service principal)"));
        }
        None
    }

    /// The report; changes never reached (should not happen) count as interrupted.
    pub fn finish(mut self) -> ApplyReport {
        self.stopped();
        let outcomes = self
            .plan
            .changes
            .iter()
            .zip(self.statuses)
            .map(|(c, s)| Outcome {
                address: c.address.clone(),
                action: c.action,
                status: s.unwrap_or(OutcomeStatus::Skipped { because: None }),
            })
            .collect();
        ApplyReport {
            name: self.plan.name.clone(),
            outcomes,
            interrupted: self.interrupted,
            convergence: None,
        }
    }
}
