//! The token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials) and the
//! access tokens it issues: JWTs signed (HS256) with a per-server key, carrying `tid`,
//! `appid`, `roles`, `exp` and the other claims a real Graph app token carries.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::sim::config::ClientApp;
use crate::sim::core::{Caller, Sim};
use crate::sim::http::error::GraphError;
use crate::sim::state::{iso_now, unix_now};

/// Audience of Graph access tokens.
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
/// Lifetime of issued tokens, seconds.
pub const TOKEN_LIFETIME: u64 = 3599;

/// Claims of an issued access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    aud: String,
    iss: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    app_displayname: String,
    appid: String,
    appidacr: String,
    idp: String,
    idtyp: String,
    oid: String,
    roles: Vec<String>,
    sub: String,
    tid: String,
    uti: String,
    ver: String,
}

/// Issues a token for a client app with the given roles.
pub fn mint(sim: &Sim, client: &ClientApp, roles: &[String]) -> String {
    let now = unix_now();
    let oid = {
        let t = sim.lock();
        t.sp_index_by_app_id(&client.client_id)
            .map(|i| t.sps[i].id().to_owned())
            .unwrap_or_default()
    };
    let tid = &sim.cfg.tenant_id;
    let claims = Claims {
        aud: GRAPH_AUDIENCE.into(),
        iss: format!("https://sts.windows.net/{tid}/"),
        iat: now,
        nbf: now,
        exp: now + TOKEN_LIFETIME,
        app_displayname: client.display_name.clone(),
        appid: client.client_id.clone(),
        appidacr: "1".into(),
        idp: format!("https://sts.windows.net/{tid}/"),
        idtyp: "app".into(),
        sub: oid.clone(),
        oid,
        roles: roles.to_vec(),
        tid: tid.clone(),
        uti: uuid::Uuid::new_v4().simple().to_string(),
        ver: "1.0".into(),
    };
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("JWT".into());
    header.kid = Some("entraprov-sim".into());
    match EncodingKey::from_secret(&sim.key) {
        Ok(key) => jsonwebtoken::encode(&header, &claims, &key).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Checks `Authorization: Bearer …` and returns the caller, or Graph's 401.
pub fn authenticate(sim: &Sim, authorization: Option<&str>) -> Result<Caller, GraphError> {
    let unauthorized = |msg: &str| {
        GraphError::new(401, "InvalidAuthenticationToken", msg).with_header(
            "WWW-Authenticate",
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        )
    };
    let Some(value) = authorization.filter(|v| !v.trim().is_empty()) else {
        return Err(unauthorized("Access token is empty."));
    };
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => return Err(unauthorized("Access token is empty.")),
    };
    if token.split('.').count() != 3 {
        return Err(unauthorized(
            "IDX14100: JWT is not well formed, there are no dots (.).",
        ));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let cached = |slot: &Option<(String, Caller, u64)>| match slot {
        Some((t, caller, exp)) if t == token && now < *exp => Some(caller.clone()),
        _ => None,
    };
    if let Some(caller) = sim.verified.lock().ok().and_then(|g| cached(&g)) {
        return Ok(caller);
    }
    let mut v = Validation::new(Algorithm::HS256);
    v.set_audience(&[GRAPH_AUDIENCE]);
    v.leeway = 0;
    let key = DecodingKey::from_secret(&sim.key)
        .map_err(|_| unauthorized("Access token validation failure."))?;
    let data = jsonwebtoken::decode::<Claims>(token, &key, &v).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
            unauthorized("Lifetime validation failed, the token is expired.")
        }
        jsonwebtoken::errors::ErrorKind::InvalidAudience => {
            unauthorized("Access token validation failure. Invalid audience.")
        }
        _ => unauthorized("Access token validation failure."),
    })?;
    if !data.claims.tid.eq_ignore_ascii_case(&sim.cfg.tenant_id) {
        return Err(unauthorized(
            "Access token validation failure. Invalid tenant.",
        ));
    }
    let caller = Caller {
        client_id: data.claims.appid,
        roles: data.claims.roles,
    };
    if let Ok(mut slot) = sim.verified.lock() {
        *slot = Some((token.to_owned(), caller.clone(), data.claims.exp));
    }
    Ok(caller)
}

/// An OAuth error answer in the Entra shape (`error`, `error_description` with AADSTS code…).
pub fn oauth_error(status: u16, error: &str, aadsts: u32, description: &str) -> (u16, Value) {
    let trace = uuid::Uuid::new_v4().to_string();
    let corr = uuid::Uuid::new_v4().to_string();
    let ts = iso_now().replace('T', " ");
    (
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{aadsts}: {description} Trace ID: {trace} Correlation ID: {corr} Timestamp: {ts}"),
            "error_codes": [aadsts],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": corr,
            "error_uri": "https://login.microsoftonline.com/error?code=".to_owned() + &aadsts.to_string(),
        }),
    )
}

