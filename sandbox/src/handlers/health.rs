//! `GET /health`: no key needed; answers once the database does.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use theopenmoney::types::HealthStatus;

use crate::error_reply::ErrorReply;
use crate::state::AppState;
use crate::views;

pub(crate) async fn health(State(state): State<Arc<AppState>>) -> Result<Response, ErrorReply> {
    state
        .store
        .read(|connection| Ok(connection.query_row("SELECT 1", [], |_| Ok(()))?))
        .await?;
    Ok(views::ok(HealthStatus {
        status: "ok".to_owned(),
    }))
}
