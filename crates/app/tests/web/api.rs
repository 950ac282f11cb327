//! The API and its OpenAPI document agree (issue 12, 17): each error answer the API gives is
//! documented for its operation, a body the document calls invalid is refused (a required
//! property missing, an unknown one, a wrong type) with the property named, and the query
//! parameters are read with the types the document gives.

use crate::helpers::TestApp;
use crate::on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

async fn document(app: &TestApp) -> Value {
    TestApp::client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

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

/// Asserts that the document lists `status` for operation `method route`, and that the answer
/// is the shared error body.
fn assert_documented(doc: &Value, method: &str, route: &str, status: u16, answer: &Value) {
    let responses = &doc["paths"][route][method]["responses"];
    assert!(
        responses.get(status.to_string()).is_some(),
        "{method} {route} answered {status}, which its document does not list: {answer}"
    );
    let error = &answer["error"];
    assert_eq!(error["status"], status, "{answer}");
    assert!(
        error["code"].is_string() && error["message"].is_string() && error["fields"].is_object()
    );
}

async fn every_error_answer_the_api_gives_is_in_its_document(app: TestApp) {
    let doc = document(&app).await;
    let admin = app.token("admin@secretariat.demo").await;
    let member = app.token("staff@amal.demo").await;
    let amal = app.org_id("amal").await;
    let secretariat = app.org_id("secretariat").await;
    let client = TestApp::client();

    // 401: no token, or an unknown one.
    for (method, route, path) in [
        ("get", "/api/v1/me", "/api/v1/me".to_owned()),
        ("get", "/api/v1/orgs/{id}", format!("/api/v1/orgs/{amal}")),
        (
            "post",
            "/api/v1/agreements",
            "/api/v1/agreements".to_owned(),
        ),
    ] {
        let (status, answer) =
            call(&app, "mz_not-a-token", method.parse().unwrap(), &path, None).await;
        assert_eq!(status, 401);
        assert_documented(&doc, method, route, status, &answer);
    }

    // 400: a NUL anywhere, a path or query parameter of the wrong type, JSON that is not JSON.
    let (status, answer) = call(
        &app,
        &admin,
        Method::GET,
        "/api/v1/registry/search?q=a%00b",
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("err-nul"))
    );
    assert_documented(&doc, "get", "/api/v1/registry/search", status, &answer);
    let (status, answer) = call(&app, &admin, Method::GET, "/api/v1/orgs/two", None).await;
    assert_eq!(status, 400);
    assert_documented(&doc, "get", "/api/v1/orgs/{id}", status, &answer);
    let (status, answer) = call(&app, &admin, Method::GET, "/api/v1/audit?page=last", None).await;
    assert_eq!(status, 400);
    assert_documented(&doc, "get", "/api/v1/audit", status, &answer);
    let res = client
        .put(app.url(&format!("/api/v1/orgs/{amal}?lang=en")))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["error"]["message"], "The body is not valid JSON.");
    assert_documented(&doc, "put", "/api/v1/orgs/{id}", 400, &answer);

    // 415: a body that is not JSON.
    let res = client
        .post(app.url(&format!("/api/v1/orgs/{amal}/status")))
        .bearer_auth(&admin)
        .body("status=left")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let answer: Value = res.json().await.unwrap();
    assert_documented(&doc, "post", "/api/v1/orgs/{id}/status", 415, &answer);

    // 413: a body over the limit.
    let big = "x".repeat(mizalla::config::Settings::default().max_body_bytes + 1);
    let res = client
        .post(app.url("/api/v1/registry/check"))
        .bearer_auth(&member)
        .header("content-type", "application/json")
        .body(format!("{{\"full_name\": \"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let answer: Value = res.json().await.unwrap();
    assert_documented(&doc, "post", "/api/v1/registry/check", 413, &answer);

    // 403: a role that may not.
    let (status, answer) = call(&app, &member, Method::GET, "/api/v1/audit", None).await;
    assert_eq!(status, 403);
    assert_documented(&doc, "get", "/api/v1/audit", status, &answer);
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/assistance",
        Some(json!({"record_id": "1", "scope": "household", "category": "food_box", "given_on": "2026-01-01"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_documented(&doc, "post", "/api/v1/assistance", status, &answer);

    // 404: no such item.
    let (status, answer) = call(&app, &admin, Method::GET, "/api/v1/agreements/999999", None).await;
    assert_eq!(status, 404);
    assert_documented(&doc, "get", "/api/v1/agreements/{id}", status, &answer);
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/points/999999/updates",
        Some(json!({"note": "n"})),
    )
    .await;
    assert_eq!(status, 404);
    assert_documented(&doc, "post", "/api/v1/points/{id}/updates", status, &answer);

    // 409: the secretariat's membership status does not change.
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        &format!("/api/v1/orgs/{secretariat}/status"),
        Some(json!({"status": "suspended"})),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("err-secretariat-status"))
    );
    assert_documented(&doc, "post", "/api/v1/orgs/{id}/status", status, &answer);

    // 422: values refused, in a query and in a body.
    let (status, answer) = call(
        &app,
        &admin,
        Method::GET,
        "/api/v1/agreements?status=closed",
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_documented(&doc, "get", "/api/v1/agreements", status, &answer);
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        &format!("/api/v1/orgs/{amal}/users"),
        Some(json!({"email": "not-an-address", "role": "member_staff", "password": "short"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["error"]["fields"]["email"],
        "Enter a valid e-mail address, such as name@example.org."
    );
    assert_documented(&doc, "post", "/api/v1/orgs/{id}/users", status, &answer);

    // 429: more checks a minute than allowed.
    let mut refused = None;
    for i in 0..=mizalla::config::Settings::default().checks_per_minute {
        let (status, answer) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/registry/check",
            Some(json!({"full_name": format!("اسم {i}")})),
        )
        .await;
        if status == 429 {
            refused = Some(answer);
            break;
        }
        assert_eq!(status, 200, "{answer}");
    }
    let answer = refused.expect("checks are limited per minute");
    assert_documented(&doc, "post", "/api/v1/registry/check", 429, &answer);
}

on_both_backends!(
    error_answers,
    every_error_answer_the_api_gives_is_in_its_document
);

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
    // A due date is a real date or null; an empty text is neither (a blank field of the form is
    // none, as before).
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/agreements/1/points",
        Some(json!({"body": "b", "owner_org_id": amal, "due_on": ""})),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["fields"]["point_due"], "Enter a real date.");
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/agreements/1/points",
        Some(json!({"body": "b", "owner_org_id": amal, "due_on": null})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    // A point's body is required in the API: an empty one is refused, not left out.
    let (status, answer) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/agreements",
        Some(json!({
            "kind": "visit", "title": "t", "held_on": "2026-01-01", "member_ids": [amal],
            "points": [{"body": " ", "owner_org_id": amal}]
        })),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["fields"]["point_body"],
        "This field is required."
    );
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

async fn query_parameters_are_read_with_their_documented_types(app: TestApp) {
    let admin = app.token("admin@secretariat.demo").await;
    for (query, expected) in [
        ("overdue=true", 200),
        ("overdue=false&status=open&member=2&page=1", 200),
        ("overdue=yes", 400),
        ("overdue=1", 400),
        ("member=", 400),
        ("member=amal", 400),
        ("page=", 400),
        ("status=", 422),
    ] {
        let (status, answer) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/agreements?{query}"),
            None,
        )
        .await;
        assert_eq!(status, expected, "{query}: {answer}");
    }
    // `q` is required by the search.
    let (status, answer) = call(&app, &admin, Method::GET, "/api/v1/registry/search", None).await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["fields"]["q"], "This field is required.");
    let (status, _) = call(
        &app,
        &admin,
        Method::GET,
        "/api/v1/registry/search?q=",
        None,
    )
    .await;
    assert_eq!(status, 200);
}

