//! `app` and `job`.

use crate::ids::ApplicationTemplateId;
use crate::plan::change::{Action, Address, Change, FieldChange, Target, Value};
use crate::plan::fingerprint::name_tag;
use crate::plan::state::{DesiredState, ObservedApp, ObservedState, TemplateRef};

/// The app: create from the gallery when absent; rename; add the identity tag when adopted.
pub(super) fn diff_app(
    desired: &DesiredState,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
    warnings: &mut Vec<String>,
) {
    let template_id = observed.template.as_ref().map(|t| t.id.clone());
    let template_text = match &desired.app.template {
        TemplateRef::Gallery(name) => name.clone(),
        TemplateRef::Id(id) => id.to_string(),
    };
    let Some(app) = &observed.app else {
        warn_untagged(desired, observed, warnings);
        changes.push(create_app(desired, template_id, template_text));
        return;
    };
    if let (Some(live), Some(wanted)) = (&app.template_id, &template_id)
        && live != wanted
    {
        warnings.push(format!(
            "the app was created from template {live}, the manifest names {template_text} \
             ({wanted}); an existing app's template cannot change"
        ));
    }
    changes.extend(update_app(desired, app, template_id));
}

/// Warns about each untagged look-alike that a create would duplicate.
fn warn_untagged(desired: &DesiredState, observed: &ObservedState, warnings: &mut Vec<String>) {
    for c in &observed.untagged_candidates {
        warnings.push(format!(
            "an app \"{}\" (appId {}) from the same template exists without the tag \
             {}; apply adopts it only while it is blank (no assignments, no job: left by an \
             interrupted apply), otherwise it creates a second one — set app.appId to adopt it",
            c.display_name,
            c.app_id,
            name_tag(&desired.name)
        ));
    }
}

/// The change that creates the app from its template.
fn create_app(
    desired: &DesiredState,
    template_id: Option<ApplicationTemplateId>,
    template_text: String,
) -> Change {
    let want = &desired.app;
    let note = match &want.template {
        TemplateRef::Gallery(name) => format!("from gallery \"{name}\""),
        TemplateRef::Id(id) => format!("from template {id}"),
    };
    Change {
        address: Address::App,
        action: Action::Create,
        fields: vec![
            FieldChange::new(
                "displayName",
                Value::Unset,
                Value::Text(want.display_name.clone()),
            ),
            FieldChange::new("template", Value::Unset, Value::Text(template_text)),
        ],
        note: Some(note),
        warnings: Vec::new(),
        target: Target::App {
            display_name: want.display_name.clone(),
            template: want.template.clone(),
            template_id,
            service_principal_id: None,
            add_tags: vec![name_tag(&desired.name)],
        },
    }
}

/// The change that renames the existing app and/or adds its identity tag, if any.
fn update_app(
    desired: &DesiredState,
    app: &ObservedApp,
    template_id: Option<ApplicationTemplateId>,
) -> Option<Change> {
    let want = &desired.app;
    let mut fields = Vec::new();
    if app.display_name != want.display_name {
        fields.push(FieldChange::new(
            "displayName",
            Value::Text(app.display_name.clone()),
            Value::Text(want.display_name.clone()),
        ));
    }
    let tag = name_tag(&desired.name);
    let mut add_tags = Vec::new();
    if !app.tags.contains(&tag) {
        fields.push(FieldChange::new(
            "identityTag",
            Value::Unset,
            Value::Text(tag.clone()),
        ));
        add_tags.push(tag);
    }
    if fields.is_empty() {
        return None;
    }
    let note = (!add_tags.is_empty()).then(|| format!("adopt app {}", app.app_id));
    Some(Change {
        address: Address::App,
        action: Action::Update,
        fields,
        note,
        warnings: Vec::new(),
        target: Target::App {
            display_name: want.display_name.clone(),
            template: want.template.clone(),
            template_id,
            service_principal_id: Some(app.service_principal_id.clone()),
            add_tags,
        },
    })
}

/// The job: created when absent (from the template marked `default: true`). Never deleted.
pub(super) fn diff_job(observed: &ObservedState, changes: &mut Vec<Change>) {
    if observed.job.is_some() {
        return;
    }
    changes.push(Change {
        address: Address::Job,
        action: Action::Create,
        fields: Vec::new(),
        note: Some("provisioning job from the app's default synchronization template".into()),
        warnings: Vec::new(),
        target: Target::Job { template_id: None },
    });
}
