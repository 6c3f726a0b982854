//! Keeper Password Manager & Digital Vault (reference/keeper.md §1.1, §2.3).
//!
//! Rules: the tenant URL is `https://<region host>/api/rest/scim/v2/<node id>`; `userName`
//! and `emails[type eq "work"].value` come from the same source (Keeper uses the email as
//! the username); "Default Access" (`msiam_access`) assignments are refused (Keeper's
//! tutorial: such users are excluded from provisioning); `delete` disables (locks) the Keeper
//! user rather than deleting it (info); Keeper queues teams created over SCIM until a Keeper
//! admin approves them (info on an enabled groups mapping). Probe advice is in
//! [`super::keeper_probe`].

use super::Connector;
use super::keeper_probe::KeeperAdvice;
use super::starter::{ACTIVE, Attribute, GROUPS, Mapping, Starter, attr};
use crate::manifest::lint::LintCx;
use crate::manifest::pointer;
use crate::manifest::span::push_segment;
use crate::manifest::types::{Action, Manifest, ObjectMapping};

/// Gallery display names of the Keeper app.
pub const GALLERY_NAMES: &[&str] = &[
    "Keeper Password Manager & Digital Vault",
    "Keeper Password Manager",
];

/// Keeper data-centre regions and their hosts.
pub const REGION_HOSTS: &[(&str, &str)] = &[
    ("US", "keepersecurity.com"),
    ("EU", "keepersecurity.eu"),
    ("AU", "keepersecurity.com.au"),
    ("JP", "keepersecurity.jp"),
    ("CA", "keepersecurity.ca"),
    ("US Gov", "govcloud.keepersecurity.us"),
];

/// Path prefix of Keeper's SCIM base URL; the node id follows.
pub const SCIM_PATH_PREFIX: &str = "/api/rest/scim/v2/";

/// The target attribute of the work email in Keeper's user mapping.
pub const WORK_EMAIL: &str = r#"emails[type eq "work"].value"#;

/// The table entry.
pub const CONNECTOR: Connector = Connector {
    name: crate::manifest::types::ConnectorName::Keeper,
    id: "keeper",
    title: "Keeper Password Manager & Digital Vault",
    gallery_names: GALLERY_NAMES,
    template_ids: &[],
    lint,
    sync_template: super::default_sync_template,
    delete_means: "locks (disables) the Keeper user; Keeper does not delete users over SCIM",
    region,
    advice: &KeeperAdvice,
    starter: &STARTER,
    known_targets: Some(known_targets),
};

/// Keeper's SCIM attributes (reference/keeper.md §1.4: what Keeper reads and accepts, plus
/// the other defaults of the gallery app's schema), by target object.
pub fn known_targets(object: &str) -> &'static [&'static str] {
    match object.rsplit(':').next().unwrap_or(object) {
        "User" => &[
            "userName",
            WORK_EMAIL,
            r#"emails[type eq "other"].value"#,
            "displayName",
            "name.givenName",
            "name.familyName",
            "name.formatted",
            "active",
            "externalId",
            "title",
            "preferredLanguage",
            r#"phoneNumbers[type eq "work"].value"#,
            r#"phoneNumbers[type eq "mobile"].value"#,
            r#"addresses[type eq "work"].locality"#,
            r#"addresses[type eq "work"].country"#,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        ],
        "Group" => &["displayName", "externalId", "members"],
        _ => &[],
    }
}

/// `Keeper EU (keepersecurity.eu), node 345074852429829` for plan output.
pub fn region(tenant_url: &str) -> Option<String> {
    let parsed = parse_tenant_url(tenant_url).ok()?;
    let host = REGION_HOSTS.iter().find(|(r, _)| *r == parsed.region)?.1;
    Some(format!(
        "Keeper {} ({host}), node {}",
        parsed.region, parsed.node_id
    ))
}

/// Whether the tenant URL points at a loopback test server (`http(s)://127.0.0.1…`,
/// `localhost`, `[::1]`), which is allowed with a warning instead of Keeper's URL shape.
fn is_loopback_test_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

/// A parsed Keeper tenant URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantUrl {
    /// Region name (`US`, `EU`, …).
    pub region: &'static str,
    /// The Keeper node id.
    pub node_id: u64,
}

