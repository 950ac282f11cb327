//! Signing in and staying signed in, as an attacker would probe it: where a login may send the
//! browser, who a wrong password can lock out, what a password change ends, and what a shared
//! computer's browser may keep.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use mizalla::config::TrustedProxies;

/// Signs in with the demo password and `next`, on a fresh client; the answer.
async fn login_with_next(app: &TestApp, email: &str, next: &str) -> reqwest::Response {
    TestApp::client()
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", mizalla::demo::PASSWORD),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

async fn a_login_redirects_only_to_a_path_on_this_site(app: TestApp) {
    let cases = [
        // A line break used to make the redirect fail (500) after the session was stored.
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("/\r\n/evil.example", "/"),
        // What `/login?next=/%09/evil.example` decodes to: browsers drop the tab.
        ("/\t/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok?x=1", "/ok?x=1"),
        ("/registry?q=أحمد", "/registry?q=%D8%A3%D8%AD%D9%85%D8%AF"),
    ];
    for (next, want) in cases {
        let res = login_with_next(&app, "staff@amal.demo", next).await;
        assert_eq!(res.status(), 303, "{next:?}");
        assert_eq!(res.headers()["location"], want, "{next:?}");
        assert!(res.headers().contains_key("set-cookie"), "{next:?}");
    }
    // One session per sign-in, none left half-made.
    assert_eq!(app.count("sessions").await, cases.len() as i64);

    // The form carries only a safe target forward.
    let page = TestApp::client()
        .get(app.url("/login?next=/%09/evil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // (minijinja writes `/` in an attribute as `&#x2f;`.)
    assert!(page.contains("name=\"next\" value=\"&#x2f;\""), "{page}");
}

on_both_backends!(login_next, a_login_redirects_only_to_a_path_on_this_site);

/// A client whose connections come from `local`: any 127.x.y.z reaches the server on
/// 127.0.0.1, so one test can play several machines.
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(local.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// One try at the login form, perhaps through a proxy that says who the client is.
async fn try_login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = client
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password)]);
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    req.send().await.unwrap()
}

const RIGHT: &str = mizalla::demo::PASSWORD;
const WRONG: &str = "wrong-password";

async fn an_attacker_hammering_from_one_address_locks_out_only_itself(app: TestApp) {
    let attacker = client_from("127.0.0.2");
    for _ in 0..8 {
        let status = try_login(&app, &attacker, "staff@amal.demo", WRONG, None)
            .await
            .status();
        assert!(status == 401 || status == 429, "{status}");
    }
    let res = try_login(&app, &attacker, "staff@amal.demo", RIGHT, None).await;
    assert_eq!(res.status(), 429, "the attacker's own tries wait");
    assert!(res.headers().contains_key("retry-after"));
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("يمكنك المحاولة مرة أخرى بعد"),
        "the page says when"
    );
    // The real user, on another machine, signs in.
    let owner = client_from("127.0.0.3");
    assert_eq!(
        try_login(&app, &owner, "staff@amal.demo", RIGHT, None)
            .await
            .status(),
        303
    );
    // So does a colleague sharing the attacker's address (an office's one connection).
    let neighbour = client_from("127.0.0.2");
    assert_eq!(
        try_login(&app, &neighbour, "staff@nour.demo", RIGHT, None)
            .await
            .status(),
        303
    );
}

on_both_backends!(
    throttle_pairs,
    an_attacker_hammering_from_one_address_locks_out_only_itself
);

async fn a_sign_in_clears_the_failures_of_its_account_and_address(app: TestApp) {
    for _ in 0..2 {
        // A new browser each round: a signed-in one would be refused the form without its token.
        let client = client_from("127.0.0.4");
        for _ in 0..4 {
            assert_eq!(
                try_login(&app, &client, "staff@sanad.demo", WRONG, None)
                    .await
                    .status(),
                401
            );
        }
        assert_eq!(
            try_login(&app, &client, "staff@sanad.demo", RIGHT, None)
                .await
                .status(),
            303,
            "four mistakes, then the right password"
        );
    }
}

