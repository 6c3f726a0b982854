//! Typed methods for `preview`, `expr eval` and `plan --impact`: users with only the
//! attributes the mappings and scoping filters read (`$select`), and the direct user
//! members of groups (entra-docs `how-provisioning-works.md`: the provisioning service
//! "can only read and provision users that are immediate members of an explicitly assigned
//! group", so members are not expanded transitively).
//!
//! Users are returned as raw JSON objects: every property Graph sends is kept (lenient
//! reading), and the caller interprets them as Entra source attributes.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::graph::batch::BatchRequest;
use crate::graph::client::Client;
use crate::graph::error::{GraphError, Operation};
use crate::graph::odata::Query;
use crate::graph::paging::Page;
use crate::ids::{GroupId, UserId};

const USER_READ: &str = "User.Read.All (or Directory.Read.All)";
const MEMBER_READ: &str = "GroupMember.Read.All and User.Read.All (or Directory.Read.All)";
/// Graph's largest page size for directory objects.
pub const MAX_PAGE: u32 = 999;

fn refs(select: &[String]) -> Vec<&str> {
    select.iter().map(String::as_str).collect()
}

impl Client {
    /// Users by UPN with `$select` (batched `in` filters: up to 300 UPNs per HTTP request).
    /// Every input appears in the result; `None` when no user has that UPN.
    pub async fn user_attributes_by_upn(
        &self,
        upns: &[String],
        select: &[String],
    ) -> Result<BTreeMap<String, Option<Value>>, GraphError> {
        let op = Operation::new(
            format!("read {} user(s) by userPrincipalName", upns.len()),
            USER_READ,
        );
        let found: Vec<Value> = self
            .find_in("/users", "userPrincipalName", upns, &refs(select), &op)
            .await?;
        let by_upn: HashMap<String, Value> = found
            .into_iter()
            .filter_map(|u| {
                let key = u["userPrincipalName"].as_str()?.to_ascii_lowercase();
                Some((key, u))
            })
            .collect();
        Ok(upns
            .iter()
            .map(|u| (u.clone(), by_upn.get(&u.to_ascii_lowercase()).cloned()))
            .collect())
    }

    /// Users by object id with `$select`; ids that do not exist are absent.
    pub async fn user_attributes_by_id(
        &self,
        ids: &[UserId],
        select: &[String],
    ) -> Result<Vec<Value>, GraphError> {
        let op = Operation::new(format!("read {} user(s) by id", ids.len()), USER_READ);
        let raw: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        self.find_in("/users", "id", &raw, &refs(select), &op).await
    }

    /// The direct user members of each group, with `$select`: the first page of every
    /// group in `$batch` (20 groups per HTTP request, 999 members per page), then the
    /// remaining pages of large groups. Groups that do not exist have no entry.
    pub async fn group_user_members(
        &self,
        groups: &[GroupId],
        select: &[String],
    ) -> Result<BTreeMap<GroupId, Vec<Value>>, GraphError> {
        let op = Operation::new(
            format!("list the direct members of {} group(s)", groups.len()),
            MEMBER_READ,
        );
        let reqs = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let url = Query::new()
                    .select(&refs(select))
                    .top(MAX_PAGE)
                    .to_path(&format!(
                        "/groups/{}/members/microsoft.graph.user",
                        g.as_str()
                    ));
                BatchRequest::get(i.to_string(), url)
            })
            .collect();
        let mut out = BTreeMap::new();
        for (g, resp) in groups.iter().zip(self.batch(reqs, &op).await?) {
            if resp.status == 404 {
                continue;
            }
            if !resp.is_success() {
                return Err(resp.to_error(&op));
            }
            let page: Page<Value> = resp.json(&op)?;
            let mut members = page.value;
            if let Some(next) = page.next_link {
                members.extend(self.get_all::<Value>(&next, &op).await?);
            }
            out.insert(g.clone(), members);
        }
        Ok(out)
    }
}

impl Client {
    /// Every user of the tenant with `$select` (pages of 999), for scope `all`.
    pub async fn all_user_attributes(&self, select: &[String]) -> Result<Vec<Value>, GraphError> {
        let op = Operation::new("list all users".to_owned(), USER_READ);
        let path = Query::new()
            .select(&refs(select))
            .top(MAX_PAGE)
            .to_path("/users");
        self.get_all::<Value>(&path, &op).await
    }
}