/// Parses `https://<region host>/api/rest/scim/v2/<node id>[/]`.
pub fn parse_tenant_url(url: &str) -> Result<TenantUrl, String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err("it must start with `https://`".into());
    };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let host = host.to_ascii_lowercase();
    let Some(&(region, _)) = REGION_HOSTS.iter().find(|(_, h)| *h == host) else {
        return Err(format!("`{host}` is not a Keeper region host"));
    };
    let path = format!("/{path}");
    let Some(node) = path.strip_prefix(SCIM_PATH_PREFIX) else {
        return Err(format!("the path must be `{SCIM_PATH_PREFIX}<node id>`"));
    };
    let node = node.strip_suffix('/').unwrap_or(node);
    match node.parse::<u64>() {
        Ok(node_id) if !node.starts_with('+') => Ok(TenantUrl { region, node_id }),
        _ => Err("the URL must end with the numeric Keeper node id".into()),
    }
}

fn lint(m: &Manifest, cx: &mut LintCx<'_>) {
    let credentials = m.provisioning.as_ref().and_then(|p| p.credentials.as_ref());
    loopback_url(m, cx);
    if let Some(c) = credentials
        && !is_loopback_test_url(&c.tenant_url)
        && let Err(why) = parse_tenant_url(&c.tenant_url)
    {
        {
            let hosts: Vec<&str> = REGION_HOSTS.iter().map(|(_, h)| *h).collect();
            let d = cx
                .diag(
                    "E0202",
                    pointer::tenant_url(),
                    false,
                    format!("not a Keeper SCIM tenant URL: {why}"),
                    "Keeper tenant URL",
                )
                .help(format!(
                    "use https://<host>/api/rest/scim/v2/<node id> with <host> one of {}; the Keeper Admin Console shows it under SCIM provisioning",
                    hosts.join(", ")
                ));
            cx.push(d);
        }
    }
    default_access(m, cx);
    let mappings = m.provisioning.as_ref().and_then(|p| p.mappings.as_ref());
    for (label, om) in mappings.into_iter().flatten() {
        let mp = push_segment("/provisioning/mappings", label);
        same_source(om, &mp, cx);
        if is_user_mapping(label, om) {
            delete_locks(om, &mp, cx);
        } else if is_group_mapping(label, om) && om.enabled == Some(true) {
            teams_need_approval(&mp, cx);
        }
    }
}

fn is_user_mapping(label: &str, om: &ObjectMapping) -> bool {
    match om.target_object.as_deref() {
        Some(t) => t.eq_ignore_ascii_case("User") || t.ends_with(":User"),
        None => label == "users",
    }
}

fn is_group_mapping(label: &str, om: &ObjectMapping) -> bool {
    match om.target_object.as_deref() {
        Some(t) => t.eq_ignore_ascii_case("Group") || t.ends_with(":Group"),
        None => label == "groups",
    }
}

fn teams_need_approval(mp: &str, cx: &mut LintCx<'_>) {
    let d = cx
        .diag(
            "I0202",
            mp,
            true,
            "Keeper queues teams created over SCIM until a Keeper admin approves them",
            "groups become Keeper teams",
        )
        .help(
            "after the first cycle, approve the new teams in the Keeper Admin Console or with \
             Keeper Commander `team-approve`; until then their members get no shared folders",
        );
    cx.push(d);
}

fn loopback_url(m: &Manifest, cx: &mut LintCx<'_>) {
    let credentials = m.provisioning.as_ref().and_then(|p| p.credentials.as_ref());
    if credentials.is_some_and(|c| is_loopback_test_url(&c.tenant_url)) {
        let d = cx
            .diag(
                "W0202",
                pointer::tenant_url(),
                false,
                "loopback tenant URL: a local SCIM test server, not Keeper",
                "not a Keeper host",
            )
            .help(
                "fine for tests; for Keeper use https://<region host>/api/rest/scim/v2/<node id>",
            );
        cx.push(d);
    }
}

fn default_access(m: &Manifest, cx: &mut LintCx<'_>) {
    let Some(a) = &m.assignments else { return };
    for (i, asg) in a.principals.iter().enumerate() {
        let role = asg.role.trim();
        if role.eq_ignore_ascii_case("Default Access") || role.eq_ignore_ascii_case("msiam_access")
        {
            let d = cx
                .diag(
                    "E0203",
                    &pointer::assignment_role(i),
                    false,
                    format!("Keeper does not provision principals assigned \"{role}\""),
                    "Default Access",
                )
                .help("assign an app role of the Keeper app instead, e.g. `role: User`");
            cx.push(d);
        }
    }
}

