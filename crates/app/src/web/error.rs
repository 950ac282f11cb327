//! How errors reach people: one status mapping, and a body in the user's language — an HTML
//! page for browsers, `{"error": {...}}` for the API. Internal details go to the log only.

use crate::error::{Error, FieldError};
use crate::i18n::Locale;
use crate::web::render::Templates;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

/// Marks a response whose body is already meant for the user (a page, a JSON document); the
/// error layer leaves those alone and rewrites every other 4xx/5xx.
#[derive(Clone, Copy)]
pub struct Rendered;

/// What the error layer needs to explain an application error.
#[derive(Clone)]
struct Report {
    key: &'static str,
    /// (field, message key) of each field in error.
    fields: Vec<(String, &'static str)>,
}

fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Unauthorized => StatusCode::UNAUTHORIZED,
        Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Validation(_) | Error::Body(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Error::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = status_of(&self);
        let report = match self {
            Error::Validation(errs) => Report {
                key: "err-invalid",
                fields: errs
                    .0
                    .into_iter()
                    .map(|FieldError { field, key }| (field.to_owned(), key))
                    .collect(),
            },
            Error::Body(fields) => Report {
                key: "err-invalid",
                fields,
            },
            Error::BadRequest(key) | Error::Conflict(key) => Report {
                key,
                fields: vec![],
            },
            Error::Csrf => Report {
                key: "err-csrf",
                fields: vec![],
            },
            Error::Internal(e) => {
                // The full chain goes to the log with the request's span; the client gets a
                // generic sentence.
                tracing::error!(error = %format!("{e:#}"), "internal error");
                Report {
                    key: status_key(status),
                    fields: vec![],
                }
            }
            _ => Report {
                key: status_key(status),
                fields: vec![],
            },
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(report);
        res
    }
}

fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "err-bad-request",
        401 => "err-unauthorized",
        403 => "err-forbidden",
        404 => "err-not-found",
        405 => "err-method",
        408 => "err-timeout",
        409 => "err-conflict",
        413 => "err-too-large",
        415 => "err-content-type",
        422 => "err-invalid",
        429 => "err-too-many",
        _ => "err-internal",
    }
}

/// Whether a request wants JSON back (the API, or a client that asks for it).
pub fn wants_json(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// Rewrites every error response that is not already a page into one in the user's language.
pub async fn render_errors(
    State(templates): State<Arc<Templates>>,
    req: Request,
    next: Next,
) -> Response {
    let locale = req
        .extensions()
        .get::<Locale>()
        .copied()
        .unwrap_or_default();
    let json = wants_json(&req);
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<Rendered>().is_some()
    {
        return res;
    }
    let report = res.extensions().get::<Report>().cloned().unwrap_or(Report {
        key: status_key(status),
        fields: vec![],
    });
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    if status == StatusCode::UNAUTHORIZED && !json {
        let next = urlencode(&path_and_query);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let mut out = if json {
        let fields: serde_json::Map<String, serde_json::Value> = report
            .fields
            .iter()
            .map(|(field, key)| (field.clone(), serde_json::Value::String(locale.t(key))))
            .collect();
        let body = serde_json::json!({"error": {"status": status.as_u16(), "code": report.key, "message": locale.t(report.key), "fields": fields}});
        (status, axum::Json(body)).into_response()
    } else {
        let messages: Vec<String> = report
            .fields
            .iter()
            .map(|(field, key)| {
                // A field the pages name ("field-NAME") is named; another (a choice, a pair, a
                // format) is said by its message alone.
                let label = format!("field-{field}");
                if locale.knows(&label) {
                    format!("{}: {}", locale.t(&label), locale.t(key))
                } else {
                    locale.t(key)
                }
            })
            .collect();
        let ctx = minijinja::context! { status => status.as_u16(), title => locale.t(status_key(status)), message => locale.t(report.key), details => messages };
        match templates.render_bare(locale, "error.html", ctx) {
            Ok(html) => (status, axum::response::Html(html)).into_response(),
            Err(_) => (status, locale.t(report.key)).into_response(),
        }
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
