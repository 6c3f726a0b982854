//! `tests/fixtures/graph-shapes/`: every documented request the client sends is accepted by
//! the simulator (#14). The responses are decoded by the client in `tests/graph/shapes.rs`.

use serde_json::{Value, json};

use super::common::{Ctx, scim_stub};

/// A fixture with its placeholders filled in.
fn fixture(name: &str, fill: &[(&str, &str)]) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/graph-shapes")
        .join(name);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    for (k, v) in fill {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

struct App {
    ctx: Ctx,
    sp: String,
    job: String,
    template: String,
    user: String,
    role: String,
}

async fn app() -> App {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let tpl = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates"
        ))
        .await;
    let template = tpl.body["value"][0]["id"].as_str().unwrap().to_owned();
    let user = ctx.user_id("alice@contoso.example").await;
    let sp_json = ctx.get(&format!("/servicePrincipals/{sp}")).await.body;
    let role = Ctx::role(&sp_json, "User");
    App {
        ctx,
        sp,
        job,
        template,
        user,
        role,
    }
}

#[tokio::test]
async fn directory_requests_are_accepted() {
    let a = app().await;
    let inst = fixture("applicationTemplate-instantiate.request.json", &[]);
    let r = a
        .ctx
        .post(
            &format!(
                "/applicationTemplates/{}/instantiate",
                entraprov::sim::directory::seed::KEEPER_TEMPLATE_ID
            ),
            inst,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body["servicePrincipal"]["id"].is_string() && r.body["application"]["id"].is_string()
    );
    let patch = fixture("servicePrincipal-update.request.json", &[]);
    let r = a
        .ctx
        .patch(&format!("/servicePrincipals/{}", a.sp), patch)
        .await;
    assert_eq!(r.status, 204, "PATCH with @odata.type: {}", r.body);
    let got = a
        .ctx
        .get(&format!("/servicePrincipals/{}", a.sp))
        .await
        .body;
    assert!(
        got["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "entraprov:fixture")
    );
    let fill = [
        ("sp", a.sp.as_str()),
        ("user", a.user.as_str()),
        ("role", a.role.as_str()),
    ];
    let assign = fixture("appRoleAssignedTo-create.request.json", &[])
        .to_string()
        .replace("d4ecc643-8147-4397-bb66-6e8e667855cc", &a.user)
        .replace("0b5c1d2e-3f40-4a51-8c62-7d8e9fa0b1c2", &a.sp)
        .replace("18d14569-c3bd-439b-9a66-3a2aee01d14f", &a.role);
    let r = a
        .ctx
        .post(
            &format!("/servicePrincipals/{}/appRoleAssignedTo", a.sp),
            serde_json::from_str(&assign).unwrap(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let batch = fixture("batch.request.json", &fill);
    let r = a.ctx.post("/$batch", batch).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let statuses: Vec<u64> = r.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_u64().unwrap())
        .collect();
    // The assignment exists already (created above): 409 is the documented conflict.
    assert!(statuses.contains(&200), "{}", r.body);
}

#[tokio::test]
async fn synchronization_requests_are_accepted() {
    let a = app().await;
    let scim = scim_stub().await;
    let base = format!("{}/scim", scim.uri());
    let fill = [
        ("sp", a.sp.as_str()),
        ("user", a.user.as_str()),
        ("template", a.template.as_str()),
        ("scim", base.as_str()),
    ];
    let sync = format!("/servicePrincipals/{}/synchronization", a.sp);
    let r = a
        .ctx
        .put(
            &format!("{sync}/secrets"),
            fixture("synchronization-secrets.put.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let got = a.ctx.get(&format!("{sync}/secrets")).await.body;
    let notif = got["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "SyncNotificationSettings")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        notif.contains("HumanResourcesLookaheadQueryEnabled"),
        "kept: {notif}"
    );
    let r = a
        .ctx
        .post(
            &format!("{sync}/jobs/{}/validateCredentials", a.job),
            fixture("validateCredentials.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = a
        .ctx
        .post(
            &format!("{sync}/jobs/validateCredentials"),
            fixture("validateCredentials-without-job.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 204, "without a job: {}", r.body);
    let r = a
        .ctx
        .post(
            &format!("{sync}/jobs/{}/schema/parseExpression", a.job),
            fixture("parseExpression.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["evaluationResult"], json!(["EN_US"]));
    assert_eq!(
        r.body["parsedExpression"]["expression"],
        "Replace([preferredLanguage], \"-\", , , \"_\", , )"
    );
    let schema = a
        .ctx
        .get(&format!("{sync}/jobs/{}/schema", a.job))
        .await
        .body;
    let rule = schema["synchronizationRules"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = a
        .ctx
        .post(
            &format!("{sync}/jobs/{}/provisionOnDemand", a.job),
            fixture(
                "provisionOnDemand.request.json",
                &[("user", &a.user), ("rule", &rule)],
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = a
        .ctx
        .post(
            &format!("{sync}/jobs/{}/restart", a.job),
            fixture("synchronization-jobs-restart.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let second = Ctx::new();
    let sp2 = second.keeper("Keeper (second)").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = second
        .post(
            &format!("/servicePrincipals/{sp2}/synchronization/jobs"),
            fixture("synchronization-jobs-create.request.json", &fill),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

/// The OData function forms `filterOperators()` and `functions()` answer as the plain
/// segments do; provisioning-log filters with `contains`, `tolower`, `gt`/`lt` and a
/// date-only value are accepted; entries carry `tenantId`.
#[tokio::test]
async fn function_forms_and_log_filters_are_accepted() {
    let a = app().await;
    let base = format!(
        "/servicePrincipals/{}/synchronization/jobs/{}/schema",
        a.sp, a.job
    );
    for f in ["filterOperators", "functions"] {
        let plain = a.ctx.get(&format!("{base}/{f}")).await;
        let call = a.ctx.get(&format!("{base}/{f}()")).await;
        assert_eq!(call.status, 200, "{f}(): {}", call.body);
        assert_eq!(plain.body["value"], call.body["value"]);
    }
    for filter in [
        "contains(sourceIdentity/displayName,'Ali')",
        "tolower(sourceIdentity/displayName) eq 'alice'",
        "activityDateTime gt 2020-01-01 and activityDateTime lt 2100-01-01T00:00:00Z",
        "jobId eq 'x'",
    ] {
        let q = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>();
        let r = a
            .ctx
            .get(&format!(
                "/auditLogs/provisioning?$filter={q}&$orderby=activityDateTime%20desc"
            ))
            .await;
        assert_eq!(r.status, 200, "{filter}: {}", r.body);
    }
}
