//! Client certificate credential: loads a PEM (certificate + private key) or PFX/PKCS#12
//! file and signs a client assertion — RS256 with `x5t` (SHA-1 thumbprint) by default, or
//! PS256 with `x5t#S256` — with claims `aud` (token endpoint), `iss` = `sub` (client id),
//! `jti`, `nbf`, `iat`, `exp` (10 minutes).

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures::FutureExt;
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha1::Digest as _;

use super::token_endpoint::TokenEndpoint;
use super::{AccessToken, AuthError, TokenProvider};

/// DER of the rsaEncryption OID (1.2.840.113549.1.1.1), to recognise PKCS#8 RSA keys.
const RSA_OID: &[u8] = &[
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01,
];

/// Assertion lifetime.
const ASSERTION_SECS: u64 = 600;

/// Signature algorithm of the client assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionAlgorithm {
    /// RSASSA-PKCS1-v1_5 SHA-256 with `x5t` (SHA-1 thumbprint) — widely accepted.
    Rs256,
    /// RSASSA-PSS SHA-256 with `x5t#S256` — the current Microsoft recommendation.
    Ps256,
}

/// A loaded client certificate bound to an app registration.
pub struct ClientCertificate {
    app: TokenEndpoint,
    path: String,
    key: EncodingKey,
    chain_der: Vec<Vec<u8>>,
    alg: AssertionAlgorithm,
    send_chain: bool,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("path", &self.path)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: u64,
    iat: u64,
    exp: u64,
}

impl ClientCertificate {
    /// Loads a certificate file's bytes: PEM when it contains `-----BEGIN`, else PFX.
    pub fn from_bytes(
        app: TokenEndpoint,
        path: &str,
        bytes: &[u8],
        password: Option<&SecretString>,
        alg: AssertionAlgorithm,
        send_chain: bool,
    ) -> Result<Self, AuthError> {
        let fail = |reason: &str| AuthError::Certificate {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let (key_pem, chain_der) = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
            load_pem(bytes).map_err(|r| fail(&r))?
        } else {
            load_pfx(bytes, password).map_err(|r| fail(&r))?
        };
        let key = EncodingKey::from_rsa_pem(key_pem.expose_secret().as_bytes())
            .map_err(|_| fail("the private key is not a usable RSA key"))?;
        Ok(Self {
            app,
            path: path.to_owned(),
            key,
            chain_der,
            alg,
            send_chain,
        })
    }

    /// The signed client assertion for one token request.
    pub fn assertion(&self) -> Result<SecretString, AuthError> {
        let leaf = &self.chain_der[0];
        let mut header = match self.alg {
            AssertionAlgorithm::Rs256 => {
                let mut h = Header::new(Algorithm::RS256);
                h.x5t = Some(URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(leaf)));
                h
            }
            AssertionAlgorithm::Ps256 => {
                let mut h = Header::new(Algorithm::PS256);
                h.x5t_s256 = Some(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(leaf)));
                h
            }
        };
        header.typ = Some("JWT".to_owned());
        if self.send_chain {
            header.x5c = Some(self.chain_der.iter().map(|c| STANDARD.encode(c)).collect());
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let claims = Claims {
            aud: &self.app.token_url,
            iss: &self.app.client_id,
            sub: &self.app.client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now,
            iat: now,
            exp: now + ASSERTION_SECS,
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map(SecretString::from)
            .map_err(|e| AuthError::Certificate {
                path: self.path.clone(),
                reason: format!("signing the client assertion failed: {e}"),
            })
    }
}

impl TokenProvider for ClientCertificate {
    fn describe(&self) -> String {
        let alg = match self.alg {
            AssertionAlgorithm::Rs256 => "RS256",
            AssertionAlgorithm::Ps256 => "PS256",
        };
        format!(
            "client certificate (AZURE_CLIENT_CERTIFICATE_PATH={}, {alg}) of app {}",
            self.path, self.app.client_id
        )
    }

    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        async move {
            let assertion = self.assertion()?;
            self.app
                .exchange_assertion(&self.describe(), &assertion)
                .await
        }
        .boxed()
    }
}

/// PEM blocks of the file: `(label, der)`.
fn pem_blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let label_end = after.find("-----").ok_or("malformed PEM header")?;
        let label = after[..label_end].to_owned();
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let end = body_start
            .find(&end_marker)
            .ok_or_else(|| format!("PEM block {label} has no END line"))?;
        let b64: String = body_start[..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = STANDARD
            .decode(b64)
            .map_err(|_| format!("PEM block {label} is not valid base64"))?;
        blocks.push((label, der));
        rest = &body_start[end + end_marker.len()..];
    }
    Ok(blocks)
}

fn load_pem(bytes: &[u8]) -> Result<(SecretString, Vec<Vec<u8>>), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the PEM file is not UTF-8")?;
    let blocks = pem_blocks(text)?;
    let chain: Vec<Vec<u8>> = blocks
        .iter()
        .filter(|(l, _)| l == "CERTIFICATE")
        .map(|(_, d)| d.clone())
        .collect();
    if chain.is_empty() {
        return Err("no CERTIFICATE block found".to_owned());
    }
    let key = blocks
        .iter()
        .find(|(l, _)| l.ends_with("PRIVATE KEY"))
        .ok_or("no PRIVATE KEY block found")?;
    match key.0.as_str() {
        "ENCRYPTED PRIVATE KEY" => {
            Err("encrypted PEM keys are not supported; use a PFX file with \
             AZURE_CLIENT_CERTIFICATE_PASSWORD or an unencrypted PEM key"
                .to_owned())
        }
        "RSA PRIVATE KEY" => Ok((pem_wrap("RSA PRIVATE KEY", &key.1), chain)),
        "PRIVATE KEY" if contains(&key.1, RSA_OID) => Ok((pem_wrap("PRIVATE KEY", &key.1), chain)),
        _ => Err("the private key is not RSA (Entra certificate credentials need RSA)".to_owned()),
    }
}

fn load_pfx(
    bytes: &[u8],
    password: Option<&SecretString>,
) -> Result<(SecretString, Vec<Vec<u8>>), String> {
    let pass = password.map(|p| p.expose_secret()).unwrap_or("");
    let store =
        p12_keystore::KeyStore::from_pkcs12(bytes, pass, p12_keystore::Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| {
                format!(
                    "cannot read the PFX file ({}); check AZURE_CLIENT_CERTIFICATE_PASSWORD",
                    pfx_reason(&e)
                )
            })?;
    let (_, chain) = store
        .private_key_chain()
        .ok_or("the PFX file holds no private key with a certificate")?;
    if chain.certs().is_empty() {
        return Err("the PFX private key has no certificate".to_owned());
    }
    let der = chain.key().as_der();
    if !contains(der, RSA_OID) {
        return Err(
            "the private key is not RSA (Entra certificate credentials need RSA)".to_owned(),
        );
    }
    let certs = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    Ok((pem_wrap("PRIVATE KEY", der), certs))
}

fn pfx_reason(e: &p12_keystore::error::Error) -> String {
    // The error text names the failing structure only, never the password.
    e.to_string()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn pem_wrap(label: &str, der: &[u8]) -> SecretString {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    SecretString::from(out)
}
