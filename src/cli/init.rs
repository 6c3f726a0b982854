//! `entraprov init`: print a complete, commented starter manifest for a connector.
//!
//! The output validates clean (`entraprov validate`) and plans against a fresh simulator;
//! provisioning starts Off so that the first thing a user does is
//! `entraprov provision-on-demand` with one user, as the Keeper tutorial advises.

use std::fmt::Write as _;

use miette::Diagnostic;

use super::{Exit, GlobalArgs};
use crate::connector::starter::{self, Mapping, Starter, StarterSource};
use crate::connector::{self as connectors};

/// Arguments of `entraprov init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Connector the starter manifest is for (`keeper`, `scim`, … one per connector).
    #[arg(long, value_parser = connector_ids())]
    pub connector: String,
    /// Stable handle of the app (`[a-z0-9-]{1,63}`), written as the tag `entraprov:<name>`.
    #[arg(long)]
    pub name: Option<String>,
    /// The SCIM tenant URL. Keeper: `https://<region host>/api/rest/scim/v2/<node id>`.
    #[arg(long)]
    pub tenant_url: Option<String>,
    /// Schema reference for the editor modeline: a URL, or a path relative to where you save
    /// the manifest (e.g. the output of `entraprov schema > entraprov.schema.json`).
    #[arg(long)]
    pub schema: Option<String>,
}

/// The accepted `--connector` values: every connector's id, from the table.
fn connector_ids() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        connectors::CONNECTORS
            .iter()
            .map(|c| clap::builder::PossibleValue::new(c.id).help(c.title)),
    )
}

/// `--name` is not a valid manifest name.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("--name {name:?} is not a valid manifest name")]
#[diagnostic(
    code(E0720),
    help("Use 1 to 63 lower-case letters, digits and '-', for example keeper-prod.")
)]
pub struct InvalidName {
    /// The rejected value.
    pub name: String,
}

/// Everything that varies between starter manifests.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The connector's starter profile.
    pub starter: &'static Starter,
    /// Manifest name.
    pub name: String,
    /// Tenant URL, or `None` for the profile's example.
    pub tenant_url: Option<String>,
    /// Modeline schema reference.
    pub schema: String,
}

impl InitOptions {
    /// Options from the command line; refuses an invalid `--name`.
    pub fn from_args(args: &Args) -> Result<Self, InvalidName> {
        let starter = connectors::by_id(&args.connector).starter;
        let name = args
            .name
            .clone()
            .unwrap_or_else(|| starter.default_name.to_owned());
        let valid = (1..=63).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(InvalidName { name });
        }
        Ok(Self {
            starter,
            name,
            tenant_url: args.tenant_url.clone(),
            schema: args
                .schema
                .clone()
                .unwrap_or_else(|| starter::SCHEMA_URL.to_owned()),
        })
    }
}

/// Runs `entraprov init`: the manifest on stdout, next steps on stderr.
pub async fn run(args: Args, _global: &GlobalArgs) -> miette::Result<Exit> {
    let opts = InitOptions::from_args(&args)?;
    print!("{}", render(&opts));
    eprintln!("{}", next_steps(&opts));
    Ok(Exit::Success)
}

/// The "what now" note printed on stderr.
pub fn next_steps(opts: &InitOptions) -> String {
    let mut out = String::from("Next steps:\n");
    if opts.tenant_url.is_none() {
        let _ = writeln!(
            out,
            "  - replace the example tenantUrl with yours ({})",
            opts.starter.tenant_url_hint
        );
    }
    let _ = writeln!(
        out,
        "  - export {} with the secret token, then: entraprov validate FILE && entraprov plan FILE",
        opts.starter.token_env
    );
    let _ = write!(
        out,
        "  - after apply: entraprov test-connection FILE, then entraprov provision-on-demand FILE \
         --user <upn>, then set provisioning.enabled: true"
    );
    out
}

/// Renders the starter manifest (pure).
pub fn render(opts: &InitOptions) -> String {
    let s = opts.starter;
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={}", opts.schema);
    let _ = writeln!(out, "# entraprov starter manifest for {}.", s.product);
    out.push_str(
        "# Check it with `entraprov validate`, preview with `entraprov plan`, apply with\n\
         # `entraprov apply`. Everything not written here is left alone in the tenant.\n",
    );
    out.push_str("apiVersion: entraprov/v1\nkind: EnterpriseApp\n");
    let _ = writeln!(
        out,
        "name: {}   # stable handle, written as the tag entraprov:{}; do not rename",
        opts.name, opts.name
    );
    out.push_str("# tenantId: 00000000-0000-0000-0000-000000000000   # optional guard\n\n");
    render_app(&mut out, opts);
    render_assignments(&mut out, s);
    render_provisioning(&mut out, opts);
    out
}

