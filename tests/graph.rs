//! Graph client and authentication: protocol tests against wiremock (credential flows,
//! clouds, retry rules, paging, `$batch`), error rendering snapshots, the secret canary and
//! integration tests against the simulator.

mod graph {
    mod auth_flows;
    mod batch;
    mod canary;
    mod certificate;
    mod clouds;
    mod common;
    mod errors;
    mod methods;
    mod paging;
    mod retries;
    mod shapes;
    mod sim;
}
