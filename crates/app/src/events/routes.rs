//! Pages and API of events (`/events`), the public certificate check (`/verify`) and the
//! calendar feed (`/public/events/feed/{token}`).

use super::feedback::FeedbackInput;
use super::{Event, EventInput, Filter};
use crate::error::{Error, FieldErrors, Result};
use crate::web::AppState;
use crate::web::render::{Ctx, ExportQuery, HtmlForm, PageQuery, Pager, table_download};
use crate::web::routing::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/events", view_list_get)
        .get("/events/new", view_new_get)
        .post("/events", view_create_post)
        .get("/events/mine", view_mine_get)
        .post("/events/feed", view_feed_post)
        .get("/events/{id}", view_show_get)
        .get("/events/{id}/edit", view_edit_get)
        .post("/events/{id}", view_update_post)
        .post("/events/{id}/status", view_status_post)
        .post("/events/{id}/register", view_register_post)
        .post("/events/{id}/registrations/{rid}/cancel", view_cancel_post)
        .get("/events/{id}/registrations", view_registrations_get)
        .get("/events/{id}/checkin", view_checkin_get)
        .post("/events/{id}/checkin", view_checkin_post)
        .post("/events/{id}/close", view_close_post)
        .get("/events/{id}/certificate", view_certificate_get)
        .get("/events/{id}/certificates", view_certificates_get)
        .get("/events/{id}/feedback", view_feedback_get)
        .post("/events/{id}/feedback", view_feedback_post)
        .get("/events/{id}/calendar", view_calendar_get)
        .get("/public/events/feed/{token}", view_feed_get)
        .get("/verify", view_verify_get)
        .get("/verify/{serial}", view_verify_serial_get)
        .get("/api/v1/events", api_list_get)
        .get("/api/v1/events/{id}", api_get)
}

/// The platform's address as links leaving it are written (a certificate's QR code, a calendar
/// file, a feed to subscribe to): the configured `public_url`, or else the address this request
/// came to.
fn public_link(app: &AppState, headers: &axum::http::HeaderMap, path: &str) -> String {
    if app
        .settings
        .public_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty())
    {
        return super::registration::link(&app.settings, path);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    match host {
        Some(h) => format!("{scheme}://{h}{path}"),
        None => path.to_owned(),
    }
}

/// The choices of the event form.
async fn choices(app: &AppState) -> Result<minijinja::Value> {
    let members: Vec<minijinja::Value> = crate::orgs::list(&app.db)
        .await?
        .into_iter()
        .filter(|o| o.is_member())
        .map(|o| minijinja::context! { id => o.id.to_string(), name_ar => o.name_ar, name_en => o.name_en })
        .collect();
    Ok(minijinja::context! {
        kinds => super::KINDS,
        roles => super::ROLES,
        sectors => crate::orgs::SECTORS,
        governorates => crate::coordination::governorate_choices(),
        members => members,
        max_sessions => super::MAX_SESSIONS,
    })
}

/// The form's session rows: those typed, and three empty ones to add more.
fn session_rows(input: &EventInput) -> Vec<super::SessionInput> {
    let mut rows: Vec<super::SessionInput> = input
        .sessions()
        .into_iter()
        .filter(|s| {
            !(s.starts.is_empty()
                && s.ends.is_empty()
                && s.place.is_empty()
                && s.title.is_empty()
                && s.online_url.is_empty())
        })
        .collect();
    let blank = if rows.is_empty() { 3 } else { 2 };
    rows.extend((0..blank).map(|_| super::SessionInput::default()));
    rows
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: &EventInput,
    editing: Option<&Event>,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let c = minijinja::context! {
        input => input,
        rows => session_rows(input),
        editing => editing,
        choices => choices(app).await?,
        proposal => !ctx.actor()?.coordinates(),
        submission => crate::users::random_token(),
    };
    match errors {
        Some(e) => ctx.form_errors("events/form.html", e, c),
        None => ctx.page("events/form.html", c),
    }
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
        "events/list.html",
        minijinja::context! {
            lines => lines, total => total, f => f, kinds => super::KINDS,
            pager => Pager::new(&ctx.path, page, total),
            can_create => super::may_create(actor),
            governorates => crate::coordination::governorate_choices(),
        },
    )
}

async fn view_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    if !super::may_create(ctx.actor()?) {
        return Err(Error::Forbidden);
    }
    let input = EventInput {
        kind: "workshop".into(),
        capacity: "30".into(),
        min_attendance: "80".into(),
        certificate: "yes".into(),
        registration_opens: super::to_cairo(&crate::db::now()),
        ..Default::default()
    };
    form_page(&app, &ctx, &input, None, None).await
}

