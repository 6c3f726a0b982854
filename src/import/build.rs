//! Observed state → typed [`Manifest`] plus the comments that explain inferred values.
//!
//! Anything the live app holds that the manifest cannot express exactly (a multi-valued
//! apply mode, an operator entraprov does not know, a "Default Access" assignment on Keeper,
//! …) is left out *and* its list gets `prune: false`, so the manifest leaves it alone
//! instead of removing it; a comment and a warning say what was left out.

use std::collections::{BTreeMap, BTreeSet};

use super::emit::Layout;
use super::find::{NameSource, TemplateChoice};
use crate::graph::wire::ServicePrincipal;
use crate::manifest::span::push_segment;
use crate::manifest::{
    AccidentalDeletions, Action, ApiVersion, App, Apply, Assignment, Assignments, AttributeSource,
    Clause, ClauseValue, Credentials, Guid, Kind, Manifest, NamedMap, Notifications, ObjectIdRef,
    ObjectMapping as MObjectMapping, Operator, PrincipalRef, PrincipalSelector, Provisioning,
    Scope as MScope, ScopingFilter as MScopingFilter, SecretRef, SourceKind,
};
use crate::plan::model::{
    ApplyMode, AttributeMapping, FlowType, MappingValue, ObjectMapping, PrincipalKind, RunState,
    Scope, ScopingFilter, object_names_match, resolve_role, role_label,
};
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

