//! Pages and API of announcements and coordination requests (`/announcements`).

use super::{AnnouncementInput, AnswerInput, File, Filter};
use crate::error::{Error, FieldErrors, Result};
use crate::web::render::{Ctx, ExportQuery, PageQuery, Pager, attachment, table_download};
use crate::web::routing::Routes;
use crate::web::{AppState, upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/announcements", view_list_get)
        .get("/announcements/new", view_new_get)
        .upload("/announcements", view_create_post)
        .get("/announcements/{id}", view_show_get)
        .post("/announcements/{id}/acknowledge", view_acknowledge_post)
        .upload("/announcements/{id}/answer", view_answer_post)
        .post("/announcements/{id}/remind", view_remind_post)
        .get("/announcements/{id}/file", view_file_get)
        .get(
            "/announcements/{id}/answers/{org}/file",
            view_answer_file_get,
        )
        .get("/api/v1/announcements", api_list_get)
        .get("/api/v1/announcements/{id}", api_get)
}

async fn view_list_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let page = crate::paging::Page::new(pq.page, super::PAGE_SIZE);
    let (lines, total) = super::list(&app.db, actor, &f, page).await?;
    ctx.page(
        "announcements/list.html",
        minijinja::context! {
            lines => lines, total => total, f => f,
            pager => Pager::new(&ctx.path, page, total),
            can_send => actor.coordinates(),
            secretariat => actor.sees_all(),
            outbox => if actor.sees_all() { Some(crate::mail::outbox(&app.db, &app.settings).await?) } else { None },
        },
    )
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: &AnnouncementInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    if !ctx.actor()?.coordinates() {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! {
        input => input,
        governorates => crate::coordination::governorate_choices(),
        sectors => crate::orgs::SECTORS,
        members => super::audience_size(&app.db, &[], &[]).await?,
        mail_on => crate::mail::enabled(&app.settings),
        max_mb => super::MAX_FILE_BYTES / (1024 * 1024),
        file_types => super::FILE_TYPES.join(", "),
        accept => accept(),
        submission => crate::users::random_token(),
    };
    match errors {
        Some(e) => ctx.form_errors("announcements/form.html", e, c),
        None => ctx.page("announcements/form.html", c),
    }
}

async fn view_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let input = AnnouncementInput {
        kind: "request".into(),
        ..Default::default()
    };
    form_page(&app, &ctx, &input, None).await
}

