//! Import: turn a live, hand-configured enterprise app into a manifest (`entraprov import`).
//!
//! ```text
//! --app ─ find (display name | appId | object id) ─ gallery entry ─ name
//!       ─ observe (through a skeleton manifest that adopts the app by appId)
//!       ─ build (observed model → typed Manifest + comments) ─ emit (tidy YAML)
//!       ─ validate (the manifest loader; Keeper checks that the live app fails → scim)
//! ```
//!
//! The live state is read by [`crate::observe`] exactly as `plan` reads it, so what import
//! writes is what plan compares. The contract (tested against the simulator): `import`, then
//! `plan` with the token variable set shows at most the secret token (its fingerprint is
//! unknown) and the identity tag `entraprov:<name>` that adopting adds. Live settings the
//! manifest cannot express are left out with `prune: false` and a comment (see
//! `docs/import.md`). [`check_round_trip`] runs that plan and lists anything else.
//!
//! ```no_run
//! # async fn demo(client: &entraprov::graph::Client) -> Result<(), entraprov::import::ImportError> {
//! use entraprov::import::{self, Options};
//! let out = import::import_app(client, &Options::new("Keeper (prod)")).await?;
//! print!("{}", out.yaml);
//! # Ok(()) }
//! ```

mod build;
mod definitions;
pub mod emit;
pub mod find;
mod mappings;
#[cfg(test)]
mod tests;

use crate::graph::auth::Env;
use crate::graph::{Client, GraphError};
use crate::manifest::{self, ConnectorName, Diagnostic, schema::SCHEMA_ID};
use crate::observe::{self, ObserveError};
use crate::plan::{self, Action, Address, Change};

use emit::Layout;
use find::TemplateChoice;

/// Diagnostic codes of import (`E08xx`).
pub mod codes {
    /// No app has this display name, appId or object id.
    pub const NOT_FOUND: &str = "E0801";
    /// Several apps have this display name.
    pub const AMBIGUOUS: &str = "E0802";
    /// `--name` is not a valid manifest name.
    pub const INVALID_NAME: &str = "E0803";
    /// The generated manifest does not validate (a bug, or a live value with no manifest form).
    pub const INVALID_OUTPUT: &str = "E0804";
}

/// What to import.
#[derive(Clone, Debug)]
pub struct Options {
    /// The app: exact display name, appId or service principal object id.
    pub app: String,
    /// Manifest name; default: the app's `entraprov:` tag, else made from its display name.
    pub name: Option<String>,
    /// Schema reference for the `yaml-language-server` modeline.
    pub schema: String,
}

impl Options {
    /// Options for an app, with the default name and schema.
    pub fn new(app: impl Into<String>) -> Self {
        Self {
            app: app.into(),
            name: None,
            schema: SCHEMA_ID.to_owned(),
        }
    }
}

/// Why import failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ImportError {
    /// No app matches.
    #[error("no enterprise app has the {by} \"{selector}\"")]
    #[diagnostic(
        code(E0801),
        help(
            "use the exact display name shown in Entra ID → Enterprise applications, the application (client) id, or the object id"
        )
    )]
    NotFound {
        /// What was given.
        selector: String,
        /// What it was compared with.
        by: &'static str,
    },
    /// Several apps have the display name.
    #[error("{} enterprise apps are named \"{selector}\":\n{}", candidates.len(), candidates.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(code(E0802), help("pick one with --app <appId>"))]
    Ambiguous {
        /// What was given.
        selector: String,
        /// One line per app, with its appId.
        candidates: Vec<String>,
    },
    /// `--name` is not a valid manifest name.
    #[error("--name {0:?} is not a valid manifest name")]
    #[diagnostic(
        code(E0803),
        help("use 1 to 63 lower-case letters, digits and '-', for example keeper-prod")
    )]
    InvalidName(String),
    /// A Graph call failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Graph(#[from] GraphError),
    /// Reading the app through observe failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Observe(#[from] ObserveError),
    /// The generated manifest does not load (a bug in import).
    #[error("the generated manifest does not load: {0}")]
    #[diagnostic(code(E0804), help("please report this with the -vv output"))]
    Internal(String),
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The manifest text.
    pub yaml: String,
    /// The manifest name.
    pub name: String,
    /// The environment variable the manifest reads the secret token from.
    pub token_var: String,
    /// The app's display name and appId (for messages).
    pub app: (String, String),
    /// What was left out or could not be expressed.
    pub warnings: Vec<String>,
    /// Problems `validate` still reports for the manifest (errors make import exit 1).
    pub diagnostics: Vec<Diagnostic>,
}

