//! Every resource kind created (fresh tenant, see `steps`), updated and deleted: the
//! applied `examples/keeper.yaml` is changed in every way a manifest can change.

use crate::support::{World, app_summary, block_on, show};

/// `examples/keeper.yaml` with every kind of resource changed.
fn changed_manifest() -> String {
    let text = entraprov::cli::demo::world::KEEPER_YAML;
    let mut t = text
        .replace("displayName: Keeper (prod)", "displayName: Keeper (production)")
        .replace(
            "    - user: alice@contoso.com\n      role: User\n",
            "    - user: bob@contoso.com\n      role: User\n",
        )
        .replace("scim/v2/1234567890", "scim/v2/2222222222")
        .replace("email: it-alerts@contoso.com", "email: ops@contoso.com")
        .replace("{ threshold: 500 }", "{ threshold: 250 }")
        .replace("  enabled: true                   # On", "  enabled: false                  # Off")
        .replace("      # actions omitted", "      actions: [create, update]\n      # was")
        .replace("displayName: { source: displayName }", "displayName: { source: mail }")
        .replace(
            "        title: { expression: 'IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")', apply: onCreate }\n",
            "        preferredLanguage: { source: preferredLanguage }\n",
        )
        .replace("value: Engineering }", "value: Sales }")
        .replace(
            "        - name: Contractors by number\n          clauses:\n            - { attribute: employeeId, operator: greaterThan, value: 90000 }\n",
            "        - name: Administrators\n          clauses:\n            - { attribute: jobTitle, operator: equals, value: Administrator }\n",
        )
        .replace("    groups:\n      enabled: true", "    groups:\n      enabled: false");
    assert_ne!(t, text);
    t.push('\n');
    t
}

#[test]
fn every_resource_kind_is_updated_and_deleted_then_converges() {
    let mut w = World::keeper(None, 0);
    block_on(async {
        assert!(w.apply().await.succeeded());
    });
    w.loaded = crate::support::load(&changed_manifest());
    let report = block_on(async {
        let planned = w.plan().await;
        let kinds: std::collections::BTreeSet<String> = planned
            .plan
            .changes
            .iter()
            .map(|c| format!("{} {}", c.action.symbol(), c.address.kind()))
            .collect();
        snapshot!(json "changed_kinds", kinds);
        w.apply().await
    });
    assert!(report.succeeded(), "{}", show(&report));
    snapshot!("changed_report", show(&report));
    block_on(async { assert!(w.plan().await.plan.is_empty()) });
    snapshot!(json "changed_app", app_summary(&w.dump()));
}
