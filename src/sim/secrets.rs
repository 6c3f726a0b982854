//! Synchronization secrets.
#![allow(missing_docs, unused_variables)]
use std::sync::Arc;

use crate::sim::core::{Caller, HResult, Req, Sim};
use crate::sim::error::GraphError;

fn todo() -> HResult {
    Err(GraphError::new(501, "NotImplemented", "not simulated yet"))
}
pub fn get(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}
pub fn put(sim: &Arc<Sim>, caller: &Caller, req: &Req, sp: &str) -> HResult {
    todo()
}

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
