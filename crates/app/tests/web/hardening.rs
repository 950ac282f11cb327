//! Regression tests for the defects found by probing the platform as an attacker and as a
//! careless user would (issue 12): each fails on the code that had the defect.

use crate::helpers::TestApp;
use crate::on_both_backends;
use link::record::RawRecord;

/// Imports `rows` for the member `code` as `mizalla import` would.
pub async fn import_rows(app: &TestApp, code: &str, rows: Vec<RawRecord>) {
    let org = app.org_id(code).await;
    let incoming = mizalla::registry::Incoming {
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 2, r))
            .collect(),
        rejected: vec![],
        order: link::normalize::date::Order::DayFirst,
    };
    mizalla::registry::import(
        &app.db,
        None,
        org,
        "list.csv",
        incoming,
        true,
        &Default::default(),
    )
    .await
    .unwrap();
}

fn person(key: &str, household: &str, name: &str, nid: &str, relation: &str) -> RawRecord {
    RawRecord {
        record_id: key.into(),
        household_ref: household.into(),
        relation_to_head: relation.into(),
        full_name: name.into(),
        national_id: nid.into(),
        governorate: "المنيا".into(),
        village: "دير مواس".into(),
        ..Default::default()
    }
}

/// Issue 12, 1: member A's priority list used what only member B recorded of a shared household
/// (its other persons, their disabilities, its income).
async fn a_members_priority_list_uses_only_what_that_member_recorded(app: TestApp) {
    let mut family = vec![
        person(
            "NOUR-900",
            "N90",
            "صابر عبد الحميد محمود سالم",
            "27001012400315",
            "رب الأسرة",
        ),
        person(
            "NOUR-901",
            "N90",
            "هدى صابر عبد الحميد محمود",
            "30501012400326",
            "ابنة",
        ),
        person(
            "NOUR-902",
            "N90",
            "كريم صابر عبد الحميد محمود",
            "30801012400333",
            "ابن",
        ),
        person(
            "NOUR-903",
            "N90",
            "سعاد محمد علي حسن",
            "27501012400348",
            "زوجة",
        ),
        person(
            "NOUR-904",
            "N90",
            "مريم صابر عبد الحميد محمود",
            "31001012400329",
            "ابنة",
        ),
        person(
            "NOUR-905",
            "N90",
            "يوسف صابر عبد الحميد محمود",
            "31201012400310",
            "ابن",
        ),
    ];
    for p in &mut family {
        p.monthly_income = "9000".into();
    }
    family[1].disability = "حركية".into();
    family[2].disability = "بصرية".into();
    import_rows(&app, "nour", family).await;
    import_rows(
        &app,
        "amal",
        vec![person(
            "AMAL-900",
            "A90",
            "صابر عبد الحميد محمود سالم",
            "27001012400315",
            "رب الأسرة",
        )],
    )
    .await;
    // The two members' rows are one household in the registry.
    let households: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT household_id FROM registry_records WHERE member_key IN ('NOUR-900', 'AMAL-900')",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(households.len(), 1, "the head links across members");

    let s = app.login("staff@amal.demo").await;
    let text = s
        .client
        .get(app.url("/registry/priority?format=csv&lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains("AMAL-900"))
        .unwrap_or_else(|| panic!("{text}"))
        .split(',')
        .collect();
    let cell = |name: &str| {
        row[header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))]
    };
    assert_eq!(cell("Persons"), "1", "{text}");
    assert_eq!(cell("Children"), "0", "{text}");
    assert_eq!(cell("With a disability"), "0", "{text}");
    assert_eq!(cell("Monthly income per person (EGP)"), "", "{text}");
    // Nour's own list still sees its household whole.
    let s = app.login("staff@nour.demo").await;
    let text = s
        .client
        .get(app.url("/registry/priority?format=csv&lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains("NOUR-900"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(
        row[header.iter().position(|h| *h == "Persons").unwrap()],
        "6",
        "{text}"
    );
    assert_eq!(
        row[header
            .iter()
            .position(|h| *h == "With a disability")
            .unwrap()],
        "2",
        "{text}"
    );
    assert_eq!(
        row[header
            .iter()
            .position(|h| *h == "Monthly income per person (EGP)")
            .unwrap()],
        "1500",
        "{text}"
    );
}

on_both_backends!(
    priority_privacy,
    a_members_priority_list_uses_only_what_that_member_recorded
);

/// Uploads `csv` as a registry list for `s`, commits it, and waits for the import's outcome page.
/// Returns the upload's id and the outcome page.
pub async fn import_on_the_web(
    app: &TestApp,
    s: &crate::helpers::Session,
    csv: &str,
) -> (i64, String) {
    let res = s
        .client
        .post(app.url(&format!("/registry/upload?_csrf={}", s.csrf)))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n--XyZ--\r\n"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let preview = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = preview.rsplit('/').next().unwrap().parse().unwrap();
    let res = s
        .client
        .post(app.url(&format!("{preview}/commit")))
        .form(&[("_csrf", s.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let progress = res.headers()["location"].to_str().unwrap().to_owned();
    // Waits on the outcome itself, not on a time: a slow machine only takes longer.
    loop {
        let page = s
            .client
            .get(app.url(&progress))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !page.contains("id=\"import-progress\"") {
            return (id, page);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Issue 12, 4: on SQLite a member's second upload took the id of its first (deleted after its
/// commit), and the commit answered with the first file's finished import: nothing was saved.
async fn a_members_second_import_is_saved(app: TestApp) {
    let s = app.login("staff@amal.demo").await;
    let (first, _) =
        import_on_the_web(&app, &s, "record_id,full_name\nAMAL-801,سلوى عادل حسن\n").await;
    let (second, done) = import_on_the_web(
        &app,
        &s,
        "record_id,full_name\nAMAL-802,نادية فؤاد سالم\nAMAL-803,هالة سمير نصر\n",
    )
    .await;
    assert_ne!(first, second, "an upload's id is never reused");
    assert!(
        done.contains("\u{2068}2\u{2069}"),
        "the outcome is the second file's: {done}"
    );
    let saved: Vec<(String,)> = sqlx::query_as(
        "SELECT member_key FROM registry_records WHERE member_key IN ('AMAL-802', 'AMAL-803') ORDER BY member_key",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(saved.len(), 2, "the second file's rows are in the registry");
}

on_both_backends!(second_import, a_members_second_import_is_saved);
