//! Pages of the shared registry: search, import (upload → preview with mapping → commit) and the
//! secretariat's review queue.

use super::{Action, mapping};
use crate::error::{Error, Result};
use crate::jobs;
use crate::jobs::progress::Progress;
use crate::paging::Page;
use crate::web::api::ApiJson;
use crate::web::render::{
    Ctx, Download, ExportQuery, HtmlForm, PageQuery, Pager, download, table_download,
};
use crate::web::routing::Routes;
use crate::web::{AppState, upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Routes {
    Routes::new()
        .get("/registry", view_registry_get)
        .get("/registry/records/{id}", view_record_get)
        .get("/registry/records/{id}/edit", view_correct_get)
        .post("/registry/records/{id}/edit", view_correct_post)
        .get("/registry/import", view_import_get)
        .get("/registry/import/template", view_template_get)
        .get("/registry/import/{id}", view_preview_get)
        .post("/registry/import/{id}/mapping", view_mapping_post)
        .post("/registry/import/{id}/commit", view_commit_post)
        .get("/registry/import/{id}/progress", view_progress_get)
        .get("/registry/priority", view_priority_get)
        .get("/registry/review", view_review_get)
        .post("/registry/review/{id}", view_decide_post)
        .post("/registry/review/many", view_decide_many_post)
        .get("/registry/review/decided", view_decided_get)
        .post("/registry/review/{id}/reopen", view_reopen_post)
        .post("/registry/review/{id}/reveal", view_reveal_post)
        .get("/registry/check", view_check_get)
        .post("/registry/check", view_check_post)
        .get("/registry/notices", view_notices_get)
        .get("/api/v1/registry/search", api_search_get)
        .post("/api/v1/registry/check", api_check_post)
        .upload("/registry/upload", view_upload_post)
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    /// `csv` or `xlsx` to download the member's list (as filtered); a page otherwise.
    #[serde(default)]
    format: String,
    #[serde(default)]
    governorate: String,
    #[serde(default)]
    household: String,
    #[serde(default)]
    import: String,
    #[serde(default)]
    page: Option<i64>,
}

/// The registry's page: a search, and for a member the list of its own registrations (paged,
/// filtered by governorate, household or import), which it can download.
async fn view_registry_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(sq): Query<SearchQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let searched = !sq.q.trim().is_empty();
    let filter = super::ListFilter {
        governorate: sq.governorate,
        household: sq.household,
        import: sq.import,
        page: sq.page,
    };
    if !sq.format.is_empty() {
        let (rows, _) = super::own_list(&app.db, actor, &filter, None).await?;
        return own_export(&ctx, &rows, &sq.format);
    }
    let found = if searched {
        super::search(&app.db, actor, &sq.q).await?
    } else {
        super::Found::default()
    };
    let page = Page::new(filter.page, super::LIST_PAGE);
    let (list, total) = if searched {
        (vec![], 0)
    } else {
        super::own_list(&app.db, actor, &filter, Some(page)).await?
    };
    let pager = Pager::new(&ctx.path, page, total);
    let member = !actor.sees_all();
    let (governorates, imports) = if member && !searched {
        (
            super::search::own_governorates(&app.db, actor).await?,
            super::recent_imports(&app.db, actor.org_id).await?,
        )
    } else {
        (vec![], vec![])
    };
    let filtered =
        !(filter.governorate.is_empty() && filter.household.is_empty() && filter.import.is_empty());
    let export_query = serde_urlencoded::to_string(
        [
            ("governorate", filter.governorate.as_str()),
            ("household", filter.household.as_str()),
            ("import", filter.import.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let org_names = crate::orgs::names(&app.db).await?;
    ctx.page(
        "registry/search.html",
        minijinja::context! {
            q => sq.q, found => found, searched => searched, orgs => org_names,
            can_import => actor.can_write() && member, member => member,
            list => list, total => total, pager => pager, f => filter, filtered => filtered,
            governorates => governorates, imports => imports, export_query => export_query,
        },
    )
}

/// A member's registrations as a download, with the columns a clerk keeps in Excel.
fn own_export(ctx: &Ctx, rows: &[super::Registration], format: &str) -> Result<Response> {
    let l = ctx.locale;
    let header: Vec<String> = [
        "field-member_key",
        "field-full_name",
        "field-national_id",
        "field-phone",
        "field-date_of_birth",
        "field-gender",
        "field-governorate",
        "field-village",
        "field-household_ref",
        "registry-person",
        "registry-household",
        "registry-elsewhere-column",
    ]
    .iter()
    .map(|k| l.t(k))
    .collect();
    let body = rows.iter().map(|r| {
        use crate::table::export::Value;
        vec![
            Value::from(r.member_key.as_str()),
            Value::from(r.full_name.as_str()),
            Value::from(r.national_id.as_str()),
            Value::from(r.phone.as_str()),
            Value::from(r.date_of_birth.as_str()),
            Value::from(r.gender.as_str()),
            Value::from(r.governorate.as_str()),
            Value::from(r.village.as_str()),
            Value::from(r.household_ref.as_str()),
            Value::from(r.person_id),
            Value::from(r.household_id),
            Value::from(r.elsewhere),
        ]
    });
    table_download(
        l,
        format,
        &l.t("registry-export-file"),
        &header,
        body.collect(),
    )
}

/// The API's search: `q` is required (the page shows an empty form without it).
#[derive(Deserialize)]
struct ApiSearchQuery {
    q: Option<String>,
}

async fn api_search_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(sq): Query<ApiSearchQuery>,
) -> Result<Json<super::Found>> {
    let actor = ctx.actor()?;
    let q = sq.q.ok_or_else(|| Error::field("q", "err-required"))?;
    Ok(Json(super::search(&app.db, actor, &q).await?))
}

async fn check_page(
    ctx: &Ctx,
    probe: &super::online::Probe,
    answer: Option<&super::online::Answer>,
    errors: Option<&crate::error::FieldErrors>,
) -> Result<Response> {
    let c = minijinja::context! { p => probe, answer => answer, checked => answer.is_some() };
    match errors {
        Some(e) => ctx.form_errors("registry/check.html", e, c),
        None => ctx.page("registry/check.html", c),
    }
}

async fn view_check_get(ctx: Ctx) -> Result<Response> {
    ctx.actor()?;
    check_page(&ctx, &super::online::Probe::default(), None, None).await
}

/// "Already registered?" as a form: the details are posted, never put in the address (which
/// browsers keep in their history).
async fn view_check_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(probe): HtmlForm<super::online::Probe>,
) -> Result<Response> {
    match super::online::check(
        &app.db,
        ctx.actor()?,
        &probe,
        app.settings.checks_per_minute,
    )
    .await
    {
        Ok(answer) => check_page(&ctx, &probe, Some(&answer), None).await,
        Err(Error::Validation(errs)) => check_page(&ctx, &probe, None, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn api_check_post(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(probe): ApiJson<super::online::Probe>,
) -> Result<Json<super::online::Answer>> {
    Ok(Json(
        super::online::check(
            &app.db,
            ctx.actor()?,
            &probe,
            app.settings.checks_per_minute,
        )
        .await?,
    ))
}

async fn view_notices_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let page = Page::new(pq.page, super::NOTICES_PER_PAGE);
    let (notices, total) = super::notices(&app.db, actor, page).await?;
    let pager = Pager::new(&ctx.path, page, total);
    ctx.page(
        "registry/notices.html",
        minijinja::context! { notices => notices, pager => pager },
    )
}

#[derive(Deserialize, Default)]
struct RecordQuery {
    /// How many fields a correction just changed.
    #[serde(default)]
    corrected: Option<usize>,
}

async fn view_record_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(rq): Query<RecordQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let record = super::registration(&app.db, actor, id).await?;
    let entries = crate::assistance::for_record(&app.db, actor, id).await?;
    let categories = crate::kinds::all(&app.db).await?;
    ctx.page(
        "registry/record.html",
        minijinja::context! { r => record, entries => entries, categories => categories, today => crate::db::today(), can_write => actor.can_write(), submission => crate::users::random_token(), corrected => rq.corrected },
    )
}

/// The form to correct one of the member's registrations.
async fn view_correct_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = importer(&ctx)?;
    let stored = super::correct::own_stored(&app.db, actor, id).await?;
    ctx.page(
        "registry/correct.html",
        minijinja::context! { id => id, member_key => stored.member_key(), input => super::correct::Correction::of(&stored.raw), fields => super::correct::FIELDS },
    )
}

async fn view_correct_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<super::correct::Correction>,
) -> Result<Response> {
    let actor = importer(&ctx)?;
    match super::correct::correct(&app.db, actor, id, &input).await {
        Ok(changed) => Ok(Redirect::to(&format!(
            "/registry/records/{id}?corrected={}",
            changed.len()
        ))
        .into_response()),
        Err(Error::Validation(errs)) => {
            let stored = super::correct::own_stored(&app.db, actor, id).await?;
            ctx.form_errors(
                "registry/correct.html",
                &errs,
                minijinja::context! { id => id, member_key => stored.member_key(), input => input, fields => super::correct::FIELDS },
            )
        }
        Err(e) => Err(e),
    }
}

