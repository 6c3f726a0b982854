//! Synchronization (provisioning): templates and their default schemas (`synctpl`), jobs
//! (`jobs`), secrets (`secrets`), schema, `filterOperators`, `functions` and
//! `parseExpression` (`schema`, with the expression language in `expr`, its evaluator in
//! `eval` and the catalogue in `catalog`), `validateCredentials` and `provisionOnDemand`
//! (`probe`, request bodies in `on_demand`), job progression over simulated time
//! (`progress`) and the provisioning logs it writes (`auditlogs`).

pub mod auditlogs;
pub mod catalog;
pub mod directories;
pub mod eval;
pub mod expr;
pub mod jobs;
pub mod logfilter;
pub mod on_demand;
pub mod probe;
pub mod progress;
pub mod schema;
pub mod secrets;
pub mod synctpl;
