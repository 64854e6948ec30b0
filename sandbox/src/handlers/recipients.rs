//! `/recipients/*`: whether a username can receive Stars or Premium (rules in
//! [`crate::recipients`]).

use axum::extract::RawQuery;
use axum::response::Response;
use theopenmoney::types::RecipientCheck;

use crate::auth::Authenticated;
use crate::error_reply::ErrorReply;
use crate::query::QueryParams;
use crate::recipients::{Gift, refusal};
use crate::validation;
use crate::views;

pub(crate) async fn check_stars(
    _: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    check(query.as_deref(), Gift::Stars)
}

pub(crate) async fn check_premium(
    _: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    check(query.as_deref(), Gift::Premium)
}

fn check(query: Option<&str>, gift: Gift) -> Result<Response, ErrorReply> {
    let username = validation::username_param(&QueryParams::parse(query)?)?;
    let reason = refusal(&username, gift);
    Ok(views::ok(RecipientCheck {
        can_receive: reason.is_none(),
        reason: reason.map(str::to_owned),
        username,
    }))
}
