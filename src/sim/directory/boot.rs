//! Builds the initial tenant from a [`SimConfig`]: state file, gallery, directory,
//! seed file, client apps and pre-created apps.

use serde_json::Value;

use crate::sim::config::SimConfig;
use crate::sim::directory::apps::sp_json;
use crate::sim::directory::seed;
use crate::sim::directory::templates::instantiate_in;
use crate::sim::http::error::SimError;
use crate::sim::state::{Sp, Tenant};

fn load_json(path: &std::path::Path) -> Result<Value, SimError> {
    let err = |reason: String| SimError::Load {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| err(e.to_string()))
}

/// The tenant a server starts with.
pub fn build_tenant(cfg: &SimConfig) -> Result<Tenant, SimError> {
    if let Some(path) = cfg.state_file.as_ref().filter(|p| p.exists()) {
        let v = load_json(path)?;
        return serde_json::from_value(v).map_err(|e| SimError::Load {
            path: path.display().to_string(),
            reason: format!("not a simulator state file: {e}"),
        });
    }
    let mut t = Tenant {
        tenant_id: cfg.tenant_id.clone(),
        rng: cfg.seed,
        templates: seed::gallery(),
        ..Tenant::default()
    };
    seed::fixed_directory(&mut t);
    seed::generate_directory(&mut t, cfg.generated_users, cfg.generated_groups);
    for (i, v) in cfg.seed_json.iter().enumerate() {
        seed::apply_seed_file(&mut t, v).map_err(|reason| SimError::Load {
            path: format!("built-in seed #{}", i + 1),
            reason,
        })?;
    }
    if let Some(path) = &cfg.seed_file {
        let v = load_json(path)?;
        seed::apply_seed_file(&mut t, &v).map_err(|reason| SimError::Load {
            path: path.display().to_string(),
            reason,
        })?;
    }
    for c in &cfg.clients {
        let id = t.guid();
        let mut json = sp_json(
            &id,
            &c.client_id,
            &c.display_name,
            None,
            &cfg.tenant_id,
            vec![],
            Value::Null,
        );
        json["appRoleAssignmentRequired"] = Value::Bool(false);
        let seq = t.next_seq();
        t.sps.push(Sp {
            json,
            owner_client: None,
            seq,
            pending_reads: 0,
            sync: None,
            secrets: Vec::new(),
            jobs: Vec::new(),
            assignments: Vec::new(),
        });
    }
    precreate(&mut t, cfg)?;
    Ok(t)
}

fn precreate(t: &mut Tenant, cfg: &SimConfig) -> Result<(), SimError> {
    let owner = cfg.clients.first().map(|c| c.client_id.clone());
    for p in &cfg.precreated {
        let ti = t
            .templates
            .iter()
            .position(|x| {
                x.json["displayName"] == p.template.as_str() || x.json["id"] == p.template.as_str()
            })
            .ok_or_else(|| {
                SimError::Config(format!(
                    "pre-created app {:?}: unknown template {:?}",
                    p.display_name, p.template
                ))
            })?;
        let (_, si) = instantiate_in(t, ti, &p.display_name, owner.as_deref(), 0);
        if !p.tags.is_empty() {
            let mut tags = t.sps[si].json["tags"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            tags.extend(p.tags.iter().map(|s| Value::String(s.clone())));
            t.sps[si].json["tags"] = Value::Array(tags);
        }
        let roles = t.sps[si].json["appRoles"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let role = roles
            .iter()
            .find(|r| r["displayName"] == "User")
            .or(roles.first())
            .and_then(|r| r["id"].as_str())
            .unwrap_or(crate::sim::directory::assign::ZERO_GUID)
            .to_owned();
        if p.user_assignments > t.users.len() {
            return Err(SimError::Config(format!(
                "pre-created app {:?} wants {} assignments but the directory has {} users",
                p.display_name,
                p.user_assignments,
                t.users.len()
            )));
        }
        let ids: Vec<String> = t.users[..p.user_assignments]
            .iter()
            .map(|u| u.id.clone())
            .collect();
        for id in ids {
            crate::sim::directory::assign::add(t, si, &id, &role, 0);
        }
        if p.with_job {
            crate::sim::sync::jobs::create_in(t, si, None, 0).map_err(|e| {
                SimError::Config(format!(
                    "pre-created app {:?}: {}",
                    p.display_name, e.message
                ))
            })?;
        }
        t.sps[si].secrets = p.secrets.clone();
    }
    Ok(())
}
