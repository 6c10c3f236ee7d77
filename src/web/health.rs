//! `GET /healthz`: 200 when the database answers, 503 otherwise.

use actix_web::{web, HttpResponse};

use super::AppState;
use crate::db;

pub async fn health_check(state: web::Data<AppState>) -> HttpResponse {
    let result = state
        .with_conn(|conn| db::ping(conn).map_err(Into::into))
        .await;
    match result {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "unavailable", "database": e.to_string()}))
        }
    }
}
