//! Import's errors: ambiguous and unknown apps, invalid names.

use super::graph::*;
use super::support::*;

#[test]
fn ambiguous_display_name_is_an_error_listing_every_candidate_with_its_app_id() {
    let sim = start_sim();
    let g = Graph::new(&sim);
    let a = create_app(&g, "Keeper Password Manager & Digital Vault", "Twin");
    let b = create_app(&g, "Non-gallery application", "Twin");
    let run = import(&sim, &["--app", "Twin"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains(&a.app_id) && run.stderr.contains(&b.app_id),
        "{run:?}"
    );
    assert!(run.stderr.contains("E0802"), "{run:?}");
    redacted().bind(|| insta::assert_snapshot!("import_ambiguous_app", run.stderr));
    // Either appId picks one.
    let one = import(&sim, &["--app", &b.app_id, "--no-check"]);
    assert_eq!(one.code, 0, "{one:?}");
    assert!(
        one.stdout.contains("gallery: Non-gallery application"),
        "{one:?}"
    );
}

#[test]
fn unknown_app_and_invalid_name_exit_1_with_their_codes() {
    let sim = start_sim();
    let run = import(&sim, &["--app", "No such app"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("E0801") && run.stderr.contains("No such app"),
        "{run:?}"
    );
    let run = import(&sim, &["--app", "00000000-0000-0000-0000-00000000abcd"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("appId or object id"), "{run:?}");
    let run = import(&sim, &["--app", "x", "--name", "Bad_Name"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("E0803"), "{run:?}");
}
