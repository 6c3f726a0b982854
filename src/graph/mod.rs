//! Microsoft Graph client and authentication — the only module that talks to Graph and to
//! the Entra token endpoint.
//!
//! Everything above it (observe, apply, import, test-connection) calls the typed methods of
//! [`Client`] and never builds a URL.
//!
//! # Setting up
//! ```no_run
//! # async fn demo() -> miette::Result<()> {
//! use entraprov::graph::{Client, ClientOptions, Cloud, ConnectionSettings, auth::Env};
//! let settings = ConnectionSettings {                       // cli fills it from --cloud,
//!     cloud: Some(Cloud::Public),                           // --graph-url, --authority-url
//!     ..ConnectionSettings::default()
//! };
//! let client = Client::connect(&settings, &Env::from_process(), &ClientOptions::default())?;
//! let tenant = client.tenant_id().await?;                   // `tid` of the token, for the guard
//! # let _ = tenant; Ok(()) }
//! ```
//!
//! # Pieces
//! - [`ConnectionSettings`]: what a run says about where Graph is (cloud, URL overrides);
//!   built by `cli` from its flags, turned into a client by [`Client::connect`].
//! - [`Endpoints`]: Graph base + authority for a [`Cloud`] or explicit URLs; `http://` only
//!   on loopback.
//! - [`auth`]: [`auth::TokenProvider`], the credential chain of DESIGN.md §3
//!   ([`auth::credential_from_env`]), the cached [`auth::Credential`] and
//!   [`auth::token_tenant_id`].
//! - [`Client`]: retries (see [`retry`]), paging, [`Client::batch`], `client-request-id`,
//!   `User-Agent: entraprov/<version>`. [`Client::after_create`] opens the replication-delay
//!   window for calls right after a create.
//! - [`GraphError`]: status, Graph code, unwrapped inner error, request ids, operation, help.
//! - [`odata`]: literal quoting, percent-encoding and `in (…)` chunks of 15.
//! - [`wire`]: Graph payload types (our own; the simulator has its own).
//! - Typed methods, grouped by area in `api/` files: gallery templates and service
//!   principals, app role assignments, user/group resolution, synchronization jobs, secrets
//!   and schema.
//!
//! Non-idempotent creates ([`Client::instantiate_template`], [`Client::create_assignment`],
//! [`Client::create_job`]) are retried only when the request provably never ran; when
//! [`GraphError::outcome_unknown`] is true the caller must look again before creating again
//! ([`create_with_recheck`] does exactly that).

mod api;
pub mod auth;
mod batch;
mod client;
pub mod endpoints;
pub mod error;
mod json;
pub mod odata;
mod paging;
pub mod retry;
mod settings;
pub mod wire;

pub use api::logs::LogQuery;
pub use auth::Credential;
pub use batch::{BatchRequest, BatchResponse, MAX_PER_BATCH};
pub use client::{Client, ClientOptions, RawResponse, SetupError, USER_AGENT, build_http};
pub use endpoints::{Cloud, EndpointError, Endpoints};
pub use error::{ErrorKind, GraphError, GraphErrorDetails, InnerError, Operation};
pub use paging::Page;
pub use retry::{Idempotency, RetryPolicy, create_with_recheck};
pub use secrecy::SecretString;
pub use settings::ConnectionSettings;
