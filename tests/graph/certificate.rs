//! Client certificate flow: PEM and PFX fixtures generated here, assertion header and
//! claims verified by decoding (and signature-checking) the JWT.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entraprov::graph::auth::{AuthError, Env, credential_from_env};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sha1::Digest as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{auth_ctx, form, token_body};

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

struct Fixture {
    key: rcgen::KeyPair,
    cert: rcgen::Certificate,
}

fn fixture() -> Fixture {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let cert = rcgen::CertificateParams::new(vec!["entraprov-test".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    Fixture { key, cert }
}

fn write_pem(dir: &std::path::Path, f: &Fixture) -> std::path::PathBuf {
    let p = dir.join("cert.pem");
    std::fs::write(&p, format!("{}{}", f.cert.pem(), f.key.serialize_pem())).unwrap();
    p
}

fn write_pfx(dir: &std::path::Path, f: &Fixture, password: &str) -> std::path::PathBuf {
    let key = p12_keystore::PrivateKey::from_der(&f.key.serialize_der()).unwrap();
    let cert = p12_keystore::Certificate::from_der(f.cert.der()).unwrap();
    let chain = p12_keystore::PrivateKeyChain::new(vec![1u8, 2, 3], key, [cert]);
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "entraprov",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
    );
    let bytes = store.writer(password).write().unwrap();
    let p = dir.join("cert.pfx");
    std::fs::write(&p, bytes).unwrap();
    p
}

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", 3600)))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[derive(serde::Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    sub: String,
    jti: String,
    nbf: u64,
    exp: u64,
}

/// Fetches a token with `env` and returns the assertion that was posted.
async fn posted_assertion(server: &MockServer, env: &Env) -> String {
    let cred = credential_from_env(env, &auth_ctx(server)).unwrap();
    cred.token().await.unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    let f = form(&req.body);
    assert_eq!(
        f["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert_eq!(f["grant_type"], "client_credentials");
    assert_eq!(f["client_id"], CLIENT);
    f["client_assertion"].clone()
}

fn verify(server: &MockServer, jwt: &str, f: &Fixture, alg: Algorithm) -> Claims {
    let token_url = format!("{}/{TENANT}/oauth2/v2.0/token", server.uri());
    let mut v = Validation::new(alg);
    v.set_audience(&[&token_url]);
    v.set_issuer(&[CLIENT]);
    v.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    let key = DecodingKey::from_rsa_pem(f.key.public_key_pem().as_bytes()).unwrap();
    let data = jsonwebtoken::decode::<Claims>(jwt, &key, &v).expect("valid signature and claims");
    let c = data.claims;
    assert_eq!(c.aud, token_url);
    assert_eq!(c.iss, CLIENT);
    assert_eq!(c.sub, CLIENT);
    assert!(uuid::Uuid::parse_str(&c.jti).is_ok());
    assert!(c.exp > c.nbf && c.exp - c.nbf <= 600);
    c
}

fn env_with(path: &std::path::Path) -> Env {
    Env::from_pairs([
        ("AZURE_TENANT_ID", TENANT),
        ("AZURE_CLIENT_ID", CLIENT),
        ("AZURE_CLIENT_CERTIFICATE_PATH", path.to_str().unwrap()),
    ])
}

#[tokio::test]
async fn pem_certificate_signs_rs256_assertion_with_sha1_thumbprint() {
    let server = token_server().await;
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let jwt = posted_assertion(&server, &env_with(&write_pem(dir.path(), &f))).await;
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(
        header.x5t,
        Some(URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(f.cert.der())))
    );
    assert_eq!(header.x5t_s256, None);
    assert_eq!(header.x5c, None);
    verify(&server, &jwt, &f, Algorithm::RS256);
}

#[tokio::test]
async fn pfx_certificate_with_password_signs_ps256_with_sha256_thumbprint_and_chain() {
    let server = token_server().await;
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let env = env_with(&write_pfx(dir.path(), &f, "pfx-pass"))
        .with("AZURE_CLIENT_CERTIFICATE_PASSWORD", "pfx-pass")
        .with("ENTRAPROV_CLIENT_ASSERTION_ALG", "PS256")
        .with("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "true");
    let jwt = posted_assertion(&server, &env).await;
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::PS256);
    assert_eq!(
        header.x5t_s256,
        Some(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(f.cert.der())))
    );
    assert_eq!(header.x5t, None);
    assert_eq!(header.x5c_der().unwrap(), Some(vec![f.cert.der().to_vec()]));
    verify(&server, &jwt, &f, Algorithm::PS256);
}

#[tokio::test]
async fn pfx_with_wrong_password_is_a_clear_error() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let env = env_with(&write_pfx(dir.path(), &f, "right"))
        .with("AZURE_CLIENT_CERTIFICATE_PASSWORD", "wrong");
    let err = credential_from_env(&env, &auth_ctx(&server)).unwrap_err();
    assert!(matches!(err, AuthError::Certificate { .. }));
    assert!(
        err.to_string()
            .contains("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
        "{err}"
    );
    assert!(!err.to_string().contains("right") && !err.to_string().contains("wrong"));
}

#[tokio::test]
async fn pem_without_private_key_is_refused() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let p = dir.path().join("only-cert.pem");
    std::fs::write(&p, f.cert.pem()).unwrap();
    let err = credential_from_env(&env_with(&p), &auth_ctx(&server)).unwrap_err();
    assert!(err.to_string().contains("no PRIVATE KEY block"), "{err}");
}
