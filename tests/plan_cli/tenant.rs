//! Direct Graph calls to the simulator (plain reqwest; no entraprov code), to set a tenant up
//! exactly as `examples/keeper.yaml` declares it, and to make single drifts.

#![allow(dead_code)]

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::common::{ADMINS_ID, SCIM_TOKEN};

pub use crate::graph_client::{Graph, attribute, clause, mapping};

/// Ids of the app the tests set up.
pub struct App {
    pub sp: String,
    pub job: String,
    pub user_role: String,
}

impl App {
    pub fn sp_path(&self) -> String {
        format!("/servicePrincipals/{}", self.sp)
    }

    pub fn job_path(&self) -> String {
        format!("{}/synchronization/jobs/{}", self.sp_path(), self.job)
    }
}

/// First 12 hex characters of SHA-256 over `<sp id>:<token>` (DESIGN.md §4).
pub fn fingerprint(sp: &str, token: &str) -> String {
    let digest = Sha256::digest(format!("{sp}:{token}").as_bytes());
    digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..12]
        .to_owned()
}

fn keeper_template(g: &Graph) -> String {
    let t = g.get("/applicationTemplates?$filter=displayName%20eq%20'Keeper%20Password%20Manager%20%26%20Digital%20Vault'");
    t["value"][0]["id"]
        .as_str()
        .expect("keeper template")
        .to_owned()
}

/// Object id of the only group with this display name.
pub fn group_id(g: &Graph, name: &str) -> String {
    let v = g.get(&format!(
        "/groups?$filter=displayName%20eq%20'{}'",
        name.replace(' ', "%20")
    ));
    v["value"][0]["id"].as_str().expect("group").to_owned()
}

/// Object id of a user.
pub fn user_id(g: &Graph, upn: &str) -> String {
    g.get(&format!("/users/{upn}"))["id"]
        .as_str()
        .expect("user")
        .to_owned()
}