/// Members import; the secretariat and auditors do not register beneficiaries themselves.
fn importer(ctx: &Ctx) -> Result<&crate::access::Actor> {
    let actor = ctx.actor()?;
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    Ok(actor)
}

async fn view_import_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let actor = importer(&ctx)?;
    let recent = super::recent_imports(&app.db, actor.org_id).await?;
    // Files not yet imported, with where their import is (none yet, running, interrupted, failed).
    let jobs = jobs::recent(&app.db, actor, IMPORT_JOB).await?;
    let pending: Vec<minijinja::Value> = upload::pending(&app.db, actor, "registry")
        .await?
        .into_iter()
        .map(|u| {
            let state = jobs.get(&u.id).map(|j| j.state);
            minijinja::context! { id => u.id, file_name => u.file_name, created_at => u.created_at, state => state }
        })
        .collect();
    ctx.page(
        "registry/import.html",
        minijinja::context! { recent => recent, pending => pending, max_mb => app.settings.max_upload_bytes / (1024 * 1024) },
    )
}

/// An empty list to fill in, with the headers the import recognises at once: in Arabic and right
/// to left on an Arabic page, in English otherwise.
async fn view_template_get(ctx: Ctx) -> Result<Response> {
    importer(&ctx)?;
    let arabic = ctx.locale == crate::i18n::Locale::Ar;
    let header: Vec<String> = mapping::FIELDS
        .iter()
        .filter(|(field, _)| *field != "member_org")
        .map(|(field, spellings)| {
            let native = spellings
                .iter()
                .find(|s| s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
            match native {
                Some(ar) if arabic => (*ar).to_owned(),
                _ => field.replace('_', " "),
            }
        })
        .collect();
    let body = crate::table::export::xlsx_bytes(
        &ctx.locale.t("import-template-sheet"),
        &header,
        std::iter::empty(),
        arabic,
    )
    .map_err(|e| Error::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(download(
        Download::Xlsx,
        &ctx.locale.t("import-template-file"),
        body,
    ))
}

async fn view_upload_post(
    State(app): State<AppState>,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response> {
    let id = upload::receive(&app.db, importer(&ctx)?, form, "registry").await?;
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

/// The file read, and its mapping (saved for these headers, or recognised).
struct Prepared {
    name: String,
    table: Arc<crate::table::Table>,
    mapping: Vec<Option<&'static str>>,
}

async fn prepare(
    app: &AppState,
    actor: &crate::access::Actor,
    id: i64,
) -> Result<std::result::Result<Prepared, (String, crate::table::FileError)>> {
    let (name, table) = match upload::table(&app.db, actor, id, "registry").await? {
        (name, Ok(table)) => (name, table),
        (name, Err(e)) => return Ok(Err((name, e))),
    };
    let mapping = mapping::proposed(&app.db, actor.org_id, &table.headers).await?;
    Ok(Ok(Prepared {
        name,
        table,
        mapping,
    }))
}

/// Rows shown on a preview: those with something to say first, at most this many.
const PREVIEW_ROWS: usize = 300;

async fn view_preview_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = importer(&ctx)?;
    let p = match prepare(&app, actor, id).await? {
        Ok(p) => p,
        Err((name, e)) => {
            return ctx.page(
                "registry/preview.html",
                minijinja::context! { id => id, name => name, file_error => e.message(ctx.locale) },
            );
        }
    };
    let columns: Vec<minijinja::Value> = p
        .table
        .headers
        .iter()
        .zip(&p.mapping)
        .enumerate()
        .map(|(i, (h, f))| {
            // Only the start of a cell: a cell can be far longer than a page should echo.
            let sample = p.table.rows.first().and_then(|(_, r)| r.get(i)).map(|c| crate::table::excerpt(c, 60)).unwrap_or_default();
            minijinja::context! { index => i, header => crate::table::excerpt(h, 100), field => f.unwrap_or(""), sample => sample }
        })
        .collect();
    let fields: Vec<&str> = mapping::FIELDS.iter().map(|(f, _)| *f).collect();
    let base =
        minijinja::context! { id => id, name => p.name, columns => columns, fields => fields };
    if let Err(e) = mapping::check_mapping(&p.mapping) {
        return ctx.page(
            "registry/preview.html",
            minijinja::context! { mapping_error => e.message(ctx.locale), ..base },
        );
    }
    let incoming = super::Incoming::from_table(&p.table, &p.mapping);
    let plan = super::plan(&app.db, Some(actor), actor.org_id, &incoming).await?;
    let mut rows: Vec<&super::RowPlan> = plan.rows.iter().collect();
    // What needs a look comes first: problems, then review, then links.
    rows.sort_by_key(|r| {
        (
            r.problems.is_empty(),
            r.action != Action::Review,
            r.action != Action::Linked,
            r.line,
        )
    });
    let shown: Vec<minijinja::Value> = rows
        .iter()
        .take(PREVIEW_ROWS)
        .map(|r| minijinja::context! { line => r.line, key => r.member_key, name => r.name, action => r.action.key(), updated => r.updated, problems => r.problems })
        .collect();
    let rejected: Vec<String> = plan
        .rejected
        .iter()
        .map(|i| i.message(ctx.locale))
        .collect();
    ctx.page(
        "registry/preview.html",
        minijinja::context! { plan => plan, rows => shown, more => plan.rows.len().saturating_sub(PREVIEW_ROWS), rejected => rejected, ..base },
    )
}

async fn view_mapping_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<HashMap<String, String>>,
) -> Result<Response> {
    let actor = importer(&ctx)?;
    let p = match prepare(&app, actor, id).await? {
        Ok(p) => p,
        Err(_) => return Ok(Redirect::to(&format!("/registry/import/{id}")).into_response()),
    };
    let mut mapping = Vec::with_capacity(p.table.headers.len());
    for i in 0..p.table.headers.len() {
        let chosen = form
            .get(&format!("col_{i}"))
            .map(String::as_str)
            .unwrap_or("");
        if chosen.is_empty() {
            mapping.push(None);
        } else {
            mapping.push(Some(
                mapping::field_named(chosen).ok_or(Error::BadRequest("err-bad-request"))?,
            ));
        }
    }
    super::save_mapping(
        &app.db,
        Some(actor),
        actor.org_id,
        &p.table.headers,
        &mapping,
    )
    .await?;
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

/// What a finished web import leaves for its outcome page (a job's outcome: kept in the database,
/// so that the page can be reloaded on any server, after a restart too).
#[derive(serde::Serialize, serde::Deserialize)]
struct Imported {
    rows: usize,
    new_persons: usize,
    linked: usize,
    review: usize,
    /// The first refused rows, and how many more there were.
    rejected: Vec<Refused>,
    more_rejected: usize,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Refused {
    line: u64,
    key: String,
    detail: String,
}

/// Refused rows kept with an import's outcome.
const REFUSED_KEPT: usize = 1_000;

impl Imported {
    fn of(plan: &super::Plan) -> Self {
        Imported {
            rows: plan.rows.len(),
            new_persons: plan.new_persons,
            linked: plan.linked,
            review: plan.review,
            rejected: plan
                .rejected
                .iter()
                .take(REFUSED_KEPT)
                .map(|i| Refused {
                    line: i.line,
                    key: i.key.to_owned(),
                    detail: i.detail.clone(),
                })
                .collect(),
            more_rejected: plan.rejected.len().saturating_sub(REFUSED_KEPT),
        }
    }
}

/// The job kind of a registry import from the web; its subject is the upload.
const IMPORT_JOB: &str = "registry_import";

async fn view_commit_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = importer(&ctx)?.clone();
    let progress_page = Redirect::to(&format!("/registry/import/{id}/progress")).into_response();
    // A second click on the button, or a reload: the import under way (or done) is shown.
    let last = jobs::latest(&app.db, &actor, IMPORT_JOB, id).await?;
    if last
        .as_ref()
        .is_some_and(|j| matches!(j.state, jobs::State::Running | jobs::State::Done))
    {
        return Ok(progress_page);
    }
    let p = match prepare(&app, &actor, id).await? {
        Ok(p) if mapping::check_mapping(&p.mapping).is_ok() => p,
        _ => return Ok(Redirect::to(&format!("/registry/import/{id}")).into_response()),
    };
    let db = app.db.clone();
    let name = p.name.clone();
    let importer = actor.clone();
    jobs::start(&app.db, &actor, IMPORT_JOB, id, &name, move |progress| async move {
        let incoming = super::Incoming::from_table(&p.table, &p.mapping);
        let result = super::commit(
            &db,
            Some(&importer),
            importer.org_id,
            &p.name,
            &incoming,
            &progress,
        )
        .await;
        match result {
            Ok(plan) => {
                // The file is no longer needed once its rows are in the registry.
                if let Err(e) = upload::forget(&db, id).await {
                    tracing::warn!(error = %e, upload = id, "upload not deleted after its import");
                }
                serde_json::to_value(Imported::of(&plan)).map_err(|_| "err-import-failed")
            }
            Err(e) => {
                tracing::error!(error = %e, upload = id, "registry import failed; nothing was saved");
                Err("err-import-failed")
            }
        }
    })
    .await?;
    Ok(progress_page)
}

/// An import's progress while it runs (the page reloads itself every second), then its outcome;
/// an import its server did not finish is said to be interrupted, with its file to start again.
async fn view_progress_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = importer(&ctx)?;
    let job = jobs::latest(&app.db, actor, IMPORT_JOB, id)
        .await?
        .ok_or(Error::NotFound)?;
    match job.state {
        jobs::State::Done => {
            let plan: Imported = jobs::outcome(&job)?;
            let rejected: Vec<String> = plan
                .rejected
                .iter()
                .map(|i| crate::table::message(ctx.locale, &i.key, i.line, &i.detail))
                .collect();
            ctx.page(
                "registry/done.html",
                minijinja::context! { name => job.name, plan => plan, rejected => rejected },
            )
        }
        _ => ctx.page(
            "registry/progress.html",
            minijinja::context! {
                id => id,
                name => job.name,
                p => job.progress.unwrap_or_else(|| Progress::default().read()),
                seconds => job.seconds,
                failed => job.failure,
                interrupted => job.state == jobs::State::Interrupted,
                upload_kept => upload::exists(&app.db, actor, id, "registry").await?,
            },
        ),
    }
}

/// What the last decision did, carried by the redirect after it (numbers only).
#[derive(Deserialize, Default, Serialize)]
struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    pairs: String,
    #[serde(default)]
    moved: String,
    #[serde(default)]
    members: String,
}

impl DoneQuery {
    fn after(path: &str, what: &str, effect: &super::review::Effect) -> String {
        format!(
            "{path}?done={what}&pairs={}&moved={}&members={}",
            effect.pairs, effect.moved, effect.members
        )
    }

    /// `done` only when it is one of the words the pages say and the counts are numbers (a
    /// hand-made link shows no message rather than an error).
    fn shown(self) -> Option<Self> {
        let number = |s: &str| s.parse::<u32>().is_ok();
        (matches!(
            self.done.as_deref(),
            Some("same" | "different" | "unsure" | "reopened")
        ) && number(&self.pairs)
            && number(&self.moved)
            && number(&self.members))
        .then_some(self)
    }
}

async fn view_review_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(pq): Query<PageQuery>,
    Query(done): Query<DoneQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let page = Page::new(pq.page, super::REVIEW_PER_PAGE);
    let (pairs, total) = super::review_queue(&app.db, actor, page).await?;
    let pager = Pager::new(&ctx.path, page, total);
    let orgs = crate::orgs::names(&app.db).await?;
    ctx.page(
        "registry/review.html",
        minijinja::context! { pairs => pairs, pager => pager, orgs => orgs, done => done.shown() },
    )
}

