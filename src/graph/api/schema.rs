//! Typed methods: synchronization secrets, the job schema (GET/PUT, never PATCH), filter
//! operators, functions, parseExpression, validateCredentials and provisionOnDemand.

use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};

use super::sync::{SYNC_READ, SYNC_WRITE, job_path, sync_path};
use crate::graph::client::Client;
use crate::graph::error::{ErrorKind, GraphError, Operation};
use crate::graph::retry::Idempotency;
use crate::graph::wire::{
    FilterOperator, FunctionSchema, OnDemandResult, ParseExpressionResponse, StringPair,
    SyncSchema, SyncSecret,
};
use crate::ids::{GroupId, JobId, ServicePrincipalId, UserId};

#[derive(Serialize)]
struct SecretsBody<'a> {
    value: &'a [SyncSecret],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValidateBody<'a> {
    use_saved_credentials: bool,
    credentials: &'a [SyncSecret],
}

impl Client {
    /// The stored secrets (sensitive values come back masked as `*`).
    pub async fn get_secrets(
        &self,
        sp: &ServicePrincipalId,
    ) -> Result<Vec<SyncSecret>, GraphError> {
        let op = Operation::new(format!("read synchronization secrets of {sp}"), SYNC_READ);
        self.get_all(&format!("{}/secrets", sync_path(sp)), &op)
            .await
    }

    /// Replaces the secrets with the complete set given. Refuses to send a masked `*`.
    pub async fn put_secrets(
        &self,
        sp: &ServicePrincipalId,
        secrets: &[SyncSecret],
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("write synchronization secrets of {sp}"), SYNC_WRITE);
        if let Some(masked) = secrets.iter().find(|s| s.is_masked()) {
            return Err(GraphError::new(
                op,
                ErrorKind::Refused,
                format!("refusing to write back the masked value of {}", masked.key),
            ));
        }
        let body = SecretsBody { value: secrets };
        self.send_unit(
            Method::PUT,
            &format!("{}/secrets", sync_path(sp)),
            Some(&body),
            &op,
            Idempotency::Idempotent,
        )
        .await
    }

    /// The job's schema, raw.
    pub async fn get_schema(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
    ) -> Result<SyncSchema, GraphError> {
        let op = Operation::new(format!("read schema of job {job}"), SYNC_READ);
        self.get_json(&format!("{}/schema", job_path(sp, job)), &op)
            .await
    }

    /// Replaces the job's schema (PUT — Graph answers PATCH with 404).
    pub async fn put_schema(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        schema: &SyncSchema,
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("write schema of job {job}"), SYNC_WRITE);
        self.send_unit(
            Method::PUT,
            &format!("{}/schema", job_path(sp, job)),
            Some(schema),
            &op,
            Idempotency::Idempotent,
        )
        .await
    }

    /// The scoping-filter operators the job accepts.
    pub async fn filter_operators(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
    ) -> Result<Vec<FilterOperator>, GraphError> {
        let op = Operation::new(format!("read filter operators of job {job}"), SYNC_READ);
        self.get_all(
            &format!("{}/schema/filterOperators", job_path(sp, job)),
            &op,
        )
        .await
    }

    /// The mapping functions the job accepts.
    pub async fn functions(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
    ) -> Result<Vec<FunctionSchema>, GraphError> {
        let op = Operation::new(format!("read mapping functions of job {job}"), SYNC_WRITE);
        self.get_all(&format!("{}/schema/functions", job_path(sp, job)), &op)
            .await
    }

    /// Parses an expression into an `attributeMappingSource` tree; `test_input` is an
    /// optional `testInputObject`.
    pub async fn parse_expression(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        expression: &str,
        test_input: Option<&Value>,
    ) -> Result<ParseExpressionResponse, GraphError> {
        let op = Operation::new(format!("parse expression for job {job}"), SYNC_WRITE);
        let mut body = json!({ "expression": expression });
        if let Some(t) = test_input {
            body["testInputObject"] = t.clone();
        }
        let path = format!("{}/schema/parseExpression", job_path(sp, job));
        self.send_json(Method::POST, &path, &body, &op, Idempotency::Idempotent)
            .await
    }

    /// "Test Connection": `Some(credentials)` tests those, `None` tests the saved ones.
    pub async fn validate_credentials(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        credentials: Option<&[SyncSecret]>,
    ) -> Result<(), GraphError> {
        let op = Operation::new(format!("validate credentials of job {job}"), SYNC_WRITE);
        let body = ValidateBody {
            use_saved_credentials: credentials.is_none(),
            credentials: credentials.unwrap_or(&[]),
        };
        let path = format!("{}/validateCredentials", job_path(sp, job));
        self.send_unit(
            Method::POST,
            &path,
            Some(&body),
            &op,
            Idempotency::Idempotent,
        )
        .await
    }

    /// Provisions one object now (`objectTypeName` `User` or `Group`) with the rule
    /// `rule_id` of the job's schema. Retried only on throttling (5 calls per 10 s).
    pub async fn provision_on_demand(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        rule_id: &str,
        object_id: &str,
        object_type: &str,
    ) -> Result<OnDemandResult, GraphError> {
        let op = Operation::new(
            format!("provision {object_type} {object_id} on demand"),
            SYNC_WRITE,
        );
        let body = json!({ "parameters": [ {
            "ruleId": rule_id,
            "subjects": [ { "objectId": object_id, "objectTypeName": object_type } ]
        } ] });
        self.send_on_demand(sp, job, &body, &op).await
    }

    /// Provisions a group now with the given member users only (the portal's "provision
    /// on demand" for a group: Graph takes the group subject with `links.members`, at most
    /// 5 members per call). One report comes back for the group.
    pub async fn provision_group_on_demand(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        rule_id: &str,
        group: &GroupId,
        members: &[UserId],
    ) -> Result<OnDemandResult, GraphError> {
        let op = Operation::new(
            format!(
                "provision Group {group} with {} member(s) on demand",
                members.len()
            ),
            SYNC_WRITE,
        );
        let members: Vec<Value> = members
            .iter()
            .map(|m| json!({ "objectId": m.as_str(), "objectTypeName": "User" }))
            .collect();
        let body = json!({ "parameters": [ {
            "ruleId": rule_id,
            "subjects": [ {
                "objectId": group.as_str(),
                "objectTypeName": "Group",
                "links": { "members": members }
            } ]
        } ] });
        self.send_on_demand(sp, job, &body, &op).await
    }

    /// POSTs a `provisionOnDemand` body and decodes the doubly JSON-encoded answer.
    async fn send_on_demand(
        &self,
        sp: &ServicePrincipalId,
        job: &JobId,
        body: &Value,
        op: &Operation,
    ) -> Result<OnDemandResult, GraphError> {
        let path = format!("{}/provisionOnDemand", job_path(sp, job));
        let pair: StringPair = self
            .send_json(Method::POST, &path, body, op, Idempotency::Create)
            .await?;
        let decode_half = |s: Option<String>| -> Value {
            s.as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_else(|| s.map(Value::String).unwrap_or(Value::Null))
        };
        Ok(OnDemandResult {
            summary: decode_half(pair.key),
            details: decode_half(pair.value),
        })
    }
}
