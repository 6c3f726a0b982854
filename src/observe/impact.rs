//! Reads what `plan --impact` needs ([`crate::plan::impact::needs`]): the direct user
//! members of the assigned groups (one `$batch` of 20 groups per HTTP request, 999 members
//! per page, `$select` of the attributes the scoping filters read), the directly assigned
//! users not already read (`$batch` of `id in (…)` filters, 300 ids per HTTP request), and
//! every user when the scope is `all` (pages of 999).
//!
//! For N assigned users of which N_g come through G groups and N_u are assigned directly:
//! ⌈G/20⌉ + Σ⌈(members of g − 999)/999⌉⁺ + ⌈N_u/300⌉ requests.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::graph::{Client, GraphError};
use crate::ids::{GroupId, UserId};
use crate::manifest::expr::eval::{Attributes, graph_select};
use crate::plan::impact::{Needs, Population};

/// Reads the population of `needs`.
pub async fn population(client: &Client, needs: &Needs) -> Result<Population, GraphError> {
    let select = graph_select(needs.attributes.iter().map(String::as_str));
    let mut pop = Population::default();
    let groups: Vec<GroupId> = needs
        .groups
        .iter()
        .map(|g| GroupId::new(g.as_str()))
        .collect();
    for (g, members) in client.group_user_members(&groups, &select).await? {
        let ids: BTreeSet<String> = members.iter().filter_map(|u| add(&mut pop, u)).collect();
        pop.members.insert(g.as_str().to_owned(), ids);
    }
    let missing: Vec<UserId> = needs
        .users
        .iter()
        .filter(|u| !pop.users.contains_key(*u))
        .map(|u| UserId::new(u.as_str()))
        .collect();
    if !missing.is_empty() {
        for u in client.user_attributes_by_id(&missing, &select).await? {
            add(&mut pop, &u);
        }
    }
    if needs.all_users {
        for u in client.all_user_attributes(&select).await? {
            add(&mut pop, &u);
        }
    }
    Ok(pop)
}

/// Adds one Graph user; its id.
fn add(pop: &mut Population, u: &Value) -> Option<String> {
    let id = u["id"].as_str()?.to_owned();
    let upn = u["userPrincipalName"].as_str().unwrap_or(&id).to_owned();
    pop.users
        .entry(id.clone())
        .or_insert_with(|| (upn, Attributes::from_user_json(u)));
    Some(id)
}
