//! Server-rendered pages: minijinja templates (embedded from `templates/`, HTML auto-escaped)
//! with the user's locale, the signed-in user and the CSRF token in every page's context.

use crate::access::Actor;
use crate::error::{Error, FieldErrors, Result};
use crate::i18n::{Arg, Locale};
use crate::web::error::Rendered;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(RustEmbed)]
#[folder = "../../templates/"]
struct TemplateFiles;

pub struct Templates {
    env: Environment<'static>,
}

fn locale_of(state: &State) -> Locale {
    state
        .lookup("locale")
        .and_then(|v| v.as_str().and_then(Locale::parse))
        .unwrap_or_default()
}

impl Templates {
    pub fn new() -> anyhow::Result<Self> {
        let mut env = Environment::new();
        for name in TemplateFiles::iter() {
            let file = TemplateFiles::get(&name)
                .ok_or_else(|| anyhow::anyhow!("template {name} vanished"))?;
            let text = String::from_utf8(file.data.into_owned())?;
            env.add_template_owned(name.to_string(), text)?;
        }
        env.add_function("t", |state: &State, key: &str, kwargs: Kwargs| -> String {
            let locale = locale_of(state);
            let mut args: Vec<(&str, Arg)> = Vec::new();
            for name in kwargs.args() {
                let v: Value = kwargs.get(name).unwrap_or_default();
                let arg = match v.as_i64() {
                    Some(n) => Arg::Num(n as f64),
                    None => Arg::Str(v.to_string()),
                };
                args.push((name, arg));
            }
            if args.is_empty() {
                locale.t(key)
            } else {
                locale.t_args(key, &args)
            }
        });
        // `pick(name_ar, name_en)`: the value in the page's language.
        env.add_function("pick", |state: &State, ar: String, en: String| -> String {
            locale_of(state).pick(&ar, &en).to_owned()
        });
        env.add_filter("month", |state: &State, value: Option<String>| -> String {
            value
                .map(|v| locale_of(state).month(&v))
                .unwrap_or_default()
        });
        env.add_filter("date", |state: &State, value: Option<String>| -> String {
            value.map(|v| locale_of(state).date(&v)).unwrap_or_default()
        });
        // `day_first`: a `YYYY-MM-DD` date as a form shows it for editing, day first
        // (`02/12/2026`), as clerks write dates whatever the browser; anything else as it is.
        env.add_filter("day_first", |value: Option<String>| -> String {
            let v = value.unwrap_or_default();
            match (v.get(0..4), v.get(5..7), v.get(8..10)) {
                (Some(y), Some(m), Some(d))
                    if crate::error::form_date(&v).as_deref() == Some(v.as_str()) =>
                {
                    format!("{d}/{m}/{y}")
                }
                _ => v,
            }
        });
        // `digits`: Arabic-Indic digits as the Western ones every page uses (one digit style).
        env.add_filter("digits", |value: Option<String>| -> String {
            value
                .map(|v| link::normalize::arabic::western_digits(&v))
                .unwrap_or_default()
        });
        // `birth(order)`: a birth date as a member's list wrote it (`11/8/1982`, `١١/٨/١٩٨٢`),
        // read in the list's date order and written as every date is; as typed when unreadable.
        env.add_filter(
            "birth",
            |state: &State, value: Option<String>, order: Option<String>| -> String {
                let value = value.unwrap_or_default();
                let order = if order.as_deref() == Some("mdy") {
                    link::normalize::date::Order::MonthFirst
                } else {
                    link::normalize::date::Order::DayFirst
                };
                match link::normalize::date::parse(&value, order) {
                    Some(d) => match (d.month, d.day) {
                        (Some(m), Some(day)) => {
                            locale_of(state).date(&format!("{:04}-{m:02}-{day:02}", d.year))
                        }
                        (Some(m), None) => locale_of(state).month(&format!("{:04}-{m:02}", d.year)),
                        _ => d.year.to_string(),
                    },
                    None => link::normalize::arabic::western_digits(&value),
                }
            },
        );
        env.add_filter(
            "datetime",
            |state: &State, value: Option<String>| -> String {
                value
                    .map(|v| locale_of(state).datetime(&v))
                    .unwrap_or_default()
            },
        );
        Ok(Templates { env })
    }

    /// Renders a template with only the locale added (error pages, no signed-in user needed).
    pub fn render_bare(
        &self,
        locale: Locale,
        name: &str,
        ctx: Value,
    ) -> Result<String, minijinja::Error> {
        let base = minijinja::context! { locale => locale.code(), dir => locale.dir(), other_lang => other(locale).code() };
        self.env
            .get_template(name)?
            .render(minijinja::context! { ..base, ..ctx })
    }

