//! Convergence under faults: throttling, 503s, dropped connections (the server may or may
//! not have processed the request) and replication delays after creates.

use crate::support::{World, app_and_job, block_on, drift, show};

const FAULTS: &str =
    "throttle=0.2:retry-after=0,error503=0.05:retry-after=0,drop=0.02,replication-delay=3";
const SEEDS: u64 = 50;

/// Applies until the report says done and converged (at most `tries` applies).
async fn apply_until_converged(w: &World, tries: usize) -> usize {
    for n in 1..=tries {
        let report = w.apply().await;
        if report.succeeded() {
            return n;
        }
        if n == tries {
            panic!("not converged after {tries} applies:\n{}", show(&report));
        }
        eprintln!("apply {n} did not converge:\n{}", show(&report));
    }
    unreachable!()
}

#[test]
fn fifty_fault_seeds_on_an_empty_tenant_end_in_the_fault_free_state() {
    let reference = World::keeper(None, 0);
    block_on(async { assert_eq!(apply_until_converged(&reference, 1).await, 1) });
    let want = reference.dump();
    let mut second_applies = 0;
    for seed in 0..SEEDS {
        let w = World::keeper(Some(FAULTS), seed);
        block_on(async {
            if apply_until_converged(&w, 2).await > 1 {
                second_applies += 1;
            }
            let client = w.client();
            app_and_job(&client).await;
            assert!(
                w.plan().await.plan.is_empty(),
                "seed {seed}: plan not empty"
            );
        });
        assert_eq!(w.keeper_apps().len(), 1, "seed {seed}: one app");
        crate::support::assert_same_state(&w.dump(), &want, &format!("seed {seed}"));
        let stats = w.server.stats();
        assert!(stats.total > 0);
    }
    assert_eq!(second_applies, 0, "every seed converged in one apply");
}

#[test]
fn fifty_fault_seeds_repair_a_drifted_tenant() {
    let reference = World::keeper(None, 0);
    block_on(async { apply_until_converged(&reference, 1).await });
    let want = reference.dump();
    for seed in 0..SEEDS {
        let w = World::keeper(Some(FAULTS), 1000 + seed);
        block_on(async {
            apply_until_converged(&w, 2).await;
            drift(&w.client()).await;
            let drifted = w.plan().await.plan;
            assert_eq!(
                drifted.changes.len(),
                3,
                "seed {seed}: {:#?}",
                drifted.changes
            );
            apply_until_converged(&w, 1).await;
        });
        assert_eq!(w.keeper_apps().len(), 1, "seed {seed}: one app");
        crate::support::assert_same_state(&w.dump(), &want, &format!("seed {seed}"));
    }
}
