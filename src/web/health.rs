//! `GET /healthz`: 200 when the database answers, 503 with the reason otherwise (within the
//! pool's short connection timeout, so a load balancer's check does not hang).

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
                .insert_header((actix_web::http::header::RETRY_AFTER, "5"))
                .json(serde_json::json!({
                    "status": "unavailable",
                    "database": "unavailable",
                    "reason": e.to_string(),
                }))
        }
    }
}
