//! The GitHub Action and editor integration: `action.yml`, the example workflow and the
//! `scripts/gha/*.sh` scripts checked with the real tools (check-jsonschema's vendored
//! SchemaStore schemas, shellcheck, zizmor, actionlint, act), the scripts run with a fake GitHub environment,
//! the `github` module against a mock GitHub REST API, and yaml-language-server driven over LSP.
//!
//! External tools come from `$ENTRAPROV_TOOLS_DIR` (default `target/tools`, installed by
//! `scripts/test.sh`); a missing tool fails the test, it never skips it.

#[path = "gha/tools.rs"]
mod tools;

#[path = "gha/act.rs"]
mod act;
#[path = "gha/act_cache.rs"]
mod act_cache;
#[path = "gha/action.rs"]
mod action;
#[path = "gha/comment.rs"]
mod comment;
#[path = "gha/e2e.rs"]
mod e2e;
#[path = "gha/e2e_act.rs"]
mod e2e_act;
#[path = "gha/e2e_apply.rs"]
mod e2e_apply;
#[path = "gha/e2e_drift.rs"]
mod e2e_drift;
#[path = "gha/fake_github.rs"]
mod fake_github;
#[path = "gha/fake_issues.rs"]
mod fake_issues;
#[path = "gha/fake_oidc.rs"]
mod fake_oidc;
#[path = "gha/install.rs"]
mod install;
#[path = "gha/install_stage.rs"]
mod install_stage;
#[path = "gha/licences.rs"]
mod licences;
#[path = "gha/lsp.rs"]
mod lsp;
#[path = "gha/release.rs"]
mod release;
#[path = "gha/scripts.rs"]
mod scripts;
#[path = "gha/workflows.rs"]
mod workflows;
