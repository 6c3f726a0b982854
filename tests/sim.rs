//! Tests of the Graph simulator (`src/sim`) through plain HTTP (reqwest), never through
//! `entraprov::graph`: every endpoint, every error case, paging, `$batch` limits,
//! masking, fault determinism, stats, and a real SCIM server behind validateCredentials.

#[path = "sim/common.rs"]
mod common;

#[path = "sim/apps.rs"]
mod apps;
#[path = "sim/assertions.rs"]
mod assertions;
#[path = "sim/assignments.rs"]
mod assignments;
#[path = "sim/auth.rs"]
mod auth;
#[path = "sim/batch.rs"]
mod batch;
#[path = "sim/cli.rs"]
mod cli;
#[path = "sim/directories.rs"]
mod directories;
#[path = "sim/directory.rs"]
mod directory;
#[path = "sim/faults.rs"]
mod faults;
#[path = "sim/schema.rs"]
mod schema;
#[path = "sim/scim.rs"]
mod scim;
#[path = "sim/shapes.rs"]
mod shapes;
#[path = "sim/sync.rs"]
mod sync;