async fn view_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<EventInput>,
) -> Result<Response> {
    match super::create(&app.db, ctx.actor()?, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/events/{id}?created=true")).into_response()),
        Err(Error::Validation(errs)) => form_page(&app, &ctx, &input, None, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn view_edit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    if !super::organises(actor, &event) {
        return Err(Error::Forbidden);
    }
    if event.status == "closed" || event.status == "cancelled" {
        return Err(Error::Conflict("err-event-finished"));
    }
    let sessions = super::sessions(&app.db, id).await?;
    form_page(&app, &ctx, &event.input(&sessions), Some(&event), None).await
}

async fn view_update_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<EventInput>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    match super::update(&app.db, &app.settings, actor, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?saved=true")).into_response()),
        Err(Error::Validation(errs)) => {
            form_page(&app, &ctx, &input, Some(&event), Some(&errs)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowQuery {
    created: bool,
    saved: bool,
    registered: Option<i64>,
    waiting: Option<i64>,
    cancelled: bool,
    promoted: bool,
    closed: Option<i64>,
    feedback: bool,
    confirm_close: bool,
}

/// An inline SVG of a QR code holding `text` (drawn on the server: the page needs no script).
fn qr_svg(text: &str, label: &str) -> Result<String> {
    let svg = super::qr::svg(text, 180)?;
    // The renderer writes an XML declaration first; an inline image starts at <svg, and is named.
    let start = svg.find("<svg").unwrap_or(0);
    let label = label.replace(['&', '<', '>', '"'], "");
    Ok(svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr\""),
        1,
    ))
}

async fn view_show_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    let sessions = super::sessions(&app.db, id).await?;
    let (seated, waiting) = super::registration::counts(&app.db, id).await?;
    let own = super::registration::own(&app.db, actor, id).await?;
    let own_qr = match &own {
        Some(r) if r.status == "seated" => Some(qr_svg(&r.code, &ctx.locale.t("event-qr-label"))?),
        _ => None,
    };
    let own_certificate = match &own {
        Some(r) => r.certificate_serial.clone(),
        None => None,
    };
    let organiser = super::organises(actor, &event);
    let registrations = super::registration::list(&app.db, actor, &event).await?;
    let now = crate::db::now();
    let open = event.registration_open(&now);
    let candidates = if open && actor.can_write() {
        super::registration::candidates(&app.db, actor, &event).await?
    } else {
        Vec::new()
    };
    let feedback_open = super::feedback::may_answer(&app.db, actor, &event)
        .await?
        .is_some()
        && sessions.first().is_some_and(|s| s.starts_at <= now);
    let summary = if super::reads_as_organiser(actor, &event) {
        Some(super::feedback::summary(&app.db, id).await?)
    } else {
        None
    };
    let materials = crate::library::search(
        &app.db,
        crate::library::Viewer::of(actor),
        &crate::library::Search {
            tag: material_tag(id),
            ..Default::default()
        },
        crate::paging::Page::new(Some(1), 20),
    )
    .await?;
    let checkins = super::checkin::counts(&app.db, id).await?;
    let organiser_name = crate::orgs::get(&app.db, event.org_id).await?;
    ctx.page(
        "events/show.html",
        minijinja::context! {
            event => event, sessions => sessions, seated => seated, waiting_count => waiting,
            may_close => super::certificates::may_close_now(&app.db, id).await?,
            free => (event.capacity - seated).max(0),
            hours => event.hours(),
            own => own, own_code => own.as_ref().map(|r| super::grouped(&r.code)), own_qr => own_qr,
            own_certificate => own_certificate,
            organiser => organiser, can_write => actor.can_write(),
            reads_all => super::reads_as_organiser(actor, &event),
            registrations => registrations, candidates => candidates, open => open,
            nominates => actor.role == crate::access::Role::MemberAdmin || actor.coordinates(),
            feedback_open => feedback_open, summary => summary,
            materials => materials.hits, material_tag => material_tag(id),
            checkins => checkins,
            organiser_ar => organiser_name.name_ar, organiser_en => organiser_name.name_en,
            eligible_orgs => event.eligible_org_ids(),
            choices => choices(&app).await?,
            q => minijinja::context! {
                created => q.created, saved => q.saved, registered => q.registered,
                waiting => q.waiting, cancelled => q.cancelled, promoted => q.promoted,
                closed => q.closed, feedback => q.feedback, confirm_close => q.confirm_close,
            },
            late_after => super::checkin::LATE_AFTER_MINUTES,
        },
    )
}

/// The library tag that attaches a document to event `id` as its material.
pub fn material_tag(id: i64) -> String {
    format!("event-{id}")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusForm {
    to: String,
}

async fn view_status_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<StatusForm>,
) -> Result<Response> {
    if !matches!(form.to.as_str(), "open" | "cancelled") {
        return Err(Error::field("to", "err-choice"));
    }
    super::set_status(&app.db, ctx.actor()?, id, &form.to).await?;
    Ok(Redirect::to(&format!("/events/{id}?saved=true")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RegisterForm {
    users: Vec<String>,
}

async fn view_register_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<RegisterForm>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    // Without a choice, the person registers themselves.
    let mut users = if form.users.is_empty() {
        vec![actor.user_id]
    } else {
        Vec::new()
    };
    for u in &form.users {
        users.push(
            u.trim()
                .parse::<i64>()
                .map_err(|_| Error::field("users", "err-event-unknown-person"))?,
        );
    }
    let done = super::registration::register(&app.db, &app.settings, actor, id, &users).await?;
    let seated = done.iter().filter(|r| r.status == "seated").count();
    let waiting = done.len() - seated;
    Ok(Redirect::to(&format!(
        "/events/{id}?registered={seated}&waiting={waiting}#registration"
    ))
    .into_response())
}

async fn view_cancel_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i64, i64)>,
) -> Result<Response> {
    let reg = super::registration::get(&app.db, rid).await?;
    if reg.event_id != id {
        return Err(Error::NotFound);
    }
    let promoted = super::registration::cancel(&app.db, &app.settings, ctx.actor()?, rid).await?;
    Ok(Redirect::to(&format!(
        "/events/{id}?cancelled=true&promoted={}#registration",
        promoted.is_some()
    ))
    .into_response())
}

async fn view_registrations_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(x): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    if !super::reads_as_organiser(actor, &event) && actor.role != crate::access::Role::MemberAdmin {
        return Err(Error::Forbidden);
    }
    let regs = super::registration::list(&app.db, actor, &event).await?;
    let sessions = super::sessions(&app.db, id).await?;
    let format = if x.is_page() {
        "csv"
    } else {
        x.format.as_str()
    };
    let (header, rows) = super::registration::table(ctx.locale, sessions.len(), &regs);
    let name = format!("{}-{id}", ctx.locale.t("event-file-registrations"));
    table_download(ctx.locale, format, &name, &header, rows)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CheckinQuery {
    session: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CheckinForm {
    session: String,
    code: String,
}

/// The check-in page of event `id` for the session chosen (the one under way or next by
/// default), with the outcome of the last code if there was one.
async fn checkin_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    session: Option<i64>,
    outcome: Option<super::checkin::Outcome>,
    error: Option<&'static str>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    if !super::organises(actor, &event) {
        return Err(Error::Forbidden);
    }
    let sessions = super::sessions(&app.db, id).await?;
    let now = crate::db::now();
    let mut error = error;
    if session.is_some_and(|s| !sessions.iter().any(|x| x.id == s)) {
        error = Some("err-event-session-unknown");
    }
    let chosen = session
        .filter(|s| sessions.iter().any(|x| x.id == *s))
        .or_else(|| {
            sessions
                .iter()
                .find(|s| s.ends_at.as_str() > now.as_str())
                .or(sessions.last())
                .map(|s| s.id)
        });
    let counts = super::checkin::counts(&app.db, id).await?;
    let (seated, _) = super::registration::counts(&app.db, id).await?;
    let status = if error.is_some() || outcome.as_ref().is_some_and(|o| !o.accepted()) {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    ctx.page_with(
        status,
        "events/checkin.html",
        minijinja::context! {
            event => event, sessions => sessions, chosen => chosen, counts => counts,
            seated => seated, outcome => outcome, late_after => super::checkin::LATE_AFTER_MINUTES,
            error => error.map(|k| ctx.locale.t(k)), opens_before => super::checkin::OPENS_HOURS_BEFORE,
        },
    )
}

async fn view_checkin_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CheckinQuery>,
) -> Result<Response> {
    checkin_page(&app, &ctx, id, q.session, None, None).await
}

async fn view_checkin_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<CheckinForm>,
) -> Result<Response> {
    // A mistake at the door keeps the check-in page (and its camera) on the screen.
    let Ok(session) = form.session.trim().parse::<i64>() else {
        return checkin_page(
            &app,
            &ctx,
            id,
            None,
            None,
            Some("err-event-session-unknown"),
        )
        .await;
    };
    if form.code.trim().is_empty() {
        return checkin_page(
            &app,
            &ctx,
            id,
            Some(session),
            None,
            Some("err-event-code-empty"),
        )
        .await;
    }
    match super::checkin::check_in(&app.db, ctx.actor()?, id, session, &form.code).await {
        Ok(outcome) => checkin_page(&app, &ctx, id, Some(session), Some(outcome), None).await,
        Err(Error::Validation(_)) => {
            checkin_page(
                &app,
                &ctx,
                id,
                None,
                None,
                Some("err-event-session-unknown"),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CloseForm {
    confirm: String,
}

async fn view_close_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<CloseForm>,
) -> Result<Response> {
    if form.confirm != "yes" {
        let actor = ctx.actor()?;
        let event = super::get_for(&app.db, actor, id).await?;
        if !super::organises(actor, &event) {
            return Err(Error::Forbidden);
        }
        return Ok(Redirect::to(&format!("/events/{id}?confirm_close=true#close")).into_response());
    }
    let given = super::certificates::close(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to(&format!("/events/{id}?closed={given}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CertificateQuery {
    registration: Option<i64>,
}

/// The alliance's names (the secretariat's), as certificates are headed.
async fn alliance(app: &AppState) -> Result<(String, String)> {
    let s = crate::orgs::secretariat(&app.db).await?;
    Ok((s.name_ar, s.name_en))
}

fn pdf_response(file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn verify_url(app: &AppState, headers: &axum::http::HeaderMap, serial: &str) -> String {
    public_link(app, headers, &format!("/verify/{serial}"))
}

async fn view_certificate_get(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CertificateQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    let certs = super::certificates::of_event(&app.db, id).await?;
    let cert = match q.registration {
        Some(rid) => certs.into_iter().find(|c| c.registration == rid),
        None => certs.into_iter().find(|c| c.user_id == actor.user_id),
    }
    .ok_or(Error::NotFound)?;
    if !super::certificates::may_download(actor, &cert, &event) {
        return Err(Error::NotFound);
    }
    let names = alliance(&app).await?;
    let url = verify_url(&app, &headers, &cert.serial);
    let pdf = tokio::task::spawn_blocking(move || {
        super::certificates::pdf(&cert, (&names.0, &names.1), &url).map(|b| (cert.serial, b))
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("certificate: {e}")))??;
    Ok(pdf_response(&format!("certificate-{}.pdf", pdf.0), pdf.1))
}

/// Every certificate of the event in one ZIP file, for the organiser.
async fn view_certificates_get(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    if !super::reads_as_organiser(actor, &event) {
        return Err(Error::Forbidden);
    }
    let certs = super::certificates::of_event(&app.db, id).await?;
    if certs.is_empty() {
        return Err(Error::Conflict("err-event-no-certificates"));
    }
    let names = alliance(&app).await?;
    let urls: Vec<String> = certs
        .iter()
        .map(|c| verify_url(&app, &headers, &c.serial))
        .collect();
    let zip = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        use std::io::Write as _;
        let items: Vec<_> = certs.into_iter().zip(urls).collect();
        let pdfs = super::certificates::pdfs(&items, (&names.0, &names.1))?;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        // PDFs are compressed already: stored as they are.
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for ((c, _), pdf) in items.iter().zip(pdfs) {
            out.start_file(format!("certificate-{}.pdf", c.serial), options)
                .map_err(|e| Error::Internal(anyhow::anyhow!("zip: {e}")))?;
            out.write_all(&pdf)
                .map_err(|e| Error::Internal(anyhow::anyhow!("zip: {e}")))?;
        }
        Ok(out
            .finish()
            .map_err(|e| Error::Internal(anyhow::anyhow!("zip: {e}")))?
            .into_inner())
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("certificates: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"certificates-event-{id}.zip\""),
            ),
        ],
        zip,
    )
        .into_response())
}

async fn feedback_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &FeedbackInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    // Someone who may not answer (did not attend, or answered already) is told so in the page.
    let may = super::feedback::may_answer(&app.db, actor, &event)
        .await?
        .is_some();
    let why = if may {
        ""
    } else {
        super::feedback::why_not(&app.db, actor, &event).await?
    };
    let c = minijinja::context! {
        event => event, input => input, questions => super::feedback::QUESTIONS, may => may,
        why => why,
    };
    match errors {
        Some(e) => ctx.form_errors("events/feedback.html", e, c),
        None => ctx.page("events/feedback.html", c),
    }
}

async fn view_feedback_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    feedback_page(&app, &ctx, id, &FeedbackInput::default(), None).await
}

async fn view_feedback_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<FeedbackInput>,
) -> Result<Response> {
    match super::feedback::submit(&app.db, ctx.actor()?, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?feedback=true")).into_response()),
        Err(Error::Validation(errs)) => feedback_page(&app, &ctx, id, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

fn ics_response(file_name: &str, body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn view_calendar_get(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CheckinQuery>,
) -> Result<Response> {
    let event = super::get_for(&app.db, ctx.actor()?, id).await?;
    let mut sessions = super::sessions(&app.db, id).await?;
    if let Some(s) = q.session {
        sessions.retain(|x| x.id == s);
        if sessions.is_empty() {
            return Err(Error::NotFound);
        }
    }
    let link = public_link(&app, &headers, &format!("/events/{id}"));
    let body = super::calendar::file(&app.settings, ctx.locale, &event, &sessions, &link);
    let name = match q.session {
        Some(s) => format!("event-{id}-session-{s}.ics"),
        None => format!("event-{id}.ics"),
    };
    Ok(ics_response(&name, body))
}

async fn view_feed_get(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let Some(user) = super::calendar::feed_owner(&app.db, token).await? else {
        return Err(Error::NotFound);
    };
    let base = public_link(&app, &headers, "");
    let body = super::calendar::feed(&app.db, &app.settings, user, &base).await?;
    Ok(ics_response("mizalla-events.ics", body))
}

/// A person's training: certificates, hours, events, and the calendar feed; `feed` is a feed
/// address just made, shown this once (it is never put in an address bar or a log).
async fn mine_page(app: &AppState, ctx: &Ctx, feed: Option<String>) -> Result<Response> {
    let actor = ctx.actor()?;
    let certificates = super::certificates::of_person(&app.db, actor.user_id).await?;
    let hours: i64 = certificates.iter().map(|c| c.hours_tenths).sum();
    let f = Filter {
        show: "mine".into(),
        ..Default::default()
    };
    let (lines, _) =
        super::list(&app.db, actor, &f, crate::paging::Page::new(Some(1), 200)).await?;
    ctx.page(
        "events/mine.html",
        minijinja::context! {
            certificates => certificates, hours => super::hours_text(hours), lines => lines,
            has_feed => super::calendar::has_feed(&app.db, actor).await?, feed => feed,
            can_write => actor.can_write(),
        },
    )
}

async fn view_mine_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    mine_page(&app, &ctx, None).await
}

async fn view_feed_post(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: Ctx,
) -> Result<Response> {
    let token = super::calendar::new_feed(&app.db, ctx.actor()?).await?;
    let feed = public_link(&app, &headers, &format!("/public/events/feed/{token}.ics"));
    mine_page(&app, &ctx, Some(feed)).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VerifyQuery {
    serial: String,
}

async fn verify_page(app: &AppState, ctx: &Ctx, serial: &str) -> Result<Response> {
    let typed = serial.trim();
    let found = if typed.is_empty() {
        None
    } else {
        super::certificates::by_serial(&app.db, typed).await?
    };
    let (dates, hours) = match &found {
        Some(c) => (
            super::certificates::dates(ctx.locale, c),
            super::hours_text(c.hours_tenths),
        ),
        None => (String::new(), String::new()),
    };
    let status = if !typed.is_empty() && found.is_none() {
        axum::http::StatusCode::NOT_FOUND
    } else {
        axum::http::StatusCode::OK
    };
    ctx.page_with(
        status,
        "events/verify.html",
        minijinja::context! {
            serial => typed, found => found, dates => dates, hours => hours,
            kind => found.as_ref().map(|c| ctx.locale.t(&format!("event-kind-{}", c.kind))),
        },
    )
}

async fn view_verify_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response> {
    verify_page(&app, &ctx, &q.serial).await
}

async fn view_verify_serial_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(serial): Path<String>,
) -> Result<Response> {
    verify_page(&app, &ctx, &serial).await
}

async fn api_list_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let page = crate::paging::Page::new(pq.page, super::PAGE_SIZE);
    let (lines, total) = super::list(&app.db, ctx.actor()?, &f, page).await?;
    Ok(Json(serde_json::json!({ "events": lines, "total": total })).into_response())
}

async fn api_get(State(app): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    let actor = ctx.actor()?;
    let event = super::get_for(&app.db, actor, id).await?;
    let sessions = super::sessions(&app.db, id).await?;
    let (seated, waiting) = super::registration::counts(&app.db, id).await?;
    let registrations = super::registration::list(&app.db, actor, &event).await?;
    let own = super::registration::own(&app.db, actor, id).await?;
    Ok(Json(serde_json::json!({
        "event": event, "sessions": sessions, "seated": seated, "waiting": waiting,
        "registrations": registrations, "own": own,
    }))
    .into_response())
}
