//! Two applies of one manifest at once (docs/concurrency.md). There is no state file and
//! Graph offers no lock, and its lists lag behind creates, so two appliers may each create
//! an app. The tag `entraprov:<name>` is the claim; when more than one app carries it, one
//! deterministic rule, which every applier computes alike, picks the winner: the oldest
//! application (`createdDateTime`, documented on `application`), then the smallest service
//! principal id. An applier whose own new app lost deletes it (service principal, then
//! application) and continues on the winner. Apps it did not create are never deleted.

use crate::graph::wire::ServicePrincipal;
use crate::graph::{Client, GraphError};
use crate::ids::ServicePrincipalId;
use crate::plan::fingerprint::name_tag;

use super::ctx::Run;

/// Consecutive identical looks that make the tag lookup "stable".
const STABLE_LOOKS: u32 = 2;

/// The app tagged for `name` that is not `mine`, if one is listed (before tagging mine).
pub(super) async fn claimed_by_other(
    run: &Run<'_>,
    mine: &ServicePrincipalId,
) -> Result<Option<ServicePrincipalId>, GraphError> {
    let tagged = tagged(run.client, &run.plan.name).await?;
    if tagged.iter().all(|s| &s.id == mine) {
        return Ok(None);
    }
    winner(run.client, &tagged).await
}

/// After tagging the app we created: looks at the tag until the lookup is stable (the same
/// set, ours included, [`STABLE_LOOKS`] times in a row) or a second app shows up, and
/// returns the winner among what it saw.
pub(super) async fn settle(
    run: &Run<'_>,
    mine: &ServicePrincipalId,
) -> Result<ServicePrincipalId, GraphError> {
    let mut delay = run.opts.recheck_delay;
    let mut last: Option<Vec<ServicePrincipalId>> = None;
    let mut same = 0;
    let looks = run.opts.recheck_polls.max(STABLE_LOOKS + 1);
    let mut seen = Vec::new();
    for n in 0..looks {
        seen = tagged(run.client, &run.plan.name).await?;
        let mut ids: Vec<ServicePrincipalId> = seen.iter().map(|s| s.id.clone()).collect();
        ids.sort();
        if ids.len() > 1 {
            break;
        }
        same = if last.as_ref() == Some(&ids) {
            same + 1
        } else {
            1
        };
        if same >= STABLE_LOOKS && ids.contains(mine) {
            break;
        }
        last = Some(ids);
        if n + 1 < looks {
            run.pause(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(10));
        }
    }
    if seen.len() <= 1 {
        return Ok(mine.clone());
    }
    Ok(winner(run.client, &seen)
        .await?
        .unwrap_or_else(|| mine.clone()))
}

/// Service principals carrying the manifest's name tag.
async fn tagged(client: &Client, name: &str) -> Result<Vec<ServicePrincipal>, GraphError> {
    client.find_service_principals_by_tag(&name_tag(name)).await
}

/// The deterministic winner: oldest application `createdDateTime` (an application that
/// cannot be read sorts last), then the smallest service principal id.
pub async fn winner(
    client: &Client,
    sps: &[ServicePrincipal],
) -> Result<Option<ServicePrincipalId>, GraphError> {
    let mut keyed = Vec::new();
    for sp in sps {
        let created = match client.get_application_by_app_id(&sp.app_id).await {
            Ok(app) => app.created_date_time,
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e),
        };
        // ISO 8601 UTC timestamps sort as text; `~` sorts after any digit.
        let key = created.unwrap_or_else(|| "~".to_owned());
        keyed.push((key, sp.id.clone()));
    }
    keyed.sort();
    Ok(keyed.into_iter().next().map(|(_, id)| id))
}

/// Deletes an app this apply created and lost: the service principal (with whatever was
/// already configured on it), then its application.
pub async fn discard(client: &Client, sp: &ServicePrincipalId) -> Result<(), GraphError> {
    let app_id = match client.get_service_principal(sp).await {
        Ok(s) => Some(s.app_id),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e),
    };
    client.delete_service_principal(sp).await?;
    if let Some(app_id) = app_id {
        client.delete_application(&app_id).await?;
    }
    Ok(())
}
