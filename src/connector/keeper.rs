//! Keeper Password Manager & Digital Vault (reference/keeper.md §1.1, §2.3).
//!
//! Rules: the tenant URL is `https://<region host>/api/rest/scim/v2/<node id>`; `userName`
//! and `emails[type eq "work"].value` come from the same source (Keeper uses the email as
//! the username); "Default Access" (`msiam_access`) assignments are refused (Keeper's
//! tutorial: such users are excluded from provisioning); `delete` disables (locks) the Keeper
//! user rather than deleting it (info).

use super::Connector;
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
    title: "Keeper Password Manager & Digital Vault",
    gallery_names: GALLERY_NAMES,
    lint,
};

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
    if let Some(c) = credentials
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
        delete_locks(om, &mp, cx);
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
