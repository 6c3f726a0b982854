//! `entraprov demo`: the whole story against the built-in simulator, with the real output
//! of each command — validate, plan, apply, plan again, a drift made in the "portal",
//! plan, apply — then the commands to run against a real tenant.
//!
//! Everything runs in-process: the Graph simulator, a stand-in Keeper SCIM endpoint (that
//! `validateCredentials` really calls), the temporary files. Nothing is written outside a
//! temporary directory and nothing leaves the machine.

mod scim;
pub mod world;

use std::io::{IsTerminal, Write};

pub use scim::ScimEndpoint;

use super::{Exit, GlobalArgs};
use crate::apply::flow::{self, Planned};
use crate::apply::{ApplyOptions, NoProgress, StopFlag};
use crate::graph::auth::Env;
use crate::graph::{Client, ClientOptions};
use crate::manifest::{self, FileStatus, LoadOutcome, LoadedManifest, report};
use crate::render::{self, BOLD, HumanOptions};
use crate::sim::Server;

/// Arguments of `entraprov demo`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `entraprov demo`.
pub async fn run(_args: Args, global: &GlobalArgs) -> miette::Result<Exit> {
    let color = super::use_color(global.color, std::io::stdout().is_terminal());
    let mut stdout = std::io::stdout();
    story(&mut stdout, color).await?;
    Ok(Exit::Success)
}

/// A failure of the demo's own machinery (not of the story it tells).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("the demo could not run: {0}")]
#[diagnostic(code(E0610), help("this is a bug in entraprov; please report it"))]
pub struct DemoError(String);

fn fail(e: impl std::fmt::Display) -> DemoError {
    DemoError(e.to_string())
}

/// Tells the story on `out` (coloured when `color`). Used by `run` and the tests.
pub async fn story(out: &mut dyn Write, color: bool) -> Result<(), DemoError> {
    let dir = tempfile::tempdir().map_err(fail)?;
    let scim = world::keeper_endpoint().map_err(fail)?;
    let server =
        Server::start(world::sim_config(dir.path(), &scim).map_err(fail)?).map_err(fail)?;
    let client = world::sim_client(&server, &ClientOptions::default()).map_err(fail)?;
    let env = Env::from_pairs([(world::TOKEN_VAR, world::DEMO_TOKEN)]);
    let t = Teller { out, color };
    let mut t = t;
    t.intro(&server)?;
    let loaded = t.validate()?;
    let human = HumanOptions { color };
    t.command("entraprov plan examples/keeper.yaml")?;
    t.say("Nothing exists yet, so everything is created:")?;
    let planned = plan(&client, &loaded, &env).await?;
    t.raw(&render::human::render(&planned.plan, human))?;
    t.command("entraprov apply examples/keeper.yaml --auto-approve")?;
    t.say("(apply prints the same plan first, then executes it in dependency order:)")?;
    let report = apply(&client, &loaded, &env, &planned).await;
    t.raw(&render::report::human(&report, human))?;
    t.command("entraprov plan examples/keeper.yaml")?;
    let planned = plan(&client, &loaded, &env).await?;
    t.raw(&render::human::render(&planned.plan, human))?;
    t.say(
        "\nMeanwhile, someone edits the app in the Entra portal: they unassign \
         alice@contoso.com and map the users' displayName from mail instead.",
    )?;
    drift(&client).await?;
    t.command("entraprov plan examples/keeper.yaml")?;
    t.say("The plan shows exactly that drift:")?;
    let planned = plan(&client, &loaded, &env).await?;
    t.raw(&render::human::render(&planned.plan, human))?;
    t.command("entraprov apply examples/keeper.yaml --auto-approve")?;
    let report = apply(&client, &loaded, &env, &planned).await;
    t.raw(&render::report::human(&report, human))?;
    t.outro()?;
    Ok(())
}

struct Teller<'a> {
    out: &'a mut dyn Write,
    color: bool,
}

