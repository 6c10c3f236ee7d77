//! CSV exports: `/export/conflicts.csv` (with the filters of `/conflicts`), `/export/claims.csv`
//! and `/export/events.csv`. The columns are a contract (see `db::export`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::conflicts::{parse_filter, ConflictQuery};
use super::page::PageContext;
use super::{AppError, AppResult, AppState};
use crate::db::export::{self, to_csv};

/// Header lines written when there is no row (`to_csv` writes the header with the first row).
pub const CONFLICTS_HEADER: &str = "conflict_id,event_id,event_title,measure,group,value,value_max,qualifier,source,canonical_source,outlet,article_url,article_title,article_id,version,quote,role,reason,status,claim_id";
pub const CLAIMS_HEADER: &str = "claim_id,article_id,version,event_id,value,value_max,qualifier,measure,group,subject,source,part_of,outlet,article_url,article_title,language,quote,status,origin";
pub const EVENTS_HEADER: &str =
    "event_id,title,place,date_from,date_to,articles,conflicts,created_at";

/// Rows as CSV; only the header line when there are none.
pub fn csv_bytes<T: serde::Serialize>(rows: &[T], empty_header: &str) -> AppResult<Vec<u8>> {
    if rows.is_empty() {
        return Ok(format!("{empty_header}\n").into_bytes());
    }
    let mut out = Vec::new();
    to_csv(rows, &mut out).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(out)
}

fn attachment(body: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

pub async fn conflicts_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ConflictQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let filter = parse_filter(&query, ctx.t)?;
        let rows = state
            .with_conn(move |conn| Ok(export::conflict_rows(conn, &filter)?))
            .await?;
        csv_bytes(&rows, CONFLICTS_HEADER)
    }
    .await;
    match result {
        Ok(body) => attachment(body, "conflicts.csv"),
        Err(e) => e.page(ctx),
    }
}

pub async fn claims_csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let rows = state
            .with_conn(|conn| Ok(export::claim_rows(conn)?))
            .await?;
        csv_bytes(&rows, CLAIMS_HEADER)
    }
    .await;
    match result {
        Ok(body) => attachment(body, "claims.csv"),
        Err(e) => e.page(ctx),
    }
}

pub async fn events_csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let rows = state
            .with_conn(|conn| Ok(export::event_rows(conn)?))
            .await?;
        csv_bytes(&rows, EVENTS_HEADER)
    }
    .await;
    match result {
        Ok(body) => attachment(body, "events.csv"),
        Err(e) => e.page(ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::export::{ClaimRow, ConflictRow, EventRow};

    fn first_line(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_empty_headers_match_the_row_headers() {
        let conflict = ConflictRow {
            conflict_id: 1,
            event_id: 2,
            event_title: "t".into(),
            measure: "killed".into(),
            group: "civilians".into(),
            value: 3,
            value_max: None,
            qualifier: "exact".into(),
            source: None,
            canonical_source: None,
            outlet: None,
            article_url: None,
            article_title: "a".into(),
            article_id: 4,
            version: 1,
            quote: "q".into(),
            role: "disputed".into(),
            reason: String::new(),
            status: "open".into(),
            claim_id: 5,
        };
        assert_eq!(
            first_line(csv_bytes(&[conflict], "").unwrap()),
            CONFLICTS_HEADER
        );
        let claim = ClaimRow {
            claim_id: 1,
            article_id: 2,
            version: 1,
            event_id: None,
            value: 3,
            value_max: None,
            qualifier: "exact".into(),
            measure: "killed".into(),
            group: "civilians".into(),
            subject: None,
            source: None,
            part_of: None,
            outlet: None,
            article_url: None,
            article_title: "a".into(),
            language: "en".into(),
            quote: "q".into(),
            status: "unreviewed".into(),
            origin: "extracted".into(),
        };
        assert_eq!(first_line(csv_bytes(&[claim], "").unwrap()), CLAIMS_HEADER);
        let event = EventRow {
            event_id: 1,
            title: "t".into(),
            place: None,
            date_from: None,
            date_to: None,
            articles: 1,
            conflicts: 0,
            created_at: chrono::Utc::now(),
        };
        assert_eq!(first_line(csv_bytes(&[event], "").unwrap()), EVENTS_HEADER);
    }

    #[test]
    fn no_rows_give_just_the_header() {
        let rows: Vec<ConflictRow> = Vec::new();
        assert_eq!(
            String::from_utf8(csv_bytes(&rows, CONFLICTS_HEADER).unwrap()).unwrap(),
            format!("{CONFLICTS_HEADER}\n")
        );
    }
}
