//! `entraprov preview PATH --user UPN [--user …] [--format human|json|markdown]`, or
//! `--offline --user-file F`: for the manifest as written, whether each user is in scope
//! and what the app would receive. Writes nothing.
//!
//! Online it reads each user with a `$select` of only the attributes the user mappings
//! and scoping filters use, resolves the manifest's assigned groups and reads their direct
//! members (ids only) to decide assignment. Offline the file holds one JSON object or a
//! list of them (Graph's user shape or Entra attribute names); an optional `memberOf` list
//! (group names or ids) gives group membership.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{Exit, GlobalArgs};
use crate::graph::Client;
use crate::ids::GroupId;
use crate::manifest::expr::eval::{self, Attributes};
use crate::manifest::types::{Manifest, PrincipalRef, PrincipalSelector};
use crate::manifest::{self, Diagnostic, Severity, report};
use crate::preview::{self, UserInput};
use crate::render;

/// Arguments of `entraprov preview`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The manifest.
    pub path: PathBuf,
    /// User principal name to preview (repeat for several).
    #[arg(long, required_unless_present = "user_file")]
    pub user: Vec<String>,
    /// Do not contact Graph; read the users from `--user-file`.
    #[arg(long, requires = "user_file")]
    pub offline: bool,
    /// A JSON file: one user object or a list of them (with `--offline`).
    #[arg(long, value_name = "FILE", requires = "offline")]
    pub user_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `preview`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Human,
    /// JSON.
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Runs `entraprov preview`.
pub async fn run(args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let style = style(global);
    let loaded = manifest::load_paths(std::slice::from_ref(&args.path));
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
    {
        eprintln!("{}", report::render_human(d, style));
    }
    let [m] = loaded.manifests.as_slice() else {
        if loaded.manifests.len() > 1 {
            eprintln!(
                "error: {} holds several manifests; give one file",
                args.path.display()
            );
        }
        return Ok(Exit::Error);
    };
    if loaded.has_errors() {
        return Ok(Exit::Error);
    }
    let users = match read_users(&args, &m.manifest, global).await {
        Ok(u) => u,
        Err(d) => {
            eprintln!("{}", report::render_human(&d, style));
            return Ok(Exit::Error);
        }
    };
    let previews = preview::preview(&m.manifest, &users, eval::Context::system());
    let text = match args.format {
        Format::Human => render::preview::human(&previews),
        Format::Json => render::preview::json(&previews),
        Format::Markdown => render::preview::markdown(&previews),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(Exit::Success)
}

fn style(global: &GlobalArgs) -> report::HumanStyle {
    let color = super::use_color(global.color, std::io::stderr().is_terminal());
    report::HumanStyle {
        color,
        unicode: color,
        width: 100,
    }
}

async fn read_users(
    args: &Args,
    m: &Manifest,
    global: &GlobalArgs,
) -> Result<Vec<UserInput>, Box<Diagnostic>> {
    if let Some(file) = &args.user_file {
        return users_from_file(file);
    }
    let fail =
        |what: &str, e: &dyn std::fmt::Display| Diagnostic::new("E0906", format!("{what}: {e}"));
    let client = crate::observe::client(&global.connection())
        .map_err(|e| fail("cannot connect to Microsoft Graph", &e))?;
    let select = eval::graph_select(preview::attributes_used(m).iter().map(String::as_str));
    let found = client
        .user_attributes_by_upn(&args.user, &select)
        .await
        .map_err(|e| fail("reading the users failed", &e))?;
    let groups = assigned_groups(&client, m)
        .await
        .map_err(|e| fail("reading the assigned groups failed", &e))?;
    Ok(found
        .into_iter()
        .map(|(key, json)| {
            let attributes = json.as_ref().map(Attributes::from_user_json);
            let id = json
                .as_ref()
                .and_then(|j| j["id"].as_str().map(str::to_owned));
            let member_of = id.as_ref().map(|id| {
                groups
                    .iter()
                    .filter(|(_, _, members)| members.contains(id))
                    .flat_map(|(name, gid, _)| [name.clone(), gid.as_str().to_owned()])
                    .collect()
            });
            UserInput {
                key,
                attributes,
                id,
                member_of,
            }
        })
        .collect())
}

/// The manifest's assigned groups: (name as written, id, direct member ids). Groups that
/// do not resolve to exactly one group are left out (plan reports them).
async fn assigned_groups(
    client: &Client,
    m: &Manifest,
) -> Result<Vec<(String, GroupId, Vec<String>)>, crate::graph::GraphError> {
    if m.provisioning.as_ref().and_then(|p| p.scope) == Some(manifest::Scope::All) {
        return Ok(Vec::new());
    }
    let mut named = Vec::new();
    let mut by_id = Vec::new();
    for a in m.assignments.iter().flat_map(|a| a.principals.iter()) {
        if let PrincipalRef::Group(sel) = &a.principal {
            match sel {
                PrincipalSelector::Name(n) => named.push(n.clone()),
                PrincipalSelector::Id(r) => {
                    by_id.push((sel.to_string(), GroupId::new(r.id.as_str())))
                }
            }
        }
    }
    for (name, hits) in client.resolve_groups_by_name(&named).await? {
        if let [g] = hits.as_slice() {
            by_id.push((name, g.id.clone()));
        }
    }
    let ids: Vec<GroupId> = by_id.iter().map(|(_, id)| id.clone()).collect();
    let members = client.group_user_members(&ids, &["id".to_owned()]).await?;
    Ok(by_id
        .into_iter()
        .map(|(name, id)| {
            let ms = members
                .get(&id)
                .map(|v| {
                    v.iter()
                        .filter_map(|u| u["id"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            (name, id, ms)
        })
        .collect())
}

/// Users from a JSON file: an object or a list of objects.
fn users_from_file(path: &std::path::Path) -> Result<Vec<UserInput>, Box<Diagnostic>> {
    let bad = |why: String| {
        Box::new(Diagnostic::new(
            "E0907",
            format!("the user file {}: {why}", path.display()),
        ))
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("is not JSON: {e}")))?;
    let items = match json {
        serde_json::Value::Array(xs) => xs,
        o @ serde_json::Value::Object(_) => vec![o],
        _ => return Err(bad("must hold a user object or a list of them".into())),
    };
    items
        .iter()
        .map(|u| {
            if !u.is_object() {
                return Err(bad("every entry must be a JSON object".into()));
            }
            let member_of = u.get("memberOf").and_then(|v| v.as_array()).map(|xs| {
                xs.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            });
            let mut plain = u.clone();
            if let Some(o) = plain.as_object_mut() {
                o.remove("memberOf");
            }
            let attributes = Attributes::from_user_json(&plain);
            Ok(UserInput {
                key: attributes.get("userPrincipalName").text(),
                id: u["id"].as_str().map(str::to_owned),
                attributes: Some(attributes),
                member_of,
            })
        })
        .collect()
}
