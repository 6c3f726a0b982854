//! Pure conversions for the synchronization secrets (reference/graph-api.md §4.5–§4.7):
//! reading credentials and settings from `GET …/synchronization/secrets`, and the
//! `SyncNotificationSettings` JSON-in-a-string.

use serde_json::{Map, Value};

use super::graph_json::ShapeError;
use super::model::{Scope, Settings};
use crate::graph::wire::lenient::{flag, flag_text};

/// Secret key of the tenant URL.
pub const BASE_ADDRESS: &str = "BaseAddress";
/// Secret key of the SCIM token.
pub const SECRET_TOKEN: &str = "SecretToken";
/// Secret key of the scope (`"true"` = all).
pub const SYNC_ALL: &str = "SyncAll";
/// Secret key of the notification settings (a JSON object serialised as a string).
pub const SYNC_NOTIFICATION_SETTINGS: &str = "SyncNotificationSettings";
/// Secret key of skip-out-of-scope-deletions (`"True"`/`"False"`).
pub const SKIP_OUT_OF_SCOPE_DELETIONS: &str = "SkipOutOfScopeDeletions";
/// The masked value Graph returns for sensitive secrets.
pub const MASKED: &str = "*";

/// The parsed `SyncNotificationSettings` value. Unknown members are kept in `other` so a
/// write can send them back unchanged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotificationSettings {
    /// `Enabled`: email on failure.
    pub enabled: Option<bool>,
    /// `Recipients`: notification email.
    pub recipients: Option<String>,
    /// `DeleteThresholdEnabled`.
    pub delete_threshold_enabled: Option<bool>,
    /// `DeleteThresholdValue`.
    pub delete_threshold_value: Option<u32>,
    /// Other members, verbatim.
    pub other: Map<String, Value>,
}

fn as_bool(v: &Value) -> Option<bool> {
    flag(v)
}

fn as_u32(v: &Value) -> Option<u32> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .and_then(|n| u32::try_from(n).ok())
}

impl NotificationSettings {
    /// Parses the string value of `SyncNotificationSettings`. An empty string is "nothing
    /// set"; booleans and numbers may also come as strings.
    pub fn parse(raw: &str) -> Result<Self, ShapeError> {
        if raw.trim().is_empty() {
            return Ok(Self::default());
        }
        let err = |message: String| ShapeError {
            path: SYNC_NOTIFICATION_SETTINGS.to_owned(),
            message,
        };
        let value: Value = serde_json::from_str(raw).map_err(|e| err(format!("not JSON: {e}")))?;
        let Value::Object(mut map) = value else {
            return Err(err("not a JSON object".to_owned()));
        };
        let mut take = |k: &str| map.remove(k);
        Ok(Self {
            enabled: take("Enabled").as_ref().and_then(as_bool),
            recipients: take("Recipients").and_then(|v| v.as_str().map(str::to_owned)),
            delete_threshold_enabled: take("DeleteThresholdEnabled").as_ref().and_then(as_bool),
            delete_threshold_value: take("DeleteThresholdValue").as_ref().and_then(as_u32),
            other: map,
        })
    }

    /// Canonical JSON text: known members in a fixed order, then the others.
    pub fn to_json_string(&self) -> String {
        let mut map = Map::new();
        if let Some(v) = self.enabled {
            map.insert("Enabled".into(), Value::Bool(v));
        }
        if let Some(v) = &self.recipients {
            map.insert("Recipients".into(), Value::String(v.clone()));
        }
        if let Some(v) = self.delete_threshold_enabled {
            map.insert("DeleteThresholdEnabled".into(), Value::Bool(v));
        }
        if let Some(v) = self.delete_threshold_value {
            map.insert("DeleteThresholdValue".into(), Value::from(v));
        }
        for (k, v) in &self.other {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map).to_string()
    }

    /// Applies the declared settings (the `Some` fields) over these.
    pub fn merge(&mut self, desired: &Settings) {
        if let Some(v) = desired.on_failure {
            self.enabled = Some(v);
        }
        if let Some(v) = &desired.notification_email {
            self.recipients = Some(v.clone());
        }
        if let Some(v) = desired.deletion_threshold_enabled {
            self.delete_threshold_enabled = Some(v);
        }
        if let Some(v) = desired.deletion_threshold {
            self.delete_threshold_value = Some(v);
        }
    }
}

/// Credentials and settings as read from the secrets list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecretsView {
    /// `BaseAddress`, if set and non-empty.
    pub tenant_url: Option<String>,
    /// Whether `SecretToken` is stored (masked or not, non-empty).
    pub token_present: bool,
    /// Settings from `SyncAll`, `SyncNotificationSettings`, `SkipOutOfScopeDeletions`.
    pub settings: Settings,
    /// The parsed notification settings (for a merge on write).
    pub notifications: NotificationSettings,
}

