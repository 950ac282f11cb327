//! The API and its OpenAPI document agree (issue 12, 17): a body the document calls invalid is
//! refused (a required property missing, an unknown one, a wrong type) with the property named.

use crate::helpers::TestApp;
use crate::on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

/// Sends `method path` with `token` and a JSON body (or none), in English; the status and the
/// JSON answer.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut req = TestApp::client()
        .request(method, app.url(&format!("{path}{sep}lang=en")))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_body_is_held_to_its_schema_with_each_property_named(app: TestApp) {
    let admin = app.token("admin@secretariat.demo").await;
    let amal_admin = app.token("admin@amal.demo").await;
    let amal = app.org_id("amal").await;
    let path = format!("/api/v1/orgs/{amal}");
    let before = app.count("audit_log").await;

    // `code` is required: neither the secretariat's admin nor the member's own admin (whose
    // body used to be taken, code filled in) may leave it out.
    for token in [&admin, &amal_admin] {
        let (status, answer) = call(
            &app,
            token,
            Method::PUT,
            &path,
            Some(json!({"name_ar": "جمعية الأمل", "name_en": "Al-Amal"})),
        )
        .await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(
            answer["error"]["fields"],
            json!({"code": "This field is required."})
        );
    }
    // A member's admin sends its code as it is; another one is refused, not quietly kept.
    let (status, answer) = call(
        &app,
        &amal_admin,
        Method::PUT,
        &path,
        Some(json!({"code": "amal2", "name_ar": "جمعية الأمل", "name_en": "Al-Amal"})),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["fields"]["code"],
        "Only the secretariat changes an organisation's code."
    );
    assert_eq!(app.count("audit_log").await, before, "nothing was changed");
    let (status, answer) = call(
        &app,
        &amal_admin,
        Method::PUT,
        &path,
        Some(json!({"code": "amal", "name_ar": "جمعية الأمل", "name_en": "Al-Amal"})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["name_en"], "Al-Amal");

    // A property the document does not name is refused and named, at any depth; so are values
    // of the wrong type, by their path.
    let agreements = app.count("agreements").await;
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/agreements",
        Some(json!({
            "kind": "visit", "title": "t", "held_on": "2026-01-01", "member_ids": [amal, "3"],
            "colour": "red",
            "points": [{"body": "b", "owner_org_id": amal, "due": "2026-02-01"}]
        })),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    let fields = &answer["error"]["fields"];
    assert_eq!(
        fields["colour"],
        "This field is not part of the request: check its name against the API description."
    );
    assert_eq!(fields["points.0.due"], fields["colour"]);
    assert_eq!(
        fields["member_ids.1"],
        "This value is of the wrong type (for example text where a number is expected)."
    );
    assert_eq!(fields.as_object().unwrap().len(), 3, "{answer}");
    // A whole body of the wrong type.
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/agreements",
        Some(json!([1])),
    )
    .await;
    assert_eq!(status, 422);
    assert!(answer["error"]["fields"]["$"].is_string(), "{answer}");
    // Changing an agreement takes its header: points are added one by one, not sent with it.
    let (status, answer) = call(
        &app,
        &admin,
        Method::PUT,
        "/api/v1/agreements/1",
        Some(json!({
            "kind": "visit", "title": "t", "held_on": "2026-01-01", "member_ids": [amal],
            "points": []
        })),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["error"]["fields"]["points"].is_string(), "{answer}");
    assert_eq!(
        app.count("agreements").await,
        agreements,
        "nothing was stored"
    );
}

on_both_backends!(
    body_schema,
    a_body_is_held_to_its_schema_with_each_property_named
);
