//! Helpers: a simulator plus a plain reqwest client (never `entraprov::graph`).

use entraprov::sim::{Server, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

/// A running simulator and a client authenticated as the apply identity.
pub struct Ctx {
    pub server: Server,
    pub http: reqwest::Client,
    pub token: String,
}

/// An answer: status, headers and JSON body (Null when empty).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The inner error of a sync error: `error.message` parsed as JSON.
    pub fn inner(&self) -> Value {
        assert_eq!(
            self.body["error"]["code"], "UnknownError",
            "not a wrapped sync error: {}",
            self.body
        );
        serde_json::from_str(self.body["error"]["message"].as_str().unwrap()).unwrap()
    }
}

impl Ctx {
    pub fn new() -> Self {
        Self::with(SimConfig::default())
    }

    pub fn with(cfg: SimConfig) -> Self {
        let server = Server::start(cfg).expect("simulator starts");
        let token = server.token();
        Self {
            server,
            http: reqwest::Client::new(),
            token,
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}/v1.0{path}", self.server.url())
        }
    }

    pub async fn call_as(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut rb = self.http.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call_as(Some(&self.token.clone()), Method::GET, path, None)
            .await
    }
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call_as(Some(&self.token.clone()), Method::POST, path, Some(body))
            .await
    }
    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call_as(Some(&self.token.clone()), Method::PUT, path, Some(body))
            .await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call_as(Some(&self.token.clone()), Method::PATCH, path, Some(body))
            .await
    }
    pub async fn delete(&self, path: &str) -> Answer {
        self.call_as(Some(&self.token.clone()), Method::DELETE, path, None)
            .await
    }

    /// Instantiates Keeper: returns the service principal JSON.
    pub async fn keeper(&self, name: &str) -> Value {
        let a = self
            .post(
                &format!(
                    "/applicationTemplates/{}/instantiate",
                    entraprov::sim::directory::seed::KEEPER_TEMPLATE_ID
                ),
                json!({"displayName": name}),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        a.body["servicePrincipal"].clone()
    }

    /// Instantiates Keeper and creates its job: `(sp id, job id)`.
    pub async fn keeper_job(&self) -> (String, String) {
        let sp = self.keeper("Keeper (test)").await;
        let sp_id = sp["id"].as_str().unwrap().to_owned();
        let tpl = self
            .get(&format!(
                "/servicePrincipals/{sp_id}/synchronization/templates"
            ))
            .await;
        let tid = tpl.body["value"][0]["id"].as_str().unwrap().to_owned();
        let job = self
            .post(
                &format!("/servicePrincipals/{sp_id}/synchronization/jobs"),
                json!({"templateId": tid}),
            )
            .await;
        assert_eq!(job.status, 201, "{}", job.body);
        (sp_id, job.body["id"].as_str().unwrap().to_owned())
    }

    /// Object id of a seeded user by UPN.
    pub async fn user_id(&self, upn: &str) -> String {
        let u = self.get(&format!("/users/{upn}")).await;
        assert_eq!(u.status, 200, "{}", u.body);
        u.body["id"].as_str().unwrap().to_owned()
    }

    /// Id of an app role on an SP by display name.
    pub fn role(sp: &Value, name: &str) -> String {
        sp["appRoles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["displayName"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Checks Graph's error shape and returns the code.
pub fn graph_error(a: &Answer) -> String {
    let e = &a.body["error"];
    assert!(e["code"].is_string(), "no error.code in {}", a.body);
    assert!(e["message"].is_string(), "no error.message in {}", a.body);
    let inner = &e["innerError"];
    assert!(
        inner["date"].is_string()
            && inner["request-id"].is_string()
            && inner["client-request-id"].is_string(),
        "innerError shape: {}",
        a.body
    );
    assert_eq!(
        a.header("request-id"),
        inner["request-id"].as_str(),
        "request-id header matches the body"
    );
    e["code"].as_str().unwrap().to_owned()
}

/// A SCIM endpoint that answers Entra's probe (`GET /scim/Users?filter=…`) with an empty
/// ListResponse; its base URL is `{uri}/scim`.
pub async fn scim_stub() -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path("/scim/Users"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 0, "Resources": []
        })))
        .mount(&server)
        .await;
    server
}
