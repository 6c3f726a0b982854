//! Custom and extension attributes (#16): attribute lists planned, applied, converged;
//! attribute-name typos stopped before any write; a refused schema PUT reported once,
//! against the change it names.

use entraprov::apply::flow;
use entraprov::plan::{Action, Address, OutcomeStatus};

use crate::support::{World, block_on, load, show};

const EXTENSION: &str = "extension_0123456789abcdef0123456789abcdef_costCenter";
const COST_CENTER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter";

/// `examples/keeper.yaml` with `users` mapping two added target attributes, one from a
/// directory extension; `extra` goes into the user attribute mappings.
fn manifest(extra: &str, definitions: &str) -> String {
    let base = entraprov::cli::demo::world::KEEPER_YAML;
    let anchor = "        externalId: { constant: contoso }\n";
    let added = format!(
        "{anchor}        nickName: {{ source: mailNickname }}\n        '{COST_CENTER}': {{ source: {EXTENSION} }}\n{extra}      targetAttributes:\n        definitions:\n          nickName: {{ caseExact: true }}\n          '{COST_CENTER}': {{ type: String }}\n{definitions}      sourceAttributes:\n        definitions:\n          {EXTENSION}: {{ type: String }}\n"
    );
    assert!(base.contains(anchor));
    base.replacen(anchor, &added, 1)
}

/// Requests that are not reads (token requests and `$batch` envelopes aside).
fn write_count(w: &World) -> u64 {
    let s = w.server.stats();
    s.by_route
        .iter()
        .chain(s.batched.iter())
        .filter(|(k, _)| !k.starts_with("GET") && !k.contains("$batch") && !k.contains("/token"))
        .map(|(_, n)| *n)
        .sum()
}

