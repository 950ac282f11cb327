//! The assistance ledger's anchors as the platform shows and keeps them: the head on the
//! auditors' page, and the entries recorded before the ledger had a key.

use crate::helpers::*;
use crate::on_both_backends;
use mizalla::assistance::chain::{self, Checkpoint, why};
use mizalla::assistance::{Entry, GENESIS};
use mizalla::config::{DatabaseUrl, Secret, Settings};
use mizalla::db::{Db, Kind};

/// The headings of a page in order, as levels (1 for `<h1`).
fn heading_levels(page: &str) -> Vec<u8> {
    page.match_indices("<h")
        .filter_map(|(i, _)| {
            let b = page.as_bytes().get(i + 2)?;
            (b'1'..=b'6').contains(b).then(|| b - b'0')
        })
        .collect()
}

async fn auditors_see_the_head_and_a_checkpoint_that_verifies(app: TestApp) {
    let auditor = app.login("auditor@secretariat.demo").await;
    let page = |lang: &'static str| {
        auditor
            .client
            .get(app.url(&format!("/assistance/overlaps?lang={lang}")))
            .send()
    };
    let res = page("en").await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let head = chain::head(&app.db)
        .await
        .unwrap()
        .expect("the demo records assistance");
    assert!(
        html.contains("The ledger&#x27;s current state")
            || html.contains("The ledger's current state"),
        "{html}"
    );
    assert!(html.contains(&format!("<dd>{}</dd>", head.count)), "{html}");
    assert!(html.contains(&head.hash), "{html}");
    // In Cairo's time, as every moment is written since issue 13, 6.
    let newest = mizalla::i18n::Locale::En.datetime(&head.recorded_at);
    assert!(html.contains(&newest), "{newest}: {html}");
    // The checkpoint shown is this ledger's, sealed with its key, and proves it.
    let shown = html
        .split("id=\"ledger-checkpoint\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a checkpoint on the page");
    let cp = Checkpoint::parse(shown).expect("a checkpoint an auditor can copy");
    assert_eq!(
        (cp.count, cp.hash.as_str()),
        (head.count, head.hash.as_str())
    );
    assert!(cp.mac.is_some());
    let report = chain::check(&app.db, Some(&cp)).await.unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    // Headings in order (one h1, sections below it), every term with its description.
    let levels = heading_levels(&html);
    assert_eq!(levels.first(), Some(&1), "{levels:?}");
    assert!(
        levels.windows(2).all(|w| w[1] <= w[0] + 1),
        "a heading level skipped: {levels:?}"
    );
    assert_eq!(html.matches("<dt>").count(), html.matches("<dd").count());
    // And in Arabic.
    let html = page("ar").await.unwrap().text().await.unwrap();
    assert!(html.contains("حالة سجل المساعدات الآن"), "{html}");
    assert!(html.contains(&cp.to_string()));
}

on_both_backends!(
    ledger_head,
    auditors_see_the_head_and_a_checkpoint_that_verifies
);

