//! Paging: follows `@odata.nextLink` (absolute URLs, only to our Graph host) either as a
//! stream of items or collected into a `Vec`.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::{ErrorKind, GraphError, Operation};
use super::retry::Idempotency;

/// One page of a collection.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    /// The URL of the next page.
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

impl Client {
    /// Fetches one page: `path_or_url` is a relative path or a nextLink from Graph.
    pub(crate) async fn get_page<T: DeserializeOwned>(
        &self,
        path_or_url: &str,
        op: &Operation,
    ) -> Result<Page<T>, GraphError> {
        if path_or_url.starts_with("http") {
            let url = url::Url::parse(path_or_url).map_err(|_| {
                GraphError::new(
                    op.clone(),
                    ErrorKind::Refused,
                    "Graph returned an invalid nextLink",
                )
            })?;
            if !self.endpoints().is_graph_url(&url) {
                return Err(GraphError::new(
                    op.clone(),
                    ErrorKind::Refused,
                    format!(
                        "refusing to follow a nextLink to another host ({})",
                        url.host_str().unwrap_or("?")
                    ),
                ));
            }
        }
        let resp = self
            .execute(
                reqwest::Method::GET,
                path_or_url,
                None,
                op,
                Idempotency::Idempotent,
            )
            .await?;
        resp.json(op)
    }

    /// All items of a collection as a stream, page by page (lazily).
    pub fn stream_all<T>(&self, path: String, op: Operation) -> BoxStream<'_, Result<T, GraphError>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let pages = stream::try_unfold(Some(path), move |next| {
            let op = op.clone();
            async move {
                let Some(url) = next else {
                    return Ok(None);
                };
                let page: Page<T> = self.get_page(&url, &op).await?;
                Ok(Some((page.value, page.next_link)))
            }
        });
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// All items of a collection, every page collected.
    pub(crate) async fn get_all<T>(&self, path: &str, op: &Operation) -> Result<Vec<T>, GraphError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let mut out = Vec::new();
        let mut next = Some(path.to_owned());
        let mut pages = 0usize;
        while let Some(url) = next {
            let page: Page<T> = self.get_page(&url, op).await?;
            out.extend(page.value);
            pages += 1;
            next = page.next_link;
        }
        tracing::debug!("{op}: {} items in {pages} page(s)", out.len());
        Ok(out)
    }
}
