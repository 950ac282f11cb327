//! Pages and API for agreements, their points and follow-ups; the home page's counters.

use super::{AgreementInput, Detail, Filter, KINDS, PAGE_SIZE, PointInput, STATUSES, UpdateInput};
use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::api::ApiJson;
use crate::web::render::{Ctx, ExportQuery, HtmlForm, Pager, table_download};
use crate::web::routing::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

pub fn routes() -> Routes {
    Routes::new()
        .get("/", view_home_get)
        .get("/agreements", view_agreements_get)
        .post("/agreements", view_agreements_post)
        .get("/agreements/new", view_agreement_new_get)
        .get("/agreements/{id}", view_agreement_get)
        .post("/agreements/{id}", view_agreement_post)
        .get("/agreements/{id}/edit", view_agreement_edit_get)
        .post("/agreements/{id}/points", view_points_post)
        .post("/points/{id}/updates", view_updates_post)
        .get("/api/v1/agreements", api_agreements_get)
        .post("/api/v1/agreements", api_agreements_post)
        .get("/api/v1/agreements/{id}", api_agreement_get)
        .put("/api/v1/agreements/{id}", api_agreement_put)
        .post("/api/v1/agreements/{id}/points", api_points_post)
        .post("/api/v1/points/{id}/updates", api_updates_post)
}

async fn view_home_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let actor = ctx.actor()?;
    let today = crate::coordination::today::today(&app.db, actor).await?;
    let page = super::list(&app.db, actor, &Filter::default()).await?;
    let (recent, total) = (&page.0[..page.0.len().min(5)], page.1);
    ctx.page(
        "home.html",
        minijinja::context! {
            today => today, recent => recent, total => total,
            secretariat => actor.sees_all(), coordinates => actor.coordinates(),
        },
    )
}

/// The list's filters as they arrive from a form: empty fields mean "any".
#[derive(Deserialize, Default, Serialize, Clone)]
pub struct FilterQuery {
    #[serde(default)]
    member: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

impl FilterQuery {
    fn filter(&self) -> Result<Filter> {
        let num = |s: &str, field| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                s.trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| Error::field(field, "err-number"))
            }
        };
        Ok(Filter {
            member: num(&self.member, "member")?,
            status: Some(self.status.clone()).filter(|s| !s.is_empty()),
            overdue: Some(matches!(self.overdue.as_str(), "1" | "true" | "on")),
            q: Some(self.q.clone()).filter(|s| !s.is_empty()),
            page: num(&self.page, "page")?,
        })
    }
}

/// Rendered bodies of list pages, kept as long as the page data they show (see
/// [`super::LIST_TOPICS`]): rendering 25 rows of translated labels and dates costs more than
/// fetching them from the cache, and the same few pages are asked for again and again.
static LIST_HTML: std::sync::LazyLock<Cache<String>> =
    std::sync::LazyLock::new(|| Cache::new(super::LIST_TTL, 1_000, super::LIST_TOPICS));

async fn view_agreements_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(fq): Query<FilterQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let filter = fq.filter()?;
    if !export.is_page() {
        let (header, rows) = super::list::export_table(&app.db, actor, &filter, ctx.locale).await?;
        let name = ctx.locale.t("agreements-export-file");
        return table_download(ctx.locale, &export.format, &name, &header, rows);
    }
    // The download links keep the filters (not the page).
    let export_query = serde_urlencoded::to_string(FilterQuery {
        page: String::new(),
        ..fq.clone()
    })
    .unwrap_or_default();
    // The body depends on the rows (whom they are for), the query (filters, pager links), the
    // language and whether the user may create; not on who the user is beyond that.
    let key = format!(
        "{}|{}|{}|{}|{}|{}",
        app.db.id,
        if actor.sees_all() {
            "all".to_owned()
        } else {
            actor.org_id.to_string()
        },
        actor.coordinates(),
        ctx.locale.code(),
        ctx.path,
        crate::db::today()
    );
    let body = LIST_HTML
        .get_or_load(key, || async {
            let page = super::list(&app.db, actor, &filter).await?;
            let pager = Pager::new(&ctx.path, crate::paging::Page::new(filter.page, PAGE_SIZE), page.1);
            let members: Vec<_> = if actor.sees_all() {
                crate::orgs::list(&app.db)
                    .await?
                    .into_iter()
                    .filter(|o| o.is_member())
                    .collect()
            } else {
                vec![]
            };
            ctx.fragment(
                "agreements/list_body.html",
                minijinja::context! { rows => page.0, pager => pager, f => fq, export_query => export_query, members => members, statuses => STATUSES, can_create => actor.coordinates() },
            )
        })
        .await?;
    ctx.page(
        "agreements/list.html",
        minijinja::context! { body => minijinja::Value::from_safe_string((*body).clone()) },
    )
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: &AgreementInput,
    id: Option<i64>,
    errors: Option<&crate::error::FieldErrors>,
) -> Result<Response> {
    let orgs = crate::orgs::list(&app.db).await?;
    let members: Vec<_> = orgs.iter().filter(|o| o.is_member()).cloned().collect();
    let secretariat = orgs.iter().find(|o| o.is_secretariat()).cloned();
    // Three point rows on a new agreement (blank rows are ignored); more can be added later.
    let mut points = input.points.clone();
    if id.is_none() {
        while points.len() < 3 {
            points.push(PointInput::default());
        }
    }
    let ctx_value = minijinja::context! { input => input, points => points, id => id, members => members, secretariat => secretariat, kinds => KINDS };
    match errors {
        Some(e) => ctx.form_errors("agreements/form.html", e, ctx_value),
        None => ctx.page("agreements/form.html", ctx_value),
    }
}

