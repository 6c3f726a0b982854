//! Per-app knowledge. Everything entraprov knows about a particular app lives here, so the
//! rest of the code stays generic: which gallery names a connector answers to, how to pick
//! its synchronization template, its tenant URL shape and region hosts, the lints it adds,
//! what `delete` means for it, the app role to suggest, its starter manifest (`init`) and
//! how to explain SCIM probe failures in its terms.
//!
//! One table, [`CONNECTORS`]; one file per connector. The generic SCIM connector is the
//! last entry and the fallback for any app entraprov has no specific knowledge of. Adding a
//! connector: write `src/connector/<app>.rs` with a `pub const CONNECTOR: Connector` and add
//! `<app>` to the `connectors!` line below, which declares the module and its table entry
//! (plus a variant in [`ConnectorName`] for `app.connector: <app>` in manifests).

pub mod keeper_probe;
pub mod starter;

/// Declares each connector module and the [`CONNECTORS`] table, in order.
macro_rules! connectors {
    ($($module:ident),+ $(,)?) => {
        $(pub mod $module;)+
        /// Every connector, in lookup order; the last one is the fallback.
        pub static CONNECTORS: &[Connector] = &[$($module::CONNECTOR),+];
    };
}

// The table: one name per connector file. Generic SCIM stays last (the fallback).
connectors!(keeper, scim);

use crate::manifest::lint::LintCx;
use crate::manifest::types::{App, ConnectorName, Manifest};
use secrecy::SecretString;

use crate::scim::{Advice, ProbeOptions, ProbeReport, ProbeTarget};

/// What entraprov knows about one kind of app.
pub struct Connector {
    /// The name used in `app.connector`.
    pub name: ConnectorName,
    /// The same name as text (`keeper`), for the command line (`init --connector`).
    pub id: &'static str,
    /// Human name.
    pub title: &'static str,
    /// Gallery (application template) display names that select this connector
    /// (compared case-insensitively).
    pub gallery_names: &'static [&'static str],
    /// Application template ids that select this connector.
    pub template_ids: &'static [&'static str],
    /// The connector's lints, run after the generic ones.
    pub lint: fn(&Manifest, &mut LintCx<'_>),
    /// Picks the synchronization template for a new job from the service principal's
    /// templates; usually [`default_sync_template`].
    pub sync_template: fn(&[SyncTemplateChoice<'_>]) -> Result<usize, String>,
    /// What the `delete` action (flow type `Delete`) does in this app, for plan output.
    pub delete_means: &'static str,
    /// Names the data centre of a tenant URL for plan output (`Keeper EU (keepersecurity.eu)`),
    /// or `None` when the app has no regions or the URL is not one of them.
    pub region: fn(&str) -> Option<String>,
    /// How probe failures are explained (the SCIM probe itself is generic).
    pub advice: &'static dyn Advice,
    /// The starter manifest `entraprov init` prints.
    pub starter: &'static starter::Starter,
    /// The target attributes the app is known to accept, by target object (`User`,
    /// `Group`), for validate's offline warnings; `None` when entraprov does not know them.
    pub known_targets: Option<fn(&str) -> &'static [&'static str]>,
}

impl Connector {
    /// The app role to suggest in assignments.
    pub fn suggested_role(&self) -> &'static str {
        self.starter.suggested_role
    }

    /// Runs the direct SCIM probe with this connector's advice.
    pub async fn probe(&self, target: &ProbeTarget, options: &ProbeOptions) -> ProbeReport {
        crate::scim::probe(target, self.advice, options).await
    }

    /// After Entra's Test Connection (`validateCredentials`) refused the credentials: runs
    /// the direct probe with the same credentials and returns its first failure explained
    /// in this app's terms (`[E0710] 401 Unauthorized: … help: …`), or `None` when the
    /// probe passes. For `apply`, so that "nothing was written" comes with the reason.
    pub async fn explain_refused_credentials(
        &self,
        tenant_url: &str,
        token: &SecretString,
        token_source: Option<String>,
    ) -> Option<String> {
        let target = ProbeTarget {
            tenant_url: tenant_url.to_owned(),
            token: token.clone(),
            token_source,
        };
        let report = self.probe(&target, &ProbeOptions::from_env()).await;
        let f = report.first_failure()?;
        Some(format!(
            "[{}] {}\nhelp: {}",
            f.kind.code(),
            f.kind.summary(),
            f.help
        ))
    }
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What the template picker sees of one synchronization template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncTemplateChoice<'a> {
    /// Template id (goes into the job's `templateId`).
    pub id: &'a str,
    /// Engine tag, e.g. `CustomSCIM`, for messages.
    pub factory_tag: Option<&'a str>,
    /// The template's `default` flag.
    pub is_default: bool,
}

/// What the job picker sees of one synchronization job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobChoice<'a> {
    /// Job id.
    pub id: &'a str,
    /// The job's `templateId`.
    pub template_id: &'a str,
}

/// Several jobs of an app are made from the connector's template: which one to manage is
/// not entraprov's guess to make.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error(
    "the app has {} provisioning jobs made from the synchronization template {template}: {}",
    jobs.len(),
    jobs.join(", ")
)]
#[diagnostic(
    code(E0530),
    help(
        "entraprov manages one job per app; delete the extra job(s) in the Entra admin \
         center (Provisioning) or with `DELETE /servicePrincipals/{{id}}/synchronization/jobs/{{jobId}}`"
    )
)]
pub struct AmbiguousJob {
    /// The template they were made from.
    pub template: String,
    /// The matching job ids.
    pub jobs: Vec<String>,
}

