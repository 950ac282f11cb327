//! Who is asking: a session cookie (browsers) or a bearer API token (integrations); CSRF checks
//! for cookie sessions; login throttling; the login, logout and first-run pages.

use crate::error::{Error, Result};
use crate::users;
use crate::web::AppState;
use crate::web::render::{CsrfToken, Ctx, OrgNames};
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "mizalla_session";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Rejects cross-site writes by the browser's own Fetch-Metadata and Origin headers.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    false
}

/// Pages anyone may open without signing in; everything else needs a session or a token.
fn is_public(path: &str) -> bool {
    matches!(path, "/health" | "/login" | "/setup" | "/api/openapi.json")
        || path.starts_with("/assets/")
}

/// Resolves the actor and enforces CSRF on every state-changing request.
pub async fn authenticate(
    State(app): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Result<Response> {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && cross_site(req.headers()) {
        return Err(Error::Csrf);
    }
    if let Some(token) = bearer(req.headers()) {
        let actor = users::token_actor(&app.db, token)
            .await?
            .ok_or(Error::Unauthorized)?;
        req.extensions_mut().insert(actor);
        return Ok(next.run(req).await);
    }
    let public = is_public(req.uri().path());
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return if public {
            Ok(next.run(req).await)
        } else {
            Err(Error::Unauthorized)
        };
    };
    let Some(session) = app.sessions.get_or_load(&app.db, cookie.value()).await? else {
        // A stale cookie: carry on signed out, and drop it.
        let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
        return if public {
            Ok((jar, next.run(req).await).into_response())
        } else {
            Ok((jar, Error::Unauthorized).into_response())
        };
    };
    if unsafe_method {
        req = check_csrf(req, &session.csrf, app.settings.max_body_bytes).await?;
    }
    let ext = req.extensions_mut();
    ext.insert(OrgNames(session.org_name_ar, session.org_name_en));
    ext.insert(session.actor);
    ext.insert(CsrfToken(session.csrf));
    Ok(next.run(req).await)
}

/// The token comes from the `X-CSRF-Token` header, the `_csrf` field of a URL-encoded form, or
/// for a file upload (a multipart form, whose body is not read here) the `_csrf` parameter of
/// the form's address.
async fn check_csrf(req: Request, expected: &str, limit: usize) -> Result<Request> {
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(t) = header_token {
        return if constant_eq(&t, expected) {
            Ok(req)
        } else {
            Err(Error::Csrf)
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        let query: Vec<(String, String)> =
            serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
        return if query
            .iter()
            .any(|(k, v)| k == "_csrf" && constant_eq(v, expected))
        {
            Ok(req)
        } else {
            Err(Error::Csrf)
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Error::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| Error::BadRequest("err-too-large"))?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| Error::BadRequest("err-bad-request"))?;
    let ok = pairs
        .iter()
        .any(|(k, v)| k == "_csrf" && constant_eq(v, expected));
    if !ok {
        return Err(Error::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Live sessions recently read from the database, so that a busy page does not pay a query per
/// request. An entry lives a few seconds; logging out, switching a user off or changing a
/// password clears the cache at once on this server (other servers catch up within the TTL).
pub struct SessionCache(crate::cache::Cache<Option<users::LiveSession>>);

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        SessionCache(crate::cache::Cache::new(ttl, 10_000))
    }

    async fn get_or_load(
        &self,
        db: &crate::db::Db,
        token: &str,
    ) -> Result<Option<users::LiveSession>> {
        let session = self
            .0
            .get_or_load(users::token_hash(token), || users::session_actor(db, token))
            .await?;
        Ok((*session).clone())
    }

    /// Forgets every cached session (after a change that may end some).
    pub fn clear(&self) {
        self.0.invalidate();
    }
}

/// Failed logins per key (an account, a client address) within a window.
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    limit: usize,
    window: Duration,
}

impl Throttle {
    pub fn new(limit: u32, minutes: i64) -> Self {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            limit: limit.max(1) as usize,
            window: Duration::from_secs(minutes.max(1) as u64 * 60),
        }
    }

    fn recent(&self, map: &mut HashMap<String, Vec<Instant>>, key: &str) -> usize {
        let now = Instant::now();
        let window = self.window;
        let list = map.entry(key.to_owned()).or_default();
        list.retain(|t| now.duration_since(*t) < window);
        list.len()
    }

    pub fn blocked(&self, keys: &[String]) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().any(|k| self.recent(&mut map, k) >= self.limit)
    }

    pub fn fail(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.clear();
        }
        for k in keys {
            map.entry(k.clone()).or_default().push(Instant::now());
        }
    }

    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Where to go after signing in: a path on this site, or `/`.
