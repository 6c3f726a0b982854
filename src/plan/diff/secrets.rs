//! `credentials`, `settings` and `state`.

use crate::plan::change::{Action, Address, Change, FieldChange, Sensitive, Target, Value};
use crate::plan::fingerprint::token_fingerprint;
use crate::plan::model::{RunState, Scope, Settings, TokenState};
use crate::plan::state::{DesiredProvisioning, ObservedState};

/// Tenant URL and the secret token (compared by fingerprint only).
pub(super) fn diff_credentials(
    prov: &DesiredProvisioning,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
) {
    let Some(want) = &prov.credentials else {
        return;
    };
    let live = &observed.credentials;
    let mut fields = Vec::new();
    if let Some(url) = &want.tenant_url
        && live.tenant_url.as_deref() != Some(url.as_str())
    {
        fields.push(FieldChange::new(
            "tenantUrl",
            Value::opt_text(live.tenant_url.as_deref()),
            Value::Text(url.clone()),
        ));
    }
    let sp = observed.app.as_ref().map(|a| &a.service_principal_id);
    let fingerprint = match (&want.secret_token, sp) {
        (Some(token), Some(sp)) => Some(token_fingerprint(sp, token)),
        _ => None,
    };
    let mut set_token = false;
    if want.secret_token.is_some() {
        let before = match &live.token {
            TokenState::Known { fingerprint } => Value::Sensitive(Sensitive::Fingerprint {
                fingerprint: fingerprint.clone(),
            }),
            TokenState::Unknown => Value::Sensitive(Sensitive::Unknown),
            TokenState::Absent => Value::Unset,
        };
        let after = Value::Sensitive(match &fingerprint {
            Some(fp) => Sensitive::Fingerprint {
                fingerprint: fp.clone(),
            },
            None => Sensitive::WillBeSet,
        });
        if before != after {
            set_token = true;
            fields.push(FieldChange::new("secretToken", before, after));
        }
    }
    if fields.is_empty() {
        return;
    }
    let fresh =
        observed.job.is_none() || (live.tenant_url.is_none() && live.token == TokenState::Absent);
    changes.push(Change {
        address: Address::Credentials,
        action: if fresh {
            Action::Create
        } else {
            Action::Update
        },
        fields,
        note: None,
        warnings: Vec::new(),
        target: Target::Credentials {
            tenant_url: want.tenant_url.clone(),
            set_token,
            token_fingerprint: fingerprint,
            region: want.region.clone(),
        },
    });
}

/// Scope, notifications, accidental deletions, skip-out-of-scope: declared fields only.
pub(super) fn diff_settings(
    prov: &DesiredProvisioning,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
) {
    let want = &prov.settings;
    let live = &observed.settings;
    let mut fields = Vec::new();
    let mut warnings = Vec::new();
    let text = |s: Option<Scope>| s.map_or(Value::Unset, |s| Value::Text(s.to_string()));
    if want.scope.is_some() && want.scope != live.scope {
        fields.push(FieldChange::new(
            "scope",
            text(live.scope),
            text(want.scope),
        ));
        if live.scope == Some(Scope::All) && want.scope == Some(Scope::Assigned) {
            warnings.push(
                "narrows the scope from all users and groups to assigned ones: users who are \
                 not assigned are deprovisioned, and provisioning restarts"
                    .to_owned(),
            );
        }
    }
    push_text(
        &mut fields,
        "notifications.email",
        live.notification_email.as_deref(),
        want.notification_email.as_deref(),
    );
    push_bool(
        &mut fields,
        "notifications.onFailure",
        live.on_failure,
        want.on_failure,
    );
    push_bool(
        &mut fields,
        "accidentalDeletions.enabled",
        live.deletion_threshold_enabled,
        want.deletion_threshold_enabled,
    );
    if want.deletion_threshold_enabled == Some(false)
        && live.deletion_threshold_enabled != Some(false)
    {
        warnings.push("turns off accidental-deletion prevention".to_owned());
    }
    if want.deletion_threshold.is_some() && want.deletion_threshold != live.deletion_threshold {
        let num = |v: Option<u32>| v.map_or(Value::Unset, |n| Value::Number(u64::from(n)));
        fields.push(FieldChange::new(
            "accidentalDeletions.threshold",
            num(live.deletion_threshold),
            num(want.deletion_threshold),
        ));
    }
    push_bool(
        &mut fields,
        "skipOutOfScopeDeletions",
        live.skip_out_of_scope_deletions,
        want.skip_out_of_scope_deletions,
    );
    if want.skip_out_of_scope_deletions == Some(false)
        && live.skip_out_of_scope_deletions == Some(true)
    {
        warnings.push("users who leave the scope will be deprovisioned again".to_owned());
    }
    if fields.is_empty() {
        return;
    }
    changes.push(Change {
        address: Address::Settings,
        action: if observed.job.is_none() {
            Action::Create
        } else {
            Action::Update
        },
        fields,
        note: None,
        warnings,
        target: Target::Settings {
            desired: declared_only(want),
        },
    });
}

fn declared_only(want: &Settings) -> Settings {
    want.clone()
}

fn push_text(fields: &mut Vec<FieldChange>, name: &str, live: Option<&str>, want: Option<&str>) {
    if let Some(w) = want
        && live.map(str::trim) != Some(w.trim())
    {
        fields.push(FieldChange::new(
            name,
            Value::opt_text(live),
            Value::Text(w.to_owned()),
        ));
    }
}

fn push_bool(fields: &mut Vec<FieldChange>, name: &str, live: Option<bool>, want: Option<bool>) {
    if want.is_some() && want != live {
        fields.push(FieldChange::new(
            name,
            Value::opt_bool(live),
            Value::opt_bool(want),
        ));
    }
}

/// On/off, and the restart a scope change from all to assigned needs.
pub(super) fn diff_state(
    prov: &DesiredProvisioning,
    observed: &ObservedState,
    changes: &mut Vec<Change>,
) {
    let current = observed.job.as_ref().map_or(RunState::Off, |j| j.state);
    let desired = match prov.enabled {
        Some(true) => RunState::On,
        Some(false) => RunState::Off,
        None => current,
    };
    let narrowed =
        observed.settings.scope == Some(Scope::All) && prov.settings.scope == Some(Scope::Assigned);
    let restart = narrowed && desired == RunState::On && observed.job.is_some();
    let start = desired == RunState::On && current == RunState::Off;
    let pause = desired == RunState::Off && current == RunState::On;
    let note = if start {
        "start provisioning; first cycle re-evaluates everyone in scope"
    } else if pause {
        "pause provisioning; a running cycle finishes first"
    } else if restart {
        "restart provisioning: full re-evaluation after the scope change"
    } else {
        return;
    };
    changes.push(Change {
        address: Address::State,
        action: Action::Update,
        fields: vec![FieldChange::new(
            "enabled",
            Value::Text(current.to_string()),
            Value::Text(desired.to_string()),
        )],
        note: Some(note.to_owned()),
        warnings: Vec::new(),
        target: Target::State {
            desired,
            start,
            pause,
            restart,
        },
    });
}
