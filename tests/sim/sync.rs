//! Synchronization templates, jobs, secrets and provisionOnDemand.

use entraprov::sim::OnDemandOutcome;
use serde_json::{Value, json};

use crate::common::{Ctx, graph_error};

#[tokio::test]
async fn templates_list_the_default_keeper_template() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (tpl)").await;
    let id = sp["id"].as_str().unwrap();
    let t = ctx
        .get(&format!(
            "/servicePrincipals/{id}/synchronization/templates"
        ))
        .await;
    assert_eq!(t.status, 200);
    let v = &t.body["value"][0];
    assert_eq!(v["default"], true);
    assert_eq!(v["applicationId"], sp["appId"]);
    for k in [
        "factoryTag",
        "discoverable",
        "description",
        "metadata",
        "schema",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let tid = v["id"].as_str().unwrap();
    let s = ctx
        .get(&format!(
            "/servicePrincipals/{id}/synchronization/templates/{tid}/schema"
        ))
        .await;
    let mappings = s.body["synchronizationRules"][0]["objectMappings"]
        .as_array()
        .unwrap();
    assert_eq!(mappings.len(), 2);
    assert_eq!(mappings[0]["sourceObjectName"], "User");
    assert_eq!(mappings[1]["sourceObjectName"], "Group");
}

#[tokio::test]
async fn new_jobs_are_disabled_and_not_configured_and_a_second_one_is_not_refused() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let j = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}"
        ))
        .await;
    assert_eq!(j.body["schedule"]["state"], "Disabled");
    assert_eq!(j.body["schedule"]["interval"], "P10675199DT2H48M5.4775807S");
    assert_eq!(j.body["status"]["code"], "NotConfigured");
    assert!(
        j.body["status"]["quarantine"].is_null() && j.body["status"]["lastExecution"].is_null()
    );
    assert!(
        job.starts_with(&format!("{}.", j.body["templateId"].as_str().unwrap())),
        "id is <templateId>.<tenant>.<guid>"
    );
    let list = ctx
        .get(&format!("/servicePrincipals/{sp}/synchronization/jobs"))
        .await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 1);
    let dup = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            json!({"templateId": j.body["templateId"]}),
        )
        .await;
    // Changed by #14: no source shows a refusal of a second job (the invented
    // SyncJobAlreadyExists is gone); the app then has two jobs of one template.
    assert_eq!(dup.status, 201, "{}", dup.body);
    let list = ctx
        .get(&format!("/servicePrincipals/{sp}/synchronization/jobs"))
        .await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 2);
    let unknown = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            json!({"templateId": "nope"}),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let missing = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/nope.123"
        ))
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.inner()["error"]["code"], "SyncJobNotFound");
}

