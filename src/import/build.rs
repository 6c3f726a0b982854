//! Observed state → typed [`Manifest`] plus the comments that explain inferred values
//! (object mappings are in `mappings.rs`).
//!
//! Anything the live app holds that the manifest cannot express exactly (a multi-valued
//! apply mode, an operator entraprov does not know, a "Default Access" assignment on Keeper,
//! …) is left out *and* its list gets `prune: false`, so the manifest leaves it alone
//! instead of removing it; a comment and a warning say what was left out.

use std::collections::{BTreeMap, BTreeSet};

use super::emit::Layout;
use super::find::{NameSource, TemplateChoice};
use crate::graph::wire::ServicePrincipal;
use crate::manifest::{
    AccidentalDeletions, ApiVersion, App, Assignment, Assignments, Credentials, Guid, Kind,
    Manifest, Notifications, ObjectIdRef, PrincipalRef, PrincipalSelector, Provisioning,
    Scope as MScope, SecretRef,
};
use crate::plan::model::{PrincipalKind, RunState, Scope, resolve_role, role_label};
use crate::plan::state::{ObservedAssignment, ObservedState};

/// What [`build`] needs.
pub(crate) struct Input<'a> {
    /// The app.
    pub sp: &'a ServicePrincipal,
    /// Manifest name and where it came from.
    pub name: (String, NameSource),
    /// How to name the gallery entry.
    pub template: TemplateChoice,
    /// The live state, as `observe` read it.
    pub observed: &'a ObservedState,
    /// The tenant of the access token, when it says.
    pub tenant: Option<String>,
    /// Group display names (lower case) shared by several groups, with their count.
    pub ambiguous_groups: BTreeMap<String, usize>,
    /// The environment variable the secret token is read from.
    pub token_var: String,
    /// Whether the Keeper connector's rules apply.
    pub keeper: bool,
}

/// The manifest and its comments.
pub(crate) struct Built {
    pub manifest: Manifest,
    pub layout: Layout,
    pub warnings: Vec<String>,
}

/// Builds the manifest of an observed app.
pub(crate) fn build(input: &Input<'_>) -> Built {
    let mut b = Built {
        manifest: skeleton(input.sp, &input.name.0, &input.template),
        layout: Layout::default(),
        warnings: Vec::new(),
    };
    let l = &mut b.layout;
    for key in ["app", "assignments", "provisioning"] {
        l.blank_before.insert(format!("/{key}"));
    }
    l.block_items.insert("/assignments/principals".into());
    match input.name.1 {
        NameSource::Given => {}
        NameSource::Tag => l.comment_after("/name", "from the app's existing entraprov tag"),
        NameSource::DisplayName => l.comment_after(
            "/name",
            format!(
                "made from the display name; apply tags the app {}{}",
                crate::plan::fingerprint::NAME_TAG_PREFIX,
                input.name.0
            ),
        ),
    }
    if let Some(t) = &input.tenant {
        b.manifest.tenant_id = Some(Guid::new(t.clone()));
        l.comment_after(
            "/tenantId",
            "the tenant of the access token used for import",
        );
    }
    match &input.template {
        TemplateChoice::Gallery(_) => {}
        TemplateChoice::Id(_, why) => l.comment_after("/app/templateId", why.clone()),
    }
    l.comment_after("/app/appId", "adopts this existing app");
    b.manifest.assignments = Some(assignments(input, &mut b.layout, &mut b.warnings));
    b.manifest.provisioning = provisioning(input, &mut b.layout, &mut b.warnings);
    b
}

/// The manifest's identity part: apiVersion, kind, name, app (adopted by `appId`).
pub(crate) fn skeleton(sp: &ServicePrincipal, name: &str, template: &TemplateChoice) -> Manifest {
    let (gallery, template_id) = match template {
        TemplateChoice::Gallery(g) => (Some(g.clone()), None),
        TemplateChoice::Id(id, _) => (None, Some(Guid::new(id.clone()))),
    };
    Manifest {
        schema: None,
        api_version: ApiVersion::V1,
        kind: Kind::EnterpriseApp,
        name: name.to_owned(),
        tenant_id: None,
        app: App {
            display_name: sp.display_name.clone(),
            gallery,
            template_id,
            app_id: Some(Guid::new(sp.app_id.as_str())),
            connector: None,
        },
        assignments: None,
        provisioning: None,
    }
}

fn is_default_access(role: &str) -> bool {
    role.eq_ignore_ascii_case("Default Access") || role.eq_ignore_ascii_case("msiam_access")
}

/// Why a live assignment cannot be listed, if it cannot.
fn unlisted(
    input: &Input<'_>,
    roles: &[crate::plan::model::AppRole],
    role: &str,
    a: &ObservedAssignment,
) -> Option<&'static str> {
    if resolve_role(roles, role).map(|r| &r.id) != Some(&a.role_id) {
        return Some("the role cannot be named: the app declares no such role");
    }
    (input.keeper && is_default_access(role)).then_some(
        "Keeper excludes Default Access users from provisioning; assign the User role instead",
    )
}

