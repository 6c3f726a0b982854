//! Conversions from Graph's JSON shapes (reference/graph-api.md §5.2).

use entraprov::plan::graph_json::*;
use entraprov::plan::model::{ApplyMode, FlowType, MappingValue};
use serde_json::json;

fn schema() -> serde_json::Value {
    json!({
      "id": "schema-1", "version": "Date:2026-11-28",
      "directories": [],
      "synchronizationRules": [{
        "id": "rule-1", "name": "USER_TO_USER", "editable": true, "priority": 1,
        "objectMappings": [{
          "name": "Synchronize Microsoft Entra users to Keeper",
          "enabled": true, "flowTypes": "Add,Update ,Delete",
          "sourceObjectName": "User", "targetObjectName": "urn:ietf:params:scim:schemas:core:2.0:User",
          "metadata": [],
          "scope": { "groups": [
            { "name": "Engineering only", "clauses": [
              { "sourceOperandName": "department", "operatorName": "EQUALS", "targetOperand": { "values": ["Engineering"] } },
              { "sourceOperandName": "accountEnabled", "operatorName": "EQUALS", "targetOperand": { "values": ["true"] } }
            ]},
            { "name": "Engineering only", "clauses": [] }
          ], "inputFilterGroups": [], "categoryFilterGroups": [] },
          "attributeMappings": [
            { "targetAttributeName": "userName", "source": {"type":"Attribute","name":"userPrincipalName","expression":"[userPrincipalName]","parameters":[]},
              "defaultValue": null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always", "matchingPriority": 1 },
            { "targetAttributeName": "externalId", "source": null, "defaultValue": "contoso",
              "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always", "matchingPriority": 0 },
            { "targetAttributeName": "nickName", "source": {"type":"Function","name":"Mid","expression":"Mid([userPrincipalName],  1, 8)",
                "parameters":[{"key":"source","value":{"type":"Attribute","name":"userPrincipalName","parameters":[]}}]},
              "defaultValue": "x", "flowType": "ObjectAddOnly", "matchingPriority": 0 },
            { "targetAttributeName": "title", "source": {"type":"Function","name":"ToLower",
                "parameters":[{"key":"source","value":{"type":"Attribute","name":"jobTitle"}},{"key":"culture","value":{"type":"Constant","name":"en-US"}}]},
              "flowType": "MultiValueAddOnly" }
          ]
        }]
      }]
    })
}

#[test]
fn schema_object_mappings_are_normalised() {
    let maps = object_mappings_from_schema(&schema()).unwrap();
    assert_eq!(maps.len(), 1);
    let m = &maps[0];
    assert!(m.maps("User", "User"));
    assert!(!m.maps("Group", "Group"));
    assert_eq!(
        m.flow_types,
        [FlowType::Add, FlowType::Update, FlowType::Delete]
            .into_iter()
            .collect()
    );
    let user_name = &m.attributes["userName"];
    assert_eq!(
        user_name.value,
        MappingValue::Attribute("userPrincipalName".into())
    );
    assert_eq!(user_name.matching_priority, 1);
    assert_eq!(
        m.attributes["externalId"].value,
        MappingValue::Constant("contoso".into())
    );
    assert_eq!(m.attributes["externalId"].default, None);
    let nick = &m.attributes["nickName"];
    assert_eq!(
        nick.value,
        MappingValue::Expression("Mid([userPrincipalName], 1, 8)".into())
    );
    assert_eq!(nick.default.as_deref(), Some("x"));
    assert_eq!(nick.apply, ApplyMode::ObjectAddOnly);
    assert_eq!(
        m.attributes["title"].value,
        MappingValue::Expression("ToLower([jobTitle], \"en-US\")".into())
    );
    assert_eq!(
        m.attributes["title"].apply,
        ApplyMode::Other("MultiValueAddOnly".into())
    );
}

#[test]
fn scoping_filters_are_keyed_by_unique_name_with_verbatim_operands() {
    let maps = object_mappings_from_schema(&schema()).unwrap();
    let filters = &maps[0].scoping_filters;
    let names: Vec<_> = filters.keys().cloned().collect();
    assert_eq!(names, ["Engineering only", "Engineering only (2)"]);
    let f = &filters["Engineering only"];
    assert_eq!(f.clauses[0].attribute, "accountEnabled");
    // Changed by #14: read verbatim; observe folds the operands of Boolean attributes.
    assert_eq!(f.clauses[0].values, ["true"]);
    let mut folded = f.clone();
    folded.fold_booleans(|a| a == "accountEnabled");
    assert_eq!(folded.clauses[0].values, ["True"]);
}

#[test]
fn malformed_schema_reports_the_path() {
    let bad = json!({"synchronizationRules":[{"objectMappings":[{"sourceObjectName":"User","targetObjectName":"User",
        "attributeMappings":[{"source":null}]}]}]});
    let err = object_mappings_from_schema(&bad).unwrap_err();
    assert_eq!(
        err.path,
        "synchronizationRules[0].objectMappings[0].attributeMappings[0]"
    );
    let bad = json!({"synchronizationRules":[{"objectMappings":[{"sourceObjectName":"User","targetObjectName":"User",
        "attributeMappings":[{"targetAttributeName":"x","source":{"type":"Weird"}}]}]}]});
    assert!(
        object_mappings_from_schema(&bad)
            .unwrap_err()
            .message
            .contains("Weird")
    );
}

#[test]
fn sources_for_attributes_and_constants_round_trip() {
    for v in [
        MappingValue::Attribute("mail".into()),
        MappingValue::Constant("a \"q\"".into()),
    ] {
        let tree = value_to_source(&v).unwrap();
        let (back, _) = normalise_source(Some(&tree), None, "s").unwrap();
        assert_eq!(back, v);
    }
    assert!(value_to_source(&MappingValue::Expression("Foo()".into())).is_none());
}

#[test]
fn attribute_and_filter_write_shapes() {
    let maps = object_mappings_from_schema(&schema()).unwrap();
    let a = &maps[0].attributes["userName"];
    let v = attribute_mapping_to_graph(a, value_to_source(&a.value).unwrap());
    assert_eq!(v["matchingPriority"], 1);
    assert_eq!(v["flowType"], "Always");
    assert_eq!(v["source"]["type"], "Attribute");
    let back = attribute_mapping_from_graph(&v, "x").unwrap();
    assert_eq!(&back, a);
    let f = &maps[0].scoping_filters["Engineering only"];
    let g = scoping_filter_to_graph(f);
    let again = scoping_filters_from_graph(Some(&json!({"groups":[g]})), "s").unwrap();
    assert_eq!(&again["Engineering only"], f);
}

#[test]
fn empty_default_value_is_no_default() {
    let v = json!({"targetAttributeName":"x","source":{"type":"Attribute","name":"mail"},"defaultValue":""});
    assert_eq!(attribute_mapping_from_graph(&v, "a").unwrap().default, None);
}
