//! The demo's world: a simulator tenant that `examples/keeper.yaml` fits (its tenant id,
//! its users and groups) and a local SCIM endpoint standing in for Keeper.

use std::path::Path;

use secrecy::SecretString;
use serde_json::json;

use crate::sim::SimConfig;

use super::ScimEndpoint;

/// `examples/keeper.yaml`, as shipped.
pub const KEEPER_YAML: &str = include_str!("../../../examples/keeper.yaml");

/// Display path of the example manifest.
pub const KEEPER_PATH: &str = "examples/keeper.yaml";

/// The tenant id `examples/keeper.yaml` names.
pub const KEEPER_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/// The SCIM token the demo's Keeper accepts (not a real secret: it only exists in the demo).
pub const DEMO_TOKEN: &str = "demo-keeper-scim-token-6b1f2c";

/// The variable `examples/keeper.yaml` reads the token from.
pub const TOKEN_VAR: &str = "KEEPER_SCIM_TOKEN";

/// The group `examples/keeper.yaml` names by id.
pub const ADMINS_GROUP_ID: &str = "5f0c3c52-6c3e-4a0f-9a53-0d3e2a7f1b11";

/// Starts the stand-in Keeper SCIM endpoint (accepts [`DEMO_TOKEN`]).
pub fn keeper_endpoint() -> std::io::Result<ScimEndpoint> {
    ScimEndpoint::start(
        "/api/rest/scim/v2/1234567890",
        SecretString::from(DEMO_TOKEN),
    )
}

/// The users and groups the examples name (`examples/*.yaml`) beyond the simulator's fixed
/// directory (which already has `Keeper Users` and `Engineering`), as a seed document.
pub fn examples_seed() -> serde_json::Value {
    json!({
        "users": [
            { "userPrincipalName": "alice@contoso.com", "displayName": "Alice Anders",
              "givenName": "Alice", "surname": "Anders", "mail": "alice@contoso.com",
              "department": "Engineering", "jobTitle": "Engineer" },
            { "userPrincipalName": "bob@contoso.com", "displayName": "Bob Baker",
              "givenName": "Bob", "surname": "Baker", "mail": "bob@contoso.com",
              "department": "Sales", "jobTitle": "Account Executive" }
        ],
        "groups": [
            { "id": ADMINS_GROUP_ID, "displayName": "Keeper Admins",
              "description": "Keeper administrators", "members": ["alice@contoso.com"] }
        ]
    })
}

/// Writes the seed file (the manifest's users and groups) into `dir` and returns a
/// simulator configuration for the example's tenant, routing Keeper tenant URLs (`https://keepersecurity.com/…`) to `scim`.
pub fn sim_config(dir: &Path, scim: &ScimEndpoint) -> std::io::Result<SimConfig> {
    let seed = examples_seed();
    let path = dir.join("seed.json");
    std::fs::write(&path, seed.to_string())?;
    Ok(SimConfig {
        tenant_id: KEEPER_TENANT.to_owned(),
        seed_file: Some(path),
        scim_routes: vec![(
            "https://keepersecurity.com/".to_owned(),
            format!("{}/", scim.root_url()),
        )],
        ..SimConfig::default()
    })
}

/// A Graph client signed in to `server` as its read-write "apply" identity.
pub fn sim_client(
    server: &crate::sim::Server,
    options: &crate::graph::ClientOptions,
) -> Result<crate::graph::Client, crate::graph::SetupError> {
    let endpoints = crate::graph::Endpoints::new(None, Some(server.url()), Some(server.url()))?;
    let env = crate::graph::auth::Env::from_pairs([("ENTRAPROV_ACCESS_TOKEN", server.token())]);
    crate::graph::Client::from_env(endpoints, &env, options)
}
