//! From raw Graph reads ([`Live`]) to the normalised [`ObservedState`], checking the
//! manifest's references against the tenant on the way (located diagnostics).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use secrecy::ExposeSecret;

use super::error::codes;
use super::pointer;
use super::read::{AppData, AppLookup, Live};
use crate::graph::wire::{Group, ServicePrincipal, User};
use crate::manifest::{Diagnostic, LoadedManifest};
use crate::plan::fingerprint::{name_tag, token_state};
use crate::plan::graph_json::{ShapeError, object_mappings_from_schema};
use crate::plan::graph_objects::{
    app_roles_from_graph, assigned_kind, job_from_graph, tags_from_graph,
};
use crate::plan::model::{AppRole, PrincipalKey, PrincipalKind, PrincipalRef, resolve_role};
use crate::plan::secrets_json::{NotificationSettings, read_secrets};
use crate::plan::state::{
    AppCandidate, DesiredState, ObservedApp, ObservedAssignment, ObservedCredentials,
    ObservedState, ResolvedPrincipal, ResolvedTemplate,
};

/// The observed state plus what else was learned.
pub(crate) struct Built {
    pub observed: ObservedState,
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<String>,
    pub notifications: NotificationSettings,
}

/// Builds the observed state and checks principals and roles.
pub(crate) fn build(
    loaded: &LoadedManifest,
    desired: &DesiredState,
    live: &Live,
) -> Result<Built, ShapeError> {
    let mut out = Built {
        observed: ObservedState::default(),
        diagnostics: Vec::new(),
        warnings: Vec::new(),
        notifications: NotificationSettings::default(),
    };
    out.observed.template = live.template.as_ref().map(|t| ResolvedTemplate {
        id: t.id.clone(),
        display_name: t.display_name.clone(),
    });
    app(loaded, live, &mut out);
    principals(loaded, desired, live, &mut out);
    if let Some(app) = &out.observed.app {
        roles(loaded, desired, &app.roles, &mut out.diagnostics);
    }
    if let Some(data) = &live.app_data {
        app_data(data, &live.assigned_users, &mut out)?;
    }
    Ok(out)
}

fn sp_label(sp: &ServicePrincipal) -> String {
    format!(
        "\"{}\" (appId {}, object id {})",
        sp.display_name, sp.app_id, sp.id
    )
}

fn app(loaded: &LoadedManifest, live: &Live, out: &mut Built) {
    let template_id = out.observed.template.as_ref().map(|t| t.id.clone());
    match &live.app {
        AppLookup::Found(sp) => {
            out.observed.app = Some(observed_app(sp));
            if template_id.is_none() {
                out.warnings.push(format!(
                    "the gallery entry named in the manifest was not found; the existing app {} \
                     is managed, but it could not be created again from the manifest",
                    sp_label(sp)
                ));
            }
        }
        AppLookup::Absent => {
            if template_id.is_none() {
                out.diagnostics.push(template_missing(loaded));
            }
            let tag = name_tag(&loaded.manifest.name);
            out.observed.untagged_candidates = live
                .same_name
                .iter()
                .filter(|sp| !sp.tags.contains(&tag))
                .filter(|sp| template_id.is_some() && sp.application_template_id == template_id)
                .map(|sp| AppCandidate {
                    service_principal_id: sp.id.clone(),
                    app_id: sp.app_id.clone(),
                    display_name: sp.display_name.clone(),
                })
                .collect();
        }
        AppLookup::Ambiguous(sps) => out.diagnostics.push(ambiguous_app(loaded, sps)),
        AppLookup::AppIdNotFound => out.diagnostics.push(unknown_app_id(loaded)),
    }
}