fn same_source(om: &ObjectMapping, mp: &str, cx: &mut LintCx<'_>) {
    let Some(attrs) = &om.attributes else { return };
    let (user, email) = (attrs.get("userName"), attrs.get(WORK_EMAIL));
    let base = format!("{mp}/attributes");
    match (user, email) {
        (Some(u), Some(e)) if u.kind != e.kind => {
            let other = cx.span(&push_segment(&base, "userName"), true);
            let d = cx
                .diag(
                    "E0201",
                    &push_segment(&base, WORK_EMAIL),
                    true,
                    format!("Keeper needs `userName` and `{WORK_EMAIL}` from the same source"),
                    "different source than userName",
                )
                .also(other, "userName")
                .help("Keeper uses the email as the username: map both from `userPrincipalName`, or both from `mail`");
            cx.push(d);
        }
        (Some(_), None) if om.prune => {
            let d = cx
                .diag(
                    "W0201",
                    &push_segment(&base, "userName"),
                    true,
                    format!("`userName` is mapped but `{WORK_EMAIL}` is not"),
                    "userName without the work email",
                )
                .help(format!("Keeper expects the work email too: add `'{WORK_EMAIL}': {{ source: … }}` with the same source as userName"));
            cx.push(d);
        }
        _ => {}
    }
}

fn delete_locks(om: &ObjectMapping, mp: &str, cx: &mut LintCx<'_>) {
    let Some(actions) = &om.actions else { return };
    if let Some(i) = actions.iter().position(|a| *a == Action::Delete) {
        let d = cx
            .diag(
                "I0201",
                &format!("{mp}/actions/{i}"),
                false,
                "for Keeper, `delete` disables (locks) the Keeper user; it is not deleted",
                "locks, does not delete",
            )
            .help("the vault is kept; an admin can delete the locked user in the Keeper Admin Console");
        cx.push(d);
    }
}

/// Keeper Password Manager & Digital Vault.
pub static STARTER: Starter = Starter {
    product: "Keeper Password Manager & Digital Vault (SCIM)",
    default_name: "keeper",
    display_name: |name| format!("Keeper ({name})"),
    app_lines: &[
        "gallery: Keeper Password Manager & Digital Vault",
        "connector: keeper   # inferred from the gallery name; enables Keeper's lints",
    ],
    example_group: Some("Keeper Users"),
    suggested_role: "User",
    role_note: "not \"Default Access\": Keeper skips users assigned with it",
    example_tenant_url: "https://keepersecurity.com/api/rest/scim/v2/1234567890",
    tenant_url_hint: "Keeper Admin Console → Admin → node → Provisioning → SCIM; the host is \
                      your region's: keepersecurity.com, .eu, .com.au, .jp, .ca or \
                      govcloud.keepersecurity.us",
    token_env: "KEEPER_SCIM_TOKEN",
    mappings: &[
        Mapping {
            label: "users",
            notes: &[],
            actions: "create, update, delete",
            actions_note: Some("Keeper: delete locks the user, it never deletes"),
            attributes: &[
                Attribute {
                    matching_priority: Some(1),
                    note: Some("the email Keeper signs the user in with"),
                    ..attr("userName", "userPrincipalName")
                },
                Attribute {
                    note: Some("Keeper: must have the same source as userName"),
                    ..attr(r#"emails[type eq "work"].value"#, "userPrincipalName")
                },
                ACTIVE,
                attr("displayName", "displayName"),
                attr("name.givenName", "givenName"),
                attr("name.familyName", "surname"),
                attr("externalId", "objectId"),
            ],
        },
        Mapping {
            notes: &[
                "Groups become Keeper teams. Keeper queues teams created over SCIM until a",
                "Keeper admin approves them (Admin Console, or Keeper Commander team-approve).",
            ],
            ..GROUPS
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_urls_of_every_region_parse_and_bad_ones_say_why() {
        for (region, host) in REGION_HOSTS {
            let u = format!("https://{host}/api/rest/scim/v2/7777777777777");
            assert_eq!(
                parse_tenant_url(&u),
                Ok(TenantUrl {
                    region,
                    node_id: 7777777777777
                })
            );
        }
        assert!(parse_tenant_url("https://keepersecurity.eu/api/rest/scim/v2/1/").is_ok());
        assert!(parse_tenant_url("http://keepersecurity.com/api/rest/scim/v2/1").is_err());
        assert!(parse_tenant_url("https://keeper.example.com/api/rest/scim/v2/1").is_err());
        assert!(parse_tenant_url("https://keepersecurity.com/api/rest/scim/v2/abc").is_err());
        assert!(parse_tenant_url("https://keepersecurity.com/scim/v2/1").is_err());
    }
}
