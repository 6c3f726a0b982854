//! Finding the app to import (`--app <displayName|appId|objectId>`), its gallery entry, and
//! the manifest name.

use crate::graph::wire::{ApplicationTemplate, ServicePrincipal};
use crate::graph::{Client, GraphError};
use crate::ids::{AppId, ServicePrincipalId};
use crate::plan::fingerprint::{NAME_TAG_PREFIX, TOKEN_TAG_PREFIX};

use super::ImportError;

/// How the gallery entry of the app is named in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateChoice {
    /// By display name (it names exactly this template).
    Gallery(String),
    /// By id, with the reason the name could not be used.
    Id(String, String),
}

/// Whether `s` has the shape of a GUID.
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Finds the one service principal `selector` names: a GUID is tried as appId and as object
/// id; anything else is an exact display name, which must match exactly one app.
pub async fn find_app(client: &Client, selector: &str) -> Result<ServicePrincipal, ImportError> {
    let selector = selector.trim();
    if is_guid(selector) {
        let app_id = AppId::new(selector);
        let (by_app_id, by_object_id) =
            futures::try_join!(client.find_service_principal_by_app_id(&app_id), async {
                match client
                    .get_service_principal(&ServicePrincipalId::new(selector))
                    .await
                {
                    Ok(sp) => Ok(Some(sp)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            },)?;
        return by_app_id
            .or(by_object_id)
            .ok_or_else(|| ImportError::NotFound {
                selector: selector.to_owned(),
                by: "appId or object id",
            });
    }
    let mut found = client.find_service_principals_by_name(selector).await?;
    // Graph compares case-insensitively; an exact spelling wins.
    let exact: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].display_name == selector)
        .collect();
    if exact.len() == 1 {
        return Ok(found.swap_remove(exact[0]));
    }
    match found.len() {
        0 => Err(ImportError::NotFound {
            selector: selector.to_owned(),
            by: "display name",
        }),
        1 => Ok(found.remove(0)),
        _ => Err(ImportError::Ambiguous {
            selector: selector.to_owned(),
            candidates: found
                .iter()
                .map(|sp| format!("appId {}", sp.app_id))
                .collect(),
        }),
    }
}

/// The gallery entry of `sp`: by name when that name finds exactly this template again
/// (as `observe` looks it up), else by id.
pub async fn template_of(
    client: &Client,
    sp: &ServicePrincipal,
) -> Result<(TemplateChoice, Option<ApplicationTemplate>), GraphError> {
    let Some(id) = &sp.application_template_id else {
        let why =
            "the app records no gallery template; this is the non-gallery (custom SCIM) app's";
        let choice = TemplateChoice::Id(NON_GALLERY_TEMPLATE.to_owned(), why.to_owned());
        return Ok((choice, None));
    };
    let template = match client.get_template(id).await {
        Ok(t) => t,
        Err(e) if e.is_not_found() => {
            let why = "the gallery no longer lists this template";
            return Ok((TemplateChoice::Id(id.to_string(), why.to_owned()), None));
        }
        Err(e) => return Err(e),
    };
    let same_name = client
        .find_templates_by_name(&template.display_name)
        .await?;
    // `observe` takes the exact spelling first: the name works when exactly one gallery
    // entry has it, and that entry is this app's.
    let exact: Vec<_> = same_name
        .iter()
        .filter(|t| t.display_name == template.display_name)
        .collect();
    let choice = match exact.as_slice() {
        [t] if t.id == *id => TemplateChoice::Gallery(template.display_name.clone()),
        _ => TemplateChoice::Id(
            id.to_string(),
            format!(
                "{} gallery entries are named \"{}\"",
                exact.len(),
                template.display_name
            ),
        ),
    };
    Ok((choice, Some(template)))
}

/// The non-gallery ("custom") application template.
pub const NON_GALLERY_TEMPLATE: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

/// Where the manifest name came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameSource {
    /// `--name`.
    Given,
    /// The app's existing `entraprov:<name>` tag.
    Tag,
    /// Made from the display name.
    DisplayName,
}

/// Whether `name` is a valid manifest name (`[a-z0-9-]{1,63}`).
pub fn valid_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The manifest name: `--name`, else the app's existing identity tag, else the display
/// name made into `[a-z0-9-]{1,63}`.
pub fn manifest_name(given: Option<&str>, sp: &ServicePrincipal) -> (String, NameSource) {
    if let Some(n) = given {
        return (n.to_owned(), NameSource::Given);
    }
    let tagged = sp.tags.iter().find_map(|t| {
        let name = t.strip_prefix(NAME_TAG_PREFIX)?;
        (!t.starts_with(TOKEN_TAG_PREFIX) && valid_name(name)).then(|| name.to_owned())
    });
    if let Some(n) = tagged {
        return (n, NameSource::Tag);
    }
    (slug(&sp.display_name), NameSource::DisplayName)
}

/// `Keeper (prod)` → `keeper-prod`; never empty, at most 63 characters.
pub fn slug(display_name: &str) -> String {
    let mut out = String::new();
    for c in display_name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(63);
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "app".to_owned()
    } else {
        out
    }
}

/// The environment variable of the secret token: `keeper-prod` → `KEEPER_PROD_SCIM_TOKEN`.
pub fn token_var(name: &str) -> String {
    let base = name.to_ascii_uppercase().replace('-', "_");
    if base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("APP_{base}_SCIM_TOKEN")
    } else {
        format!("{base}_SCIM_TOKEN")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_token_variables() {
        assert_eq!(slug("Keeper (prod)"), "keeper-prod");
        assert_eq!(slug("  Ünïcode  App!! "), "n-code-app");
        assert_eq!(slug("???"), "app");
        assert_eq!(slug(&"x".repeat(80)).len(), 63);
        assert!(valid_name(&slug("A b -- c")));
        assert_eq!(token_var("keeper-prod"), "KEEPER_PROD_SCIM_TOKEN");
        assert_eq!(token_var("1password"), "APP_1PASSWORD_SCIM_TOKEN");
        assert!(is_guid("8adf8e6e-67b2-4cf2-a259-e3dc5476c621"));
        assert!(!is_guid("Keeper (prod)"));
    }
}