async fn view_decided_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(pq): Query<PageQuery>,
    Query(done): Query<DoneQuery>,
) -> Result<Response> {
    let page = Page::new(pq.page, super::REVIEW_PER_PAGE);
    let (pairs, total) = super::review::decided(&app.db, ctx.actor()?, page).await?;
    let pager = Pager::new(&ctx.path, page, total);
    ctx.page(
        "registry/review_decided.html",
        minijinja::context! { pairs => pairs, pager => pager, done => done.shown() },
    )
}

#[derive(Deserialize, Default)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    /// The pairs of a decision on several at once.
    #[serde(default)]
    pair: Vec<i64>,
    /// Set by the confirmation page: without it the decision is only shown.
    #[serde(default)]
    confirm: String,
}

/// Shows what deciding the pairs would do, or — confirmed — decides them and says what it did.
async fn decide_or_confirm(
    app: &AppState,
    ctx: &Ctx,
    ids: &[i64],
    form: &DecisionForm,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if form.confirm == "yes" {
        let effect = super::decide(&app.db, actor, ids, &form.decision).await?;
        return Ok(Redirect::to(&DoneQuery::after(
            "/registry/review",
            &form.decision,
            &effect,
        ))
        .into_response());
    }
    let (pairs, effect) = super::review::preview(&app.db, actor, ids, &form.decision).await?;
    let orgs = crate::orgs::names(&app.db).await?;
    ctx.page(
        "registry/review_confirm.html",
        minijinja::context! { pairs => pairs, effect => effect, decision => form.decision, orgs => orgs, undo => false },
    )
}

