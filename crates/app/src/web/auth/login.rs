//! The sign-in and sign-out pages: the login form (throttled, see [`super::throttle`]), the
//! session cookie it sets, and the page a signed-in user is sent on to (local paths only).

use super::SESSION_COOKIE;
use super::throttle::{Attempt, client_ip, minutes_to_wait, retry_after};
use crate::error::{Error, Result};
use crate::users;
use crate::web::AppState;
use crate::web::render::Ctx;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;

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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response> {
    let email = form.email.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let addr = client_ip(peer.ip(), &headers, &app.settings.trusted_proxies);
    let again = |key: &'static str, status, retry_minutes: Option<u64>| {
        let mut errs = crate::error::FieldErrors::default();
        errs.add("password", key);
        let mut res = ctx.form_errors(
            "login.html",
            &errs,
            minijinja::context! { next => next.clone(), email => email.clone(), retry_minutes => retry_minutes },
        )?;
        *res.status_mut() = status;
        Ok::<_, Error>(res)
    };
    let permit = match app.throttle.begin(Attempt::login(&email, addr)) {
        Ok(permit) => permit,
        Err(wait) => {
            tracing::warn!("login throttled");
            let res = again(
                "err-too-many",
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                Some(minutes_to_wait(wait)),
            )?;
            return Ok(retry_after(res, wait));
        }
    };
    let user = match users::authenticate(&app.db, &email, &form.password).await {
        Err(Error::Forbidden) => {
            // The right password of someone whose organisation has left the alliance.
            permit.succeeded();
            return again("err-org-left", axum::http::StatusCode::FORBIDDEN, None);
        }
        other => other?,
    };
    let Some(user_id) = user else {
        permit.failed();
        tracing::info!("login failed");
        return again("err-login", axum::http::StatusCode::UNAUTHORIZED, None);
    };
    permit.succeeded();
    let session = users::start_session(&app.db, user_id, app.settings.session_hours).await?;
    tracing::info!(user_id, "signed in");
    let cookie = Cookie::build((SESSION_COOKIE, session.token))
        .path("/")
        .http_only(true)
        .secure(app.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(app.settings.session_hours));
    // The language the user chose, on whichever computer they chose it.
    let jar = match users::language_of(&app.db, user_id).await? {
        Some(locale) => jar.add(super::super::language_cookie(locale)),
        None => jar,
    };
    Ok((jar.add(cookie), Redirect::to(&next)).into_response())
}

pub async fn view_logout_post(State(app): State<AppState>, jar: CookieJar) -> Result<Response> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        users::end_session(&app.db, c.value()).await?;
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
}