    pub fn names(&self) -> Vec<String> {
        self.env.templates().map(|(n, _)| n.to_owned()).collect()
    }
}

fn other(l: Locale) -> Locale {
    match l {
        Locale::Ar => Locale::En,
        Locale::En => Locale::Ar,
    }
}

/// Who is asking, in which language: put into the request by the locale and auth layers.
#[derive(Clone)]
pub struct Ctx {
    pub locale: Locale,
    pub actor: Option<Actor>,
    pub csrf: Option<String>,
    pub path: String,
    pub org_name: Option<(String, String)>,
    pub waiting: Option<i64>,
    templates: Arc<Templates>,
}

/// The session's CSRF token, set by the auth layer for cookie sessions.
#[derive(Clone)]
pub struct CsrfToken(pub String);

/// How many announcements and requests the signed-in member has still to acknowledge or answer,
/// for the page header.
#[derive(Clone, Copy)]
pub struct Waiting(pub i64);

/// The signed-in user's organisation names, for the page header.
#[derive(Clone)]
pub struct OrgNames(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let templates = parts
            .extensions
            .get::<Arc<Templates>>()
            .cloned()
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("templates missing from request")))?;
        Ok(Ctx {
            locale: parts
                .extensions
                .get::<Locale>()
                .copied()
                .unwrap_or_default(),
            actor: parts.extensions.get::<Actor>().cloned(),
            csrf: parts.extensions.get::<CsrfToken>().map(|c| c.0.clone()),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            org_name: parts
                .extensions
                .get::<OrgNames>()
                .map(|o| (o.0.clone(), o.1.clone())),
            waiting: parts.extensions.get::<Waiting>().map(|w| w.0),
            templates,
        })
    }
}

impl Ctx {
    /// The signed-in user, or `Unauthorized`.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or(Error::Unauthorized)
    }

    /// A full page with status 200.
    pub fn page(&self, name: &str, ctx: Value) -> Result<Response> {
        self.page_with(StatusCode::OK, name, ctx)
    }

    /// A form shown again with its errors next to the fields and the user's input kept.
    pub fn form_errors(&self, name: &str, errors: &FieldErrors, ctx: Value) -> Result<Response> {
        let errs: std::collections::BTreeMap<&str, String> = errors
            .0
            .iter()
            .map(|e| (e.field, self.locale.t(e.key)))
            .collect();
        self.page_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
            minijinja::context! { errors => errs, ..ctx },
        )
    }

    /// A part of a page (no layout) in the user's language, to be placed into a page later.
    pub fn fragment(&self, name: &str, ctx: Value) -> Result<String> {
        self.templates
            .render_bare(self.locale, name, ctx)
            .map_err(|e| Error::Internal(anyhow::anyhow!("template {name}: {e:#}")))
    }

    pub fn page_with(&self, status: StatusCode, name: &str, ctx: Value) -> Result<Response> {
        // The language link never carries a form's CSRF token (an upload form has it in its
        // address, which a page shown again after a mistake has as its own).
        let path = without_param(&self.path, "_csrf");
        let lang_url = |l: Locale| with_param(&path, "lang", l.code());
        let base = minijinja::context! {
            locale => self.locale.code(),
            dir => self.locale.dir(),
            other_lang => other(self.locale).code(),
            other_lang_url => lang_url(other(self.locale)),
            actor => self.actor,
            org_name => self.org_name.as_ref().map(|(ar, en)| if self.locale == Locale::Ar { ar.clone() } else { en.clone() }),
            csrf => self.csrf,
            waiting => self.waiting,
            path => self.path,
            section => section(&self.path),
            // The top of a printed page: when it was printed, in Cairo's time.
            printed_at => self.locale.datetime(&crate::db::now()),
        };
        let html = self
            .templates
            .env
            .get_template(name)
            .and_then(|t| t.render(minijinja::context! { ..base, ..ctx }))
            .map_err(|e| Error::Internal(anyhow::anyhow!("template {name}: {e:#}")))?;
        let mut res = (status, Html(html)).into_response();
        res.extensions_mut().insert(Rendered);
        Ok(res)
    }
}

/// What a download is, for its content type and its file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    Csv,
    Xlsx,
}

/// `?format=` of a page that also downloads as a table: `csv` or `xlsx`, empty for the page.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub format: String,
}

impl ExportQuery {
    /// Whether the page, not a download, was asked for.
    pub fn is_page(&self) -> bool {
        self.format.is_empty()
    }
}

