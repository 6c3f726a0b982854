//! Shared by `bench_apply` and `tests/apply/pacing.rs`: the ids of the simulator's
//! generated users, the app an apply targets, and a plan of `+ assignment` changes for them
//! (what apply would get).

use entraprov::graph::Client;
use entraprov::ids::{AppRoleId, PrincipalId, ServicePrincipalId};
use entraprov::plan::change::{Action, Address, Change, Plan, Target};
use entraprov::plan::model::PrincipalKind;
use entraprov::sim::Server;

/// Ids of the first `n` generated users (setup, not measured).
pub async fn user_ids(sim: &Server, n: usize) -> Vec<PrincipalId> {
    let http = reqwest::Client::new();
    let mut url = format!(
        "{}/users?$select=id,userPrincipalName&$top=999",
        sim.graph_url()
    );
    let mut ids = Vec::new();
    loop {
        let page: serde_json::Value = http
            .get(&url)
            .bearer_auth(sim.token())
            .send()
            .await
            .expect("users")
            .json()
            .await
            .expect("users json");
        for u in page["value"].as_array().into_iter().flatten() {
            let upn = u["userPrincipalName"].as_str().unwrap_or_default();
            if upn.contains("contoso.example") && !upn.starts_with('$') && !upn.contains("#EXT#") {
                ids.push(PrincipalId::new(u["id"].as_str().unwrap_or_default()));
            }
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    ids.truncate(n);
    ids
}

/// `+ assignment` of every user with role `User` (ids resolved), to service principal `sp`.
pub fn assignment_plan(sp: &ServicePrincipalId, users: &[PrincipalId], role: &AppRoleId) -> Plan {
    let changes = users
        .iter()
        .map(|u| Change {
            address: Address::Assignment {
                principal: format!("user:{u}"),
                role: "User".into(),
            },
            action: Action::Create,
            fields: Vec::new(),
            note: None,
            warnings: Vec::new(),
            target: Target::Assignment {
                principal_kind: PrincipalKind::User,
                principal_id: Some(u.clone()),
                role: "User".into(),
                role_id: Some(role.clone()),
                assignment_id: None,
            },
        })
        .collect();
    Plan {
        name: "bench".into(),
        display_name: "Keeper (bench)".into(),
        tenant_id: None,
        service_principal_id: Some(sp.clone()),
        job_id: None,
        changes,
        warnings: Vec::new(),
        impacts: Vec::new(),
    }
}

/// The app tagged `entraprov:{tag}` and the id of its role `User`.
pub async fn target(client: &Client, tag: &str) -> (ServicePrincipalId, AppRoleId) {
    let sp = client
        .find_service_principals_by_tag(&format!("entraprov:{tag}"))
        .await
        .expect("app")
        .remove(0);
    let role = sp
        .app_roles
        .iter()
        .find(|r| r.display_name.as_deref() == Some("User"))
        .expect("role User")
        .id
        .clone();
    (sp.id, role)
}