#[tokio::test]
async fn start_pause_restart_and_start_on_active_is_accepted() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let base = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}");
    assert_eq!(
        ctx.post(&format!("{base}/start"), Value::Null).await.status,
        204
    );
    let j = ctx.get(&base).await;
    assert_eq!(
        (
            j.body["schedule"]["state"].as_str(),
            j.body["status"]["code"].as_str()
        ),
        (Some("Active"), Some("Active"))
    );
    assert_eq!(j.body["schedule"]["interval"], "PT40M");
    // Changed by #14: the start page documents no error for an active job (the invented
    // SyncJobAlreadyActive is gone): accepted, nothing changes.
    let again = ctx.post(&format!("{base}/start"), Value::Null).await;
    assert_eq!(again.status, 204, "{}", again.body);
    assert_eq!(
        ctx.post(&format!("{base}/pause"), Value::Null).await.status,
        204
    );
    assert_eq!(ctx.get(&base).await.body["schedule"]["state"], "Paused");
    let r = ctx
        .post(
            &format!("{base}/restart"),
            json!({"criteria": {"resetScope": "Watermark, Escrows, QuarantineState"}}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let bad = ctx
        .post(
            &format!("{base}/restart"),
            json!({"criteria": {"resetScope": "Everything"}}),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(ctx.delete(&base).await.status, 204);
    assert_eq!(ctx.get(&base).await.status, 404);
}

#[tokio::test]
async fn secrets_replace_all_mask_sensitive_values_and_drop_empty_keys() {
    let ctx = Ctx::new();
    let (sp, _) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/secrets");
    let put = ctx
        .put(&path, json!({"value": [
            {"key": "BaseAddress", "value": "https://keepersecurity.com/api/rest/scim/v2/111"},
            {"key": "SecretToken", "value": "s3cr3t-token"},
            {"key": "SyncNotificationSettings", "value": "{\"Enabled\":true,\"Recipients\":\"ops@contoso.com\",\"DeleteThresholdEnabled\":true,\"DeleteThresholdValue\":500}"},
            {"key": "SyncAll", "value": "false"},
        ]}))
        .await;
    assert_eq!(put.status, 204, "{}", put.body);
    let got = ctx.get(&path).await;
    assert!(
        !got.body.to_string().contains("s3cr3t"),
        "the token never comes back"
    );
    let v = got.body["value"].as_array().unwrap();
    let val = |k: &str| v.iter().find(|p| p["key"] == k).map(|p| p["value"].clone());
    assert_eq!(val("SecretToken"), Some(json!("*")));
    assert_eq!(
        val("BaseAddress"),
        Some(json!("https://keepersecurity.com/api/rest/scim/v2/111"))
    );
    assert_eq!(val("SyncAll"), Some(json!("false")));
    // Replace-all: omitted keys vanish, "" removes explicitly.
    let put = ctx.put(&path, json!({"value": [{"key": "BaseAddress", "value": "https://x.example/scim"}, {"key": "SyncAll", "value": ""}, {"key": "SyncNotificationSettings", "value": "{}"}]})).await;
    assert_eq!(put.status, 204);
    let got = ctx.get(&path).await;
    let keys: Vec<&str> = got.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["BaseAddress", "SyncNotificationSettings"]);
}

#[tokio::test]
async fn invalid_notification_settings_are_wrapped_in_unknown_error() {
    let ctx = Ctx::new();
    let (sp, _) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/secrets");
    for bad in ["", "not json", "{\"Enabled\":\"yes\"}"] {
        let a = ctx
            .put(
                &path,
                json!({"value": [{"key": "SyncNotificationSettings", "value": bad}]}),
            )
            .await;
        assert_eq!(a.status, 400, "{bad:?}");
        assert_eq!(graph_error(&a), "UnknownError");
        assert_eq!(a.inner()["error"]["code"], "InvalidNotificationSettings");
    }
    let key = ctx
        .put(
            &path,
            json!({"value": [{"key": "TenantUrl", "value": "x"}]}),
        )
        .await;
    assert_eq!(key.status, 400);
}

async fn pod(ctx: &Ctx, sp: &str, job: &str, rule: &str, user: &str) -> (u16, Value, Value) {
    let a = ctx
        .post(&format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand"),
            json!({"parameters": [{"ruleId": rule, "subjects": [{"objectId": user, "objectTypeName": "User"}]}]}))
        .await;
    if a.status != 200 {
        return (a.status, a.body, Value::Null);
    }
    let key: Value =
        serde_json::from_str(a.body["key"].as_str().expect("key is a JSON string")).unwrap();
    let value: Value =
        serde_json::from_str(a.body["value"].as_str().expect("value is a JSON string")).unwrap();
    (200, key, value)
}

#[tokio::test]
async fn provision_on_demand_is_doubly_encoded_with_per_user_outcomes_and_rate_limited() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let schema = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"
        ))
        .await;
    let rule = schema.body["synchronizationRules"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let alice = ctx.user_id("alice@contoso.example").await;
    let (s, b, _) = pod(&ctx, &sp, &job, &rule, &alice).await;
    assert_eq!(s, 400, "credentials must be saved first: {b}");
    // #14: provisionOnDemand really exports, so the endpoint must answer as SCIM.
    let scim = super::common::scim_stub().await;
    let base = format!("{}/scim", scim.uri());
    ctx.put(&format!("/servicePrincipals/{sp}/synchronization/secrets"), json!({"value": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": "t"}]})).await;
    let sp_json = ctx.get(&format!("/servicePrincipals/{sp}")).await.body;
    let role = Ctx::role(&sp_json, "User");
    for upn in ["alice@contoso.example", "bob@contoso.example"] {
        let id = ctx.user_id(upn).await;
        ctx.post(
            &format!("/servicePrincipals/{sp}/appRoleAssignedTo"),
            json!({"principalId": id, "resourceId": sp, "appRoleId": role}),
        )
        .await;
    }
    ctx.server.set_on_demand_outcome(
        "bob@contoso.example",
        OnDemandOutcome::Failure {
            code: "SystemForCrossDomainIdentityManagementBadRequest".into(),
            message: "userName is invalid".into(),
        },
    );
    let (_, key, value) = pod(&ctx, &sp, &job, &rule, &alice).await;
    assert_eq!(key["result"], "Success");
    assert_eq!(value["statusInfo"]["status"], "Success");
    assert!(value["provisioningSteps"].as_array().unwrap().len() >= 3);
    let bob = ctx.user_id("bob@contoso.example").await;
    let (_, key, _) = pod(&ctx, &sp, &job, &rule, &bob).await;
    assert_eq!(
        (key["result"].as_str(), key["details"]["errorCode"].as_str()),
        (
            Some("Failure"),
            Some("SystemForCrossDomainIdentityManagementBadRequest")
        )
    );
    let carol = ctx.user_id("carol@contoso.example").await;
    let (_, key, _) = pod(&ctx, &sp, &job, &rule, &carol).await;
    assert_eq!(key["result"], "Skipped", "not assigned");
    let (s, _, _) = pod(&ctx, &sp, &job, &rule, &alice).await;
    assert_eq!(s, 200, "fifth call (the first one, refused, counts too)");
    let (s, b, _) = pod(&ctx, &sp, &job, &rule, &alice).await;
    assert_eq!(s, 429, "5 calls per 10 seconds: {b}");
    let bad_rule = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand"),
            json!({"parameters": [{"ruleId": "nope", "subjects": []}]}),
        )
        .await;
    assert!(bad_rule.status == 400 || bad_rule.status == 429);
}

/// POSTs a group subject with `links` to provisionOnDemand: (status, body or decoded value).
async fn pod_group(ctx: &Ctx, sp: &str, job: &str, rule: &str, subject: Value) -> (u16, Value) {
    let a = ctx
        .post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand"),
            json!({"parameters": [{"ruleId": rule, "subjects": [subject]}]}),
        )
        .await;
    if a.status != 200 {
        return (a.status, a.body);
    }
    let value = a.body["value"].as_str().expect("value is a JSON string");
    (200, serde_json::from_str(value).unwrap())
}

#[tokio::test]
async fn provision_on_demand_of_a_group_needs_known_members_of_that_group() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let schema = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"
        ))
        .await;
    let rule = schema.body["synchronizationRules"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scim = super::common::scim_stub().await;
    let base = format!("{}/scim", scim.uri());
    ctx.put(&format!("/servicePrincipals/{sp}/synchronization/secrets"), json!({"value": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": "t"}, {"key": "SyncAll", "value": "true"}]})).await;
    let groups = ctx
        .get("/groups?$filter=displayName eq 'Engineering'")
        .await;
    let group = groups.body["value"][0]["id"].as_str().unwrap().to_owned();
    let alice = ctx.user_id("alice@contoso.example").await;
    let bob = ctx.user_id("bob@contoso.example").await;
    let member = |id: &str| json!({"objectId": id, "objectTypeName": "User"});
    let subject = |members: Value| json!({"objectId": group, "objectTypeName": "Group", "links": {"members": members}});

    let (s, body) = pod_group(
        &ctx,
        &sp,
        &job,
        &rule,
        json!({"objectId": group, "objectTypeName": "Group"}),
    )
    .await;
    assert_eq!(s, 400, "a group without members: {body}");
    assert!(body.to_string().contains("links.members"), "{body}");
    let (s, body) = pod_group(&ctx, &sp, &job, &rule, subject(json!([]))).await;
    assert_eq!(s, 400, "an empty member list: {body}");
    let unknown = "00000000-0000-0000-0000-0000000000aa";
    let (s, body) = pod_group(&ctx, &sp, &job, &rule, subject(json!([member(unknown)]))).await;
    assert_eq!(s, 404, "an unknown member: {body}");
    assert!(body.to_string().contains(unknown), "{body}");
    let (s, body) = pod_group(&ctx, &sp, &job, &rule, json!({"objectId": unknown, "objectTypeName": "Group", "links": {"members": [member(&alice)]}})).await;
    assert_eq!(s, 404, "an unknown group: {body}");
    let (s, body) = pod_group(&ctx, &sp, &job, &rule, subject(json!([member(&bob)]))).await;
    assert_eq!(s, 400, "bob is in Sales, not Engineering: {body}");
    assert!(body.to_string().contains("not a member"), "{body}");

    let (s, value) = pod_group(&ctx, &sp, &job, &rule, subject(json!([member(&alice)]))).await;
    assert_eq!(s, 200, "{value}");
    assert_eq!(value["sourceIdentity"]["identityType"], "Group");
    assert_eq!(value["sourceIdentity"]["id"], group.as_str());
    let props = value["modifiedProperties"].as_array().unwrap();
    assert!(
        props
            .iter()
            .any(|p| p["displayName"] == "members" && p["newValue"] == "alice@contoso.example"),
        "{value}"
    );
}

#[tokio::test]
async fn single_template_single_assignment_and_the_synchronization_resource() {
    let ctx = Ctx::new();
    let (sp, _) = ctx.keeper_job().await;
    let tid = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates"
        ))
        .await
        .body["value"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates/{tid}"
        ))
        .await;
    assert_eq!(t.status, 200);
    assert_eq!(
        t.body["schema"]["synchronizationRules"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "a single template carries its schema"
    );
    assert_eq!(
        ctx.get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates/nope"
        ))
        .await
        .status,
        404
    );
    ctx.put(
        &format!("/servicePrincipals/{sp}/synchronization/secrets"),
        json!({"value": [{"key": "SecretToken", "value": "abc"}]}),
    )
    .await;
    let s = ctx
        .get(&format!("/servicePrincipals/{sp}/synchronization"))
        .await;
    assert_eq!(s.body["id"], sp.as_str());
    assert_eq!(
        s.body["secrets"],
        json!([{"key": "SecretToken", "value": "*"}])
    );
    let sp_json = ctx.get(&format!("/servicePrincipals/{sp}")).await.body;
    let alice = ctx.user_id("alice@contoso.example").await;
    let created = ctx
        .post(&format!("/servicePrincipals/{sp}/appRoleAssignedTo"), json!({"principalId": alice, "resourceId": sp, "appRoleId": Ctx::role(&sp_json, "User")}))
        .await;
    let aid = created.body["id"].as_str().unwrap();
    let one = ctx
        .get(&format!("/servicePrincipals/{sp}/appRoleAssignedTo/{aid}"))
        .await;
    assert_eq!(one.body["principalId"], alice.as_str());
    assert!(
        one.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/appRoleAssignedTo/$entity")
    );
    let unknown_sp = ctx
        .get("/servicePrincipals/12345678-1234-1234-1234-123456789012/synchronization/jobs")
        .await;
    assert_eq!(
        (unknown_sp.status, graph_error(&unknown_sp).as_str()),
        (404, "Request_ResourceNotFound")
    );
}

/// #14: provisionOnDemand reports a failure when the SCIM endpoint is down (it used to say
/// "Success … Export ok").
#[tokio::test]
async fn provision_on_demand_reports_a_down_endpoint() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let schema = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"
        ))
        .await;
    let rule = schema.body["synchronizationRules"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/scim", closed.local_addr().unwrap());
    drop(closed);
    ctx.put(&format!("/servicePrincipals/{sp}/synchronization/secrets"), json!({"value": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": "t"}, {"key": "SyncAll", "value": "true"}]})).await;
    let alice = ctx.user_id("alice@contoso.example").await;
    let (s, key, value) = pod(&ctx, &sp, &job, &rule, &alice).await;
    assert_eq!(s, 200, "{key}");
    assert_eq!(key["result"], "Failure", "{key}");
    let export = value["provisioningSteps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["type"] == "Export")
        .expect("export step")
        .clone();
    assert_eq!(export["status"], "Failure");
    assert!(
        value["statusInfo"]["errorInformation"]["reason"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{value}"
    );
}
