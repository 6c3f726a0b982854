//! JSON helpers of the client: typed GET/send with one decode path whose errors name the
//! position in the body, never its content.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::{ErrorKind, GraphError, Operation};
use super::retry::Idempotency;

impl Client {
    /// GET a JSON value.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &Operation,
    ) -> Result<T, GraphError> {
        let resp = self
            .execute(Method::GET, path, None, op, Idempotency::Idempotent)
            .await?;
        resp.json(op)
    }

    /// Sends a JSON body and decodes the JSON response.
    pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        op: &Operation,
        idem: Idempotency,
    ) -> Result<T, GraphError> {
        let bytes = encode(body, op)?;
        let resp = self.execute(method, path, Some(bytes), op, idem).await?;
        resp.json(op)
    }

    /// Sends an optional JSON body and expects no content back.
    pub(crate) async fn send_unit<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        op: &Operation,
        idem: Idempotency,
    ) -> Result<(), GraphError> {
        let bytes = body.map(|b| encode(b, op)).transpose()?;
        self.execute(method, path, bytes, op, idem).await?;
        Ok(())
    }
}

/// Serialises a request body.
pub(crate) fn encode<B: Serialize + ?Sized>(
    body: &B,
    op: &Operation,
) -> Result<Vec<u8>, GraphError> {
    serde_json::to_vec(body).map_err(|e| {
        GraphError::new(
            op.clone(),
            ErrorKind::Decode,
            format!("cannot encode the request: {e}"),
        )
    })
}

/// Decodes a response body; the error names the position, never the data.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], op: &Operation) -> Result<T, GraphError> {
    let bytes: &[u8] = if body.is_empty() { b"null" } else { body };
    serde_json::from_slice(bytes).map_err(|e| {
        GraphError::new(
            op.clone(),
            ErrorKind::Decode,
            format!(
                "unexpected response shape ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
    })
}
