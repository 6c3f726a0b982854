//! Step 4: credentials and settings. "Test Connection" (`validateCredentials`) with the
//! desired credentials first; then GET the secrets, merge the desired keys, never send
//! back a masked `*`, PUT the complete set; then record the token fingerprint tag.

use secrecy::{ExposeSecret, SecretString};

use crate::graph::wire::SyncSecret;
use crate::ids::{JobId, ServicePrincipalId};
use crate::plan::change::Target;
use crate::plan::fingerprint::{TOKEN_TAG_PREFIX, token_fingerprint, token_tag};
use crate::plan::model::Settings;
use crate::plan::secrets_json::{BASE_ADDRESS, SECRET_TOKEN, read_secrets, settings_to_secrets};
use crate::plan::{Address, Failure, Step};

use super::app::write_tags;
use super::ctx::{Run, failure, failure_from};

struct Work<'p> {
    credentials: Option<(usize, Option<&'p String>)>,
    settings: Option<(usize, &'p Settings)>,
}

/// Runs step 4.
pub(super) async fn run(run: &mut Run<'_>) {
    let todo = run.begin(Step::Secrets, "credentials and settings");
    if todo.is_empty() {
        return;
    }
    let plan = run.plan;
    let mut work = Work {
        credentials: None,
        settings: None,
    };
    for &i in &todo {
        match &plan.changes[i].target {
            Target::Credentials { tenant_url, .. } => {
                work.credentials = Some((i, tenant_url.as_ref()));
            }
            Target::Settings { desired } => work.settings = Some((i, desired)),
            _ => run.fail(
                i,
                failure("internal: unexpected change in the secrets step"),
            ),
        }
    }
    let result = match (run.sp.clone(), run.job.clone(), &run.inputs.secret_token) {
        (Some(sp), Some(job), Some(token)) => write(run, &sp, &job, token, &work).await,
        (_, _, None) => Err((
            failure(
                "the SCIM secret token is needed to write the synchronization secrets (Graph \
                 masks it and a write replaces the whole set): declare \
                 provisioning.credentials.secretToken",
            ),
            false,
        )),
        _ => Err((failure("there is no provisioning job"), false)),
    };
    let cred = work.credentials.map(|(i, _)| i);
    let settings = work.settings.map(|(i, _)| i);
    match result {
        Ok(()) => todo.iter().for_each(|&i| run.done(i)),
        Err((f, true)) => {
            // Test Connection failed: nothing after it is written.
            if let Some(i) = cred {
                run.fail(i, f);
            }
            if let Some(i) = settings {
                run.skip(i, Address::Credentials);
            }
        }
        Err((f, false)) => run.fail_group(&todo, f),
    }
    run.progress.advance(todo.len());
    run.progress.finish_step();
}

/// The error and whether it was the credential test.
type StepError = (Failure, bool);

async fn write(
    run: &Run<'_>,
    sp: &ServicePrincipalId,
    job: &JobId,
    token: &SecretString,
    work: &Work<'_>,
) -> Result<(), StepError> {
    let graph = |e: crate::graph::GraphError| (failure_from(&e), false);
    let fresh = run.fresh_client();
    let mut live = None;
    if let Some((_, desired_url)) = work.credentials {
        let url = match desired_url {
            Some(u) => u.clone(),
            None => {
                let secrets = fresh.get_secrets(sp).await.map_err(graph)?;
                let url = live_value(&secrets, BASE_ADDRESS).unwrap_or_default();
                live = Some(secrets);
                url
            }
        };
        run.progress
            .note("testing the connection to the SCIM endpoint");
        let creds = [
            SyncSecret::new(BASE_ADDRESS, url.clone()),
            SyncSecret::new(SECRET_TOKEN, token.expose_secret()),
        ];
        if let Err(e) = fresh.validate_credentials(sp, job, Some(&creds)).await {
            let mut f = failure_from(&e);
            f.message = format!("Test Connection failed, nothing was written: {e}");
            if let Some(why) = explain(run, &url, token).await {
                f.message
                    .push_str(&format!("\n      {}", why.replace('\n', "\n      ")));
            }
            return Err((f, true));
        }
    }
    let live = match live {
        Some(l) => l,
        None => fresh.get_secrets(sp).await.map_err(graph)?,
    };
    let next = merge(&live, token, work).map_err(|f| (f, false))?;
    run.check_stop().map_err(|f| (f, false))?;
    run.client.put_secrets(sp, &next).await.map_err(graph)?;
    if work.credentials.is_some() {
        run.check_stop().map_err(|f| (f, false))?;
        let tag = token_tag(&token_fingerprint(sp, token));
        write_tags(run.client, sp, &[tag], Some(TOKEN_TAG_PREFIX))
            .await
            .map_err(graph)?;
    }
    Ok(())
}

/// The connector's reading of a refused Test Connection: the same credentials probed
/// directly (bounded to 15 s), or `None` when that probe passes or cannot say.
async fn explain(run: &Run<'_>, url: &str, token: &SecretString) -> Option<String> {
    if !run.opts.explain_refused_credentials {
        return None;
    }
    let connector = run.inputs.connector?;
    let probe = connector.explain_refused_credentials(url, token, None);
    tokio::time::timeout(std::time::Duration::from_secs(15), probe)
        .await
        .ok()
        .flatten()
}

fn live_value(secrets: &[SyncSecret], key: &str) -> Option<String> {
    secrets
        .iter()
        .find(|s| s.key == key && !s.is_masked())
        .map(|s| s.value.expose_secret().to_owned())
}

/// The complete set to PUT: the live keys (masked ones only when we hold their value),
/// the desired tenant URL, the token and the declared settings.
fn merge(
    live: &[SyncSecret],
    token: &SecretString,
    work: &Work<'_>,
) -> Result<Vec<SyncSecret>, Failure> {
    let pairs: Vec<(&str, &str)> = live
        .iter()
        .filter(|s| !s.is_masked())
        .map(|s| (s.key.as_str(), s.value.expose_secret()))
        .collect();
    let view = read_secrets(pairs).map_err(|e| failure(e.to_string()))?;
    let mut next: Vec<SyncSecret> = Vec::new();
    for s in live {
        if s.key == SECRET_TOKEN || s.value.expose_secret().is_empty() {
            continue;
        }
        if s.is_masked() {
            return Err(failure(format!(
                "the stored secret {} is masked and entraprov does not know its value, so \
                 the secrets cannot be rewritten without losing it; set it in the portal \
                 or remove it first",
                s.key
            )));
        }
        next.push(s.clone());
    }
    let mut set = |key: &str, value: String| {
        next.retain(|s| s.key != key);
        next.push(SyncSecret::new(key, value));
    };
    if let Some((_, Some(url))) = work.credentials {
        set(BASE_ADDRESS, url.clone());
    }
    set(SECRET_TOKEN, token.expose_secret().to_owned());
    if let Some((_, desired)) = work.settings {
        for (k, v) in settings_to_secrets(desired, &view.notifications) {
            set(k, v);
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[SyncSecret]) -> Vec<(String, String)> {
        v.iter()
            .map(|s| (s.key.clone(), s.value.expose_secret().to_owned()))
            .collect()
    }

    #[test]
    fn merge_never_sends_a_masked_value_and_keeps_undeclared_keys() {
        let live = vec![
            SyncSecret::new("BaseAddress", "https://old"),
            SyncSecret::new("SecretToken", "*"),
            SyncSecret::new("SyncAll", "false"),
            SyncSecret::new(
                "SyncNotificationSettings",
                r#"{"Enabled":true,"Recipients":"a@x"}"#,
            ),
            SyncSecret::new("SkipOutOfScopeDeletions", ""),
        ];
        let url = "https://new".to_owned();
        let settings = Settings {
            notification_email: Some("b@x".into()),
            ..Settings::default()
        };
        let work = Work {
            credentials: Some((0, Some(&url))),
            settings: Some((1, &settings)),
        };
        let out = merge(&live, &SecretString::from("tok"), &work).unwrap();
        assert!(out.iter().all(|s| !s.is_masked()));
        assert_eq!(
            keys(&out),
            [
                ("SyncAll".into(), "false".into()),
                ("BaseAddress".into(), "https://new".into()),
                ("SecretToken".into(), "tok".into()),
                (
                    "SyncNotificationSettings".into(),
                    r#"{"Enabled":true,"Recipients":"b@x"}"#.into()
                ),
            ]
        );
    }

    #[test]
    fn merge_refuses_to_drop_a_masked_key_it_cannot_restore() {
        let live = vec![SyncSecret::new("Password", "*")];
        let work = Work {
            credentials: None,
            settings: None,
        };
        let err = merge(&live, &SecretString::from("tok"), &work).unwrap_err();
        assert!(err.message.contains("Password"), "{}", err.message);
        assert!(!err.message.contains("tok"));
    }
}
