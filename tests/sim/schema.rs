//! Job schema (GET/PUT/DELETE, PATCH → 404), filterOperators, functions, parseExpression.

use serde_json::{Value, json};

use crate::common::{Ctx, graph_error};

fn user_mappings(schema: &mut Value) -> &mut Vec<Value> {
    schema["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
        .as_array_mut()
        .unwrap()
}

#[tokio::test]
async fn default_schema_mirrors_a_scim_connector() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let s = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"
        ))
        .await;
    assert_eq!(s.status, 200);
    assert!(
        s.body["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/schema/$entity")
    );
    assert_eq!(s.body["id"], job.as_str());
    assert!(s.body["version"].is_string());
    let rule = &s.body["synchronizationRules"][0];
    assert_eq!(rule["sourceDirectoryName"], "Azure Active Directory");
    let om = &rule["objectMappings"];
    assert!(
        om[0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Synchronize Microsoft Entra ID Users to Keeper")
    );
    assert!(om[1]["name"].as_str().unwrap().contains("Groups to Keeper"));
    assert_eq!(om[0]["flowTypes"], "Add, Update, Delete");
    assert!(om[0]["scope"].is_null());
    let maps = om[0]["attributeMappings"].as_array().unwrap();
    let user_name = maps
        .iter()
        .find(|m| m["targetAttributeName"] == "userName")
        .unwrap();
    assert_eq!(user_name["matchingPriority"], 1);
    assert_eq!(
        user_name["source"],
        json!({"type": "Attribute", "name": "userPrincipalName", "expression": "[userPrincipalName]", "parameters": []})
    );
    let active = maps
        .iter()
        .find(|m| m["targetAttributeName"] == "active")
        .unwrap();
    assert_eq!(active["source"]["name"], "Switch");
    assert_eq!(active["source"]["parameters"][0]["key"], "source");
    for k in [
        "defaultValue",
        "exportMissingReferences",
        "flowBehavior",
        "flowType",
    ] {
        assert!(user_name.get(k).is_some(), "missing {k}");
    }
    let dirs = s.body["directories"].as_array().unwrap();
    assert_eq!(dirs.len(), 2);
    assert!(
        dirs[0]["objects"][0]["attributes"][0]
            .get("referencedObjects")
            .is_some()
    );
}

#[tokio::test]
async fn patch_on_schema_is_404_like_graph() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let a = ctx
        .patch(
            &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema"),
            json!({"synchronizationRules": []}),
        )
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(graph_error(&a), "UnknownError");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("No HTTP resource was found that matches the request URI")
    );
}

