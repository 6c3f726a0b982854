//! The Graph reads of one observation, as concurrent as their dependencies allow:
//!
//! ```text
//! token ─┬─ template ─────────────────────────────────────────────┐
//!        ├─ app by tag / appId ─┬─ assignments (all pages)         │
//!        │                      ├─ secrets                         ├─ Live
//!        │                      └─ jobs ─┬─ schema                 │
//!        │                               ├─ filterOperators        │
//!        │                               └─ functions              │
//!        ├─ untagged apps of the same display name                 │
//!        └─ users / groups ($batch of `in` filters, 300 per request)┘
//! ```
//!
//! Only the client's typed methods are called; nothing here builds a URL.

use std::collections::{BTreeMap, HashSet};

use crate::connector::{AmbiguousJob, Connector};
use crate::graph::Client;
use crate::graph::GraphError;
use crate::graph::wire::{
    AppRoleAssignment, ApplicationTemplate, FilterOperator, FunctionSchema, Group,
    ServicePrincipal, SyncJob, SyncSchema, SyncSecret, User,
};
use crate::ids::{GroupId, UserId};
use crate::plan::fingerprint::name_tag;
use crate::plan::model::{PrincipalKey, PrincipalKind};
use crate::plan::state::{DesiredState, TemplateRef};

/// Everything read from Graph for one manifest, raw.
#[derive(Debug, Default)]
pub(crate) struct Live {
    /// The gallery template, `None` when it does not exist.
    pub template: Option<ApplicationTemplate>,
    /// The managed app.
    pub app: AppLookup,
    /// Service principals with the manifest's display name (candidates for the report of
    /// untagged look-alikes).
    pub same_name: Vec<ServicePrincipal>,
    /// Users by UPN (as written in the manifest).
    pub users: BTreeMap<String, Option<User>>,
    /// Groups by display name (as written), every match.
    pub groups: BTreeMap<String, Vec<Group>>,
    /// Users found by id.
    pub users_by_id: Vec<User>,
    /// Groups found by id.
    pub groups_by_id: Vec<Group>,
    /// Reads that need the service principal, when there is one.
    pub app_data: Option<AppData>,
    /// Assigned users the manifest does not name (for their UPN in removal addresses).
    pub assigned_users: Vec<User>,
}

/// How the managed app was found.
#[derive(Debug, Default)]
pub(crate) enum AppLookup {
    /// No app carries the tag.
    #[default]
    Absent,
    /// The app.
    Found(Box<ServicePrincipal>),
    /// Several apps carry the tag.
    Ambiguous(Vec<ServicePrincipal>),
    /// The manifest's `appId` has no service principal.
    AppIdNotFound,
}

/// Reads of an existing app.
#[derive(Debug)]
pub(crate) struct AppData {
    /// Every assignment, all pages.
    pub assignments: Vec<AppRoleAssignment>,
    /// The synchronization secrets (sensitive values masked by Graph).
    pub secrets: Vec<SyncSecret>,
    /// The synchronization jobs.
    pub jobs: Vec<SyncJob>,
    /// Which of `jobs` is the app's ([`super::job::pick`]), or why none can be chosen.
    pub chosen: Result<Option<usize>, AmbiguousJob>,
    /// Reads of the chosen job.
    pub job_data: Option<JobData>,
}

/// Reads of the provisioning job.
#[derive(Debug)]
pub(crate) struct JobData {
    /// The job's schema, raw.
    pub schema: SyncSchema,
    /// Scoping-filter operators the job supports.
    pub operators: Vec<FilterOperator>,
    /// Mapping functions, `None` when the identity may not read them (403: the call needs
    /// Synchronization.ReadWrite.All even for GET).
    pub functions: Option<Vec<FunctionSchema>>,
    /// The schema of the job's synchronization template (to tell the attributes added to
    /// the job's directories from the template's), `None` when it could not be read.
    pub template_schema: Option<SyncSchema>,
}

/// The names and ids a manifest's assignments reference.
#[derive(Debug, Default)]
struct Wanted {
    upns: Vec<String>,
    group_names: Vec<String>,
    user_ids: Vec<UserId>,
    group_ids: Vec<GroupId>,
}

fn wanted(desired: &DesiredState) -> Wanted {
    let mut w = Wanted::default();
    let items = desired
        .assignments
        .as_ref()
        .map_or(&[][..], |a| &a.items[..]);
    for item in items {
        match (&item.principal.kind, &item.principal.key) {
            (PrincipalKind::User, PrincipalKey::Name(n)) => w.upns.push(n.clone()),
            (PrincipalKind::Group, PrincipalKey::Name(n)) => w.group_names.push(n.clone()),
            (PrincipalKind::User, PrincipalKey::Id(id)) => w.user_ids.push(id.as_str().into()),
            (PrincipalKind::Group, PrincipalKey::Id(id)) => w.group_ids.push(id.as_str().into()),
        }
    }
    w
}

