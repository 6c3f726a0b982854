//! Microsoft Graph client and authentication — the only module that talks to Graph and to
//! the Entra token endpoint.
//!
//! Everything above it (observe, apply, import, test-connection) calls the typed methods of
//! [`Client`] and never builds a URL.
//!
//! # Setting up
//! ```no_run
//! # async fn demo(global: &entraprov::cli::GlobalArgs) -> miette::Result<()> {
//! use entraprov::graph::{Client, ClientOptions, Endpoints, auth::Env};
//! let endpoints = Endpoints::from_global(global)?;          // cloud / --graph-url / --authority-url
//! let client = Client::from_env(endpoints, &Env::from_process(), &ClientOptions::default())?;
//! let tenant = client.tenant_id().await?;                   // `tid` of the token, for the guard
//! # let _ = tenant; Ok(()) }
//! ```
//!
//! # Pieces
//! - [`Endpoints`]: Graph base + authority for a cloud or explicit URLs; `http://` only on
//!   loopback.
//! - [`auth`]: [`auth::TokenProvider`], the credential chain of DESIGN.md §3
//!   ([`auth::credential_from_env`]), the cached [`auth::Credential`] and
//!   [`auth::token_tenant_id`].
//! - [`Client`]: retries (see [`retry`]), paging, [`Client::batch`], `client-request-id`,
//!   `User-Agent: entraprov/<version>`. [`Client::after_create`] opens the replication-delay
//!   window for calls right after a create.
//! - [`GraphError`]: status, Graph code, unwrapped inner error, request ids, operation, help.
//! - [`odata`]: literal quoting, percent-encoding and `in (…)` chunks of 15.
//! - [`wire`]: Graph payload types (our own; the simulator has its own).
//! - Typed methods, grouped by area in `api_*` files: gallery templates and service
//!   principals, app role assignments, user/group resolution, synchronization jobs, secrets
//!   and schema.
//!
//! Non-idempotent creates ([`Client::instantiate_template`], [`Client::create_assignment`],
//! [`Client::create_job`]) are retried only when the request provably never ran; when
//! [`GraphError::outcome_unknown`] is true the caller must look again before creating again
//! ([`create_with_recheck`] does exactly that).

mod api_apps;
mod api_assign;
mod api_directory;
mod api_logs;
mod api_schema;
mod api_sync;
pub mod auth;
mod batch;
mod client;
pub mod endpoints;
pub mod error;
mod json;
pub mod odata;
mod paging;
pub mod retry;
pub mod wire;

pub use api_logs::LogQuery;
pub use auth::Credential;
pub use batch::{BatchRequest, BatchResponse, MAX_PER_BATCH};
pub use client::{Client, ClientOptions, RawResponse, SetupError, USER_AGENT, build_http};
pub use endpoints::{EndpointError, Endpoints};
pub use error::{ErrorKind, GraphError, GraphErrorDetails, InnerError, Operation};
pub use paging::Page;
pub use retry::{Idempotency, RetryPolicy, create_with_recheck};
pub use secrecy::SecretString;
