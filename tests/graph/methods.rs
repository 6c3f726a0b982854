//! Request shapes of the typed methods on the wire: URLs, methods and bodies exactly as
//! graph-api.md describes them.

use entraprov::graph::ErrorKind;
use entraprov::graph::wire::{SyncSchema, SyncSecret};
use entraprov::ids::{AppId, ApplicationTemplateId, GroupId, JobId, ServicePrincipalId, UserId};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::client_with_token;

const SP: &str = "5f0c0000-0000-0000-0000-00000000000a";
const JOB: &str = "keeper.72f988bf.0f1d";

fn ids() -> (ServicePrincipalId, JobId) {
    (ServicePrincipalId::new(SP), JobId::new(JOB))
}

fn job_path(rest: &str) -> String {
    format!("/v1.0/servicePrincipals/{SP}/synchronization/jobs/{JOB}{rest}")
}

#[tokio::test]
async fn template_lookup_filters_by_exact_display_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/applicationTemplates"))
        .and(query_param(
            "$filter",
            "displayName eq 'Keeper Password Manager & Digital Vault'",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{
            "id": "tpl-1", "displayName": "Keeper Password Manager & Digital Vault",
            "supportedProvisioningTypes": ["sync"], "logoUrl": "ignored"
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    let t = client_with_token(&server, "t")
        .find_templates_by_name("Keeper Password Manager & Digital Vault")
        .await
        .unwrap();
    assert_eq!(t[0].id, ApplicationTemplateId::new("tpl-1"));
    assert!(t[0].supports_provisioning());
}

#[tokio::test]
async fn instantiate_posts_display_name_and_returns_both_objects() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/applicationTemplates/tpl-1/instantiate"))
        .and(body_json(json!({"displayName": "Keeper (prod)"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "application": {"id": "app-obj", "appId": "client-1", "displayName": "Keeper (prod)"},
            "servicePrincipal": {"id": SP, "appId": "client-1", "displayName": "Keeper (prod)",
                "appRoles": [{"id": "r0", "displayName": "msiam_access", "value": null,
                              "isEnabled": true, "allowedMemberTypes": ["User"], "origin": "Application"}],
                "tags": ["WindowsAzureActiveDirectoryIntegratedApp"]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let r = client_with_token(&server, "t")
        .instantiate_template(&ApplicationTemplateId::new("tpl-1"), "Keeper (prod)")
        .await
        .unwrap();
    assert_eq!(r.service_principal.app_id, AppId::new("client-1"));
    assert_eq!(
        r.service_principal.app_roles[0].display_name.as_deref(),
        Some("msiam_access")
    );
}

#[tokio::test]
async fn tag_lookup_uses_an_any_lambda_and_tags_patch_sends_the_whole_collection() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/servicePrincipals"))
        .and(query_param(
            "$filter",
            "tags/any(t:t eq 'entraprov:keeper-prod')",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1.0/servicePrincipals/{SP}")))
        .and(body_json(json!({"tags": ["a", "entraprov:keeper-prod"]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with_token(&server, "t");
    assert!(
        c.find_service_principals_by_tag("entraprov:keeper-prod")
            .await
            .unwrap()
            .is_empty()
    );
    c.set_service_principal_tags(&ids().0, &["a".into(), "entraprov:keeper-prod".into()])
        .await
        .unwrap();
}

#[tokio::test]
async fn schema_round_trips_unknown_fields_and_is_written_with_put() {
    let server = MockServer::start().await;
    let schema = json!({
        "id": "s", "version": "v7", "futureField": {"x": [1, 2.5, null]},
        "directories": [{"id": "d", "name": "Azure Active Directory", "objects": []}],
        "synchronizationRules": [{"id": "r", "metadata": [{"key": "k", "value": "v"}],
            "objectMappings": [{"enabled": true, "exportMissingReferences": false}]}]
    });
    Mock::given(method("GET"))
        .and(path(job_path("/schema")))
        .respond_with(ResponseTemplate::new(200).set_body_json(schema.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(job_path("/schema")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with_token(&server, "t");
    let (sp, job) = ids();
    let got: SyncSchema = c.get_schema(&sp, &job).await.unwrap();
    c.put_schema(&sp, &job, &got).await.unwrap();
    let put = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        String::from_utf8(put.body).unwrap(),
        serde_json::to_string(&schema).unwrap(),
        "same fields, same order, same values"
    );
}

#[tokio::test]
async fn secrets_put_sends_the_full_set_and_refuses_masked_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1.0/servicePrincipals/{SP}/synchronization/secrets"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"key": "BaseAddress", "value": "https://scim.example.test"},
            {"key": "SecretToken", "value": "*"}, {"key": "SyncAll", "value": null}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(body_json(json!({"value": [
            {"key": "BaseAddress", "value": "https://scim.example.test"},
            {"key": "SecretToken", "value": "new-token"}
        ]})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with_token(&server, "t");
    let sp = ids().0;
    let live = c.get_secrets(&sp).await.unwrap();
    assert!(live[1].is_masked());
    let err = c.put_secrets(&sp, &live).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Refused));
    let desired = [
        SyncSecret::new("BaseAddress", "https://scim.example.test"),
        SyncSecret::new("SecretToken", "new-token"),
    ];
    c.put_secrets(&sp, &desired).await.unwrap();
    assert!(!format!("{desired:?}").contains("new-token"));
}

#[tokio::test]
async fn job_actions_use_the_documented_paths_and_bodies() {
    let server = MockServer::start().await;
    for action in ["/start", "/pause"] {
        Mock::given(method("POST"))
            .and(path(job_path(action)))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(job_path("/restart")))
        .and(body_json(
            json!({"criteria": {"resetScope": "Watermark, Escrows, QuarantineState"}}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(job_path("/validateCredentials")))
        .and(body_json(
            json!({"useSavedCredentials": true, "credentials": []}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(job_path("")))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with_token(&server, "t");
    let (sp, job) = ids();
    c.start_job(&sp, &job).await.unwrap();
    c.pause_job(&sp, &job).await.unwrap();
    c.restart_job(&sp, &job, Some("Watermark, Escrows, QuarantineState"))
        .await
        .unwrap();
    c.validate_credentials(&sp, &job, None).await.unwrap();
    c.delete_job(&sp, &job).await.unwrap();
}

#[tokio::test]
async fn provision_on_demand_decodes_both_json_strings() {
    let server = MockServer::start().await;
    let key = json!({"result": "Success", "details": {"errorCode": null}}).to_string();
    let value =
        json!({"action": "Create", "provisioningSteps": [{"name": "EntryExport"}]}).to_string();
    Mock::given(method("POST"))
        .and(path(job_path("/provisionOnDemand")))
        .and(body_json(json!({"parameters": [{"ruleId": "rule-1",
            "subjects": [{"objectId": "u1", "objectTypeName": "User"}]}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": key, "value": value})))
        .expect(1)
        .mount(&server)
        .await;
    let (sp, job) = ids();
    let r = client_with_token(&server, "t")
        .provision_on_demand(&sp, &job, "rule-1", "u1", "User")
        .await
        .unwrap();
    assert_eq!(r.result(), Some("Success"));
    assert_eq!(
        r.details["provisioningSteps"][0]["name"],
        Value::from("EntryExport")
    );
}

#[tokio::test]
async fn provision_group_on_demand_sends_the_group_subject_with_links_members() {
    let server = MockServer::start().await;
    let key = json!({"result": "Success", "details": {}}).to_string();
    let value = json!({"action": "Create", "provisioningSteps": []}).to_string();
    Mock::given(method("POST"))
        .and(path(job_path("/provisionOnDemand")))
        .and(body_json(json!({"parameters": [{"ruleId": "rule-1",
            "subjects": [{"objectId": "g1", "objectTypeName": "Group",
                "links": {"members": [
                    {"objectId": "u1", "objectTypeName": "User"},
                    {"objectId": "u2", "objectTypeName": "User"}]}}]}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": key, "value": value})))
        .expect(1)
        .mount(&server)
        .await;
    let (sp, job) = ids();
    let members = [UserId::new("u1"), UserId::new("u2")];
    let r = client_with_token(&server, "t")
        .provision_group_on_demand(&sp, &job, "rule-1", &GroupId::new("g1"), &members)
        .await
        .unwrap();
    assert_eq!(r.result(), Some("Success"));
    assert_eq!(r.details["action"], "Create");
}

#[tokio::test]
async fn parse_expression_posts_the_expression() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(job_path("/schema/parseExpression")))
        .and(body_json(json!({"expression": "ToLower([mail])"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "parsingSucceeded": true, "error": null,
            "parsedExpression": {"type": "Function", "name": "ToLower", "parameters": []}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (sp, job) = ids();
    let r = client_with_token(&server, "t")
        .parse_expression(&sp, &job, "ToLower([mail])", None)
        .await
        .unwrap();
    assert!(r.parsing_succeeded);
    assert_eq!(r.parsed_expression.unwrap()["name"], "ToLower");
}

/// #14: provisioning logs are filtered with a documented operator (`gt`, not `ge`) and
/// ordered explicitly (`$orderby=activityDateTime desc`; the default order is not
/// documented).
#[tokio::test]
async fn provisioning_logs_filter_uses_gt_and_orderby() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/auditLogs/provisioning"))
        .and(query_param(
            "$filter",
            "jobId eq 'j1' and activityDateTime gt 2026-12-02T10:00:00Z",
        ))
        .and(query_param("$orderby", "activityDateTime desc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "e1", "activityDateTime": "2026-12-03T09:00:00Z",
             "servicePrincipal": [{"id": "sp1", "displayName": "Keeper"}],
             "provisioningStatusInfo": {"status": "failure", "errorInfo": {"errorCode": "X"}}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let q = entraprov::graph::LogQuery {
        job: Some(entraprov::ids::JobId::new("j1")),
        since: Some("2026-12-02T10:00:00Z".into()),
        ..entraprov::graph::LogQuery::default()
    };
    let logs = client_with_token(&server, "t")
        .list_provisioning_logs(&q)
        .await
        .unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        logs[0].error().and_then(|e| e.error_code.as_deref()),
        Some("X")
    );
}
