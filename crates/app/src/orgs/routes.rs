//! Pages and API for the alliance's organisations.

use super::{Org, OrgInput, SECTORS, STATUSES, governorates};
use crate::error::{Error, Result};
use crate::users;
use crate::web::AppState;
use crate::web::api::ApiJson;
use crate::web::render::{Ctx, HtmlForm};
use crate::web::routing::Routes;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/orgs", view_orgs_get)
        .post("/orgs", view_orgs_post)
        .get("/orgs/new", view_org_new_get)
        .get("/orgs/{id}", view_org_get)
        .post("/orgs/{id}", view_org_post)
        .get("/orgs/{id}/edit", view_org_edit_get)
        .post("/orgs/{id}/status", view_org_status_post)
        .get("/api/v1/orgs", api_orgs_get)
        .post("/api/v1/orgs", api_orgs_post)
        .get("/api/v1/orgs/{id}", api_org_get)
        .put("/api/v1/orgs/{id}", api_org_put)
        .post("/api/v1/orgs/{id}/status", api_org_status_post)
}

/// The form's choices: sectors and governorates with their labels.
fn choices() -> minijinja::Value {
    let govs: Vec<_> = governorates::GOVERNORATES
        .iter()
        .map(|g| minijinja::context! { code => g.code, name_ar => g.name_ar, name_en => g.name_en })
        .collect();
    minijinja::context! { sectors => SECTORS, governorates => govs, statuses => STATUSES }
}

/// Governorate names of a stored code list, for display.
fn governorate_names(codes: &str) -> Vec<minijinja::Value> {
    super::split_list(codes)
        .iter()
        .filter_map(|c| governorates::by_code(c))
        .map(|g| minijinja::context! { name_ar => g.name_ar, name_en => g.name_en })
        .collect()
}

async fn view_orgs_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    ctx.actor()?;
    let orgs = super::list(&app.db).await?;
    let rows: Vec<_> = orgs
        .iter()
        .map(|o| minijinja::context! { org => o, governorates => governorate_names(&o.governorates), sectors => super::split_list(&o.sectors) })
        .collect();
    ctx.page("orgs/list.html", minijinja::context! { rows => rows })
}

async fn view_org_new_get(ctx: Ctx) -> Result<Response> {
    if !ctx.actor()?.is_secretariat_admin() {
        return Err(Error::Forbidden);
    }
    ctx.page(
        "orgs/form.html",
        minijinja::context! { input => OrgInput::default(), new => true, ..choices() },
    )
}

async fn view_orgs_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<OrgInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    match super::create(&app.db, Some(actor), "member", input.clone()).await {
        Ok(id) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(Error::Validation(errs)) => ctx.form_errors(
            "orgs/form.html",
            &errs,
            minijinja::context! { input => input, new => true, ..choices() },
        ),
        Err(e) => Err(e),
    }
}

async fn view_org_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let org = super::get(&app.db, id).await?;
    let own_or_all = actor.sees_all() || actor.org_id == id;
    let history = if own_or_all {
        super::history(&app.db, id).await?
    } else {
        vec![]
    };
    let members = if actor.sees_all() || actor.administers(id) {
        users::list_for_org(&app.db, id).await?
    } else {
        vec![]
    };
    let roles: Vec<&str> = crate::access::Role::ALL
        .iter()
        .filter(|r| r.is_secretariat() == org.is_secretariat())
        .map(|r| r.as_str())
        .collect();
    ctx.page(
        "orgs/show.html",
        minijinja::context! {
            org => org, governorates => governorate_names(&org.governorates), sectors => super::split_list(&org.sectors),
            history => history, show_history => own_or_all, users => members,
            can_edit => actor.administers(id), can_manage_users => actor.administers(id),
            can_set_status => actor.is_secretariat_admin() && org.is_member(),
            roles => roles, statuses => STATUSES, new_user => minijinja::context!{},
        },
    )
}

async fn view_org_edit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let org = super::get(&app.db, id).await?;
    if !actor.administers(id) {
        return Err(Error::Forbidden);
    }
    ctx.page("orgs/form.html", minijinja::context! { input => OrgInput::from_org(&org), org => org, new => false, ..choices() })
}

async fn view_org_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<OrgInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    match super::update(&app.db, actor, id, input.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(Error::Validation(errs)) => {
            let org = super::get(&app.db, id).await?;
            ctx.form_errors(
                "orgs/form.html",
                &errs,
                minijinja::context! { input => input, org => org, new => false, ..choices() },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

async fn view_org_status_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<StatusForm>,
) -> Result<Response> {
    super::set_status(&app.db, ctx.actor()?, id, &form.status, &form.note).await?;
    // Its staff's sessions now stand for another membership.
    Ok(Redirect::to(&format!("/orgs/{id}")).into_response())
}

async fn api_orgs_get(State(app): State<AppState>, ctx: Ctx) -> Result<Json<Vec<Org>>> {
    ctx.actor()?;
    Ok(Json(super::list(&app.db).await?))
}

async fn api_org_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Org>> {
    ctx.actor()?;
    Ok(Json(super::get(&app.db, id).await?))
}

async fn api_orgs_post(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Response> {
    let id = super::create(&app.db, Some(ctx.actor()?), "member", input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(super::get(&app.db, id).await?),
    )
        .into_response())
}

async fn api_org_put(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Json<Org>> {
    super::update(&app.db, ctx.actor()?, id, input).await?;
    Ok(Json(super::get(&app.db, id).await?))
}

async fn api_org_status_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<StatusForm>,
) -> Result<Json<Org>> {
    super::set_status(&app.db, ctx.actor()?, id, &form.status, &form.note).await?;
    Ok(Json(super::get(&app.db, id).await?))
}
