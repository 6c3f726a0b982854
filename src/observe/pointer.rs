//! JSON pointers into the manifest, for located diagnostics (same pointers as the schema).

use crate::manifest::span::push_segment;

/// `/tenantId`.
pub const TENANT_ID: &str = "/tenantId";
/// `/name`.
pub const NAME: &str = "/name";
/// `/app/gallery`.
pub const GALLERY: &str = "/app/gallery";
/// `/app/templateId`.
pub const TEMPLATE_ID: &str = "/app/templateId";
/// `/app/appId`.
pub const APP_ID: &str = "/app/appId";
/// `/provisioning/credentials/secretToken/fromEnv`.
pub const SECRET_FROM_ENV: &str = "/provisioning/credentials/secretToken/fromEnv";
/// `/provisioning/credentials/secretToken/fromFile`.
pub const SECRET_FROM_FILE: &str = "/provisioning/credentials/secretToken/fromFile";

/// `/assignments/principals/<i>/<group|user>`.
pub fn principal(i: usize, kind: &str) -> String {
    format!("/assignments/principals/{i}/{kind}")
}

/// `/assignments/principals/<i>/role`.
pub fn role(i: usize) -> String {
    format!("/assignments/principals/{i}/role")
}

/// `/provisioning/mappings/<label>`.
pub fn mapping(label: &str) -> String {
    push_segment("/provisioning/mappings", label)
}

/// `/provisioning/mappings/<label>/scopingFilters/<i>/clauses/<j>/operator`.
pub fn operator(label: &str, filter: usize, clause: usize) -> String {
    format!(
        "{}/scopingFilters/{filter}/clauses/{clause}/operator",
        mapping(label)
    )
}

/// `/provisioning/mappings/<label>/attributes/<target>/expression`.
pub fn expression(label: &str, target: &str) -> String {
    let attrs = format!("{}/attributes", mapping(label));
    format!("{}/expression", push_segment(&attrs, target))
}
