//! validateCredentials against a real SCIM server (scim2-server from target/tools).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{Ctx, graph_error};

const TOKEN: &str = "scim-test-token";

struct Scim {
    child: Child,
    port: u16,
}

impl Drop for Scim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool() -> PathBuf {
    let dir = std::env::var_os("ENTRAPROV_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tools"));
    let bin = dir.join("py/bin/scim2-server");
    assert!(
        bin.exists(),
        "scim2-server is missing at {}: run scripts/test.sh once to install the test tools",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_scim() -> Scim {
    let port = free_port();
    let child = Command::new(tool())
        .args([
            "--port",
            &port.to_string(),
            "--bearer-token",
            TOKEN,
            "--tenant",
            "1234567",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("scim2-server starts");
    let scim = Scim { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "scim2-server did not listen on {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    scim
}

async fn validate(
    ctx: &Ctx,
    sp: &str,
    job: &str,
    body: serde_json::Value,
) -> crate::common::Answer {
    ctx.post(
        &format!("/servicePrincipals/{sp}/synchronization/jobs/{job}/validateCredentials"),
        body,
    )
    .await
}

fn creds(base: &str, token: &str) -> serde_json::Value {
    json!({"useSavedCredentials": false, "credentials": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": token}]})
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_credentials_really_queries_the_scim_endpoint() {
    let scim = start_scim();
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let base = format!("http://127.0.0.1:{}/1234567", scim.port);
    let ok = validate(&ctx, &sp, &job, creds(&base, TOKEN)).await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    let bad_token = validate(&ctx, &sp, &job, creds(&base, "wrong-token")).await;
    assert_eq!(bad_token.status, 400);
    assert_eq!(graph_error(&bad_token), "UnknownError");
    assert_eq!(
        bad_token.inner()["error"]["code"],
        "SystemForCrossDomainIdentityManagementCredentialValidationUnauthorized"
    );
    let wrong_node = validate(
        &ctx,
        &sp,
        &job,
        creds(&format!("http://127.0.0.1:{}/7654321", scim.port), TOKEN),
    )
    .await;
    assert_eq!(
        wrong_node.inner()["error"]["code"],
        "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable"
    );
    assert!(
        wrong_node.inner()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("404")
    );
    // Saved credentials are used when asked to.
    ctx.put(&format!("/servicePrincipals/{sp}/synchronization/secrets"), json!({"value": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": TOKEN}]})).await;
    let saved = validate(&ctx, &sp, &job, json!({"useSavedCredentials": true})).await;
    assert_eq!(saved.status, 204, "{}", saved.body);
}

#[tokio::test]
async fn validate_credentials_fails_on_unreachable_or_plain_http_endpoints() {
    let ctx = Ctx::new();
    let (sp, job) = ctx.keeper_job().await;
    let closed = format!("http://127.0.0.1:{}/scim", free_port());
    let a = validate(&ctx, &sp, &job, creds(&closed, TOKEN)).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.inner()["error"]["code"],
        "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable"
    );
    let http = validate(&ctx, &sp, &job, creds("http://scim.example/v2", TOKEN)).await;
    assert_eq!(http.status, 400);
    assert!(
        http.inner()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("https")
    );
    let missing = validate(
        &ctx,
        &sp,
        &job,
        json!({"credentials": [{"key": "SecretToken", "value": "x"}]}),
    )
    .await;
    assert_eq!(missing.inner()["error"]["code"], "CredentialsMissing");
}
