//! Per-app knowledge: which gallery names a connector answers to and the lints it adds.
//!
//! One table, [`CONNECTORS`]; one file per connector. The generic SCIM connector is the
//! fallback for any app entraprov has no specific knowledge of.

pub mod keeper;
pub mod scim;

use crate::manifest::lint::LintCx;
use crate::manifest::types::{App, ConnectorName, Manifest};

/// What entraprov knows about one kind of app.
pub struct Connector {
    /// The name used in `app.connector`.
    pub name: ConnectorName,
    /// Human name.
    pub title: &'static str,
    /// Gallery (application template) display names that select this connector
    /// (compared case-insensitively).
    pub gallery_names: &'static [&'static str],
    /// The connector's lints, run after the generic ones.
    pub lint: fn(&Manifest, &mut LintCx<'_>),
}

/// Every connector; the last one is the fallback.
pub static CONNECTORS: [Connector; 2] = [keeper::CONNECTOR, scim::CONNECTOR];

/// The connector with this name.
pub fn by_name(name: ConnectorName) -> &'static Connector {
    CONNECTORS
        .iter()
        .find(|c| c.name == name)
        .unwrap_or(&CONNECTORS[CONNECTORS.len() - 1])
}

/// The connector of an app: `app.connector` when given, else the one whose gallery names
/// include `app.gallery`, else generic SCIM.
pub fn for_app(app: &App) -> &'static Connector {
    if let Some(name) = app.connector {
        return by_name(name);
    }
    app.gallery
        .as_deref()
        .and_then(by_gallery_name)
        .unwrap_or_else(|| by_name(ConnectorName::Scim))
}

/// The connector whose gallery names include `gallery` (case-insensitive).
pub fn by_gallery_name(gallery: &str) -> Option<&'static Connector> {
    let g = gallery.trim();
    CONNECTORS
        .iter()
        .find(|c| c.gallery_names.iter().any(|n| n.eq_ignore_ascii_case(g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(gallery: Option<&str>, connector: Option<ConnectorName>) -> App {
        App {
            display_name: "x".into(),
            gallery: gallery.map(String::from),
            template_id: None,
            app_id: None,
            connector,
        }
    }

    #[test]
    fn connector_is_explicit_or_inferred_from_the_gallery_name() {
        let k = app(Some("keeper password manager & digital vault"), None);
        assert_eq!(for_app(&k).name, ConnectorName::Keeper);
        assert_eq!(
            for_app(&app(Some("Keeper Password Manager"), None)).name,
            ConnectorName::Keeper
        );
        assert_eq!(for_app(&app(Some("Slack"), None)).name, ConnectorName::Scim);
        assert_eq!(
            for_app(&app(None, Some(ConnectorName::Keeper))).name,
            ConnectorName::Keeper
        );
        assert_eq!(
            for_app(&app(
                Some("Keeper Password Manager"),
                Some(ConnectorName::Scim)
            ))
            .name,
            ConnectorName::Scim
        );
    }
}
