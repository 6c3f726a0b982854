//! Typed identifiers. Graph ids are strings on the wire; in our code each kind of id
//! has its own type so that a group id can never be passed where an app role id is
//! expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw id as received from Graph or the manifest.
            pub fn new(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }

            /// The raw id, for building URLs and payloads.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self(raw.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                Self(raw)
            }
        }
    };
}

typed_id!(
    /// Directory (tenant) id.
    TenantId
);
typed_id!(
    /// Object id of an `applicationTemplate` (gallery entry).
    ApplicationTemplateId
);
typed_id!(
    /// Object id of an `application` object.
    ApplicationObjectId
);
typed_id!(
    /// The application (client) id, `appId`, shared by an application and its service principal.
    AppId
);
typed_id!(
    /// Object id of a `servicePrincipal`.
    ServicePrincipalId
);
typed_id!(
    /// Id of an app role defined on a service principal.
    AppRoleId
);
typed_id!(
    /// Object id of a user.
    UserId
);
typed_id!(
    /// Object id of a group.
    GroupId
);
typed_id!(
    /// Object id of a user or group (the `principalId` of an assignment).
    PrincipalId
);
typed_id!(
    /// Id of an `appRoleAssignment`.
    AssignmentId
);
typed_id!(
    /// Id of a `synchronizationJob`, e.g. `keeperProvisioning.0f1d...`.
    JobId
);
typed_id!(
    /// Id of a `synchronizationTemplate` (`templateId` of a job).
    SyncTemplateId
);
typed_id!(
    /// Id of an object mapping inside a synchronization schema.
    ObjectMappingId
);
