//! The schema's directory definitions: attribute-list edits checked as Microsoft documents
//! them (attributeDefinition, referencedObject, "Editing the list of supported attributes"),
//! and `POST …/schema/directories/{id}/discover`.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::perms::Op;
use crate::sim::state::iso_now;
use crate::sim::sync::jobs::{find_job, sync_sp};
use crate::sim::sync::synctpl;

/// `attributeDefinition.type` values.
const TYPES: &[&str] = &[
    "String",
    "Integer",
    "Reference",
    "Binary",
    "Boolean",
    "DateTime",
];

/// Name of the Entra ID directory in a schema.
const ENTRA: &str = "Azure Active Directory";

/// Checks every directory's attribute definitions of a schema about to be stored; `kind`
/// is the app's connector kind (custom SCIM attributes of the non-gallery app are limited).
pub fn validate(schema: &Value, kind: &str) -> Result<(), String> {
    let template = synctpl::default_schema(kind, "t");
    for d in schema["directories"].as_array().into_iter().flatten() {
        let dir = d["name"].as_str().unwrap_or_default();
        let objects: BTreeSet<&str> = d["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["name"].as_str())
            .collect();
        for o in d["objects"].as_array().into_iter().flatten() {
            let object = o["name"].as_str().unwrap_or_default();
            let defaults = template_names(&template, dir, object);
            let mut seen = BTreeSet::new();
            for a in o["attributes"].as_array().into_iter().flatten() {
                let cx = AttrCx {
                    dir,
                    object,
                    objects: &objects,
                    kind,
                    defaults: &defaults,
                };
                validate_attribute(a, &cx)?;
                let name = a["name"].as_str().unwrap_or_default();
                if !seen.insert(name) {
                    return Err(format!(
                        "Attribute '{name}' is defined more than once on object '{object}' of directory '{dir}'."
                    ));
                }
            }
        }
    }
    Ok(())
}

fn template_names(template: &Value, dir: &str, object: &str) -> BTreeSet<String> {
    template["directories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["name"] == dir)
        .flat_map(|d| d["objects"].as_array().into_iter().flatten())
        .filter(|o| o["name"] == object)
        .flat_map(|o| o["attributes"].as_array().into_iter().flatten())
        .filter_map(|a| a["name"].as_str().map(str::to_owned))
        .collect()
}

struct AttrCx<'a> {
    dir: &'a str,
    object: &'a str,
    objects: &'a BTreeSet<&'a str>,
    kind: &'a str,
    defaults: &'a BTreeSet<String>,
}

fn validate_attribute(a: &Value, cx: &AttrCx<'_>) -> Result<(), String> {
    let (dir, object) = (cx.dir, cx.object);
    let name = a["name"].as_str().unwrap_or_default();
    if name.trim().is_empty() {
        return Err(format!(
            "An attribute of object '{object}' of directory '{dir}' has no name."
        ));
    }
    let ty = a["type"].as_str().unwrap_or("String");
    if !TYPES.contains(&ty) {
        return Err(format!(
            "Attribute '{name}' of object '{object}': invalid type '{ty}' (expected one of {}).",
            TYPES.join(", ")
        ));
    }
    let refs: Vec<&str> = a["referencedObjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["referencedObjectName"].as_str())
        .collect();
    if let Some(r) = refs.iter().find(|r| !cx.objects.contains(**r)) {
        return Err(format!(
            "Attribute '{name}' of object '{object}': referenced object '{r}' is not defined in directory '{dir}'."
        ));
    }
    if !refs.is_empty() && ty != "Reference" {
        return Err(format!(
            "Attribute '{name}' of object '{object}': referencedObjects is only valid for type 'Reference'."
        ));
    }
    let multi = a["multivalued"] == true;
    if cx.defaults.contains(name) {
        return Ok(());
    }
    if dir == ENTRA && multi && name.starts_with("extension_") {
        return Err(format!(
            "Attribute '{name}': multi-valued directory extension attributes cannot be provisioned."
        ));
    }
    if dir != ENTRA && cx.kind == "scim" && (multi || ty == "Reference") {
        return Err(format!(
            "Attribute '{name}' of object '{object}': custom attributes of this application cannot be multi-valued or reference attributes."
        ));
    }
    Ok(())
}

/// `POST …/jobs/{id}/schema/directories/{directoryId}/discover` → 200 with the
/// `directoryDefinition`, its `discoveryDateTime` set to now and `version` to a new value.
/// The Entra ID directory also lists the directory extensions the tenant's users carry.
pub fn discover(
    sim: &Arc<Sim>,
    caller: &Caller,
    req: &Req,
    key: &str,
    id: &str,
    dir_id: &str,
) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    let j = find_job(&mut t.sps[i], id, false)?;
    let extensions: BTreeSet<String> = t
        .users
        .iter()
        .flat_map(|u| u.extensions.keys().cloned())
        .collect();
    let sp_id = t.sps[i].id().to_owned();
    let job = &mut t.sps[i].jobs[j];
    let Some(dir) = job.schema["directories"]
        .as_array_mut()
        .and_then(|ds| ds.iter_mut().find(|d| d["id"] == dir_id))
    else {
        return Err(GraphError::new(
            404,
            "NotFound",
            format!("The directory definition '{dir_id}' was not found."),
        ));
    };
    if dir["name"] == ENTRA {
        add_extensions(dir, &extensions);
    }
    dir["discoveryDateTime"] = json!(iso_now());
    dir["version"] = json!(format!("{:x}", job.schema_version + 1));
    let mut body = dir.clone();
    if let Some(o) = body.as_object_mut() {
        o.insert(
            "@odata.context".into(),
            json!(req.context(&format!(
                "servicePrincipals('{sp_id}')/synchronization/jobs('{id}')/schema/directories/$entity"
            ))),
        );
    }
    Ok(Resp::ok(body))
}

fn add_extensions(dir: &mut Value, extensions: &BTreeSet<String>) {
    let Some(user) = dir["objects"]
        .as_array_mut()
        .and_then(|os| os.iter_mut().find(|o| o["name"] == "User"))
    else {
        return;
    };
    let Some(attrs) = user["attributes"].as_array_mut() else {
        return;
    };
    for name in extensions {
        if !attrs.iter().any(|a| a["name"] == name.as_str()) {
            attrs.push(json!({
                "anchor": false, "apiExpressions": [], "caseExact": false, "defaultValue": null,
                "flowNullValues": false, "metadata": [], "multivalued": false,
                "mutability": "ReadWrite", "name": name, "required": false,
                "referencedObjects": [], "type": "String",
            }));
        }
    }
}