async fn view_agreement_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    if !ctx.actor()?.coordinates() {
        return Err(Error::Forbidden);
    }
    let input = AgreementInput {
        kind: "visit".into(),
        held_on: crate::db::today(),
        ..AgreementInput::default()
    };
    form_page(&app, &ctx, &input, None, None).await
}

/// The agreement form: repeated `point_body`/`point_owner`/`point_due` fields, one per row.
#[derive(Deserialize, Default)]
pub struct AgreementForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    member_ids: Vec<i64>,
    #[serde(default)]
    point_body: Vec<String>,
    #[serde(default)]
    point_owner: Vec<String>,
    #[serde(default)]
    point_due: Vec<String>,
}

impl AgreementForm {
    fn into_input(self) -> AgreementInput {
        // Rows of the form left blank are not points; a blank due date is none.
        let points = self
            .point_body
            .into_iter()
            .enumerate()
            .filter(|(_, body)| !body.trim().is_empty())
            .map(|(i, body)| PointInput {
                body,
                owner_org_id: self
                    .point_owner
                    .get(i)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                due_on: self
                    .point_due
                    .get(i)
                    .filter(|d| !d.trim().is_empty())
                    .cloned(),
            })
            .collect();
        AgreementInput {
            kind: self.kind,
            title: self.title,
            held_on: self.held_on,
            place: self.place,
            participants: self.participants,
            summary: self.summary,
            member_ids: self.member_ids,
            points,
        }
    }
}