fn ambiguous_app(loaded: &LoadedManifest, sps: &[ServicePrincipal]) -> Diagnostic {
    let list: Vec<String> = sps.iter().map(sp_label).collect();
    loaded
        .diagnostic(
            codes::AMBIGUOUS_APP,
            pointer::NAME,
            format!(
                "{} apps carry the tag {tag}: {}",
                sps.len(),
                list.join(", "),
                tag = name_tag(&loaded.manifest.name)
            ),
        )
        .help(untag_help(sps, &name_tag(&loaded.manifest.name)))
}

/// How to resolve E0311 by hand: keep the first app, remove the tag from the others (the
/// exact command, with their remaining tags), or pick one with `app.appId`.
fn untag_help(sps: &[ServicePrincipal], tag: &str) -> String {
    let mut help = format!(
        "entraprov cannot tell which app to manage (two applies at once resolve this \
         themselves; these were tagged otherwise). Keep one and remove the tag {tag} from the \
         others, e.g. to keep {}:",
        sps.first().map_or(String::new(), |s| s.id.to_string())
    );
    for sp in sps.iter().skip(1) {
        let rest: Vec<&String> = sp.tags.iter().filter(|t| t.as_str() != tag).collect();
        let body = serde_json::json!({ "tags": rest }).to_string();
        help.push_str(&format!(
            "\n  az rest --method PATCH --url https://graph.microsoft.com/v1.0/servicePrincipals/{} \
             --body '{body}'",
            sp.id
        ));
    }
    help.push_str(
        "\nor delete a copy that is not in use (`az ad sp delete --id <id>`), or set app.appId \
         in the manifest to pick one.",
    );
    help
}

fn unknown_app_id(loaded: &LoadedManifest) -> Diagnostic {
    let app_id = loaded
        .manifest
        .app
        .app_id
        .as_ref()
        .map(|g| g.as_str().to_owned());
    loaded
        .diagnostic(
            codes::UNKNOWN_APP_ID,
            pointer::APP_ID,
            format!(
                "no enterprise app (service principal) has appId {}",
                app_id.unwrap_or_default()
            ),
        )
        .help("check the application (client) id in Entra ID → Enterprise applications, or remove app.appId to find the app by its tag")
}

fn template_missing(loaded: &LoadedManifest) -> Diagnostic {
    let app = &loaded.manifest.app;
    let (ptr, what) = match (&app.gallery, &app.template_id) {
        (Some(g), _) => (pointer::GALLERY, format!("no gallery app is named \"{g}\"")),
        (None, Some(id)) => (
            pointer::TEMPLATE_ID,
            format!("no application template has id {}", id.as_str()),
        ),
        (None, None) => (pointer::GALLERY, "no gallery app is named".to_owned()),
    };
    loaded
        .diagnostic(codes::UNKNOWN_TEMPLATE, ptr, what)
        .help("use the exact display name shown in Entra ID → Enterprise applications → New application, or the template's id")
}

fn observed_app(sp: &ServicePrincipal) -> ObservedApp {
    let roles = serde_json::to_value(&sp.app_roles).unwrap_or_default();
    let tags = serde_json::to_value(&sp.tags).unwrap_or_default();
    ObservedApp {
        service_principal_id: sp.id.clone(),
        app_id: sp.app_id.clone(),
        display_name: sp.display_name.clone(),
        template_id: sp.application_template_id.clone(),
        tags: tags_from_graph(Some(&tags)),
        roles: app_roles_from_graph(Some(&roles)),
    }
}

/// Resolves every declared principal; unknown and ambiguous ones become diagnostics.
fn principals(loaded: &LoadedManifest, desired: &DesiredState, live: &Live, out: &mut Built) {
    let items = desired
        .assignments
        .as_ref()
        .map_or(&[][..], |a| &a.items[..]);
    let mut seen: HashSet<&PrincipalRef> = HashSet::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let r = &item.principal;
        match resolve_one(r, live) {
            Ok(p) => {
                if seen.insert(r) {
                    out.observed.principals.push(p);
                }
            }
            Err(d) => {
                let ptr = pointer::principal(i, &r.kind.to_string());
                out.diagnostics.push(d.at(loaded, &ptr));
            }
        }
    }
}