on_both_backends!(
    throttle_clears,
    a_sign_in_clears_the_failures_of_its_account_and_address
);

async fn forwarded_for_is_believed_only_from_a_trusted_proxy(backend: Backend) {
    // No proxy configured: the header is anyone's to write, and changing it gets an attacker
    // no fresh tries.
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let client = TestApp::client();
    for n in 0..5 {
        let forged = format!("203.0.113.{n}");
        let res = try_login(&app, &client, "staff@amal.demo", WRONG, Some(&forged)).await;
        assert_eq!(res.status(), 401);
    }
    let res = try_login(
        &app,
        &client,
        "staff@amal.demo",
        RIGHT,
        Some("198.51.100.7"),
    )
    .await;
    assert_eq!(res.status(), 429, "the header is ignored");
    drop(app);

    // Behind a trusted proxy (this test's own address), each client is its own.
    let Some(app) = TestApp::spawn_configured(backend, true, |s| {
        s.trusted_proxies = TrustedProxies::parse(["127.0.0.1"]).unwrap();
    })
    .await
    else {
        return;
    };
    let proxy = TestApp::client();
    for _ in 0..5 {
        let res = try_login(&app, &proxy, "staff@amal.demo", WRONG, Some("203.0.113.9")).await;
        assert_eq!(res.status(), 401);
    }
    let attacker = try_login(&app, &proxy, "staff@amal.demo", RIGHT, Some("203.0.113.9")).await;
    assert_eq!(attacker.status(), 429);
    // The attacker's own entry, left of the one the proxy appended, changes nothing.
    let forged = Some("198.51.100.7, 203.0.113.9");
    let res = try_login(&app, &proxy, "staff@amal.demo", RIGHT, forged).await;
    assert_eq!(res.status(), 429, "the right-most untrusted address counts");
    let owner = try_login(&app, &proxy, "staff@amal.demo", RIGHT, Some("198.51.100.7")).await;
    assert_eq!(
        owner.status(),
        303,
        "the real user comes through the same proxy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_on_sqlite() {
    forwarded_for_is_believed_only_from_a_trusted_proxy(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_on_postgres() {
    forwarded_for_is_believed_only_from_a_trusted_proxy(Backend::Postgres).await;
}

/// The user's status reading `path` in `session`.
async fn status_of(app: &TestApp, session: &crate::helpers::Session, path: &str) -> u16 {
    session
        .client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn api_status(app: &TestApp, token: &str) -> u16 {
    TestApp::client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn a_password_change_ends_the_other_sessions_and_tokens_but_not_this_one(app: TestApp) {
    let here = app.login("staff@khair.demo").await;
    let elsewhere = app.login("staff@khair.demo").await;
    let token = app.token("staff@khair.demo").await;
    let colleague = app.login("staff@nour.demo").await;
    let colleague_token = app.token("staff@nour.demo").await;
    assert_eq!(status_of(&app, &elsewhere, "/agreements").await, 200);
    assert_eq!(api_status(&app, &token).await, 200);

    let res = here
        .client
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", here.csrf.as_str()),
            ("current", mizalla::demo::PASSWORD),
            ("new", "new-password-1"),
            ("confirm", "new-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("سُجّل خروجك من متصفح آخر"), "{page}");
    assert!(page.contains("أُلغي مفتاح الربط الخاص بك"), "{page}");

    // The other browser is signed out (sent to the login page) and the token refused…
    assert_eq!(status_of(&app, &elsewhere, "/agreements").await, 303);
    assert_eq!(api_status(&app, &token).await, 401);
    // …while this browser goes on, its form token still good.
    assert_eq!(status_of(&app, &here, "/agreements").await, 200);
    let res = here
        .client
        .post(app.url("/account/tokens"))
        .form(&[("_csrf", here.csrf.as_str()), ("name", "after the change")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Nobody else's.
    assert_eq!(status_of(&app, &colleague, "/agreements").await, 200);
    assert_eq!(api_status(&app, &colleague_token).await, 200);

    let user = app.actor("staff@khair.demo").await.user_id;
    let (after,): (String,) = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE action = 'change_password' AND entity_id = $1",
    )
    .bind(user)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        after,
        serde_json::json!({"sessions_ended": 1, "tokens_revoked": 1})
    );

    // In English too.
    let page = here
        .client
        .post(app.url("/account/password?lang=en"))
        .form(&[
            ("_csrf", here.csrf.as_str()),
            ("current", "new-password-1"),
            ("new", "new-password-2"),
            ("confirm", "new-password-2"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("You were not signed in on any other browser."),
        "{page}"
    );
    assert!(page.contains("Your API token was revoked."), "{page}");
}

on_both_backends!(
    password_change_ends,
    a_password_change_ends_the_other_sessions_and_tokens_but_not_this_one
);

async fn guessing_the_current_password_is_throttled_per_user(app: TestApp) {
    let change = |s: &crate::helpers::Session, current: &str| {
        s.client
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", s.csrf.as_str()),
                ("current", current),
                ("new", "new-password-1"),
                ("confirm", "new-password-1"),
            ])
            .send()
    };
    let stolen = app.login("admin@amal.demo").await;
    for n in 0..5 {
        let res = change(&stolen, &format!("guess-{n}")).await.unwrap();
        assert_eq!(res.status(), 422);
    }
    // Even the right password waits now, from any of the user's sessions.
    let another = app.login("admin@amal.demo").await;
    let res = change(&another, mizalla::demo::PASSWORD).await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let page = res.text().await.unwrap();
    assert!(page.contains("محاولات كثيرة"), "{page}");
    assert!(page.contains("يمكنك المحاولة مرة أخرى بعد"), "{page}");
    assert!(
        mizalla::users::authenticate(&app.db, "admin@amal.demo", mizalla::demo::PASSWORD)
            .await
            .unwrap()
            .is_some(),
        "the password is unchanged"
    );
    // Another user is not held back.
    let colleague = app.login("staff@amal.demo").await;
    let res = change(&colleague, mizalla::demo::PASSWORD).await.unwrap();
    assert_eq!(res.status(), 200);
}

on_both_backends!(
    current_password_throttle,
    guessing_the_current_password_is_throttled_per_user
);

async fn no_response_with_personal_data_may_be_stored_by_a_browser(app: TestApp) {
    let s = app.login("staff@amal.demo").await;
    let token = app.token("staff@amal.demo").await;
    let cache_control = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    for path in [
        "/",
        "/agreements",
        "/registry/priority",
        "/registry/priority?format=csv",
        "/registry/priority?format=xlsx",
        "/account/tokens",
        "/no-such-page",
    ] {
        let res = s.client.get(app.url(path)).send().await.unwrap();
        assert!(res.status().as_u16() < 500, "{path}");
        assert_eq!(cache_control(&res).as_deref(), Some("no-store"), "{path}");
    }
    for path in ["/api/v1/me", "/api/v1/agreements", "/api/v1/no-such-route"] {
        let res = TestApp::client()
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(cache_control(&res).as_deref(), Some("no-store"), "{path}");
    }
    // Signed out: the login page and the redirect to it.
    for path in ["/login", "/agreements"] {
        let res = TestApp::client().get(app.url(path)).send().await.unwrap();
        assert_eq!(cache_control(&res).as_deref(), Some("no-store"), "{path}");
    }
    // The stylesheet is the same for everyone and may be cached.
    let res = TestApp::client()
        .get(app.url("/assets/mizalla.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(cache_control(&res).as_deref(), Some("public, max-age=3600"));
}

on_both_backends!(
    no_store,
    no_response_with_personal_data_may_be_stored_by_a_browser
);