/// File name the generated manifest is loaded under (in messages only).
const FILE_NAME: &str = "imported.yaml";

/// Imports one app. Read-only: nothing in the tenant changes.
pub async fn import_app(client: &Client, opts: &Options) -> Result<Imported, ImportError> {
    if let Some(n) = &opts.name
        && !find::valid_name(n)
    {
        return Err(ImportError::InvalidName(n.clone()));
    }
    let sp = find::find_app(client, &opts.app).await?;
    let (template, _) = find::template_of(client, &sp).await?;
    let name = find::manifest_name(opts.name.as_deref(), &sp);
    let skeleton = build::skeleton(&sp, &name.0, &template);
    let text = render(&skeleton, &[], &Layout::default())?;
    let loaded = load(&text)?;
    let (_, observed, cx) = observe::observe_with_env(client, &loaded, &Env::default()).await?;
    let ambiguous_groups = ambiguous_groups(client, &observed).await?;
    let token_var = find::token_var(&name.0);
    let gallery = match &template {
        TemplateChoice::Gallery(g) => Some(g.as_str()),
        TemplateChoice::Id(..) => None,
    };
    let keeper = gallery
        .and_then(crate::connector::by_gallery_name)
        .is_some_and(|c| c.name == ConnectorName::Keeper);
    let input = build::Input {
        sp: &sp,
        name: name.clone(),
        template,
        observed: &observed,
        tenant: cx.token_tenant.as_ref().map(|t| t.as_str().to_owned()),
        ambiguous_groups,
        token_var: token_var.clone(),
        keeper,
    };
    let mut built = build::build(&input);
    // The skeleton has no expressions: observe's note about unchecked functions is moot.
    let unchecked = cx.functions.is_none();
    built.warnings.extend(
        cx.warnings
            .into_iter()
            .filter(|w| !(unchecked && w.starts_with("expression functions were not checked"))),
    );
    if let Some(other) = other_name_tag(&sp, &name.0) {
        built.warnings.push(format!(
            "the app is already tagged {other}; the first apply adds {}{} as well",
            crate::plan::fingerprint::NAME_TAG_PREFIX,
            name.0
        ));
    }
    let header = header(&opts.schema, &sp.display_name, sp.app_id.as_str());
    let (yaml, diagnostics) = finish(&mut built, &header, keeper)?;
    Ok(Imported {
        yaml,
        name: name.0,
        token_var,
        app: (sp.display_name.clone(), sp.app_id.to_string()),
        warnings: built.warnings,
        diagnostics,
    })
}

/// Renders and validates the manifest. When a Keeper app fails the Keeper connector's own
/// checks (`E02xx`), it is written as `connector: scim` with the failed checks as comments,
/// so that it validates.
fn finish(
    built: &mut build::Built,
    header: &[String],
    keeper: bool,
) -> Result<(String, Vec<Diagnostic>), ImportError> {
    let yaml = render(&built.manifest, header, &built.layout)?;
    let diagnostics = problems(&yaml);
    if !keeper || !diagnostics.iter().any(is_keeper_rule) {
        return Ok((yaml, diagnostics));
    }
    let failed: Vec<String> = diagnostics
        .iter()
        .filter(|d| is_keeper_rule(d))
        .map(|d| format!("{} ({})", d.message, d.code))
        .collect();
    built.manifest.app.connector = Some(ConnectorName::Scim);
    let l = &mut built.layout;
    l.comment_after(
        "/app/connector",
        "the live app fails Keeper's checks (above); set keeper once fixed",
    );
    for f in &failed {
        l.comment_before("/app/connector", format!("Keeper check: {f}"));
        built
            .warnings
            .push(format!("the live app fails a Keeper check: {f}"));
    }
    let yaml = render(&built.manifest, header, &built.layout)?;
    let diagnostics = problems(&yaml);
    Ok((yaml, diagnostics))
}

