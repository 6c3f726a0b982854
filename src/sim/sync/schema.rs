//! Synchronization schema: GET/PUT/DELETE (PATCH answers 404 like Graph), the template
//! schema, `filterOperators`, `functions`, `directories` and `parseExpression`.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::perms::Op;
use crate::sim::state::iso_now;
use crate::sim::sync::jobs::{find_job, sync_sp, template_kind};
use crate::sim::sync::{catalog, expr, synctpl};

fn with_context(mut v: Value, ctx: String) -> Value {
    crate::sim::directory::apps::entity(&mut v, ctx);
    v
}

/// `GET …/jobs/{id}/schema`.
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let j = find_job(&mut t.sps[i], id, true)?;
    let sp = &t.sps[i];
    let ctx = req.context(&format!(
        "servicePrincipals('{}')/synchronization/jobs('{id}')/schema/$entity",
        sp.id()
    ));
    Ok(Resp::ok(with_context(sp.jobs[j].schema.clone(), ctx)))
}

/// `GET …/templates/{id}/schema`.
pub fn get_template_schema(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    tid: &str,
) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &t.sps[i];
    let kind = template_kind(sp, tid)?;
    let ctx = req.context(&format!(
        "servicePrincipals('{}')/synchronization/templates('{tid}')/schema/$entity",
        sp.id()
    ));
    Ok(Resp::ok(with_context(
        synctpl::default_schema(&kind, tid),
        ctx,
    )))
}

/// `PATCH …/schema`: 404 from the sync service, as Graph answers (use PUT).
pub fn patch_not_found(_sim: &Arc<Sim>, sp: &str, job: &str) -> GraphError {
    let inner = json!({"Message": format!(
        "No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals/{sp}/synchronization/jobs/{job}/schema?api-version=2.0'."
    )});
    GraphError::new(404, "UnknownError", inner.to_string())
}

/// `DELETE …/schema`: resets the schema to the template default → 204.
pub fn delete(sim: &Arc<Sim>, caller: &Caller, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    let sp = &mut t.sps[i];
    let kind = sp.sync.clone().unwrap_or_else(|| "scim".into());
    let job = &mut sp.jobs[j];
    job.schema_version += 1;
    job.schema = synctpl::default_schema(&kind, &job.id);
    job.schema["version"] =
        Value::String(format!("Date:{};Version:{}", iso_now(), job.schema_version));
    Ok(Resp::no_content())
}

/// `PUT …/schema` with the full schema → 204. Validates rules, object mappings, attribute
/// mappings and scoping filters; stores expressions in canonical form and attribute
/// mappings sorted by `targetAttributeName`.
pub fn put(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut body = req.json()?;
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    let kind = t.sps[i].sync.clone().unwrap_or_else(|| "scim".into());
    crate::sim::sync::directories::validate(&body, &kind)
        .and_then(|()| validate_schema(&mut body, synctpl::rule_id(&kind)))
        .map_err(|m| GraphError::sync(400, "InvalidSchema", Some(&m)))?;
    let job = &mut t.sps[i].jobs[j];
    job.schema_version += 1;
    body["id"] = Value::String(job.id.clone());
    body["version"] = Value::String(format!("Date:{};Version:{}", iso_now(), job.schema_version));
    job.schema = body;
    Ok(Resp::no_content())
}

fn attributes<'a>(schema: &'a Value, dir: &str, object: &str) -> Option<Vec<&'a str>> {
    let d = schema["directories"]
        .as_array()?
        .iter()
        .find(|d| d["name"] == dir)?;
    let o = d["objects"]
        .as_array()?
        .iter()
        .find(|o| o["name"] == object)?;
    Some(
        o["attributes"]
            .as_array()?
            .iter()
            .filter_map(|a| a["name"].as_str())
            .collect(),
    )
}

