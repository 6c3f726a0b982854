//! The generic SCIM connector: any SCIM 2.0 gallery app or the non-gallery SCIM app. It adds
//! no lints beyond the generic ones.

use super::Connector;
use crate::manifest::lint::LintCx;
use crate::manifest::types::{ConnectorName, Manifest};

/// Application template id of the non-gallery ("custom") app.
pub const NON_GALLERY_TEMPLATE_ID: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/// The table entry.
pub const CONNECTOR: Connector = Connector {
    name: ConnectorName::Scim,
    title: "generic SCIM 2.0",
    gallery_names: &[],
    lint,
};

fn lint(_m: &Manifest, _cx: &mut LintCx<'_>) {}
