//! applicationTemplates and servicePrincipals.

use entraprov::sim::directory::seed::{
    CUSTOM_MSIAM_ROLE_ID, CUSTOM_TEMPLATE_ID, CUSTOM_USER_ROLE_ID, KEEPER_TEMPLATE_ID,
};
use serde_json::json;

use crate::common::{Ctx, graph_error};

#[tokio::test]
async fn template_filter_needs_encoded_ampersand_and_doubled_quotes() {
    let ctx = Ctx::new();
    let a = ctx.get("/applicationTemplates?$filter=displayName%20eq%20'Keeper%20Password%20Manager%20%26%20Digital%20Vault'").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/$metadata#applicationTemplates")
    );
    let v = a.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["id"], KEEPER_TEMPLATE_ID);
    assert_eq!(v[0]["supportedProvisioningTypes"], json!(["sync"]));
    for k in [
        "homePageUrl",
        "logoUrl",
        "publisher",
        "description",
        "categories",
        "supportedSingleSignOnModes",
    ] {
        assert!(v[0].get(k).is_some(), "missing {k}");
    }
    // An unencoded & splits the query string: the literal is unterminated.
    let raw = ctx.get("/applicationTemplates?$filter=displayName%20eq%20'Keeper%20Password%20Manager%20&%20Digital%20Vault'").await;
    assert_eq!(raw.status, 400);
    assert_eq!(graph_error(&raw), "BadRequest");
    let q = ctx
        .get("/applicationTemplates?$filter=displayName%20eq%20'Contoso%20O''Reilly%20Books'")
        .await;
    assert_eq!(q.body["value"].as_array().unwrap().len(), 1, "{}", q.body);
    let single = ctx
        .get("/applicationTemplates?$filter=displayName%20eq%20'Contoso%20O'Reilly%20Books'")
        .await;
    assert_eq!(
        single.status, 400,
        "a single quote inside a literal is a syntax error"
    );
}

#[tokio::test]
async fn template_filter_supports_startswith_contains_and_get_by_id() {
    let ctx = Ctx::new();
    let a = ctx
        .get("/applicationTemplates?$filter=startswith(displayName,'Keeper')")
        .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 2);
    let a = ctx
        .get("/applicationTemplates?$filter=contains(displayName,'digital')")
        .await;
    assert_eq!(a.body["value"].as_array().unwrap().len(), 1);
    let g = ctx
        .get(&format!("/applicationTemplates/{CUSTOM_TEMPLATE_ID}"))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body["displayName"], "Non-gallery application");
    assert!(
        g.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#applicationTemplates/$entity")
    );
    let missing = ctx
        .get("/applicationTemplates/0d0d0d0d-0000-0000-0000-000000000000")
        .await;
    assert_eq!(
        (missing.status, graph_error(&missing).as_str()),
        (404, "Request_ResourceNotFound")
    );
    let bad = ctx
        .get("/applicationTemplates?$filter=publisher%20eq%20'x'")
        .await;
    assert_eq!(
        (bad.status, graph_error(&bad).as_str()),
        (400, "Request_UnsupportedQuery")
    );
}

