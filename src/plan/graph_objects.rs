//! Pure conversions of Graph directory objects (service principal roles and tags, app role
//! assignments, synchronization jobs) into the observed model, for `observe`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::graph_json::ShapeError;
use super::model::{AppRole, PrincipalKind, RunState};
use super::state::{ObservedAssignment, ObservedJob};

fn req<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a str, ShapeError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ShapeError {
            path: path.to_owned(),
            message: format!("missing `{key}`"),
        })
}

/// The enabled app roles of a service principal (its `appRoles` array).
pub fn app_roles_from_graph(app_roles: Option<&Value>) -> Vec<AppRole> {
    let roles = app_roles.and_then(Value::as_array);
    roles
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter(|r| r.get("isEnabled").and_then(Value::as_bool).unwrap_or(true))
        .filter_map(|r| {
            Some(AppRole {
                id: r.get("id")?.as_str()?.into(),
                value: r.get("value").and_then(Value::as_str).map(str::to_owned),
                display_name: r
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            })
        })
        .collect()
}

/// A service principal's `tags`.
pub fn tags_from_graph(tags: Option<&Value>) -> BTreeSet<String> {
    tags.and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect()
}

/// One `appRoleAssignment` (from `…/appRoleAssignedTo`). `Ok(None)` for principals that are
/// neither users nor groups (service principals), which a manifest cannot declare.
pub fn assignment_from_graph(
    v: &Value,
    path: &str,
) -> Result<Option<ObservedAssignment>, ShapeError> {
    let Some(kind) = assigned_kind(req(v, "principalType", path)?) else {
        return Ok(None);
    };
    let principal_id = req(v, "principalId", path)?;
    Ok(Some(ObservedAssignment {
        id: req(v, "id", path)?.into(),
        principal_kind: kind,
        principal_id: principal_id.into(),
        principal_name: v
            .get("principalDisplayName")
            .and_then(Value::as_str)
            .unwrap_or(principal_id)
            .to_owned(),
        role_id: req(v, "appRoleId", path)?.into(),
    }))
}

/// The kind of an assignment's `principalType` (`User`, `Group`, any case); `None` for the
/// principals a manifest cannot declare (service principals).
pub fn assigned_kind(principal_type: &str) -> Option<PrincipalKind> {
    if principal_type.eq_ignore_ascii_case("User") {
        Some(PrincipalKind::User)
    } else if principal_type.eq_ignore_ascii_case("Group") {
        Some(PrincipalKind::Group)
    } else {
        None
    }
}

/// A `synchronizationJob`: id, template id and on/off from `schedule.state`.
pub fn job_from_graph(v: &Value, path: &str) -> Result<ObservedJob, ShapeError> {
    let state = v
        .get("schedule")
        .and_then(|s| s.get("state"))
        .and_then(Value::as_str)
        .unwrap_or("Disabled");
    Ok(ObservedJob {
        id: req(v, "id", path)?.into(),
        template_id: req(v, "templateId", path)?.into(),
        state: RunState::from_schedule_state(state),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_skip_disabled_and_keep_values() {
        let roles = json!([
            {"id":"r1","value":"User","displayName":"User","isEnabled":true},
            {"id":"r2","value":null,"displayName":"Old","isEnabled":false},
            {"id":"r3","displayName":"msiam_access","value":"msiam_access"}
        ]);
        let r = app_roles_from_graph(Some(&roles));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].value.as_deref(), Some("User"));
    }

    #[test]
    fn assignments_of_service_principals_are_skipped() {
        let a =
            json!({"id":"a","principalType":"ServicePrincipal","principalId":"p","appRoleId":"r"});
        assert_eq!(assignment_from_graph(&a, "x").unwrap(), None);
        let a = json!({"id":"a","principalType":"Group","principalId":"p","appRoleId":"r","principalDisplayName":"G"});
        let got = assignment_from_graph(&a, "x").unwrap().unwrap();
        assert_eq!(
            (got.principal_kind, got.principal_name.as_str()),
            (PrincipalKind::Group, "G")
        );
        let bad = json!({"principalType":"User"});
        assert!(assignment_from_graph(&bad, "value[0]").unwrap_err().path == "value[0]");
    }

    #[test]
    fn job_state_from_schedule() {
        let j = json!({"id":"keeper.1.2","templateId":"keeper","schedule":{"state":"Active"}});
        assert_eq!(job_from_graph(&j, "j").unwrap().state, RunState::On);
        let j = json!({"id":"keeper.1.2","templateId":"keeper","schedule":{"state":"Paused"}});
        assert_eq!(job_from_graph(&j, "j").unwrap().state, RunState::Off);
    }
}
