//! Pages and API for users: an organisation's users, one's own password and API tokens, and
//! the first-run page that creates the first secretariat admin.

use super::NewUser;
use crate::access::Role;
use crate::error::{Error, FieldErrors, Result};
use crate::web::AppState;
use crate::web::api::ApiJson;
use crate::web::auth::{Attempt, SESSION_COOKIE, minutes_to_wait, retry_after};
use crate::web::render::{Ctx, HtmlForm};
use crate::web::routing::Routes;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/setup", view_setup_get)
        .post("/setup", view_setup_post)
        .post("/orgs/{id}/users", view_org_users_post)
        .post("/users/{id}/active", view_user_active_post)
        .get("/account/password", view_password_get)
        .post("/account/password", view_password_post)
        .get("/account/tokens", view_tokens_get)
        .post("/account/tokens", view_tokens_post)
        .post("/account/tokens/{id}/revoke", view_token_revoke_post)
        .get("/api/v1/me", api_me_get)
        .get("/api/v1/orgs/{id}/users", api_org_users_get)
        .post("/api/v1/orgs/{id}/users", api_org_users_post)
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn create_user(
    app: &AppState,
    actor: &crate::access::Actor,
    org_id: i64,
    form: &UserForm,
) -> Result<i64> {
    if !actor.administers(org_id) {
        return Err(Error::Forbidden);
    }
    let role = Role::parse(&form.role).ok_or_else(|| Error::field("role", "err-choice"))?;
    // A member admin adds users to its own organisation, never a secretariat role.
    if role.is_secretariat() && !actor.is_secretariat_admin() {
        return Err(Error::Forbidden);
    }
    super::create(
        &app.db,
        Some(actor),
        NewUser {
            email: form.email.clone(),
            display_name: form.display_name.clone(),
            org_id,
            role,
            password: form.password.clone(),
        },
    )
    .await
}

