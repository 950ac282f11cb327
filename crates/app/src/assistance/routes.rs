//! Pages and API of the assistance ledger: recording and correcting assistance, the overlap
//! rules and the secretariat's overlap dashboard.

use super::{AssistanceInput, RuleInput};
use crate::error::{Error, Result};
use crate::web::api::ApiJson;
use crate::web::render::{Ctx, ExportQuery, HtmlForm, PageQuery, Pager, table_download};
use crate::web::routing::Routes;
use crate::web::{AppState, upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/assistance", view_assistance_get)
        .post("/assistance", view_assistance_post)
        .post("/assistance/{id}/reverse", view_reverse_post)
        .get("/assistance/recorded/{id}", view_recorded_get)
        .get("/assistance/rules", view_rules_get)
        .post("/assistance/rules", view_rules_post)
        .get("/assistance/overlaps", view_overlaps_get)
        .get("/assistance/import", view_import_get)
        .get("/assistance/import/{id}", view_import_preview_get)
        .post("/assistance/import/{id}/commit", view_import_commit_post)
        .post("/api/v1/assistance", api_assistance_post)
        .upload("/assistance/upload", view_upload_post)
}

async fn view_assistance_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(pq): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if actor.sees_all() {
        // The secretariat records no assistance: its page is the overlaps, its download theirs.
        if !export.is_page() {
            return Err(Error::Forbidden);
        }
        return Ok(Redirect::to("/assistance/overlaps").into_response());
    }
    if !export.is_page() {
        let (header, rows) = super::own_table(&app.db, actor, ctx.locale).await?;
        let name = ctx.locale.t("assistance-export-file");
        return table_download(ctx.locale, &export.format, &name, &header, rows);
    }
    let page = crate::paging::Page::new(pq.page, super::ENTRIES_PER_PAGE);
    let (entries, total) = super::list_own(&app.db, actor, page).await?;
    let pager = Pager::new(&ctx.path, page, total);
    ctx.page(
        "assistance/list.html",
        minijinja::context! { entries => entries, pager => pager, categories => crate::kinds::all(&app.db).await?, can_write => actor.can_write() },
    )
}

/// The record page's form: an entry, and whether the clerk already saw what it overlaps.
#[derive(Deserialize)]
struct RecordForm {
    #[serde(flatten)]
    input: AssistanceInput,
    #[serde(default)]
    confirmed: String,
}

/// Records an entry from the record page. What it would overlap (another member's aid, or the
/// member's own within a rule's window) is shown first and recorded only once confirmed; the
/// answer is a redirect to the entry's page, so a refresh does not post again, and the form's
/// submission key makes a second post of the same form record nothing.
async fn view_assistance_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(form): HtmlForm<RecordForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let input = form.input;
    let outcome = if form.confirmed == "1" {
        super::record(&app.db, actor, &input).await
    } else {
        match super::would_overlap(&app.db, actor, &input).await {
            Ok((overlaps, repeats)) if !(overlaps.is_empty() && repeats.is_empty()) => {
                let categories = crate::kinds::all(&app.db).await?;
                return ctx.page(
                    "assistance/confirm.html",
                    minijinja::context! { overlaps => overlaps, repeats => repeats, input => input, categories => categories },
                );
            }
            Ok(_) => super::record(&app.db, actor, &input).await,
            Err(e) => Err(e),
        }
    };
    match outcome {
        Ok(recorded) => {
            let again = if recorded.repeated { "?repeated=1" } else { "" };
            Ok(
                Redirect::to(&format!("/assistance/recorded/{}{again}", recorded.id))
                    .into_response(),
            )
        }
        Err(Error::Validation(errs)) => {
            let record_id = input.record_id.trim().parse::<i64>().unwrap_or(0);
            let record = crate::registry::registration(&app.db, actor, record_id).await?;
            let entries = super::for_record(&app.db, actor, record_id).await?;
            ctx.form_errors(
                "registry/record.html",
                &errs,
                minijinja::context! { r => record, entries => entries, categories => crate::kinds::all(&app.db).await?, today => crate::db::today(), can_write => actor.can_write(), input => input },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct RecordedQuery {
    #[serde(default)]
    repeated: Option<String>,
}

/// What an entry the member recorded overlaps, after the redirect from the form.
async fn view_recorded_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<RecordedQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let recorded = super::recorded(&app.db, actor, id, q.repeated.is_some()).await?;
    let categories = crate::kinds::all(&app.db).await?;
    ctx.page(
        "assistance/recorded.html",
        minijinja::context! { recorded => recorded, categories => categories },
    )
}

async fn api_assistance_post(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<AssistanceInput>,
) -> Result<Response> {
    let recorded = super::record(&app.db, ctx.actor()?, &input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(recorded)).into_response())
}

async fn view_reverse_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    super::reverse(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to("/assistance").into_response())
}

