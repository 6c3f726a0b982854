//! Directory definitions of the job schema: attribute-list edits validated as documented,
//! `directories/{id}/discover`, directory extensions on users.

use serde_json::{Value, json};

use crate::common::Ctx;

const EXT: &str = "extension_0123456789abcdef0123456789abcdef_costCenter";

fn user_attrs(schema: &mut Value, dir: usize) -> &mut Vec<Value> {
    schema["directories"][dir]["objects"][0]["attributes"]
        .as_array_mut()
        .unwrap()
}

fn def(name: &str, ty: &str, extra: Value) -> Value {
    let mut d = json!({"name": name, "type": ty, "multivalued": false, "referencedObjects": []});
    if let (Some(m), Some(e)) = (d.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    d
}

#[tokio::test]
async fn added_definitions_can_be_mapped_and_bad_ones_are_refused() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema");
    let base = ctx.get(&path).await.body;
    let mut good = base.clone();
    user_attrs(&mut good, 0).push(def(EXT, "String", json!({})));
    user_attrs(&mut good, 1).push(def("nickName", "String", json!({})));
    good["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"targetAttributeName": "nickName", "flowType": "Always", "matchingPriority": 0,
            "source": {"type": "Attribute", "name": EXT, "expression": format!("[{EXT}]"), "parameters": []}}));
    let a = ctx.put(&path, good).await;
    assert_eq!(a.status, 204, "{}", a.body);
    let cases: Vec<(&str, usize, Value)> = vec![
        ("type", 1, def("a", "Text", json!({}))),
        (
            "referenced object",
            1,
            def(
                "b",
                "Reference",
                json!({"referencedObjects": [{"referencedObjectName": "Department"}]}),
            ),
        ),
        (
            "references without Reference",
            1,
            def(
                "c",
                "String",
                json!({"referencedObjects": [{"referencedObjectName": "User"}]}),
            ),
        ),
        ("duplicate", 1, def("userName", "String", json!({}))),
        (
            "multi-valued extension",
            0,
            def(EXT, "String", json!({"multivalued": true})),
        ),
    ];
    for (what, dir, d) in cases {
        let mut s = base.clone();
        user_attrs(&mut s, dir).push(d);
        let a = ctx.put(&path, s).await;
        assert_eq!(a.status, 400, "{what}: {}", a.body);
        assert_eq!(a.inner()["error"]["code"], "InvalidSchema", "{what}");
    }
}

#[tokio::test]
async fn discover_lists_the_directory_extensions_users_carry() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        json!({"users": [{"userPrincipalName": "ext@contoso.example", EXT: "4130"}]}).to_string(),
    )
    .unwrap();
    let ctx = Ctx::with(entraprov::sim::SimConfig {
        seed_file: Some(seed),
        ..Default::default()
    });
    let (sp, job) = ctx.keeper_job().await;
    let base = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/directories");
    let d = ctx
        .post(
            &format!("{base}/azureactivedirectory/discover"),
            Value::Null,
        )
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["name"], "Azure Active Directory");
    assert!(d.body["discoveryDateTime"].is_string());
    let users = &d.body["objects"][0]["attributes"];
    assert!(
        users.as_array().unwrap().iter().any(|a| a["name"] == EXT),
        "{users}"
    );
    let missing = ctx
        .post(&format!("{base}/nope/discover"), Value::Null)
        .await;
    assert_eq!(missing.status, 404);
    // The extension is a user property, returned when `$select` names it.
    let id = ctx.user_id("ext@contoso.example").await;
    let plain = ctx.get(&format!("/users/{id}")).await;
    assert!(plain.body.get(EXT).is_none(), "{}", plain.body);
    let selected = ctx.get(&format!("/users/{id}?$select=id,{EXT}")).await;
    assert_eq!(selected.body[EXT], "4130", "{}", selected.body);
}

#[tokio::test]
async fn custom_attributes_of_the_non_gallery_scim_app_are_single_valued_and_not_references() {
    let ctx = Ctx::new();
    let a = ctx
        .post(
            &format!(
                "/applicationTemplates/{}/instantiate",
                entraprov::sim::directory::seed::CUSTOM_TEMPLATE_ID
            ),
            json!({"displayName": "SCIM (test)"}),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let sp = a.body["servicePrincipal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tpl = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates"
        ))
        .await;
    let tid = tpl.body["value"][0]["id"].clone();
    let job = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            json!({"templateId": tid}),
        )
        .await;
    assert_eq!(job.status, 201, "{}", job.body);
    let path = format!(
        "/servicePrincipals/{sp}/synchronization/jobs/{}/schema",
        job.body["id"].as_str().unwrap()
    );
    let base = ctx.get(&path).await.body;
    let custom = "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:skills";
    for (extra, status) in [
        (json!({}), 204),
        (json!({"multivalued": true}), 400),
        (
            json!({"type": "Reference", "referencedObjects": [{"referencedObjectName": "User"}]}),
            400,
        ),
    ] {
        let mut s = base.clone();
        user_attrs(&mut s, 1).push(def(custom, "String", extra.clone()));
        let a = ctx.put(&path, s).await;
        assert_eq!(a.status, status, "{extra}: {}", a.body);
    }
}
