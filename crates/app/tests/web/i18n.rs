//! Arabic by default and right-to-left; English on request; no message key left untranslated.

use crate::helpers::TestApp;
use crate::on_both_backends;

/// Issue 13: pages are Arabic by default whatever the browser's language (many office
/// computers in Egypt run English Windows); `?lang=` wins and is remembered in a cookie and, for
/// a signed-in user, on the account, so that it follows them to another computer. The API still
/// reads `Accept-Language`.
async fn the_language_follows_query_then_cookie_then_accept_language(app: TestApp) {
    let client = TestApp::client();
    let page = |accept: &'static str| {
        let client = client.clone();
        let url = app.url("/login");
        async move {
            client
                .get(url)
                .header("accept-language", accept)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    for accept in ["", "en-US,en;q=0.9,ar;q=0.5", "en"] {
        assert!(
            page(accept)
                .await
                .contains("<html lang=\"ar\" dir=\"rtl\">"),
            "{accept}"
        );
    }
    // ?lang= wins and is remembered in a cookie.
    let res = client
        .get(app.url("/login?lang=en"))
        .header("accept-language", "ar")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("lang=en"))
    );
    assert!(
        page("ar").await.contains("<html lang=\"en\" dir=\"ltr\">"),
        "cookie remembered"
    );
    // The API answers in the language its caller asks for.
    let token = app.token("staff@amal.demo").await;
    let res = TestApp::client()
        .get(app.url("/api/v1/agreements?status=nonsense"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "en");
    // A signed-in user's choice is kept on the account and follows them to a new browser.
    let s = app.login("staff@amal.demo").await;
    let res = s.client.get(app.url("/?lang=en")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let elsewhere = TestApp::client();
    let res = elsewhere
        .post(app.url("/login"))
        .form(&[
            ("email", "staff@amal.demo"),
            ("password", mizalla::demo::PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("lang=en")),
        "the account's language is set on the new browser"
    );
    let home = elsewhere
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("<html lang=\"en\" dir=\"ltr\">"), "{home}");
}

on_both_backends!(
    negotiation,
    the_language_follows_query_then_cookie_then_accept_language
);

/// Text between tags that looks like a Fluent key (`nav-home`, `err-required`): a missing message.
fn untranslated(page: &str) -> Vec<String> {
    let prefixes = [
        "nav-", "field-", "err-", "status-", "role-", "kind-", "org-", "sector-", "action-",
        "entity-", "points-", "home-", "filter-", "pager-", "month-", "tokens-", "token-",
        "users-", "user-",
    ];
    page.split('>')
        .filter_map(|chunk| chunk.split('<').next())
        .map(str::trim)
        .filter(|text| {
            prefixes.iter().any(|p| text.starts_with(p))
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_' || c.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

async fn every_page_is_fully_translated_in_arabic_and_english(app: TestApp) {
    let admin = app.login("admin@secretariat.demo").await;
    let amal = app.org_id("amal").await;
    let pages = [
        "/".to_owned(),
        "/orgs".into(),
        "/orgs/new".into(),
        format!("/orgs/{amal}"),
        format!("/orgs/{amal}/edit"),
        "/agreements".into(),
        "/agreements?overdue=1".into(),
        "/agreements/new".into(),
        "/agreements/1".into(),
        "/agreements/1/edit".into(),
        "/audit".into(),
        "/account/password".into(),
        "/account/tokens".into(),
        "/no-such-page".into(),
        "/registry?q=محمد".into(),
        "/registry/review".into(),
        "/registry/review/decided".into(),
        "/registry/priority".into(),
        "/registry/review?done=same&pairs=2&moved=3&members=2".into(),
        "/assistance/rules".into(),
        "/assistance/overlaps".into(),
        "/assistance/categories".into(),
    ];
    // A member's pages: the registry's import, preview and record pages, the ledger.
    let member = app.login("staff@amal.demo").await;
    let (record,): (i64,) =
        sqlx::query_as("SELECT id FROM registry_records WHERE member_key = 'AMAL-001'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let user = app.actor("staff@amal.demo").await;
    let (upload,): (i64,) = sqlx::query_as(
        "INSERT INTO uploads (org_id, user_id, file_name, content, created_at) \
         VALUES ($1, $2, 'l.csv', $3, $4) RETURNING id",
    )
    .bind(user.org_id)
    .bind(user.user_id)
    .bind("record_id,full_name,national_id\nL1,علي حسن,123\nL2,=1+1,\n".as_bytes())
    .bind(mizalla::db::now())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (aid_upload,): (i64,) = sqlx::query_as(
        "INSERT INTO uploads (org_id, user_id, file_name, content, purpose, created_at) \
         VALUES ($1, $2, 'aid.csv', $3, 'assistance', $4) RETURNING id",
    )
    .bind(user.org_id)
    .bind(user.user_id)
    .bind(
        format!(
            "record_id,category,scope,given_on\nAMAL-001,food_box,,{}\nX,y,z,w\n",
            mizalla::db::today()
        )
        .into_bytes(),
    )
    .bind(mizalla::db::now())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    // One notice of every kind on the member's record.
    for kind in ["merged", "split", "same", "different", "unsure", "reopened"] {
        sqlx::query(
            "INSERT INTO registry_notices (org_id, record_id, kind, person_from, person_to, created_at) \
             VALUES ($1, $2, $3, 1, 2, $4)",
        )
        .bind(user.org_id)
        .bind(record)
        .bind(kind)
        .bind(mizalla::db::now())
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    // An entry of assistance, and its page after the form's redirect (issue 13, 1).
    let entry = mizalla::assistance::record(
        &app.db,
        &user,
        &mizalla::assistance::AssistanceInput {
            record_id: record.to_string(),
            scope: "household".into(),
            category: "food_box".into(),
            given_on: mizalla::db::today(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let member_pages = [
        format!("/assistance/recorded/{}?repeated=1", entry.id),
        "/registry?q=27804120101234".to_owned(),
        "/registry/check".into(),
        "/registry/notices".into(),
        "/assistance/import".into(),
        format!("/assistance/import/{aid_upload}"),
        "/registry/import".into(),
        "/registry/priority".into(),
        format!("/registry/import/{upload}"),
        format!("/registry/records/{record}"),
        format!("/registry/records/{record}/edit"),
        format!("/registry/records/{record}?corrected=2"),
        "/assistance".into(),
    ];
    let all = pages
        .iter()
        .map(|p| (&admin, p))
        .chain(member_pages.iter().map(|p| (&member, p)));
    for lang in ["ar", "en"] {
        for (session, path) in all.clone() {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = session
                .client
                .get(app.url(&format!("{path}{sep}lang={lang}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let dir = if lang == "ar" { "rtl" } else { "ltr" };
            assert!(
                page.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                "{path} in {lang}"
            );
            let missing = untranslated(&page);
            assert!(
                missing.is_empty(),
                "{path} in {lang} shows message keys: {missing:?}"
            );
        }
        // The answer of "already registered?", which comes from a form.
        let page = member
            .client
            .post(app.url(&format!("/registry/check?lang={lang}")))
            .form(&[
                ("_csrf", member.csrf.as_str()),
                ("full_name", "فاطمه احمد علي"),
                ("date_of_birth", "1983-02-09"),
                ("national_id", "123"),
                ("gender", "2"),
                ("village", "ميت غمر"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("check-answer") && page.contains("role=\"alert\""),
            "{page}"
        );
        let missing = untranslated(&page);
        assert!(
            missing.is_empty(),
            "the check's answer in {lang}: {missing:?}"
        );
    }
}

on_both_backends!(
    complete,
    every_page_is_fully_translated_in_arabic_and_english
);