/// A principal problem, located later.
enum Unresolved {
    User(String),
    Group(String),
    UserId(String),
    GroupId(String),
    Ambiguous(String, Vec<Group>),
}

impl Unresolved {
    fn at(self, loaded: &LoadedManifest, ptr: &str) -> Diagnostic {
        let (code, message, help) = match self {
            Unresolved::User(u) => (
                codes::UNKNOWN_USER,
                format!("no user with user principal name {u} in the tenant"),
                "use the user principal name (UPN) as shown in Entra ID, or { id: <object id> }",
            ),
            Unresolved::UserId(id) => (
                codes::UNKNOWN_USER,
                format!("no user with object id {id} in the tenant"),
                "check the id in Entra ID → Users, or name the user by UPN",
            ),
            Unresolved::Group(g) => (
                codes::UNKNOWN_GROUP,
                format!("no group named \"{g}\" in the tenant"),
                "group names must match a group's display name exactly; or use { id: <object id> }",
            ),
            Unresolved::GroupId(id) => (
                codes::UNKNOWN_GROUP,
                format!("no group with object id {id} in the tenant"),
                "check the id in Entra ID → Groups, or name the group by display name",
            ),
            Unresolved::Ambiguous(g, groups) => {
                // The name is escaped here because the message keeps its own line breaks.
                let g = crate::text::shown(&g);
                let ids: Vec<String> = groups.iter().map(|g| format!("  {}", g.id)).collect();
                (
                    codes::AMBIGUOUS_GROUP,
                    format!(
                        "{} groups are named \"{g}\":\n{}",
                        groups.len(),
                        ids.join("\n")
                    ),
                    "name the group by object id instead: `group: { id: <one of the ids> }`",
                )
            }
        };
        loaded.diagnostic(code, ptr, message).help(help)
    }
}

fn resolve_one(r: &PrincipalRef, live: &Live) -> Result<ResolvedPrincipal, Unresolved> {
    let ok = |id: &str, display: &str| ResolvedPrincipal {
        reference: r.clone(),
        id: id.into(),
        display: display.to_owned(),
    };
    match (&r.kind, &r.key) {
        (PrincipalKind::User, PrincipalKey::Name(n)) => match live.users.get(n) {
            Some(Some(u)) => Ok(ok(u.id.as_str(), &u.user_principal_name)),
            _ => Err(Unresolved::User(n.clone())),
        },
        (PrincipalKind::Group, PrincipalKey::Name(n)) => {
            match live.groups.get(n).map(Vec::as_slice) {
                Some([g]) => Ok(ok(g.id.as_str(), &g.display_name)),
                Some(gs) if gs.len() > 1 => Err(Unresolved::Ambiguous(n.clone(), gs.to_vec())),
                _ => Err(Unresolved::Group(n.clone())),
            }
        }
        (PrincipalKind::User, PrincipalKey::Id(id)) => live
            .users_by_id
            .iter()
            .find(|u| u.id.as_str().eq_ignore_ascii_case(id.as_str()))
            .map(|u| ok(u.id.as_str(), &u.user_principal_name))
            .ok_or_else(|| Unresolved::UserId(id.to_string())),
        (PrincipalKind::Group, PrincipalKey::Id(id)) => live
            .groups_by_id
            .iter()
            .find(|g| g.id.as_str().eq_ignore_ascii_case(id.as_str()))
            .map(|g| ok(g.id.as_str(), &g.display_name))
            .ok_or_else(|| Unresolved::GroupId(id.to_string())),
    }
}

