//! Secrets never leak: every secret input is a unique canary string; all tracing output at
//! TRACE (every crate, not just ours), and the Display/Debug/miette rendering of failing and
//! succeeding operations, must not contain any of them.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use entraprov::graph::auth::{Env, credential_from_env};
use entraprov::graph::wire::SyncSecret;
use entraprov::ids::ServicePrincipalId;
use miette::{GraphicalReportHandler, GraphicalTheme};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{auth_ctx, client_from_env, token_body};

const ACCESS: &str = "CANARY-ACCESS-TOKEN-7f3a11";
const ISSUED: &str = "CANARY-ISSUED-TOKEN-2b8c44";
const SECRET: &str = "CANARY-CLIENT-SECRET-c4d5e6";
const FEDERATED: &str = "CANARY-FEDERATED-TOKEN-e6f790";
const CERT_PASSWORD: &str = "CANARY-CERT-PASSWORD-8a9b0c";
const GH_REQUEST: &str = "CANARY-GH-REQUEST-TOKEN-d1e2f3";
const GH_JWT: &str = "CANARY-GH-JWT-a4b5c6";
const SCIM: &str = "CANARY-SCIM-TOKEN-91b2c3";
const ALL: [&str; 8] = [
    ACCESS,
    ISSUED,
    SECRET,
    FEDERATED,
    CERT_PASSWORD,
    GH_REQUEST,
    GH_JWT,
    SCIM,
];

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> Captured {
    static CAP: OnceLock<Captured> = OnceLock::new();
    CAP.get_or_init(|| {
        let cap = Captured::default();
        let writer = cap.clone();
        let sub = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(sub).expect("one global subscriber");
        cap
    })
    .clone()
}

fn render(d: &dyn miette::Diagnostic) -> String {
    let mut s = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .render_report(&mut s, d)
        .unwrap();
    s
}

/// A fake tenant: token endpoint, GitHub OIDC, a readable SP and a secrets endpoint that
/// accepts or refuses depending on `ok`.
async fn tenant(ok: bool) -> MockServer {
    let server = MockServer::start().await;
    let status = if ok { 200 } else { 401 };
    let token = ResponseTemplate::new(status).set_body_json(if ok {
        token_body(ISSUED, 3600)
    } else {
        serde_json::json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
    });
    Mock::given(method("POST"))
        .and(path_regex("/oauth2/v2.0/token$"))
        .respond_with(token)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/oidc"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": GH_JWT})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1.0/servicePrincipals/sp1$"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "sp1", "appId": "a"})),
        )
        .mount(&server)
        .await;
    let put = if ok {
        ResponseTemplate::new(204)
    } else {
        ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {"code": "UnknownError",
            "message": "{\"error\":{\"code\":\"SystemForCrossDomainIdentityManagementCredentialValidationUnavailable\",\"message\":\"bad token\"}}"}}))
    };
    Mock::given(method("PUT"))
        .respond_with(put)
        .mount(&server)
        .await;
    server
}

fn pfx(dir: &std::path::Path) -> std::path::PathBuf {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["canary".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let chain = p12_keystore::PrivateKeyChain::new(
        vec![9u8],
        p12_keystore::PrivateKey::from_der(&key.serialize_der()).unwrap(),
        [p12_keystore::Certificate::from_der(cert.der()).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("c", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    let p = dir.join("c.pfx");
    std::fs::write(&p, store.writer(CERT_PASSWORD).write().unwrap()).unwrap();
    p
}

fn envs(server: &MockServer, dir: &std::path::Path) -> Vec<Env> {
    let fed = dir.join("fed");
    std::fs::write(&fed, FEDERATED).unwrap();
    let app = Env::from_pairs([("AZURE_TENANT_ID", TENANT), ("AZURE_CLIENT_ID", CLIENT)]);
    vec![
        app.clone()
            .with("ENTRAPROV_ACCESS_TOKEN", ACCESS)
            .with("AZURE_CLIENT_SECRET", SECRET),
        app.clone()
            .with(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                format!("{}/oidc?x=1", server.uri()),
            )
            .with("ACTIONS_ID_TOKEN_REQUEST_TOKEN", GH_REQUEST),
        app.clone()
            .with("AZURE_FEDERATED_TOKEN_FILE", fed.to_str().unwrap()),
        app.clone()
            .with("AZURE_CLIENT_CERTIFICATE_PATH", pfx(dir).to_str().unwrap())
            .with("AZURE_CLIENT_CERTIFICATE_PASSWORD", CERT_PASSWORD),
        app.with("AZURE_CLIENT_SECRET", SECRET),
    ]
}

#[tokio::test]
async fn no_secret_reaches_logs_errors_or_debug_output() {
    let cap = capture();
    let dir = tempfile::tempdir().unwrap();
    let mut seen = String::new();
    let sp = ServicePrincipalId::new("sp1");
    let secrets = [
        SyncSecret::new("BaseAddress", "https://scim.example.test"),
        SyncSecret::new("SecretToken", SCIM),
    ];
    for ok in [true, false] {
        let server = tenant(ok).await;
        for env in envs(&server, dir.path()) {
            seen += &format!("{env:?}\n");
            let cred = credential_from_env(&env, &auth_ctx(&server)).unwrap();
            seen += &format!("{cred:?}\n{}\n", cred.describe());
            if let Err(e) = cred.token().await {
                seen += &format!("{e}\n{e:?}\n{}\n", render(&e));
            }
            let client = client_from_env(&server, &env);
            seen += &format!("{client:?}\n");
            match client.get_service_principal(&sp).await {
                Ok(v) => seen += &format!("{v:?}\n"),
                Err(e) => seen += &format!("{e}\n{e:?}\n{}\n", render(&e)),
            }
            match client.put_secrets(&sp, &secrets).await {
                Ok(()) => {}
                Err(e) => seen += &format!("{e}\n{e:?}\n{}\n", render(&e)),
            }
            seen += &format!("{secrets:?}\n");
        }
    }
    let logs = String::from_utf8_lossy(&cap.0.lock().unwrap()).into_owned();
    assert!(logs.contains("using credential"), "TRACE capture is live");
    assert!(
        seen.contains("HTTP 400"),
        "a failing operation was rendered"
    );
    for canary in ALL {
        assert!(
            !logs.contains(canary),
            "{canary} leaked into tracing output"
        );
        assert!(
            !seen.contains(canary),
            "{canary} leaked into Display/Debug output"
        );
    }
}