/// Live assignments, groups first, by name. A principal with any assignment that cannot be
/// listed is left out altogether: listing its other roles would make plan remove the unlisted
/// one as a role change, even with `prune: false`.
fn assignments(input: &Input<'_>, l: &mut Layout, warnings: &mut Vec<String>) -> Assignments {
    let roles = input
        .observed
        .app
        .as_ref()
        .map_or(&[][..], |a| &a.roles[..]);
    let mut live: Vec<&ObservedAssignment> = input.observed.assignments.iter().collect();
    live.sort_by_key(|a| (a.principal_kind, a.principal_name.to_lowercase()));
    let blocked: BTreeSet<&str> = live
        .iter()
        .filter(|a| unlisted(input, roles, &role_label(roles, &a.role_id), a).is_some())
        .map(|a| a.principal_id.as_str())
        .collect();
    let mut principals = Vec::new();
    let mut left_out = Vec::new();
    for a in live {
        let role = role_label(roles, &a.role_id);
        let who = format!("{}:{}", a.principal_kind, a.principal_name);
        if blocked.contains(a.principal_id.as_str()) {
            let why = unlisted(input, roles, &role, a)
                .unwrap_or("another assignment of this principal cannot be listed");
            left_out.push(format!("{who} → {role} ({why})"));
            continue;
        }
        let ptr = format!("/assignments/principals/{}", principals.len());
        let (selector, note) = selector(input, a);
        if let Some(note) = note {
            l.comment_before(&ptr, note);
        }
        let principal = match a.principal_kind {
            PrincipalKind::Group => PrincipalRef::Group(selector),
            PrincipalKind::User => PrincipalRef::User(selector),
        };
        principals.push(Assignment { principal, role });
    }
    let prune = left_out.is_empty();
    if !prune {
        l.comment_before(
            "/assignments/prune",
            "false: these live assignments are not listed and are left alone:",
        );
        for what in &left_out {
            l.comment_before("/assignments/prune", format!("  {what}"));
            warnings.push(format!("assignment {what} is not in the manifest"));
        }
    }
    Assignments { prune, principals }
}

/// How to name an assigned principal: groups by display name unless several groups share
/// it, users by UPN; by object id otherwise (with the reason).
fn selector(input: &Input<'_>, a: &ObservedAssignment) -> (PrincipalSelector, Option<String>) {
    let by_id = || {
        PrincipalSelector::Id(ObjectIdRef {
            id: Guid::new(a.principal_id.as_str()),
        })
    };
    let name = a.principal_name.trim();
    if name.eq_ignore_ascii_case(a.principal_id.as_str()) {
        let note = format!("a {} whose name Graph does not show", a.principal_kind);
        return (by_id(), Some(note));
    }
    match a.principal_kind {
        PrincipalKind::Group => match input.ambiguous_groups.get(&name.to_lowercase()) {
            Some(n) => (
                by_id(),
                Some(format!(
                    "group \"{name}\": {n} groups have this display name, so it is named by object id"
                )),
            ),
            None if name.is_empty() => (by_id(), Some("a group without a display name".into())),
            None => (PrincipalSelector::Name(name.to_owned()), None),
        },
        PrincipalKind::User if name.contains('@') => {
            (PrincipalSelector::Name(name.to_owned()), None)
        }
        PrincipalKind::User => (
            by_id(),
            Some(format!(
                "user \"{name}\": the user principal name could not be read, so it is named by object id"
            )),
        ),
    }
}

fn provisioning(
    input: &Input<'_>,
    l: &mut Layout,
    warnings: &mut Vec<String>,
) -> Option<Provisioning> {
    let o = input.observed;
    let Some(job) = &o.job else {
        l.comment_before(
            "/assignments",
            "The app has no provisioning job, so the manifest has no provisioning section.",
        );
        return None;
    };
    let s = &o.settings;
    let p = "/provisioning";
    l.comment_after(
        &format!("{p}/enabled"),
        match job.state {
            RunState::On => "provisioning status On (job schedule Active)",
            RunState::Off => "provisioning status Off (job paused or never started)",
        },
    );
    let credentials = o.credentials.tenant_url.as_ref().map(|url| {
        l.comment_before(
            &format!("{p}/credentials/secretToken"),
            format!(
                "Graph never returns the token: export {} to plan or apply.",
                input.token_var
            ),
        );
        Credentials {
            tenant_url: url.clone(),
            secret_token: SecretRef::FromEnv(input.token_var.clone()),
        }
    });
    if credentials.is_none() {
        l.comment_before(
            &format!("{p}/scope"),
            "No tenant URL is set, so credentials are not managed.",
        );
    }
    let email = s
        .notification_email
        .clone()
        .filter(|e| !e.trim().is_empty());
    let notifications = (email.is_some() || s.on_failure.is_some()).then_some(Notifications {
        email,
        on_failure: s.on_failure,
    });
    Some(Provisioning {
        enabled: Some(job.state == RunState::On),
        scope: s.scope.map(|sc| match sc {
            Scope::Assigned => MScope::Assigned,
            Scope::All => MScope::All,
        }),
        credentials,
        notifications,
        accidental_deletions: deletions(s, l, warnings),
        skip_out_of_scope_deletions: s.skip_out_of_scope_deletions,
        mappings: Some(super::mappings::mappings(o, l, warnings)),
    })
}

fn deletions(
    s: &crate::plan::model::Settings,
    l: &mut Layout,
    warnings: &mut Vec<String>,
) -> Option<AccidentalDeletions> {
    match (s.deletion_threshold_enabled, s.deletion_threshold) {
        (Some(false), _) => Some(AccidentalDeletions::Disabled),
        (Some(true), Some(n)) if n >= 1 => Some(AccidentalDeletions::Threshold(n)),
        (None, None) => None,
        (enabled, value) => {
            let what = format!(
                "accidental-deletion prevention is not managed: the live setting (enabled {enabled:?}, threshold {value:?}) has no manifest form"
            );
            l.comment_before("/provisioning/skipOutOfScopeDeletions", what.clone());
            warnings.push(what);
            None
        }
    }
}
