//! Crash safety: the apply is killed after its Nth request (the future is dropped with
//! the request in flight, as when the process dies); a second apply always converges,
//! with exactly one app and one job.

use std::time::Duration;

use entraprov::apply::flow;
use entraprov::apply::{NoProgress, StopFlag};

use crate::support::{World, apply_options, assert_same_state, block_on, show};

/// Plans, then applies until `kill_after` more requests reached the simulator; returns
/// whether the apply finished before that.
async fn apply_killed_after(w: &World, kill_after: u64) -> bool {
    let client = w.client();
    let planned = w.plan().await;
    let start = w.server.stats().total;
    let (opts, stop) = (apply_options(), StopFlag::new());
    let apply = flow::apply_and_check(
        flow::Session {
            client: &client,
            loaded: &w.loaded,
            env: &w.env,
        },
        &planned,
        &opts,
        &NoProgress,
        &stop,
    );
    let killer = async {
        while w.server.stats().total < start + kill_after {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    };
    tokio::select! {
        _ = apply => true,
        () = killer => false,
    }
}

#[test]
fn apply_killed_at_twenty_points_then_reapplied_converges_without_duplicates() {
    let reference = World::keeper(None, 0);
    // Requests of the executor alone (not of the plan before nor the check after).
    let requests = block_on(async {
        let planned = reference.plan().await;
        let planned_at = reference.server.stats().total;
        let report = entraprov::apply::execute(
            &reference.client(),
            &planned.plan,
            &flow::inputs(&planned.desired),
            &apply_options(),
            &NoProgress,
            &StopFlag::new(),
        )
        .await;
        assert!(entraprov::apply::all_done(&report), "{}", show(&report));
        reference.server.stats().total - planned_at
    });
    eprintln!("the apply makes {requests} requests");
    assert!(requests >= 20, "the apply makes {requests} requests");
    let want = reference.dump();
    for k in 0..20u64 {
        let kill_after = 1 + k * (requests - 1) / 19;
        let w = World::keeper(None, 0);
        block_on(async {
            let finished = apply_killed_after(&w, kill_after).await;
            assert!(!finished, "kill point {kill_after} was reached");
            let report = w.apply().await;
            assert!(
                report.succeeded(),
                "after a kill at request {kill_after}:\n{}",
                show(&report)
            );
        });
        assert_eq!(w.keeper_apps().len(), 1, "kill at {kill_after}: one app");
        assert_same_state(&w.dump(), &want, &format!("kill at request {kill_after}"));
    }
}

#[test]
fn ctrl_c_lets_the_request_in_flight_finish_stops_reports_and_a_rerun_converges() {
    use entraprov::plan::OutcomeStatus;
    let w = World::keeper(None, 0);
    block_on(async {
        let client = w.client();
        let planned = w.plan().await;
        let start = w.server.stats().total;
        let (opts, stop) = (apply_options(), StopFlag::new());
        let ctrl_c = stop.clone();
        let pressed_at = async {
            while w.server.stats().total < start + 8 {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            ctrl_c.stop();
            w.server.stats().total
        };
        let apply = flow::apply_and_check(
            flow::Session {
                client: &client,
                loaded: &w.loaded,
                env: &w.env,
            },
            &planned,
            &opts,
            &NoProgress,
            &stop,
        );
        let (report, pressed_at) = tokio::join!(apply, pressed_at);
        assert!(report.interrupted, "{}", show(&report));
        assert!(report.convergence.is_none(), "no check after an interrupt");
        let s = report.summary();
        assert!(
            s.done >= 1 && s.failed == 0 && s.skipped >= 1,
            "{}",
            show(&report)
        );
        assert!(report.outcomes.iter().all(|o| match &o.status {
            OutcomeStatus::Skipped { because } => because.is_none(),
            _ => true,
        }));
        let after = w.server.stats().total - pressed_at;
        assert!(after <= 2, "{after} requests were sent after Ctrl-C");
        let text = show(&report);
        assert!(
            text.contains("Interrupted: the request in flight finished"),
            "{text}"
        );
        let rerun = w.apply().await;
        assert!(rerun.succeeded(), "{}", show(&rerun));
    });
    assert_eq!(w.keeper_apps().len(), 1);
}

#[test]
fn lost_answers_to_instantiate_job_create_and_start_never_make_a_second_one() {
    use crate::proxy::{Rule, client_at, proxy};
    let w = World::keeper(None, 0);
    let report = block_on(async {
        let base = proxy(w.server.url().to_owned(), Rule::LoseCreateAnswers).await;
        let client = client_at(&w, &base);
        let planned = flow::plan_manifest(&client, &w.loaded, &w.env)
            .await
            .expect("plan");
        let (opts, stop) = (apply_options(), StopFlag::new());
        flow::apply_and_check(
            flow::Session {
                client: &client,
                loaded: &w.loaded,
                env: &w.env,
            },
            &planned,
            &opts,
            &NoProgress,
            &stop,
        )
        .await
    });
    assert!(report.succeeded(), "{}", show(&report));
    let routes = w.server.stats().by_route;
    let count = |suffix: &str| -> u64 {
        routes
            .iter()
            .filter(|(k, _)| k.starts_with("POST") && k.ends_with(suffix))
            .map(|(_, n)| *n)
            .sum()
    };
    assert_eq!(count("/instantiate"), 1, "{routes:#?}");
    assert_eq!(count("/synchronization/jobs"), 1, "{routes:#?}");
    assert_eq!(count("/start"), 1, "{routes:#?}");
    assert_eq!(w.keeper_apps().len(), 1);
    let jobs = &crate::support::app_summary(&w.dump())[0]["jobs"];
    assert_eq!(jobs.as_array().map(Vec::len), Some(1));
}
