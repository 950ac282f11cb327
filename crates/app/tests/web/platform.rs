//! Operations and accounts: health, first run, login throttling, password change, API tokens,
//! security headers, and the two migration sets agreeing.

use crate::helpers::{Backend, TestApp, fresh_database_url};
use crate::on_both_backends;

async fn health_answers_when_the_database_does(app: TestApp) {
    let res = TestApp::client()
        .get(app.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    app.db.pool.close().await;
    assert_eq!(
        TestApp::client()
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
}

on_both_backends!(health, health_answers_when_the_database_does);

async fn first_run_page_creates_the_first_admin_once() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, false).await else {
        return;
    };
    let client = TestApp::client();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("href=\"/setup\""));
    let res = client
        .post(app.url("/setup"))
        .form(&[("email", "not-an-email"), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = client
        .post(app.url("/setup"))
        .form(&[
            ("email", "Head@Alliance.eg"),
            ("password", "a-long-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        client.get(app.url("/setup")).send().await.unwrap().status(),
        404,
        "only once"
    );
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("email", "head@alliance.eg"),
            ("password", "a-long-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let me = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(me["role"], "secretariat_admin");
}

#[tokio::test]
async fn first_run() {
    first_run_page_creates_the_first_admin_once().await;
}

async fn repeated_failed_logins_are_throttled(app: TestApp) {
    let client = TestApp::client();
    for _ in 0..5 {
        let res = client
            .post(app.url("/login"))
            .form(&[("email", "staff@amal.demo"), ("password", "wrong-password")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("البريد الإلكتروني أو كلمة المرور غير صحيحة")
        );
    }
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("email", "staff@amal.demo"),
            ("password", mizalla::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits");
    assert!(res.headers().contains_key("retry-after"));
}

on_both_backends!(throttle, repeated_failed_logins_are_throttled);

async fn sessions_are_secure_cookies_and_end_at_logout(app: TestApp) {
    let client = TestApp::client();
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("email", "staff@nour.demo"),
            ("password", mizalla::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert_ne!(stored, token, "only the hash is stored");
    let s = app.login("staff@nour.demo").await;
    assert_eq!(
        s.client
            .post(app.url("/logout"))
            .form(&[("_csrf", s.csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        s.client
            .get(app.url("/agreements"))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "signed out"
    );
}

on_both_backends!(sessions, sessions_are_secure_cookies_and_end_at_logout);

async fn a_user_changes_its_password(app: TestApp) {
    let s = app.login("staff@khair.demo").await;
    let res = s
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", s.csrf.as_str()),
            ("current", "wrong"),
            ("new", "new-password-1"),
            ("confirm", "new-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("كلمة المرور الحالية غير صحيحة")
    );
    let res = s
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", s.csrf.as_str()),
            ("current", mizalla::demo::PASSWORD),
            ("new", "new-password-1"),
            ("confirm", "new-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        mizalla::users::authenticate(&app.db, "staff@khair.demo", "new-password-1")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        mizalla::users::authenticate(&app.db, "staff@khair.demo", mizalla::demo::PASSWORD)
            .await
            .unwrap()
            .is_none()
    );
}

on_both_backends!(password, a_user_changes_its_password);

async fn api_tokens_work_until_revoked_and_die_with_their_user(app: TestApp) {
    let s = app.login("admin@sanad.demo").await;
    let page = s
        .client
        .post(app.url("/account/tokens"))
        .form(&[("_csrf", s.csrf.as_str()), ("name", "reporting")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = page
        .split("id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let api = TestApp::client();
    let me: serde_json::Value = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["email"], "admin@sanad.demo");
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens WHERE name = 'reporting'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        s.client
            .post(app.url(&format!("/account/tokens/{id}/revoke")))
            .form(&[("_csrf", s.csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        api.get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // A switched-off user's tokens stop working too.
    let other = app.token("staff@sanad.demo").await;
    let user = app.actor("staff@sanad.demo").await.user_id;
    assert_eq!(
        s.client
            .post(app.url(&format!("/users/{user}/active")))
            .form(&[("_csrf", s.csrf.as_str()), ("active", "0")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        api.get(app.url("/api/v1/me"))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

on_both_backends!(
    tokens,
    api_tokens_work_until_revoked_and_die_with_their_user
);

async fn the_openapi_document_describes_every_api_route(app: TestApp) {
    let doc: serde_json::Value = TestApp::client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    // The routes come from the router itself: an API route added without its entry fails here.
    let mut routes = 0;
    for route in mizalla::router::routes().list() {
        if !route.path.starts_with("/api/v1/") {
            continue;
        }
        let (method, path) = (route.method.as_str().to_lowercase(), route.path);
        assert!(paths.contains_key(path), "{path} is not in openapi.json");
        // Each method of the route is an operation of the document, and each that takes a body
        // has its schema there (the API reads bodies against it).
        let op = &paths[path][&method];
        assert!(op.is_object(), "{method} {path} is not in openapi.json");
        if method != "get" {
            assert!(
                op["requestBody"]["content"]["application/json"]["schema"].is_object(),
                "{method} {path} has no request schema"
            );
        }
        // An operation anyone may call (`security: []`) never answers 401.
        let public = op["security"].as_array().is_some_and(Vec::is_empty);
        for status in ["400", "401"] {
            if public && status == "401" {
                continue;
            }
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} does not document {status}"
            );
        }
        routes += 1;
    }
    // And the document describes no operation the router does not have.
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            assert!(
                mizalla::router::routes()
                    .list()
                    .iter()
                    .any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method)),
                "openapi.json documents {method} {path}, which the router does not have"
            );
        }
    }
    assert!(routes >= 18);
}

on_both_backends!(openapi, the_openapi_document_describes_every_api_route);

#[tokio::test]
async fn both_migration_sets_create_the_same_tables_and_columns() {
    let sqlite = mizalla::db::Db::connect(&fresh_database_url(Backend::Sqlite).await.unwrap())
        .await
        .unwrap();
    let Some(pg_url) = fresh_database_url(Backend::Postgres).await else {
        return;
    };
    let pg = mizalla::db::Db::connect(&pg_url).await.unwrap();
    assert_eq!(sqlite.schema().await.unwrap(), pg.schema().await.unwrap());
}
