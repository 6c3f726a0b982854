//! A tiny Graph client for tests that set a tenant up by hand in the simulator
//! (plain reqwest; no entraprov code). Shared by `import` and `plan_cli` through `#[path]`.

#![allow(dead_code)]

use entraprov::sim::Server;
use serde_json::{Value, json};

/// A tiny Graph client for tests.
pub struct Graph {
    base: String,
    token: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Graph {
    /// Graph on the simulator, with the apply identity's token.
    pub fn new(sim: &Server) -> Self {
        Graph {
            base: sim.graph_url(),
            token: sim.token(),
            http: reqwest::Client::new(),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        }
    }

    /// Sends a request; panics unless the status is 2xx. Returns the JSON body (or null).
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.rt.block_on(async {
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token);
            if let Some(b) = &body {
                req = req.json(b);
            }
            let resp = req.send().await.expect("send");
            let status = resp.status();
            let text = resp.text().await.expect("body");
            assert!(status.is_success(), "{method} {path}: {status}\n{text}");
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    pub fn get(&self, path: &str) -> Value {
        self.call("GET", path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, Some(body))
    }

    pub fn patch(&self, path: &str, body: Value) -> Value {
        self.call("PATCH", path, Some(body))
    }

    pub fn put(&self, path: &str, body: Value) -> Value {
        self.call("PUT", path, Some(body))
    }

    /// Creates the provisioning job of service principal `sp` from its first
    /// synchronization template; returns the job id.
    pub fn create_job(&self, sp: &str) -> String {
        let templates = self.get(&format!(
            "/servicePrincipals/{sp}/synchronization/templates"
        ));
        let tpl = templates["value"][0]["id"].as_str().expect("sync template");
        let job = self.post(
            &format!("/servicePrincipals/{sp}/synchronization/jobs"),
            json!({ "templateId": tpl }),
        );
        job["id"].as_str().expect("job id").to_owned()
    }

    pub fn delete(&self, path: &str) {
        self.call("DELETE", path, None);
    }
}

/// An `Attribute` source.
pub fn attribute(name: &str) -> Value {
    json!({ "type": "Attribute", "name": name, "expression": format!("[{name}]"), "parameters": [] })
}

/// An attribute mapping with the source tree given.
pub fn mapping(
    target: &str,
    source: Value,
    priority: u32,
    flow: &str,
    default: Option<&str>,
) -> Value {
    json!({
        "targetAttributeName": target, "source": source, "defaultValue": default,
        "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
        "flowType": flow, "matchingPriority": priority,
    })
}

/// A scoping-filter clause.
pub fn clause(attr: &str, op: &str, values: &[&str]) -> Value {
    json!({ "sourceOperandName": attr, "operatorName": op, "targetOperand": { "values": values } })
}
