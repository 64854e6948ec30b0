//! Offset paging: the page a call asks for, and the lazy stream the generated `x-pagination`
//! methods build on, which fetches pages as it is polled.

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::error::Error;

/// One page: `limit` items after `offset`; unset, the server's defaults. Checked against the
/// spec's bounds for the operation when the call is made:
/// `PageRequest::default().limit(50).offset(100)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// Page size.
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

impl PageRequest {
    /// Page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Items to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
}

/// Page size used by the streams unless the request sets one.
const STREAM_PAGE_SIZE: u32 = 100;

/// Where the next page starts, or `None` after the last one.
fn next_offset(offset: u64, received: usize, total: i64) -> Option<u64> {
    let next = offset + received as u64;
    (received > 0 && next < u64::try_from(total).unwrap_or(0)).then_some(next)
}

/// Every item from `first` on: `fetch` gets each page's request and returns its items and the
/// total across pages.
pub(crate) fn paged<T, F, Fut>(
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
