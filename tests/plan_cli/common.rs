//! The simulator seeded for `examples/keeper.yaml`, and running the binary against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use entraprov::sim::{Server, SimConfig};

/// The tenant of `examples/keeper.yaml`.
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The group `examples/keeper.yaml` names by object id.
pub const ADMINS_ID: &str = "5f0c3c52-6c3e-4a0f-9a53-0d3e2a7f1b11";
/// The SCIM token the tests export as KEEPER_SCIM_TOKEN.
pub const SCIM_TOKEN: &str = "scim-token-for-tests-0001";

/// Path of a file in the crate.
pub fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `examples/keeper.yaml`.
pub fn keeper_yaml() -> PathBuf {
    crate_path("examples/keeper.yaml")
}

/// A simulator for keeper.yaml's tenant, with alice@contoso.com and the group by id.
pub fn start_sim() -> (Server, tempfile::TempDir) {
    start_sim_with(|_| {})
}

/// [`start_sim`] with a configuration hook.
pub fn start_sim_with(f: impl FnOnce(&mut SimConfig)) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = serde_json::json!({
        "users": [
            { "userPrincipalName": "alice@contoso.com", "displayName": "Alice Contoso",
              "givenName": "Alice", "surname": "Contoso", "department": "Engineering" },
            { "userPrincipalName": "bob@contoso.com", "displayName": "Bob Contoso" }
        ],
        "groups": [
            { "id": ADMINS_ID, "displayName": "Keeper Admins", "description": "by id",
              "members": ["alice@contoso.com"] }
        ]
    });
    let seed_path = dir.path().join("seed.json");
    std::fs::write(&seed_path, seed.to_string()).expect("seed file");
    let mut cfg = SimConfig {
        tenant_id: TENANT.to_owned(),
        seed_file: Some(seed_path),
        ..SimConfig::default()
    };
    f(&mut cfg);
    (Server::start(cfg).expect("simulator"), dir)
}

/// `entraprov` with only the variables that point it at the simulator (apply identity).
pub fn entraprov(sim: &Server) -> Command {
    let mut cmd = Command::cargo_bin("entraprov").expect("binary");
    cmd.env_clear();
    for (k, v) in sim.env() {
        cmd.env(k, v);
    }
    cmd.env("KEEPER_SCIM_TOKEN", SCIM_TOKEN);
    cmd.env("NO_COLOR", "1");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// The result of a run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `entraprov plan <args>` and captures everything.
pub fn plan(sim: &Server, args: &[&str]) -> Run {
    run(entraprov(sim).arg("plan").args(args))
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

/// Settings that hide volatile ids in snapshots.
pub fn redacted() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[guid]",
    );
    s.add_filter(r"\b[0-9a-f]{12}\b", "[fp]");
    s.add_filter(r"\b[0-9a-f]{6} → [0-9a-f]{6}\b", "[fp] → [fp]");
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    s.add_filter(
        r"keeperPasswordManagerDigitalVault\.[0-9a-f]+\.[0-9a-f-]+",
        "[job]",
    );
    s.set_snapshot_path(crate_path("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}
