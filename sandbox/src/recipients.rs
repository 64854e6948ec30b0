//! Who can receive what: fixed rules on the username, so tests can reach every answer.
//! Case is ignored; the leading `@` is already gone. The first rule that matches decides:
//!
//! | username | Stars | Premium | reason |
//! |---|---|---|---|
//! | ends with `bot` | no | no | bots cannot receive Stars or Premium |
//! | starts with `ghost` | no | no | no Telegram account has this username |
//! | starts with `premium` | yes | no | the user already has Telegram Premium |
//! | anything else | yes | yes | |
//!
//! A create for a recipient who cannot receive the product is `422 VALIDATION_ERROR` naming
//! `recipient_username`.

use crate::error_reply::ErrorReply;

/// What a recipient check is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gift {
    Stars,
    Premium,
}

impl Gift {
    fn name(self) -> &'static str {
        match self {
            Self::Stars => "Stars",
            Self::Premium => "Premium",
        }
    }
}

/// Why `username` cannot receive `gift`, or `None` when it can.
pub(crate) fn refusal(username: &str, gift: Gift) -> Option<&'static str> {
    let name = username.to_ascii_lowercase();
    if name.ends_with("bot") {
        Some("bots cannot receive Stars or Premium")
    } else if name.starts_with("ghost") {
        Some("no Telegram account has this username")
    } else if gift == Gift::Premium && name.starts_with("premium") {
        Some("the user already has Telegram Premium")
    } else {
        None
    }
}

/// `Ok` when an order of `gift` for `username` can be delivered.
pub(crate) fn ensure_can_receive(username: &str, gift: Gift) -> Result<(), ErrorReply> {
    match refusal(username, gift) {
        None => Ok(()),
        Some(reason) => Err(ErrorReply::validation(format!(
            "recipient_username @{username} cannot receive {}: {reason}",
            gift.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_deterministic_and_case_insensitive() {
        assert_eq!(refusal("pandus", Gift::Stars), None);
        assert_eq!(refusal("pandus", Gift::Premium), None);
        assert!(refusal("Store_BOT", Gift::Stars).is_some());
        assert!(refusal("GhostWriter", Gift::Premium).is_some());
        assert_eq!(refusal("premium_fan", Gift::Stars), None);
        assert!(refusal("premium_fan", Gift::Premium).is_some());
    }

    #[test]
    fn a_refused_create_names_the_field() {
        let error = ensure_can_receive("shop_bot", Gift::Stars).unwrap_err();
        let envelope = serde_json::to_value(error.envelope()).unwrap();
        assert!(
            envelope["error_message"]
                .as_str()
                .unwrap()
                .starts_with("recipient_username @shop_bot cannot receive Stars")
        );
    }
}