/// Instantiates Keeper as "Keeper (prod)" with the given tags; returns (sp id, User role id).
pub fn instantiate(g: &Graph, tags: &[&str]) -> (String, String) {
    let tpl = keeper_template(g);
    let created = g.post(
        &format!("/applicationTemplates/{tpl}/instantiate"),
        json!({"displayName": "Keeper (prod)"}),
    );
    let sp = created["servicePrincipal"]["id"]
        .as_str()
        .expect("sp")
        .to_owned();
    let role = created["servicePrincipal"]["appRoles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["displayName"] == "User")
        .and_then(|r| r["id"].as_str())
        .expect("User role")
        .to_owned();
    if !tags.is_empty() {
        let mut all: Vec<Value> = created["servicePrincipal"]["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        all.extend(tags.iter().map(|t| json!(t)));
        g.patch(&format!("/servicePrincipals/{sp}"), json!({ "tags": all }));
    }
    (sp, role)
}

/// Sets the whole tenant up as examples/keeper.yaml declares it (the plan must be empty).
pub fn setup_keeper(g: &Graph) -> App {
    let (sp, role) = instantiate(g, &["entraprov:keeper-prod"]);
    let fp = fingerprint(&sp, SCIM_TOKEN);
    let tags = g.get(&format!("/servicePrincipals/{sp}"))["tags"].clone();
    let mut tags = tags.as_array().cloned().unwrap_or_default();
    tags.push(json!(format!("entraprov:token-sha256={fp}")));
    g.patch(&format!("/servicePrincipals/{sp}"), json!({ "tags": tags }));
    for principal in [
        group_id(g, "Keeper Users"),
        ADMINS_ID.to_owned(),
        user_id(g, "alice@contoso.com"),
    ] {
        assign(g, &sp, &principal, &role);
    }
    let job = g.create_job(&sp);
    let app = App {
        sp,
        job,
        user_role: role,
    };
    g.put(
        &format!("{}/synchronization/secrets", app.sp_path()),
        json!({ "value": keeper_secrets("https://keepersecurity.com/api/rest/scim/v2/1234567890") }),
    );
    let schema = keeper_schema(g, &app);
    g.put(&format!("{}/schema", app.job_path()), schema);
    g.post(&format!("{}/start", app.job_path()), json!({}));
    app
}

/// Assigns a principal to the app with a role.
pub fn assign(g: &Graph, sp: &str, principal: &str, role: &str) -> String {
    let a = g.post(
        &format!("/servicePrincipals/{sp}/appRoleAssignedTo"),
        json!({ "principalId": principal, "resourceId": sp, "appRoleId": role }),
    );
    a["id"].as_str().expect("assignment id").to_owned()
}

/// The secrets keeper.yaml declares.
pub fn keeper_secrets(url: &str) -> Value {
    json!([
        { "key": "BaseAddress", "value": url },
        { "key": "SecretToken", "value": SCIM_TOKEN },
        { "key": "SyncAll", "value": "false" },
        { "key": "SyncNotificationSettings",
          "value": "{\"Enabled\":true,\"Recipients\":\"it-alerts@contoso.com\",\"DeleteThresholdEnabled\":true,\"DeleteThresholdValue\":500}" },
        { "key": "SkipOutOfScopeDeletions", "value": "False" }
    ])
}

/// The `attributeMappingSource` tree of an expression, from Graph's parseExpression.
pub fn parsed(g: &Graph, app: &App, expression: &str) -> Value {
    let r = g.post(
        &format!("{}/schema/parseExpression", app.job_path()),
        json!({ "expression": expression }),
    );
    assert_eq!(r["parsingSucceeded"], true, "{r}");
    r["parsedExpression"].clone()
}

/// The job schema with the mappings and scoping filters of keeper.yaml.
fn keeper_schema(g: &Graph, app: &App) -> Value {
    let mut schema = g.get(&format!("{}/schema", app.job_path()));
    let users = vec![
        mapping(
            "userName",
            attribute("userPrincipalName"),
            1,
            "Always",
            None,
        ),
        mapping(
            "emails[type eq \"work\"].value",
            attribute("userPrincipalName"),
            0,
            "Always",
            None,
        ),
        mapping(
            "active",
            parsed(
                g,
                app,
                "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            ),
            0,
            "Always",
            None,
        ),
        mapping("displayName", attribute("displayName"), 0, "Always", None),
        mapping("name.givenName", attribute("givenName"), 0, "Always", None),
        mapping(
            "name.familyName",
            attribute("surname"),
            0,
            "Always",
            Some("-"),
        ),
        mapping(
            "title",
            parsed(g, app, "IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")"),
            0,
            "ObjectAddOnly",
            None,
        ),
        mapping(
            "externalId",
            json!({"type": "Constant", "name": "contoso", "parameters": []}),
            0,
            "Always",
            None,
        ),
    ];
    let groups = vec![
        mapping("displayName", attribute("displayName"), 1, "Always", None),
        mapping("members", attribute("members"), 0, "Always", None),
    ];
    let scope = json!({ "groups": [
        { "name": "Engineering only", "clauses": [
            clause("department", "EQUALS", &["Engineering"]),
            clause("accountEnabled", "IS_TRUE", &[]) ] },
        { "name": "Contractors by number", "clauses": [
            clause("employeeId", "GREATER_THAN", &["90000"]) ] }
    ]});
    for om in object_mappings(&mut schema) {
        if om["sourceObjectName"] == "User" {
            om["enabled"] = json!(true);
            om["attributeMappings"] = json!(users);
            om["scope"] = scope.clone();
        } else if om["sourceObjectName"] == "Group" {
            om["enabled"] = json!(true);
            om["flowTypes"] = json!("Add, Update");
            om["attributeMappings"] = json!(groups);
        }
    }
    schema
}

/// Every object mapping of a schema, mutably.
pub fn object_mappings(schema: &mut Value) -> Vec<&mut Value> {
    schema["synchronizationRules"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .flat_map(|r| r["objectMappings"].as_array_mut().into_iter().flatten())
        .collect()
}

/// GET schema → change → PUT.
pub fn edit_schema(g: &Graph, app: &App, f: impl FnOnce(&mut Value)) {
    let mut schema = g.get(&format!("{}/schema", app.job_path()));
    f(&mut schema);
    g.put(&format!("{}/schema", app.job_path()), schema);
}
