//! [`ObserveError`]: why observing the tenant for a manifest failed.
//!
//! Problems that belong to a line of the manifest (an unknown group, a role the app does not
//! have, a missing secret variable, …) are located [`Diagnostic`]s, all of a file at once.
//! Graph failures keep their own diagnostic (status, code, inner error, request-id, the
//! missing permission for 401/403).

use crate::graph::{GraphError, SetupError};
use crate::manifest::Diagnostic;
use crate::plan::graph_json::ShapeError;

/// Diagnostic codes of this stage (`E03xx`). See `docs/diagnostics.md`.
pub mod codes {
    /// The environment variable of a `fromEnv` secret is not set or empty.
    pub const SECRET_ENV: &str = "E0301";
    /// The file of a `fromFile` secret cannot be read or is empty.
    pub const SECRET_FILE: &str = "E0302";
    /// No user has this user principal name (or object id).
    pub const UNKNOWN_USER: &str = "E0303";
    /// No group has this display name (or object id).
    pub const UNKNOWN_GROUP: &str = "E0304";
    /// Several groups have this display name.
    pub const AMBIGUOUS_GROUP: &str = "E0305";
    /// The app has no role of this value or display name.
    pub const UNKNOWN_ROLE: &str = "E0306";
    /// The provisioning job does not support a scoping-filter operator.
    pub const UNSUPPORTED_OPERATOR: &str = "E0307";
    /// The provisioning job does not support a function of an expression.
    pub const UNSUPPORTED_FUNCTION: &str = "E0308";
    /// The access token is for another tenant than `tenantId`.
    pub const TENANT_MISMATCH: &str = "E0309";
    /// The gallery entry (application template) does not exist.
    pub const UNKNOWN_TEMPLATE: &str = "E0310";
    /// Several service principals carry the `entraprov:<name>` tag.
    pub const AMBIGUOUS_APP: &str = "E0311";
    /// No service principal has the `appId` of the manifest.
    pub const UNKNOWN_APP_ID: &str = "E0312";
}

/// Observing the live tenant failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ObserveError {
    /// The manifest does not match the tenant: every located problem of the file.
    #[error("{file}: {} problem(s) found against the live tenant", diagnostics.len())]
    #[diagnostic(
        code(E0300),
        help("fix the manifest (or the tenant) and run plan again; nothing was changed")
    )]
    Manifest {
        /// Display name of the manifest file.
        file: String,
        /// The problems, in source order.
        #[related]
        diagnostics: Vec<Diagnostic>,
    },
    /// The token is for another tenant than the manifest's `tenantId`. Nothing was read
    /// beyond the token, nothing was written.
    #[error("{file}: the access token is for another tenant than tenantId")]
    #[diagnostic(code(E0309))]
    TenantMismatch {
        /// Display name of the manifest file.
        file: String,
        /// The located diagnostic (one), naming both tenants.
        #[related]
        diagnostics: Vec<Diagnostic>,
    },
    /// The Graph client could not be set up (endpoints, credential chain).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Setup(#[from] SetupError),
    /// A Graph call failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Graph(#[from] GraphError),
    /// Several provisioning jobs of the app are made from the connector's template.
    #[error(transparent)]
    #[diagnostic(transparent)]
    AmbiguousJob(#[from] crate::connector::AmbiguousJob),
    /// Graph returned a payload of an unexpected shape.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Shape(#[from] ShapeError),
}

impl ObserveError {
    /// The located manifest diagnostics, if this is a manifest problem.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ObserveError::Manifest { diagnostics, .. }
            | ObserveError::TenantMismatch { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}
