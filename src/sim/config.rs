//! Simulator configuration: tenant, client apps, directory, faults, persistence.

use std::path::PathBuf;
use std::time::Duration;

use crate::sim::http::faults::FaultSpec;

/// Default tenant id of the simulator (`--tenant-id`).
pub const DEFAULT_TENANT_ID: &str = "5e1f0c2a-9d3b-4c7e-8a61-0d2b4f6a8c10";
/// Default client id of the read-write "apply" identity (`--client-id`).
pub const DEFAULT_APPLY_CLIENT_ID: &str = "a9b8c7d6-1111-4a2b-9c3d-5e6f7a8b9c01";
/// Default client secret of the "apply" identity (`--client-secret`).
pub const DEFAULT_APPLY_CLIENT_SECRET: &str = "sim-apply-secret";
/// Client id of the read-only "plan" identity.
pub const DEFAULT_PLAN_CLIENT_ID: &str = "b1c2d3e4-2222-4b3c-8d4e-6f7a8b9c0d02";
/// Client secret of the read-only "plan" identity.
pub const DEFAULT_PLAN_CLIENT_SECRET: &str = "sim-plan-secret";

/// Application permissions (`roles` claim) of the read-write "apply" identity.
pub const APPLY_ROLES: &[&str] = &[
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Synchronization.ReadWrite.All",
    "User.Read.All",
    "Group.Read.All",
    "AuditLog.Read.All",
];

/// Application permissions of the read-only "plan" identity.
pub const PLAN_ROLES: &[&str] = &[
    "Application.Read.All",
    "Synchronization.Read.All",
    "User.Read.All",
    "Group.Read.All",
    "AuditLog.Read.All",
];

/// A client application that may request tokens from the simulator.
#[derive(Clone, Debug)]
pub struct ClientApp {
    /// Display name of the app (its service principal is created in the tenant).
    pub display_name: String,
    /// The application (client) id.
    pub client_id: String,
    /// Accepted client secret (`client_secret` grant), if any.
    pub client_secret: Option<String>,
    /// PEM public key or certificate whose RS256 `client_assertion`s are accepted.
    pub certificate_pem: Option<String>,
    /// Federated credential `(issuer, subject)` whose assertions are accepted
    /// (signature not verified: the simulator has no issuer keys).
    pub federated: Option<(String, String)>,
    /// Granted application permissions (the token's `roles` claim).
    pub roles: Vec<String>,
}

impl ClientApp {
    /// A client app with a secret and roles.
    pub fn with_secret(name: &str, client_id: &str, secret: &str, roles: &[&str]) -> Self {
        Self {
            display_name: name.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: Some(secret.to_owned()),
            certificate_pem: None,
            federated: None,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }
}

/// An app that exists in the tenant before the first request (for benchmarks and tests).
#[derive(Clone, Debug)]
pub struct PrecreatedApp {
    /// Display name of the instantiated app.
    pub display_name: String,
    /// Gallery template display name (or id) it is instantiated from.
    pub template: String,
    /// Tags on the service principal.
    pub tags: Vec<String>,
    /// Number of directory users assigned (the first N users, role `User` when present).
    pub user_assignments: usize,
    /// Whether a synchronization job exists (with the template's full default schema).
    pub with_job: bool,
    /// Secrets stored on the service principal.
    pub secrets: Vec<(String, String)>,
}

/// Outcome of `provisionOnDemand` for a user, controllable per user by tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnDemandOutcome {
    /// The user is exported (created or updated) in the target.
    Success,
    /// Nothing to do (`RedundantExport`).
    Skipped,
    /// The export fails with this SCIM error code and message.
    Failure {
        /// Error code, e.g. `SystemForCrossDomainIdentityManagementBadRequest`.
        code: String,
        /// Human message.
        message: String,
    },
}

/// Configuration of a simulator instance.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Directory (tenant) id.
    pub tenant_id: String,
    /// Client apps that can obtain tokens. The first one is the "apply" identity
    /// reported by [`crate::sim::Server::client_id`].
    pub clients: Vec<ClientApp>,
    /// Latency added to every Graph request (not `/_sim/*`).
    pub latency: Duration,
    /// Fault injection.
    pub faults: FaultSpec,
    /// Seed of generated ids and of the generated directory.
    pub seed: u64,
    /// Seed of the fault decisions (`--fault-seed`).
    pub fault_seed: u64,
    /// Persist the tenant to this JSON file (loaded at start when it exists).
    pub state_file: Option<PathBuf>,
    /// Seed file with users, groups and application templates (JSON).
    pub seed_file: Option<PathBuf>,
    /// Generated directory: this many extra users…
    pub generated_users: usize,
    /// …and this many extra groups.
    pub generated_groups: usize,
    /// Apps created before the first request.
    pub precreated: Vec<PrecreatedApp>,
    /// `provisionOnDemand` outcomes per user id or userPrincipalName (default: Success).
    pub on_demand: Vec<(String, OnDemandOutcome)>,
    /// Port to bind on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Tenant URLs that `validateCredentials` reaches at another address: `(prefix,
    /// replacement)`, e.g. a Keeper tenant URL served by a local SCIM endpoint in the demo.
    pub scim_routes: Vec<(String, String)>,
    /// The operators `schema/filterOperators` lists (catalogue names); empty: all of them.
    /// Which operators a given app's job supports is not documented; tests narrow it to
    /// show how plan reports an operator the job lacks.
    pub filter_operators: Vec<String>,
    /// Whether `validateCredentials` may connect to a SCIM endpoint that is not on a
    /// loopback address (after `scim_routes`). Off by default: the simulator never sends a
    /// token off the machine unless told to (`sim serve --allow-outbound`).
    pub allow_outbound: bool,
    /// Seed documents applied before `seed_file` (same shape), e.g. the playground's users.
    pub seed_json: Vec<serde_json::Value>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            tenant_id: DEFAULT_TENANT_ID.to_owned(),
            clients: vec![
                ClientApp::with_secret(
                    "entraprov-apply",
                    DEFAULT_APPLY_CLIENT_ID,
                    DEFAULT_APPLY_CLIENT_SECRET,
                    APPLY_ROLES,
                ),
                ClientApp::with_secret(
                    "entraprov-plan",
                    DEFAULT_PLAN_CLIENT_ID,
                    DEFAULT_PLAN_CLIENT_SECRET,
                    PLAN_ROLES,
                ),
            ],
            latency: Duration::ZERO,
            faults: FaultSpec::default(),
            seed: 0,
            fault_seed: 0,
            state_file: None,
            seed_file: None,
            generated_users: 0,
            generated_groups: 0,
            precreated: Vec::new(),
            on_demand: Vec::new(),
            port: 0,
            scim_routes: Vec::new(),
            filter_operators: Vec::new(),
            allow_outbound: false,
            seed_json: Vec::new(),
        }
    }
}
