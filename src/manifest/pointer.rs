//! JSON pointers of manifest nodes, for locating diagnostics in later stages
//! (`loaded.diagnostic(code, &pointer::assignment(3), "unknown group")`). Segments are
//! escaped per RFC 6901, so target attributes such as `emails[type eq "work"].value` and
//! `urn:…:User:department` work as is.

use super::span::push_segment;

/// `/assignments/principals/<i>`.
pub fn assignment(i: usize) -> String {
    format!("/assignments/principals/{i}")
}

/// `/assignments/principals/<i>/group` or `/user`: the principal of an assignment.
pub fn assignment_principal(i: usize, kind: &str) -> String {
    format!("/assignments/principals/{i}/{kind}")
}

/// `/assignments/principals/<i>/role`.
pub fn assignment_role(i: usize) -> String {
    format!("/assignments/principals/{i}/role")
}

/// `/provisioning/credentials/tenantUrl`.
pub fn tenant_url() -> &'static str {
    "/provisioning/credentials/tenantUrl"
}

/// `/provisioning/credentials/secretToken`.
pub fn secret_token() -> &'static str {
    "/provisioning/credentials/secretToken"
}

/// `/provisioning/mappings/<label>`.
pub fn mapping(label: &str) -> String {
    push_segment("/provisioning/mappings", label)
}

/// `/provisioning/mappings/<label>/attributes/<target>`.
pub fn attribute(label: &str, target: &str) -> String {
    push_segment(&format!("{}/attributes", mapping(label)), target)
}

/// `/provisioning/mappings/<label>/scopingFilters/<i>`.
pub fn scoping_filter(label: &str, i: usize) -> String {
    format!("{}/scopingFilters/{i}", mapping(label))
}

/// `/provisioning/mappings/<label>/scopingFilters/<i>/clauses/<j>`.
pub fn clause(label: &str, i: usize, j: usize) -> String {
    format!("{}/clauses/{j}", scoping_filter(label, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_attributes_are_escaped() {
        assert_eq!(
            attribute("users", r#"emails[type eq "work"].value"#),
            r#"/provisioning/mappings/users/attributes/emails[type eq "work"].value"#
        );
        assert_eq!(
            attribute("a/b", "x~y"),
            "/provisioning/mappings/a~1b/attributes/x~0y"
        );
        assert_eq!(
            clause("users", 1, 2),
            "/provisioning/mappings/users/scopingFilters/1/clauses/2"
        );
    }
}
