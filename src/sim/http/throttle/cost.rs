//! Request costs of the identity and access model (`concepts/throttling-limits.md`,
//! "Identity and access service limits"): the base resource-unit and write cost of each
//! documented operation and path, then the query rules (`$select` −1, `$expand` +1, `$top`
//! under 20 −1, never below 1). A path starting with `me/` also covers
//! `users/{id | userPrincipalName}/`.

/// What one request costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    /// Resource units (`x-ms-resource-unit`).
    pub ru: u32,
    /// Write units (charged to the write quotas).
    pub write: u32,
}

/// The documented base costs: operation, path pattern (`{id}` matches any one segment),
/// resource units, write units. Every other identity request costs 1 RU, and 1 write
/// unless it is a GET.
pub const BASE_COSTS: &[(&str, &str, u32, u32)] = &[
    ("GET", "applications", 2, 0),
    ("GET", "applications/{id}/extensionProperties", 2, 0),
    ("GET", "contracts", 3, 0),
    ("POST", "directoryObjects/getByIds", 3, 0),
    ("GET", "domains/{id}/domainNameReferences", 4, 0),
    ("POST", "getObjectsById", 3, 0),
    ("GET", "groups/{id}/members", 3, 0),
    ("GET", "groups/{id}/transitiveMembers", 5, 0),
    ("POST", "isMemberOf", 4, 0),
    ("POST", "me/checkMemberGroups", 4, 0),
    ("POST", "me/checkMemberObjects", 4, 0),
    ("POST", "me/getMemberGroups", 2, 0),
    ("POST", "me/getMemberObjects", 2, 0),
    ("GET", "me/licenseDetails", 2, 0),
    ("GET", "me/memberOf", 2, 0),
    ("GET", "me/ownedObjects", 2, 0),
    ("GET", "me/transitiveMemberOf", 2, 0),
    ("GET", "oauth2PermissionGrants", 2, 0),
    ("GET", "oauth2PermissionGrants/{id}", 2, 0),
    ("GET", "servicePrincipals/{id}/appRoleAssignments", 2, 0),
    ("GET", "subscribedSkus", 3, 0),
    ("GET", "users", 2, 0),
];

/// Path segments as the cost table sees them: `name(key)` is `name` then `{key}`; a
/// trailing slash or empty segment is ignored.
fn split(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        match seg.find('(') {
            Some(open) if seg.ends_with(')') => {
                out.push(&seg[..open]);
                out.push("{key}");
            }
            _ => out.push(seg),
        }
    }
    out
}

fn matches(pattern: &[&str], segs: &[&str]) -> bool {
    pattern.len() == segs.len()
        && pattern
            .iter()
            .zip(segs)
            .all(|(p, s)| *p == "{id}" || p.eq_ignore_ascii_case(s))
}

/// The documented base cost of `method path` (path after the version, e.g.
/// `/servicePrincipals/{id}/appRoleAssignedTo`).
pub fn base_cost(method: &str, path: &str) -> Cost {
    let segs = split(path);
    for (m, pattern, ru, write) in BASE_COSTS {
        if !m.eq_ignore_ascii_case(method) {
            continue;
        }
        let pat: Vec<&str> = pattern.split('/').collect();
        let me_as_user = pat.first() == Some(&"me")
            && segs.len() == pat.len() + 1
            && segs[0].eq_ignore_ascii_case("users")
            && matches(&pat[1..], &segs[2..]);
        if matches(&pat, &segs) || me_as_user {
            return Cost {
                ru: *ru,
                write: *write,
            };
        }
    }
    Cost {
        ru: 1,
        write: u32::from(!method.eq_ignore_ascii_case("GET")),
    }
}

/// The cost of a request: the base cost with the query rules applied to its resource
/// units (`query` decoded, names with their `$`).
pub fn cost(method: &str, path: &str, query: &[(String, String)]) -> Cost {
    let base = base_cost(method, path);
    let has = |name: &str| query.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut ru = i64::from(base.ru);
    if has("$select") {
        ru -= 1;
    }
    if has("$expand") {
        ru += 1;
    }
    let small_top = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("$top"))
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .is_some_and(|t| t < 20);
    if small_top {
        ru -= 1;
    }
    Cost {
        ru: ru.max(1) as u32,
        write: base.write,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn me_rows_cover_users_by_id_or_upn() {
        assert_eq!(base_cost("GET", "/users/a@b.example/memberOf").ru, 2);
        assert_eq!(base_cost("POST", "/users/123/checkMemberGroups").ru, 4);
        assert_eq!(base_cost("GET", "/users/123").ru, 1);
    }

    #[test]
    fn key_segments_count_as_ids() {
        assert_eq!(
            base_cost("GET", "/servicePrincipals(appId='x')/appRoleAssignments").ru,
            2
        );
    }

    #[test]
    fn query_rules_never_go_below_one() {
        let c = cost(
            "GET",
            "/servicePrincipals",
            &q(&[("$select", "id"), ("$top", "5")]),
        );
        assert_eq!(c.ru, 1);
        let c = cost(
            "GET",
            "/users",
            &q(&[("$expand", "manager"), ("$top", "20")]),
        );
        assert_eq!(c.ru, 3);
    }
}
