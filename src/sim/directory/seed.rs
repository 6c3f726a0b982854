//! Initial tenant content: gallery templates, a small fixed directory, the directory
//! generator and seed files.

use serde_json::{Value, json};

use crate::sim::state::{Group, Template, Tenant, User};

/// Display name of the Keeper gallery app.
pub const KEEPER_TEMPLATE_NAME: &str = "Keeper Password Manager & Digital Vault";
/// Id of the Keeper gallery template in the simulator.
pub const KEEPER_TEMPLATE_ID: &str = "f1b6a1c3-6a1e-4c2e-9d4b-4b7e0c6f3a21";
/// Id of the non-gallery ("custom") application template.
pub const CUSTOM_TEMPLATE_ID: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
/// Id of the `User` app role of an app instantiated from the custom template (the same in
/// every tenant: Microsoft's documented `appRoles` of such an app show these two ids).
pub const CUSTOM_USER_ROLE_ID: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";
/// Id of the `msiam_access` app role of an app instantiated from the custom template.
pub const CUSTOM_MSIAM_ROLE_ID: &str = "b9632174-c057-4f7e-951b-be3adc52bfe6";

fn template(
    id: &str,
    name: &str,
    publisher: &str,
    categories: &[&str],
    sso: &[&str],
    sync: bool,
) -> Value {
    json!({
        "id": id,
        "displayName": name,
        "homePageUrl": format!("https://{}.example/", name.split_whitespace().next().unwrap_or("app").to_lowercase()),
        "supportedSingleSignOnModes": sso,
        "supportedProvisioningTypes": if sync { vec!["sync"] } else { Vec::<&str>::new() },
        "logoUrl": format!("https://az495088.vo.msecnd.example/app-logo/{}_215.png", id),
        "categories": categories,
        "publisher": publisher,
        "description": format!("{name}. Simulated gallery entry."),
    })
}

fn role(display: &str, description: &str) -> Value {
    json!({
        "allowedMemberTypes": ["User"],
        "description": description,
        "displayName": display,
        "isEnabled": true,
        "origin": "Application",
        "value": null,
    })
}

/// One simulated gallery entry.
struct Entry {
    id: &'static str,
    name: &'static str,
    publisher: &'static str,
    categories: &'static [&'static str],
    sso: &'static [&'static str],
    /// The kind of synchronization template, if the app supports provisioning.
    sync: Option<&'static str>,
    /// Whether the app has a `User` role besides `msiam_access`.
    user_role: bool,
}

const GALLERY: [Entry; 6] = [
    Entry {
        id: KEEPER_TEMPLATE_ID,
        name: KEEPER_TEMPLATE_NAME,
        publisher: "Keeper Security, Inc.",
        categories: &["security", "identity"],
        sso: &["saml", "external"],
        sync: Some("keeper"),
        user_role: true,
    },
    Entry {
        id: CUSTOM_TEMPLATE_ID,
        name: "Non-gallery application",
        publisher: "Microsoft Corporation",
        categories: &[],
        sso: &["saml", "password", "external", "oidc"],
        sync: Some("scim"),
        user_role: true, // `User` and `msiam_access`, with fixed ids (see `gallery`)
    },
    Entry {
        id: "2f0a5c1e-8b3d-4e6f-a7c9-1d2e3f4a5b60",
        name: "Keeper Password Manager",
        publisher: "Keeper Security, Inc.",
        categories: &["security"],
        sso: &["saml"],
        sync: None,
        user_role: false,
    },
    Entry {
        id: "6d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09",
        name: "Slack",
        publisher: "Slack Technologies",
        categories: &["collaboration", "productivity"],
        sso: &["saml", "external"],
        sync: Some("scim"),
        user_role: true,
    },
    Entry {
        id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        name: "Contoso O'Reilly Books",
        publisher: "O'Reilly Media",
        categories: &["education"],
        sso: &["password"],
        sync: None,
        user_role: false,
    },
    Entry {
        id: "0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",
        name: "AWS Single-Account Access",
        publisher: "Amazon",
        categories: &["developerServices", "itInfrastructure"],
        sso: &["saml"],
        sync: Some("scim"),
        user_role: false,
    },
];