fn assignments(input: &Input<'_>, l: &mut Layout, warnings: &mut Vec<String>) -> Assignments {
    let roles = input
        .observed
        .app
        .as_ref()
        .map_or(&[][..], |a| &a.roles[..]);
    let mut live: Vec<&ObservedAssignment> = input.observed.assignments.iter().collect();
    live.sort_by_key(|a| (a.principal_kind, a.principal_name.to_lowercase()));
    let mut principals = Vec::new();
    let mut left_out = Vec::new();
    for a in live {
        let role = role_label(roles, &a.role_id);
        let who = format!("{}:{}", a.principal_kind, a.principal_name);
        if resolve_role(roles, &role).map(|r| &r.id) != Some(&a.role_id) {
            left_out.push(format!(
                "{who} → {role} (the role cannot be named: the app declares no such role)"
            ));
            continue;
        }
        if input.keeper && is_default_access(&role) {
            left_out.push(format!(
                "{who} → {role} (Keeper excludes Default Access users from provisioning; \
                 assign the User role instead)"
            ));
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
        mappings: Some(mappings(o, l, warnings)),
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

/// A label for each live object mapping: `users` / `groups` for the usual ones (their
/// objects are then implied), else one made from the target object.
fn labels(mappings: &[ObjectMapping]) -> Vec<(String, bool)> {
    let mut used = BTreeSet::new();
    mappings
        .iter()
        .map(|m| {
            let usual =
                [("users", "User"), ("groups", "Group")]
                    .into_iter()
                    .find(|(label, obj)| {
                        !used.contains(*label)
                            && object_names_match(&m.source_object, &m.target_object, obj, obj)
                    });
            let (label, implied) = match usual {
                Some((label, _)) => (label.to_owned(), true),
                None => {
                    let base = super::find::slug(&format!(
                        "{}-{}",
                        m.source_object,
                        m.target_object.rsplit(':').next().unwrap_or("object")
                    ));
                    let mut label = base.clone();
                    let mut n = 2;
                    while used.contains(&label) {
                        label = format!("{base}-{n}");
                        n += 1;
                    }
                    (label, false)
                }
            };
            used.insert(label.clone());
            (label, implied)
        })
        .collect()
}

fn mappings(
    o: &ObservedState,
    l: &mut Layout,
    warnings: &mut Vec<String>,
) -> NamedMap<MObjectMapping> {
    let mut out = NamedMap::default();
    for (i, (m, (label, implied))) in o.mappings.iter().zip(labels(&o.mappings)).enumerate() {
        let ptr = push_segment("/provisioning/mappings", &label);
        if i > 0 {
            l.blank_before.insert(ptr.clone());
        }
        let mut cx = MappingCx {
            ptr: &ptr,
            label: &label,
            l,
            warnings,
            left_out: Vec::new(),
            filters: 0,
        };
        let mapped = object_mapping(m, implied, &mut cx);
        out.insert(label, mapped);
    }
    out
}

struct MappingCx<'a> {
    ptr: &'a str,
    label: &'a str,
    l: &'a mut Layout,
    warnings: &'a mut Vec<String>,
    left_out: Vec<String>,
    /// Filters written so far.
    filters: usize,
}

/// `filter 2`: what `plan` calls a live filter without a name.
fn is_generated_name(name: &str) -> bool {
    name.strip_prefix("filter ")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl MappingCx<'_> {
    fn leave_out(&mut self, what: String) {
        self.warnings.push(format!(
            "mapping {}: {what} is not in the manifest",
            self.label
        ));
        self.left_out.push(what);
    }
}

fn object_mapping(m: &ObjectMapping, implied: bool, cx: &mut MappingCx<'_>) -> MObjectMapping {
    let actions = if m.flow_types.iter().any(|f| matches!(f, FlowType::Other(_))) {
        cx.leave_out("the target actions (an unknown flow type)".into());
        None
    } else {
        Some(
            m.flow_types
                .iter()
                .map(|f| match f {
                    FlowType::Add => Action::Create,
                    FlowType::Update => Action::Update,
                    _ => Action::Delete,
                })
                .collect(),
        )
    };
    let mut attrs: Vec<&AttributeMapping> = m.attributes.values().collect();
    attrs.sort_by_key(|a| (a.matching_priority == 0, a.matching_priority));
    let mut attributes = NamedMap::default();
    let mut priorities = BTreeSet::new();
    for a in attrs {
        if let Some(src) = attribute(a, &mut priorities, cx) {
            attributes.insert(a.target.clone(), src);
        }
    }
    let mut filters = Vec::new();
    for f in m.scoping_filters.values() {
        if let Some(f) = scoping_filter(f, cx) {
            filters.push(f);
        }
    }
    if filters.is_empty() {
        cx.l.comment_after(
            &format!("{}/scopingFilters", cx.ptr),
            "none: every object in the provisioning scope",
        );
    }
    let prune = cx.left_out.is_empty();
    if !prune {
        let p = format!("{}/prune", cx.ptr);
        cx.l.comment_before(
            &p,
            "false: these live entries are not listed and are left alone:",
        );
        for what in &cx.left_out {
            cx.l.comment_before(&p, format!("  {what}"));
        }
    }
    MObjectMapping {
        enabled: Some(m.enabled),
        source_object: (!implied).then(|| m.source_object.clone()),
        target_object: (!implied).then(|| m.target_object.clone()),
        actions,
        prune,
        attributes: Some(attributes),
        scoping_filters: Some(filters),
    }
}

fn attribute(
    a: &AttributeMapping,
    priorities: &mut BTreeSet<u32>,
    cx: &mut MappingCx<'_>,
) -> Option<AttributeSource> {
    let target = &a.target;
    let apply = match &a.apply {
        ApplyMode::Always => Apply::Always,
        ApplyMode::ObjectAddOnly => Apply::OnCreate,
        ApplyMode::Other(mode) => {
            cx.leave_out(format!("attribute {target} (apply mode {mode})"));
            return None;
        }
    };
    if a.matching_priority > 0 && !priorities.insert(a.matching_priority) {
        cx.leave_out(format!(
            "attribute {target} (matching priority {} is used twice)",
            a.matching_priority
        ));
        return None;
    }
    let kind = match &a.value {
        MappingValue::Attribute(s) if !s.is_empty() => SourceKind::Attribute(s.clone()),
        MappingValue::Attribute(_) => {
            cx.leave_out(format!("attribute {target} (an unnamed source attribute)"));
            return None;
        }
        MappingValue::Constant(c) => SourceKind::Constant(c.clone()),
        MappingValue::Expression(e) if e.chars().count() > 10_000 => {
            cx.leave_out(format!(
                "attribute {target} (an expression over 10,000 characters)"
            ));
            return None;
        }
        MappingValue::Expression(e) => SourceKind::Expression(e.clone()),
    };
    Some(AttributeSource {
        kind,
        default: a.default.clone(),
        matching_priority: (a.matching_priority > 0).then_some(a.matching_priority),
        apply,
    })
}

fn scoping_filter(f: &ScopingFilter, cx: &mut MappingCx<'_>) -> Option<MScopingFilter> {
    let mut clauses = Vec::new();
    for c in &f.clauses {
        let Some(op) = Operator::from_graph_name(&c.operator) else {
            cx.leave_out(format!(
                "scoping filter \"{}\" (unknown operator {})",
                f.name, c.operator
            ));
            return None;
        };
        let value = match (op.is_unary(), c.values.as_slice()) {
            (true, []) => None,
            (false, [v]) => Some(ClauseValue::String(v.clone())),
            _ => {
                cx.leave_out(format!(
                    "scoping filter \"{}\" ({} with {} values)",
                    f.name,
                    op.manifest_name(),
                    c.values.len()
                ));
                return None;
            }
        };
        clauses.push(Clause {
            attribute: c.attribute.clone(),
            operator: op,
            value,
        });
    }
    if clauses.is_empty() {
        cx.leave_out(format!("scoping filter \"{}\" (no clauses)", f.name));
        return None;
    }
    if is_generated_name(&f.name) {
        let i = cx.filters;
        cx.l.comment_after(
            &format!("{}/scopingFilters/{i}/name", cx.ptr),
            "entraprov's name for an unnamed live filter",
        );
    }
    cx.filters += 1;
    Some(MScopingFilter {
        name: f.name.clone(),
        clauses,
    })
}
