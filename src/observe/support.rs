//! Checks the manifest's scoping-filter operators and expression functions against what
//! the provisioning job supports (`…/schema/filterOperators`, `…/schema/functions`).

use super::error::codes;
use super::pointer;
use super::read::JobData;
use crate::manifest::expr::parse_with_calls;
use crate::manifest::suggest::did_you_mean;
use crate::manifest::{Diagnostic, LoadedManifest, Operator, SourceKind};
use crate::plan::model::ScopingFilter;
use crate::plan::state::{DesiredState, ObservedState};

/// Operator names compare case-insensitively, ignoring `_` and spaces.
fn op_key(name: &str) -> String {
    name.trim().to_ascii_uppercase().replace(['_', ' '], "")
}

/// How to show a job's operator: the manifest name when entraprov knows it.
fn op_display(graph_name: &str) -> String {
    Operator::from_graph_name(graph_name)
        .map_or_else(|| graph_name.to_owned(), |o| o.manifest_name().to_owned())
}

/// Every operator and function the manifest uses must be supported by the job.
pub(crate) fn check(loaded: &LoadedManifest, job: &JobData, diags: &mut Vec<Diagnostic>) {
    let Some(mappings) = loaded
        .manifest
        .provisioning
        .as_ref()
        .and_then(|p| p.mappings.as_ref())
    else {
        return;
    };
    let supported: Vec<String> = job.operators.iter().map(|o| op_key(&o.name)).collect();
    let mut listed: Vec<String> = job.operators.iter().map(|o| op_display(&o.name)).collect();
    listed.sort();
    let functions: Option<Vec<&str>> = job
        .functions
        .as_ref()
        .map(|fs| fs.iter().map(|f| f.name.as_str()).collect());
    for (label, m) in mappings.iter() {
        for (i, f) in m.scoping_filters.iter().flatten().enumerate() {
            for (j, c) in f.clauses.iter().enumerate() {
                if supported.contains(&op_key(c.operator.graph_name())) {
                    continue;
                }
                let d = loaded
                    .diagnostic(
                        codes::UNSUPPORTED_OPERATOR,
                        &pointer::operator(label, i, j),
                        format!(
                            "the provisioning job does not support the operator {}; it supports: {}",
                            c.operator.manifest_name(),
                            listed.join(", ")
                        ),
                    )
                    .help("pick a supported operator (the list comes from the job's schema/filterOperators)");
                diags.push(d);
            }
        }
        let Some(functions) = &functions else {
            continue;
        };
        for (target, a) in m.attributes.iter().flat_map(|a| a.iter()) {
            if let SourceKind::Expression(text) = &a.kind {
                check_functions(loaded, label, target, text, functions, diags);
            }
        }
    }
}

fn check_functions(
    loaded: &LoadedManifest,
    label: &str,
    target: &str,
    text: &str,
    functions: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    // Syntax errors were reported by the loader; nothing to check here.
    let Ok((_, calls)) = parse_with_calls(text) else {
        return;
    };
    let mut reported = Vec::new();
    for (name, _) in calls {
        if functions.contains(&name.as_str()) || reported.contains(&name) {
            continue;
        }
        let hint = match did_you_mean(&name, functions.iter().copied()) {
            Some(s) => format!("did you mean {s}? Function names are case-sensitive"),
            None => "the list comes from the job's schema/functions".to_owned(),
        };
        let d = loaded
            .diagnostic(
                codes::UNSUPPORTED_FUNCTION,
                &pointer::expression(label, target),
                format!("the provisioning job does not support the function {name}"),
            )
            .help(hint);
        diags.push(d);
        reported.push(name);
    }
}

/// Every attribute name of the manifest must exist in the job schema's directory
/// definitions (or be added by the manifest's attribute lists).
pub(crate) fn check_attributes(
    loaded: &LoadedManifest,
    job: &JobData,
    diags: &mut Vec<Diagnostic>,
) {
    for u in crate::plan::schema_check::check(&loaded.manifest, &job.schema.0) {
        let d = loaded
            .diagnostic(u.used_as.code(), &u.pointer, u.message())
            .help(u.help());
        diags.push(d);
    }
}

