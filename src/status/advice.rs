//! What to do: per quarantine reason (graph-api.md §4.2) and per provisioning error code.

/// Where to send a `restart`: the Graph base URL and the job's ids.
#[derive(Clone, Debug)]
pub struct JobRef<'a> {
    /// Versioned Graph base URL, e.g. `https://graph.microsoft.com/v1.0`.
    pub graph_url: &'a str,
    /// Service principal id.
    pub sp: &'a str,
    /// Job id.
    pub job: &'a str,
    /// Manifest path (for entraprov commands).
    pub manifest: &'a str,
}

impl JobRef<'_> {
    /// A copy-pasteable `az rest` restart with `resetScope`.
    pub fn restart(&self, scope: &str) -> String {
        format!(
            "az rest --method post --url '{}/servicePrincipals/{}/synchronization/jobs/{}/restart' --body '{{\"criteria\":{{\"resetScope\":\"{scope}\"}}}}'",
            self.graph_url.trim_end_matches('/'),
            self.sp,
            self.job
        )
    }
}

/// Whether an error code or message says the target rejected the credentials.
pub fn is_credential_error(code: &str, message: &str) -> bool {
    let hay = format!("{code} {message}").to_ascii_lowercase();
    [
        "credential",
        "unauthorized",
        "401",
        "invalid token",
        "secret token",
        "authentication",
    ]
    .iter()
    .any(|k| hay.contains(k))
}

/// Steps for a quarantine `reason` (with the error's code and message). `held` counts the
/// held deletions and `failures` the failed entries in the logs read (`None`: not read).
pub fn quarantine(
    reason: &str,
    code: &str,
    message: &str,
    (held, failures): (usize, Option<usize>),
    j: &JobRef<'_>,
) -> Vec<String> {
    let m = j.manifest;
    match reason {
        "TooManyDeletes" => vec![
            format!(
                "Review the held deletions: {held} `stagedDelete` entr{} in the provisioning logs (listed below).",
                if held == 1 { "y" } else { "ies" }
            ),
            format!("If they are intended, let them through: restart with resetScope ForceDeletes: {}", j.restart("ForceDeletes")),
            format!(
                "If not, fix the assignments or scoping filters in {m}, run `entraprov apply {m}`, then restart with resetScope QuarantineState: {}",
                j.restart("QuarantineState")
            ),
            "The threshold itself is provisioning.accidentalDeletions.threshold in the manifest.".into(),
        ],
        "EncounteredQuarantineException" if is_credential_error(code, message) => vec![
            format!("The target rejected the credentials. Check them: `entraprov test-connection {m}`."),
            format!("Fix provisioning.credentials (a new secret token?), run `entraprov apply {m}`, then restart with resetScope QuarantineState: {}", j.restart("QuarantineState")),
        ],
        "EncounteredQuarantineException" => vec![
            format!("The provisioning service hit an error it cannot recover from ({code}). Check the target: `entraprov test-connection {m}`."),
            format!("Fix the cause, then restart with resetScope QuarantineState: {}", j.restart("QuarantineState")),
        ],
        "EncounteredBaseEscrowThreshold" | "EncounteredTotalEscrowThreshold" | "EncounteredEscrowProportionThreshold" => vec![
            match failures {
                Some(0) => "Too many objects failed to export (escrows), but no failed entry is in the logs read: widen the window (e.g. --since 7d) to see them, then fix their cause.".to_owned(),
                Some(n) => format!("Too many objects failed to export (escrows). The {n} failed entries are below, grouped by error code: fix their cause first (attribute mappings, values the target rejects, accounts that already exist in the target)."),
                None => "Too many objects failed to export (escrows). Read the failed entries in the provisioning logs and fix their cause first (attribute mappings, values the target rejects, accounts that already exist in the target).".to_owned(),
            },
            format!("For one user step by step: `entraprov provision-on-demand {m} --user <upn>`."),
            format!("Then retry them: restart with resetScope Escrows, QuarantineState: {}", j.restart("Escrows, QuarantineState")),
        ],
        "QuarantinedOnDemand" => vec![
            "The job was quarantined on request (by an administrator or Microsoft support); it stays there until released.".into(),
            format!("When it should run again: restart with resetScope QuarantineState: {}", j.restart("QuarantineState")),
        ],
        "IngestionInterrupted" => vec![
            "Reading objects from Microsoft Entra ID was interrupted; the service retries at the next attempt.".into(),
            format!("If it stays quarantined past the next attempt, restart with resetScope QuarantineState: {}", j.restart("QuarantineState")),
        ],
        _ => vec![
            format!("The service gives no specific reason ({reason}). Check the provisioning logs and `entraprov test-connection {m}`."),
            format!("Then restart with resetScope QuarantineState: {}; if it comes back, contact Microsoft support with the job id.", j.restart("QuarantineState")),
        ],
    }
}

/// entraprov's advice for a provisioning log error code (when Graph gives none).
pub fn for_error_code(code: &str, action: &str, manifest: &str) -> String {
    let c = code.to_ascii_lowercase();
    if action.eq_ignore_ascii_case("stagedDelete") || c.contains("deletionthreshold") {
        return "Held back by the accidental-deletion threshold: see the quarantine steps.".into();
    }
    if is_credential_error(code, "") {
        return format!(
            "The target rejected the credentials: `entraprov test-connection {manifest}`."
        );
    }
    if c == "noteffectivelyentitled" {
        return "The user is out of scope: assign them (assignments) or check the scoping filters."
            .into();
    }
    if c == "redundantexport" {
        return "Nothing to do: the target is already up to date.".into();
    }
    if c.contains("conflict") || c.contains("duplicate") {
        return "The account already exists in the target and could not be matched: check matchingPriority and the existing account.".into();
    }
    if c.contains("unavailable")
        || c.contains("timeout")
        || c.contains("throttl")
        || c.contains("toomanyrequests")
    {
        return "The target was unavailable; the entry is retried in the next cycle.".into();
    }
    format!(
        "See exactly what is sent and why it fails: `entraprov provision-on-demand {manifest} --user <upn>`."
    )
}