async fn view_org_users_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(org_id): Path<i64>,
    HtmlForm(form): HtmlForm<UserForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    crate::orgs::get(&app.db, org_id).await?;
    match create_user(&app, actor, org_id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{org_id}#users")).into_response()),
        Err(Error::Validation(errs)) => {
            let org = crate::orgs::get(&app.db, org_id).await?;
            let users = super::list_for_org(&app.db, org_id).await?;
            let roles: Vec<&str> = Role::ALL
                .iter()
                .filter(|r| r.is_secretariat() == org.is_secretariat())
                .map(|r| r.as_str())
                .collect();
            let blank = UserForm {
                password: String::new(),
                ..form
            };
            ctx.form_errors(
                "orgs/show.html",
                &errs,
                minijinja::context! {
                    org => org, users => users, can_manage_users => true, can_edit => true, roles => roles,
                    new_user => blank, governorates => Vec::<String>::new(), sectors => Vec::<String>::new(),
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

async fn view_user_active_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<ActiveForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let user = super::get(&app.db, id).await?;
    super::set_active(&app.db, actor, id, form.active == "1").await?;
    Ok(Redirect::to(&format!("/orgs/{}#users", user.org_id)).into_response())
}

async fn view_password_get(ctx: Ctx) -> Result<Response> {
    ctx.actor()?;
    ctx.page(
        "account/password.html",
        minijinja::context! { saved => false },
    )
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn view_password_post(
    State(app): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    HtmlForm(form): HtmlForm<PasswordForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if form.new != form.confirm {
        let mut errs = FieldErrors::default();
        errs.add("confirm", "err-password-mismatch");
        return ctx.form_errors(
            "account/password.html",
            &errs,
            minijinja::context! { saved => false },
        );
    }
    // Whoever holds a session (a browser left open) could otherwise guess the password here,
    // unthrottled, and then change it: counted like a login, per user.
    let permit = match app.throttle.begin(Attempt::current_password(actor.user_id)) {
        Ok(permit) => permit,
        Err(wait) => {
            tracing::warn!(user_id = actor.user_id, "password change throttled");
            let mut errs = FieldErrors::default();
            errs.add("current", "err-too-many");
            let mut res = ctx.form_errors(
                "account/password.html",
                &errs,
                minijinja::context! { saved => false, retry_minutes => minutes_to_wait(wait) },
            )?;
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return Ok(retry_after(res, wait));
        }
    };
    // The browser making the change stays signed in.
    let current_session = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let changed = super::change_password(
        &app.db,
        actor,
        &form.current,
        &form.new,
        current_session.as_deref(),
    )
    .await;
    match &changed {
        Err(Error::Validation(errs)) if errs.get("current").is_some() => permit.failed(),
        // The current password was right (the new one may still be refused).
        Ok(_) | Err(Error::Validation(_)) => permit.succeeded(),
        // Not checked after all: counts for nothing.
        Err(_) => drop(permit),
    }
    match changed {
        Ok(ended) => {
            tracing::info!(
                user_id = actor.user_id,
                sessions = ended.sessions,
                tokens = ended.tokens,
                "password changed"
            );
            ctx.page(
                "account/password.html",
                minijinja::context! { saved => true, ended => ended },
            )
        }
        Err(Error::Validation(errs)) => ctx.form_errors(
            "account/password.html",
            &errs,
            minijinja::context! { saved => false },
        ),
        Err(e) => Err(e),
    }
}

async fn view_tokens_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let actor = ctx.actor()?;
    let tokens = super::list_tokens(&app.db, actor).await?;
    ctx.page(
        "account/tokens.html",
        minijinja::context! { tokens => tokens, secret => None::<String> },
    )
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn view_tokens_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(form): HtmlForm<TokenForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let created = super::create_token(&app.db, actor, &form.name).await;
    let tokens = super::list_tokens(&app.db, actor).await?;
    match created {
        Ok(secret) => ctx.page(
            "account/tokens.html",
            minijinja::context! { tokens => tokens, secret => secret },
        ),
        Err(Error::Validation(errs)) => ctx.form_errors(
            "account/tokens.html",
            &errs,
            minijinja::context! { tokens => tokens, name => form.name },
        ),
        Err(e) => Err(e),
    }
}

async fn view_token_revoke_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    super::revoke_token(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

async fn no_users_yet(app: &AppState) -> Result<bool> {
    Ok(super::count(&app.db).await?.0 == 0)
}

/// First run: while no user exists, anyone who can reach the server creates the first admin.
async fn view_setup_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    if !no_users_yet(&app).await? {
        return Err(Error::NotFound);
    }
    ctx.page(
        "setup.html",
        minijinja::context! { input => UserForm::default() },
    )
}

async fn view_setup_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(form): HtmlForm<UserForm>,
) -> Result<Response> {
    if !no_users_yet(&app).await? {
        return Err(Error::NotFound);
    }
    let secretariat = crate::orgs::secretariat(&app.db).await?;
    let new = NewUser {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        org_id: secretariat.id,
        role: Role::SecretariatAdmin,
        password: form.password.clone(),
    };
    match super::create(&app.db, None, new).await {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(Error::Validation(errs)) => ctx.form_errors(
            "setup.html",
            &errs,
            minijinja::context! { input => UserForm { password: String::new(), ..form } },
        ),
        Err(e) => Err(e),
    }
}

async fn api_me_get(ctx: Ctx) -> Result<Json<crate::access::Actor>> {
    Ok(Json(ctx.actor()?.clone()))
}

async fn api_org_users_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(org_id): Path<i64>,
) -> Result<Json<Vec<super::User>>> {
    let actor = ctx.actor()?;
    crate::orgs::get(&app.db, org_id).await?;
    if !actor.sees_users_of(org_id) {
        return Err(Error::Forbidden);
    }
    Ok(Json(super::list_for_org(&app.db, org_id).await?))
}

async fn api_org_users_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(org_id): Path<i64>,
    ApiJson(form): ApiJson<UserForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    crate::orgs::get(&app.db, org_id).await?;
    let id = create_user(&app, actor, org_id, &form).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(super::get(&app.db, id).await?),
    )
        .into_response())
}
