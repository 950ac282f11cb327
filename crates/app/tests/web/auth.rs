//! Signing in and staying signed in, as an attacker would probe it: where a login may send the
//! browser, who a wrong password can lock out, what a password change ends, and what a shared
//! computer's browser may keep.

use crate::helpers::TestApp;
use crate::on_both_backends;

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
