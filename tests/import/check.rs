//! The library API: `import_app` and the self-check `check_round_trip`, which must report a
//! change that the manifest introduces (and nothing for the manifest as imported).

use entraprov::graph::Client;
use entraprov::graph::auth::Env;
use entraprov::import::{self, Options};

use super::graph::*;
use super::support::*;

fn client(sim: &entraprov::sim::Server) -> Client {
    let url = sim.url().to_owned();
    let endpoints =
        entraprov::graph::Endpoints::new(None, Some(&url), Some(&url)).expect("endpoints");
    let env = Env::from_pairs([("ENTRAPROV_ACCESS_TOKEN", sim.token())]);
    Client::from_env(endpoints, &env, &entraprov::observe::client_options()).expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_self_check_finds_nothing_to_change_until_the_manifest_is_edited() {
    let sim = start_sim();
    let app = tokio::task::block_in_place(|| {
        let g = Graph::new(&sim);
        let app = create_app(&g, "Non-gallery application", "Payroll");
        put_secrets(&g, &app, &[("BaseAddress", "https://scim.example/payroll")]);
        app
    });
    let client = client(&sim);
    let out = import::import_app(&client, &Options::new(app.app_id.clone()))
        .await
        .expect("import");
    assert_eq!(out.name, "payroll");
    assert_eq!(out.token_var, "PAYROLL_SCIM_TOKEN");
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let extra = import::check_round_trip(&client, &out.yaml, &out.token_var)
        .await
        .expect("check");
    assert!(extra.is_empty(), "{extra:?}");
    let edited = out.yaml.replace(
        "title: { source: jobTitle }",
        "title: { source: department }",
    );
    assert_ne!(edited, out.yaml);
    let extra = import::check_round_trip(&client, &edited, &out.token_var)
        .await
        .expect("check");
    assert_eq!(
        extra,
        vec!["~ mapping[users].attribute[title] source".to_owned()]
    );
}
