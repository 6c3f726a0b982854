//! Synchronization templates and their default schemas (a SCIM connector: a User→User
//! and a Group→Group object mapping, keeper.md §2.3 defaults).

use serde_json::{Value, json};

use crate::sim::sync::expr;

/// Synchronization template `(id, factoryTag, target directory name, display name)` of a kind.
pub fn template_of(kind: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        "keeper" => (
            "keeperPasswordManagerDigitalVault",
            "CustomSCIM",
            "Keeper Password Manager & Digital Vault",
            "Keeper Password Manager & Digital Vault",
        ),
        _ => ("scim", "CustomSCIM", "customappsso", "customappsso"),
    }
}

/// The id of the one synchronization rule of a kind.
pub fn rule_id(kind: &str) -> &'static str {
    match kind {
        "keeper" => "6c7a1b2e-keeper-outbound-user-and-group",
        _ => "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8",
    }
}

fn attr(name: &str, ty: &str, multi: bool, extra: Value) -> Value {
    let mut a = json!({
        "anchor": false, "apiExpressions": [], "caseExact": false, "defaultValue": null,
        "flowNullValues": false, "metadata": [], "multivalued": multi, "mutability": "ReadWrite",
        "name": name, "required": false, "referencedObjects": [], "type": ty,
    });
    if let (Some(m), Some(e)) = (a.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    a
}

fn strings(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|n| attr(n, "String", false, json!({})))
        .collect()
}

fn aad_directory() -> Value {
    let mut user = strings(&[
        "userPrincipalName",
        "mail",
        "givenName",
        "surname",
        "displayName",
        "jobTitle",
        "department",
        "telephoneNumber",
        "mobile",
        "employeeId",
        "preferredLanguage",
        "city",
        "country",
        "mailNickname",
        "physicalDeliveryOfficeName",
        "streetAddress",
        "postalCode",
        "state",
        "companyName",
        "userType",
        "extensionAttribute1",
    ]);
    user.push(attr(
        "objectId",
        "String",
        false,
        json!({"anchor": true, "mutability": "ReadOnly"}),
    ));
    user.push(attr("IsSoftDeleted", "Boolean", false, json!({})));
    user.push(attr("accountEnabled", "Boolean", false, json!({})));
    user.push(attr("proxyAddresses", "String", true, json!({})));
    user.push(attr("manager", "Reference", false, json!({"referencedObjects": [{"referencedObjectName": "User", "referencedProperty": null}]})));
    user.push(attr("appRoleAssignments", "String", true, json!({})));
    let mut group = strings(&["displayName", "mail", "mailNickname", "description"]);
    group.push(attr(
        "objectId",
        "String",
        false,
        json!({"anchor": true, "mutability": "ReadOnly"}),
    ));
    group.push(attr("IsSoftDeleted", "Boolean", false, json!({})));
    group.push(attr("members", "Reference", true, json!({"referencedObjects": [{"referencedObjectName": "User", "referencedProperty": null}, {"referencedObjectName": "Group", "referencedProperty": null}]})));
    directory("Azure Active Directory", user, group)
}