/// The gallery: Keeper, the non-gallery SCIM app and a few unrelated apps.
pub fn gallery() -> Vec<Template> {
    GALLERY
        .iter()
        .map(|e| {
            let mut app_roles = vec![role("msiam_access", "msiam_access")];
            if e.user_role {
                app_roles.push(role("User", "User"));
            }
            if e.id == CUSTOM_TEMPLATE_ID {
                // Documented order and fixed ids: `User`, then `msiam_access`.
                let mut user = role("User", "User");
                user["id"] = json!(CUSTOM_USER_ROLE_ID);
                let mut msiam = role("msiam_access", "msiam_access");
                msiam["id"] = json!(CUSTOM_MSIAM_ROLE_ID);
                app_roles = vec![user, msiam];
            }
            Template {
                json: template(
                    e.id,
                    e.name,
                    e.publisher,
                    e.categories,
                    e.sso,
                    e.sync.is_some(),
                ),
                sync: e.sync.map(str::to_owned),
                app_roles,
            }
        })
        .collect()
}

const FIXED_USERS: &[(&str, &str, &str, &str, &str)] = &[
    ("alice", "Alice", "Anders", "Engineering", "Engineer"),
    ("bob", "Bob", "Baker", "Sales", "Account Executive"),
    (
        "carol",
        "Carol",
        "Chen",
        "Engineering",
        "Engineering Manager",
    ),
    ("dave", "Dave", "Diaz", "Finance", "Controller"),
    ("erin", "Erin", "Evans", "IT", "Administrator"),
    ("frank", "Frank", "O'Brien", "Sales", "Sales Engineer"),
    ("grace", "Grace", "Gupta", "Engineering", "Engineer"),
    ("$heidi", "Heidi", "Hansen", "Support", "Support Lead"),
];

/// Domain of the seeded users.
pub const DOMAIN: &str = "contoso.example";

fn user(t: &mut Tenant, local: &str, given: &str, surname: &str, dept: &str, title: &str) -> User {
    let upn = format!("{local}@{DOMAIN}");
    User {
        id: t.guid(),
        display_name: format!("{given} {surname}"),
        given_name: Some(given.to_owned()),
        surname: Some(surname.to_owned()),
        mail: Some(upn.clone()),
        upn,
        job_title: Some(title.to_owned()),
        department: Some(dept.to_owned()),
        account_enabled: true,
        extensions: Default::default(),
    }
}

fn group(t: &mut Tenant, name: &str, description: &str, members: Vec<String>) -> Group {
    Group {
        id: t.guid(),
        display_name: name.to_owned(),
        description: Some(description.to_owned()),
        mail_nickname: name.replace(|c: char| !c.is_ascii_alphanumeric(), ""),
        members,
        created: "2025-01-15T09:30:00Z".to_owned(),
    }
}

/// The small fixed directory every simulator starts with: 8 users (one B2B guest and one
/// UPN starting with `$`) and 5 groups (two share a display name).
pub fn fixed_directory(t: &mut Tenant) {
    for (local, given, surname, dept, title) in FIXED_USERS {
        let u = user(t, local, given, surname, dept, title);
        t.users.push(u);
    }
    let mut guest = user(
        t,
        "ivan_fabrikam.example#EXT#",
        "Ivan",
        "Ivanov",
        "Partners",
        "Consultant",
    );
    guest.mail = Some("ivan@fabrikam.example".into());
    t.users.push(guest);
    let ids = |t: &Tenant, f: &dyn Fn(&User) -> bool| -> Vec<String> {
        t.users
            .iter()
            .filter(|u| f(u))
            .map(|u| u.id.clone())
            .collect()
    };
    let all = ids(t, &|_| true);
    let eng = ids(t, &|u| u.department.as_deref() == Some("Engineering"));
    let sales = ids(t, &|u| u.department.as_deref() == Some("Sales"));
    let groups = [
        group(t, "Keeper Users", "Everyone who uses Keeper", all),
        group(t, "Engineering", "Engineering department", eng),
        group(t, "Sales", "Sales department", sales.clone()),
        group(
            t,
            "R&D O'Neil Team",
            "A name that needs OData quoting",
            vec![],
        ),
        group(t, "Sales", "A second group named Sales", sales),
    ];
    t.groups.extend(groups);
}

const GIVEN: &[&str] = &[
    "Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kara", "Liam",
    "Mia", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vic", "Wen", "Yara",
];
const SURNAMES: &[&str] = &[
    "Adams", "Brown", "Clark", "Davis", "Evans", "Fox", "Green", "Hill", "Ito", "Jones", "King",
    "Lopez", "Moore", "Nagy", "Ortiz", "Park", "Quist", "Reyes", "Smith", "Tran", "Ueda", "Vega",
];
const DEPTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Finance",
    "IT",
    "Support",
    "Marketing",
];