/// The one rule plan, apply and status share to pick the app's job: the only job, or,
/// among several, the one made from the connector's synchronization template
/// (`connector.sync_template` over `templates`). `Ok(None)`: no job (of that template)
/// yet. Several matching jobs: [`AmbiguousJob`].
pub fn choose_job(
    connector: &Connector,
    templates: &[SyncTemplateChoice<'_>],
    jobs: &[JobChoice<'_>],
) -> Result<Option<usize>, AmbiguousJob> {
    if jobs.len() == 1 {
        return Ok(Some(0));
    }
    let template = (connector.sync_template)(templates)
        .ok()
        .map(|i| templates[i].id);
    let matching: Vec<usize> = (0..jobs.len())
        .filter(|&i| template.is_none_or(|t| jobs[i].template_id == t))
        .collect();
    match matching.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(AmbiguousJob {
            template: template.unwrap_or("(unknown)").to_owned(),
            jobs: matching.iter().map(|&i| jobs[i].id.to_owned()).collect(),
        }),
    }
}

/// The template with `default: true`, else the only one; an error text otherwise.
pub fn default_sync_template(templates: &[SyncTemplateChoice<'_>]) -> Result<usize, String> {
    let defaults: Vec<usize> = (0..templates.len())
        .filter(|&i| templates[i].is_default)
        .collect();
    match (defaults.as_slice(), templates.len()) {
        ([one], _) => Ok(*one),
        ([], 1) => Ok(0),
        ([], 0) => Err(
            "the app has no synchronization templates: it does not support \
                        automatic provisioning"
                .to_owned(),
        ),
        _ => {
            let ids: Vec<&str> = templates.iter().map(|t| t.id).collect();
            Err(format!(
                "cannot choose among synchronization templates {} (none or several marked \
                 default)",
                ids.join(", ")
            ))
        }
    }
}

/// The connector with this name.
pub fn by_name(name: ConnectorName) -> &'static Connector {
    CONNECTORS
        .iter()
        .find(|c| c.name == name)
        .unwrap_or(&CONNECTORS[CONNECTORS.len() - 1])
}

/// The connector of an app: `app.connector` when given, else the one whose gallery names
/// include `app.gallery` (or whose template ids include `app.templateId`), else generic SCIM.
pub fn for_app(app: &App) -> &'static Connector {
    if let Some(name) = app.connector {
        return by_name(name);
    }
    let by_template = || {
        let id = app.template_id.as_ref()?;
        CONNECTORS.iter().find(|c| {
            c.template_ids
                .iter()
                .any(|t| t.eq_ignore_ascii_case(id.as_str()))
        })
    };
    app.gallery
        .as_deref()
        .and_then(by_gallery_name)
        .or_else(by_template)
        .unwrap_or_else(|| by_name(ConnectorName::Scim))
}

/// The connector with this id (`keeper`, `scim`); the fallback for an unknown id.
pub fn by_id(id: &str) -> &'static Connector {
    CONNECTORS
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id))
        .unwrap_or(&CONNECTORS[CONNECTORS.len() - 1])
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

    fn choice(id: &str, is_default: bool) -> SyncTemplateChoice<'_> {
        SyncTemplateChoice {
            id,
            factory_tag: None,
            is_default,
        }
    }

    #[test]
    fn ids_match_manifest_names_and_generic_scim_is_the_last_fallback() {
        for c in CONNECTORS {
            let as_json = serde_json::to_value(c.name).expect("serialises");
            assert_eq!(as_json, serde_json::json!(c.id), "{}", c.title);
            assert!(std::ptr::eq(by_id(c.id), c));
        }
        assert_eq!(CONNECTORS[CONNECTORS.len() - 1].name, ConnectorName::Scim);
    }

    #[test]
    fn one_job_rule_matches_the_connectors_template_and_refuses_several() {
        let c = &scim::CONNECTOR;
        let tpl = |id, is_default| SyncTemplateChoice {
            id,
            factory_tag: None,
            is_default,
        };
        let templates = [tpl("scim", true), tpl("other", false)];
        let job = |id, template_id| JobChoice { id, template_id };
        let jobs = [job("other.1", "other"), job("scim.1", "scim")];
        assert_eq!(choose_job(c, &templates, &jobs), Ok(Some(1)));
        // The only job is the app's, whatever its template.
        assert_eq!(choose_job(c, &templates, &jobs[..1]), Ok(Some(0)));
        let others = [job("other.1", "other"), job("other.2", "other")];
        assert_eq!(choose_job(c, &templates, &others), Ok(None));
        let two = [job("scim.1", "scim"), job("scim.2", "scim")];
        let err = choose_job(c, &templates, &two).unwrap_err();
        assert_eq!(err.jobs, ["scim.1", "scim.2"]);
        assert_eq!(
            err.to_string(),
            "the app has 2 provisioning jobs made from the synchronization template scim: scim.1, scim.2"
        );
        // No templates listed: the only job is the app's; several are ambiguous.
        assert_eq!(choose_job(c, &[], &jobs[..1]), Ok(Some(0)));
        assert!(choose_job(c, &[], &jobs).is_err());
    }

    #[test]
    fn sync_template_is_the_default_one_or_the_only_one() {
        let two = [choice("a", false), choice("b", true)];
        assert_eq!(default_sync_template(&two), Ok(1));
        assert_eq!(default_sync_template(&[choice("only", false)]), Ok(0));
        assert!(default_sync_template(&[]).is_err());
        let ambiguous = [choice("a", false), choice("b", false)];
        assert!(
            default_sync_template(&ambiguous)
                .unwrap_err()
                .contains("a, b")
        );
    }

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
