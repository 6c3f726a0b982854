//! A tiny Graph client for setting apps up by hand (plain reqwest; no entraprov code).

#![allow(dead_code)]

use serde_json::{Value, json};

pub use crate::graph_client::{Graph, attribute, clause, mapping};

/// An app created from a gallery template, with its job.
pub struct App {
    pub sp: String,
    pub app_id: String,
    pub job: String,
    pub roles: Vec<(String, String)>,
}

impl App {
    pub fn sp_path(&self) -> String {
        format!("/servicePrincipals/{}", self.sp)
    }

    pub fn job_path(&self) -> String {
        format!("{}/synchronization/jobs/{}", self.sp_path(), self.job)
    }

    /// Role id by display name.
    pub fn role(&self, name: &str) -> &str {
        &self
            .roles
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no role {name}"))
            .1
    }
}

/// Template id of a gallery entry by display name.
pub fn template(g: &Graph, name: &str) -> String {
    let all = g.get("/applicationTemplates");
    all["value"]
        .as_array()
        .expect("templates")
        .iter()
        .find(|t| t["displayName"] == name)
        .and_then(|t| t["id"].as_str())
        .unwrap_or_else(|| panic!("no gallery entry {name}"))
        .to_owned()
}

/// Instantiates a gallery entry and creates its provisioning job.
pub fn create_app(g: &Graph, gallery: &str, display_name: &str) -> App {
    let mut app = instantiate(g, gallery, display_name);
    app.job = g.create_job(&app.sp);
    app
}

/// Instantiates a gallery entry (no provisioning job).
pub fn instantiate(g: &Graph, gallery: &str, display_name: &str) -> App {
    let tpl = template(g, gallery);
    let created = g.post(
        &format!("/applicationTemplates/{tpl}/instantiate"),
        json!({ "displayName": display_name }),
    );
    let spv = &created["servicePrincipal"];
    let sp = spv["id"].as_str().expect("sp").to_owned();
    let roles = spv["appRoles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| {
            (
                r["displayName"].as_str().unwrap_or_default().to_owned(),
                r["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    App {
        app_id: spv["appId"].as_str().expect("appId").to_owned(),
        sp,
        job: String::new(),
        roles,
    }
}

/// Object ids of every group with this display name.
pub fn group_ids(g: &Graph, name: &str) -> Vec<String> {
    let all = g.get("/groups?$top=999");
    all["value"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|x| x["displayName"] == name)
        .filter_map(|x| x["id"].as_str().map(str::to_owned))
        .collect()
}

/// Object id of a user by UPN.
pub fn user_id(g: &Graph, upn: &str) -> String {
    g.get(&format!("/users/{upn}"))["id"]
        .as_str()
        .expect("user")
        .to_owned()
}

/// Assigns a principal with a role.
pub fn assign(g: &Graph, app: &App, principal: &str, role: &str) {
    g.post(
        &format!("{}/appRoleAssignedTo", app.sp_path()),
        json!({ "principalId": principal, "resourceId": app.sp, "appRoleId": role }),
    );
}

/// Replaces the synchronization secrets.
pub fn put_secrets(g: &Graph, app: &App, pairs: &[(&str, &str)]) {
    let value: Vec<Value> = pairs
        .iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    g.put(
        &format!("{}/synchronization/secrets", app.sp_path()),
        json!({ "value": value }),
    );
}

/// The source tree of an expression, from Graph's parseExpression.
pub fn parsed(g: &Graph, app: &App, expression: &str) -> Value {
    let r = g.post(
        &format!("{}/schema/parseExpression", app.job_path()),
        json!({ "expression": expression }),
    );
    assert_eq!(r["parsingSucceeded"], true, "{r}");
    r["parsedExpression"].clone()
}

/// GET schema → change every object mapping with `f(mapping)` → PUT.
pub fn edit_mappings(g: &Graph, app: &App, mut f: impl FnMut(&mut Value)) {
    let mut schema = g.get(&format!("{}/schema", app.job_path()));
    for rule in schema["synchronizationRules"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        for om in rule["objectMappings"].as_array_mut().into_iter().flatten() {
            f(om);
        }
    }
    g.put(&format!("{}/schema", app.job_path()), schema);
}

/// Starts the job.
pub fn start(g: &Graph, app: &App) {
    g.post(&format!("{}/start", app.job_path()), json!({}));
}

/// Adds tags to the service principal.
pub fn add_tags(g: &Graph, app: &App, tags: &[String]) {
    let mut all = g.get(&app.sp_path())["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    all.extend(tags.iter().map(|t| json!(t)));
    g.patch(&app.sp_path(), json!({ "tags": all }));
}
