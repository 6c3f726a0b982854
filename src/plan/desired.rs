//! Desired state from a typed manifest: the one builder (manifest → [`DesiredState`]).
//!
//! Pure: no I/O. The secret token is resolved by the caller — `observe` reads the
//! environment variable or file the manifest names and reports a located error when it is
//! missing — and handed in as a value ([`build`]) or through a callback ([`from_manifest`]).
//! Names are not resolved here: the desired state carries the manifest's references (group
//! display name, UPN, object id as written, role value), and `observe` resolves them.

use std::collections::{BTreeMap, BTreeSet};

use secrecy::SecretString;

use crate::manifest::span::push_segment;
use crate::manifest::{
    self, AccidentalDeletions, Apply, AttributeSource, Manifest, Provisioning, SecretRef,
    SourceKind,
};

use super::change::Address;
use super::model::{
    ApplyMode, AttributeDef, AttributeMapping, FilterClause, FlowType, MappingValue, PrincipalKind,
    PrincipalRef, Scope, ScopingFilter, Settings, Side,
};
use super::state::{
    DesiredApp, DesiredAssignment, DesiredAssignments, DesiredCredentials, DesiredList,
    DesiredMapping, DesiredProvisioning, DesiredState, TemplateRef,
};

/// Builds the desired state of a manifest. `resolve_secret` turns the token reference into
/// its value (it is called only when the manifest has credentials); its error is returned
/// as is.
pub fn from_manifest<E>(
    m: &Manifest,
    resolve_secret: impl FnOnce(&SecretRef) -> Result<SecretString, E>,
) -> Result<DesiredState, E> {
    let secret_token = match m.provisioning.as_ref().and_then(|p| p.credentials.as_ref()) {
        Some(c) => Some(resolve_secret(&c.secret_token)?),
        None => None,
    };
    Ok(build(m, secret_token))
}

/// Builds the desired state of a manifest whose secret token the caller has already read:
/// `None` when the manifest has no credentials, or when the token could not be read (the
/// caller reports why; the credentials are then compared without it).
pub fn build(m: &Manifest, secret_token: Option<SecretString>) -> DesiredState {
    let template = match m.app.template() {
        Some(manifest::TemplateRef::Id(id)) => TemplateRef::Id(id.as_str().into()),
        Some(manifest::TemplateRef::Gallery(name)) => TemplateRef::Gallery(name),
        // The loader refuses a manifest without exactly one of the two; an empty gallery
        // name keeps this total.
        None => TemplateRef::Gallery(m.app.gallery.clone().unwrap_or_default()),
    };
    DesiredState {
        name: m.name.clone(),
        tenant_id: m.tenant(),
        app: DesiredApp {
            display_name: m.app.display_name.clone(),
            template,
            app_id: m.app.app_id.as_ref().map(|g| g.as_str().into()),
        },
        assignments: m.assignments.as_ref().map(|a| DesiredAssignments {
            prune: a.prune,
            items: a
                .principals
                .iter()
                .map(|p| DesiredAssignment {
                    principal: principal_ref(&p.principal),
                    role: p.role.clone(),
                })
                .collect(),
        }),
        provisioning: m
            .provisioning
            .as_ref()
            .map(|p| provisioning(&m.app, p, secret_token)),
    }
}

/// The model's reference for a manifest principal (an object id as the manifest writes
/// it; Graph compares ids case-insensitively and so does `observe`).
pub fn principal_ref(p: &manifest::PrincipalRef) -> PrincipalRef {
    let kind = match p {
        manifest::PrincipalRef::Group(_) => PrincipalKind::Group,
        manifest::PrincipalRef::User(_) => PrincipalKind::User,
    };
    match p.selector() {
        manifest::PrincipalSelector::Name(n) => PrincipalRef::named(kind, n.clone()),
        manifest::PrincipalSelector::Id(r) => PrincipalRef::by_id(kind, r.id.as_str()),
    }
}

/// The region of a tenant URL as the app's connector names it (`Keeper US
/// (keepersecurity.com), node 1234567890`), or `None` when the app has no regions. Pure.
pub fn tenant_region(app: &manifest::App, tenant_url: &str) -> Option<String> {
    (crate::connector::for_app(app).region)(tenant_url.trim())
}

fn provisioning(
    app: &manifest::App,
    p: &Provisioning,
    secret_token: Option<SecretString>,
) -> DesiredProvisioning {
    let credentials = p.credentials.as_ref().map(|c| DesiredCredentials {
        tenant_url: Some(c.tenant_url.trim().to_owned()),
        secret_token,
        region: tenant_region(app, &c.tenant_url),
    });
    let (threshold_enabled, threshold) = match p.accidental_deletions {
        Some(AccidentalDeletions::Disabled) => (Some(false), None),
        Some(AccidentalDeletions::Threshold(t)) => (Some(true), Some(t)),
        None => (None, None),
    };
    let settings = Settings {
        scope: p.scope.map(|s| match s {
            manifest::Scope::Assigned => Scope::Assigned,
            manifest::Scope::All => Scope::All,
        }),
        notification_email: p.notifications.as_ref().and_then(|n| n.email.clone()),
        on_failure: p.notifications.as_ref().and_then(|n| n.on_failure),
        deletion_threshold_enabled: threshold_enabled,
        deletion_threshold: threshold,
        skip_out_of_scope_deletions: p.skip_out_of_scope_deletions,
    };
    let mut mappings = BTreeMap::new();
    if let Some(declared) = &p.mappings {
        for (label, om) in declared.iter() {
            mappings.insert(label.to_owned(), mapping(label, om));
        }
    }
    DesiredProvisioning {
        enabled: p.enabled,
        credentials,
        settings,
        mappings,
    }
}

