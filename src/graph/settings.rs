//! How to reach Microsoft Graph for one run, independent of where the values come from.
//! `cli` fills [`ConnectionSettings`] from its flags and environment variables; a library
//! user or a test fills it directly. [`Client::connect`] is the one place where settings,
//! client options and the credential chain meet, so a setting that changes how requests
//! are made (a per-command deadline, say) is a field here plus one line there.

use super::auth::Env;
use super::client::{Client, ClientOptions, SetupError};
use super::endpoints::{Cloud, EndpointError, Endpoints};
use super::retry::RetryPolicy;

/// Where Graph and the Entra authority live for one run. Build it with struct update
/// syntax (`ConnectionSettings { cloud: Some(Cloud::Usgov), ..Default::default() }`) so
/// that fields added later keep their defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionSettings {
    /// National cloud; `None`: derived from the authority URL, else the public cloud.
    pub cloud: Option<Cloud>,
    /// Graph base URL override (`--graph-url`), with or without `/v1.0`.
    pub graph_url: Option<String>,
    /// Entra authority URL override (`--authority-url`).
    pub authority_url: Option<String>,
    /// The command's deadline (`--timeout`): every Graph and token call, retries and
    /// throttling waits included. `None`: the client options' (10 minutes by default).
    pub timeout: Option<std::time::Duration>,
    /// The endpoint's throttling windows are this many times shorter (a simulator started
    /// with `--time-scale K`); `None`: Graph's own (the client options' pacing).
    pub time_scale: Option<f64>,
}

impl ConnectionSettings {
    /// The endpoints these settings name (URLs checked: https, or http on loopback).
    pub fn endpoints(&self) -> Result<Endpoints, EndpointError> {
        Endpoints::new(
            self.cloud,
            self.graph_url.as_deref(),
            self.authority_url.as_deref(),
        )
    }
}

impl Client {
    /// A client for `settings`, with the credential chain of DESIGN.md §3 read from `env`.
    pub fn connect(
        settings: &ConnectionSettings,
        env: &Env,
        options: &ClientOptions,
    ) -> Result<Self, SetupError> {
        let mut options = options.clone();
        if let Some(t) = settings.timeout {
            options.policy = RetryPolicy::with_timeout(t);
        }
        if let Some(k) = settings.time_scale {
            options.pace.time_scale = k;
        }
        Client::from_env(settings.endpoints()?, env, &options)
    }
}
