//! `/admin/users`: administrators list, add, promote, demote, disable and re-enable accounts.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use diesel::Connection;
use serde::Deserialize;

use super::auth::{check_csrf, require_admin};
use super::page::PageContext;
use super::{AppError, AppResult, AppState};
use crate::db::audit;
use crate::db::users::{self, User};
use crate::domain::auth::{hash_password, validate_username};

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub ctx: PageContext,
    pub users: Vec<User>,
    pub error: Option<String>,
}

impl UsersPage {
    pub fn created(&self, u: &User) -> String {
        u.created_at.format("%Y-%m-%d").to_string()
    }
}

async fn users_page(
    req: &HttpRequest,
    state: &AppState,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let ctx = PageContext::from_request(req);
    let users = state.with_conn(|conn| Ok(users::list(conn)?)).await?;
    let status = if error.is_some() { 422 } else { 200 };
    let body = UsersPage { ctx, users, error }.render()?;
    Ok(
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
            .content_type(header::ContentType::html())
            .body(body),
    )
}

pub async fn list_users(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        require_admin(&req)?;
        users_page(&req, &state, None).await
    }
    .await;
    result.unwrap_or_else(|e| e.page(PageContext::from_request(&req)))
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub csrf: String,
}

fn valid_role(role: &str) -> AppResult<&str> {
    match role {
        "admin" | "reviewer" => Ok(role),
        _ => Err(AppError::BadRequest(
            "the role must be admin or reviewer".into(),
        )),
    }
}

pub async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NewUserForm>,
) -> HttpResponse {
    let result = async {
        check_csrf(&req, &form.csrf)?;
        let admin = require_admin(&req)?;
        let username = form.username.trim().to_string();
        let role = valid_role(&form.role)?.to_string();
        let problem = validate_username(&username).err().map(|e| e.to_string());
        let hash = match problem {
            Some(p) => return users_page(&req, &state, Some(p)).await,
            None => match hash_password(&form.password) {
                Ok(h) => h,
                Err(e) => return users_page(&req, &state, Some(e.to_string())).await,
            },
        };
        let name = username.clone();
        let created = state
            .with_conn(move |conn| {
                conn.transaction(|conn| {
                    if users::find_by_name(conn, &name)?.is_some() {
                        return Ok(None);
                    }
                    let user = users::create(conn, &name, &hash, &role)?;
                    audit::record(
                        conn,
                        Some(admin.id),
                        "create",
                        "user",
                        Some(user.id),
                        None,
                        Some(serde_json::json!({"username": user.username, "role": user.role})),
                    )?;
                    Ok(Some(user))
                })
            })
            .await?;
        if created.is_none() {
            return users_page(
                &req,
                &state,
                Some(format!("a user named {username:?} already exists")),
            )
            .await;
        }
        Ok(see_users())
    }
    .await;
    result.unwrap_or_else(|e| e.page(PageContext::from_request(&req)))
}

#[derive(Debug, Deserialize)]
pub struct UpdateUserForm {
    /// `admin`, `reviewer`, `disable` or `enable`.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub csrf: String,
}

pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<UpdateUserForm>,
) -> HttpResponse {
    let result = async {
        check_csrf(&req, &form.csrf)?;
        let admin = require_admin(&req)?;
        let id = super::articles::parse_id(&path)?;
        if id == admin.id {
            return Err(AppError::BadRequest(
                "administrators cannot change their own account here".into(),
            ));
        }
        let action = form.action.clone();
        state
            .with_conn(move |conn| {
                conn.transaction(|conn| {
                    let before = users::list(conn)?
                        .into_iter()
                        .find(|u| u.id == id)
                        .ok_or(AppError::NotFound)?;
                    match action.as_str() {
                        "admin" | "reviewer" => {
                            users::set_role(conn, id, &action)?;
                        }
                        "disable" => {
                            users::set_disabled(conn, id, true)?;
                        }
                        "enable" => {
                            users::set_disabled(conn, id, false)?;
                        }
                        other => {
                            return Err(AppError::BadRequest(format!("unknown action {other:?}")))
                        }
                    }
                    audit::record(
                        conn,
                        Some(admin.id),
                        &action,
                        "user",
                        Some(id),
                        Some(serde_json::json!({"role": before.role, "disabled": before.disabled_at.is_some()})),
                        None,
                    )?;
                    Ok(())
                })
            })
            .await?;
        Ok(see_users())
    }
    .await;
    result.unwrap_or_else(|e| e.page(PageContext::from_request(&req)))
}

fn see_users() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/users"))
        .finish()
}
