//! `entraprov provision-on-demand PATH --user UPN [--group NAME]`: provision one user now
//! (Graph `provisionOnDemand`) and show a readable report.
//!
//! Graph answers with a `stringKeyStringValuePair` whose `key` and `value` are both JSON
//! documents encoded as strings; [`decode`] turns them into an [`OnDemandReport`] and
//! [`render`] into text. Graph allows 5 calls per 10 seconds; [`RateLimit`] keeps us under.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use super::{Exit, GlobalArgs};

/// Arguments of `entraprov provision-on-demand`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest of the app.
    pub path: std::path::PathBuf,
    /// User principal name (or object id) of the user to provision.
    #[arg(long)]
    pub user: String,
    /// Provision the user as a member of this group (display name or object id): the group
    /// is provisioned with just this member.
    #[arg(long)]
    pub group: Option<String>,
}

/// Runs `entraprov provision-on-demand`.
pub async fn run(_args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    Err(super::NotImplemented("provision-on-demand").into())
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

/// The decoded `provisionOnDemand` answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnDemandReport {
    /// `Success`, `Skipped`, `Failure`, … (from `key.result`).
    pub result: String,
    /// `key.details.errorCode` (e.g. `RedundantExport`).
    pub error_code: Option<String>,
    /// `key.details.errorMessage`.
    pub error_message: Option<String>,
    /// Per-object results (`value` may be one object or an array of them).
    pub objects: Vec<ObjectResult>,
}

/// What happened to one object.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectResult {
    /// `Create`, `Update`, `Delete`, `Other`, …
    pub action: Option<String>,
    /// The user's identifier in reports (usually the UPN).
    pub reportable_identifier: Option<String>,
    /// Steps in order: import, matching, scoping, export.
    pub provisioning_steps: Vec<Step>,
    /// Attributes sent to (or compared with) the target.
    pub modified_properties: Vec<ModifiedProperty>,
    /// Overall status with error details.
    pub status_info: Option<StatusInfo>,
    /// The target system (e.g. `customappsso`).
    pub target_system: Option<NamedSystem>,
}

/// One provisioning step.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Step {
    /// e.g. `EntryImport`, `EntrySynchronizationScoping`, `EntryExportAdd`.
    pub name: String,
    /// `Import`, `Matching`, `Scoping`, `Export`, …
    #[serde(rename = "type")]
    pub step_type: String,
    /// `Success`, `Skipped`, `Failure`, …
    pub status: String,
    /// What the step did.
    pub description: String,
    /// Step details (string values).
    pub details: Option<serde_json::Map<String, Value>>,
}

/// One attribute of the exported object.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifiedProperty {
    /// Attribute name.
    pub display_name: String,
    /// Value before (target side), if known.
    pub old_value: Option<String>,
    /// Value after.
    pub new_value: Option<String>,
}

/// `statusInfo` of an object result.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatusInfo {
    /// `Success`, `Skipped`, `Failure`, …
    pub status: Option<String>,
    /// Error code, e.g. `SystemForCrossDomainIdentityManagementBadResponse`.
    pub error_code: Option<String>,
    /// Human reason.
    pub reason: Option<String>,
    /// More detail.
    pub additional_details: Option<String>,
    /// Category, e.g. `NonServiceFailure`.
    pub error_category: Option<String>,
    /// What to do.
    pub recommended_action: Option<String>,
}

/// `targetSystem` / `sourceSystem`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct NamedSystem {
    /// System name.
    pub name: Option<String>,
}

