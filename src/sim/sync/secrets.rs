//! Synchronization secrets: `PUT` replaces the whole set (`""` drops a key), `GET` masks
//! sensitive values as `*`. `SyncNotificationSettings` must be a JSON object string; its
//! members beyond the known four are kept.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::core::{Caller, HResult, Req, Resp, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::http::perms::Op;
use crate::sim::sync::jobs::sync_sp;

/// Keys of the `synchronizationSecret` enum.
pub const KEYS: &[&str] = &[
    "None",
    "UserName",
    "Password",
    "SecretToken",
    "AppKey",
    "BaseAddress",
    "ClientIdentifier",
    "ClientSecret",
    "SingleSignOnType",
    "Sandbox",
    "Url",
    "Domain",
    "ConsumerKey",
    "ConsumerSecret",
    "TokenKey",
    "TokenExpiration",
    "Oauth2AccessToken",
    "Oauth2AccessTokenCreationTime",
    "Oauth2RefreshToken",
    "SyncAll",
    "InstanceName",
    "Oauth2ClientId",
    "Oauth2ClientSecret",
    "CompanyId",
    "UpdateKeyOnSoftDelete",
    "SynchronizationSchedule",
    "SystemOfRecord",
    "SandboxName",
    "EnforceDomain",
    "SyncNotificationSettings",
    "SkipOutOfScopeDeletions",
    "Oauth2AuthorizationCode",
    "Oauth2RedirectUri",
    "ApplicationTemplateIdentifier",
    "Oauth2TokenExchangeUri",
    "Oauth2AuthorizationUri",
    "AuthenticationType",
    "Server",
    "PerformInboundEntitlementGrants",
    "HardDeletesEnabled",
    "SyncAgentCompatibilityKey",
    "SyncAgentADContainer",
    "ValidateDomain",
    "TestReferences",
    "ConnectionString",
];

/// Whether Graph masks a secret key's value as `*` on GET.
pub fn is_sensitive(key: &str) -> bool {
    matches!(
        key,
        "Password"
            | "SecretToken"
            | "AppKey"
            | "ClientSecret"
            | "ConsumerSecret"
            | "TokenKey"
            | "Oauth2AccessToken"
            | "Oauth2RefreshToken"
            | "Oauth2ClientSecret"
            | "Oauth2AuthorizationCode"
            | "ConnectionString"
    )
}

/// Secrets as Graph returns them (sensitive values masked).
pub fn masked(secrets: &[(String, String)]) -> Vec<Value> {
    secrets
        .iter()
        .map(|(k, v)| json!({"key": k, "value": if is_sensitive(k) { "*" } else { v.as_str() }}))
        .collect()
}

/// `GET …/synchronization/secrets`.
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncRead)?;
    let sp = &t.sps[i];
    Ok(Resp::ok(json!({
        "@odata.context": req.context(&format!("servicePrincipals('{}')/synchronization/secrets", sp.id())),
        "value": masked(&sp.secrets),
    })))
}

fn invalid(code: &str, msg: &str) -> GraphError {
    GraphError::sync(400, code, Some(msg))
}

fn check_notification(v: &str) -> Result<(), GraphError> {
    let bad = || GraphError::sync(400, "InvalidNotificationSettings", None);
    let parsed: Value = serde_json::from_str(v).map_err(|_| bad())?;
    let m = parsed.as_object().ok_or_else(bad)?;
    let flag = |x: &Value| {
        x.is_boolean()
            || x.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"))
    };
    for (k, x) in m {
        // Members beyond these (e.g. `HumanResourcesLookaheadQueryEnabled`, in Microsoft's
        // cross-tenant synchronization examples) are kept as sent.
        let ok = match k.as_str() {
            "Enabled" | "DeleteThresholdEnabled" | "HealthAlertEmailEnabled" => flag(x),
            "Recipients" => x.is_string() || x.is_null(),
            "DeleteThresholdValue" => {
                x.as_u64().is_some() || x.as_str().is_some_and(|s| s.trim().parse::<u64>().is_ok())
            }
            _ => true,
        };
        if !ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// Validates one key/value pair.
fn check_pair(k: &str, v: &str) -> Result<(), GraphError> {
    if !KEYS.contains(&k) {
        return Err(invalid(
            "InvalidSecretKey",
            &format!("'{k}' is not a valid synchronization secret key."),
        ));
    }
    match k {
        "SyncNotificationSettings" => check_notification(v),
        "SyncAll" | "SkipOutOfScopeDeletions" | "HardDeletesEnabled" if !v.is_empty() => {
            // `True`/`False` (the skip-out-of-scope-deletions page's JSON) or `0`/`1` (its
            // prose).
            if v.eq_ignore_ascii_case("true")
                || v.eq_ignore_ascii_case("false")
                || v == "0"
                || v == "1"
            {
                Ok(())
            } else {
                Err(invalid(
                    "InvalidSecretValue",
                    &format!("The value of '{k}' must be True or False."),
                ))
            }
        }
        _ => Ok(()),
    }
}

/// `PUT …/synchronization/secrets` `{value:[{key,value}]}` → 204; replaces every key.
pub fn put(sim: &Arc<Sim>, caller: &Caller, req: &Req, key: &str) -> HResult {
    let body = req.json()?;
    let Some(items) = body.get("value").and_then(Value::as_array) else {
        return Err(GraphError::bad_request(
            "The request body must contain a 'value' array of key/value pairs.",
        ));
    };
    let mut next: Vec<(String, String)> = Vec::new();
    for item in items {
        let (Some(k), Some(v)) = (item["key"].as_str(), item["value"].as_str()) else {
            return Err(GraphError::bad_request(
                "Each secret must have a string 'key' and a string 'value'.",
            ));
        };
        check_pair(k, v)?;
        next.retain(|(x, _)| x != k);
        if !v.is_empty() {
            next.push((k.to_owned(), v.to_owned()));
        }
    }
    let mut t = sim.lock();
    let i = sync_sp(&mut t, key, caller, Op::SyncWrite)?;
    t.sps[i].secrets = next;
    Ok(Resp::no_content())
}