async fn view_decide_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<DecisionForm>,
) -> Result<Response> {
    decide_or_confirm(&app, &ctx, &[id], &form).await
}

async fn view_decide_many_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(form): HtmlForm<DecisionForm>,
) -> Result<Response> {
    decide_or_confirm(&app, &ctx, &form.pair, &form).await
}

async fn view_reopen_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<DecisionForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if form.confirm == "yes" {
        let effect = super::review::reopen(&app.db, actor, id).await?;
        return Ok(Redirect::to(&DoneQuery::after(
            "/registry/review/decided",
            "reopened",
            &effect,
        ))
        .into_response());
    }
    let (pair, effect) = super::review::preview_reopen(&app.db, actor, id).await?;
    let orgs = crate::orgs::names(&app.db).await?;
    ctx.page(
        "registry/review_confirm.html",
        minijinja::context! { pairs => [pair], effect => effect, decision => "reopened", orgs => orgs, undo => true },
    )
}

#[derive(Deserialize, Default)]
struct RevealForm {
    #[serde(default)]
    reason: String,
}

async fn view_reveal_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<RevealForm>,
) -> Result<Response> {
    let (left, right) = super::reveal(&app.db, ctx.actor()?, id, &form.reason).await?;
    let orgs = crate::orgs::names(&app.db).await?;
    ctx.page(
        "registry/reveal.html",
        minijinja::context! { id => id, left => left, right => right, orgs => orgs },
    )
}

