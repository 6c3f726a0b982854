//! `entraprov status` end to end: the built binary against the in-process simulator, whose
//! job progression runs on a controlled clock. The tenant is prepared by direct Graph calls
//! (plain reqwest) and the simulator's control API, never through entraprov.

#[path = "status/common.rs"]
mod common;

#[path = "status/health.rs"]
mod health;
#[path = "status/logs.rs"]
mod logs;
#[path = "status/quarantine.rs"]
mod quarantine;
#[path = "status/watch.rs"]
mod watch;
