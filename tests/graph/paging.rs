//! Paging with `@odata.nextLink`: collected and streamed; foreign hosts refused.

use entraprov::graph::{ErrorKind, Operation};
use entraprov::ids::ServicePrincipalId;
use futures::StreamExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::client_with_token;

const SP: &str = "5f0c0000-0000-0000-0000-00000000000a";

fn assignment(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("assignment-{i}"), "appRoleId": "role", "principalId": format!("p{i}"),
        "principalType": "User", "resourceId": SP, "createdDateTime": "2026-01-01T00:00:00Z"
    })
}

async fn three_pages(server: &MockServer) {
    let base = format!("/v1.0/servicePrincipals/{SP}/appRoleAssignedTo");
    let next = |token: &str| format!("{}{base}?$top=999&$skiptoken={token}", server.uri());
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [assignment(2), assignment(3)], "@odata.nextLink": next("p3")
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .and(query_param("$skiptoken", "p3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "@odata.context": "ignored", "value": [assignment(4)]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [assignment(0), assignment(1)], "@odata.nextLink": next("p2")
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_assignments_collects_three_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let all = client_with_token(&server, "t")
        .list_assignments(&ServicePrincipalId::new(SP))
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "assignment-0",
            "assignment-1",
            "assignment-2",
            "assignment-3",
            "assignment-4"
        ]
    );
}

#[tokio::test]
async fn stream_all_yields_items_across_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = client_with_token(&server, "t");
    let op = Operation::new("stream assignments", "Application.Read.All");
    let items: Vec<serde_json::Value> = client
        .stream_all(format!("/servicePrincipals/{SP}/appRoleAssignedTo"), op)
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(items.len(), 5);
    assert_eq!(items[4]["id"], "assignment-4");
}

#[tokio::test]
async fn next_link_to_another_host_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [assignment(0)],
            "@odata.nextLink": "https://attacker.example.test/v1.0/x?$skiptoken=1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_with_token(&server, "t")
        .list_assignments(&ServicePrincipalId::new(SP))
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Refused));
    assert!(err.to_string().contains("attacker.example.test"));
}
