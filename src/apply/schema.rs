//! Step 5: the job schema. GET it, change only what the manifest owns (an object
//! mapping's `enabled`, `flowTypes`, `attributeMappings`, `scope.groups`), turn expressions
//! into trees with `parseExpression`, keep every other field as read, PUT it back whole
//! (never PATCH: Graph answers 404).

use serde_json::{Value, json};

use crate::graph::Client;
use crate::ids::{JobId, ServicePrincipalId};
use crate::plan::change::{Action, Address, Change, Target};
use crate::plan::graph_json::{
    attribute_mapping_to_graph, scoping_filter_to_graph, value_to_source,
};
use crate::plan::model::{
    AttributeMapping, MappingValue, ScopingFilter, flow_types_to_graph, object_names_match,
};
use crate::plan::state::DesiredMapping;
use crate::plan::{Failure, Step};

use super::ctx::{Run, failure, failure_from};
use super::schema_defs;

/// Runs step 5.
pub(super) async fn run(run: &mut Run<'_>) {
    let todo = run.begin(Step::Schema, "attribute mappings and scoping filters");
    if todo.is_empty() {
        return;
    }
    let (Some(sp), Some(job)) = (run.sp.clone(), run.job.clone()) else {
        todo.iter()
            .for_each(|&i| run.fail(i, failure("there is no provisioning job")));
        return;
    };
    let fresh = run.fresh_client();
    let mut schema = match fresh.get_schema(&sp, &job).await {
        Ok(s) => s,
        Err(e) => {
            run.fail_group(&todo, failure_from(&e));
            return;
        }
    };
    let plan = run.plan;
    if plan.job_id.is_none()
        && let Some(f) = schema_defs::precheck(run.inputs.manifest_source.as_ref(), &schema.0)
    {
        fail_refused(run, &todo, None, f);
        return;
    }
    let operators = match job_operators(&fresh, &sp, &job, &todo, plan).await {
        Ok(o) => o,
        Err(f) => {
            run.fail_group(&todo, f);
            return;
        }
    };
    let mut edited = Vec::new();
    for &i in &todo {
        if run.stopped() {
            return;
        }
        let ctx = Ctx {
            client: &fresh,
            sp: &sp,
            job: &job,
            operators: &operators,
        };
        let change = &plan.changes[i];
        let exact = match (&change.address, change.action) {
            (Address::Mapping { label }, Action::Create) => run.inputs.mappings.get(label),
            _ => None,
        };
        match edit(&ctx, &mut schema.0, change, exact).await {
            Ok(()) => edited.push(i),
            Err(f) => run.fail(i, f),
        }
    }
    // OData annotations (`@odata.context`) describe the GET response, not the schema.
    if let Some(obj) = schema.0.as_object_mut() {
        obj.retain(|k, _| !k.starts_with("@odata."));
    }
    if !edited.is_empty() && !run.stopped() {
        match run.client.put_schema(&sp, &job, &schema).await {
            Ok(()) => edited.iter().for_each(|&i| run.done(i)),
            Err(e) => {
                let mut f = failure_from(&e);
                let at = schema_defs::culprit(&schema.0, &plan.changes, &edited, &f);
                f.message = format!(
                    "nothing of the schema was applied (it is written whole, in one request): {}",
                    f.message
                );
                fail_refused(run, &edited, at, f);
            }
        }
    }
    run.progress.advance(todo.len());
    run.progress.finish_step();
}

/// Fails the changes of a schema write that did not happen: the one at fault (`at`, an
/// index into `indices`; else the first) carries the failure, the others were not written.
fn fail_refused(run: &mut Run<'_>, indices: &[usize], at: Option<usize>, f: Failure) {
    let head = at.unwrap_or(0);
    let Some(&first) = indices.get(head) else {
        return;
    };
    let address = run.plan.changes[first].address.clone();
    run.fail(first, f);
    for &i in indices.iter().filter(|&&i| i != first) {
        run.fail(
            i,
            failure(format!(
                "not written (the schema PUT was refused; see {address})"
            )),
        );
    }
}

struct Ctx<'a> {
    client: &'a Client,
    sp: &'a ServicePrincipalId,
    job: &'a JobId,
    /// The job's scoping-filter operator names (its own spelling).
    operators: &'a [String],
}

/// The job's operator names, read only when a scoping filter is written (a plan made
/// before the job existed spells operators from the default table).
async fn job_operators(
    client: &Client,
    sp: &ServicePrincipalId,
    job: &JobId,
    todo: &[usize],
    plan: &crate::plan::Plan,
) -> Result<Vec<String>, Failure> {
    let writes_filter = todo.iter().any(|&i| {
        matches!(
            &plan.changes[i].target,
            Target::ScopingFilter {
                desired: Some(_),
                ..
            }
        )
    });
    if !writes_filter {
        return Ok(Vec::new());
    }
    let ops = client
        .filter_operators(sp, job)
        .await
        .map_err(|e| failure_from(&e))?;
    Ok(ops.into_iter().map(|o| o.name).collect())
}

