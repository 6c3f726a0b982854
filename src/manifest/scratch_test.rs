#[test]
fn scratch() {
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/entraprov.schema.json"),
        super::schema::generate_text(),
    )
    .unwrap();
}
#[test]
fn scratch_errors() {
    let schema = super::schema::generate();
    let v = jsonschema::draft7::new(&schema).unwrap();
    let inst = serde_json::json!({"apiVersion":"entraprov/v2","kind":"EnterpriseApp","name":"Bad Name",
      "app":{"displayName":"x","galery":"y"},
      "assignments":{"principals":[{"group":{"idd":"x"},"role":"User"}]},
      "provisioning":{"enabled":"yes","credentials":{"tenantUrl":"x","secretToken":{"fromEnv":"A","fromFile":"b"}},
        "mappings":{"users":{"scopingFilters":[{"name":"a","clauses":[{"attribute":"x","operator":"equal"}]}]}}}});
    for e in v.iter_errors(&inst) {
        println!(
            "{} | schema={} | eval={} | {:?}",
            e.instance_path().as_str(),
            e.schema_path().as_str(),
            e.evaluation_path().as_str(),
            e.to_string()
        );
    }
}
