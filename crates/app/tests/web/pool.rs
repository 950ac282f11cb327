//! The resource pool (issue 15): two members offer, a member and the secretariat post needs, the
//! secretariat allocates, pins a pair and publishes; a member declines and the units go back;
//! and what each member may see and do.

use crate::helpers::{Session, TestApp};
use crate::on_both_backends;

async fn post(
    app: &TestApp,
    who: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("_csrf", who.csrf.as_str())];
    form.extend_from_slice(fields);
    who.client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The newest run's id.
async fn newest_run(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM pool_runs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

/// A run's pairs: (offering member, need id, units).
async fn pairs(app: &TestApp, run: i64) -> Vec<(String, i64, i64)> {
    sqlx::query_as(
        "SELECT g.code, a.need_id, a.quantity FROM pool_allocations a \
         JOIN pool_offers o ON o.id = a.offer_id JOIN orgs g ON g.id = o.org_id \
         WHERE a.run_id = $1 ORDER BY g.code, a.need_id",
    )
    .bind(run)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn score(app: &TestApp, run: i64) -> i64 {
    let (s,): (i64,) = sqlx::query_as("SELECT score FROM pool_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    s
}

/// Posts a need of clothing (a kind the demo's pool does not use) and returns its id.
async fn post_need(
    app: &TestApp,
    who: &Session,
    governorate: &str,
    quantity: &str,
    district: &str,
    priority: &str,
) -> i64 {
    let fields = [
        ("category", "clothing"),
        ("quantity", quantity),
        ("governorate", governorate),
        ("district", district),
        ("priority", priority),
    ];
    let res = post(app, who, "/pool/needs", &fields).await;
    assert_eq!(res.status(), 303);
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM pool_needs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn offers_needs_allocation_and_answers(app: TestApp) {
    let minya = link::normalize::place::governorate_code("المنيا").unwrap();
    let khair = app.login("staff@khair.demo").await;
    let tanmia = app.login("staff@tanmia.demo").await;
    let amal = app.login("staff@amal.demo").await;
    let admin = app.login("admin@secretariat.demo").await;
    let before_offers = app.count("pool_offers").await;

    // Two members offer blankets in Minya: Al-Khair's stay in Mallawi, Tanmia's travel within
    // the governorate. A double click saves one offer.
    let khair_offer = [
        ("category", "clothing"),
        ("quantity", "١٠"),
        ("unit", "بطانية"),
        ("governorate", minya),
        ("district", "م/ملوي"),
        ("reach", "district"),
        ("submission", "khair-blankets-1"),
    ];
    for _ in 0..2 {
        let res = post(&app, &khair, "/pool/offers", &khair_offer).await;
        assert_eq!(res.status(), 303);
    }
    assert_eq!(app.count("pool_offers").await, before_offers + 1);
    let res = post(
        &app,
        &tanmia,
        "/pool/offers",
        &[
            ("category", "clothing"),
            ("quantity", "6"),
            ("governorate", minya),
            ("district", "سمالوط"),
            ("reach", "governorate"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    // Bad input is answered next to its field, in Arabic, and nothing is saved.
    let res = post(
        &app,
        &tanmia,
        "/pool/offers",
        &[
            ("category", "clothing"),
            ("quantity", "99999999999999999999"),
            ("governorate", "99"),
            ("district", ""),
            ("reach", "district"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("اكتب عددًا صحيحًا"), "{page}");
    assert!(page.contains("يحتاج إلى اسم المركز"), "{page}");
    assert_eq!(app.count("pool_offers").await, before_offers + 2);

    // Needs: Al-Amal posts two, the secretariat one.
    let n1 = post_need(&app, &amal, minya, "8", "مركز ملوى", "80").await;
    let n2 = post_need(&app, &amal, minya, "5", "المنيا", "60").await;
    let n3 = post_need(&app, &admin, minya, "4", "سمالوط", "40").await;
    let res = post(
        &app,
        &amal,
        "/pool/needs",
        &[
            ("category", "clothing"),
            ("quantity", "3"),
            ("governorate", minya),
            ("priority", "101"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);

    // A member neither allocates nor sees a run.
    let res = post(&app, &amal, "/pool/runs", &[("categories", "clothing")]).await;
    assert_eq!(res.status(), 403);

    // The secretariat allocates blankets in Minya. Al-Khair (Mallawi only) can serve n1 alone:
    // 8 units × 80. Tanmia (the governorate, 1 a unit away from Samalut) gives n2 its 5 × 59,
    // then its last unit to n3 (same markaz, × 40).
    let res = post(
        &app,
        &admin,
        "/pool/runs",
        &[("categories", "clothing"), ("governorates", minya)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let first = newest_run(&app).await;
    assert_eq!(
        pairs(&app, first).await,
        [
            ("khair".to_owned(), n1, 8),
            ("tanmia".to_owned(), n2, 5),
            ("tanmia".to_owned(), n3, 1)
        ]
    );
    assert_eq!(score(&app, first).await, 8 * 80 + 5 * 59 + 40);
    let page = admin.page(&app, &format!("/pool/runs/{first}")).await;
    assert!(
        page.contains("لُبّي الاحتياج كله"),
        "why no more: the need is met: {page}"
    );
    assert!(
        page.contains("وُزّع العرض كله"),
        "why no more: the offer is spent"
    );
    assert!(page.contains("<bdi>59</bdi>"), "a unit's score is shown");
    let res = amal
        .client
        .get(app.url(&format!("/pool/runs/{first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "a member does not see a run");

    // Pin Tanmia's four to the secretariat's need in Samalut, and run again: n2 gets the rest.
    let tanmia_offer: (i64,) = sqlx::query_as(
        "SELECT o.id FROM pool_offers o JOIN orgs g ON g.id = o.org_id WHERE g.code = 'tanmia' \
         ORDER BY o.id DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (offer, n3s) = (tanmia_offer.0.to_string(), n3.to_string());
    let res = post(
        &app,
        &admin,
        &format!("/pool/runs/{first}/choices"),
        &[
            ("offer_id", &offer),
            ("need_id", &n3s),
            ("choice", "pin"),
            ("quantity", "4"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let second = newest_run(&app).await;
    assert!(second > first);
    assert_eq!(
        pairs(&app, second).await,
        [
            ("khair".to_owned(), n1, 8),
            ("tanmia".to_owned(), n2, 2),
            ("tanmia".to_owned(), n3, 4)
        ]
    );
    assert_eq!(score(&app, second).await, 8 * 80 + 2 * 59 + 4 * 40);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM pool_runs WHERE id = $1")
        .bind(first)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "superseded");
    let res = post(&app, &admin, &format!("/pool/runs/{first}/publish"), &[]).await;
    assert_eq!(
        res.status(),
        409,
        "a superseded proposal cannot be published"
    );

    // Publish. Each member sees what concerns it, and not the others' pairs.
    let res = post(&app, &admin, &format!("/pool/runs/{second}/publish"), &[]).await;
    assert_eq!(res.status(), 303);
    let khair_page = khair.page(&app, "/pool").await;
    assert!(
        khair_page.contains("/accept"),
        "Al-Khair is asked to deliver"
    );
    let amal_page = amal.page(&app, "/pool").await;
    assert!(amal_page.contains("id=\"receive\""), "Al-Amal will receive");
    assert!(
        !amal_page.contains("/accept"),
        "Al-Amal has nothing to deliver"
    );
    let amal_needs = amal.page(&app, "/pool/needs").await;
    assert!(
        amal_needs.contains(&format!("id=\"need-{n1}\"")),
        "its own need is listed"
    );
    assert!(
        !amal_needs.contains(&format!("id=\"need-{n3}\"")),
        "another's need is not listed"
    );
    let khair_offers = khair.page(&app, "/pool/offers").await;
    assert!(
        khair_offers.contains("id=\"offer-"),
        "its own offer is listed"
    );
    assert!(
        !khair_offers.contains(&format!("id=\"offer-{offer}\"")),
        "another's offer is not listed"
    );

    // Tanmia accepts; Al-Khair declines, which frees its ten units for the next run.
    let allocation = |code: &'static str| {
        let app = &app;
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "SELECT a.id FROM pool_allocations a JOIN pool_offers o ON o.id = a.offer_id \
                 JOIN orgs g ON g.id = o.org_id WHERE a.run_id = $1 AND g.code = $2 ORDER BY a.id LIMIT 1",
            )
            .bind(second)
            .bind(code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
            id
        }
    };
    let (k, t) = (allocation("khair").await, allocation("tanmia").await);
    let res = post(&app, &khair, &format!("/pool/allocations/{t}/accept"), &[]).await;
    assert_eq!(
        res.status(),
        404,
        "a member answers only for its own offers"
    );
    assert_eq!(
        post(&app, &tanmia, &format!("/pool/allocations/{t}/accept"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        post(&app, &khair, &format!("/pool/allocations/{k}/decline"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        post(&app, &khair, &format!("/pool/allocations/{k}/accept"), &[])
            .await
            .status(),
        409,
        "answered once"
    );
    // What was accepted cannot be withdrawn; the offer can be reduced down to it only.
    let res = post(
        &app,
        &tanmia,
        &format!("/pool/offers/{offer}/withdraw"),
        &[],
    )
    .await;
    assert_eq!(res.status(), 409);
    let res = post(
        &app,
        &tanmia,
        &format!("/pool/offers/{offer}/reduce"),
        &[("quantity", "1")],
    )
    .await;
    assert_eq!(res.status(), 422);

    // Run again: Tanmia's six are taken; Al-Khair's ten are free and go to n1 again.
    let res = post(
        &app,
        &admin,
        "/pool/runs",
        &[("categories", "clothing"), ("governorates", minya)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let third = newest_run(&app).await;
    assert_eq!(pairs(&app, third).await, [("khair".to_owned(), n1, 8)]);

    // Every write is in the audit trail, without personal data.
    for (entity, action) in [
        ("pool_offer", "create"),
        ("pool_need", "create"),
        ("pool_run", "create"),
        ("pool_run", "publish"),
        ("pool_allocation", "accept"),
        ("pool_allocation", "decline"),
    ] {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND action = $2")
                .bind(entity)
                .bind(action)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert!(n > 0, "{entity} {action} audited");
    }
    // The pool by kind and place: the secretariat's counts every member's; Al-Amal's its own.
    let all = admin.page(&app, "/pool/summary?format=csv&lang=en").await;
    assert!(all.contains("Clothing"), "{all}");
    let own = amal.page(&app, "/pool/summary?format=csv&lang=en").await;
    let (amal_units,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(n.quantity) AS BIGINT) FROM pool_needs n JOIN orgs g ON g.id = n.org_id \
         WHERE g.code = 'amal' AND n.category = 'clothing' AND n.status = 'open'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        own.contains(&format!(",{amal_units},")),
        "Al-Amal's own needs: {own}"
    );
    assert!(
        !own.contains(",4,"),
        "the secretariat's need is not in a member's view: {own}"
    );
    // The pages open in English too.
    let page = admin
        .page(&app, &format!("/pool/runs/{second}?lang=en"))
        .await;
    assert!(page.contains("Why no more?"), "{page}");
}
on_both_backends!(pool_whole_path, offers_needs_allocation_and_answers);

/// The whole path with the registry: two members offer, a member posts a need and the registry
/// supplies others, the secretariat allocates, pins pairs and publishes; one member declines and
/// the units are allocated again; the other delivers, and the ledger has the entries with the
/// overlap warning where one applies.
async fn registry_needs_and_deliveries(app: TestApp) {
    let cairo = "01";
    let amal = app.login("staff@amal.demo").await;
    let khair = app.login("staff@khair.demo").await;
    let admin = app.login("admin@secretariat.demo").await;
    // Al-Amal offers food boxes in Cairo and posts a need of its own families there.
    // The demo's pool already has food boxes in Cairo: count from what is there.
    let (baseline,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM pool_needs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = post(
        &app,
        &amal,
        "/pool/offers",
        &[
            ("category", "food_box"),
            ("quantity", "3"),
            ("governorate", cairo),
            ("reach", "governorate"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let posted = post_need_of(&app, &amal, "food_box", cairo, "2", "95").await;

    // The secretariat draws the households most in need in Cairo. The demo's family A1 had a
    // food box from Al-Nour ten days ago (the rule's window is thirty): it is left out.
    let res = post(
        &app,
        &admin,
        "/pool/needs/draw",
        &[
            ("category", "food_box"),
            ("governorate", cairo),
            ("households", "2"),
            ("quantity", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let page = admin.page(&app, &location).await;
    assert!(page.contains("سُحب"), "{page}");
    let drawn: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, household_id, record_id, priority FROM pool_needs \
         WHERE household_id IS NOT NULL AND id > $1 ORDER BY priority DESC, id",
    )
    .bind(baseline)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    // The demo drew three of Cairo's households already: at least one is left to draw.
    assert!(
        (1..=2).contains(&drawn.len()),
        "at most the two households asked for: {drawn:?}"
    );
    let (a1,): (i64,) =
        sqlx::query_as("SELECT household_id FROM registry_records WHERE member_key = 'NOUR-001'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        drawn.iter().all(|d| d.1 != a1),
        "a household assisted within the window is not drawn"
    );
    assert!(drawn.iter().all(|d| (1..=100).contains(&d.3)));
    // The secretariat sees who registered a drawn household; no member does.
    let secretariat_needs = admin.page(&app, "/pool/needs?category=food_box").await;
    assert!(secretariat_needs.contains("من السجل الموحد، سجّلها"));
    // Drawing again takes other households (those drawn are open needs already).
    let res = post(
        &app,
        &admin,
        "/pool/needs/draw",
        &[
            ("category", "food_box"),
            ("governorate", cairo),
            ("households", "9"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT household_id) - COUNT(household_id) FROM pool_needs \
         WHERE household_id IS NOT NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 0, "no household drawn twice");
    let res = post(
        &app,
        &amal,
        "/pool/needs/draw",
        &[
            ("category", "food_box"),
            ("governorate", cairo),
            ("households", "2"),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        403,
        "only the secretariat draws from the registry"
    );

    // A second member offers food boxes in Cairo too.
    let res = post(
        &app,
        &khair,
        "/pool/offers",
        &[
            ("category", "food_box"),
            ("quantity", "20"),
            ("governorate", cairo),
            ("reach", "governorate"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let offer_of = |code: &'static str| {
        let app = &app;
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "SELECT MAX(o.id) FROM pool_offers o JOIN orgs g ON g.id = o.org_id \
                 WHERE g.code = $1 AND o.category = 'food_box'",
            )
            .bind(code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
            id
        }
    };
    let (amal_offer, khair_offer) = (offer_of("amal").await, offer_of("khair").await);
    // Allocate food boxes in Cairo; pin Al-Amal's offer to its own need (two units), publish.
    let res = post(
        &app,
        &admin,
        "/pool/runs",
        &[
            ("categories", "food_box"),
            ("governorates", cairo),
            ("deliver_by", "31/12/2099"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let first = newest_run(&app).await;
    let (offer, need) = (amal_offer.to_string(), posted.to_string());
    let res = post(
        &app,
        &admin,
        &format!("/pool/runs/{first}/choices"),
        &[
            ("offer_id", offer.as_str()),
            ("need_id", need.as_str()),
            ("choice", "pin"),
            ("quantity", "2"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let pinned = newest_run(&app).await;
    assert!(pinned > first);
    // And its third unit to the first household drawn (a second pin, a third run).
    let household = drawn[0].0.to_string();
    let res = post(
        &app,
        &admin,
        &format!("/pool/runs/{pinned}/choices"),
        &[
            ("offer_id", offer.as_str()),
            ("need_id", household.as_str()),
            ("choice", "pin"),
            ("quantity", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let run = newest_run(&app).await;
    let page = admin.page(&app, &format!("/pool/runs/{run}")).await;
    assert_eq!(page.matches("pool-pinned-pair").count(), 0);
    assert!(
        page.contains("وحدة على الأقل"),
        "both pins are listed: {page}"
    );
    let res = post(&app, &admin, &format!("/pool/runs/{run}/publish"), &[]).await;
    assert_eq!(res.status(), 303);
    let of = |offer: i64| {
        let app = &app;
        async move {
            let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                "SELECT id, need_id, quantity FROM pool_allocations \
                 WHERE run_id = $1 AND offer_id = $2 ORDER BY id",
            )
            .bind(run)
            .bind(offer)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
            rows
        }
    };
    let ids: Vec<(i64, i64)> = of(amal_offer).await.iter().map(|r| (r.0, r.1)).collect();
    assert!(
        of(amal_offer)
            .await
            .iter()
            .any(|r| r.1 == posted && r.2 >= 2),
        "the pinned pair is in the published allocation"
    );
    let (to_posted, _) = *ids.iter().find(|(_, n)| *n == posted).unwrap();
    let (to_drawn, _) = *ids
        .iter()
        .find(|(_, n)| *n != posted && *n > baseline)
        .expect("Al-Amal's offer serves a drawn household");
    // Al-Khair declines its pairs; run again, and its units are offered again.
    let khair_pairs = of(khair_offer).await;
    assert!(!khair_pairs.is_empty(), "Al-Khair's offer serves someone");
    for (id, _, _) in &khair_pairs {
        let res = post(
            &app,
            &khair,
            &format!("/pool/allocations/{id}/decline"),
            &[],
        )
        .await;
        assert_eq!(res.status(), 303);
    }
    let res = post(
        &app,
        &admin,
        "/pool/runs",
        &[("categories", "food_box"), ("governorates", cairo)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let again = newest_run(&app).await;
    let (khair_again,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM pool_allocations \
         WHERE run_id = $1 AND offer_id = $2",
    )
    .bind(again)
    .bind(khair_offer)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let declined: i64 = khair_pairs.iter().map(|p| p.2).sum();
    assert_eq!(
        khair_again, declined,
        "the declined units are allocated again"
    );
    // Al-Amal's page names no registering member of a drawn household.
    let amal_page = amal.page(&app, "/pool").await;
    assert!(amal_page.contains("أسرة من السجل الموحد"));
    assert!(
        !amal_page.contains("سجّلها"),
        "who registered a household is not told"
    );

    // Delivering before accepting is refused; Al-Khair cannot deliver Al-Amal's allocation.
    let deliver = |who: &Session, id: i64, fields: Vec<(&'static str, String)>| {
        let mut form: Vec<(String, String)> = vec![("_csrf".into(), who.csrf.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k.to_owned(), v)));
        who.client
            .post(app.url(&format!("/pool/allocations/{id}/deliver")))
            .form(&form)
            .send()
    };
    let today = mizalla::db::today();
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-001".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409, "accept first");
    let res = deliver(
        &khair,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-001".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 404);
    for id in [to_posted, to_drawn] {
        let res = post(&app, &amal, &format!("/pool/allocations/{id}/accept"), &[]).await;
        assert_eq!(res.status(), 303);
    }
    // A record id that is not Al-Amal's is refused, and nothing is recorded.
    let before = app.count("assistance").await;
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "NOUR-001".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("ليس رقم سجل في كشوفكم"), "{page}");
    assert!(page.contains("السطر"), "the bad line is named: {page}");
    assert_eq!(app.count("assistance").await, before);
    // Family A1, Al-Amal's AMAL-001, had a food box from Al-Nour ten days ago: the delivery is
    // recorded with the overlap warning. Partial: one of two units.
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-001".into()),
            ("submission", "deliver-1".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("overlap-warning"),
        "the overlap is warned of: {page}"
    );
    assert_eq!(app.count("assistance").await, before + 1);
    // The same form again records nothing more.
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-001".into()),
            ("submission", "deliver-1".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("assistance").await, before + 1);
    let amal_actor = app.actor("staff@amal.demo").await;
    let delivered = |id: i64| {
        let (db, actor) = (app.db.clone(), amal_actor.clone());
        async move {
            mizalla::pool::deliveries::to_deliver(&db, &actor, id)
                .await
                .unwrap()
                .delivered
        }
    };
    assert_eq!(delivered(to_posted).await, 1, "a partial delivery");
    // The same household twice, or one of another governorate, is refused.
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-002\nAMAL-002".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    // A reversed delivery is undelivered again.
    let (entry,): (i64,) =
        sqlx::query_as("SELECT assistance_id FROM pool_deliveries WHERE allocation_id = $1")
            .bind(to_posted)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    mizalla::assistance::reverse(&app.db, &amal_actor, entry)
        .await
        .unwrap();
    assert_eq!(delivered(to_posted).await, 0, "reversed, undelivered");
    // Three deliveries of the whole at once (fresh keys, two tabs): one is recorded.
    let whole = |key: &'static str| {
        deliver(
            &amal,
            to_posted,
            vec![
                ("given_on", today.clone()),
                ("households", "AMAL-002,2".into()),
                ("submission", key.into()),
            ],
        )
    };
    let (a, b, c) = tokio::join!(whole("race-a"), whole("race-b"), whole("race-c"));
    let ok = [a, b, c]
        .iter()
        .filter(|r| r.as_ref().unwrap().status() == 200)
        .count();
    assert_eq!(ok, 1, "one of three at once");
    assert_eq!(delivered(to_posted).await, 2, "never more than allocated");
    // The drawn household: recorded under Al-Amal on the registration the pool drew.
    let res = deliver(&amal, to_drawn, vec![("given_on", today.clone())])
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (org, record): (i64, i64) = sqlx::query_as(
        "SELECT a.org_id, a.record_id FROM assistance a JOIN pool_deliveries d ON d.assistance_id = a.id \
         WHERE d.allocation_id = $1",
    )
    .bind(to_drawn)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(org, app.org_id("amal").await);
    let need_record: (i64,) = sqlx::query_as(
        "SELECT n.record_id FROM pool_allocations a JOIN pool_needs n ON n.id = a.need_id WHERE a.id = $1",
    )
    .bind(to_drawn)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(record, need_record.0);
    // More than allocated is refused.
    let res = deliver(
        &amal,
        to_posted,
        vec![
            ("given_on", today.clone()),
            ("households", "AMAL-002,5".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    // The ledger still verifies after the deliveries.
    let ledger = amal.page(&app, "/assistance").await;
    assert!(
        ledger.contains("pool"),
        "the entries are in the member's ledger"
    );
}
on_both_backends!(pool_registry_and_deliveries, registry_needs_and_deliveries);

/// Posts a need of `category` and returns its id.
async fn post_need_of(
    app: &TestApp,
    who: &Session,
    category: &str,
    governorate: &str,
    quantity: &str,
    priority: &str,
) -> i64 {
    let fields = [
        ("category", category),
        ("quantity", quantity),
        ("governorate", governorate),
        ("priority", priority),
    ];
    let res = post(app, who, "/pool/needs", &fields).await;
    assert_eq!(res.status(), 303);
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM pool_needs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}
