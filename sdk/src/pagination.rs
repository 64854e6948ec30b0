//! Offset paging: the page a call asks for, and the lazy stream the generated `x-pagination`
//! methods build on, which fetches pages as it is polled. A page that contradicts the pages
//! before it ends the stream with an error (`check_page`), so a broken server can neither make
//! it loop nor silently repeat items.

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

/// Why a page at `offset` with `items` cannot follow `previous` (the page before it and the
/// total it reported, if any), given the `total` this one reports. A repeat counts only when the
/// total did not move: on a list growing newest first, exactly a page of new items between two
/// fetches repeats a page on a correct server too, and then the total shows the growth.
fn check_page<T: PartialEq>(
    offset: u64,
    items: &[T],
    total: i64,
    previous: Option<(&[T], i64)>,
) -> Result<(), String> {
    let repeated =
        previous.is_some_and(|(before, before_total)| before_total == total && before == items);
    let total = u64::try_from(total).unwrap_or(0);
    if !items.is_empty() && offset >= total {
        return Err(format!("{} items past the total of {total}", items.len()));
    }
    if !items.is_empty() && repeated {
        return Err(format!(
            "the same {} items as the page before it",
            items.len()
        ));
    }
    Ok(())
}

/// Every item from `first` on: `fetch` gets each page's request and returns its items and the
/// total across pages. The stream ends with [`ErrorKind::InconsistentPage`] at a non-empty page
/// past the total or a page equal to the one before it under the same total (a server that
/// ignores `offset`).
///
/// [`ErrorKind::InconsistentPage`]: crate::ErrorKind::InconsistentPage
pub(crate) fn paged<T, F, Fut>(
    first: PageRequest,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Clone + PartialEq + Send + 'static,
    F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Vec<T>, i64), Error>> + Send + 'static,
{
    let limit = first.limit.unwrap_or(STREAM_PAGE_SIZE);
    stream::try_unfold(
        (
            Some(first.offset.unwrap_or(0)),
            None::<(Vec<T>, i64)>,
            fetch,
        ),
        move |(offset, previous, fetch)| async move {
            let Some(offset) = offset else {
                return Ok(None);
            };
            let page = PageRequest {
                limit: Some(limit),
                offset: Some(offset),
            };
            let (items, total) = fetch(page).await?;
            let before = previous
                .as_ref()
                .map(|(items, total)| (items.as_slice(), *total));
            check_page(offset, &items, total, before)
                .map_err(|reason| Error::inconsistent_page(offset, reason))?;
            let next = next_offset(offset, items.len(), total);
            let previous = next.is_some().then(|| (items.clone(), total));
            Ok(Some((items, (next, previous, fetch))))
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::{check_page, next_offset};

    #[test]
    fn paging_stops_at_total_or_an_empty_page() {
        assert_eq!(next_offset(0, 100, 250), Some(100));
        assert_eq!(next_offset(200, 50, 250), None);
        assert_eq!(next_offset(0, 0, 250), None);
    }

    #[test]
    fn pages_that_contradict_the_ones_before_are_refused() {
        assert_eq!(check_page(0, &[1, 2], 4, None), Ok(()));
        assert_eq!(check_page(2, &[3, 4], 4, Some((&[1, 2][..], 4))), Ok(()));
        // An empty page past the total is how a list ends; a full one is not.
        assert_eq!(
            check_page(4, &[] as &[u8], 4, Some((&[3, 4][..], 4))),
            Ok(())
        );
        let past = check_page(4, &[5], 4, Some((&[3, 4][..], 4))).unwrap_err();
        assert!(past.contains("past the total of 4"), "{past}");
        let twice = check_page(2, &[1, 2], 10, Some((&[1, 2][..], 10))).unwrap_err();
        assert!(twice.contains("same 2 items"), "{twice}");
        // Two new items arrived between the fetches of a newest-first list: the same page
        // again, but the total grew with it. A correct server; not refused.
        assert_eq!(check_page(2, &[1, 2], 12, Some((&[1, 2][..], 10))), Ok(()));
        assert!(check_page(0, &[1], -1, None).is_err());
    }
}