/// Reads the `value` list of `GET …/synchronization/secrets` (key/value pairs). A value
/// of the token is never kept; only whether one is stored.
pub fn read_secrets<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<SecretsView, ShapeError> {
    let mut view = SecretsView::default();
    for (key, value) in pairs {
        let present = !value.is_empty();
        match key {
            BASE_ADDRESS if present => view.tenant_url = Some(value.trim().to_owned()),
            SECRET_TOKEN => view.token_present = present,
            SYNC_ALL if present => view.settings.scope = Scope::from_sync_all(value),
            SKIP_OUT_OF_SCOPE_DELETIONS if present => {
                // `True`/`False` in the page's JSON, `0`/`1` in its prose.
                view.settings.skip_out_of_scope_deletions = flag_text(value);
            }
            SYNC_NOTIFICATION_SETTINGS => {
                let n = NotificationSettings::parse(value)?;
                view.settings.notification_email = n.recipients.clone();
                view.settings.on_failure = n.enabled;
                view.settings.deletion_threshold_enabled = n.delete_threshold_enabled;
                view.settings.deletion_threshold = n.delete_threshold_value;
                view.notifications = n;
            }
            _ => {}
        }
    }
    Ok(view)
}

/// The string values to write for the declared settings (secret keys → values), the
/// notification settings merged over the live ones. Keys the manifest does not declare are
/// absent; the caller keeps the live values for those (never a masked `*`).
pub fn settings_to_secrets(
    desired: &Settings,
    live_notifications: &NotificationSettings,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(scope) = desired.scope {
        out.push((SYNC_ALL, scope.to_sync_all().to_owned()));
    }
    let touches_notifications = desired.notification_email.is_some()
        || desired.on_failure.is_some()
        || desired.deletion_threshold_enabled.is_some()
        || desired.deletion_threshold.is_some();
    if touches_notifications {
        let mut n = live_notifications.clone();
        n.merge(desired);
        out.push((SYNC_NOTIFICATION_SETTINGS, n.to_json_string()));
    }
    if let Some(skip) = desired.skip_out_of_scope_deletions {
        let v = if skip { "True" } else { "False" };
        out.push((SKIP_OUT_OF_SCOPE_DELETIONS, v.to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_settings_parse_and_keep_unknown_members() {
        let raw = r#"{"Enabled":true,"Recipients":"ops@contoso.com","DeleteThresholdEnabled":"True","DeleteThresholdValue":"500","HealthAlerts":1}"#;
        let n = NotificationSettings::parse(raw).unwrap();
        assert_eq!(n.enabled, Some(true));
        assert_eq!(n.recipients.as_deref(), Some("ops@contoso.com"));
        assert_eq!(n.delete_threshold_enabled, Some(true));
        assert_eq!(n.delete_threshold_value, Some(500));
        assert_eq!(
            n.to_json_string(),
            r#"{"Enabled":true,"Recipients":"ops@contoso.com","DeleteThresholdEnabled":true,"DeleteThresholdValue":500,"HealthAlerts":1}"#
        );
    }

    #[test]
    fn notification_settings_empty_and_invalid() {
        assert_eq!(
            NotificationSettings::parse("").unwrap(),
            NotificationSettings::default()
        );
        assert!(NotificationSettings::parse("{oops").is_err());
        assert!(NotificationSettings::parse("[1]").is_err());
    }

    #[test]
    fn secrets_view_reads_keys_and_never_keeps_token() {
        let pairs = [
            ("BaseAddress", "https://k/api/rest/scim/v2/1"),
            ("SecretToken", "*"),
            ("SyncAll", "TRUE"),
            ("SkipOutOfScopeDeletions", "False"),
            (
                "SyncNotificationSettings",
                r#"{"Enabled":false,"Recipients":"a@b"}"#,
            ),
        ];
        let v = read_secrets(pairs).unwrap();
        assert!(v.token_present);
        assert_eq!(
            v.tenant_url.as_deref(),
            Some("https://k/api/rest/scim/v2/1")
        );
        assert_eq!(v.settings.scope, Some(Scope::All));
        assert_eq!(v.settings.skip_out_of_scope_deletions, Some(false));
        assert_eq!(v.settings.on_failure, Some(false));
        assert_eq!(v.settings.notification_email.as_deref(), Some("a@b"));
    }

    /// #14: `SkipOutOfScopeDeletions` as `True`/`False` (the page's JSON), `0`/`1` (its
    /// prose) and lower case.
    #[test]
    fn skip_out_of_scope_deletions_spellings() {
        for (raw, want) in [
            ("True", true),
            ("False", false),
            ("true", true),
            ("0", false),
            ("1", true),
        ] {
            let v = read_secrets([("SkipOutOfScopeDeletions", raw)]).unwrap();
            assert_eq!(v.settings.skip_out_of_scope_deletions, Some(want), "{raw}");
        }
    }

    #[test]
    fn settings_to_secrets_merges_notifications() {
        let live = NotificationSettings::parse(r#"{"Enabled":true,"Recipients":"old@x","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}"#).unwrap();
        let desired = Settings {
            notification_email: Some("new@x".into()),
            scope: Some(Scope::Assigned),
            ..Settings::default()
        };
        let out = settings_to_secrets(&desired, &live);
        assert_eq!(out[0], ("SyncAll", "false".to_owned()));
        assert_eq!(
            out[1].1,
            r#"{"Enabled":true,"Recipients":"new@x","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}"#
        );
        assert_eq!(out.len(), 2);
    }
}
