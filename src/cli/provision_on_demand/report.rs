//! Decoding Graph's `provisionOnDemand` answer (`key` and `value` are JSON documents
//! inside strings) and rendering it as a readable report (pure).

use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value;

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
    /// The Entra object.
    pub source_identity: Option<Identity>,
}

/// `sourceIdentity` / `targetIdentity`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Identity {
    /// Object id.
    pub id: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
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
    /// The same error in the provisioning-log shape (`errorInformation`).
    pub error_information: Option<ErrorInformation>,
}

/// `errorInformation` of a status (provisioning-log shape).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ErrorInformation {
    /// Error code.
    pub error_code: Option<String>,
    /// Human reason.
    pub reason: Option<String>,
    /// More detail.
    pub additional_details: Option<String>,
    /// Category.
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
    let key: Value = serde_json::from_str(key).map_err(|e| err("key", e))?;
    let value: Value = if value.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(value).map_err(|e| err("value", e))?
    };
    decode_values(key, value)
}

/// Builds the report from the already-decoded halves (as the Graph client returns them).
pub fn decode_values(key: Value, value: Value) -> Result<OnDemandReport, DecodeError> {
    let err = |what: &str, e: serde_json::Error| DecodeError {
        what: format!("{what}: {e}"),
    };
    let key: KeyDoc = serde_json::from_value(key).map_err(|e| err("key", e))?;
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

use crate::text::shown as t;

/// Renders the report (pure). `subject` is what was provisioned, e.g. `user alice@contoso.com`.
pub fn render(report: &OnDemandReport, subject: &str, app: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Provision on demand: {} → {}", t(subject), t(app));
    let _ = write!(out, "Result: {}", t(&report.result));
    if let Some(code) = &report.error_code {
        let _ = write!(out, " ({})", t(code));
    }
    out.push('\n');
    if let Some(msg) = &report.error_message {
        let _ = writeln!(out, "  {}", t(msg));
    }
    for object in &report.objects {
        render_object(&mut out, object, app);
    }
    out
}

fn render_object(out: &mut String, o: &ObjectResult, app: &str) {
    let source_name = o
        .source_identity
        .as_ref()
        .and_then(|i| i.display_name.as_deref());
    let who = o
        .reportable_identifier
        .as_deref()
        .or(source_name)
        .unwrap_or("object");
    let target = o
        .target_system
        .as_ref()
        .and_then(|t| t.name.as_deref())
        .unwrap_or(app);
    let _ = writeln!(
        out,
        "\n{}: action {} in {}",
        t(who),
        t(o.action.as_deref().unwrap_or("(none)")),
        t(target)
    );
    out.push_str("\n  Steps:\n");
    let width = o
        .provisioning_steps
        .iter()
        .map(|s| t(&s.step_type).chars().count())
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
            t(&s.step_type),
            t(&s.description)
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
        let _ = writeln!(out, "         {}: {}", t(k), t(&v));
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
        .map(|p| t(&p.display_name).chars().count())
        .max()
        .unwrap_or(0);
    for p in props {
        let new = p.new_value.as_deref().unwrap_or("(empty)");
        match p.old_value.as_deref() {
            Some(old) if old != new => {
                let name = t(&p.display_name);
                let _ = writeln!(out, "    {name:width$}  {} → {}", t(old), t(new));
            }
            _ => {
                let name = t(&p.display_name);
                let _ = writeln!(out, "    {name:width$}  {}", t(new));
            }
        }
    }
}

fn render_status(out: &mut String, s: &StatusInfo) {
    let info = s.error_information.clone().unwrap_or_default();
    let pick = |a: &Option<String>, b: Option<String>| a.clone().or(b);
    let rows = [
        ("code", pick(&s.error_code, info.error_code)),
        ("category", pick(&s.error_category, info.error_category)),
        ("reason", pick(&s.reason, info.reason)),
        (
            "details",
            pick(&s.additional_details, info.additional_details),
        ),
        (
            "recommended action",
            pick(&s.recommended_action, info.recommended_action),
        ),
    ];
    if rows[0].1.is_none() && rows[2].1.is_none() {
        return;
    }
    out.push_str("\n  Error:\n");
    for (label, value) in &rows {
        if let Some(v) = value {
            let _ = writeln!(out, "    {label}: {}", t(v));
        }
    }
}