/// Rewrites the desired clauses' operators in the job's own spelling (`isTrue` → `IS TRUE`
/// as the job's `filterOperators` lists it), so apply writes what the job accepts.
pub(crate) fn spell_operators(desired: &mut DesiredState, job: &JobData) {
    let Some(prov) = desired.provisioning.as_mut() else {
        return;
    };
    for mapping in prov.mappings.values_mut() {
        let Some(filters) = mapping.scoping_filters.as_mut() else {
            continue;
        };
        for filter in filters.items.values_mut() {
            let clauses = std::mem::take(&mut filter.clauses)
                .into_iter()
                .map(|mut c| {
                    let key = op_key(&c.operator);
                    if let Some(o) = job.operators.iter().find(|o| op_key(&o.name) == key) {
                        c.operator = o.name.clone();
                    }
                    c
                })
                .collect();
            *filter = ScopingFilter::new(filter.name.clone(), clauses);
        }
    }
}

/// The attributes of type `Boolean` of the object `object` in a synchronization schema
/// (`directories[].objects[].attributes[].type`), compared case-insensitively.
fn boolean_attributes(schema: &serde_json::Value, object: &str) -> Vec<String> {
    let dirs = schema.get("directories").and_then(|d| d.as_array());
    dirs.into_iter()
        .flatten()
        .filter_map(|d| d.get("objects").and_then(|o| o.as_array()))
        .flatten()
        .filter(|o| {
            o.get("name")
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(object))
        })
        .take(1)
        .filter_map(|o| o.get("attributes").and_then(|a| a.as_array()))
        .flatten()
        .filter(|a| a.get("type").and_then(|t| t.as_str()) == Some("Boolean"))
        .filter_map(|a| {
            a.get("name")
                .and_then(|n| n.as_str())
                .map(str::to_ascii_lowercase)
        })
        .collect()
}