/// The file chooser's `accept`: the kinds of file taken, by extension.
fn accept() -> String {
    super::FILE_TYPES
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The fields and file of a multipart form; a file too large is a field error kept beside what
/// was typed, so that the form is shown again with it.
async fn read_form<T: serde::de::DeserializeOwned>(
    form: Multipart,
) -> Result<(T, Option<File>, Option<FieldErrors>)> {
    let (input, file) = upload::typed_form_with_file::<T>(form, super::MAX_FILE_BYTES).await?;
    Ok(match file {
        upload::FormFile::None => (input, None, None),
        upload::FormFile::File(f) => (input, Some(f), None),
        upload::FormFile::TooLarge => {
            let mut errs = FieldErrors::default();
            errs.add("file", "err-file-too-large");
            (input, None, Some(errs))
        }
    })
}

async fn view_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let (input, file, too_large) = read_form::<AnnouncementInput>(form).await?;
    if let Some(errs) = too_large {
        return form_page(&app, &ctx, &input, Some(&errs)).await;
    }
    match super::create(&app.db, &app.settings, actor, &input, file.as_ref()).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/announcements/{id}?sent=true")).into_response()),
        Err(Error::Validation(errs)) => form_page(&app, &ctx, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowQuery {
    late: bool,
    sent: bool,
    reminded: Option<u32>,
    answered: bool,
}

async fn show_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    q: &ShowQuery,
    answer: Option<(&AnswerInput, &FieldErrors)>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let a = super::get(&app.db, actor, id).await?;
    let recipients = super::recipients(&app.db, actor, &a, q.late).await?;
    let all = if q.late {
        super::recipients(&app.db, actor, &a, false).await?.len()
    } else {
        recipients.len()
    };
    let pending = recipients
        .iter()
        .filter(|r| r.org_status == "active")
        .filter(|r| {
            if a.kind == "request" {
                r.answered_at.is_none()
            } else {
                r.acknowledged_at.is_none()
            }
        })
        .count();
    let governorates: Vec<String> = crate::orgs::split_list(&a.governorates)
        .iter()
        .filter_map(|g| crate::orgs::governorates::by_code(g))
        .map(|g| ctx.locale.pick(g.name_ar, g.name_en).to_owned())
        .collect();
    let c = minijinja::context! {
        a => a, recipients => recipients, all => all, pending => pending, q => minijinja::context! { late => q.late, sent => q.sent, reminded => q.reminded, answered => q.answered },
        governorates => governorates, sectors => crate::orgs::split_list(&a.sectors),
        file_name => super::file_name(&app.db, id).await?,
        secretariat => actor.sees_all(), can_remind => actor.coordinates(),
        can_answer => !actor.sees_all() && actor.can_write(),
        answer => answer.map(|(i, _)| i.answer.clone()),
        mail_on => crate::mail::enabled(&app.settings),
        max_mb => super::MAX_FILE_BYTES / (1024 * 1024),
        file_types => super::FILE_TYPES.join(", "),
        accept => accept(),
    };
    match answer {
        Some((_, errs)) => ctx.form_errors("announcements/show.html", errs, c),
        None => ctx.page("announcements/show.html", c),
    }
}

async fn view_show_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    if export.is_page() {
        return show_page(&app, &ctx, id, &q, None).await;
    }
    // Who answered what, as a sheet for the secretariat (a member's is its own row).
    let actor = ctx.actor()?;
    let a = super::get(&app.db, actor, id).await?;
    let l = ctx.locale;
    let header: Vec<String> = [
        "field-member",
        "announcement-acknowledged",
        "announcement-answered",
        "announcement-late",
        "announcement-reminders",
        "announcement-answer",
    ]
    .iter()
    .map(|k| l.t(k))
    .collect();
    use crate::table::export::Value;
    let rows = super::recipients(&app.db, actor, &a, q.late)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Value::Text(l.pick(&r.org_name_ar, &r.org_name_en).to_owned()),
                Value::Text(
                    r.acknowledged_at
                        .map(|d| l.datetime(&d))
                        .unwrap_or_default(),
                ),
                Value::Text(r.answered_at.map(|d| l.datetime(&d)).unwrap_or_default()),
                Value::Text(if r.late { l.t("yes") } else { String::new() }),
                Value::Number(r.reminders as f64),
                Value::Text(r.answer),
            ]
        })
        .collect();
    table_download(
        l,
        &export.format,
        &format!("{}-{id}", l.t("announcement-answers-file")),
        &header,
        rows,
    )
}

async fn view_acknowledge_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    super::acknowledge(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to(&format!("/announcements/{id}")).into_response())
}

async fn view_answer_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let (input, file, too_large) = read_form::<AnswerInput>(form).await?;
    if let Some(errs) = too_large {
        return show_page(&app, &ctx, id, &ShowQuery::default(), Some((&input, &errs))).await;
    }
    match super::answer(&app.db, actor, id, &input, file.as_ref()).await {
        Ok(()) => Ok(Redirect::to(&format!("/announcements/{id}?answered=true")).into_response()),
        Err(Error::Validation(errs)) => {
            show_page(&app, &ctx, id, &ShowQuery::default(), Some((&input, &errs))).await
        }
        Err(e) => Err(e),
    }
}

async fn view_remind_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let n = super::remind(&app.db, &app.settings, ctx.actor()?, id).await?;
    Ok(Redirect::to(&format!("/announcements/{id}?reminded={n}")).into_response())
}

async fn view_file_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let f = super::file(&app.db, ctx.actor()?, id, None).await?;
    Ok(attachment(&f.name, f.bytes))
}

async fn view_answer_file_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((id, org)): Path<(i64, i64)>,
) -> Result<Response> {
    let f = super::file(&app.db, ctx.actor()?, id, Some(org)).await?;
    Ok(attachment(&f.name, f.bytes))
}

async fn api_list_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let page = crate::paging::Page::new(pq.page, super::PAGE_SIZE);
    let (lines, total) = super::list(&app.db, ctx.actor()?, &f, page).await?;
    Ok(Json(serde_json::json!({ "announcements": lines, "total": total })).into_response())
}

async fn api_get(State(app): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    let actor = ctx.actor()?;
    let a = super::get(&app.db, actor, id).await?;
    let recipients = super::recipients(&app.db, actor, &a, false).await?;
    Ok(Json(serde_json::json!({ "announcement": a, "recipients": recipients })).into_response())
}
