//! Checks the manifest's scoping-filter operators and expression functions against what
//! the provisioning job supports (`…/schema/filterOperators`, `…/schema/functions`).

use super::error::codes;
use super::pointer;
use super::read::JobData;
use crate::manifest::expr::parse_with_calls;
use crate::manifest::suggest::did_you_mean;
use crate::manifest::{Diagnostic, LoadedManifest, Operator, SourceKind};
use crate::plan::model::ScopingFilter;
use crate::plan::state::DesiredState;

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

/// Rewrites the desired clauses' operators in the job's own spelling (`IS TRUE` →
/// `IS_TRUE` when the job lists `IS_TRUE`), so apply writes what the job accepts.
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
        let j = job(&["NOT_EQUALS", "IS_TRUE"], Some(&["Join", "toUpper"]));
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
            &job(&["not equals", "IS TRUE"], None),
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
        spell_operators(&mut desired, &job(&["NOT_EQUALS", "IS_TRUE"], None));
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
        assert_eq!(ops, ["IS_TRUE", "NOT_EQUALS"]);
    }
}
