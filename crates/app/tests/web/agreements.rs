//! Agreements end to end through the pages: record, follow up, filter, and the audit trail.

use crate::helpers::TestApp;
use crate::on_both_backends;

async fn the_secretariat_records_an_agreement_and_a_member_follows_up_its_point(app: TestApp) {
    let amal = app.org_id("amal").await;
    let sec = app.org_id("secretariat").await;
    let staff = app.login("staff@secretariat.demo").await;
    let form = vec![
        ("_csrf", staff.csrf.clone()),
        ("kind", "visit".into()),
        ("title", "زيارة اختبار للتنسيق".into()),
        ("held_on", "2026-03-01".into()),
        ("place", "أسيوط".into()),
        ("member_ids", amal.to_string()),
        ("point_body", "تبادل قوائم الأسر".into()),
        ("point_owner", amal.to_string()),
        ("point_due", "2026-01-01".into()),
        ("point_body", "تنظيم ورشة مشتركة".into()),
        ("point_owner", sec.to_string()),
        ("point_due", "".into()),
        ("point_body", "".into()),
        ("point_owner", sec.to_string()),
        ("point_due", "".into()),
    ];
    let res = staff
        .client
        .post(app.url("/agreements"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.trim_start_matches("/agreements/").parse().unwrap();
    let detail = mizalla::agreements::get(&app.db, &app.actor("staff@secretariat.demo").await, id)
        .await
        .unwrap();
    assert_eq!(detail.points.len(), 2, "the blank third row is not a point");
    assert!(
        detail.points[0].overdue,
        "a point due in the past and still open is overdue"
    );

    // The list (read now, so that it is cached) counts no point done yet.
    let token = app.token("auditor@secretariat.demo").await;
    let done_of = |id: i64| {
        let req = TestApp::client()
            .get(app.url("/api/v1/agreements?page=1"))
            .bearer_auth(&token);
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == id)
                .map(|a| a["done"].as_i64().unwrap())
        }
    };
    assert_eq!(done_of(id).await, Some(0));

    // The member owning the first point marks it done with a note.
    let member = app.login("staff@amal.demo").await;
    let point = detail.points[0].id;
    let res = member
        .client
        .post(app.url(&format!("/points/{point}/updates")))
        .form(&[
            ("_csrf", member.csrf.as_str()),
            ("note", "تم تبادل القوائم"),
            ("status", "done"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = member
        .client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("تم تبادل القوائم"));
    assert!(page.contains("status-done"));
    assert_eq!(
        done_of(id).await,
        Some(1),
        "the list shows the change at once"
    );

    // The filters find it: by member, by status, by overdue, by words.
    let api = TestApp::client();
    let find = |query: String| {
        let req = api
            .get(app.url(&format!("/api/v1/agreements?{query}")))
            .bearer_auth(&token);
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert!(find(format!("member={amal}")).await.contains(&id));
    assert!(
        !find(format!("member={}", app.org_id("nour").await))
            .await
            .contains(&id)
    );
    assert!(find("status=done".into()).await.contains(&id));
    assert!(find(format!("q={}", "اختبار")).await.contains(&id));
    assert!(
        !find("overdue=true".into()).await.contains(&id),
        "the overdue point is done now"
    );

    // Every write left an audit entry with its values.
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'agreement_point' AND action = 'follow_up' AND entity_id = $1")
        .bind(point)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let (after,): (String,) = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE entity = 'agreement' AND entity_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(after.contains("زيارة اختبار للتنسيق"));
}

on_both_backends!(
    record_and_follow_up,
    the_secretariat_records_an_agreement_and_a_member_follows_up_its_point
);

async fn lists_paginate_and_keep_their_filters(app: TestApp) {
    mizalla::demo::bulk_agreements(&app.db, 60).await.unwrap();
    let admin = app.login("admin@secretariat.demo").await;
    let page = admin
        .client
        .get(app.url("/agreements?q=%D8%A7%D8%AA%D9%81%D8%A7%D9%82&page=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("rel=\"prev\""));
    assert!(page.contains("rel=\"next\""));
    assert!(
        page.contains("q=%D8%A7%D8%AA%D9%81%D8%A7%D9%82&amp;page=3") || page.contains("page=3")
    );
    let api: serde_json::Value = app
        .get_json(
            "/api/v1/agreements?page=3",
            &app.token("admin@secretariat.demo").await,
        )
        .await;
    assert_eq!(api["total"], 64);
    assert_eq!(api["items"].as_array().unwrap().len(), 14);
}

on_both_backends!(pagination, lists_paginate_and_keep_their_filters);

async fn audit_log_shows_who_changed_what_and_filters(app: TestApp) {
    let admin = app.login("admin@secretariat.demo").await;
    let nour = app.org_id("nour").await;
    let res = admin
        .client
        .post(app.url(&format!("/orgs/{nour}/status")))
        .form(&[
            ("_csrf", admin.csrf.as_str()),
            ("status", "suspended"),
            ("note", "late reports"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = admin
        .client
        .get(app.url("/audit?entity=org&lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Worded as a sentence since issue 13, 2 (it was the action's name, "Status changed").
    assert!(
        page.contains("Changed an organisation&#x27;s standing in the alliance")
            || page.contains("Changed an organisation's standing in the alliance"),
        "{page}"
    );
    assert!(page.contains("suspended"));
    let history = mizalla::orgs::history(&app.db, nour).await.unwrap();
    assert_eq!(history.last().unwrap().status, "suspended");
    let none = admin
        .client
        .get(app.url("/api/v1/audit?entity=org&from=2999-01-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 200);
    let v: serde_json::Value = none.json().await.unwrap();
    assert_eq!(v["total"], 0);
}

on_both_backends!(audit, audit_log_shows_who_changed_what_and_filters);
