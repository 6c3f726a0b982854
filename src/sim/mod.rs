//! A strict, in-process emulator of the Microsoft Graph endpoints entraprov uses, plus
//! the Entra token endpoint. It shares no code or wire types with [`crate::graph`]: a bug
//! in one must not hide a bug in the other.
//!
//! # Using it
//!
//! ```no_run
//! use entraprov::sim::{Server, SimConfig};
//! let server = Server::start(SimConfig::default()).expect("simulator");
//! // Graph:      {url}/v1.0/…           (and {url}/beta/…)
//! // Token:      {url}/{tenant}/oauth2/v2.0/token  (client_credentials)
//! // Control:    {url}/_sim/stats, POST {url}/_sim/reset, {url}/_sim/state
//! let graph = server.graph_url();
//! let bearer = server.token(); // apply identity; plan_token() is read-only
//! # let _ = (graph, bearer);
//! ```
//!
//! [`Server::start`] binds a random loopback port (or [`SimConfig::port`]) and serves on
//! its own OS thread with its own tokio runtime, so it works from plain `#[test]`s, from
//! `#[tokio::test]`s and from inside the CLI's runtime. Dropping the [`Server`] stops it.
//!
//! Credentials: the tenant id is [`config::DEFAULT_TENANT_ID`] unless configured; two
//! client apps exist by default — the read-write "apply" identity
//! ([`config::DEFAULT_APPLY_CLIENT_ID`] / [`config::DEFAULT_APPLY_CLIENT_SECRET`], roles
//! [`config::APPLY_ROLES`]) and the read-only "plan" identity
//! ([`config::DEFAULT_PLAN_CLIENT_ID`] / [`config::DEFAULT_PLAN_CLIENT_SECRET`], roles
//! [`config::PLAN_ROLES`]). To point the CLI at it, export `AZURE_TENANT_ID`,
//! `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, `ENTRAPROV_GRAPH_URL={url}` and
//! `ENTRAPROV_AUTHORITY_URL={url}` (see [`Server::env`]), or `ENTRAPROV_ACCESS_TOKEN` from
//! [`Server::token`].
//!
//! The tenant starts with the gallery ([`directory::seed::gallery`]: Keeper Password Manager &
//! Digital Vault, the non-gallery app `8adf8e6e-…`, unrelated apps), 9 users and 5 groups
//! ([`directory::seed::fixed_directory`]), plus generated users/groups, a seed file and pre-created
//! apps as configured. Faults: see [`http::faults`]. The canonical dump ([`Server::state_dump`])
//! compares tenants regardless of ids, timestamps and creation order.
//!
//! # Behaviours a client meets (all tested in `tests/sim/`)
//!
//! - Errors: `{error:{code,message,innerError:{date,request-id,client-request-id}}}`; every
//!   answer has `request-id`. Sync errors are `UnknownError` with the real error as JSON in
//!   `message` (`{"error":{"code":"InvalidNotificationSettings",…}}`).
//! - 401 `InvalidAuthenticationToken` without a valid bearer; 403
//!   `Authorization_RequestDenied` per the permission table ([`http::perms`]).
//! - Duplicate assignment: 409 `Request_MultipleObjectsWithSameKeyValue`
//!   ("EntitlementGrant entry already exists."); unknown or zero-GUID role on an app with
//!   roles: 400 "Permission being assigned was not found on application …".
//! - Paging: default 100, `$top` 1..=999, `@odata.nextLink` with `$skiptoken`; `in (…)` and
//!   `or` chains up to 15 values; unsupported properties/functions in `$filter`: 400
//!   `Request_UnsupportedQuery`; unknown `$select` property or `$option`: 400.
//! - Schema: PATCH → 404; PUT validates rule ids, objects, attributes, expressions,
//!   operators and that an enabled mapping has a matching attribute; it stores attribute
//!   mappings sorted by `targetAttributeName`, an expression's text as sent when it says
//!   what its tree says (trailing empty arguments kept), else re-rendered, and each
//!   `operatorName` as sent (`schema/filterOperators` lists the documented spaced names
//!   `EQUALS`, `NOT EQUALS`, `IS TRUE`, … and the portal's `&`, `!&`, `ENDS_WITH`,
//!   `Greater_Than`, `Greater_Than_OR_EQUALS`, `Includes`).
//! - Jobs: new ones are Disabled/NotConfigured; `start` on an Active job is accepted and
//!   changes nothing; a second job for a template is not refused (nothing documents
//!   either refusal; see `docs/graph-fidelity.md`).
//! - `/beta` only for `schema/filterOperators` and `schema/functions`; 404 elsewhere.
//! - `$batch`: ≤ 20 parts, unique ids, `dependsOn` (424 when a dependency failed), answers
//!   in a different order, each part throttled on its own.
//! - Bodies must be `application/json` (415 otherwise).
//! - `applications/{id}` and `applications(appId='…')`: GET (with `createdDateTime`, which
//!   Graph documents on `application`, not on `servicePrincipal`) and DELETE; DELETE of a
//!   service principal removes it with its jobs and assignments (204; deleted items are not
//!   kept).