/// A filter with each operator in the job's spelling (`Greater_Than` → `GREATER_THAN`).
fn respell(f: &ScopingFilter, operators: &[String]) -> ScopingFilter {
    let key = |s: &str| s.trim().to_ascii_uppercase().replace(['_', ' '], "");
    let clauses = f
        .clauses
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let Some(name) = operators.iter().find(|o| key(o) == c.operator_key()) {
                c.operator = name.clone();
            }
            c
        })
        .collect();
    ScopingFilter::new(f.name.clone(), clauses)
}

/// Applies one change to the schema value (in memory).
async fn edit(
    ctx: &Ctx<'_>,
    schema: &mut Value,
    change: &Change,
    exact: Option<&DesiredMapping>,
) -> Result<(), Failure> {
    match (&change.target, &change.address) {
        (
            Target::Mapping {
                source_object,
                target_object,
                enabled,
                flow_types,
            },
            _,
        ) => {
            let om = object_mapping(schema, source_object, target_object)?;
            if let Some(e) = enabled {
                om["enabled"] = Value::Bool(*e);
            }
            if let Some(ft) = flow_types {
                om["flowTypes"] = Value::String(flow_types_to_graph(&ft.iter().cloned().collect()));
            }
            if let Some(declared) = exact {
                prune_undeclared(om, declared);
            }
            Ok(())
        }
        (
            Target::Attribute {
                source_object,
                target_object,
                desired,
            },
            Address::Attribute { target, .. },
        ) => {
            let source = match desired {
                Some(m) => Some(source_of(ctx, m).await?),
                None => None,
            };
            let om = object_mapping(schema, source_object, target_object)?;
            set_attribute(om, target, desired.as_ref().zip(source));
            Ok(())
        }
        (
            Target::Definition {
                source_object,
                target_object,
                side,
                desired,
            },
            Address::Definition { name, .. },
        ) => schema_defs::set_definition(
            schema,
            (source_object, target_object),
            *side,
            name,
            desired.as_ref(),
        ),
        (
            Target::ScopingFilter {
                source_object,
                target_object,
                desired,
            },
            Address::ScopingFilter { name, .. },
        ) => {
            let om = object_mapping(schema, source_object, target_object)?;
            let desired = desired.as_ref().map(|f| respell(f, ctx.operators));
            set_filter(om, name, desired.as_ref());
            Ok(())
        }
        _ => Err(failure("internal: unexpected change in the schema step")),
    }
}

/// A mapping created with its job: the template's attribute mappings and scoping filters
/// that the manifest does not declare go, where the declared list prunes.
fn prune_undeclared(om: &mut Value, declared: &DesiredMapping) {
    if let Some(attrs) = declared.attributes.as_ref().filter(|l| l.prune)
        && let Some(list) = om["attributeMappings"].as_array_mut()
    {
        list.retain(|a| {
            a["targetAttributeName"]
                .as_str()
                .is_some_and(|t| attrs.items.contains_key(t))
        });
    }
    if let Some(filters) = declared.scoping_filters.as_ref().filter(|l| l.prune)
        && let Some(groups) = om["scope"]["groups"].as_array_mut()
    {
        groups.retain(|g| {
            g["name"]
                .as_str()
                .is_some_and(|n| filters.items.contains_key(n))
        });
    }
}

/// The object mapping of the schema that maps `source` to `target`.
fn object_mapping<'s>(
    schema: &'s mut Value,
    source: &str,
    target: &str,
) -> Result<&'s mut Value, Failure> {
    let rules = schema
        .get_mut("synchronizationRules")
        .and_then(Value::as_array_mut);
    for rule in rules.into_iter().flatten() {
        let maps = rule.get_mut("objectMappings").and_then(Value::as_array_mut);
        for om in maps.into_iter().flatten() {
            let s = om["sourceObjectName"].as_str().unwrap_or_default();
            let t = om["targetObjectName"].as_str().unwrap_or_default();
            if object_names_match(s, t, source, target) {
                return Ok(om);
            }
        }
    }
    Err(failure(format!(
        "the job schema has no object mapping {source} → {target}"
    )))
}

