//! Lazy streams over the paged lists: pages are fetched as the stream is polled.

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::client::Client;
use crate::error::Error;
use crate::generated::types::{BalanceTransaction, Order};
use crate::requests::{OrderQuery, PageRequest};

/// Page size used by the streams unless the request sets one.
const STREAM_PAGE_SIZE: u32 = 100;

/// Where the next page starts, or `None` after the last one.
fn next_offset(offset: u64, received: usize, total: i64) -> Option<u64> {
    let next = offset + received as u64;
    (received > 0 && next < u64::try_from(total).unwrap_or(0)).then_some(next)
}

/// Every item from `first` on: `fetch` gets each page's request and returns its items and the
/// total across pages.
fn paged<T, F, Fut>(
    first: PageRequest,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Vec<T>, i64), Error>> + Send + 'static,
{
    let limit = first.limit.unwrap_or(STREAM_PAGE_SIZE);
    stream::try_unfold(
        (Some(first.offset.unwrap_or(0)), fetch),
        move |(offset, fetch)| async move {
            let Some(offset) = offset else {
                return Ok(None);
            };
            let page = PageRequest {
                limit: Some(limit),
                offset: Some(offset),
            };
            let (items, total) = fetch(page).await?;
            let next = next_offset(offset, items.len(), total);
            Ok(Some((items, (next, fetch))))
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

impl Client {
    /// Every order matching `query`, newest first, fetched page by page as the stream is
    /// polled. Offset paging: orders created while streaming can shift later pages.
    pub fn orders(
        &self,
        query: OrderQuery,
    ) -> impl Stream<Item = Result<Order, Error>> + Send + 'static {
        let client = self.clone();
        paged(query.page, move |page| {
            let (client, query) = (
                client.clone(),
                OrderQuery {
                    page,
                    ..query.clone()
                },
            );
            async move {
                let page = client.list_orders(&query).await?;
                Ok((page.items, page.total))
            }
        })
    }

    /// Every balance transaction, newest first, fetched page by page as the stream is polled.
    pub fn balance_transactions(
        &self,
        first: PageRequest,
    ) -> impl Stream<Item = Result<BalanceTransaction, Error>> + Send + 'static {
        let client = self.clone();
        paged(first, move |page| {
            let client = client.clone();
            async move {
                let page = client.list_balance_transactions(page).await?;
                Ok((page.items, page.total))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::next_offset;

    #[test]
    fn paging_stops_at_total_or_an_empty_page() {
        assert_eq!(next_offset(0, 100, 250), Some(100));
        assert_eq!(next_offset(200, 50, 250), None);
        assert_eq!(next_offset(0, 0, 250), None);
    }
}