fn definition_lines(plan: &entraprov::plan::Plan) -> String {
    let text = entraprov::render::human::render(plan, Default::default());
    text.lines()
        .filter(|l| {
            l.contains("Attribute[")
                || l.trim_start().starts_with("type")
                || l.contains("caseExact")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn two_target_attributes_and_a_directory_extension_plan_apply_and_converge() {
    let w = World::with(&manifest("", ""), |_| {});
    let planned = block_on(w.plan());
    let defs: Vec<String> = planned
        .plan
        .changes
        .iter()
        .filter(|c| matches!(c.address, Address::Definition { .. }))
        .map(|c| format!("{} {}", c.action.symbol(), c.address))
        .collect();
    assert_eq!(
        defs,
        [
            format!("+ mapping[users].sourceAttribute[{EXTENSION}]"),
            "+ mapping[users].targetAttribute[nickName]".to_owned(),
            format!("+ mapping[users].targetAttribute[{COST_CENTER}]"),
        ]
    );
    snapshot!("custom_attrs_plan_lines", definition_lines(&planned.plan));
    let report = block_on(w.apply());
    assert!(report.succeeded(), "{}", show(&report));
    let again = block_on(w.plan());
    assert!(again.plan.changes.is_empty(), "{:?}", again.plan.changes);
    // The definitions are in the job schema as written.
    let dump = w.server.state_dump();
    let text = dump.to_string();
    assert!(text.contains(EXTENSION) && text.contains("nickName"));
    // Import emits the added attributes, and the imported manifest plans no changes.
    let (imported, leftover) = block_on(async {
        let client = w.client();
        let imported = entraprov::import::import_app(
            &client,
            &entraprov::import::Options::new("Keeper (prod)"),
        )
        .await
        .expect("import");
        let leftover =
            entraprov::import::check_round_trip(&client, &imported.yaml, &imported.token_var)
                .await
                .expect("round trip");
        (imported, leftover)
    });
    assert!(leftover.is_empty(), "{leftover:?}\n{}", imported.yaml);
    assert!(
        imported.diagnostics.is_empty(),
        "{:?}",
        imported.diagnostics
    );
    let lists: Vec<&str> = imported
        .yaml
        .lines()
        .skip_while(|l| !l.contains("targetAttributes:"))
        .take_while(|l| !l.trim().is_empty())
        .collect();
    snapshot!("custom_attrs_imported_lists", lists.join("\n"));
}

#[test]
fn attribute_name_typos_are_located_errors_with_suggestions_and_nothing_is_written() {
    let w = World::with(&manifest("", ""), |_| {});
    let report = block_on(w.apply());
    assert!(report.succeeded(), "{}", show(&report));
    let cases = [
        (
            "E0401",
            "nickName: { source: mailNickname }",
            "nickname: { source: mailNickname }",
            "`nickName`",
        ),
        (
            "E0402",
            "displayName: { source: displayName }",
            "displayName: { source: displayname }",
            "`displayName`",
        ),
        (
            "E0403",
            "[jobTitle], \"Staff\")",
            "[jobtitle], \"Staff\")",
            "`jobTitle`",
        ),
        (
            "E0404",
            "attribute: department,",
            "attribute: departmen,",
            "`department`",
        ),
    ];
    let mut shown = Vec::new();
    for (code, from, to, suggestion) in cases {
        let text = manifest("", "");
        assert!(text.contains(from), "{from}");
        let loaded = load(&text.replacen(from, to, 1));
        let before = write_count(&w);
        let err = block_on(async { flow::plan_manifest(&w.client(), &loaded, &w.env).await })
            .expect_err("a typo is an error");
        let diags = err.diagnostics();
        assert_eq!(diags.len(), 1, "{code}: {diags:?}");
        let d = &diags[0];
        assert_eq!(d.code, code);
        assert!(d.line_col().is_some(), "{code} is located");
        let help = d.help.as_deref().unwrap_or_default();
        assert!(
            help.contains(&format!("did you mean {suggestion}")),
            "{code}: {help}"
        );
        assert!(help.contains("close names:"), "{code}: {help}");
        assert_eq!(write_count(&w), before, "{code}: no write request");
        let (l, c) = d.line_col().unwrap_or_default();
        shown.push(format!("{code} {l}:{c} {}\n  help: {help}", d.message));
    }
    snapshot!("custom_attrs_typo_diagnostics", shown.join("\n"));
}

#[test]
fn for_a_new_app_apply_checks_attribute_names_before_the_schema_put() {
    let text = manifest("", "").replacen(
        "nickName: { source: mailNickname }",
        "nickname: { source: mailNickname }",
        1,
    );
    let w = World::with(&text, |_| {});
    let planned = block_on(w.plan());
    let job = planned
        .plan
        .changes
        .iter()
        .find(|c| c.address == Address::Job)
        .expect("job change");
    assert!(
        job.note
            .as_deref()
            .unwrap_or_default()
            .contains("attribute names wait"),
        "{:?}",
        job.note
    );
    let report = block_on(w.apply());
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter_map(|o| match &o.status {
            OutcomeStatus::Failed(f) => Some((o.address.to_string(), f.message.clone())),
            _ => None,
        })
        .collect();
    assert!(
        failed[0].1.contains("keeper.yaml:") && failed[0].1.contains("E0401"),
        "{}",
        show(&report)
    );
    assert!(
        failed[0].1.contains("did you mean `nickName`"),
        "{}",
        show(&report)
    );
    assert!(
        failed[1..]
            .iter()
            .all(|(_, m)| m.starts_with("not written (the schema PUT was refused")),
        "{}",
        show(&report)
    );
    let stats = w.server.stats();
    assert!(
        !stats
            .by_route
            .keys()
            .any(|k| k.starts_with("PUT") && k.ends_with("/schema")),
        "{:?}",
        stats.by_route
    );
}

#[test]
fn a_refused_schema_put_is_reported_once_against_the_change_it_names() {
    // The referenced object does not exist in Keeper's directory: Graph refuses the PUT.
    let text = manifest(
        "",
        "          urn:ietf:params:scim:schemas:extension:contoso:2.0:User:buddy: { type: Reference, referencedObjects: [Department] }\n",
    );
    let w = World::with(&text, |_| {});
    let report = block_on(w.apply());
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| matches!(&o.status, OutcomeStatus::Failed(f) if !f.message.starts_with("not written")))
        .collect();
    assert_eq!(failed.len(), 1, "{}", show(&report));
    assert_eq!(
        failed[0].address.to_string(),
        "mapping[users].targetAttribute[urn:ietf:params:scim:schemas:extension:contoso:2.0:User:buddy]",
        "{}",
        show(&report)
    );
    let OutcomeStatus::Failed(f) = &failed[0].status else {
        unreachable!()
    };
    assert!(
        f.message.contains("nothing of the schema was applied"),
        "{}",
        f.message
    );
    assert_eq!(failed[0].action, Action::Create);
    let redact = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    let job =
        regex::Regex::new(r"keeperPasswordManagerDigitalVault\.[0-9a-f]{32}\.<id>").expect("regex");
    let text = redact.replace_all(&show(&report), "<id>").to_string();
    snapshot!(
        "custom_attrs_refused_schema_put",
        job.replace_all(&text, "<job>").to_string()
    );
}
