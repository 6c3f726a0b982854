//! The generic SCIM connector: any SCIM 2.0 gallery app or the non-gallery SCIM app. It adds
//! no lints beyond the generic ones.

use super::Connector;
use super::starter::{ACTIVE, Attribute, GROUPS, Mapping, Starter, attr};
use crate::manifest::lint::LintCx;
use crate::manifest::types::{ConnectorName, Manifest};

/// Application template id of the non-gallery ("custom") app.
pub const NON_GALLERY_TEMPLATE_ID: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/// The table entry.
pub const CONNECTOR: Connector = Connector {
    name: ConnectorName::Scim,
    id: "scim",
    title: "generic SCIM 2.0",
    gallery_names: &[],
    template_ids: &[NON_GALLERY_TEMPLATE_ID],
    lint,
    sync_template: super::default_sync_template,
    delete_means: "deprovisions the user in the app (usually `active: false` or a DELETE, \
                   depending on the app)",
    region: |_| None,
    advice: &crate::scim::GenericAdvice,
    starter: &STARTER,
    known_targets: None,
};

fn lint(_m: &Manifest, _cx: &mut LintCx<'_>) {}

/// The non-gallery SCIM app (any SCIM 2.0 endpoint).
pub static STARTER: Starter = Starter {
    product: "a SCIM 2.0 app (non-gallery SCIM enterprise app)",
    default_name: "scim-app",
    display_name: |name| name.to_owned(),
    app_lines: &[
        "templateId: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621   # the non-gallery SCIM app",
        "# gallery: <display name>   # or a gallery app with a SCIM connector instead",
        "connector: scim",
    ],
    example_group: None,
    suggested_role: "User",
    role_note: "app role by value or display name",
    example_tenant_url: "https://scim.example.com/scim/v2",
    tenant_url_hint: "the app's SCIM base URL, the part before /Users",
    token_env: "SCIM_TOKEN",
    mappings: &[
        Mapping {
            label: "users",
            notes: &[],
            actions: "create, update, delete",
            actions_note: None,
            attributes: &[
                Attribute {
                    matching_priority: Some(1),
                    ..attr("userName", "userPrincipalName")
                },
                ACTIVE,
                attr("displayName", "displayName"),
                attr(r#"emails[type eq "work"].value"#, "mail"),
                attr("name.givenName", "givenName"),
                attr("name.familyName", "surname"),
                attr("title", "jobTitle"),
                attr("externalId", "objectId"),
            ],
        },
        GROUPS,
    ],
};