async fn view_agreements_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(form): HtmlForm<AgreementForm>,
) -> Result<Response> {
    let input = form.into_input();
    match super::create(&app.db, ctx.actor()?, input.clone()).await {
        Ok(id) => Ok(Redirect::to(&format!("/agreements/{id}")).into_response()),
        Err(Error::Validation(errs)) => form_page(&app, &ctx, &input, None, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn view_agreement_edit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let d = super::get(&app.db, actor, id).await?;
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let input = AgreementInput {
        kind: d.agreement.kind,
        title: d.agreement.title,
        held_on: d.agreement.held_on,
        place: d.agreement.place,
        participants: d.agreement.participants,
        summary: d.agreement.summary,
        member_ids: d.parties.iter().map(|p| p.id).collect(),
        points: vec![],
    };
    form_page(&app, &ctx, &input, Some(id), None).await
}

async fn view_agreement_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<AgreementForm>,
) -> Result<Response> {
    let input = form.into_input();
    match super::update(&app.db, ctx.actor()?, id, input.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/agreements/{id}")).into_response()),
        Err(Error::Validation(errs)) => form_page(&app, &ctx, &input, Some(id), Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn detail_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Option<(&crate::error::FieldErrors, minijinja::Value)>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let d = super::get(&app.db, actor, id).await?;
    let secretariat = crate::orgs::secretariat(&app.db).await?;
    let can_follow: Vec<i64> = d
        .points
        .iter()
        .filter(|p| actor.coordinates() || (actor.can_write() && p.owner_org_id == actor.org_id))
        .map(|p| p.id)
        .collect();
    let base = minijinja::context! { d => d, statuses => STATUSES, can_edit => actor.coordinates(), can_follow => can_follow, secretariat => secretariat };
    match errors {
        Some((e, extra)) => ctx.form_errors(
            "agreements/show.html",
            e,
            minijinja::context! { ..extra, ..base },
        ),
        None => ctx.page("agreements/show.html", base),
    }
}

async fn view_agreement_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    detail_page(&app, &ctx, id, None).await
}

#[derive(Deserialize, Default, Serialize)]
pub struct PointForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    owner_org_id: String,
    #[serde(default)]
    due_on: String,
}

async fn view_points_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<PointForm>,
) -> Result<Response> {
    let input = PointInput {
        body: form.body.clone(),
        owner_org_id: form.owner_org_id.parse().unwrap_or(0),
        due_on: Some(form.due_on.clone()).filter(|d| !d.trim().is_empty()),
    };
    match super::add_point(&app.db, ctx.actor()?, id, input).await {
        Ok(pid) => Ok(Redirect::to(&format!("/agreements/{id}#point-{pid}")).into_response()),
        Err(Error::Validation(errs)) => {
            detail_page(
                &app,
                &ctx,
                id,
                Some((&errs, minijinja::context! { new_point => form })),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn view_updates_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(point_id): Path<i64>,
    HtmlForm(input): HtmlForm<UpdateInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    match super::post_update(&app.db, actor, point_id, input.clone()).await {
        Ok(agreement_id) => Ok(Redirect::to(&format!(
            "/agreements/{agreement_id}#point-{point_id}"
        ))
        .into_response()),
        Err(Error::Validation(errs)) => {
            // Validation runs after the visibility check, so the agreement may be shown.
            let agreement_id = super::agreement_of_point(&app.db, point_id).await?;
            detail_page(
                &app,
                &ctx,
                agreement_id,
                Some((
                    &errs,
                    minijinja::context! { failed_point => point_id, update => input },
                )),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct Page<'a, T> {
    items: &'a [T],
    total: i64,
    page: i64,
    page_size: i64,
}

/// The API's filters, typed as the document gives them: a value of the wrong type (`overdue=yes`,
/// `member=`) is refused, where the page's form reads an empty field as "any".
#[derive(Deserialize)]
struct ApiFilterQuery {
    member: Option<i64>,
    status: Option<String>,
    overdue: Option<bool>,
    q: Option<String>,
    page: Option<i64>,
}

async fn api_agreements_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(fq): Query<ApiFilterQuery>,
) -> Result<Response> {
    if fq
        .status
        .as_deref()
        .is_some_and(|s| super::PointStatus::parse(s).is_none())
    {
        return Err(Error::field("status", "err-choice"));
    }
    let filter = Filter {
        member: fq.member,
        status: fq.status,
        overdue: Some(fq.overdue.unwrap_or(false)),
        q: fq.q.filter(|s| !s.is_empty()),
        page: fq.page,
    };
    let page = super::list(&app.db, ctx.actor()?, &filter).await?;
    Ok(Json(Page {
        items: &page.0,
        total: page.1,
        page: crate::paging::Page::new(filter.page, PAGE_SIZE).number(),
        page_size: PAGE_SIZE,
    })
    .into_response())
}

async fn api_agreement_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Detail>> {
    Ok(Json(super::get(&app.db, ctx.actor()?, id).await?))
}

async fn api_agreements_post(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<AgreementInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let id = super::create(&app.db, actor, input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(super::get(&app.db, actor, id).await?),
    )
        .into_response())
}

async fn api_agreement_put(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AgreementInput>,
) -> Result<Json<Detail>> {
    let actor = ctx.actor()?;
    super::update(&app.db, actor, id, input).await?;
    Ok(Json(super::get(&app.db, actor, id).await?))
}

async fn api_points_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PointInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    super::add_point(&app.db, actor, id, input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(super::get(&app.db, actor, id).await?),
    )
        .into_response())
}

async fn api_updates_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(point_id): Path<i64>,
    ApiJson(input): ApiJson<UpdateInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let agreement_id = super::post_update(&app.db, actor, point_id, input).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(super::get(&app.db, actor, agreement_id).await?),
    )
        .into_response())
}