/// Runs every read for `desired`, concurrently where possible.
pub(crate) async fn read_all(
    client: &Client,
    desired: &DesiredState,
    connector: &Connector,
) -> Result<Live, GraphError> {
    let w = wanted(desired);
    let adopting = desired.app.app_id.is_some();
    let (template, app_side, same_name, principals) = futures::try_join!(
        read_template(client, &desired.app.template),
        async {
            let app = find_app(client, desired).await?;
            let data = match &app {
                AppLookup::Found(sp) => Some(read_app(client, sp, connector).await?),
                _ => None,
            };
            Ok::<_, GraphError>((app, data))
        },
        async {
            if adopting {
                return Ok(Vec::new());
            }
            client
                .find_service_principals_by_name(&desired.app.display_name)
                .await
        },
        read_principals(client, &w),
    )?;
    let (users, groups, users_by_id, groups_by_id) = principals;
    let (app, app_data) = app_side;
    let mut live = Live {
        template,
        app,
        same_name,
        users,
        groups,
        users_by_id,
        groups_by_id,
        app_data,
        assigned_users: Vec::new(),
    };
    let unnamed = unnamed_assigned_users(&live);
    if !unnamed.is_empty() {
        live.assigned_users = client.users_by_id(&unnamed).await?;
    }
    Ok(live)
}

/// Ids of assigned users that the manifest does not name (one more `$batch` read, only
/// when there are such assignments: they are the ones a plan removes).
fn unnamed_assigned_users(live: &Live) -> Vec<UserId> {
    let Some(data) = &live.app_data else {
        return Vec::new();
    };
    let mut known: HashSet<String> = live
        .users
        .values()
        .flatten()
        .chain(&live.users_by_id)
        .map(|u| u.id.as_str().to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for a in &data.assignments {
        let is_user = a
            .principal_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("User"));
        if is_user && known.insert(a.principal_id.as_str().to_ascii_lowercase()) {
            out.push(UserId::new(a.principal_id.as_str()));
        }
    }
    out
}

type Principals = (
    BTreeMap<String, Option<User>>,
    BTreeMap<String, Vec<Group>>,
    Vec<User>,
    Vec<Group>,
);

async fn read_principals(client: &Client, w: &Wanted) -> Result<Principals, GraphError> {
    futures::try_join!(
        async {
            if w.upns.is_empty() {
                return Ok(BTreeMap::new());
            }
            client.resolve_users_by_upn(&w.upns).await
        },
        async {
            if w.group_names.is_empty() {
                return Ok(BTreeMap::new());
            }
            client.resolve_groups_by_name(&w.group_names).await
        },
        async {
            if w.user_ids.is_empty() {
                return Ok(Vec::new());
            }
            client.users_by_id(&w.user_ids).await
        },
        async {
            if w.group_ids.is_empty() {
                return Ok(Vec::new());
            }
            client.groups_by_id(&w.group_ids).await
        },
    )
}

async fn read_template(
    client: &Client,
    template: &TemplateRef,
) -> Result<Option<ApplicationTemplate>, GraphError> {
    match template {
        TemplateRef::Gallery(name) => {
            let mut found = client.find_templates_by_name(name).await?;
            // Graph compares case-insensitively; prefer the exact spelling.
            let exact = found.iter().position(|t| &t.display_name == name);
            Ok(match exact {
                Some(i) => Some(found.swap_remove(i)),
                None if !found.is_empty() => Some(found.swap_remove(0)),
                None => None,
            })
        }
        TemplateRef::Id(id) => match client.get_template(id).await {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
    }
}

async fn find_app(client: &Client, desired: &DesiredState) -> Result<AppLookup, GraphError> {
    if let Some(app_id) = &desired.app.app_id {
        return Ok(
            match client.find_service_principal_by_app_id(app_id).await? {
                Some(sp) => AppLookup::Found(Box::new(sp)),
                None => AppLookup::AppIdNotFound,
            },
        );
    }
    let mut tagged = client
        .find_service_principals_by_tag(&name_tag(&desired.name))
        .await?;
    Ok(match tagged.len() {
        0 => AppLookup::Absent,
        1 => AppLookup::Found(Box::new(tagged.remove(0))),
        _ => AppLookup::Ambiguous(tagged),
    })
}

async fn read_app(
    client: &Client,
    sp: &ServicePrincipal,
    connector: &Connector,
) -> Result<AppData, GraphError> {
    let id = &sp.id;
    let (assignments, secrets, (jobs, chosen, job_data)) = futures::try_join!(
        client.list_assignments(id),
        async {
            match client.get_secrets(id).await {
                Err(e) if e.is_not_found() => Ok(Vec::new()),
                other => other,
            }
        },
        async {
            let (templates, jobs) = super::job::templates_and_jobs(client, id).await?;
            let chosen = super::job::pick(connector, &templates, &jobs)
                .map(|j| j.and_then(|j| jobs.iter().position(|x| x.id == j.id)));
            let data = match &chosen {
                Ok(Some(i)) => Some(read_job(client, sp, &jobs[*i]).await?),
                _ => None,
            };
            Ok((jobs, chosen, data))
        },
    )?;
    Ok(AppData {
        assignments,
        secrets,
        jobs,
        chosen,
        job_data,
    })
}

async fn read_job(
    client: &Client,
    sp: &ServicePrincipal,
    job: &SyncJob,
) -> Result<JobData, GraphError> {
    let (schema, operators, functions, template_schema) = futures::try_join!(
        client.get_schema(&sp.id, &job.id),
        client.filter_operators(&sp.id, &job.id),
        async {
            match client.functions(&sp.id, &job.id).await {
                Ok(f) => Ok(Some(f)),
                Err(e) if e.status == Some(403) => Ok(None),
                Err(e) => Err(e),
            }
        },
        async {
            // Only the added-attribute view depends on it: a failure is not fatal.
            Ok(client
                .get_template_schema(&sp.id, &job.template_id)
                .await
                .ok())
        },
    )?;
    Ok(JobData {
        schema,
        operators,
        functions,
        template_schema,
    })
}
