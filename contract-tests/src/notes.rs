//! What a run saw that is worth a look but is not contract. An error message is free text for
//! people: one that does not name the field it is about is noted in `summary.md`, never a
//! failure; the status and the `error_code` are the contract.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::failure::Clause;

/// One kind of observation, with how often it was seen and one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The clause that saw it.
    pub clause: String,
    /// The operation it was seen on.
    pub operation: String,
    /// What was seen, e.g. "a 422 for `quantity` has a message that does not name it".
    pub what: String,
    /// How often.
    pub times: u32,
    /// The first example (the message itself).
    pub example: String,
}

/// (clause, operation, what) → (times, first example).
type Seen = BTreeMap<(String, String, String), (u32, String)>;

/// The notes of a run, grouped by clause, operation and what was seen.
#[derive(Debug, Default)]
pub struct Notes {
    seen: Mutex<Seen>,
}

impl Notes {
    /// Notes `what` about `operation`, seen by `clause`, with `example`.
    pub(crate) fn add(
        &self,
        clause: Clause,
        operation: &str,
        what: impl Into<String>,
        example: &str,
    ) {
        let key = (clause.0.to_owned(), operation.to_owned(), what.into());
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.entry(key).or_insert_with(|| (0, example.to_owned())).0 += 1;
    }

    /// Every note, by clause, operation and what.
    pub fn all(&self) -> Vec<Note> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter()
            .map(|((clause, operation, what), (times, example))| Note {
                clause: clause.clone(),
                operation: operation.clone(),
                what: what.clone(),
                times: *times,
                example: example.clone(),
            })
            .collect()
    }
}

/// Notes, on `notes`, an error `message` that does not name `field`.
pub(crate) fn unnamed_field(
    notes: &Notes,
    clause: Clause,
    operation: &str,
    field: &str,
    message: &str,
) {
    if !message.contains(field) {
        notes.add(
            clause,
            operation,
            format!("a 422 for `{field}` has a message that does not name it"),
            message,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_observation_is_counted_once_with_its_first_example() {
        let notes = Notes::default();
        let clause = Clause("error-codes/422");
        unnamed_field(
            &notes,
            clause,
            "list_orders",
            "limit",
            "limit must be 1-100",
        );
        unnamed_field(&notes, clause, "list_orders", "limit", "Anfrage abgelehnt.");
        unnamed_field(&notes, clause, "list_orders", "limit", "Demande refusée.");
        unnamed_field(&notes, clause, "get_order", "id", "Anfrage abgelehnt.");
        assert_eq!(
            notes.all(),
            [
                Note {
                    clause: "error-codes/422".into(),
                    operation: "get_order".into(),
                    what: "a 422 for `id` has a message that does not name it".into(),
                    times: 1,
                    example: "Anfrage abgelehnt.".into(),
                },
                Note {
                    clause: "error-codes/422".into(),
                    operation: "list_orders".into(),
                    what: "a 422 for `limit` has a message that does not name it".into(),
                    times: 2,
                    example: "Anfrage abgelehnt.".into(),
                },
            ]
        );
    }
}