on_both_backends!(
    query_types,
    query_parameters_are_read_with_their_documented_types
);

/// The choices the document lists are the ones the services accept.
#[test]
fn the_document_lists_the_choices_the_services_accept() {
    let doc: Value = serde_json::from_str(mizalla::web::OPENAPI).unwrap();
    let schemas = &doc["components"]["schemas"];
    let listed = |v: &Value| -> Vec<String> {
        let mut l: Vec<String> = v
            .as_array()
            .unwrap_or_else(|| panic!("an enum: {v}"))
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        l.sort();
        l
    };
    let sorted = |v: &[&str]| -> Vec<String> {
        let mut l: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        l.sort();
        l
    };
    let org = &schemas["OrgInput"]["properties"];
    assert_eq!(
        listed(&org["sectors"]["items"]["enum"]),
        sorted(&mizalla::orgs::SECTORS)
    );
    let codes: Vec<&str> = mizalla::orgs::governorates::GOVERNORATES
        .iter()
        .map(|g| g.code)
        .collect();
    assert_eq!(
        listed(&org["governorates"]["items"]["enum"]),
        sorted(&codes)
    );
    assert_eq!(
        listed(&schemas["StatusInput"]["properties"]["status"]["enum"]),
        sorted(&mizalla::orgs::STATUSES)
    );
    let roles: Vec<&str> = mizalla::access::Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(
        listed(&schemas["UserInput"]["properties"]["role"]["enum"]),
        sorted(&roles)
    );
    assert_eq!(
        listed(&schemas["Actor"]["properties"]["role"]["enum"]),
        sorted(&roles)
    );
    for input in ["AgreementInput", "AgreementHeaderInput"] {
        assert_eq!(
            listed(&schemas[input]["properties"]["kind"]["enum"]),
            sorted(&mizalla::agreements::KINDS)
        );
    }
    assert_eq!(
        listed(&schemas["UpdateInput"]["properties"]["status"]["enum"]),
        sorted(&mizalla::agreements::STATUSES)
    );
    let filter = doc["paths"]["/api/v1/agreements"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .unwrap();
    assert_eq!(
        listed(&filter["schema"]["enum"]),
        sorted(&mizalla::agreements::STATUSES)
    );
}
