//! Two applies of the same manifest at the same moment against one tenant (issue #13):
//! Graph's lists lag behind creates (`replication-delay=3`), so each applier may not see the
//! other's new app. They must still end with one app, one job and a converged plan, and an
//! apply that failed a step never says "Converged" (docs/concurrency.md).

use entraprov::apply::flow::{self, Session};
use entraprov::apply::{NoProgress, StopFlag, all_done};
use entraprov::cli::demo::world;
use entraprov::plan::{ApplyReport, Convergence};

use super::support::*;

async fn one_apply(w: &World, loaded: &entraprov::manifest::LoadedManifest) -> ApplyReport {
    let client = w.client();
    let session = || Session {
        client: &client,
        loaded,
        env: &w.env,
    };
    let planned = flow::plan_manifest(&client, loaded, &w.env)
        .await
        .unwrap_or_else(|e| panic!("plan: {e:?}"));
    flow::apply_and_check(
        session(),
        &planned,
        &apply_options(),
        &NoProgress,
        &StopFlag::new(),
    )
    .await
}

/// Service principals tagged `entraprov:<name>`, with their job counts.
fn tagged(w: &World, name: &str) -> Vec<(String, usize)> {
    let tag = format!("entraprov:{name}");
    w.server.state_dump()["servicePrincipals"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| {
            s["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| *x == *tag))
        })
        .map(|s| {
            let jobs = s["jobs"].as_array().map_or(0, Vec::len);
            (s["id"].as_str().unwrap_or("").to_owned(), jobs)
        })
        .collect()
}

fn keeper_instances(w: &World) -> usize {
    w.server.state_dump()["servicePrincipals"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| {
            s["displayName"]
                .as_str()
                .is_some_and(|n| n.starts_with("Keeper (race"))
        })
        .count()
}

#[test]
fn twenty_pairs_of_concurrent_applies_leave_one_app_one_job_and_converge() {
    let w = World::keeper(Some("replication-delay=3"), 13);
    block_on(async {
        for i in 0..20 {
            let text = world::KEEPER_YAML
                .replace("name: keeper-prod", &format!("name: race-{i}"))
                .replace(
                    "displayName: Keeper (prod)",
                    &format!("displayName: Keeper (race {i})"),
                );
            let loaded = load(&text);
            let (a, b) = tokio::join!(one_apply(&w, &loaded), one_apply(&w, &loaded));
            for r in [&a, &b] {
                let human = show(r);
                if !all_done(r) {
                    assert_ne!(
                        r.convergence,
                        Some(Convergence::Converged),
                        "pair {i}:\n{human}"
                    );
                    assert!(!human.contains("Converged:"), "pair {i}:\n{human}");
                }
            }
            let apps = tagged(&w, &format!("race-{i}"));
            assert_eq!(
                apps.len(),
                1,
                "pair {i}: {apps:?}\n{}\n{}",
                show(&a),
                show(&b)
            );
            assert_eq!(apps[0].1, 1, "pair {i}: one job: {apps:?}");
            assert_eq!(
                keeper_instances(&w),
                i + 1,
                "pair {i}: the loser's app is gone"
            );
            let client = w.client();
            let after = flow::plan_manifest(&client, &loaded, &w.env)
                .await
                .unwrap_or_else(|e| panic!("pair {i}: plan after: {e:?}"));
            assert!(after.plan.is_empty(), "pair {i}: {:?}", after.plan.changes);
            assert!(
                a.succeeded() && b.succeeded(),
                "pair {i}: a job another apply started is already active, not a failure\n{}\n{}",
                show(&a),
                show(&b)
            );
        }
    });
}