/// The answer could not be decoded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot decode the provisionOnDemand answer: {what}")]
#[diagnostic(
    code(E0730),
    help("Graph changed the answer's shape; re-run with -vv and report it.")
)]
pub struct DecodeError {
    /// What was wrong.
    pub what: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KeyDoc {
    result: String,
    details: Option<KeyDetails>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct KeyDetails {
    error_code: Option<String>,
    error_message: Option<String>,
}

/// Decodes the doubly-JSON-encoded `key` and `value` strings.
pub fn decode(key: &str, value: &str) -> Result<OnDemandReport, DecodeError> {
    let err = |what: &str, e: serde_json::Error| DecodeError {
        what: format!("{what}: {e}"),
    };
    let key: KeyDoc = serde_json::from_str(key).map_err(|e| err("key", e))?;
    let value: Value = if value.trim().is_empty() {
        Value::Array(Vec::new())
    } else {
        serde_json::from_str(value).map_err(|e| err("value", e))?
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        one => vec![one],
    };
    let objects = items
        .into_iter()
        .map(serde_json::from_value::<ObjectResult>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err("value", e))?;
    let details = key.details.unwrap_or_default();
    Ok(OnDemandReport {
        result: key.result,
        error_code: details.error_code,
        error_message: details.error_message,
        objects,
    })
}

impl OnDemandReport {
    /// `Success` and `Skipped` are fine; anything else failed.
    pub fn succeeded(&self) -> bool {
        matches!(self.result.as_str(), "Success" | "Skipped")
    }
}

/// Renders the report (pure). `subject` is what was provisioned, e.g. `user alice@contoso.com`.
pub fn render(report: &OnDemandReport, subject: &str, app: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Provision on demand: {subject} → {app}");
    let _ = write!(out, "Result: {}", report.result);
    if let Some(code) = &report.error_code {
        let _ = write!(out, " ({code})");
    }
    out.push('\n');
    if let Some(msg) = &report.error_message {
        let _ = writeln!(out, "  {msg}");
    }
    for object in &report.objects {
        render_object(&mut out, object);
    }
    out
}

fn render_object(out: &mut String, o: &ObjectResult) {
    let who = o.reportable_identifier.as_deref().unwrap_or("object");
    let target = o
        .target_system
        .as_ref()
        .and_then(|t| t.name.as_deref())
        .unwrap_or("the app");
    let _ = writeln!(
        out,
        "\n{who}: action {} in {target}",
        o.action.as_deref().unwrap_or("(none)")
    );
    out.push_str("\n  Steps:\n");
    let width = o
        .provisioning_steps
        .iter()
        .map(|s| s.step_type.len())
        .max()
        .unwrap_or(0);
    for (i, s) in o.provisioning_steps.iter().enumerate() {
        let mark = match s.status.as_str() {
            "Success" => "ok",
            "Skipped" => "skipped",
            "Warning" => "warn",
            _ => "FAILED",
        };
        let _ = writeln!(
            out,
            "    {}. {:7} {:width$}  {}",
            i + 1,
            mark,
            s.step_type,
            s.description
        );
        if s.status != "Success" {
            render_details(out, s.details.as_ref());
        }
    }
    render_modified(out, &o.modified_properties);
    if let Some(status) = &o.status_info {
        render_status(out, status);
    }
}

fn render_details(out: &mut String, details: Option<&serde_json::Map<String, Value>>) {
    for (k, v) in details.into_iter().flatten() {
        let v = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let _ = writeln!(out, "         {k}: {v}");
    }
}

fn render_modified(out: &mut String, props: &[ModifiedProperty]) {
    if props.is_empty() {
        out.push_str("\n  Modified attributes: none\n");
        return;
    }
    out.push_str("\n  Modified attributes:\n");
    let width = props
        .iter()
        .map(|p| p.display_name.len())
        .max()
        .unwrap_or(0);
    for p in props {
        let new = p.new_value.as_deref().unwrap_or("(empty)");
        match p.old_value.as_deref() {
            Some(old) if old != new => {
                let _ = writeln!(out, "    {:width$}  {old} → {new}", p.display_name);
            }
            _ => {
                let _ = writeln!(out, "    {:width$}  {new}", p.display_name);
            }
        }
    }
}

fn render_status(out: &mut String, s: &StatusInfo) {
    let has_error = s.error_code.is_some() || s.reason.is_some();
    if !has_error {
        return;
    }
    out.push_str("\n  Error:\n");
    let rows = [
        ("code", &s.error_code),
        ("category", &s.error_category),
        ("reason", &s.reason),
        ("details", &s.additional_details),
        ("recommended action", &s.recommended_action),
    ];
    for (label, value) in rows {
        if let Some(v) = value {
            let _ = writeln!(out, "    {label}: {v}");
        }
    }
}