/// Handles `POST /{tenant}/oauth2/v2.0/token` with a form body.
pub fn token_endpoint(sim: &Sim, tenant: &str, body: &[u8]) -> (u16, Value) {
    if !tenant.eq_ignore_ascii_case(&sim.cfg.tenant_id) {
        return oauth_error(
            400,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| field(&form, k);
    let client = match requesting_client(sim, &form) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if let Err(e) = check_credential(
        sim,
        client,
        get("client_secret"),
        get("client_assertion_type"),
        get("client_assertion"),
    ) {
        return e;
    }
    let token = mint(sim, client, &client.roles);
    (
        200,
        json!({
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "ext_expires_in": TOKEN_LIFETIME,
            "access_token": token,
        }),
    )
}

/// The value of form field `k`.
fn field<'f>(form: &'f [(String, String)], k: &str) -> Option<&'f str> {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// Checks the grant type and scope, then finds the registered client app.
fn requesting_client<'s>(
    sim: &'s Sim,
    form: &[(String, String)],
) -> Result<&'s ClientApp, (u16, Value)> {
    if field(form, "grant_type") != Some("client_credentials") {
        return Err(oauth_error(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        ));
    }
    let scope = field(form, "scope").unwrap_or_default();
    if scope != "https://graph.microsoft.com/.default" {
        return Err(oauth_error(
            400,
            "invalid_scope",
            1002012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        ));
    }
    let Some(client_id) = field(form, "client_id") else {
        return Err(oauth_error(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        ));
    };
    sim.cfg
        .clients
        .iter()
        .find(|c| c.client_id.eq_ignore_ascii_case(client_id))
        .ok_or_else(|| {
            oauth_error(
                400,
                "unauthorized_client",
                700016,
                &format!(
                    "Application with identifier '{client_id}' was not found in the directory '{}'.",
                    sim.cfg.tenant_id
                ),
            )
        })
}

fn check_credential(
    sim: &Sim,
    client: &ClientApp,
    secret: Option<&str>,
    assertion_type: Option<&str>,
    assertion: Option<&str>,
) -> Result<(), (u16, Value)> {
    if let Some(secret) = secret {
        return match &client.client_secret {
            Some(s) if s == secret => Ok(()),
            _ => Err(oauth_error(
                401,
                "invalid_client",
                7000215,
                &format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                    client.client_id
                ),
            )),
        };
    }
    let Some(assertion) = assertion else {
        return Err(oauth_error(
            401,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    if assertion_type != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return Err(oauth_error(
            400,
            "invalid_request",
            50027,
            "Invalid client_assertion_type.",
        ));
    }
    check_assertion(sim, client, assertion)
}

/// A 401 `invalid_client` answer.
fn invalid_client(code: u32, msg: &str) -> (u16, Value) {
    oauth_error(401, "invalid_client", code, msg)
}

/// Checks a client assertion: lifetime, then the federated identity record or
/// the certificate signature.
fn check_assertion(sim: &Sim, client: &ClientApp, assertion: &str) -> Result<(), (u16, Value)> {
    let bad = invalid_client;
    let claims: Value = match jsonwebtoken::dangerous::insecure_decode::<Value>(assertion) {
        Ok(d) => d.claims,
        Err(_) => return Err(bad(50027, "JWT token is invalid or malformed.")),
    };
    let exp = claims["exp"].as_u64().unwrap_or(0);
    if exp <= unix_now() {
        return Err(bad(
            700024,
            "Client assertion is not within its valid time range.",
        ));
    }
    if let Some((iss, sub)) = &client.federated {
        let aud_ok = claims["aud"] == "api://AzureADTokenExchange"
            || claims["aud"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "api://AzureADTokenExchange"));
        if claims["iss"] == iss.as_str() && claims["sub"] == sub.as_str() && aud_ok {
            return Ok(());
        }
        return Err(bad(
            70021,
            "No matching federated identity record found for presented assertion.",
        ));
    }
    check_signature(sim, client, assertion)
}

/// Verifies a certificate-signed assertion against the app's registered certificate.
fn check_signature(sim: &Sim, client: &ClientApp, assertion: &str) -> Result<(), (u16, Value)> {
    let bad = invalid_client;
    let Some(pem) = &client.certificate_pem else {
        return Err(bad(
            700027,
            "Client assertion failed signature validation: no certificate is registered for this app.",
        ));
    };
    let key = DecodingKey::from_rsa_pem(pem.as_bytes())
        .map_err(|_| bad(700027, "Client assertion failed signature validation."))?;
    let mut v = Validation::new(Algorithm::RS256);
    let token_url = format!("{}/{}/oauth2/v2.0/token", sim.base_url, sim.cfg.tenant_id);
    v.set_audience(&[
        token_url.as_str(),
        "https://login.microsoftonline.com/".to_owned().as_str(),
    ]);
    v.set_issuer(&[client.client_id.as_str()]);
    v.sub = Some(client.client_id.clone());
    jsonwebtoken::decode::<Value>(assertion, &key, &v)
        .map(|_| ())
        .map_err(|_| bad(700027, "Client assertion failed signature validation."))
}
