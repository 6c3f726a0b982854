//! Users and groups.

use crate::common::{Ctx, graph_error};

#[tokio::test]
async fn users_by_upn_id_special_upns_and_default_projection() {
    let ctx = Ctx::new();
    let a = ctx.get("/users/alice@contoso.example").await;
    assert_eq!(a.status, 200);
    assert!(
        a.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#users/$entity")
    );
    let keys: Vec<&String> = a.body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        12,
        "context + Graph's 11 default properties: {keys:?}"
    );
    assert!(
        a.body["mobilePhone"].is_null() && a.body["businessPhones"].as_array().unwrap().is_empty()
    );
    let id = a.body["id"].as_str().unwrap();
    assert_eq!(
        ctx.get(&format!("/users/{id}")).await.body["userPrincipalName"],
        "alice@contoso.example"
    );
    let dollar = ctx.get("/users('$heidi@contoso.example')").await;
    assert_eq!(dollar.status, 200, "{}", dollar.body);
    assert_eq!(
        ctx.get("/users/$heidi@contoso.example").await.status,
        400,
        "a leading $ needs the key syntax"
    );
    let guest = ctx
        .get("/users/ivan_fabrikam.example%23EXT%23@contoso.example?$select=id,userType")
        .await;
    assert_eq!(guest.body["userType"], "Guest", "{}", guest.body);
    let missing = ctx.get("/users/nobody@contoso.example").await;
    assert_eq!(
        (missing.status, graph_error(&missing).as_str()),
        (404, "Request_ResourceNotFound")
    );
}

#[tokio::test]
async fn in_filters_are_limited_to_15_values() {
    let ctx = Ctx::with(entraprov::sim::SimConfig {
        generated_users: 20,
        ..Default::default()
    });
    let upns: Vec<String> = (1..=16)
        .map(|i| format!("'nobody{i}@contoso.example'"))
        .collect();
    let ok = ctx
        .get(&format!(
            "/users?$filter=userPrincipalName%20in%20({})",
            upns[..15].join(",")
        ))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let too_many = ctx
        .get(&format!(
            "/users?$filter=userPrincipalName%20in%20({})",
            upns.join(",")
        ))
        .await;
    assert_eq!(
        (too_many.status, graph_error(&too_many).as_str()),
        (400, "Request_UnsupportedQuery")
    );
    let two = ctx.get("/users?$filter=userPrincipalName%20in%20('alice@contoso.example','BOB@contoso.example')&$select=id,userPrincipalName").await;
    assert_eq!(
        two.body["value"].as_array().unwrap().len(),
        2,
        "UPN comparison is case-insensitive"
    );
    let contains = ctx.get("/users?$filter=contains(displayName,'a')").await;
    assert_eq!(contains.status, 400, "contains is not supported on users");
}

#[tokio::test]
async fn groups_by_quoted_name_duplicates_and_id() {
    let ctx = Ctx::new();
    let g = ctx
        .get("/groups?$filter=displayName%20eq%20'R%26D%20O''Neil%20Team'&$select=id,displayName")
        .await;
    assert_eq!(g.body["value"].as_array().unwrap().len(), 1, "{}", g.body);
    let sales = ctx.get("/groups?$filter=displayName%20eq%20'Sales'").await;
    assert_eq!(
        sales.body["value"].as_array().unwrap().len(),
        2,
        "group names are not unique"
    );
    let id = sales.body["value"][0]["id"].as_str().unwrap();
    let one = ctx.get(&format!("/groups/{id}")).await;
    assert_eq!(one.body["securityEnabled"], true);
    assert!(one.body["visibility"].is_null());
    assert_eq!(
        ctx.get("/groups/12345678-1234-1234-1234-123456789012")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn generated_directories_are_deterministic_by_seed_and_seed_files_load() {
    use entraprov::sim::SimConfig;
    let ids = |ctx: &Ctx| {
        let t = ctx.server.state_dump();
        (t["users"].as_u64(), t["groups"].as_u64())
    };
    let cfg = |seed| SimConfig {
        seed,
        generated_users: 50,
        generated_groups: 5,
        ..Default::default()
    };
    let (a, b, c) = (Ctx::with(cfg(1)), Ctx::with(cfg(1)), Ctx::with(cfg(2)));
    assert_eq!(ids(&a), (Some(59), Some(10)));
    let page = |ctx: &Ctx| {
        let ctx_url = ctx.url("/users?$top=999&$select=id,userPrincipalName");
        let token = ctx.token.clone();
        let http = ctx.http.clone();
        async move {
            let v: serde_json::Value = http
                .get(ctx_url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["value"].clone()
        }
    };
    let (pa, pb, pc) = (page(&a).await, page(&b).await, page(&c).await);
    assert!(pa == pb, "same seed, same directory");
    assert!(pa != pc, "another seed, other ids");
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, serde_json::json!({
        "users": [{"userPrincipalName": "zoe@fabrikam.example", "displayName": "Zoe Z", "department": "Legal"}],
        "groups": [{"displayName": "Legal", "members": ["zoe@fabrikam.example"]}],
        "applicationTemplates": [{"displayName": "Fabrikam HR", "publisher": "Fabrikam", "synchronization": "scim"}],
    }).to_string()).unwrap();
    let s = Ctx::with(SimConfig {
        seed_file: Some(seed),
        ..Default::default()
    });
    assert_eq!(
        s.get("/users/zoe@fabrikam.example").await.body["displayName"],
        "Zoe Z"
    );
    assert_eq!(
        s.get("/groups?$filter=displayName%20eq%20'Legal'")
            .await
            .body["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let t = s
        .get("/applicationTemplates?$filter=displayName%20eq%20'Fabrikam%20HR'")
        .await;
    assert_eq!(
        t.body["value"][0]["supportedProvisioningTypes"],
        serde_json::json!(["sync"])
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"groups\": [{\"displayName\": \"G\", \"members\": [\"ghost@x\"]}]}",
    )
    .unwrap();
    let err = entraprov::sim::Server::start(SimConfig {
        seed_file: Some(bad),
        ..Default::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("unknown member ghost@x"), "{err}");
}

#[tokio::test]
async fn orderby_sorts_by_display_name_and_rejects_other_properties() {
    let ctx = Ctx::new();
    let names = |a: &crate::common::Answer, k: &str| -> Vec<String> {
        a.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[k].as_str().unwrap().to_owned())
            .collect()
    };
    let asc = ctx
        .get("/users?$orderby=displayName&$select=displayName")
        .await;
    let mut sorted = names(&asc, "displayName");
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names(&asc, "displayName"), sorted);
    let desc = ctx
        .get("/groups?$orderby=displayName%20desc&$select=id")
        .await;
    assert_eq!(desc.status, 200, "{}", desc.body);
    assert!(
        desc.body["value"][0].get("displayName").is_none(),
        "sorted before projection"
    );
    let first = ctx
        .get(&format!(
            "/groups/{}",
            desc.body["value"][0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(first.body["displayName"], "Sales");
    let bad = ctx.get("/users?$orderby=department").await;
    assert_eq!(
        (bad.status, graph_error(&bad).as_str()),
        (400, "Request_UnsupportedQuery")
    );
    let sps = ctx
        .get("/servicePrincipals?$orderby=displayName%20desc&$select=displayName")
        .await;
    let got = names(&sps, "displayName");
    let mut want = got.clone();
    want.sort_by_key(|n| std::cmp::Reverse(n.to_lowercase()));
    assert_eq!(got, want);
}
