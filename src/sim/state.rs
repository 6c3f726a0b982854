//! The simulated tenant: its objects, id generation and clock helpers.
//!
//! Resources are kept close to their wire form (`serde_json::Value` for service principals
//! and applications, small structs for the rest) so what Graph returns is what is stored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A gallery entry (`applicationTemplate`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Template {
    /// The `applicationTemplate` resource as returned by Graph.
    pub json: Value,
    /// Synchronization template kind (`keeper`, `scim`) or none when the app has no
    /// provisioning connector.
    pub sync: Option<String>,
    /// App roles an instantiated app gets (without ids; ids are generated per instance).
    pub app_roles: Vec<Value>,
}

/// A service principal with the state hanging off it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sp {
    /// The `servicePrincipal` resource as returned by Graph.
    pub json: Value,
    /// Client id of the app that created it (for `Application.ReadWrite.OwnedBy`).
    pub owner_client: Option<String>,
    /// Creation sequence number.
    pub seq: u64,
    /// Replication delay: reads left that answer 404.
    pub pending_reads: u32,
    /// Synchronization template kind, if the app supports provisioning.
    pub sync: Option<String>,
    /// Synchronization secrets (clear values; masked on GET).
    pub secrets: Vec<(String, String)>,
    /// Synchronization jobs.
    pub jobs: Vec<Job>,
    /// App role assignments granted on this resource.
    pub assignments: Vec<Assignment>,
}

impl Sp {
    /// Object id.
    pub fn id(&self) -> &str {
        self.json["id"].as_str().unwrap_or_default()
    }
    /// Application (client) id.
    pub fn app_id(&self) -> &str {
        self.json["appId"].as_str().unwrap_or_default()
    }
    /// Display name.
    pub fn display_name(&self) -> &str {
        self.json["displayName"].as_str().unwrap_or_default()
    }
}

/// An `appRoleAssignment`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Assignment {
    /// Opaque id (base64url, not a GUID).
    pub id: String,
    /// Assigned role (zero GUID for "default access" on role-less resources).
    pub app_role_id: String,
    /// Assigned user, group or service principal.
    pub principal_id: String,
    /// `User`, `Group` or `ServicePrincipal`.
    pub principal_type: String,
    /// Display name of the principal.
    pub principal_display_name: String,
    /// ISO 8601 creation time.
    pub created: String,
    /// List calls left during which the new assignment is not yet listed.
    pub pending_lists: u32,
}

/// A `synchronizationJob`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    /// Opaque id `<templateId>.<tenant>.<guid>`.
    pub id: String,
    /// Synchronization template id.
    pub template_id: String,
    /// `schedule.state`: Disabled, Active or Paused.
    pub state: String,
    /// `status.code`: NotConfigured, NotRun, Active, Paused or Quarantine.
    pub code: String,
    /// The job's synchronization schema.
    pub schema: Value,
    /// Schema version counter.
    pub schema_version: u64,
    /// Reads left that answer 404 (replication delay).
    pub pending_reads: u32,
    /// Last `restart` criteria, for inspection.
    pub last_reset_scope: Option<String>,
    /// `status.lastExecution` (room for cycle simulation).
    pub last_execution: Option<Value>,
    /// `status.quarantine`.
    pub quarantine: Option<Value>,
}

/// A directory user.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// Object id.
    pub id: String,
    /// `userPrincipalName`.
    pub upn: String,
    /// `displayName`.
    pub display_name: String,
    /// `givenName`.
    pub given_name: Option<String>,
    /// `surname`.
    pub surname: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `jobTitle`.
    pub job_title: Option<String>,
    /// `department`.
    pub department: Option<String>,
    /// `accountEnabled`.
    pub account_enabled: bool,
    /// Directory extension properties (`extension_<appId without dashes>_<name>`).
    #[serde(default)]
    pub extensions: std::collections::BTreeMap<String, String>,
}

/// A directory group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    /// Object id.
    pub id: String,
    /// `displayName`.
    pub display_name: String,
    /// `description`.
    pub description: Option<String>,
    /// `mailNickname`.
    pub mail_nickname: String,
    /// Member user ids.
    pub members: Vec<String>,
    /// ISO 8601 creation time.
    pub created: String,
}