#[tokio::test]
async fn put_replaces_the_schema_sorts_mappings_and_canonicalises_expressions() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema");
    let mut s = ctx.get(&path).await.body;
    s.as_object_mut().unwrap().remove("@odata.context");
    let version = s["version"].clone();
    let parsed = ctx
        .post(
            &format!("{path}/parseExpression"),
            json!({"expression": "Join(\"@\",  ToLower([mailNickname]), \"contoso.com\")"}),
        )
        .await;
    assert_eq!(parsed.body["parsingSucceeded"], true, "{}", parsed.body);
    let maps = user_mappings(&mut s);
    maps.retain(|m| m["targetAttributeName"] != "title");
    maps.push(json!({"targetAttributeName": "displayName", "source": parsed.body["parsedExpression"], "defaultValue": null,
        "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always", "matchingPriority": 0}));
    s["synchronizationRules"][0]["objectMappings"][0]["scope"] = json!({"groups": [{"name": "Engineering only", "clauses": [
        {"sourceOperandName": "department", "operatorName": "EQUALS", "targetOperand": {"values": ["Engineering"]}},
        {"sourceOperandName": "accountEnabled", "operatorName": "IS TRUE", "targetOperand": {"values": []}}]}]});
    s["synchronizationRules"][0]["metadata"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "x-kept", "value": "round-trip"}));
    let put = ctx.put(&path, s).await;
    assert_eq!(put.status, 204, "{}", put.body);
    let got = ctx.get(&path).await.body;
    assert_ne!(got["version"], version, "version bumps on every change");
    let om = &got["synchronizationRules"][0]["objectMappings"][0];
    let targets: Vec<&str> = om["attributeMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["targetAttributeName"].as_str().unwrap())
        .collect();
    let mut sorted = targets.clone();
    sorted.sort();
    assert_eq!(targets, sorted, "the backend sorts attribute mappings");
    assert!(!targets.contains(&"title"));
    let dn = om["attributeMappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["targetAttributeName"] == "displayName")
        .unwrap();
    assert_eq!(
        dn["source"]["expression"], "Join(\"@\", ToLower([mailNickname]), \"contoso.com\")",
        "whitespace is re-rendered"
    );
    assert_eq!(om["scope"]["groups"][0]["name"], "Engineering only");
    // Changed by #14: an operatorName is stored as sent (nothing documents a rewrite).
    assert_eq!(
        om["scope"]["groups"][0]["clauses"][1]["operatorName"], "IS TRUE",
        "the operatorName is stored as sent"
    );
    assert_eq!(
        got["synchronizationRules"][0]["metadata"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["value"],
        "round-trip"
    );
    assert_eq!(ctx.delete(&path).await.status, 204);
    let reset = ctx.get(&path).await.body;
    assert!(
        reset["synchronizationRules"][0]["objectMappings"][0]["scope"].is_null(),
        "DELETE resets to the template"
    );
}

#[tokio::test]
async fn put_rejects_unknown_rule_attribute_operator_and_missing_matching_attribute() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema");
    let base = ctx.get(&path).await.body;
    let check = |mut s: Value, f: &dyn Fn(&mut Value)| {
        f(&mut s);
        s
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "rule",
            check(base.clone(), &|s| {
                s["synchronizationRules"][0]["id"] = json!("made-up")
            }),
        ),
        (
            "target",
            check(base.clone(), &|s| {
                user_mappings(s)[0]["targetAttributeName"] = json!("nickName")
            }),
        ),
        (
            "source",
            check(
                base.clone(),
                &|s| user_mappings(s)[0]["source"] = json!({"type": "Attribute", "name": "shoeSize", "expression": "[shoeSize]", "parameters": []}),
            ),
        ),
        (
            "function",
            check(
                base.clone(),
                &|s| user_mappings(s)[0]["source"] = json!({"type": "Function", "name": "Frobnicate", "expression": "", "parameters": []}),
            ),
        ),
        (
            "operator",
            check(base.clone(), &|s| {
                s["synchronizationRules"][0]["objectMappings"][0]["scope"] = json!({"groups": [{"name": "g", "clauses": [{"sourceOperandName": "department", "operatorName": "LIKE", "targetOperand": {"values": ["x"]}}]}]})
            }),
        ),
        (
            "matching",
            check(base.clone(), &|s| {
                for m in user_mappings(s).iter_mut() {
                    m["matchingPriority"] = json!(0)
                }
            }),
        ),
        (
            "flowTypes",
            check(base.clone(), &|s| {
                s["synchronizationRules"][0]["objectMappings"][0]["flowTypes"] =
                    json!("Add, Upsert")
            }),
        ),
        (
            "partial",
            json!({"synchronizationRules": base["synchronizationRules"].clone()}),
        ),
    ];
    for (what, body) in cases {
        let a = ctx.put(&path, body).await;
        assert_eq!(a.status, 400, "{what}: {}", a.body);
        assert_eq!(a.inner()["error"]["code"], "InvalidSchema", "{what}");
    }
}