/// Adds `users` generated users and `groups` generated groups, deterministic by the
/// tenant's generator state. Group `k` has up to 10 members.
pub fn generate_directory(t: &mut Tenant, users: usize, groups: usize) {
    t.users.reserve(users);
    let first_new = t.users.len();
    for i in 0..users {
        let r = t.next_u64() as usize;
        let given = GIVEN[r % GIVEN.len()];
        let surname = SURNAMES[(r / 31) % SURNAMES.len()];
        let dept = DEPTS[(r / 977) % DEPTS.len()];
        let local = format!(
            "{}.{}{}",
            given.to_lowercase(),
            surname.to_lowercase(),
            i + 1
        );
        let u = user(t, &local, given, surname, dept, "Staff");
        t.users.push(u);
    }
    let generated = t.users.len() - first_new;
    for k in 0..groups {
        let members = if generated == 0 {
            Vec::new()
        } else {
            (0..10.min(generated))
                .map(|j| t.users[first_new + (k * 10 + j) % generated].id.clone())
                .collect()
        };
        let g = group(
            t,
            &format!("Generated Group {:04}", k + 1),
            "Generated",
            members,
        );
        t.groups.push(g);
    }
}

/// Loads a seed file: `{"users":[…], "groups":[…], "applicationTemplates":[…]}` with users
/// in Graph's shape (`userPrincipalName`, `displayName`, `givenName`, `surname`, `mail`,
/// `jobTitle`, `department`, `accountEnabled`, optional `id`, directory extensions as
/// `extension_<appId>_<name>` strings), groups with `displayName`,
/// `description`, `members` (UPNs or ids), and templates in Graph's shape plus optional
/// `appRoles` and `synchronization` (`"keeper"` or `"scim"`).
pub fn apply_seed_file(t: &mut Tenant, seed: &Value) -> Result<(), String> {
    seed_users(t, seed)?;
    seed_groups(t, seed)?;
    seed_templates(t, seed)
}

/// String field `k` of `v`.
fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// The seed's directory extension properties of a user (`extension_<appId>_<name>` keys).
fn extensions_of(u: &Value) -> std::collections::BTreeMap<String, String> {
    u.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("extension_"))
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .collect()
}

fn seed_users(t: &mut Tenant, seed: &Value) -> Result<(), String> {
    let s = text;
    for u in seed["users"].as_array().into_iter().flatten() {
        let upn = s(u, "userPrincipalName").ok_or("a user has no userPrincipalName")?;
        let id = s(u, "id").unwrap_or_else(|| t.guid());
        t.users.push(User {
            id,
            display_name: s(u, "displayName").unwrap_or_else(|| upn.clone()),
            given_name: s(u, "givenName"),
            surname: s(u, "surname"),
            mail: s(u, "mail"),
            job_title: s(u, "jobTitle"),
            department: s(u, "department"),
            account_enabled: u["accountEnabled"].as_bool().unwrap_or(true),
            extensions: extensions_of(u),
            upn,
        });
    }
    Ok(())
}

fn seed_groups(t: &mut Tenant, seed: &Value) -> Result<(), String> {
    let s = text;
    for g in seed["groups"].as_array().into_iter().flatten() {
        let name = s(g, "displayName").ok_or("a group has no displayName")?;
        let mut members = Vec::new();
        for m in g["members"].as_array().into_iter().flatten() {
            let key = m.as_str().ok_or("group members must be strings")?;
            let user = t
                .user(key)
                .ok_or_else(|| format!("group {name}: unknown member {key}"))?;
            members.push(user.id.clone());
        }
        let mut grp = group(t, &name, &s(g, "description").unwrap_or_default(), members);
        if let Some(id) = s(g, "id") {
            grp.id = id;
        }
        t.groups.push(grp);
    }
    Ok(())
}

fn seed_templates(t: &mut Tenant, seed: &Value) -> Result<(), String> {
    let s = text;
    for tpl in seed["applicationTemplates"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = s(tpl, "displayName").ok_or("a template has no displayName")?;
        let id = s(tpl, "id").unwrap_or_else(|| t.guid());
        let sync = s(tpl, "synchronization");
        let mut json = template(
            &id,
            &name,
            &s(tpl, "publisher").unwrap_or_default(),
            &[],
            &["saml"],
            sync.is_some(),
        );
        for k in [
            "categories",
            "description",
            "homePageUrl",
            "logoUrl",
            "supportedSingleSignOnModes",
        ] {
            if let Some(v) = tpl.get(k) {
                json[k] = v.clone();
            }
        }
        let app_roles = match tpl.get("appRoles").and_then(Value::as_array) {
            Some(roles) => roles.clone(),
            None => vec![role("msiam_access", "msiam_access")],
        };
        t.templates.push(Template {
            json,
            sync,
            app_roles,
        });
    }
    Ok(())
}