fn validate_schema(schema: &mut Value, known_rule: &str) -> Result<(), String> {
    if !schema["directories"].is_array() || !schema["synchronizationRules"].is_array() {
        return Err("The schema must contain 'directories' and 'synchronizationRules' arrays (PUT replaces the whole schema).".into());
    }
    let snapshot = schema.clone();
    for rule in schema["synchronizationRules"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        let rid = rule["id"].as_str().unwrap_or_default().to_owned();
        if rid != known_rule {
            return Err(format!(
                "Synchronization rule '{rid}' is not recognized by the synchronization engine."
            ));
        }
        let (src, dst) = (
            rule["sourceDirectoryName"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            rule["targetDirectoryName"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        let mappings = rule.get_mut("objectMappings").and_then(Value::as_array_mut);
        for om in mappings.into_iter().flatten() {
            validate_object_mapping(om, &snapshot, &src, &dst)?;
        }
    }
    Ok(())
}

fn validate_object_mapping(
    om: &mut Value,
    schema: &Value,
    src: &str,
    dst: &str,
) -> Result<(), String> {
    let name = om["name"].as_str().unwrap_or("(unnamed)").to_owned();
    let so = om["sourceObjectName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let to = om["targetObjectName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (so, to) = (so.as_str(), to.as_str());
    let enabled = om["enabled"] == true;
    let src_attrs = attributes(schema, src, so).ok_or(format!(
        "Object mapping '{name}': source object '{so}' is not defined in directory '{src}'."
    ))?;
    let dst_attrs = attributes(schema, dst, to).ok_or(format!(
        "Object mapping '{name}': target object '{to}' is not defined in directory '{dst}'."
    ))?;
    validate_flow_types(om, &name)?;
    if let Some(scope) = om.get_mut("scope") {
        validate_scope(scope, &src_attrs, &name)?;
    }
    let maps = om["attributeMappings"].as_array_mut().ok_or(format!(
        "Object mapping '{name}': attributeMappings is required."
    ))?;
    let mut matching = false;
    for m in maps.iter_mut() {
        matching |= validate_attribute_mapping(m, &src_attrs, &dst_attrs, &name, to)?;
    }
    if enabled && !matching && !maps.is_empty() {
        return Err(format!(
            "Object mapping '{name}': at least one attribute mapping must be a matching attribute (matchingPriority > 0)."
        ));
    }
    synctpl::sort_mappings(maps);
    Ok(())
}

/// Checks an object mapping's `flowTypes` and `enabled`.
fn validate_flow_types(om: &Value, name: &str) -> Result<(), String> {
    let flows = om["flowTypes"]
        .as_str()
        .ok_or(format!("Object mapping '{name}': flowTypes is required."))?;
    let parts: Vec<&str> = flows.split(',').map(str::trim).collect();
    if parts
        .iter()
        .any(|p| !["Add", "Update", "Delete"].contains(p))
    {
        return Err(format!(
            "Object mapping '{name}': invalid flowTypes '{flows}' (expected a combination of Add, Update, Delete)."
        ));
    }
    if !om["enabled"].is_boolean() {
        return Err(format!(
            "Object mapping '{name}': enabled must be a boolean."
        ));
    }
    Ok(())
}

/// Checks one attribute mapping of object mapping `name` (target object `to`)
/// and canonicalises its source; returns whether it is a matching attribute.
fn validate_attribute_mapping(
    m: &mut Value,
    src_attrs: &[&str],
    dst_attrs: &[&str],
    name: &str,
    to: &str,
) -> Result<bool, String> {
    let target = m["targetAttributeName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if !dst_attrs.contains(&target.as_str()) {
        return Err(format!(
            "Object mapping '{name}': target attribute '{target}' does not exist on '{to}'."
        ));
    }
    let ft = m["flowType"].as_str().unwrap_or("Always");
    if ![
        "Always",
        "ObjectAddOnly",
        "MultiValueAddOnly",
        "ValueAddOnly",
        "AttributeAddOnly",
    ]
    .contains(&ft)
    {
        return Err(format!(
            "Attribute mapping '{target}': invalid flowType '{ft}'."
        ));
    }
    let fb = m["flowBehavior"].as_str().unwrap_or("FlowWhenChanged");
    if !["FlowWhenChanged", "FlowAlways"].contains(&fb) {
        return Err(format!(
            "Attribute mapping '{target}': invalid flowBehavior '{fb}'."
        ));
    }
    let matching = m["matchingPriority"].as_u64().unwrap_or(0) > 0;
    if !m["source"].is_null() {
        expr::validate(&m["source"], &|a| src_attrs.contains(&a))
            .map_err(|e| format!("Attribute mapping '{target}': {e}."))?;
        expr::canonicalise(&mut m["source"]);
    } else if m["defaultValue"].is_null() {
        return Err(format!(
            "Attribute mapping '{target}': a mapping needs a source or a defaultValue."
        ));
    }
    Ok(matching)
}

fn validate_scope(scope: &mut Value, src_attrs: &[&str], name: &str) -> Result<(), String> {
    if scope.is_null() {
        return Ok(());
    }
    for list in ["groups", "inputFilterGroups", "categoryFilterGroups"] {
        let groups = scope.get_mut(list).and_then(Value::as_array_mut);
        for g in groups.into_iter().flatten() {
            let gname = g["name"].as_str().unwrap_or("(unnamed)").to_owned();
            let clauses = g.get_mut("clauses").and_then(Value::as_array_mut);
            for c in clauses.into_iter().flatten() {
                let op = c["operatorName"].as_str().unwrap_or_default();
                let operand = c["sourceOperandName"].as_str().unwrap_or_default();
                let (_, arity) = catalog::operator(op).ok_or(format!(
                    "Scoping filter '{gname}' of '{name}': unknown operator '{op}' (see schema/filterOperators)."
                ))?;
                if !src_attrs.contains(&operand) {
                    return Err(format!(
                        "Scoping filter '{gname}' of '{name}': attribute '{operand}' does not exist."
                    ));
                }
                let values = c["targetOperand"]["values"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if values.iter().any(|v| !v.is_string()) {
                    return Err(format!(
                        "Scoping filter '{gname}': targetOperand values must be strings."
                    ));
                }
                if arity == "Binary" && values.is_empty() {
                    return Err(format!(
                        "Scoping filter '{gname}': operator '{op}' needs a value."
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `GET …/schema/filterOperators`.
pub fn filter_operators(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    id: &str,
) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    find_job(&mut t.sps[i], id, true)?;
    Ok(Resp::ok(json!({
        "@odata.context": req.context("Collection(microsoft.graph.filterOperatorSchema)"),
        "value": catalog::operators_json(&sim.cfg.filter_operators),
    })))
}

/// `GET …/schema/functions` (needs Synchronization.ReadWrite.All, as documented).
pub fn functions(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    find_job(&mut t.sps[i], id, true)?;
    Ok(Resp::ok(json!({
        "@odata.context": req.context("Collection(microsoft.graph.attributeMappingFunctionSchema)"),
        "value": catalog::functions_json(),
    })))
}

/// `GET …/schema/directories`.
pub fn directories(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str, id: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let j = find_job(&mut t.sps[i], id, true)?;
    let sp = &t.sps[i];
    Ok(Resp::ok(json!({
        "@odata.context": req.context(&format!("servicePrincipals('{}')/synchronization/jobs('{id}')/schema/directories", sp.id())),
        "value": sp.jobs[j].schema["directories"],
    })))
}

/// `POST …/schema/parseExpression` (job or template form).
pub fn parse_expression(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    job: Option<&str>,
    tpl: Option<&str>,
) -> HResult {
    let body = req.json()?;
    {
        let mut t = sim.lock();
        let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
        match (job, tpl) {
            (Some(j), _) => drop(find_job(&mut t.sps[i], j, false)?),
            (_, Some(tid)) => drop(template_kind(&t.sps[i], tid)?),
            _ => {}
        }
    }
    let Some(expression) = body.get("expression").and_then(Value::as_str) else {
        return Err(GraphError::bad_request(
            "The parameter 'expression' is required.",
        ));
    };
    let ctx = req.context("microsoft.graph.parseExpressionResponse");
    let tree = match expr::parse(expression) {
        Ok(t) => t,
        Err(e) => {
            return Ok(Resp::ok(json!({
                "@odata.context": ctx,
                "error": {"code": "ExpressionParsingFailed", "message": format!("Syntax error at position {}: {}", e.pos, e.message), "target": "expression", "details": [], "innerError": null},
                "evaluationResult": null, "evaluationSucceeded": false,
                "parsedExpression": null, "parsingSucceeded": false,
            })));
        }
    };
    let (evaluated, result, error) = match body.get("testInputObject").filter(|v| !v.is_null()) {
        None => (false, Value::Null, Value::Null),
        Some(input) => match crate::sim::sync::eval::evaluate(&tree, input) {
            Ok(values) => (true, json!(values), Value::Null),
            Err(m) => (
                false,
                Value::Null,
                json!({"code": "ExpressionEvaluationFailed", "message": m, "target": null, "details": [], "innerError": null}),
            ),
        },
    };
    Ok(Resp::ok(json!({
        "@odata.context": ctx,
        "error": error, "evaluationResult": result, "evaluationSucceeded": evaluated,
        "parsedExpression": tree, "parsingSucceeded": true,
    })))
}