/// The `attributeMappingSource` tree: attributes and constants directly, expressions
/// through `parseExpression`.
async fn source_of(ctx: &Ctx<'_>, m: &AttributeMapping) -> Result<Value, Failure> {
    if let Some(tree) = value_to_source(&m.value) {
        return Ok(tree);
    }
    let text = match &m.value {
        MappingValue::Expression(e) => e,
        other => other.text(),
    };
    let parsed = ctx
        .client
        .parse_expression(ctx.sp, ctx.job, text, None)
        .await
        .map_err(|e| failure_from(&e))?;
    match parsed.parsed_expression {
        Some(tree) if parsed.parsing_succeeded && !tree.is_null() => Ok(tree),
        _ => {
            let why = parsed
                .error
                .as_ref()
                .and_then(|e| e.get("message").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| "no reason given".to_owned());
            Err(failure(format!(
                "Graph could not parse the expression of attribute {} ({why}): {text}",
                m.target
            )))
        }
    }
}

/// Puts (creates or updates, keeping the fields the manifest does not own) or removes an
/// attribute mapping.
fn set_attribute(om: &mut Value, target: &str, desired: Option<(&AttributeMapping, Value)>) {
    if !om["attributeMappings"].is_array() {
        om["attributeMappings"] = json!([]);
    }
    let Some(list) = om["attributeMappings"].as_array_mut() else {
        return;
    };
    let pos = list
        .iter()
        .position(|a| a["targetAttributeName"].as_str() == Some(target));
    match (desired, pos) {
        (None, Some(p)) => {
            list.remove(p);
        }
        (None, None) => {}
        (Some((m, source)), Some(p)) => {
            let fresh = attribute_mapping_to_graph(m, source);
            let live = &mut list[p];
            for key in ["source", "defaultValue", "flowType", "matchingPriority"] {
                live[key] = fresh[key].clone();
            }
        }
        (Some((m, source)), None) => list.push(attribute_mapping_to_graph(m, source)),
    }
}

/// Puts or removes a scoping filter (a `filterGroup` in `scope.groups`), keeping the other
/// filter lists of the scope.
fn set_filter(om: &mut Value, name: &str, desired: Option<&ScopingFilter>) {
    if !om["scope"].is_object() {
        if desired.is_none() {
            return;
        }
        om["scope"] = json!({ "groups": [] });
    }
    if !om["scope"]["groups"].is_array() {
        om["scope"]["groups"] = json!([]);
    }
    let Some(groups) = om["scope"]["groups"].as_array_mut() else {
        return;
    };
    let pos = groups.iter().position(|g| g["name"].as_str() == Some(name));
    match (desired, pos) {
        (Some(f), Some(p)) => groups[p] = scoping_filter_to_graph(f),
        (Some(f), None) => groups.push(scoping_filter_to_graph(f)),
        (None, Some(p)) => {
            groups.remove(p);
        }
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::model::{ApplyMode, FilterClause};

    #[test]
    fn updating_an_attribute_keeps_the_fields_the_manifest_does_not_own() {
        let mut om = json!({"attributeMappings": [{
            "targetAttributeName": "userName", "exportMissingReferences": true,
            "flowBehavior": "FlowAlways", "unknownField": 7,
            "source": {"type": "Attribute", "name": "mail", "expression": "[mail]", "parameters": []},
            "defaultValue": null, "flowType": "Always", "matchingPriority": 1
        }]});
        let m = AttributeMapping {
            target: "userName".into(),
            value: MappingValue::Attribute("userPrincipalName".into()),
            default: None,
            matching_priority: 1,
            apply: ApplyMode::Always,
        };
        let src = value_to_source(&m.value).unwrap();
        set_attribute(&mut om, "userName", Some((&m, src)));
        let a = &om["attributeMappings"][0];
        assert_eq!(a["source"]["name"], "userPrincipalName");
        assert_eq!(a["exportMissingReferences"], true);
        assert_eq!(a["flowBehavior"], "FlowAlways");
        assert_eq!(a["unknownField"], 7);
        set_attribute(&mut om, "userName", None);
        assert_eq!(om["attributeMappings"], json!([]));
    }

    #[test]
    fn filters_keep_the_other_scope_lists_and_use_the_jobs_operator_spelling() {
        let mut om = json!({"scope": {"groups": [{"name": "old", "clauses": []}],
            "inputFilterGroups": [{"name": "keep", "clauses": []}]}});
        let f = ScopingFilter::new(
            "new",
            vec![FilterClause::new("accountEnabled", "IS TRUE", &[])],
        );
        let f = respell(&f, &["EQUALS".into(), "IS_TRUE".into()]);
        set_filter(&mut om, "new", Some(&f));
        set_filter(&mut om, "old", None);
        assert_eq!(om["scope"]["inputFilterGroups"][0]["name"], "keep");
        assert_eq!(om["scope"]["groups"].as_array().unwrap().len(), 1);
        assert_eq!(
            om["scope"]["groups"][0]["clauses"][0]["operatorName"],
            "IS_TRUE"
        );
    }
}
