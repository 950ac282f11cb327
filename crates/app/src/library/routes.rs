//! Pages and API of the knowledge library (`/library`), and its public page (`/public/library`)
//! for documents anyone may read.

use super::{DocumentInput, File, Search, Viewer};
use crate::error::{Error, FieldErrors, Result};
use crate::paging::Page;
use crate::web::render::{Ctx, HtmlForm, PageQuery, Pager, attachment};
use crate::web::routing::Routes;
use crate::web::{AppState, upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/library", view_search_get)
        .get("/library/new", view_new_get)
        .upload("/library", view_create_post)
        .get("/library/{id}", view_show_get)
        .get("/library/{id}/edit", view_edit_get)
        .post("/library/{id}", view_update_post)
        .upload("/library/{id}/versions", view_version_post)
        .post("/library/{id}/remove", view_remove_post)
        .get("/library/{id}/file", view_file_get)
        .get("/public/library", view_public_get)
        .get("/public/library/{id}/file", view_public_file_get)
        .get("/api/v1/library", api_search_get)
        .get("/api/v1/library/{id}", api_get)
}

/// The choices of the search form and of the document form.
fn choices(ctx: &Ctx) -> minijinja::Value {
    minijinja::context! {
        governorates => crate::coordination::governorate_choices(),
        sectors => crate::orgs::SECTORS,
        access_levels => super::ACCESS,
        languages => super::LANGUAGES,
        file_types => super::extract::FILE_TYPES,
        max_mb => super::MAX_FILE_BYTES / (1024 * 1024),
        accept => super::extract::FILE_TYPES.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(","),
        signed_in => ctx.actor.is_some(),
    }
}

async fn search_page(
    app: &AppState,
    ctx: &Ctx,
    viewer: Viewer,
    search: &Search,
    pq: &PageQuery,
    template: &str,
    removed: bool,
) -> Result<Response> {
    let page = Page::new(pq.page, super::PAGE_SIZE);
    let results = super::search(&app.db, viewer, search, page).await?;
    let shown = results.total.min(super::MAX_RESULT_PAGE * super::PAGE_SIZE);
    let members = match viewer {
        Viewer::Public => Vec::new(),
        _ => crate::orgs::list(&app.db).await?,
    };
    ctx.page(
        template,
        minijinja::context! {
            s => search, results => results,
            pager => Pager::new(&ctx.path, page, shown),
            tags => super::tags(&app.db, viewer).await?,
            members => members,
            can_add => ctx.actor.as_ref().is_some_and(super::may_add),
            filtered => !search.q.trim().is_empty() || search.is_filtered(),
            secretariat => ctx.actor.as_ref().is_some_and(|a| a.sees_all()),
            removed => removed,
            ..choices(ctx)
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Removed {
    removed: bool,
}

async fn view_search_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(search): Query<Search>,
    Query(pq): Query<PageQuery>,
    Query(removed): Query<Removed>,
) -> Result<Response> {
    let viewer = Viewer::of(ctx.actor()?);
    search_page(
        &app,
        &ctx,
        viewer,
        &search,
        &pq,
        "library/search.html",
        removed.removed,
    )
    .await
}

async fn view_public_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(search): Query<Search>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    // The public page is the same for everyone, signed in or not.
    let search = Search {
        org: String::new(),
        access: String::new(),
        ..search
    };
    search_page(
        &app,
        &ctx,
        Viewer::Public,
        &search,
        &pq,
        "library/public.html",
        false,
    )
    .await
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: &DocumentInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !super::may_add(actor) {
        return Err(Error::Forbidden);
    }
    let members = if actor.coordinates() {
        crate::orgs::list(&app.db).await?
    } else {
        Vec::new()
    };
    let c = minijinja::context! {
        input => input, members => members, org => actor.org_id,
        submission => crate::users::random_token(),
        ..choices(ctx)
    };
    match errors {
        Some(e) => ctx.form_errors("library/new.html", e, c),
        None => ctx.page("library/new.html", c),
    }
}

/// What the new document form may be opened with: tags already filled in (an event's page
/// links here with the event's tag, so that the document becomes its material).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    tags: String,
}

async fn view_new_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response> {
    let input = DocumentInput {
        access: "members".into(),
        tags: q.tags.chars().take(500).collect(),
        ..Default::default()
    };
    form_page(&app, &ctx, &input, None).await
}

/// The new document form's fields, with the member it is for (the secretariat may add one for
/// a member).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewForm {
    #[serde(flatten)]
    input: DocumentInput,
    org: Option<i64>,
}

/// The fields and file of a multipart form; a file too large is a field error.
async fn read_form<T: serde::de::DeserializeOwned>(
    form: Multipart,
) -> Result<(T, std::result::Result<File, &'static str>)> {
    let (input, file) = upload::typed_form_with_file::<T>(form, super::MAX_FILE_BYTES).await?;
    let file = match file {
        upload::FormFile::None => Err("err-no-file"),
        upload::FormFile::TooLarge => Err("err-file-too-large"),
        upload::FormFile::File(f) => Ok(f),
    };
    Ok((input, file))
}

