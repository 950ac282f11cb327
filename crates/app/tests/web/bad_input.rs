//! Bad input gets a clear 4xx in the user's language; nothing is stored; nothing is rendered
//! unescaped.

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn malformed_oversized_and_mistyped_requests_get_clear_errors_and_store_nothing(
    app: TestApp,
) {
    let s = app.login("admin@secretariat.demo").await;
    let before = app.count("agreements").await;
    let amal = app.org_id("amal").await.to_string();

    // A form field of the wrong type.
    let res = s
        .client
        .post(app.url("/agreements"))
        .form(&[("_csrf", s.csrf.as_str()), ("member_ids", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("تعذّرت قراءة الطلب"), "{body}");

    // An oversized body is refused from its Content-Length, before a byte of it is read (a raw
    // request, so that the client is not still writing when the answer comes).
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /agreements HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 3145728\r\nConnection: close\r\n\r\n"
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("أكبر من الحد المسموح"), "{answer}");

    // JSON sent to a form route, and text to the API.
    let res = s
        .client
        .post(app.url("/agreements"))
        .header("x-csrf-token", &s.csrf)
        .json(&serde_json::json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let token = app.token("admin@secretariat.demo").await;
    let res = TestApp::client()
        .post(app.url("/api/v1/agreements?lang=en"))
        .bearer_auth(&token)
        .body("title=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        v["error"]["message"],
        "This kind of data is not accepted here."
    );

    // Broken JSON.
    let res = TestApp::client()
        .post(app.url("/api/v1/agreements"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Arabic by default: {v}"
    );

    // Validation through the API: field messages, in the requested language.
    let res = TestApp::client()
        .post(app.url("/api/v1/agreements"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&serde_json::json!({"kind": "party", "title": "", "held_on": "2026-02-30", "member_ids": [amal.parse::<i64>().unwrap()]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["fields"]["title"], "This field is required.");
    assert_eq!(v["error"]["fields"]["held_on"], "Enter a real date.");
    assert_eq!(
        v["error"]["fields"]["kind"],
        "Choose a value from the list."
    );

    // An unknown route and a wrong method.
    assert_eq!(
        s.client
            .get(app.url("/no/such/page"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        s.client
            .delete(app.url("/agreements"))
            .header("x-csrf-token", &s.csrf)
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
    assert_eq!(app.count("agreements").await, before, "nothing was stored");
}

on_both_backends!(
    malformed,
    malformed_oversized_and_mistyped_requests_get_clear_errors_and_store_nothing
);

async fn forms_without_the_csrf_token_or_from_another_site_are_refused(app: TestApp) {
    let s = app.login("admin@secretariat.demo").await;
    let before = app.count("agreements").await;
    let amal = app.org_id("amal").await.to_string();
    let fields = [
        ("kind", "visit"),
        ("title", "CSRF"),
        ("held_on", "2026-01-01"),
        ("member_ids", amal.as_str()),
    ];
    let res = s
        .client
        .post(app.url("/agreements"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("انتهت صلاحية النموذج"));
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("_csrf", "forged"));
    assert_eq!(
        s.client
            .post(app.url("/agreements"))
            .form(&with_wrong)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let mut with_token = fields.to_vec();
    with_token.push(("_csrf", s.csrf.as_str()));
    let res = s
        .client
        .post(app.url("/agreements"))
        .header("origin", "http://evil.example")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = s
        .client
        .post(app.url("/agreements"))
        .header("sec-fetch-site", "cross-site")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("agreements").await, before);
    // The same form with its token goes through.
    assert_eq!(
        s.client
            .post(app.url("/agreements"))
            .form(&with_token)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    // Logging out without the token is refused too (a forced logout is an attack as well).
    assert_eq!(
        s.client
            .post(app.url("/logout"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

on_both_backends!(
    csrf,
    forms_without_the_csrf_token_or_from_another_site_are_refused
);

const HOSTILE: [&str; 4] = [
    "'; DROP TABLE agreements; --",
    "<script>alert('x')</script>",
    "\" onmouseover=\"alert(1)",
    "Robert'); DELETE FROM orgs WHERE ('1'='1",
];

async fn injection_attempts_in_every_text_field_are_stored_as_text_and_rendered_escaped(
    app: TestApp,
) {
    let s = app.login("admin@secretariat.demo").await;
    let amal = app.org_id("amal").await.to_string();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let date = format!("2026-01-1{i}");
        let form = [
            ("_csrf", s.csrf.as_str()),
            ("kind", "visit"),
            ("title", hostile),
            ("held_on", date.as_str()),
            ("place", hostile),
            ("participants", hostile),
            ("summary", hostile),
            ("member_ids", amal.as_str()),
            ("point_body", hostile),
            ("point_owner", amal.as_str()),
            ("point_due", ""),
        ];
        let res = s
            .client
            .post(app.url("/agreements"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{hostile}");
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let page = s
            .client
            .get(app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !page.contains(hostile) || !hostile.contains(['<', '"']),
            "rendered unescaped: {hostile}"
        );
        assert!(!page.contains("<script>alert"), "script injected");
        // Search with the same text finds it and breaks nothing.
        let q = serde_urlencoded::to_string([("q", hostile)]).unwrap();
        assert_eq!(
            s.client
                .get(app.url(&format!("/agreements?{q}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    // The tables are intact and hold the text as typed.
    assert!(app.count("orgs").await >= 9);
    let (title,): (String,) = sqlx::query_as("SELECT title FROM agreements WHERE title = $1")
        .bind(HOSTILE[0])
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(title, HOSTILE[0]);
    // LIKE wildcards in a search are literal: "%" alone matches nothing here.
    let token = app.token("admin@secretariat.demo").await;
    let v: serde_json::Value = app.get_json("/api/v1/agreements?q=%25", &token).await;
    assert_eq!(v["total"], 0);
}

on_both_backends!(
    injection,
    injection_attempts_in_every_text_field_are_stored_as_text_and_rendered_escaped
);

async fn a_form_with_errors_comes_back_with_messages_next_to_fields_and_input_kept(app: TestApp) {
    let s = app.login("admin@secretariat.demo").await;
    let before = app.count("agreements").await;
    let form = [
        ("_csrf", s.csrf.as_str()),
        ("kind", "visit"),
        ("title", ""),
        ("held_on", "2026-13-45"),
        ("place", "بني سويف"),
        ("point_body", "بند بلا جهة"),
        ("point_owner", "999999"),
        ("point_due", "غدا"),
    ];
    let res = s
        .client
        .post(app.url("/agreements"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for (id, message) in [
        ("err-title", "هذا الحقل مطلوب."),
        ("err-held_on", "اكتب تاريخًا صحيحًا"),
        ("err-member_ids", "اختر جمعية واحدة على الأقل."),
        ("err-point_owner", "الجهة المسؤولة يجب أن تكون"),
        ("err-point_due", "اكتب تاريخًا صحيحًا"),
    ] {
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no error for {id}"));
        let near: String = page[at..].chars().take(300).collect();
        assert!(near.contains(message), "{id}: {near}");
    }
    assert!(page.contains("value=\"بني سويف\""), "input kept");
    assert!(page.contains("value=\"بند بلا جهة\""), "point kept");
    assert_eq!(app.count("agreements").await, before);
}

on_both_backends!(
    form_errors,
    a_form_with_errors_comes_back_with_messages_next_to_fields_and_input_kept
);