pub mod config;
pub mod core;
pub mod directory;
pub mod http;
pub mod state;
pub mod sync;

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use secrecy::SecretString;

pub use config::{ClientApp, OnDemandOutcome, PrecreatedApp, SimConfig};
pub use http::error::SimError;
pub use http::faults::FaultSpec;
pub use http::stats::StatsSnapshot;
pub use http::throttle::{TenantSize, ThrottleSpec, ThrottleStats};

use crate::ids::{AppId, TenantId};
use crate::sim::core::Sim;
use crate::sim::http::faults::Faults;

/// A running simulator. Dropping it stops the server.
pub struct Server {
    sim: Arc<Sim>,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts a simulator on 127.0.0.1 (port [`SimConfig::port`], 0 = any free port).
    pub fn start(cfg: SimConfig) -> Result<Server, SimError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", cfg.port)).map_err(|source| {
            SimError::Bind {
                port: cfg.port,
                source,
            }
        })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            port: cfg.port,
            source,
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| SimError::Bind {
                port: cfg.port,
                source,
            })?;
        let url = format!("http://{addr}");
        let mut tenant = directory::boot::build_tenant(&cfg)?;
        // Index the users now, so the tenant `/_sim/reset` restores carries the index.
        tenant.user_positions(std::iter::empty());
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| SimError::Thread(e.to_string()))?;
        let mut key = vec![0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut key[..]);
        let throttle = cfg
            .throttle
            .as_ref()
            .map(|t| http::throttle::Throttle::new(t, tenant.users.len()));
        let sim = Arc::new(Sim {
            throttle,
            faults: Faults::new(cfg.faults.clone(), cfg.fault_seed),
            on_demand: Mutex::new(cfg.on_demand.clone()),
            pod_calls: Mutex::new(Vec::new()),
            verified: Mutex::new(None),
            state_file: cfg.state_file.clone(),
            initial: tenant.clone(),
            tenant: Mutex::new(tenant),
            stats: Default::default(),
            base_url: url.clone(),
            http,
            key,
            cfg,
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("entraprov-sim")
            .enable_all()
            .build()
            .map_err(|e| SimError::Thread(e.to_string()))?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let served = sim.clone();
        let thread = std::thread::Builder::new()
            .name("entraprov-sim".into())
            .spawn(move || {
                let _ = runtime.block_on(http::server::serve(served, listener, stopped));
                runtime.shutdown_timeout(std::time::Duration::from_millis(200));
            })
            .map_err(|e| SimError::Thread(e.to_string()))?;
        Ok(Server {
            sim,
            url,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:PORT` (also the authority URL).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Graph base URL: `{url}/v1.0`.
    pub fn graph_url(&self) -> String {
        format!("{}/v1.0", self.url)
    }

    /// Token endpoint: `{url}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.url, self.sim.cfg.tenant_id)
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> TenantId {
        TenantId::new(self.sim.cfg.tenant_id.clone())
    }

    /// Client id of the read-write "apply" identity (the first configured client).
    pub fn client_id(&self) -> AppId {
        AppId::new(
            self.client(0)
                .map(|c| c.client_id.clone())
                .unwrap_or_default(),
        )
    }

    /// Client secret of the "apply" identity.
    pub fn client_secret(&self) -> SecretString {
        SecretString::from(
            self.client(0)
                .and_then(|c| c.client_secret.clone())
                .unwrap_or_default(),
        )
    }

    /// Client id of the read-only "plan" identity (the second configured client).
    pub fn plan_client_id(&self) -> AppId {
        AppId::new(
            self.client(1)
                .map(|c| c.client_id.clone())
                .unwrap_or_default(),
        )
    }

    /// Client secret of the "plan" identity.
    pub fn plan_client_secret(&self) -> SecretString {
        SecretString::from(
            self.client(1)
                .and_then(|c| c.client_secret.clone())
                .unwrap_or_default(),
        )
    }

    fn client(&self, i: usize) -> Option<&ClientApp> {
        self.sim.cfg.clients.get(i)
    }

    /// An access token of the "apply" identity, as the token endpoint would issue it.
    pub fn token(&self) -> String {
        self.client(0)
            .map(|c| http::token::mint(&self.sim, c, &c.roles))
            .unwrap_or_default()
    }

    /// An access token of the read-only "plan" identity.
    pub fn plan_token(&self) -> String {
        self.client(1)
            .map(|c| http::token::mint(&self.sim, c, &c.roles))
            .unwrap_or_default()
    }

    /// An access token of the "apply" identity carrying exactly `roles`.
    pub fn token_with_roles(&self, roles: &[&str]) -> String {
        let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        self.client(0)
            .map(|c| http::token::mint(&self.sim, c, &roles))
            .unwrap_or_default()
    }

    /// Environment variables that point entraprov at this server with the apply identity.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        use secrecy::ExposeSecret;
        let mut env = vec![
            ("AZURE_TENANT_ID", self.sim.cfg.tenant_id.clone()),
            ("AZURE_CLIENT_ID", self.client_id().to_string()),
            (
                "AZURE_CLIENT_SECRET",
                self.client_secret().expose_secret().to_owned(),
            ),
            ("ENTRAPROV_GRAPH_URL", self.url.clone()),
            ("ENTRAPROV_AUTHORITY_URL", self.url.clone()),
        ];
        // A throttling model with shorter windows: tell the client, so it paces to them.
        if let Some(t) = self
            .sim
            .cfg
            .throttle
            .as_ref()
            .filter(|t| t.time_scale != 1.0)
        {
            env.push(("ENTRAPROV_GRAPH_TIME_SCALE", t.time_scale.to_string()));
        }
        env
    }

    /// Request accounting.
    pub fn stats(&self) -> StatsSnapshot {
        self.sim.stats_snapshot()
    }

    /// Moves the throttling model's clock forward (its buckets refill); no-op without it.
    pub fn advance_throttle_clock(&self, simulated: std::time::Duration) {
        if let Some(t) = &self.sim.throttle {
            t.advance(simulated.as_secs_f64());
        }
    }

    /// Charges resource and write units to the throttling model as if application `app`
    /// had spent them in `tenant` (e.g. the same app in other tenants); no-op without it.
    pub fn throttle_spend(&self, app: &str, tenant: &str, ru: u32, writes: u32) {
        if let Some(t) = &self.sim.throttle {
            t.spend(app, tenant, http::throttle::Cost { ru, write: writes });
        }
    }

    /// Throttles every Graph request for the next `simulated` time (a 429 storm).
    pub fn throttle_storm(&self, simulated: std::time::Duration) {
        if let Some(t) = &self.sim.throttle {
            t.storm(simulated.as_secs_f64());
        }
    }

    /// Restores the tenant as it was at start and zeroes the stats.
    pub fn reset(&self) {
        http::control::reset(&self.sim);
    }

    /// Canonical dump of the tenant (see [`http::dump`]).
    pub fn state_dump(&self) -> serde_json::Value {
        http::dump::dump(&self.sim.lock())
    }

    /// Sets the `provisionOnDemand` outcome for a user (object id or UPN).
    pub fn set_on_demand_outcome(&self, user: &str, outcome: OnDemandOutcome) {
        if let Ok(mut o) = self.sim.on_demand.lock() {
            o.retain(|(u, _)| !u.eq_ignore_ascii_case(user));
            o.push((user.to_owned(), outcome));
        }
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}