#[tokio::test]
async fn filter_operators_and_functions_are_listed() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let ops = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/filterOperators"
        ))
        .await;
    let names: Vec<&str> = ops.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    // Changed by #14: the documented spelling (beta filterOperators example) has spaces.
    assert_eq!(
        &names[..8],
        [
            "EQUALS",
            "IS FALSE",
            "IS NOT NULL",
            "IS NULL",
            "IS TRUE",
            "NOT EQUALS",
            "NOT REGEX MATCH",
            "REGEX MATCH"
        ]
    );
    for portal in [
        "&",
        "!&",
        "ENDS_WITH",
        "Greater_Than",
        "Greater_Than_OR_EQUALS",
        "Includes",
    ] {
        assert!(names.contains(&portal), "{portal} missing from {names:?}");
    }
    assert_eq!(
        ops.body["value"][0]["supportedAttributeTypes"],
        json!(["Integer", "String"])
    );
    assert!(
        ops.body["value"][0]["arity"].is_string()
            && ops.body["value"][0]["supportedAttributeTypes"].is_array()
    );
    let f = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/functions"
        ))
        .await;
    let mid = f.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Mid")
        .unwrap()
        .clone();
    assert_eq!(mid["parameters"].as_array().unwrap().len(), 3);
    assert!(
        mid["parameters"][0]
            .get("allowMultipleOccurrences")
            .is_some()
    );
    let d = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/directories"
        ))
        .await;
    assert_eq!(d.body["value"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn parse_expression_builds_trees_evaluates_and_reports_syntax_errors() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema/parseExpression");
    let a = ctx
        .post(&path, json!({"expression": "Replace([preferredLanguage], \"-\", , , \"_\", , )",
            "testInputObject": {"definition": null, "properties": [{"key": "preferredLanguage", "value": "EN-US"}]},
            "targetAttributeDefinition": null}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["parsingSucceeded"], true);
    assert_eq!(a.body["evaluationSucceeded"], true);
    assert_eq!(a.body["evaluationResult"], json!(["EN_US"]));
    assert!(a.body["error"].is_null());
    let tree = &a.body["parsedExpression"];
    assert_eq!(
        (tree["type"].as_str(), tree["name"].as_str()),
        (Some("Function"), Some("Replace"))
    );
    let keys: Vec<&str> = tree["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    // Changed by #14: the API's own parameter names and the expression as the documented
    // parseExpression example answers it (trailing empty arguments kept).
    assert_eq!(keys, ["source", "Find", "Replacement"]);
    assert_eq!(
        tree["expression"],
        "Replace([preferredLanguage], \"-\", , , \"_\", , )"
    );
    assert_eq!(tree["parameters"][0]["value"]["type"], "Attribute");
    let mid = ctx
        .post(
            &path,
            json!({"expression": "Mid([userPrincipalName], 1, 8)"}),
        )
        .await;
    assert_eq!(
        mid.body["parsedExpression"]["parameters"][2]["value"],
        json!({"type": "Constant", "name": "8", "expression": "\"8\"", "parameters": []})
    );
    assert!(mid.body["evaluationResult"].is_null());
    for bad in [
        "Mid([userPrincipalName], 1",
        "toLower([mail])",
        "[mail",
        "Left(\"x\")",
        "Append([a], \"b\") [c]",
    ] {
        let e = ctx.post(&path, json!({"expression": bad})).await;
        assert_eq!(e.status, 200);
        assert_eq!(e.body["parsingSucceeded"], false, "{bad}");
        assert!(
            e.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("position"),
            "{bad}: {}",
            e.body
        );
        assert!(e.body["parsedExpression"].is_null());
    }
    let tpl = ctx
        .get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates"
        ))
        .await;
    let tid = tpl.body["value"][0]["id"].as_str().unwrap();
    let t = ctx
        .post(
            &format!(
                "/servicePrincipals/{sp}/synchronization/templates/{tid}/schema/parseExpression"
            ),
            json!({"expression": "[mail]"}),
        )
        .await;
    assert_eq!(t.body["parsingSucceeded"], true);
}

/// #14: a schema PUT with an expression tree as the tenant returns it (the documented
/// parseExpression answer: API parameter names, trailing empty arguments in `expression`)
/// is accepted, and the trailing empty arguments survive the round trip.
#[tokio::test]
async fn trailing_empty_arguments_survive_a_schema_round_trip() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let path = format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/schema");
    let mut s = ctx.get(&path).await.body;
    s.as_object_mut().unwrap().remove("@odata.context");
    let text = "Replace([preferredLanguage], \"-\", , , \"_\", , )";
    let tree = json!({
        "expression": text, "name": "Replace", "type": "Function",
        "parameters": [
            {"key": "source", "value": {"expression": "[preferredLanguage]", "name": "preferredLanguage", "parameters": [], "type": "Attribute"}},
            {"key": "Find", "value": {"expression": "\"-\"", "name": "-", "parameters": [], "type": "Constant"}},
            {"key": "Replacement", "value": {"expression": "\"_\"", "name": "_", "parameters": [], "type": "Constant"}}
        ]
    });
    let maps = user_mappings(&mut s);
    maps.retain(|m| m["targetAttributeName"] != "preferredLanguage");
    maps.push(json!({"targetAttributeName": "preferredLanguage", "source": tree, "defaultValue": null,
        "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always", "matchingPriority": 0}));
    let put = ctx.put(&path, s).await;
    assert_eq!(put.status, 204, "{}", put.body);
    let got = ctx.get(&path).await.body;
    let locale = got["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["targetAttributeName"] == "preferredLanguage")
        .unwrap()
        .clone();
    assert_eq!(locale["source"]["expression"], text);
    assert_eq!(locale["source"]["parameters"][1]["key"], "Find");
}
