//! Paging: follows `@odata.nextLink` (absolute URLs, only to our Graph host) either as a
//! stream of items or collected into a `Vec`.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::client::{Client, RawResponse};
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

/// Only the link to the next page (the items are skipped without being built).
#[derive(Debug, Deserialize)]
struct NextLink {
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

impl Client {
    /// Fetches one page: `path_or_url` is a relative path or a nextLink from Graph.
    pub(crate) async fn get_page<T: DeserializeOwned>(
        &self,
        path_or_url: &str,
        op: &Operation,
    ) -> Result<Page<T>, GraphError> {
        self.get_raw_page(path_or_url, op).await?.json(op)
    }

    /// The raw answer for one page (a nextLink is followed only to our Graph host).
    async fn get_raw_page(
        &self,
        path_or_url: &str,
        op: &Operation,
    ) -> Result<RawResponse, GraphError> {
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
        self.execute(
            reqwest::Method::GET,
            path_or_url,
            None,
            op,
            Idempotency::Idempotent,
        )
        .await
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

    /// All items of a collection, every page collected. The next page is requested as soon
    /// as its link is read, and the current page is decoded while it is in flight (pages
    /// of `appRoleAssignedTo` are the one chain of reads that cannot run in parallel).
    pub(crate) async fn get_all<T>(&self, path: &str, op: &Operation) -> Result<Vec<T>, GraphError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let mut out = Vec::new();
        let mut pages = 0usize;
        let mut next = Some(self.fetch_page(path.to_owned(), op.clone()));
        while let Some(fetch) = next.take() {
            let raw = fetch.await.map_err(|e| {
                GraphError::new(
                    op.clone(),
                    ErrorKind::Refused,
                    format!("paging failed: {e}"),
                )
            })??;
            let link: NextLink = raw.json(op)?;
            next = link.next_link.map(|url| self.fetch_page(url, op.clone()));
            let page: Page<T> = raw.json(op)?;
            out.extend(page.value);
            pages += 1;
        }
        tracing::debug!("{op}: {} items in {pages} page(s)", out.len());
        Ok(out)
    }

    /// Starts fetching one page in the background.
    fn fetch_page(
        &self,
        url: String,
        op: Operation,
    ) -> tokio::task::JoinHandle<Result<RawResponse, GraphError>> {
        let client = self.clone();
        tokio::spawn(async move { client.get_raw_page(&url, &op).await })
    }
}
