//! App role assignments and paging.

use entraprov::sim::{PrecreatedApp, SimConfig};
use serde_json::{Value, json};

use crate::common::{Ctx, graph_error};

#[tokio::test]
async fn create_list_delete_with_graph_shapes_and_opaque_ids() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (assign)").await;
    let id = sp["id"].as_str().unwrap();
    let role = Ctx::role(&sp, "User");
    let alice = ctx.user_id("alice@contoso.example").await;
    let path = format!("/servicePrincipals/{id}/appRoleAssignedTo");
    let c = ctx
        .post(
            &path,
            json!({"principalId": alice, "resourceId": id, "appRoleId": role}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let aid = c.body["id"].as_str().unwrap().to_owned();
    assert!(
        uuid::Uuid::parse_str(&aid).is_err(),
        "assignment ids are opaque, not GUIDs"
    );
    assert_eq!(c.body["principalType"], "User");
    assert_eq!(c.body["principalDisplayName"], "Alice Anders");
    assert_eq!(c.body["resourceDisplayName"], "Keeper (assign)");
    assert!(c.body["deletedDateTime"].is_null());
    assert!(c.body["createdDateTime"].is_string());
    let groups = ctx
        .get("/groups?$filter=displayName%20eq%20'Keeper%20Users'")
        .await;
    let gid = groups.body["value"][0]["id"].as_str().unwrap().to_owned();
    let g = ctx
        .post(
            &path,
            json!({"principalId": gid, "resourceId": id, "appRoleId": role}),
        )
        .await;
    assert_eq!(g.body["principalType"], "Group");
    let l = ctx.get(&path).await;
    assert!(
        l.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with(&format!(
                "$metadata#servicePrincipals('{id}')/appRoleAssignedTo"
            ))
    );
    assert_eq!(l.body["value"].as_array().unwrap().len(), 2);
    assert!(l.body.get("@odata.nextLink").is_none());
    let f = ctx
        .get(&format!(
            "{path}?$filter=startswith(principalDisplayName,'Alice')"
        ))
        .await;
    assert_eq!(f.body["value"].as_array().unwrap().len(), 1);
    let d = ctx.delete(&format!("{path}/{aid}")).await;
    assert_eq!(d.status, 204);
    let again = ctx.delete(&format!("{path}/{aid}")).await;
    assert_eq!(
        (again.status, graph_error(&again).as_str()),
        (404, "Request_ResourceNotFound")
    );
    let by_app = ctx
        .get(&format!(
            "/servicePrincipals(appId='{}')/appRoleAssignedTo",
            sp["appId"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_app.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn duplicate_unknown_role_zero_guid_and_unknown_principal_are_errors() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (errors)").await;
    let id = sp["id"].as_str().unwrap();
    let role = Ctx::role(&sp, "User");
    let bob = ctx.user_id("bob@contoso.example").await;
    let path = format!("/servicePrincipals/{id}/appRoleAssignedTo");
    let body = json!({"principalId": bob, "resourceId": id, "appRoleId": role});
    assert_eq!(ctx.post(&path, body.clone()).await.status, 201);
    let dup = ctx.post(&path, body).await;
    assert_eq!(dup.status, 409);
    assert_eq!(graph_error(&dup), "Request_MultipleObjectsWithSameKeyValue");
    assert_eq!(
        dup.body["error"]["message"],
        "EntitlementGrant entry already exists."
    );
    let unknown = ctx.post(&path, json!({"principalId": bob, "resourceId": id, "appRoleId": "12345678-1234-1234-1234-123456789012"})).await;
    assert_eq!(
        (unknown.status, graph_error(&unknown).as_str()),
        (400, "Request_BadRequest")
    );
    assert!(
        unknown.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Permission being assigned was not found")
    );
    let zero = ctx.post(&path, json!({"principalId": bob, "resourceId": id, "appRoleId": "00000000-0000-0000-0000-000000000000"})).await;
    assert_eq!(
        zero.status, 400,
        "the zero GUID is only for resources without app roles"
    );
    let nobody = ctx.post(&path, json!({"principalId": "12345678-1234-1234-1234-123456789012", "resourceId": id, "appRoleId": role})).await;
    assert_eq!(nobody.status, 404);
    let wrong_resource = ctx.post(&path, json!({"principalId": bob, "resourceId": "12345678-1234-1234-1234-123456789012", "appRoleId": role})).await;
    assert_eq!(wrong_resource.status, 400);
    let bad_json = ctx
        .post(
            &path,
            json!({"principalId": "not-a-guid", "resourceId": id, "appRoleId": role}),
        )
        .await;
    assert_eq!(bad_json.status, 400);
}

fn bench_cfg(n: usize) -> SimConfig {
    SimConfig {
        generated_users: n,
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (seeded)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec!["entraprov:seeded".into()],
            user_assignments: n,
            with_job: true,
            secrets: vec![("BaseAddress".into(), "https://example.invalid/scim".into())],
        }],
        ..SimConfig::default()
    }
}

async fn seeded_sp(ctx: &Ctx) -> String {
    let a = ctx
        .get("/servicePrincipals?$filter=tags/any(t:t%20eq%20'entraprov:seeded')")
        .await;
    a.body["value"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn paging_follows_next_links_with_default_100_and_top_up_to_999() {
    let ctx = Ctx::with(bench_cfg(250));
    let sp = seeded_sp(&ctx).await;
    let first = ctx
        .get(&format!("/servicePrincipals/{sp}/appRoleAssignedTo"))
        .await;
    assert_eq!(
        first.body["value"].as_array().unwrap().len(),
        100,
        "default page size"
    );
    let mut next = first.body["@odata.nextLink"].as_str().map(str::to_owned);
    let mut seen: Vec<Value> = first.body["value"].as_array().unwrap().clone();
    while let Some(link) = next {
        assert!(link.contains("$skiptoken="), "{link}");
        let page = ctx.get(&link).await;
        assert_eq!(page.status, 200, "{}", page.body);
        seen.extend(page.body["value"].as_array().unwrap().iter().cloned());
        next = page.body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 250);
    let mut ids: Vec<&str> = seen.iter().map(|a| a["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250, "no duplicates across pages");
    let top = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/appRoleAssignedTo?$top=999"
        ))
        .await;
    assert_eq!(top.body["value"].as_array().unwrap().len(), 250);
    assert!(top.body.get("@odata.nextLink").is_none());
    let too_big = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/appRoleAssignedTo?$top=1000"
        ))
        .await;
    assert_eq!(too_big.status, 400);
    let bad_token = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/appRoleAssignedTo?$skiptoken=garbage"
        ))
        .await;
    assert_eq!(
        (bad_token.status, graph_error(&bad_token).as_str()),
        (400, "Directory_ExpiredPageToken")
    );
    let small = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/appRoleAssignedTo?$top=7&$select=id,principalId"
        ))
        .await;
    let link = small.body["@odata.nextLink"].as_str().unwrap();
    assert!(
        link.contains("$top=7") && link.contains("$select=id,principalId"),
        "next link keeps the query: {link}"
    );
    assert_eq!(small.body["value"][0].as_object().unwrap().len(), 2);
}
