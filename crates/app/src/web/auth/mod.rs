//! Who is asking: a session cookie (browsers) or a bearer API token (integrations), read on
//! every request ([`authenticate`]), with CSRF checks for cookie sessions and a short-lived cache
//! of live sessions. The sign-in pages are in [`login`], their throttling in [`throttle`].

mod login;
mod throttle;

pub use login::{view_login_get, view_login_post, view_logout_post};
pub use throttle::{Attempt, Permit, Throttle, client_ip, minutes_to_wait, retry_after};

use crate::error::{Error, Result};
use crate::users;
use crate::web::AppState;
use crate::web::render::{CsrfToken, OrgNames, Waiting};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use std::time::Duration;

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
    matches!(
        path,
        "/health"
            | "/login"
            | "/setup"
            | "/api/openapi.json"
            | "/observatory"
            | "/api/v1/observatory"
            | "/public/library"
            | "/verify"
    ) || path.starts_with("/assets/")
        || path.starts_with("/public/library/")
        || path.starts_with("/public/events/feed/")
        || path.starts_with("/verify/")
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
    let public = is_public(req.uri().path());
    if let Some(token) = bearer(req.headers()) {
        match users::token_actor(&app.db, token).await? {
            Some(actor) => {
                req.extensions_mut().insert(actor);
            }
            // A public page needs no one: a token that stands for no one reads it signed out.
            None if public => {}
            None => return Err(Error::Unauthorized),
        }
        return Ok(next.run(req).await);
    }
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
    // A language chosen explicitly is kept with the account, so that it follows the user to
    // another computer (the login sets the cookie from it).
    if let Some(chosen) = super::requested_language(req.uri())
        .as_deref()
        .and_then(crate::i18n::Locale::parse)
        && chosen.code() != session.language
    {
        users::set_language(&app.db, &session.actor, chosen).await?;
    }
    // What the member still has to acknowledge or answer, for the header of the page it asks.
    if !unsafe_method && !session.actor.sees_all() {
        let n = crate::announcements::waiting(&app.db, session.actor.org_id).await?;
        req.extensions_mut().insert(Waiting(n));
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
/// request. An entry lives a few seconds; logging out, switching a user off, changing a password
/// or an organisation's status forgets it at once on this server ([`crate::cache::Topic`]; other
/// servers catch up within the TTL).
pub struct SessionCache(crate::cache::Cache<Option<users::LiveSession>>);

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        use crate::cache::Topic;
        SessionCache(crate::cache::Cache::new(
            ttl,
            10_000,
            &[Topic::Accounts, Topic::Organisations],
        ))
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
