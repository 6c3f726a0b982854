//! JSON batching.

use serde_json::{Value, json};

use crate::common::{Ctx, graph_error};

fn by_id<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn batch_answers_each_part_with_its_own_status() {
    let ctx = Ctx::new();
    let reqs: Vec<Value> = ["alice", "bob", "nobody"]
        .iter()
        .enumerate()
        .map(|(i, u)| json!({"id": (i + 1).to_string(), "method": "GET", "url": format!("/users/{u}@contoso.example?$select=id")}))
        .collect();
    let a = ctx.post("/$batch", json!({"requests": reqs})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let ids: Vec<&str> = a.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert_ne!(ids, ["1", "2", "3"], "responses come back in another order");
    assert_eq!(by_id(&a.body, "1")["status"], 200);
    assert!(by_id(&a.body, "1")["body"]["id"].is_string());
    assert_eq!(by_id(&a.body, "3")["status"], 404);
    assert_eq!(
        by_id(&a.body, "3")["body"]["error"]["code"],
        "Request_ResourceNotFound"
    );
    let stats = ctx.server.stats();
    assert_eq!(stats.by_route.get("POST /v1.0/$batch"), Some(&1));
    assert_eq!(stats.batched.values().sum::<u64>(), 3);
}

#[tokio::test]
async fn batch_limits_ids_and_content_type() {
    let ctx = Ctx::new();
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users?$top=1"}))
        .collect();
    let a = ctx.post("/$batch", json!({"requests": many})).await;
    assert_eq!((a.status, graph_error(&a).as_str()), (400, "BadRequest"));
    let twenty: Vec<Value> = (0..20)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users?$top=1"}))
        .collect();
    assert_eq!(
        ctx.post("/$batch", json!({"requests": twenty}))
            .await
            .status,
        200
    );
    let dup = ctx.post("/$batch", json!({"requests": [{"id": "1", "method": "GET", "url": "/users"}, {"id": "1", "method": "GET", "url": "/groups"}]})).await;
    assert_eq!(dup.status, 400);
    let no_ct = ctx.post("/$batch", json!({"requests": [{"id": "1", "method": "POST", "url": "/applicationTemplates/x/instantiate", "body": {"displayName": "x"}}]})).await;
    assert_eq!(no_ct.status, 400);
    assert!(
        no_ct.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Content-Type")
    );
    let abs = ctx.post("/$batch", json!({"requests": [{"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/users"}]})).await;
    assert_eq!(abs.status, 400);
    let unknown_dep = ctx.post("/$batch", json!({"requests": [{"id": "1", "method": "GET", "url": "/users", "dependsOn": ["9"]}]})).await;
    assert_eq!(unknown_dep.status, 400);
}

#[tokio::test]
async fn depends_on_orders_parts_and_failed_dependencies_get_424() {
    let ctx = Ctx::new();
    let sp = ctx.keeper("Keeper (batch)").await;
    let id = sp["id"].as_str().unwrap();
    let role = Ctx::role(&sp, "User");
    let alice = ctx.user_id("alice@contoso.example").await;
    let assign = json!({"principalId": alice, "resourceId": id, "appRoleId": role});
    let a = ctx
        .post("/$batch", json!({"requests": [
            {"id": "a", "method": "POST", "url": format!("/servicePrincipals/{id}/appRoleAssignedTo"), "headers": {"Content-Type": "application/json"}, "body": assign},
            {"id": "b", "dependsOn": ["a"], "method": "GET", "url": format!("/servicePrincipals/{id}/appRoleAssignedTo")},
            {"id": "c", "method": "GET", "url": "/users/nobody@contoso.example"},
            {"id": "d", "dependsOn": ["c"], "method": "GET", "url": "/users/alice@contoso.example"},
        ]}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(by_id(&a.body, "a")["status"], 201);
    assert_eq!(
        by_id(&a.body, "b")["body"]["value"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "b ran after a"
    );
    assert_eq!(by_id(&a.body, "c")["status"], 404);
    assert_eq!(by_id(&a.body, "d")["status"], 424);
}

#[tokio::test]
async fn each_batch_part_is_throttled_on_its_own() {
    use entraprov::sim::{FaultSpec, SimConfig};
    for seed in 0..50 {
        let ctx = Ctx::with(SimConfig {
            faults: FaultSpec::parse("throttle=0.3:retry-after=2").unwrap(),
            fault_seed: seed,
            ..Default::default()
        });
        let reqs: Vec<Value> = (0..10).map(|i| json!({"id": i.to_string(), "method": "GET", "url": format!("/users?$top={}", i + 1)})).collect();
        let a = ctx.post("/$batch", json!({"requests": reqs})).await;
        if a.status != 200 {
            continue;
        }
        let throttled: Vec<&Value> = a.body["responses"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == 429)
            .collect();
        if throttled.is_empty() {
            continue;
        }
        assert_eq!(throttled[0]["headers"]["Retry-After"], "2");
        assert_eq!(throttled[0]["body"]["error"]["code"], "TooManyRequests");
        assert!(
            a.body["responses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["status"] == 200)
        );
        return;
    }
    panic!("no seed in 0..50 throttled a part but not the batch");
}