fn render_app(out: &mut String, opts: &InitOptions) {
    let s = opts.starter;
    out.push_str("app:\n");
    let _ = writeln!(
        out,
        "  displayName: {}",
        scalar(&(s.display_name)(&opts.name))
    );
    for line in s.app_lines {
        let _ = writeln!(out, "  {line}");
    }
    out.push_str("  # appId: <guid>   # adopt an existing app instead of creating one\n\n");
}

fn render_assignments(out: &mut String, s: &Starter) {
    let (c, group) = match s.example_group {
        Some(g) => ("", g),
        None => {
            out.push_str(
                "# Assignments are not managed until you uncomment this section and name your\n\
                 # group (with scope: assigned, only assigned users and groups are provisioned).\n",
            );
            ("# ", "Your Group")
        }
    };
    let _ = writeln!(out, "{c}assignments:");
    let _ = writeln!(
        out,
        "{c}  prune: true   # remove live assignments that are not listed"
    );
    let _ = writeln!(out, "{c}  principals:");
    let _ = writeln!(
        out,
        "{c}    - group: {}   # exact group display name, or {{ id: <object id> }}",
        scalar(group)
    );
    let _ = writeln!(
        out,
        "{c}      role: {}   # {}",
        s.suggested_role, s.role_note
    );
    let _ = writeln!(out, "{c}    # - user: alice@contoso.com");
    let _ = writeln!(out, "{c}    #   role: {}\n", s.suggested_role);
}

fn render_provisioning(out: &mut String, opts: &InitOptions) {
    let s = opts.starter;
    let tenant_url = opts.tenant_url.as_deref().unwrap_or(s.example_tenant_url);
    out.push_str("provisioning:\n");
    out.push_str(
        "  enabled: false   # Off until `entraprov provision-on-demand` shows one user is right\n",
    );
    out.push_str("  scope: assigned   # assigned | all\n  credentials:\n");
    let _ = writeln!(out, "    tenantUrl: {}", scalar(tenant_url));
    let _ = writeln!(
        out,
        "    secretToken: {{ fromEnv: {} }}   # or {{ fromFile: path }}; never a literal",
        s.token_env
    );
    out.push_str("  # notifications:\n  #   email: it-alerts@contoso.com\n  #   onFailure: true\n");
    out.push_str("  accidentalDeletions: { threshold: 500 }\n");
    out.push_str("  skipOutOfScopeDeletions: false\n  mappings:\n");
    for mapping in s.mappings {
        render_mapping(out, mapping);
    }
}

fn render_mapping(out: &mut String, m: &Mapping) {
    for note in m.notes {
        let _ = writeln!(out, "    # {note}");
    }
    let _ = writeln!(out, "    {}:\n      enabled: true", m.label);
    match m.actions_note {
        Some(note) => {
            let _ = writeln!(out, "      actions: [{}]   # {note}", m.actions);
        }
        None => {
            let _ = writeln!(out, "      actions: [{}]", m.actions);
        }
    }
    out.push_str("      prune: true   # remove live attribute mappings that are not listed\n");
    out.push_str("      attributes:\n");
    let width = m
        .attributes
        .iter()
        .map(|a| scalar(a.target).len())
        .max()
        .unwrap_or(0)
        + 1;
    for a in m.attributes {
        if let Some(note) = a.note {
            let _ = writeln!(out, "        # {note}");
        }
        let key = format!("{}:", scalar(a.target));
        let mut value = match a.source {
            StarterSource::Attribute(v) => format!("{{ source: {v}"),
            StarterSource::Expression(v) => format!("{{ expression: {}", quoted(v)),
        };
        if let Some(p) = a.matching_priority {
            let _ = write!(value, ", matchingPriority: {p}");
        }
        let _ = writeln!(out, "        {key:width$} {value} }}");
    }
    if m.label == "users" {
        out.push_str(
            "      # scopingFilters:   # OR across filters, AND across clauses\n\
             \x20     #   - name: Engineering only\n\
             \x20     #     clauses:\n\
             \x20     #       - { attribute: department, operator: equals, value: Engineering }\n",
        );
    }
}

/// A YAML plain scalar when safe, else single-quoted.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-@/:()&".contains(c))
        && !s.starts_with([' ', '-', ':', '@', '&'])
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #");
    if plain { s.to_owned() } else { quoted(s) }
}

/// Always single-quoted (YAML escapes `'` by doubling it).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