fn scim_directory(name: &str) -> Value {
    let mut user = strings(&[
        "displayName",
        "title",
        "emails[type eq \"work\"].value",
        "emails[type eq \"other\"].value",
        "preferredLanguage",
        "name.givenName",
        "name.familyName",
        "name.formatted",
        "addresses[type eq \"work\"].locality",
        "addresses[type eq \"work\"].country",
        "phoneNumbers[type eq \"work\"].value",
        "phoneNumbers[type eq \"mobile\"].value",
        "externalId",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    ]);
    user.insert(
        0,
        attr("userName", "String", false, json!({"required": true})),
    );
    user.push(attr("active", "Boolean", false, json!({})));
    user.push(attr("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "Reference", false, json!({"referencedObjects": [{"referencedObjectName": "User", "referencedProperty": null}]})));
    let mut group = strings(&["externalId"]);
    group.insert(
        0,
        attr("displayName", "String", false, json!({"required": true})),
    );
    group.push(attr("members", "Reference", true, json!({"referencedObjects": [{"referencedObjectName": "User", "referencedProperty": null}, {"referencedObjectName": "Group", "referencedProperty": null}]})));
    directory(name, user, group)
}

fn directory(name: &str, user: Vec<Value>, group: Vec<Value>) -> Value {
    json!({
        "id": name.to_lowercase().replace(' ', ""), "name": name, "discoverabilities": "None",
        "discoveryDateTime": "2025-01-15T09:30:00Z", "readOnly": false, "version": null,
        "metadata": [],
        "objects": [
            {"name": "User", "supportedApis": [], "metadata": [{"key": "IsSoftDeletionSupported", "value": "true"}], "attributes": user},
            {"name": "Group", "supportedApis": [], "metadata": [{"key": "IsSoftDeletionSupported", "value": "true"}], "attributes": group},
        ],
    })
}

/// An attribute mapping from an expression (parsed by the simulator's own parser).
fn mapping(target: &str, expression: &str, matching: u32) -> Value {
    let source = expr::parse(expression).unwrap_or(Value::Null);
    json!({
        "defaultValue": null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
        "flowType": "Always", "matchingPriority": matching, "source": source,
        "targetAttributeName": target,
    })
}

fn object_mapping(name: &str, object: &str, maps: Vec<Value>) -> Value {
    let mut maps = maps;
    sort_mappings(&mut maps);
    json!({
        "attributeMappings": maps, "enabled": true, "flowTypes": "Add, Update, Delete",
        "metadata": [{"key": "Disposition", "value": "Normal"}, {"key": "EscrowBehavior", "value": "Default"}],
        "name": name, "scope": null, "sourceObjectName": object, "targetObjectName": object,
    })
}

/// Sorts attribute mappings by `targetAttributeName`, as the backend does.
pub fn sort_mappings(maps: &mut [Value]) {
    maps.sort_by(|a, b| {
        a["targetAttributeName"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["targetAttributeName"].as_str().unwrap_or_default())
    });
}

/// The default schema of a kind, with `id` set to `schema_id`.
pub fn default_schema(kind: &str, schema_id: &str) -> Value {
    let (_, _, target, display) = template_of(kind);
    let users = vec![
        mapping("userName", "[userPrincipalName]", 1),
        mapping(
            "active",
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            0,
        ),
        mapping("emails[type eq \"work\"].value", "[mail]", 0),
        mapping("name.givenName", "[givenName]", 0),
        mapping("name.familyName", "[surname]", 0),
        mapping("externalId", "[objectId]", 0),
        mapping("title", "[jobTitle]", 0),
        mapping(
            "phoneNumbers[type eq \"work\"].value",
            "[telephoneNumber]",
            0,
        ),
        mapping(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "[department]",
            0,
        ),
        mapping("emails[type eq \"other\"].value", "[proxyAddresses]", 0),
    ];
    let groups = vec![
        mapping("displayName", "[displayName]", 1),
        mapping("members", "[members]", 0),
        mapping("externalId", "[objectId]", 0),
    ];
    json!({
        "id": schema_id,
        "version": "Date:2025-01-15T09:30:00Z;Version:1",
        "directories": [aad_directory(), scim_directory(target)],
        "synchronizationRules": [{
            "containerFilter": {"includedContainers": []},
            "editable": true,
            "groupFilter": {"includedGroups": []},
            "id": rule_id(kind),
            "metadata": [
                {"key": "defaultSourceObjectMappings", "value": "User,Group"},
                {"key": "supportsProvisionOnDemand", "value": "true"},
                {"key": "IsCustomerDefined", "value": "false"},
            ],
            "name": "USER_GROUP_OUTBOUND",
            "objectMappings": [
                object_mapping(&format!("Synchronize Microsoft Entra ID Users to {display}"), "User", users),
                object_mapping(&format!("Synchronize Microsoft Entra ID Groups to {display}"), "Group", groups),
            ],
            "priority": 1,
            "sourceDirectoryName": "Azure Active Directory",
            "targetDirectoryName": target,
        }],
    })
}

/// The `synchronizationTemplate` resource of a kind for an app.
pub fn template_json(kind: &str, app_id: &str, gallery_id: &str, with_schema: bool) -> Value {
    let (id, factory, _, display) = template_of(kind);
    let schema = if with_schema {
        default_schema(kind, id)
    } else {
        json!({"directories": [], "synchronizationRules": []})
    };
    json!({
        "id": id, "applicationId": app_id, "default": true, "description": format!("{display} provisioning (SCIM 2.0)"),
        "discoverable": true, "factoryTag": factory,
        "metadata": [
            {"key": "galleryApplicationIdentifier", "value": gallery_id},
            {"key": "galleryApplicationKey", "value": id},
        ],
        "schema": schema,
    })
}