///
/// Browsers read more than `//host` as another site: they turn `\` into `/` and drop tabs and
/// line breaks anywhere in a URL, so `/\t/evil.example` becomes `//evil.example`. So a target
/// must start with exactly one `/` followed by neither `/` nor `\`, and hold no backslash, no
/// control character and no whitespace anywhere. What is left may hold non-ASCII text (an Arabic
/// search term), which is percent-encoded: the answer is plain ASCII, always a valid `Location`
/// header, so building the redirect cannot fail after the session was created.
fn safe_next(next: Option<&str>) -> String {
    const LONGEST: usize = 2048;
    let Some(n) = next else {
        return "/".to_owned();
    };
    let same_site = n.len() <= LONGEST
        && n.starts_with('/')
        && !n[1..].starts_with(['/', '\\'])
        && !n
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if !same_site {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

pub async fn view_login_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Result<Response> {
    if ctx.actor.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let first_run = users::count(&app.db).await?.0 == 0;
    ctx.page("login.html", minijinja::context! { next => safe_next(q.next.as_deref()), email => "", first_run => first_run })
}

pub async fn view_login_post(
    State(app): State<AppState>,
    ctx: Ctx,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response> {
    let email = form.email.trim().to_lowercase();
    let keys = [format!("account:{email}"), format!("addr:{}", addr.ip())];
    let next = safe_next(form.next.as_deref());
    let again = |key: &'static str, status| {
        let mut errs = crate::error::FieldErrors::default();
        errs.add("password", key);
        let mut res = ctx.form_errors(
            "login.html",
            &errs,
            minijinja::context! { next => next.clone(), email => email.clone() },
        )?;
        *res.status_mut() = status;
        Ok::<_, Error>(res)
    };
    if app.throttle.blocked(&keys) {
        tracing::warn!("login throttled");
        let mut res = again("err-too-many", axum::http::StatusCode::TOO_MANY_REQUESTS)?;
        res.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from(app.settings.throttle_minutes * 60),
        );
        return Ok(res);
    }
    let Some(user_id) = users::authenticate(&app.db, &email, &form.password).await? else {
        app.throttle.fail(&keys);
        tracing::info!("login failed");
        return again("err-login", axum::http::StatusCode::UNAUTHORIZED);
    };
    app.throttle.clear(&keys[0]);
    let session = users::start_session(&app.db, user_id, app.settings.session_hours).await?;
    tracing::info!(user_id, "signed in");
    let cookie = Cookie::build((SESSION_COOKIE, session.token))
        .path("/")
        .http_only(true)
        .secure(app.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(app.settings.session_hours));
    Ok((jar.add(cookie), Redirect::to(&next)).into_response())
}

pub async fn view_logout_post(State(app): State<AppState>, jar: CookieJar) -> Result<Response> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        users::end_session(&app.db, c.value()).await?;
        app.sessions.clear();
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/agreements?page=2")), "/agreements?page=2");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", ""] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
    }

    /// Each case is resolved against the login page by the WHATWG URL parser (what browsers
    /// implement): whatever `safe_next` lets through stays on this site and is a valid header.
    #[test]
    fn a_login_redirect_never_leaves_the_site_as_a_browser_reads_it() {
        let arabic = "/registry?q=%D8%A3%D8%AD%D9%85%D8%AF";
        let cases: &[(&str, &str)] = &[
            // Same-site paths are kept.
            ("/", "/"),
            ("/ok?x=1", "/ok?x=1"),
            ("/agreements?page=2#points", "/agreements?page=2#points"),
            (arabic, arabic),
            // Typed Arabic is percent-encoded, to the same target.
            ("/registry?q=أحمد", arabic),
            // Percent-encoded text is not decoded by browsers: these stay paths on this site.
            ("/%09/evil.example", "/%09/evil.example"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
            ("/%5Cevil.example", "/%5Cevil.example"),
            ("/@evil.example", "/@evil.example"),
            ("/../evil.example", "/../evil.example"),
            // Another host, however spelled.
            ("//evil.example", "/"),
            ("///evil.example", "/"),
            ("/\\evil.example", "/"),
            ("\\\\evil.example", "/"),
            ("/\\/evil.example", "/"),
            ("/ok\\..\\..\\x", "/"),
            ("https://evil.example", "/"),
            ("http:evil.example", "/"),
            ("HTTPS://evil.example/", "/"),
            ("javascript:alert(1)", "/"),
            ("data:text/html,<script>alert(1)</script>", "/"),
            ("evil.example", "/"),
            ("", "/"),
            // Browsers drop tabs and line breaks anywhere: `/\t/evil` is `//evil`.
            ("/\t/evil.example", "/"),
            ("\t//evil.example", "/"),
            ("/\r\n/evil.example", "/"),
            ("/ok\r\nSet-Cookie: x=1", "/"),
            ("/\n/evil.example", "/"),
            // Leading spaces and C0 controls are stripped by browsers; other whitespace and
            // controls have no place in a path either.
            (" //evil.example", "/"),
            ("\u{0}//evil.example", "/"),
            ("/ok\u{0}", "/"),
            ("/ok\u{7f}", "/"),
            ("/ok\u{85}", "/"),
            ("/ok path", "/"),
            ("/\u{a0}/evil.example", "/"),
            ("/\u{3000}/evil.example", "/"),
            ("/ok\u{2028}", "/"),
        ];
        let base = url::Url::parse("https://mizalla.example/login").unwrap();
        for (input, want) in cases {
            let got = safe_next(Some(input));
            assert_eq!(&got, want, "{input:?}");
            let resolved = base.join(&got).unwrap();
            assert_eq!(resolved.scheme(), "https", "{input:?}");
            assert_eq!(resolved.host_str(), Some("mizalla.example"), "{input:?}");
            assert!(
                got.bytes().all(|b| b.is_ascii_graphic()),
                "{input:?} gives a header value with {got:?}"
            );
            assert!(axum::http::HeaderValue::from_str(&got).is_ok(), "{input:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(5000)))), "/");
    }

    #[test]
    fn throttle_blocks_after_the_limit_and_clears_on_success() {
        let t = Throttle::new(3, 15);
        let keys = ["account:a@b.org".to_owned()];
        for _ in 0..3 {
            assert!(!t.blocked(&keys));
            t.fail(&keys);
        }
        assert!(t.blocked(&keys));
        t.clear(&keys[0]);
        assert!(!t.blocked(&keys));
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(cross_site(&h));
        let mut h2 = HeaderMap::new();
        h2.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h2));
    }
}