#[tokio::test]
async fn instantiate_returns_application_and_service_principal_with_default_roles() {
    let ctx = Ctx::new();
    let a = ctx
        .post(
            &format!("/applicationTemplates/{KEEPER_TEMPLATE_ID}/instantiate"),
            json!({"displayName": "Keeper (prod)"}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert!(
        a.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("microsoft.graph.applicationServicePrincipal")
    );
    let (app, sp) = (&a.body["application"], &a.body["servicePrincipal"]);
    assert_eq!(app["appId"], sp["appId"]);
    assert_eq!(sp["applicationTemplateId"], KEEPER_TEMPLATE_ID);
    assert_eq!(sp["appRoleAssignmentRequired"], true);
    assert_eq!(sp["servicePrincipalType"], "Application");
    assert_eq!(
        sp["tags"],
        json!(["WindowsAzureActiveDirectoryIntegratedApp"])
    );
    assert!(sp["deletedDateTime"].is_null() && sp["notes"].is_null() && sp["loginUrl"].is_null());
    assert_eq!(app["web"]["redirectUris"], json!([]));
    let roles = sp["appRoles"].as_array().unwrap();
    let names: Vec<&str> = roles
        .iter()
        .map(|r| r["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["msiam_access", "User"]);
    for r in roles {
        assert!(r["value"].is_null());
        assert_eq!(r["allowedMemberTypes"], json!(["User"]));
        assert_eq!(r["origin"], "Application");
        assert!(uuid::Uuid::parse_str(r["id"].as_str().unwrap()).is_ok());
    }
    // Not idempotent: a second call creates a second app with the same name.
    let again = ctx
        .post(
            &format!("/applicationTemplates/{KEEPER_TEMPLATE_ID}/instantiate"),
            json!({"displayName": "Keeper (prod)"}),
        )
        .await;
    assert_ne!(again.body["servicePrincipal"]["id"], sp["id"]);
    let list = ctx
        .get("/servicePrincipals?$filter=displayName%20eq%20'Keeper%20(prod)'")
        .await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 2);
    let bad = ctx
        .post(
            &format!("/applicationTemplates/{KEEPER_TEMPLATE_ID}/instantiate"),
            json!({}),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_non_gallery_app_has_the_documented_user_and_msiam_access_roles_with_fixed_ids() {
    // docs/graph-fidelity.md: Microsoft's example of an app instantiated from the custom
    // template lists exactly these appRoles, in this order, with these ids.
    let ctx = Ctx::new();
    let mut ids = Vec::new();
    for name in ["SCIM one", "SCIM two"] {
        let a = ctx
            .post(
                &format!("/applicationTemplates/{CUSTOM_TEMPLATE_ID}/instantiate"),
                json!({ "displayName": name }),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        let sp = &a.body["servicePrincipal"];
        let expected = json!([
            {"allowedMemberTypes": ["User"], "description": "User", "displayName": "User",
             "id": CUSTOM_USER_ROLE_ID, "isEnabled": true, "origin": "Application", "value": null},
            {"allowedMemberTypes": ["User"], "description": "msiam_access",
             "displayName": "msiam_access", "id": CUSTOM_MSIAM_ROLE_ID, "isEnabled": true,
             "origin": "Application", "value": null}
        ]);
        assert_eq!(sp["appRoles"], expected);
        assert_eq!(a.body["application"]["appRoles"], expected);
        ids.push(sp["id"].clone());
    }
    assert_ne!(ids[0], ids[1], "two apps, the same role ids");
}

#[tokio::test]
async fn service_principal_by_id_by_app_id_with_select_and_404() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (get)").await;
    let (id, app_id) = (sp["id"].as_str().unwrap(), sp["appId"].as_str().unwrap());
    let a = ctx.get(&format!("/servicePrincipals/{id}")).await;
    assert_eq!(a.body["displayName"], "Keeper (get)");
    let b = ctx
        .get(&format!(
            "/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName"
        ))
        .await;
    assert_eq!(b.status, 200, "{}", b.body);
    assert_eq!(b.body["id"], id);
    assert!(b.body.get("appRoles").is_none(), "$select projects");
    assert!(
        b.body["@odata.context"]
            .as_str()
            .unwrap()
            .contains("servicePrincipals(id,appId,displayName)/$entity")
    );
    let bad = ctx
        .get(&format!("/servicePrincipals/{id}?$select=id,nope"))
        .await;
    assert_eq!(bad.status, 400);
    let missing = ctx
        .get("/servicePrincipals/11111111-2222-3333-4444-555555555555")
        .await;
    assert_eq!(
        (missing.status, graph_error(&missing).as_str()),
        (404, "Request_ResourceNotFound")
    );
    let by_app = ctx
        .get(&format!(
            "/servicePrincipals?$filter=appId%20eq%20'{app_id}'"
        ))
        .await;
    assert_eq!(by_app.body["value"].as_array().unwrap().len(), 1);
    let tmpl = ctx
        .get(&format!(
            "/servicePrincipals?$filter=applicationTemplateId%20eq%20'{KEEPER_TEMPLATE_ID}'"
        ))
        .await;
    assert_eq!(
        (tmpl.status, graph_error(&tmpl).as_str()),
        (400, "Request_UnsupportedQuery")
    );
}

#[tokio::test]
async fn patch_replaces_collections_whole_and_tags_are_filterable() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (tags)").await;
    let id = sp["id"].as_str().unwrap();
    let p = ctx
        .patch(
            &format!("/servicePrincipals/{id}"),
            json!({"tags": ["entraprov:keeper-prod", "x"], "notes": "managed"}),
        )
        .await;
    assert_eq!(p.status, 204, "{}", p.body);
    assert!(p.body.is_null());
    let p = ctx
        .patch(
            &format!("/servicePrincipals/{id}"),
            json!({"tags": ["entraprov:keeper-prod"]}),
        )
        .await;
    assert_eq!(p.status, 204);
    let g = ctx.get(&format!("/servicePrincipals/{id}")).await;
    assert_eq!(
        g.body["tags"],
        json!(["entraprov:keeper-prod"]),
        "the collection is replaced, not merged"
    );
    assert_eq!(g.body["notes"], "managed");
    let f = ctx.get("/servicePrincipals?$filter=tags/any(t:t%20eq%20'entraprov:keeper-prod')&$select=id,tags").await;
    assert_eq!(f.body["value"].as_array().unwrap().len(), 1, "{}", f.body);
    assert_eq!(f.body["value"][0]["id"], id);
}

#[tokio::test]
async fn patch_rejects_read_only_unknown_and_enabled_role_removal() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (patch)").await;
    let id = sp["id"].as_str().unwrap();
    let ro = ctx
        .patch(&format!("/servicePrincipals/{id}"), json!({"appId": "x"}))
        .await;
    assert_eq!(
        (ro.status, graph_error(&ro).as_str()),
        (400, "Request_BadRequest")
    );
    let unknown = ctx
        .patch(
            &format!("/servicePrincipals/{id}"),
            json!({"colour": "red"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    let mut roles = sp["appRoles"].as_array().unwrap().clone();
    let user_role = roles.pop().unwrap();
    let drop = ctx
        .patch(
            &format!("/servicePrincipals/{id}"),
            json!({"appRoles": roles}),
        )
        .await;
    assert_eq!(
        (drop.status, graph_error(&drop).as_str()),
        (400, "CannotDeleteOrUpdateEnabledEntitlement")
    );
    let mut disabled = user_role.clone();
    disabled["isEnabled"] = json!(false);
    let mut with_disabled = roles.clone();
    with_disabled.push(disabled);
    assert_eq!(
        ctx.patch(
            &format!("/servicePrincipals/{id}"),
            json!({"appRoles": with_disabled})
        )
        .await
        .status,
        204
    );
    assert_eq!(
        ctx.patch(
            &format!("/servicePrincipals/{id}"),
            json!({"appRoles": roles})
        )
        .await
        .status,
        204
    );
    let g = ctx.get(&format!("/servicePrincipals/{id}")).await;
    assert_eq!(g.body["appRoles"].as_array().unwrap().len(), 1);
    let typed = ctx
        .patch(
            &format!("/servicePrincipals/{id}"),
            json!({"appRoleAssignmentRequired": "yes"}),
        )
        .await;
    assert_eq!(typed.status, 400);
}

#[tokio::test]
async fn unknown_segments_and_methods_are_rejected() {
    let ctx = Ctx::new();
    let a = ctx.get("/applications2").await;
    assert_eq!((a.status, graph_error(&a).as_str()), (400, "BadRequest"));
    let d = ctx.delete("/users").await;
    assert_eq!(d.status, 405);
}

#[tokio::test]
async fn unknown_system_query_options_are_rejected() {
    let ctx = Ctx::new();
    let a = ctx.get("/users?$top=1&$frobnicate=1").await;
    assert_eq!((a.status, graph_error(&a).as_str()), (400, "BadRequest"));
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("$frobnicate")
    );
}