/// The normalised object mapping of a manifest entry (source/target objects default from
/// the label: `users` → User, `groups` → Group).
pub fn mapping(label: &str, om: &manifest::ObjectMapping) -> DesiredMapping {
    let flow_types: Option<BTreeSet<FlowType>> = om.actions.as_ref().map(|actions| {
        actions
            .iter()
            .map(|a| match a {
                manifest::Action::Create => FlowType::Add,
                manifest::Action::Update => FlowType::Update,
                manifest::Action::Delete => FlowType::Delete,
            })
            .collect()
    });
    let attributes = om.attributes.as_ref().map(|attrs| DesiredList {
        prune: om.prune,
        items: attrs
            .iter()
            .map(|(target, a)| (target.to_owned(), attribute(target, a)))
            .collect(),
    });
    let scoping_filters = om.scoping_filters.as_ref().map(|filters| DesiredList {
        prune: om.prune,
        items: filters
            .iter()
            .map(|f| (f.name.clone(), scoping_filter(f)))
            .collect(),
    });
    let (source_object, target_object) = om.objects(label);
    DesiredMapping {
        source_object,
        target_object,
        enabled: om.enabled,
        flow_types,
        attributes,
        scoping_filters,
        target_attributes: om.target_attributes.as_ref().map(definitions),
        source_attributes: om.source_attributes.as_ref().map(definitions),
    }
}

/// The normalised attribute definitions of a manifest attribute list.
fn definitions(list: &manifest::AttributeList) -> DesiredList<AttributeDef> {
    DesiredList {
        prune: list.prune,
        items: list
            .definitions
            .iter()
            .map(|(name, d)| (name.to_owned(), definition(name, d)))
            .collect(),
    }
}

/// The normalised attribute definition of a manifest entry.
pub fn definition(name: &str, d: &manifest::AttributeDefinition) -> AttributeDef {
    let mut referenced_objects = d.referenced_objects.clone();
    referenced_objects.sort();
    AttributeDef {
        name: name.to_owned(),
        kind: d.kind.graph_name().to_owned(),
        multivalued: d.multivalued,
        required: d.required,
        case_exact: d.case_exact,
        referenced_objects,
        api_expression: d.api_expression.clone(),
    }
}

/// The normalised attribute mapping of a manifest entry.
pub fn attribute(target: &str, a: &AttributeSource) -> AttributeMapping {
    let value = match &a.kind {
        SourceKind::Attribute(s) => MappingValue::Attribute(s.clone()),
        SourceKind::Constant(c) => MappingValue::constant(c),
        SourceKind::Expression(e) => MappingValue::from_expression(e),
    };
    let default = match value {
        MappingValue::Constant(_) => None,
        _ => a.default.clone(),
    };
    AttributeMapping {
        target: target.to_owned(),
        value,
        default,
        matching_priority: a.matching_priority.unwrap_or(0),
        apply: match a.apply {
            Apply::Always => ApplyMode::Always,
            Apply::OnCreate => ApplyMode::ObjectAddOnly,
        },
    }
}

/// The normalised scoping filter of a manifest entry (operators in Graph's names).
pub fn scoping_filter(f: &manifest::ScopingFilter) -> ScopingFilter {
    let clauses = f
        .clauses
        .iter()
        .map(|c| {
            let values: Vec<String> = c.value.iter().map(ToString::to_string).collect();
            FilterClause::new(&c.attribute, c.operator.graph_name(), &values)
        })
        .collect();
    ScopingFilter::new(f.name.clone(), clauses)
}

/// The JSON pointer of the manifest entry a change comes from, for located messages
/// (`LoadedManifest::location`). `None` for live objects the manifest does not declare
/// (pruned ones) and for anything else the manifest does not mention.
pub fn manifest_pointer(address: &Address, m: &Manifest) -> Option<String> {
    let prov = m.provisioning.as_ref();
    let mapping = |label: &str| {
        prov?.mappings.as_ref()?.get(label)?;
        Some(push_segment("/provisioning/mappings", label))
    };
    match address {
        Address::App => Some("/app".to_owned()),
        Address::Assignment { principal, role } => {
            let list = &m.assignments.as_ref()?.principals;
            let i = list.iter().position(|a| {
                &a.role == role
                    && principal_ref(&a.principal)
                        .to_string()
                        .eq_ignore_ascii_case(principal)
            })?;
            Some(format!("/assignments/principals/{i}"))
        }
        Address::Job | Address::Settings => prov.map(|_| "/provisioning".to_owned()),
        Address::Credentials => prov?
            .credentials
            .as_ref()
            .map(|_| "/provisioning/credentials".to_owned()),
        Address::State => prov?.enabled.map(|_| "/provisioning/enabled".to_owned()),
        Address::Mapping { label } => mapping(label),
        Address::Attribute { label, target } => {
            let om = prov?.mappings.as_ref()?.get(label)?;
            om.attributes.as_ref()?.get(target)?;
            Some(push_segment(
                &format!("{}/attributes", mapping(label)?),
                target,
            ))
        }
        Address::Definition { label, side, name } => {
            let om = prov?.mappings.as_ref()?.get(label)?;
            let list = match side {
                Side::Source => om.source_attributes.as_ref()?,
                Side::Target => om.target_attributes.as_ref()?,
            };
            list.definitions.get(name)?;
            let base = format!("{}/{}/definitions", mapping(label)?, side.manifest_key());
            Some(push_segment(&base, name))
        }
        Address::ScopingFilter { label, name } => {
            let om = prov?.mappings.as_ref()?.get(label)?;
            let i = om
                .scoping_filters
                .as_ref()?
                .iter()
                .position(|f| &f.name == name)?;
            Some(format!("{}/scopingFilters/{i}", mapping(label)?))
        }
    }
}