async fn view_priority_get(
    State(app): State<AppState>,
    ctx: Ctx,
    weights: std::result::Result<
        Query<super::priority::Weights>,
        axum::extract::rejection::QueryRejection,
    >,
    Query(fq): Query<ExportQuery>,
) -> Result<Response> {
    let Query(weights) = weights.map_err(|_| Error::field("weights", "err-weights"))?;
    let actor = ctx.actor()?;
    let query = serde_urlencoded::to_string(&weights).unwrap_or_default();
    // The secretariat has no households of its own: it sees the need by governorate.
    let (table, name) = if actor.sees_all() {
        let need = super::priority::by_governorate(&app.db, actor, &weights).await?;
        if fq.is_page() {
            return ctx.page(
                "registry/priority_need.html",
                minijinja::context! { w => weights, need => need, query => query },
            );
        }
        (
            super::priority::need_table(&need, ctx.locale),
            "priority-need-file",
        )
    } else {
        let ranked = super::priority::rank(&app.db, actor, &weights).await?;
        if fq.is_page() {
            return ctx.page(
                "registry/priority.html",
                minijinja::context! { w => weights, rows => &ranked[..ranked.len().min(200)], total => ranked.len(), query => query },
            );
        }
        (
            super::priority::table(&ranked, ctx.locale),
            "priority-title",
        )
    };
    table_download(
        ctx.locale,
        &fq.format,
        &ctx.locale.t(name),
        &table.0,
        table.1,
    )
}
