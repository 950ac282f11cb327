//! The shared registry and the assistance ledger through the web API: privacy of search,
//! overlap warnings, reversals, and the ledger's tamper evidence.

use crate::helpers::TestApp;
use crate::on_both_backends;
use mizalla::assistance::{self, Verdict};

async fn a_member_finds_only_its_own_registrations(app: TestApp) {
    let client = TestApp::client();
    let amal = app.token("staff@amal.demo").await;
    // Al-Amal's spelling; Al-Nour registered the same woman under its own spelling.
    let res = client
        .get(app.url("/api/v1/registry/search?q=منه الله ابراهيم"))
        .bearer_auth(&amal)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let found: serde_json::Value = res.json().await.unwrap();
    let own = found["own"].as_array().unwrap();
    assert_eq!(own.len(), 1, "{found}");
    assert_eq!(own[0]["member_key"], "AMAL-004");
    assert_eq!(own[0]["elsewhere"], 1, "the overlap fact is shown");
    assert_eq!(found["others"], 1);
    let text = found.to_string();
    assert!(
        !text.contains("NOUR-"),
        "another member's records never reach a member: {text}"
    );
    // A Latin spelling finds the Arabic registration.
    let found: serde_json::Value = client
        .get(app.url("/api/v1/registry/search?q=Mohamed Abdelrahman Elsayed"))
        .bearer_auth(&amal)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        found["own"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["member_key"] == "AMAL-001"),
        "{found}"
    );
    // The secretariat sees every member's registrations, masked: no ID, no full name.
    let staff = app.token("staff@secretariat.demo").await;
    let text = client
        .get(app.url("/api/v1/registry/search?q=27804120101234"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"masked\":[{"), "{text}");
    assert!(
        !text.contains("27804120101234") && !text.contains("الشناوي"),
        "{text}"
    );
}

on_both_backends!(search_privacy, a_member_finds_only_its_own_registrations);

async fn overlaps_are_warned_reversals_undo_them_and_the_ledger_proves_itself(app: TestApp) {
    let client = TestApp::client();
    let record = |key: &'static str| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM registry_records WHERE member_key = $1")
                    .bind(key)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            id
        }
    };
    let today = mizalla::db::today();
    let give = |token: String, record: i64, category: &'static str| {
        let (client, url, today) = (client.clone(), app.url("/api/v1/assistance"), today.clone());
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&serde_json::json!({"record_id": record.to_string(), "scope": "household", "category": category,
                       "quantity": "1", "value": "300", "given_on": today, "programme": "شتاء"}))
                .send()
                .await
                .unwrap()
        }
    };
    let amal = app.token("staff@amal.demo").await;
    let nour = app.token("staff@nour.demo").await;
    // Al-Nour gave the family a food box ten days ago (demo): Al-Amal is warned, without a name.
    let res = give(amal.clone(), record("AMAL-002").await, "food_box").await;
    assert_eq!(res.status(), 201);
    let recorded: serde_json::Value = res.json().await.unwrap();
    let overlaps = recorded["overlaps"].as_array().unwrap();
    assert_eq!(overlaps.len(), 1, "{recorded}");
    assert_eq!(overlaps[0]["category"], "food_box");
    assert!(!recorded.to_string().contains("nour"), "{recorded}");
    // Another category, or a family nobody else assisted: no warning.
    let res = give(amal.clone(), record("AMAL-002").await, "blankets").await;
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["overlaps"],
        serde_json::json!([])
    );
    let res = give(amal.clone(), record("AMAL-006").await, "food_box").await;
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["overlaps"],
        serde_json::json!([])
    );

    // Al-Amal corrects its food box: a reversing entry; twice is refused.
    let entry = recorded["id"].as_i64().unwrap();
    let s = app.login("staff@amal.demo").await;
    let reverse = || {
        s.client
            .post(app.url(&format!("/assistance/{entry}/reverse")))
            .form(&[("_csrf", s.csrf.as_str())])
            .send()
    };
    assert_eq!(reverse().await.unwrap().status(), 303);
    assert_eq!(reverse().await.unwrap().status(), 409);
    // Al-Nour, which gave the earlier box, now gives another: Al-Amal's box was reversed, and
    // Al-Nour's own earlier box is its own, so no warning.
    let res = give(nour.clone(), record("NOUR-002").await, "food_box").await;
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["overlaps"],
        serde_json::json!([])
    );
    // Bad input: a clear error per field, nothing stored.
    let before = app.count("assistance").await;
    let res = client
        .post(app.url("/api/v1/assistance?lang=en"))
        .bearer_auth(&amal)
        .json(&serde_json::json!({"record_id": "x", "scope": "family", "category": "gold", "quantity": "-1", "value": "1e9", "given_on": "2099-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    for field in [
        "record_id",
        "scope",
        "category",
        "quantity",
        "value",
        "given_on",
    ] {
        assert!(body.contains(field), "{field} in {body}");
    }
    assert_eq!(app.count("assistance").await, before);

    // The ledger: intact; the database refuses changes; a change made behind its back is found.
    let n = app.count("assistance").await as usize;
    assert_eq!(
        assistance::verify(&app.db).await.unwrap(),
        Verdict::Intact { entries: n }
    );
    assert!(
        sqlx::query("UPDATE assistance SET value_piastres = 1")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM assistance")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
    let bypass = match app.db.kind {
        mizalla::db::Kind::Sqlite => "DROP TRIGGER assistance_append_only_update",
        mizalla::db::Kind::Postgres => {
            "ALTER TABLE assistance DISABLE TRIGGER assistance_append_only"
        }
    };
    sqlx::query(bypass).execute(&app.db.pool).await.unwrap();
    sqlx::query("UPDATE assistance SET value_piastres = 1 WHERE id = $1")
        .bind(entry)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        assistance::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            entry_id: entry,
            why: "its content was changed after it was recorded"
        }
    );
}

