//! Organisations' profiles: what a member may call itself.

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn a_member_cannot_take_the_secretariats_name(app: TestApp) {
    let s = app.login("admin@amal.demo").await;
    let own = app.org_id("amal").await;
    let before = mizalla::orgs::get(&app.db, own).await.unwrap();
    let updates = || async {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'org' AND action = 'update'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        n
    };
    let audited = updates().await;
    let edit = |name_ar: String, name_en: String| {
        s.client
            .post(app.url(&format!("/orgs/{own}")))
            .form(&[
                ("_csrf", s.csrf.clone()),
                ("code", "amal".to_owned()),
                ("name_ar", name_ar),
                ("name_en", name_en),
            ])
            .send()
    };
    let (ar, en) = (before.name_ar.clone(), before.name_en.clone());
    let cases = [
        ("الأمانة الفنية".to_owned(), en.clone(), "name_ar"),
        // Spacing, hamza and the final letter's form make no other name.
        ("  الامانه   الفنيه ".to_owned(), en.clone(), "name_ar"),
        (ar.clone(), "technical  SECRETARIAT".to_owned(), "name_en"),
        (ar.clone(), "Technical Secretariat.".to_owned(), "name_en"),
        // The Arabic name in the English field.
        (ar.clone(), "الأمانة الفنية".to_owned(), "name_en"),
    ];
    for (name_ar, name_en, field) in cases {
        let res = edit(name_ar.clone(), name_en.clone()).await.unwrap();
        assert_eq!(res.status(), 422, "{name_ar} / {name_en}");
        let page = res.text().await.unwrap();
        let message = format!(
            "id=\"err-{field}\" role=\"alert\">هذا اسم الأمانة الفنية. اختر اسمًا آخر لجمعيتك."
        );
        assert!(page.contains(&message), "{name_ar} / {name_en}: {page}");
    }
    // Through the API, in English.
    let token = app.token("admin@amal.demo").await;
    let res = TestApp::client()
        .put(app.url(&format!("/api/v1/orgs/{own}?lang=en")))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"code": "amal", "name_ar": ar, "name_en": "Technical Secretariat"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["name_en"],
        "This is the technical secretariat's name. Choose another name for your organisation."
    );
    let after = mizalla::orgs::get(&app.db, own).await.unwrap();
    assert_eq!((after.name_ar, after.name_en), (ar.clone(), en.clone()));
    assert_eq!(updates().await, audited, "nothing written, nothing audited");

    // A name of its own is fine; so is a name that only contains the word.
    let res = edit(ar.clone(), "Amal Secretariat Foundation".to_owned())
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(updates().await, audited + 1);

    // Nor may the secretariat give a new member its own name.
    let admin = app.token("admin@secretariat.demo").await;
    let res = TestApp::client()
        .post(app.url("/api/v1/orgs"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"code": "copy", "name_ar": "الأمانة الفنيّة", "name_en": "A copy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

on_both_backends!(secretariat_name, a_member_cannot_take_the_secretariats_name);