async fn view_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let (form, file) = read_form::<NewForm>(form).await?;
    let org = match form.org {
        Some(o) if actor.coordinates() => o,
        _ => actor.org_id,
    };
    let file = match file {
        Ok(f) => f,
        Err(key) => {
            let mut errs = FieldErrors::default();
            errs.add("file", key);
            return form_page(&app, &ctx, &form.input, Some(&errs)).await;
        }
    };
    match super::add(&app.db, Some(actor), org, &form.input, &file).await {
        Ok(id) => Ok(Redirect::to(&format!("/library/{id}?added=true")).into_response()),
        Err(Error::Validation(errs)) => form_page(&app, &ctx, &form.input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowQuery {
    added: bool,
    confirm_removal: bool,
    version: Option<i64>,
    updated: bool,
    q: String,
}

async fn show_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    q: &ShowQuery,
    version_errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let viewer = Viewer::of(actor);
    let doc = super::get(&app.db, viewer, id).await?;
    let versions = super::versions(&app.db, viewer, id).await?;
    let governorate = crate::orgs::governorates::by_code(&doc.governorate)
        .map(|g| ctx.locale.pick(g.name_ar, g.name_en).to_owned());
    let c = minijinja::context! {
        d => doc, versions => versions, governorate => governorate,
        tags => super::split_tags(&doc.tags),
        can_change => super::may_change(actor, doc.org_id),
        q => minijinja::context! { added => q.added, version => q.version, updated => q.updated, back => q.q, confirm_removal => q.confirm_removal },
        ..choices(ctx)
    };
    match version_errors {
        Some(e) => ctx.form_errors("library/show.html", e, c),
        None => ctx.page("library/show.html", c),
    }
}

async fn view_show_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response> {
    show_page(&app, &ctx, id, &q, None).await
}

async fn edit_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &DocumentInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let doc = super::get(&app.db, Viewer::of(actor), id).await?;
    if !super::may_change(actor, doc.org_id) {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! { d => doc, input => input, ..choices(ctx) };
    match errors {
        Some(e) => ctx.form_errors("library/edit.html", e, c),
        None => ctx.page("library/edit.html", c),
    }
}

async fn view_edit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let doc = super::get(&app.db, Viewer::of(ctx.actor()?), id).await?;
    let input = DocumentInput {
        title: doc.title.clone(),
        summary: doc.summary.clone(),
        tags: super::split_tags(&doc.tags).join("، "),
        sector: doc.sector.clone(),
        governorate: doc.governorate.clone(),
        language: doc.language.clone(),
        access: doc.access.clone(),
        ..Default::default()
    };
    edit_page(&app, &ctx, id, &input, None).await
}

async fn view_update_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<DocumentInput>,
) -> Result<Response> {
    match super::update(&app.db, ctx.actor()?, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/library/{id}?updated=true")).into_response()),
        Err(Error::Validation(errs)) => edit_page(&app, &ctx, id, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersionForm {
    note: String,
}

async fn view_version_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let (form, file) = read_form::<VersionForm>(form).await?;
    let result = match file {
        Ok(f) => super::add_version(&app.db, actor, id, &form.note, &f).await,
        Err(key) => Err(Error::field("file", key)),
    };
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/library/{id}?version={n}")).into_response()),
        Err(Error::Validation(errs)) => {
            show_page(&app, &ctx, id, &ShowQuery::default(), Some(&errs)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemoveForm {
    confirm: String,
}

async fn view_remove_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<RemoveForm>,
) -> Result<Response> {
    if form.confirm != "yes" {
        // Who may not remove it is told so before being asked to confirm.
        let actor = ctx.actor()?;
        let doc = super::get(&app.db, Viewer::of(actor), id).await?;
        if !super::may_change(actor, doc.org_id) {
            return Err(Error::Forbidden);
        }
        // Shown again beside the removal form, at an address of its own (the language link
        // and a reload then work).
        return Ok(
            Redirect::to(&format!("/library/{id}?confirm_removal=true#remove")).into_response(),
        );
    }
    super::remove(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to("/library?removed=true").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FileQuery {
    version: Option<i64>,
}

async fn view_file_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Result<Response> {
    let f = super::file(&app.db, Viewer::of(ctx.actor()?), id, q.version).await?;
    Ok(attachment(&f.name, f.bytes))
}

async fn view_public_file_get(
    State(app): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let f = super::file(&app.db, Viewer::Public, id, None).await?;
    Ok(attachment(&f.name, f.bytes))
}

async fn api_search_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(search): Query<Search>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let page = Page::new(pq.page, super::PAGE_SIZE);
    let results = super::search(&app.db, Viewer::of(ctx.actor()?), &search, page).await?;
    Ok(Json(serde_json::json!({
        "documents": results.hits, "total": results.total,
        "some_words": results.some_words, "no_words": results.no_words,
    }))
    .into_response())
}

async fn api_get(State(app): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    let viewer = Viewer::of(ctx.actor()?);
    let doc = super::get(&app.db, viewer, id).await?;
    let versions = super::versions(&app.db, viewer, id).await?;
    Ok(Json(serde_json::json!({ "document": doc, "versions": versions })).into_response())
}
