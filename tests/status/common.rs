//! A simulator with a tagged Keeper app (job not started), helpers to drive it, and
//! running `entraprov status` against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use entraprov::sim::{OnDemandOutcome, PrecreatedApp, Server, SimConfig};
use serde_json::Value;

/// The manifest name (tag `entraprov:keeper-prod`).
pub const NAME: &str = "keeper-prod";
/// Users assigned to the app (the first six of the simulator's fixed directory).
pub const ASSIGNED: usize = 6;

/// A running world: simulator, temp dir with the manifest, the app's ids.
pub struct World {
    pub sim: Server,
    pub dir: tempfile::TempDir,
    pub manifest: PathBuf,
    pub sp: String,
    pub job: String,
}

/// A world with `outcomes` per user (UPN → outcome) applied to every cycle.
pub fn world_with(outcomes: Vec<(String, OnDemandOutcome)>) -> World {
    let cfg = SimConfig {
        precreated: vec![PrecreatedApp {
            display_name: "Keeper (prod)".into(),
            template: "Keeper Password Manager & Digital Vault".into(),
            tags: vec![format!("entraprov:{NAME}")],
            user_assignments: ASSIGNED,
            with_job: true,
            secrets: vec![],
        }],
        on_demand: outcomes,
        ..SimConfig::default()
    };
    let sim = Server::start(cfg).expect("simulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("keeper-prod.yaml");
    std::fs::write(&manifest, manifest_text(NAME, true)).expect("manifest");
    let (sp, job) = ids(&sim);
    World {
        sim,
        dir,
        manifest,
        sp,
        job,
    }
}

/// A world where every user exports fine.
pub fn world() -> World {
    world_with(Vec::new())
}

/// A minimal manifest.
pub fn manifest_text(name: &str, enabled: bool) -> String {
    format!(
        "apiVersion: entraprov/v1\nkind: EnterpriseApp\nname: {name}\napp:\n  displayName: Keeper (prod)\n  gallery: Keeper Password Manager & Digital Vault\nprovisioning:\n  enabled: {enabled}\n"
    )
}

/// One HTTP call on a throwaway runtime: `(status, JSON body or null)`.
pub fn http(method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = reqwest::Client::new().request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

/// A Graph GET that must succeed.
pub fn get(sim: &Server, path_and_query: &str) -> Value {
    let url = format!("{}{path_and_query}", sim.graph_url());
    let (status, body) = http("GET", &url, Some(&sim.token()), None);
    assert_eq!(status, 200, "GET {path_and_query}: {body}");
    body
}

/// `(service principal id, job id)` of the tagged app, by direct Graph calls.
fn ids(sim: &Server) -> (String, String) {
    let sps = get(
        sim,
        &format!("/servicePrincipals?$filter=tags/any(t:t%20eq%20'entraprov:{NAME}')"),
    );
    let sp = sps["value"][0]["id"]
        .as_str()
        .expect("tagged app")
        .to_owned();
    let jobs = get(
        sim,
        &format!("/servicePrincipals/{sp}/synchronization/jobs"),
    );
    let job = jobs["value"][0]["id"].as_str().expect("job").to_owned();
    (sp, job)
}

impl World {
    /// `POST …/jobs/{id}/{action}` with an optional body; returns the status code.
    pub fn control(&self, action: &str, body: Option<Value>) -> u16 {
        let url = format!(
            "{}/servicePrincipals/{}/synchronization/jobs/{}/{action}",
            self.sim.graph_url(),
            self.sp,
            self.job
        );
        http("POST", &url, Some(&self.sim.token()), body).0
    }

    /// Starts the job (204 expected).
    pub fn start(&self) {
        assert_eq!(self.control("start", None), 204);
    }

    /// The job as Graph returns it.
    pub fn job_json(&self) -> Value {
        get(
            &self.sim,
            &format!(
                "/servicePrincipals/{}/synchronization/jobs/{}",
                self.sp, self.job
            ),
        )
    }

    /// Moves simulated time forward.
    pub fn advance(&self, minutes: u64) {
        self.sim.advance_clock(Duration::from_secs(minutes * 60));
    }

    /// `entraprov` pointed at the simulator.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("entraprov").expect("binary");
        cmd.env_clear();
        for (k, v) in self.sim.env() {
            cmd.env(k, v);
        }
        cmd.env("NO_COLOR", "1");
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// Runs `entraprov status <manifest> <args>`.
    pub fn status(&self, args: &[&str]) -> Run {
        run(self.cmd().arg("status").arg(&self.manifest).args(args))
    }

    /// Requests the simulator answered for a route, e.g. `GET /v1.0/auditLogs/provisioning`.
    pub fn requests(&self, route_prefix: &str) -> u64 {
        self.sim
            .stats()
            .by_route
            .iter()
            .filter(|(k, _)| k.starts_with(route_prefix))
            .map(|(_, v)| *v)
            .sum()
    }
}

/// The result of a run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a prepared command.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run entraprov");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Path of a file in the crate.
pub fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Settings that hide volatile ids, times and ports in snapshots.
pub fn redacted() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r"keeperPasswordManagerDigitalVault\.[0-9a-f]+\.[0-9a-f-]+",
        "[job]",
    );
    s.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[guid]",
    );
    s.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]");
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    s.add_filter(r#"/tmp/[^\s:`',")]+"#, "[tmp]");
    s.set_snapshot_path(crate_path("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Snapshot of a run (exit code, stdout, stderr) under redaction.
#[macro_export]
macro_rules! snap {
    ($name:expr, $run:expr) => {
        $crate::common::redacted().bind(|| insta::assert_debug_snapshot!($name, $run))
    };
}
