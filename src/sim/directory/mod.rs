//! The directory side of Graph: gallery templates and instantiate (`templates`), service
//! principals and the shapes they share (`apps`), app role assignments (`assign`), users
//! and groups (`users`), and the tenant's initial content (`seed`, assembled by `boot`).

pub mod applications;
pub mod apps;
pub mod assign;
pub mod boot;
pub mod members;
pub mod seed;
pub mod templates;
pub mod users;
