//! The JSON plan document (`plan --format json`): stable, versioned, built from dedicated
//! DTOs so that internal refactors never change it. Secrets appear only as fingerprints.
//!
//! ```json
//! { "format_version": "1",
//!   "plans": [ { "name": "keeper-prod", "display_name": "Keeper (prod)", "tenant_id": "…",
//!                "summary": { "add": 1, "change": 0, "remove": 0 },
//!                "changes": [ { "address": "app", "resource": "app", "action": "create",
//!                               "note": "…", "region": "…" (credentials only),
//!                               "fields": [ { "name": "…", "before": null, "after": "…" } ],
//!                               "warnings": [] } ],
//!                "warnings": [] } ] }
//! ```

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::plan::change::{Action, Change, FieldChange, Plan, Sensitive, Value};

/// Version of the JSON document format.
pub const FORMAT_VERSION: &str = "1";

#[derive(Serialize)]
struct Document<'a> {
    format_version: &'static str,
    plans: Vec<PlanDto<'a>>,
}

#[derive(Serialize)]
struct PlanDto<'a> {
    name: &'a str,
    display_name: &'a str,
    tenant_id: Option<&'a str>,
    has_changes: bool,
    summary: SummaryDto,
    changes: Vec<ChangeDto<'a>>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct SummaryDto {
    add: usize,
    change: usize,
    remove: usize,
}

#[derive(Serialize)]
struct ChangeDto<'a> {
    address: String,
    resource: &'static str,
    action: &'static str,
    note: Option<&'a str>,
    /// Credentials only: the data centre of the tenant URL, when the connector knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    fields: Vec<FieldDto<'a>>,
    warnings: &'a [String],
    /// `plan --impact`: who leaves the scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<ImpactDto<'a>>,
}

#[derive(Serialize)]
struct ImpactDto<'a> {
    count: usize,
    /// The first 20 user principal names, sorted.
    users: &'a [String],
    /// How many more there are.
    more: usize,
    effect: &'a str,
}

fn impact(i: &crate::plan::impact::Impact) -> ImpactDto<'_> {
    let shown = i.users.len().min(super::impact::NAMES_SHOWN);
    ImpactDto {
        count: i.users.len(),
        users: &i.users[..shown],
        more: i.users.len() - shown,
        effect: &i.effect,
    }
}

#[derive(Serialize)]
struct FieldDto<'a> {
    name: &'a str,
    before: Json,
    after: Json,
}

/// The action's stable name.
pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
    }
}

/// A field value as JSON: `null` when unset; a secret as
/// `{"sensitive": true, "state": "known|unknown|will_be_set", "fingerprint": …}`.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Unset => Json::Null,
        Value::Text(s) | Value::Expression(s) => Json::String(s.clone()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => json!(n),
        Value::List(items) => json!(items),
        Value::Sensitive(s) => {
            let (state, fp) = match s {
                Sensitive::Fingerprint { fingerprint } => ("known", Some(fingerprint.as_str())),
                Sensitive::Unknown => ("unknown", None),
                Sensitive::WillBeSet => ("will_be_set", None),
            };
            json!({ "sensitive": true, "state": state, "fingerprint": fp })
        }
    }
}

fn field(f: &FieldChange) -> FieldDto<'_> {
    FieldDto {
        name: &f.name,
        before: value_json(&f.before),
        after: value_json(&f.after),
    }
}

fn change<'a>(c: &'a Change, plan: &'a Plan) -> ChangeDto<'a> {
    ChangeDto {
        address: c.address.to_string(),
        resource: c.address.kind(),
        action: action_name(c.action),
        note: c.note.as_deref(),
        region: c.region(),
        fields: c.fields.iter().map(field).collect(),
        warnings: &c.warnings,
        impact: super::impact::of(plan, c).map(impact),
    }
}

fn plan_dto(p: &Plan) -> PlanDto<'_> {
    let s = p.summary();
    PlanDto {
        name: &p.name,
        display_name: &p.display_name,
        tenant_id: p.tenant_id.as_ref().map(|t| t.as_str()),
        has_changes: !p.is_empty(),
        summary: SummaryDto {
            add: s.add,
            change: s.change,
            remove: s.remove,
        },
        changes: p.changes.iter().map(|c| change(c, p)).collect(),
        warnings: &p.warnings,
    }
}

/// The JSON document for one or more plans (manifest order), pretty-printed with a final
/// newline.
pub fn render(plans: &[Plan]) -> String {
    let doc = Document {
        format_version: FORMAT_VERSION,
        plans: plans.iter().map(plan_dto).collect(),
    };
    // DTOs of strings, numbers and JSON values: serialisation cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
