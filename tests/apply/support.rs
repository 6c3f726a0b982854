//! A simulator tenant that `examples/keeper.yaml` fits, a stand-in Keeper SCIM endpoint,
//! and helpers to plan and apply in-process.

#![allow(dead_code)]

use std::time::Duration;

use entraprov::apply::flow::{self, Planned};
use entraprov::apply::{ApplyOptions, NoProgress, StopFlag};
use entraprov::cli::demo::ScimEndpoint;
use entraprov::cli::demo::world;
use entraprov::graph::auth::Env;
use entraprov::graph::{Client, ClientOptions, RetryPolicy};
use entraprov::manifest::{self, LoadedManifest};
use entraprov::plan::ApplyReport;
use entraprov::sim::{FaultSpec, Server, SimConfig};

/// A tenant, its Keeper and a manifest.
pub struct World {
    pub server: Server,
    pub scim: ScimEndpoint,
    pub dir: tempfile::TempDir,
    pub env: Env,
    pub loaded: LoadedManifest,
}

/// Fast retries: the simulator's faults come with `Retry-After: 0`.
pub fn options() -> ClientOptions {
    ClientOptions {
        policy: RetryPolicy {
            timeout: Duration::from_secs(30),
            base_delay: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    }
}

/// Short waits between looks for an object whose create had an unknown outcome.
pub fn apply_options() -> ApplyOptions {
    ApplyOptions {
        create_wait: Duration::from_secs(10),
        recheck_delay: Duration::from_millis(2),
        recheck_polls: 6,
        // The Keeper URL is reachable only through the simulator's SCIM route.
        explain_refused_credentials: false,
        ..ApplyOptions::default()
    }
}

/// Loads manifest text (must be valid).
pub fn load(text: &str) -> LoadedManifest {
    let (m, diags) = manifest::load_str("keeper.yaml", text);
    m.unwrap_or_else(|| panic!("manifest loads: {diags:#?}"))
}

impl World {
    /// `examples/keeper.yaml` against a fresh tenant, with optional faults.
    pub fn keeper(faults: Option<&str>, fault_seed: u64) -> Self {
        Self::with(world::KEEPER_YAML, |cfg| {
            if let Some(f) = faults {
                cfg.faults = FaultSpec::parse(f).expect("fault spec");
            }
            cfg.fault_seed = fault_seed;
        })
    }

    /// A manifest against a fresh tenant; `tweak` adjusts the simulator.
    pub fn with(text: &str, tweak: impl FnOnce(&mut SimConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let scim = world::keeper_endpoint().expect("SCIM endpoint");
        let mut cfg = world::sim_config(dir.path(), &scim).expect("sim config");
        tweak(&mut cfg);
        let server = Server::start(cfg).expect("simulator");
        Self {
            server,
            scim,
            dir,
            env: Env::from_pairs([(world::TOKEN_VAR, world::DEMO_TOKEN)]),
            loaded: load(text),
        }
    }

    pub fn client(&self) -> Client {
        world::sim_client(&self.server, &options()).expect("client")
    }

    /// Observe + diff.
    pub async fn plan(&self) -> Planned {
        let client = self.client();
        flow::plan_manifest(&client, &self.loaded, &self.env)
            .await
            .unwrap_or_else(|e| panic!("plan: {e:?}"))
    }

    /// Observe + diff + apply + convergence check.
    pub async fn apply(&self) -> ApplyReport {
        let client = self.client();
        let planned = self.plan().await;
        flow::apply_and_check(
            flow::Session {
                client: &client,
                loaded: &self.loaded,
                env: &self.env,
            },
            &planned,
            &apply_options(),
            &NoProgress,
            &StopFlag::new(),
        )
        .await
    }

    /// The canonical dump with the token fingerprint tag (salted with the service
    /// principal id, which differs between tenants) checked and then redacted.
    pub fn dump(&self) -> serde_json::Value {
        let mut d = self.server.state_dump();
        for sp in d["servicePrincipals"].as_array_mut().into_iter().flatten() {
            for t in sp["tags"].as_array_mut().into_iter().flatten() {
                if t.as_str()
                    .is_some_and(|s| s.starts_with("entraprov:token-sha256="))
                {
                    *t = "entraprov:token-sha256=<fingerprint>".into();
                }
            }
        }
        d
    }

    /// The service principals that came from the Keeper template.
    pub fn keeper_apps(&self) -> Vec<serde_json::Value> {
        self.server.state_dump()["servicePrincipals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| {
                s["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|x| x == "entraprov:keeper-prod"))
            })
            .cloned()
            .collect()
    }
}

/// Runs a future on a fresh runtime (tests are plain `#[test]`s).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Lines of the human report, for failure messages.
pub fn show(report: &ApplyReport) -> String {
    entraprov::render::report::human(report, Default::default())
}

/// The managed app as a reviewer wants to see it: tags, assignments, secrets, job state
/// and the object mappings (attribute → source expression, scoping filters).
pub fn app_summary(dump: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let apps: Vec<Value> = dump["servicePrincipals"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| {
            s["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "entraprov:keeper-prod"))
        })
        .map(|s| {
            let jobs: Vec<Value> = s["jobs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|j| {
                    let mut maps = Vec::new();
                    for r in j["schema"]["synchronizationRules"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        for om in r["objectMappings"].as_array().into_iter().flatten() {
                            let attrs: Vec<String> = om["attributeMappings"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|a| {
                                    format!(
                                        "{} <- {} (default {}, priority {}, {})",
                                        a["targetAttributeName"].as_str().unwrap_or(""),
                                        a["source"]["expression"].as_str().unwrap_or("null"),
                                        a["defaultValue"],
                                        a["matchingPriority"],
                                        a["flowType"].as_str().unwrap_or("")
                                    )
                                })
                                .collect();
                            maps.push(json!({
                                "source": om["sourceObjectName"], "target": om["targetObjectName"],
                                "enabled": om["enabled"], "flowTypes": om["flowTypes"],
                                "attributes": attrs, "scope": om["scope"],
                            }));
                        }
                    }
                    json!({
                        "templateId": j["templateId"], "scheduleState": j["scheduleState"],
                        "statusCode": j["statusCode"], "objectMappings": maps,
                    })
                })
                .collect();
            json!({
                "displayName": s["displayName"], "tags": s["tags"],
                "assignments": s["assignments"], "secrets": s["secrets"], "jobs": jobs,
            })
        })
        .collect();
    json!(apps)
}

/// The Keeper app's service principal id and job id (exactly one of each expected).
pub async fn app_and_job(
    client: &Client,
) -> (entraprov::ids::ServicePrincipalId, entraprov::ids::JobId) {
    let sps = client
        .find_service_principals_by_tag("entraprov:keeper-prod")
        .await
        .expect("find app");
    assert_eq!(sps.len(), 1, "one tagged app");
    let sp = sps[0].id.clone();
    let jobs = client.list_jobs(&sp).await.expect("jobs");
    assert_eq!(jobs.len(), 1, "one job");
    (sp, jobs[0].id.clone())
}

/// Drift "by someone in the portal": alice's assignment removed, the users' `displayName`
/// mapped from `mail`, provisioning paused.
pub async fn drift(client: &Client) {
    use serde_json::json;
    let (sp, job) = app_and_job(client).await;
    let alice = client
        .list_assignments(&sp)
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.principal_display_name.as_deref() == Some("Alice Anders"))
        .expect("alice is assigned");
    client
        .delete_assignment(&sp, &alice.id)
        .await
        .expect("unassign");
    let mut schema = client.get_schema(&sp, &job).await.expect("schema");
    for rule in schema.0["synchronizationRules"].as_array_mut().unwrap() {
        for om in rule["objectMappings"].as_array_mut().unwrap() {
            if om["sourceObjectName"] != "User" {
                continue;
            }
            for a in om["attributeMappings"].as_array_mut().unwrap() {
                if a["targetAttributeName"] == "displayName" {
                    a["source"] = json!({"type": "Attribute", "name": "mail",
                        "expression": "[mail]", "parameters": []});
                }
            }
        }
    }
    client
        .put_schema(&sp, &job, &schema)
        .await
        .expect("schema put");
    client.pause_job(&sp, &job).await.expect("pause");
}

/// Asserts two dumps are equal, showing a line diff when they are not.
pub fn assert_same_state(got: &serde_json::Value, want: &serde_json::Value, what: &str) {
    if got == want {
        return;
    }
    let a = serde_json::to_string_pretty(want).unwrap_or_default();
    let b = serde_json::to_string_pretty(got).unwrap_or_default();
    let diff = similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .to_string();
    panic!("{what}: state differs from the fault-free run:\n{diff}");
}

/// Writes the simulator received (method and route), e.g. `PUT /servicePrincipals/{id}/…`.
pub fn writes(w: &World) -> Vec<String> {
    let s = w.server.stats();
    s.by_route
        .keys()
        .chain(s.batched.keys())
        .filter(|k| !k.starts_with("GET") && !k.contains("$batch") && !k.contains("/token"))
        .cloned()
        .collect()
}
