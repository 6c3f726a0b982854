//! Typed methods: resolving users (by UPN or id) and groups (by display name or id).
//!
//! Names are looked up with `$filter=<field> in (…)` — 15 values per filter — and the filters
//! travel in `$batch` requests of 20, so one HTTP request resolves up to 300 names and the
//! number of sequential round trips does not grow with the number of principals.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::de::DeserializeOwned;

use crate::graph::batch::BatchRequest;
use crate::graph::client::Client;
use crate::graph::error::{GraphError, Operation};
use crate::graph::odata::{Query, in_filters};
use crate::graph::paging::Page;
use crate::graph::wire::{Group, User};
use crate::ids::{GroupId, UserId};

const USER_READ: &str = "User.Read.All (or Directory.Read.All)";
const GROUP_READ: &str = "Group.Read.All or GroupMember.Read.All (or Directory.Read.All)";
const USER_SELECT: &[&str] = &["id", "userPrincipalName", "displayName"];
const GROUP_SELECT: &[&str] = &["id", "displayName"];

impl Client {
    /// Resolves UPNs to users. Every input appears in the result; `None` when no user has
    /// that UPN (compared case-insensitively, as Entra does).
    pub async fn resolve_users_by_upn(
        &self,
        upns: &[String],
    ) -> Result<BTreeMap<String, Option<User>>, GraphError> {
        let op = Operation::new(
            format!("resolve {} user(s) by userPrincipalName", upns.len()),
            USER_READ,
        );
        let found: Vec<User> = self
            .find_in("/users", "userPrincipalName", upns, USER_SELECT, &op)
            .await?;
        let by_upn: HashMap<String, &User> = found
            .iter()
            .map(|u| (u.user_principal_name.to_ascii_lowercase(), u))
            .collect();
        Ok(upns
            .iter()
            .map(|u| {
                let hit = by_upn.get(&u.to_ascii_lowercase()).map(|f| (*f).clone());
                (u.clone(), hit)
            })
            .collect())
    }

    /// Resolves group display names. Every input appears in the result with all groups of
    /// that name (display names are not unique: the caller refuses 0 or several).
    pub async fn resolve_groups_by_name(
        &self,
        names: &[String],
    ) -> Result<BTreeMap<String, Vec<Group>>, GraphError> {
        let op = Operation::new(
            format!("resolve {} group(s) by displayName", names.len()),
            GROUP_READ,
        );
        let found: Vec<Group> = self
            .find_in("/groups", "displayName", names, GROUP_SELECT, &op)
            .await?;
        let mut by_name: HashMap<String, Vec<Group>> = HashMap::new();
        for g in found {
            by_name
                .entry(g.display_name.to_ascii_lowercase())
                .or_default()
                .push(g);
        }
        Ok(names
            .iter()
            .map(|n| {
                let hits = by_name
                    .get(&n.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_default();
                (n.clone(), hits)
            })
            .collect())
    }

    /// Users by object id; ids that do not exist are absent from the result.
    pub async fn users_by_id(&self, ids: &[UserId]) -> Result<Vec<User>, GraphError> {
        let op = Operation::new(format!("read {} user(s) by id", ids.len()), USER_READ);
        let raw: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        self.find_in("/users", "id", &raw, USER_SELECT, &op).await
    }

    /// Groups by object id; ids that do not exist are absent from the result.
    pub async fn groups_by_id(&self, ids: &[GroupId]) -> Result<Vec<Group>, GraphError> {
        let op = Operation::new(format!("read {} group(s) by id", ids.len()), GROUP_READ);
        let raw: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        self.find_in("/groups", "id", &raw, GROUP_SELECT, &op).await
    }

    /// All objects of `collection` whose `field` is one of `values`, via batched `in` filters.
    pub(in crate::graph) async fn find_in<T>(
        &self,
        collection: &str,
        field: &str,
        values: &[String],
        select: &[&str],
        op: &Operation,
    ) -> Result<Vec<T>, GraphError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let mut seen = HashSet::new();
        let unique: Vec<String> = values
            .iter()
            .filter(|v| seen.insert(v.to_ascii_lowercase()))
            .cloned()
            .collect();
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        let reqs = in_filters(field, &unique)
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let url = Query::new()
                    .filter(f)
                    .select(select)
                    .top(999)
                    .to_path(collection);
                BatchRequest::get(i.to_string(), url)
            })
            .collect();
        let mut out = Vec::new();
        for resp in self.batch(reqs, op).await? {
            if !resp.is_success() {
                return Err(resp.to_error(op));
            }
            let page: Page<T> = resp.json(op)?;
            out.extend(page.value);
            if let Some(next) = page.next_link {
                out.extend(self.get_all::<T>(&next, op).await?);
            }
        }
        Ok(out)
    }
}
