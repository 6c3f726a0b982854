//! Keeper's probe advice: every SCIM probe failure explained in Keeper's terms.
//!
//! Facts: Keeper's SCIM base URL is `https://<region host>/api/rest/scim/v2/<node id>`;
//! the token is made in the Admin Console (Admin → node → Provisioning → SCIM) or with
//! Keeper Commander, whose `scim edit` always issues a new token and so invalidates the
//! one Entra holds; `POST /Users` answers 428 when licensed seats are exhausted.

use url::Url;

use super::keeper::{REGION_HOSTS, SCIM_PATH_PREFIX};
use crate::scim::{Advice, AdviceContext, FailureKind, status_help, transport_help};

/// The Keeper region a host belongs to, if it is a Keeper host.
pub fn region_of(host: &str) -> Option<&'static str> {
    REGION_HOSTS
        .iter()
        .find(|(_, h)| h.eq_ignore_ascii_case(host))
        .map(|(r, _)| *r)
}

/// The node id at the end of a Keeper SCIM URL path, if the path has Keeper's shape.
pub fn node_id(url: &Url) -> Option<&str> {
    let path = url.path().trim_end_matches('/');
    let node = path.strip_prefix(SCIM_PATH_PREFIX)?;
    (!node.is_empty() && node.bytes().all(|b| b.is_ascii_digit())).then_some(node)
}

/// Probe advice for Keeper.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeeperAdvice;

fn other_regions(host: &str) -> String {
    REGION_HOSTS
        .iter()
        .filter(|(_, h)| !h.eq_ignore_ascii_case(host))
        .map(|(r, h)| format!("{r} {h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn region_phrase(ctx: &AdviceContext) -> String {
    let host = ctx.host();
    match region_of(&host) {
        Some(r) => format!(
            " The URL points at Keeper's {r} data centre ({host}); a node id or token from \
             another region is unknown there — use the host you sign in to the Admin Console \
             with (others: {}).",
            other_regions(&host)
        ),
        None => String::new(),
    }
}

impl Advice for KeeperAdvice {
    fn product(&self) -> &str {
        "Keeper"
    }

    fn check_url(&self, url: &Url) -> Result<String, String> {
        let host = url.host_str().unwrap_or("");
        match (region_of(host), node_id(url)) {
            (Some(region), Some(node)) => Ok(format!("Keeper {region} ({host}), node {node}")),
            (Some(region), None) => Err(format!(
                "Keeper {region} host, but the path is not /api/rest/scim/v2/<node id>"
            )),
            (None, _) => Err(format!(
                "{host} is not a Keeper region host (keepersecurity.com, .eu, .com.au, .jp, .ca, \
                 govcloud.keepersecurity.us)"
            )),
        }
    }

    fn help(&self, kind: &FailureKind, ctx: &AdviceContext) -> String {
        if let FailureKind::Dns { host } = kind {
            return format!(
                "{host} does not resolve. Keeper's SCIM hosts are: {}. Use the host you sign in \
                 to the Keeper Admin Console with.",
                REGION_HOSTS
                    .iter()
                    .map(|(r, h)| format!("{h} ({r})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if let Some(text) = transport_help(kind, ctx) {
            return text;
        }
        match kind {
            FailureKind::Unauthorized { .. } => format!(
                "The token is wrong, or a Keeper admin rotated it: Keeper Commander `scim edit` \
                 always issues a new token, which replaces the old one. Create a new token in \
                 the Keeper Admin Console (Admin → node → Provisioning → SCIM) or with Keeper \
                 Commander `scim edit <scim_id>`, and store it in {}.{}",
                ctx.token_target(),
                region_phrase(ctx)
            ),
            FailureKind::NotFound { .. } => format!(
                "The node id in the URL is wrong, or that node has no SCIM provisioning method. \
                 Copy the tenant URL from the Admin Console (Admin → node → Provisioning → \
                 SCIM) or from Keeper Commander `scim list` / `scim view`; Keeper's form is \
                 https://<region-host>/api/rest/scim/v2/<node_id>.{}",
                region_phrase(ctx)
            ),
            FailureKind::SeatLimit { .. } => "Keeper answers 428 when the enterprise has no \
                 licensed seats left. Free seats or add licences in the Keeper Admin Console \
                 before provisioning more users."
                .to_owned(),
            _ => status_help(kind),
        }
    }
}