async fn rules_page(
    app: &AppState,
    ctx: &Ctx,
    input: &RuleInput,
    errors: Option<&crate::error::FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! {
        rules => super::rules(&app.db).await?,
        categories => crate::kinds::all(&app.db).await?,
        input => input,
        can_edit => actor.is_secretariat_admin(),
    };
    match errors {
        Some(e) => ctx.form_errors("assistance/rules.html", e, c),
        None => ctx.page("assistance/rules.html", c),
    }
}

async fn view_rules_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let input = RuleInput {
        window_days: "30".into(),
        scope: "household".into(),
        ..RuleInput::default()
    };
    rules_page(&app, &ctx, &input, None).await
}

async fn view_rules_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<RuleInput>,
) -> Result<Response> {
    match super::add_rule(&app.db, Some(ctx.actor()?), &input).await {
        Ok(_) => Ok(Redirect::to("/assistance/rules").into_response()),
        Err(Error::Validation(errs)) => rules_page(&app, &ctx, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn view_overlaps_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    if !export.is_page() {
        let (header, rows) = super::overlap_table(&app.db, ctx.actor()?, ctx.locale).await?;
        let name = ctx.locale.t("overlaps-export-file");
        return table_download(ctx.locale, &export.format, &name, &header, rows);
    }
    let summary = super::overlap_summary(&app.db, ctx.actor()?).await?;
    let orgs = crate::orgs::names(&app.db).await?;
    // The ledger's head, for auditors and the secretariat to keep as a checkpoint.
    let head = super::chain::head(&app.db).await?;
    let key = app.db.attached::<super::key::LedgerKey>();
    let checkpoint = key
        .as_ref()
        .map(|k| super::chain::Checkpoint::of(head.as_ref(), k).to_string());
    let key_id = key.as_ref().map(|k| k.id());
    ctx.page(
        "assistance/overlaps.html",
        minijinja::context! { s => summary, orgs => orgs, head => head, checkpoint => checkpoint, key_id => key_id },
    )
}

/// A member's writer: only they bring assistance lists.
fn recorder(ctx: &Ctx) -> Result<&crate::access::Actor> {
    let actor = ctx.actor()?;
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    Ok(actor)
}

async fn view_import_get(ctx: Ctx) -> Result<Response> {
    recorder(&ctx)?;
    let columns: Vec<&str> = super::import::COLUMNS.iter().map(|(f, _)| *f).collect();
    ctx.page(
        "assistance/import.html",
        minijinja::context! { columns => columns },
    )
}

async fn view_upload_post(
    State(app): State<AppState>,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response> {
    let id = upload::receive(&app.db, recorder(&ctx)?, form, "assistance").await?;
    Ok(Redirect::to(&format!("/assistance/import/{id}")).into_response())
}

/// Plans or commits upload `id` and shows the outcome (or what is wrong with the file).
async fn import_page(app: &AppState, ctx: &Ctx, id: i64, commit: bool) -> Result<Response> {
    let actor = recorder(ctx)?;
    let (name, table) = upload::table(&app.db, actor, id, "assistance").await?;
    let mapping = table
        .as_deref()
        .map_err(Clone::clone)
        .and_then(super::import::mapping);
    let (table, mapping) = match (table, mapping) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(e), _) | (_, Err(e)) => {
            return ctx.page(
                "assistance/import_preview.html",
                minijinja::context! { id => id, name => name, file_error => e.message(ctx.locale) },
            );
        }
    };
    let outcome = super::import::import(
        &app.db,
        Some(actor),
        actor.org_id,
        &name,
        &table,
        &mapping,
        commit,
    )
    .await?;
    if commit {
        upload::forget(&app.db, id).await?;
    }
    let unreadable: Vec<String> = outcome
        .unreadable
        .iter()
        .map(|i| i.message(ctx.locale))
        .collect();
    ctx.page(
        "assistance/import_preview.html",
        minijinja::context! {
            id => id, name => name, o => outcome, unreadable => unreadable,
            categories => crate::kinds::all(&app.db).await?,
        },
    )
}

async fn view_import_preview_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    import_page(&app, &ctx, id, false).await
}

async fn view_import_commit_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    import_page(&app, &ctx, id, true).await
}