/// The whole tenant.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Tenant {
    /// Directory (tenant) id.
    pub tenant_id: String,
    /// Gallery templates.
    pub templates: Vec<Template>,
    /// Application objects.
    pub apps: Vec<Value>,
    /// Service principals.
    pub sps: Vec<Sp>,
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Creation counter.
    pub seq: u64,
    /// State of the id generator.
    pub rng: u64,
    /// Job progression, simulated clock and provisioning logs.
    #[serde(default)]
    pub progress: crate::sim::sync::progress::Progress,
    /// Users by lower-cased id and userPrincipalName (rebuilt when users were added).
    #[serde(skip)]
    pub user_keys: UserKeys,
}

/// Positions in [`Tenant::users`] by lower-cased id and userPrincipalName, so an `eq` or
/// `in` filter on them does not scan the directory (a 10,000-user tenant answers a
/// 15-name `in` filter without 150,000 comparisons under the tenant lock).
#[derive(Clone, Debug, Default)]
pub struct UserKeys {
    indexed: usize,
    by_key: std::collections::HashMap<String, Vec<usize>>,
}

impl Tenant {
    /// A fresh, deterministic GUID.
    pub fn guid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    /// Next value of the id generator.
    pub fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Next creation sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Index of a service principal by object id.
    pub fn sp_index(&self, id: &str) -> Option<usize> {
        self.sps
            .iter()
            .position(|s| s.id().eq_ignore_ascii_case(id))
    }

    /// Index of a service principal by appId.
    pub fn sp_index_by_app_id(&self, app_id: &str) -> Option<usize> {
        self.sps
            .iter()
            .position(|s| s.app_id().eq_ignore_ascii_case(app_id))
    }

    /// A user by object id or userPrincipalName (case-insensitive).
    pub fn user(&self, key: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.id.eq_ignore_ascii_case(key) || u.upn.eq_ignore_ascii_case(key))
    }

    /// Positions (in directory order, without repeats) of the users whose id or
    /// userPrincipalName is one of `keys`, compared ASCII-case-insensitively as
    /// `odata::quick_eval` does.
    pub fn user_positions<'k>(&mut self, keys: impl IntoIterator<Item = &'k str>) -> Vec<usize> {
        if self.user_keys.indexed != self.users.len() {
            let mut by_key = std::collections::HashMap::with_capacity(self.users.len() * 2);
            for (i, u) in self.users.iter().enumerate() {
                let mut add = |k: String| by_key.entry(k).or_insert_with(Vec::new).push(i);
                add(u.upn.to_ascii_lowercase());
                add(u.id.to_ascii_lowercase());
            }
            self.user_keys = UserKeys {
                indexed: self.users.len(),
                by_key,
            };
        }
        let users = &self.users;
        let matches = |i: usize, k: &str| {
            users
                .get(i)
                .is_some_and(|u| u.upn.eq_ignore_ascii_case(k) || u.id.eq_ignore_ascii_case(k))
        };
        let mut found = Vec::new();
        for k in keys {
            match self.user_keys.by_key.get(&k.to_ascii_lowercase()) {
                Some(at) if at.iter().all(|&i| matches(i, k)) => found.extend(at),
                // Users are only ever appended; should one have changed, scan.
                Some(_) => found.extend((0..users.len()).filter(|&i| matches(i, k))),
                None => {}
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// A group by object id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id.eq_ignore_ascii_case(id))
    }
}

/// Current time as ISO 8601 UTC with seconds (`2026-11-28T20:44:24Z`).
pub fn iso_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    iso_from_unix(secs)
}

/// ISO 8601 UTC for a Unix time.
pub fn iso_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Current Unix time in seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso_dates() {
        assert_eq!(iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_from_unix(1_795_898_664), "2026-11-28T20:44:24Z");
    }

    #[test]
    fn guids_are_deterministic() {
        let mut a = Tenant::default();
        let mut b = Tenant::default();
        assert_eq!(a.guid(), b.guid());
        assert_ne!(a.guid(), a.guid());
    }
}
