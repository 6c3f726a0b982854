//! Stable JSON output of `status` (`format_version` 1).

use serde::Serialize;

use super::{AppStatus, FORMAT_VERSION};

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    healthy: bool,
    apps: &'a [AppStatus],
}

/// The JSON document: `{format_version, healthy, apps: [...]}`.
pub fn render(apps: &[AppStatus]) -> String {
    let doc = Doc {
        format_version: FORMAT_VERSION,
        healthy: apps.iter().all(|a| a.health.is_ok()),
        apps,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