impl Teller<'_> {
    fn raw(&mut self, text: &str) -> Result<(), DemoError> {
        self.out.write_all(text.as_bytes()).map_err(fail)?;
        self.out.flush().map_err(fail)
    }

    fn say(&mut self, text: &str) -> Result<(), DemoError> {
        self.raw(&format!("{text}\n\n"))
    }

    fn command(&mut self, cmd: &str) -> Result<(), DemoError> {
        let line = format!("$ {cmd}");
        let line = if self.color {
            format!("{}{line}{}", BOLD.render(), BOLD.render_reset())
        } else {
            line
        };
        self.raw(&format!("\n{line}\n\n"))
    }

    fn intro(&mut self, server: &Server) -> Result<(), DemoError> {
        self.say(&format!(
            "entraprov demo: examples/keeper.yaml against a simulated Entra tenant ({}).\n\
             The simulator serves Microsoft Graph in this process; a stand-in Keeper SCIM \
             endpoint answers Test Connection.\nNothing is written outside a temporary \
             directory and nothing leaves this machine.",
            server.tenant_id()
        ))?;
        self.raw(&format!(
            "$ export {}=…   # the demo's Keeper accepts one token\n",
            world::TOKEN_VAR
        ))
    }

    fn validate(&mut self) -> Result<LoadedManifest, DemoError> {
        self.command(&format!("entraprov validate {}", world::KEEPER_PATH))?;
        let (loaded, diagnostics) = manifest::load_str(world::KEEPER_PATH, world::KEEPER_YAML);
        let count = |s: manifest::Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        let outcome = LoadOutcome {
            files: vec![FileStatus {
                name: world::KEEPER_PATH.to_owned(),
                manifest_name: loaded.as_ref().map(|m| m.manifest.name.clone()),
                errors: count(manifest::Severity::Error),
                warnings: count(manifest::Severity::Warning),
            }],
            manifests: Vec::new(),
            diagnostics,
        };
        let style = report::HumanStyle {
            color: self.color,
            unicode: self.color,
            width: 100,
        };
        self.raw(&report::render_human_all(&outcome, style))?;
        loaded.ok_or_else(|| fail("examples/keeper.yaml does not load"))
    }

    fn outro(&mut self) -> Result<(), DemoError> {
        self.say(
            "\nThat is the whole loop: the manifest is the truth, plan shows the difference, \
             apply makes it so and checks the result.\n\nAgainst your tenant:\n\
             \n  entraprov init --connector keeper > keeper.yaml     # or copy examples/keeper.yaml\
             \n  entraprov validate keeper.yaml\
             \n  az login --tenant <tenant id>                        # or AZURE_CLIENT_ID + AZURE_CLIENT_SECRET\
             \n  export KEEPER_SCIM_TOKEN=…                           # from Keeper's admin console\
             \n  entraprov plan keeper.yaml\
             \n  entraprov apply keeper.yaml",
        )
    }
}

async fn plan(client: &Client, loaded: &LoadedManifest, env: &Env) -> Result<Planned, DemoError> {
    flow::plan_manifest(client, loaded, env)
        .await
        .map_err(|e| fail(format!("{e:?}")))
}

async fn apply(
    client: &Client,
    loaded: &LoadedManifest,
    env: &Env,
    planned: &Planned,
) -> crate::plan::ApplyReport {
    let opts = ApplyOptions {
        recheck_delay: std::time::Duration::from_millis(50),
        ..ApplyOptions::default()
    };
    flow::apply_and_check(
        flow::Session {
            client,
            loaded,
            env,
        },
        planned,
        &opts,
        &NoProgress,
        &StopFlag::new(),
    )
    .await
}

/// What "someone in the portal" does: unassign alice, map displayName from mail.
async fn drift(client: &Client) -> Result<(), DemoError> {
    let sp = client
        .find_service_principals_by_tag("entraprov:keeper-prod")
        .await
        .map_err(fail)?
        .into_iter()
        .next()
        .ok_or_else(|| fail("the app was not created"))?
        .id;
    let job = client
        .list_jobs(&sp)
        .await
        .map_err(fail)?
        .into_iter()
        .next()
        .ok_or_else(|| fail("the job was not created"))?
        .id;
    let assignments = client.list_assignments(&sp).await.map_err(fail)?;
    if let Some(alice) = assignments
        .iter()
        .find(|a| a.principal_display_name.as_deref() == Some("Alice Anders"))
    {
        client
            .delete_assignment(&sp, &alice.id)
            .await
            .map_err(fail)?;
    }
    let mut schema = client.get_schema(&sp, &job).await.map_err(fail)?;
    let rules = schema.0["synchronizationRules"].as_array_mut();
    for om in rules
        .into_iter()
        .flatten()
        .filter_map(|r| r["objectMappings"].as_array_mut())
        .flatten()
        .filter(|om| om["sourceObjectName"] == "User")
    {
        for a in om["attributeMappings"].as_array_mut().into_iter().flatten() {
            if a["targetAttributeName"] == "displayName" {
                a["source"] = serde_json::json!({"type": "Attribute", "name": "mail",
                    "expression": "[mail]", "parameters": []});
            }
        }
    }
    if let Some(o) = schema.0.as_object_mut() {
        o.retain(|k, _| !k.starts_with("@odata."));
    }
    client.put_schema(&sp, &job, &schema).await.map_err(fail)
}