/// Case-folds the scoping-filter operands of Boolean source attributes (the job schema's
/// attribute types say which), in the desired and the observed state alike, so `true` and
/// `True` compare equal there and nowhere else.
pub(crate) fn fold_boolean_operands(
    desired: &mut DesiredState,
    observed: &mut ObservedState,
    schema: &serde_json::Value,
) {
    if let Some(prov) = desired.provisioning.as_mut() {
        for m in prov.mappings.values_mut() {
            let booleans = boolean_attributes(schema, &m.source_object);
            let is_bool = |a: &str| booleans.contains(&a.to_ascii_lowercase());
            for f in m
                .scoping_filters
                .iter_mut()
                .flat_map(|l| l.items.values_mut())
            {
                f.fold_booleans(is_bool);
            }
        }
    }
    for m in &mut observed.mappings {
        let booleans = boolean_attributes(schema, &m.source_object);
        let is_bool = |a: &str| booleans.contains(&a.to_ascii_lowercase());
        for f in m.scoping_filters.values_mut() {
            f.fold_booleans(is_bool);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::wire::{FilterOperator, FunctionSchema, SyncSchema};

    const MANIFEST: &str = r#"apiVersion: entraprov/v1
kind: EnterpriseApp
name: generic
app:
  displayName: Generic
  templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621
provisioning:
  mappings:
    users:
      attributes:
        userName: { source: userPrincipalName, matchingPriority: 1 }
        displayName: { expression: 'Join(" ", ToUpper([givenName]), [surname])' }
      scopingFilters:
        - name: Staff
          clauses:
            - { attribute: department, operator: notEquals, value: Sales }
            - { attribute: accountEnabled, operator: isTrue }
"#;

    fn job(operators: &[&str], functions: Option<&[&str]>) -> JobData {
        JobData {
            schema: SyncSchema(serde_json::Value::Null),
            operators: operators
                .iter()
                .map(|n| FilterOperator {
                    name: (*n).to_owned(),
                    arity: None,
                    multivalued_comparison_type: None,
                    supported_attribute_types: Vec::new(),
                })
                .collect(),
            functions: functions.map(|fs| {
                fs.iter()
                    .map(|n| FunctionSchema {
                        name: (*n).to_owned(),
                        parameters: Vec::new(),
                    })
                    .collect()
            }),
            template_schema: None,
        }
    }

    fn loaded() -> LoadedManifest {
        let (m, diags) = crate::manifest::load_str("generic.yaml", MANIFEST);
        m.unwrap_or_else(|| panic!("{diags:?}"))
    }

    #[test]
    fn unsupported_function_is_located_at_the_expression_with_a_suggestion() {
        let mut diags = Vec::new();
        let j = job(&["NOT EQUALS", "IS TRUE"], Some(&["Join", "toUpper"]));
        check(&loaded(), &j, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, codes::UNSUPPORTED_FUNCTION);
        assert!(diags[0].message.contains("function ToUpper"));
        assert_eq!(
            diags[0].help.as_deref(),
            Some("did you mean toUpper? Function names are case-sensitive")
        );
        assert_eq!(diags[0].line_col(), Some((12, 36)));
    }

    #[test]
    fn functions_are_not_checked_when_unknown_and_operators_compare_loosely() {
        let mut diags = Vec::new();
        check(
            &loaded(),
            &job(&["not_equals", "IS TRUE"], None),
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        check(&loaded(), &job(&["EQUALS"], None), &mut diags);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags.iter().all(|d| d.code == codes::UNSUPPORTED_OPERATOR));
        assert!(diags[0].message.ends_with("it supports: equals"));
    }

    #[test]
    fn desired_operators_take_the_jobs_spelling() {
        let (mut desired, _) =
            crate::observe::desired_state(&loaded(), &crate::graph::auth::Env::default());
        spell_operators(&mut desired, &job(&["NOT EQUALS", "IS TRUE"], None));
        let prov = desired.provisioning.as_ref().expect("provisioning");
        let filters = prov.mappings["users"]
            .scoping_filters
            .as_ref()
            .expect("filters");
        let ops: Vec<&str> = filters.items["Staff"]
            .clauses
            .iter()
            .map(|c| c.operator.as_str())
            .collect();
        assert_eq!(ops, ["IS TRUE", "NOT EQUALS"]);
    }

    /// #14: only operands of Boolean attributes (by the schema's types) are case-folded;
    /// a string operand keeps its case (`EQUALS` on a string is case-sensitive).
    #[test]
    fn only_boolean_operands_are_case_folded() {
        use crate::plan::model::{FilterClause, ObjectMapping, ScopingFilter};
        let schema = serde_json::json!({"directories": [{"name": "Azure Active Directory",
            "objects": [{"name": "User", "attributes": [
                {"name": "accountEnabled", "type": "Boolean"},
                {"name": "department", "type": "String"}]}]}]});
        let clauses = vec![
            FilterClause::new("accountEnabled", "EQUALS", &["true".into()]),
            FilterClause::new("department", "EQUALS", &["true".into()]),
        ];
        let mut observed = ObservedState::default();
        observed.mappings.push(ObjectMapping {
            source_object: "User".into(),
            target_object: "User".into(),
            enabled: true,
            flow_types: Default::default(),
            attributes: Default::default(),
            scoping_filters: [("f".to_owned(), ScopingFilter::new("f", clauses))].into(),
        });
        let (mut desired, _) =
            crate::observe::desired_state(&loaded(), &crate::graph::auth::Env::default());
        fold_boolean_operands(&mut desired, &mut observed, &schema);
        let got: Vec<(&str, &str)> = observed.mappings[0].scoping_filters["f"]
            .clauses
            .iter()
            .map(|c| (c.attribute.as_str(), c.values[0].as_str()))
            .collect();
        assert_eq!(got, [("accountEnabled", "True"), ("department", "true")]);
    }
}