/// A ledger from before the key: entries without a seal, audit rows without their hash, as the
/// platform wrote them then.
async fn a_ledger_from_before_the_key(backend: Backend) -> Option<(String, i64)> {
    let url = fresh_database_url(backend).await?;
    let raw = Db::connect(&url).await.unwrap();
    let org = mizalla::orgs::ensure_secretariat(&raw).await.unwrap();
    let now = mizalla::db::now();
    let (record,): (i64,) = sqlx::query_as(
        "INSERT INTO registry_records (org_id, member_key, date_order, created_at, updated_at) \
         VALUES ($1, 'K1', 'dmy', $2, $2) RETURNING id",
    )
    .bind(org)
    .bind(&now)
    .fetch_one(&raw.pool)
    .await
    .unwrap();
    let mut prev = GENESIS.to_owned();
    for value in [50_000, 70_000] {
        let mut e = Entry {
            id: 0,
            org_id: org,
            record_id: record,
            scope: "household".into(),
            category: "cash".into(),
            quantity: 1,
            value_piastres: value,
            given_on: "2026-01-15".into(),
            programme: String::new(),
            reverses_id: None,
            created_by: None,
            created_at: now.clone(),
            prev_hash: prev,
            hash: String::new(),
            mac: None,
        };
        e.hash = e.compute_hash();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO assistance (org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, \
             created_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(e.org_id)
        .bind(e.record_id)
        .bind(&e.scope)
        .bind(&e.category)
        .bind(e.quantity)
        .bind(e.value_piastres)
        .bind(&e.given_on)
        .bind(&e.programme)
        .bind(&e.created_at)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .fetch_one(&raw.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (at, actor_email, action, entity, entity_id, after_json) \
             VALUES ($1, 'command line', 'create', 'assistance', $2, '{\"category\":\"cash\"}')",
        )
        .bind(&now)
        .bind(id)
        .execute(&raw.pool)
        .await
        .unwrap();
        prev = e.hash;
    }
    raw.pool.close().await;
    Some((url, org))
}

async fn open_with_key(url: &str) -> Db {
    mizalla::open(&Settings {
        database_url: DatabaseUrl::new(url),
        ledger_key: Some(Secret::new(TEST_LEDGER_KEY)),
        ..Settings::default()
    })
    .await
    .unwrap()
}

/// Entries recorded before the ledger had a key are sealed once, as they are, at the first
/// start with the key; they verify, and so do the sealed entries after them. Changing them, or
/// removing the seal, is found — and a later start does not seal them again.
async fn entries_from_before_the_key_are_sealed_once(backend: Backend) {
    let Some((url, org)) = a_ledger_from_before_the_key(backend).await else {
        return;
    };
    let db = open_with_key(&url).await;
    let _cleanup = TestApp {
        base: String::new(),
        db: db.clone(),
        database_url: url.clone(),
    };
    let seal = chain::seal(&db)
        .await
        .unwrap()
        .expect("sealed at the first start");
    assert_eq!(seal.pre_key_entries, 2);
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'ledger' AND action = 'seal'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1, "the seal is audited");
    // A new entry after them, through an assistance list.
    let table =
        mizalla::table::read_table(b"record_id,category,given_on\nK1,food_box,2026-01-16\n")
            .unwrap();
    let mapping = mizalla::assistance::import::mapping(&table).unwrap();
    let o = mizalla::assistance::import::import(&db, None, org, "l.csv", &table, &mapping, true)
        .await
        .unwrap();
    assert_eq!(o.recorded, 1);
    let r = chain::check(&db, None).await.unwrap();
    assert!(r.intact(), "{:?}", r.findings);
    assert_eq!((r.entries, r.pre_key_entries), (3, 2));
    // A second start keeps the one seal.
    let again = open_with_key(&url).await;
    assert!(chain::check(&again, None).await.unwrap().intact());

    // An attacker changes the first entry and re-hashes the two unsealed ones.
    let entries: Vec<Entry> = sqlx::query_as(
        "SELECT id, org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, \
         reverses_id, created_by, created_at, prev_hash, hash, mac FROM assistance ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let unlock: &[&str] = match db.kind {
        Kind::Sqlite => &[
            "DROP TRIGGER assistance_append_only_update",
            "DROP TRIGGER ledger_seal_append_only_delete",
        ],
        Kind::Postgres => &[
            "ALTER TABLE assistance DISABLE TRIGGER USER",
            "ALTER TABLE ledger_seal DISABLE TRIGGER USER",
        ],
    };
    for s in unlock {
        sqlx::query(sqlx::AssertSqlSafe(*s))
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let mut prev = GENESIS.to_owned();
    for mut e in entries.into_iter().take(2) {
        e.value_piastres += 1;
        e.prev_hash = prev;
        e.hash = e.compute_hash();
        sqlx::query(
            "UPDATE assistance SET value_piastres = $1, prev_hash = $2, hash = $3 WHERE id = $4",
        )
        .bind(e.value_piastres)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .bind(e.id)
        .execute(&db.pool)
        .await
        .unwrap();
        prev = e.hash;
    }
    let whys: Vec<&str> = chain::check(&db, None)
        .await
        .unwrap()
        .findings
        .iter()
        .map(|f| f.why)
        .collect();
    assert!(whys.contains(&why::PRE_KEY), "{whys:?}");
    // The sealed entry after them no longer follows them.
    assert!(whys.contains(&why::LINK), "{whys:?}");

    // Removing the seal, to pass the unsealed entries off as ones from before the key: found,
    // and the next start does not seal the ledger again.
    sqlx::query("DELETE FROM ledger_seal")
        .execute(&db.pool)
        .await
        .unwrap();
    let db = open_with_key(&url).await;
    assert!(chain::seal(&db).await.unwrap().is_none());
    let r = chain::check(&db, None).await.unwrap();
    let whys: Vec<&str> = r.findings.iter().map(|f| f.why).collect();
    assert!(whys.contains(&why::SEAL_MISSING), "{whys:?}");
    assert!(whys.contains(&why::NOT_SEALED), "{whys:?}");
}

#[tokio::test]
async fn entries_from_before_the_key_are_sealed_once_on_sqlite() {
    entries_from_before_the_key_are_sealed_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn entries_from_before_the_key_are_sealed_once_on_postgres() {
    entries_from_before_the_key_are_sealed_once(Backend::Postgres).await;
}