/// A table as the download `format` asks (`csv`, or `xlsx` with a sheet named `name`, right to
/// left in Arabic), named `name` in the reader's language; another format is a field error.
pub fn table_download(
    locale: Locale,
    format: &str,
    name: &str,
    header: &[String],
    rows: Vec<Vec<crate::table::export::Value>>,
) -> Result<Response> {
    match format {
        "csv" => Ok(download(
            Download::Csv,
            name,
            crate::table::export::csv_bytes(header, rows),
        )),
        "xlsx" => Ok(download(
            Download::Xlsx,
            name,
            crate::table::export::xlsx_bytes(name, header, rows, locale == Locale::Ar)
                .map_err(|e| Error::Internal(anyhow::anyhow!("xlsx: {e}")))?,
        )),
        _ => Err(Error::field("format", "err-choice")),
    }
}

/// A file to download: `body` as `file_name` (without its extension, which `kind` gives).
pub fn download(kind: Download, file_name: &str, body: Vec<u8>) -> Response {
    let (content_type, ext) = match kind {
        Download::Csv => ("text/csv; charset=utf-8", "csv"),
        Download::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                disposition(file_name, ext),
            ),
        ],
        body,
    )
        .into_response()
}

/// A file people attached (a letter, a plan), to be saved, never shown in the page: whatever it
/// holds, the browser does not run it as a page of the platform.
pub fn attachment(file_name: &str, body: Vec<u8>) -> Response {
    let (stem, ext) = file_name.rsplit_once('.').unwrap_or((file_name, "bin"));
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/octet-stream".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                disposition(stem, ext),
            ),
        ],
        body,
    )
        .into_response()
}

/// `attachment` with the name in ASCII for every browser, and in full (Arabic too) for those
/// that read it.
fn disposition(stem: &str, ext: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let encoded = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "attachment; filename=\"{}.{}\"; filename*=UTF-8''{}.{}",
        safe(stem),
        safe(ext),
        encoded(stem),
        encoded(ext)
    )
}

/// The header's sections, by the path each one opens.
const SECTIONS: [&str; 17] = [
    "/",
    "/announcements",
    "/goals",
    "/coverage",
    "/coordination",
    "/activities",
    "/observatory",
    "/agreements",
    "/orgs",
    "/registry",
    "/registry/review",
    "/assistance",
    "/assistance/overlaps",
    "/audit",
    "/pool",
    "/library",
    "/events",
];

/// The section of the header a page at `path` belongs to (the longest section path it starts
/// with), which the header marks as the current one.
fn section(path: &str) -> &'static str {
    let path = path.split('?').next().unwrap_or(path);
    SECTIONS
        .into_iter()
        .filter(|s| path == *s || (*s != "/" && path.starts_with(&format!("{s}/"))))
        .max_by_key(|s| s.len())
        .unwrap_or("")
}

/// `path` without the query parameter `key`.
fn without_param(path: &str, key: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.retain(|(k, _)| k != key);
    if pairs.is_empty() {
        return base.to_owned();
    }
    format!(
        "{base}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

pub fn with_param(path: &str, key: &str, value: &str) -> String {
    let base = without_param(path, key);
    let sep = if base.contains('?') { '&' } else { '?' };
    let pair = serde_urlencoded::to_string([(key, value)]).unwrap_or_default();
    format!("{base}{sep}{pair}")
}

/// The page a list is asked for (`?page=N`; the first when absent).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<i64>,
}

/// Where a list is in its pages.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The links around `page` of a list of `total` rows shown at `path`.
    pub fn new(path: &str, page: crate::paging::Page, total: i64) -> Self {
        let pages = page.pages(total);
        let page = page.within(total).number();
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| with_param(path, "page", &(page - 1).to_string())),
            next: (page < pages).then(|| with_param(path, "page", &(page + 1).to_string())),
        }
    }
}

/// A URL-encoded form whose repeated fields (checkboxes, several points) become lists.
pub struct HtmlForm<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for HtmlForm<T> {
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Error::BadRequest("err-content-type"));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| Error::BadRequest("err-too-large"))?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|_| Error::BadRequest("err-bad-request"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_belongs_to_the_longest_section_it_starts_with() {
        for (path, section) in [
            ("/", "/"),
            ("/?lang=en", "/"),
            ("/registry", "/registry"),
            ("/registry/records/4/edit", "/registry"),
            ("/registry/review?page=2", "/registry/review"),
            ("/registry/review/decided", "/registry/review"),
            ("/assistance/recorded/3", "/assistance"),
            ("/assistance/overlaps?format=csv", "/assistance/overlaps"),
            ("/registryx", ""),
            ("/account/password", ""),
        ] {
            assert_eq!(super::section(path), section, "{path}");
        }
    }
}