on_both_backends!(
    ledger,
    overlaps_are_warned_reversals_undo_them_and_the_ledger_proves_itself
);

async fn households_are_ranked_most_in_need_first_and_exported(app: TestApp) {
    let s = app.login("staff@amal.demo").await;
    let get = |path: &'static str| s.client.get(app.url(path)).send();
    // Demo families: A2 (a woman heading it, a child) and A3 (two elderly) score 5; A4 (a child)
    // 3; A1 received a food box from another member ten days ago: 3 persons - 2 = 1.
    let res = get("/registry/priority?format=csv&lang=en").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("priority.csv")
    );
    let text = res.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("Rank,Household no.,Record no.")
    );
    let keys: Vec<(String, String)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[2].to_owned(), cells[10].to_owned())
        })
        .collect();
    let order: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(order.len(), 4, "{keys:?}");
    let mut top = order[..2].to_vec();
    top.sort();
    assert_eq!(top, ["AMAL-004", "AMAL-006"], "{keys:?}");
    assert_eq!(order[2..], ["AMAL-008", "AMAL-001"], "{keys:?}");
    assert_eq!(keys[3].1, "1");
    // Other weights change the order: ignore assistance, and A1 (three persons) passes A4.
    let text = get("/registry/priority?format=csv&recent_assistance=0")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.find("AMAL-001").unwrap() < text.find("AMAL-008").unwrap(),
        "{text}"
    );
    // The Excel export is a real workbook, right to left, with the same rows.
    let bytes = get("/registry/priority?format=xlsx&lang=ar")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let table = mizalla::registry::file::read_table(&bytes).unwrap();
    assert_eq!(table.headers[0], "الترتيب");
    assert_eq!(table.rows.len(), 4);
    // Bad weights are a clear error; the page renders.
    assert_eq!(
        get("/registry/priority?size=lots").await.unwrap().status(),
        422
    );
    assert_eq!(
        get("/registry/priority?months=0").await.unwrap().status(),
        422
    );
    assert_eq!(
        get("/registry/priority?format=pdf").await.unwrap().status(),
        422
    );
    let page = get("/registry/priority")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("الأولى بالمساعدة أولًا"));
}

on_both_backends!(
    priority,
    households_are_ranked_most_in_need_first_and_exported
);

async fn an_abandoned_upload_is_forgotten_after_a_day(app: TestApp) {
    let user = app.actor("staff@amal.demo").await;
    sqlx::query(
        "INSERT INTO registry_uploads (org_id, user_id, file_name, content, created_at) \
         VALUES ($1, $2, 'old.csv', $3, '2020-01-01T00:00:00Z')",
    )
    .bind(user.org_id)
    .bind(user.user_id)
    .bind(b"record_id,full_name\nO1,x\n".as_slice())
    .execute(&app.db.pool)
    .await
    .unwrap();
    let s = app.login("staff@amal.demo").await;
    let res = s
        .client
        .post(app.url(&format!("/registry/upload?_csrf={}", s.csrf)))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"new.csv\"\r\n\
             Content-Type: text/csv\r\n\r\nrecord_id,full_name\r\nN1,سعاد علي\r\n--XyZ--\r\n",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let names: Vec<(String,)> = sqlx::query_as("SELECT file_name FROM registry_uploads")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(names, vec![("new.csv".to_owned(),)]);
    // Without the form's token the upload is refused.
    let res = s
        .client
        .post(app.url("/registry/upload"))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body("--XyZ--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

on_both_backends!(uploads, an_abandoned_upload_is_forgotten_after_a_day);