/// Every declared role must exist on the app.
fn roles(
    loaded: &LoadedManifest,
    desired: &DesiredState,
    app_roles: &[AppRole],
    diags: &mut Vec<Diagnostic>,
) {
    let items = desired
        .assignments
        .as_ref()
        .map_or(&[][..], |a| &a.items[..]);
    let mut names: Vec<String> = app_roles
        .iter()
        .map(|r| match &r.value {
            Some(v) if v != &r.display_name => format!("{v} ({})", r.display_name),
            _ => r.display_name.clone(),
        })
        .collect();
    names.sort();
    names.dedup();
    let listed = if names.is_empty() {
        "the app declares no roles".to_owned()
    } else {
        format!("the app's roles are: {}", names.join(", "))
    };
    for (i, item) in items.iter().enumerate() {
        if resolve_role(app_roles, &item.role).is_none() {
            let d = loaded
                .diagnostic(
                    codes::UNKNOWN_ROLE,
                    &pointer::role(i),
                    format!("the app has no role \"{}\"; {listed}", item.role),
                )
                .help("use a role's value or display name exactly as listed");
            diags.push(d);
        }
    }
}

/// `s` in lower case, borrowed when it already is.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn app_data(data: &AppData, others: &[User], out: &mut Built) -> Result<(), ShapeError> {
    // Users are shown by UPN (their display name is not unique). Keys are lower-case ids,
    // borrowed when Graph sent them lower-case already (10,000 assignments: no copies).
    let mut names: HashMap<Cow<'_, str>, &str> = others
        .iter()
        .map(|u| (lower(u.id.as_str()), u.user_principal_name.as_str()))
        .collect();
    for p in &out.observed.principals {
        if p.reference.kind == PrincipalKind::User {
            names.insert(lower(p.id.as_str()), p.display.as_str());
        }
    }
    let mut assignments: Vec<ObservedAssignment> = Vec::with_capacity(data.assignments.len());
    for (i, a) in data.assignments.iter().enumerate() {
        let Some(kind) = a.principal_type.as_deref().map(assigned_kind) else {
            return Err(ShapeError {
                path: format!("appRoleAssignedTo[{i}]"),
                message: "missing `principalType`".into(),
            });
        };
        let Some(principal_kind) = kind else {
            continue;
        };
        let principal_name = names
            .get(lower(a.principal_id.as_str()).as_ref())
            .map(|n| (*n).to_owned())
            .or_else(|| a.principal_display_name.clone())
            .unwrap_or_else(|| a.principal_id.to_string());
        assignments.push(ObservedAssignment {
            id: a.id.clone(),
            principal_kind,
            principal_id: a.principal_id.clone(),
            principal_name,
            role_id: a.app_role_id.clone(),
        });
    }
    out.observed.assignments = assignments;
    let chosen = data.chosen.clone().ok().flatten().map(|i| &data.jobs[i]);
    if let (Some(job), true) = (chosen, data.jobs.len() > 1) {
        out.warnings.push(format!(
            "the app has {} provisioning jobs; entraprov manages {}, the one made from the \
             connector's template {}",
            data.jobs.len(),
            job.id,
            job.template_id
        ));
    }
    if let Some(job) = chosen {
        let v = serde_json::to_value(job).unwrap_or_default();
        out.observed.job = Some(job_from_graph(&v, "job")?);
    }
    let pairs: Vec<(&str, &str)> = data
        .secrets
        .iter()
        .map(|s| (s.key.as_str(), s.value.expose_secret()))
        .collect();
    let view = read_secrets(pairs)?;
    let tags = out
        .observed
        .app
        .as_ref()
        .map(|a| a.tags.clone())
        .unwrap_or_default();
    out.observed.credentials = ObservedCredentials {
        tenant_url: view.tenant_url,
        token: token_state(view.token_present, &tags),
    };
    out.observed.settings = view.settings;
    out.notifications = view.notifications;
    if let Some(job) = &data.job_data {
        out.observed.mappings = object_mappings_from_schema(&job.schema.0)?;
        out.observed.attribute_lists = crate::plan::graph_defs::attribute_lists_from_schema(
            &job.schema.0,
            job.template_schema.as_ref().map(|t| &t.0),
        );
    }
    Ok(())
}
