//! The web layer: the application's state, the middleware every request passes (locale,
//! errors, auth and CSRF, security headers, limits, tracing), static assets, health, sign-in and
//! the OpenAPI document, and the machinery features use for their pages ([`render`], [`upload`],
//! [`routing`]). It knows no feature: each feature's `routes.rs` uses it, and the router at the
//! top of the crate (`crate::router`) puts the features' routes into [`stack`].

pub mod api;
pub mod auth;
pub mod error;
pub mod render;
pub mod routing;
pub mod upload;

use crate::config::Settings;
use crate::db::Db;
use crate::i18n::Locale;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use render::Templates;
use rust_embed::RustEmbed;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub templates: Arc<Templates>,
    pub throttle: Arc<auth::Throttle>,
    pub sessions: Arc<auth::SessionCache>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> anyhow::Result<Self> {
        let throttle = auth::Throttle::new(settings.login_attempts, settings.throttle_minutes);
        Ok(AppState {
            db,
            settings: Arc::new(settings),
            templates: Arc::new(Templates::new()?),
            throttle: Arc::new(throttle),
            sessions: Arc::new(auth::SessionCache::new(Duration::from_secs(5))),
        })
    }
}

#[derive(RustEmbed)]
#[folder = "../../assets/"]
struct Assets;

/// The OpenAPI description of `/api/v1`.
pub const OPENAPI: &str = include_str!("../../../../assets/openapi.json");

async fn health(State(app): State<AppState>) -> Response {
    if app.db.ping().await {
        (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response()
    } else {
        let mut res = (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "database unreachable"})),
        )
            .into_response();
        res.extensions_mut().insert(error::Rendered);
        res
    }
}

async fn asset(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_owned()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn openapi() -> Response {
    let mut res = ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response();
    res.extensions_mut().insert(error::Rendered);
    res
}

/// The language a request asks for explicitly (`?lang=ar`), if it names one.
pub fn requested_language(uri: &axum::http::Uri) -> Option<String> {
    uri.query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v)
    })
}

/// The cookie that remembers a chosen language on this browser for a year.
pub fn language_cookie(locale: Locale) -> Cookie<'static> {
    Cookie::build(("lang", locale.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build()
}

/// Chooses the locale (`?lang=`, then the cookie; Arabic otherwise — the API also reads
/// `Accept-Language`) and remembers an explicit choice in the cookie (`web::auth` keeps it on the
/// account too).
async fn choose_locale(jar: CookieJar, mut req: Request, next: Next) -> Response {
    let query_lang = requested_language(req.uri());
    let accept = req
        .uri()
        .path()
        .starts_with("/api/")
        .then(|| req.headers().get(header::ACCEPT_LANGUAGE))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let locale = Locale::negotiate(
        query_lang.as_deref(),
        jar.get("lang").map(|c| c.value()),
        accept.as_deref(),
    );
    req.extensions_mut().insert(locale);
    let mut res = next.run(req).await;
    if query_lang.as_deref().and_then(Locale::parse).is_some()
        && let Ok(v) = HeaderValue::from_str(&language_cookie(locale).to_string())
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.code()),
    );
    res
}

async fn provide_templates(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert(app.templates.clone());
    next.run(req).await
}

/// Pages, downloads and API answers carry personal data, and a shared office computer's
/// browser (its back button, its cache on disk) or a proxy must not keep them: every response
/// but the static assets (which say `public`) is `no-store`, whatever its handler set. Set on
/// the way out of the whole router, so that no new route can forget it; a header layer, not a
/// middleware, because it runs on every request.
fn cache_control(res: &Response) -> Option<HeaderValue> {
    let public = res
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if public {
        res.headers().get(header::CACHE_CONTROL).cloned()
    } else {
        Some(HeaderValue::from_static("no-store"))
    }
}

/// Refuses, before any handler: a body whose declared length is over the limit of its route
/// (before reading it), and text holding a NUL character ([`refuse_nul`]). One middleware for
/// both, as it runs on every request.
async fn request_limits(
    State((app, uploads)): State<(AppState, routing::UploadPaths)>,
    req: Request,
    next: Next,
) -> Response {
    let is_upload = uploads.contains(req.uri().path());
    let limit = if is_upload {
        app.settings.max_upload_bytes
    } else {
        app.settings.max_body_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    refuse_nul(&app, is_upload, req, next).await
}

/// Refuses a request whose text holds a NUL character — in its path, its query or its form or
/// JSON body — with a clear message, before any handler stores it: PostgreSQL cannot keep NUL in
/// text (it answered 500), and no person types one. Uploaded files are exempt: the table reader
/// refuses such rows one by one, with their line.
async fn refuse_nul(app: &AppState, is_upload: bool, req: Request, next: Next) -> Response {
    let refused = || crate::error::Error::BadRequest("err-nul").into_response();
    let encoded_nul = |s: &str| s.contains('\0') || s.to_ascii_lowercase().contains("%00");
    if encoded_nul(req.uri().path()) || req.uri().query().is_some_and(encoded_nul) {
        return refused();
    }
    if is_upload
        || matches!(
            *req.method(),
            axum::http::Method::GET | axum::http::Method::HEAD
        )
    {
        return next.run(req).await;
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, app.settings.max_body_bytes).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let has = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if bytes.contains(&0)
        || (content_type.starts_with("application/x-www-form-urlencoded") && has(b"%00"))
        || (content_type.contains("json") && has(b"\\u0000"))
    {
        return refused();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The web layer's own routes: health, static assets, the OpenAPI document, signing in and out.
pub fn routes() -> routing::Routes {
    routing::Routes::new()
        .get("/health", health)
        .get("/assets/{*path}", asset)
        .get("/api/openapi.json", openapi)
        .get("/login", auth::view_login_get)
        .post("/login", auth::view_login_post)
        .post("/logout", auth::view_logout_post)
}

/// The application served: `routes` (the features' and the web layer's own) inside the
/// middleware every request passes.
pub fn stack(app: AppState, routes: routing::Routes) -> Router {
    let (ordinary, uploads, upload_paths) = routes.into_parts();
    let routes = ordinary
        .layer(RequestBodyLimitLayer::new(app.settings.max_body_bytes))
        .layer(axum::extract::DefaultBodyLimit::max(
            app.settings.max_body_bytes,
        ))
        // File uploads have a limit of their own.
        .merge(
            uploads
                .layer(RequestBodyLimitLayer::new(app.settings.max_upload_bytes))
                .layer(axum::extract::DefaultBodyLimit::max(
                    app.settings.max_upload_bytes,
                )),
        )
        .fallback(|| async { StatusCode::NOT_FOUND });

    let security_headers = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ));

    routes
        // Innermost first: auth and CSRF see the request after its declared size was checked;
        // the routes' own limits (above) also bound bodies sent without a length.
        .layer(middleware::from_fn_with_state(app.clone(), auth::authenticate))
        .layer(middleware::from_fn_with_state((app.clone(), upload_paths), request_limits))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(app.settings.request_timeout_secs),
        ))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(app.templates.clone(), error::render_errors))
        .layer(middleware::from_fn_with_state(app.clone(), provide_templates))
        .layer(middleware::from_fn(choose_locale))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, cache_control))
        .layer(security_headers)
        .layer(
            // Method and path only: query strings may carry search terms (names) and stay out of logs.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(app)
}

/// Serves `router` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(router: Router, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
