//! The typed methods of [`super::Client`], one file per Graph area: gallery templates and
//! service principals (`apps`), app role assignments (`assign`), user and group resolution
//! (`directory`), provisioning logs and job status (`logs`), synchronization schema
//! (`schema`), and synchronization templates, jobs and secrets (`sync`).

mod apps;
mod assign;
mod attributes;
mod directory;
pub(super) mod logs;
mod schema;
mod sync;
