//! The console's feed of recent API requests: when, which partner, what, the status, the
//! `Idempotency-Key` and whether the answer was a replay, so a partner sees their retries. Kept
//! in memory, newest first, bounded; keys (`Authorization`) are resolved to the partner's name
//! and never kept (`request_recording` fills it).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

/// Requests kept.
pub(crate) const CAPACITY: usize = 200;
/// Longest path or `Idempotency-Key` kept, in characters (a peer controls both).
const MAX_TEXT_CHARS: usize = 200;

/// One API request as the feed shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FeedEntry {
    pub(crate) at_ms: i64,
    /// The partner whose key it carried; `None` without a known key.
    pub(crate) partner: Option<String>,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) replayed: bool,
}

/// The most recent API requests.
#[derive(Debug, Default)]
pub(crate) struct RequestFeed {
    entries: Mutex<VecDeque<FeedEntry>>,
}

impl RequestFeed {
    pub(crate) fn push(&self, entry: FeedEntry) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() == CAPACITY {
            entries.pop_back();
        }
        entries.push_front(entry);
    }

    /// Newest first.
    pub(crate) fn recent(&self) -> Vec<FeedEntry> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

/// `text`, cut after [`MAX_TEXT_CHARS`] characters.
pub(crate) fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: u16) -> FeedEntry {
        FeedEntry {
            at_ms: 0,
            partner: None,
            method: "GET".to_owned(),
            path: "/api/v1/health".to_owned(),
            status,
            idempotency_key: None,
            replayed: false,
        }
    }

    #[test]
    fn the_feed_keeps_the_newest_requests_first_and_is_bounded() {
        let feed = RequestFeed::default();
        for status in 0..u16::try_from(CAPACITY + 5).unwrap() {
            feed.push(entry(status));
        }
        let recent = feed.recent();
        assert_eq!(recent.len(), CAPACITY);
        assert_eq!(recent[0].status, u16::try_from(CAPACITY + 4).unwrap());
        assert_eq!(recent[CAPACITY - 1].status, 5);
    }

    #[test]
    fn long_text_is_cut() {
        assert_eq!(bounded("abc"), "abc");
        let long = "é".repeat(MAX_TEXT_CHARS + 10);
        assert_eq!(bounded(&long).chars().count(), MAX_TEXT_CHARS + 1);
    }
}