/// An identity tag of the app for another name than `name`.
fn other_name_tag(sp: &crate::graph::wire::ServicePrincipal, name: &str) -> Option<String> {
    use crate::plan::fingerprint::{NAME_TAG_PREFIX, TOKEN_TAG_PREFIX, name_tag};
    let own = name_tag(name);
    sp.tags
        .iter()
        .find(|t| t.starts_with(NAME_TAG_PREFIX) && !t.starts_with(TOKEN_TAG_PREFIX) && **t != own)
        .cloned()
}

fn header(schema: &str, display_name: &str, app_id: &str) -> Vec<String> {
    vec![
        format!("yaml-language-server: $schema={schema}"),
        format!("Imported by `entraprov import` from \"{display_name}\" (appId {app_id})."),
        "Comments mark values that were inferred. `entraprov plan` shows only the secret token"
            .to_owned(),
        "and the entraprov tag that adopting the app adds.".to_owned(),
    ]
}

fn render(
    m: &manifest::Manifest,
    header: &[String],
    layout: &Layout,
) -> Result<String, ImportError> {
    let value = serde_json::to_value(m).map_err(|e| ImportError::Internal(e.to_string()))?;
    Ok(emit::to_yaml(&value, header, layout))
}

fn load(text: &str) -> Result<manifest::LoadedManifest, ImportError> {
    match manifest::load_str(FILE_NAME, text) {
        (Some(m), _) => Ok(m),
        (None, diags) => Err(ImportError::Internal(
            diags
                .iter()
                .map(|d| format!("{} ({})", d.message, d.code))
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// Errors and warnings `validate` reports for a generated manifest.
fn problems(text: &str) -> Vec<Diagnostic> {
    let (_, diags) = manifest::load_str(FILE_NAME, text);
    diags
        .into_iter()
        .filter(|d| d.severity != manifest::Severity::Info)
        .collect()
}

/// The Keeper connector's own rules (`E02xx`).
fn is_keeper_rule(d: &Diagnostic) -> bool {
    d.is_error() && d.code.starts_with("E02")
}

/// Assigned groups whose display name several groups share (lower case → count).
async fn ambiguous_groups(
    client: &Client,
    observed: &plan::ObservedState,
) -> Result<std::collections::BTreeMap<String, usize>, GraphError> {
    let mut names: Vec<String> = observed
        .assignments
        .iter()
        .filter(|a| a.principal_kind == plan::model::PrincipalKind::Group)
        .map(|a| a.principal_name.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if names.is_empty() {
        return Ok(Default::default());
    }
    let found = client.resolve_groups_by_name(&names).await?;
    Ok(found
        .into_iter()
        .filter(|(_, groups)| groups.len() != 1)
        .map(|(n, groups)| (n.to_lowercase(), groups.len()))
        .collect())
}

/// Plans `yaml` against the tenant with a placeholder token in `token_var` and returns
/// every change beyond the ones an import is expected to leave: the secret token and the
/// identity tag. Read-only.
pub async fn check_round_trip(
    client: &Client,
    yaml: &str,
    token_var: &str,
) -> Result<Vec<String>, ImportError> {
    let loaded = load(yaml)?;
    let env = Env::default().with(token_var, "entraprov-import-placeholder");
    let (desired, observed, _) = observe::observe_with_env(client, &loaded, &env).await?;
    let plan = plan::diff(&desired, &observed);
    Ok(plan
        .changes
        .iter()
        .filter(|c| !expected_change(c))
        .map(describe)
        .collect())
}

/// The token (fingerprint unknown) and the adoption tag.
pub fn expected_change(c: &Change) -> bool {
    let only = |field: &str| c.fields.iter().all(|f| f.name == field) && !c.fields.is_empty();
    match (&c.address, c.action) {
        (Address::Credentials, Action::Update) => only("secretToken"),
        (Address::App, Action::Update) => only("identityTag"),
        _ => false,
    }
}

fn describe(c: &Change) -> String {
    let fields: Vec<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
    format!("{} {} {}", c.action.symbol(), c.address, fields.join(", "))
        .trim_end()
        .to_owned()
}
