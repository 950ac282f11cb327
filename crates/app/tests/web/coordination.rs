//! Issue 14: the 4W counted once per person, members' activities, the public observatory.

use crate::helpers::TestApp;
use crate::on_both_backends;
use mizalla::coordination::fourw::{self, Query, Source};
use mizalla::coordination::{Level, Period};
use mizalla::registry::{self, Incoming};

/// A family of Sohag as a member wrote it: `(member key, name, national ID, relation)`.
fn sohag_rows(rows: &[(&str, &str, &str, &str)], household: &str) -> Incoming {
    Incoming {
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, (key, name, nid, relation))| {
                (
                    i as u64 + 2,
                    link::record::RawRecord {
                        record_id: (*key).into(),
                        household_ref: household.into(),
                        relation_to_head: (*relation).into(),
                        full_name: (*name).into(),
                        national_id: (*nid).into(),
                        governorate: "محافظة سوهاج".into(),
                        district: "مركز أخميم".into(),
                        village: "الصوامعة".into(),
                        ..Default::default()
                    },
                )
            })
            .collect(),
        rejected: vec![],
        order: link::normalize::date::Order::DayFirst,
    }
}

const HEAD: (&str, &str) = ("سيد محمود عبد الرحيم", "27503152600139");
const WIFE: (&str, &str) = ("نادية علي حسانين", "28001012600242");
const OTHER: (&str, &str) = ("جرجس مينا عبد الملاك", "26812252600356");

/// Registers the Sohag families with three members and records food boxes by two of them:
/// the same household from Al-Amal and from Al-Nour; another only from Al-Amal.
async fn three_members_two_helpers(app: &TestApp) {
    for (code, prefix, with_other) in [
        ("amal", "SA", true),
        ("nour", "SN", false),
        ("khair", "SK", false),
    ] {
        let org = app.org_id(code).await;
        let mut rows = vec![
            (format!("{prefix}-1"), HEAD.0, HEAD.1, "رب الأسرة"),
            (format!("{prefix}-2"), WIFE.0, WIFE.1, "زوجة"),
        ];
        if with_other {
            rows.push((format!("{prefix}-3"), OTHER.0, OTHER.1, "رب الأسرة"));
        }
        let rows: Vec<(&str, &str, &str, &str)> = rows
            .iter()
            .map(|(k, n, i, r)| (k.as_str(), *n, *i, *r))
            .collect();
        let mut incoming = sohag_rows(&rows[..2], "F1");
        if with_other {
            incoming.rows.extend(
                sohag_rows(&rows[2..], "F2")
                    .rows
                    .into_iter()
                    .map(|(l, r)| (l + 2, r)),
            );
        }
        registry::commit(
            &app.db,
            None,
            org,
            "sohag.xlsx",
            &incoming,
            &Default::default(),
        )
        .await
        .unwrap();
    }
    let record = |key: &'static str| async move {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM registry_records WHERE member_key = $1")
            .bind(key)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        id
    };
    for (email, key) in [
        ("staff@amal.demo", "SA-1"),
        ("staff@amal.demo", "SA-3"),
        ("staff@nour.demo", "SN-2"),
    ] {
        let actor = app.actor(email).await;
        mizalla::assistance::record(
            &app.db,
            &actor,
            &mizalla::assistance::AssistanceInput {
                record_id: record(key).await.to_string(),
                scope: "household".into(),
                category: "food_box".into(),
                quantity: "1".into(),
                value: "300".into(),
                given_on: mizalla::db::today(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
}

async fn counts_each_person_once(app: TestApp) {
    three_members_two_helpers(&app).await;
    // The registry recognised the same family across the three members.
    let (persons,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT person_id) FROM registry_records WHERE member_key IN ('SA-1', 'SN-1', 'SK-1')",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        persons, 1,
        "the head of the family is one person in the registry"
    );
    for level in [Level::Governorate, Level::District, Level::Village] {
        let rows = fourw::rows(
            &app.db,
            &Query {
                level,
                period: Period::All,
                category: Some("food_box".into()),
                governorate: Some("26".into()),
                ..Query::default()
            },
        )
        .await
        .unwrap();
        let counted: Vec<_> = rows
            .iter()
            .filter(|r| r.source == Source::Counted)
            .collect();
        let row_of = |code: &str| {
            counted
                .iter()
                .find(|r| r.org_code == code)
                .unwrap_or_else(|| panic!("no row of {code}: {counted:?}"))
        };
        let alliance = row_of("*");
        let (amal, nour) = (row_of("amal"), row_of("nour"));
        assert!(
            counted.iter().all(|r| r.org_code != "khair"),
            "khair gave nothing"
        );
        // Al-Amal helped the head's household and another; Al-Nour the wife of the first.
        assert_eq!((amal.persons, amal.households), (2, Some(2)));
        assert_eq!((nour.persons, nour.households), (1, Some(1)));
        // The alliance reached two households, three registered people… but helped persons:
        // the head and the other family's head from Al-Amal, the wife from Al-Nour.
        assert_eq!(alliance.households, Some(2), "{level:?}");
        assert_eq!(alliance.persons, 3, "{level:?}");
        let members_households: u64 = counted
            .iter()
            .filter(|r| r.org_id.is_some())
            .filter_map(|r| r.households)
            .sum();
        assert_eq!(members_households, 3);
        assert_ne!(
            alliance.households,
            Some(members_households),
            "the alliance's total is not the sum of the members' rows"
        );
        assert_eq!(alliance.quantity, Some(3));
        assert_eq!(alliance.value_piastres, Some(90_000));
        assert_eq!(alliance.place.adm1_code, "26");
        assert_eq!(alliance.place.adm1_name, "سوهاج");
        if level != Level::Governorate {
            assert_eq!(alliance.place.adm2_name, "مركز أخميم");
        }
        if level == Level::Village {
            assert_eq!(alliance.place.adm3_name, "الصوامعة");
        }
    }

    // A reversed entry counts for nothing.
    let nour = app.actor("staff@nour.demo").await;
    let (entry,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM assistance a JOIN registry_records r ON r.id = a.record_id WHERE r.member_key = 'SN-2'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    mizalla::assistance::reverse(&app.db, &nour, entry)
        .await
        .unwrap();
    let rows = fourw::rows(
        &app.db,
        &Query {
            period: Period::All,
            governorate: Some("26".into()),
            ..Query::default()
        },
    )
    .await
    .unwrap();
    // The ledger's rows (the demo's trainees in Sohag are rows of their own).
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| !mizalla::events::is_trained_category(&r.category))
        .collect();
    assert!(rows.iter().all(|r| r.org_code != "nour"), "{rows:?}");
    let alliance = rows.iter().find(|r| r.org_code == "*").unwrap();
    assert_eq!((alliance.persons, alliance.households), (2, Some(2)));
}

on_both_backends!(fourw_counts, counts_each_person_once);

/// A member reads the 4W page: every member's rows, other members' figures only in the one
/// published table (governorates by quarter, small counts hidden), presence elsewhere, no
/// alliance rows, no names or IDs anywhere; the secretariat reads every figure.
async fn members_read_aggregates_only(app: TestApp) {
    three_members_two_helpers(&app).await;
    let khair = app.login("staff@khair.demo").await;
    let page = khair
        .page(
            &app,
            "/coordination?level=village&period=all&governorate=26",
        )
        .await;
    for secret in [
        HEAD.0, HEAD.1, WIFE.0, WIFE.1, OTHER.0, OTHER.1, "SA-1", "SN-2",
    ] {
        assert!(!page.contains(secret), "{secret} on a member's 4W page");
    }
    assert!(page.contains("الصوامعة"));
    assert!(
        page.contains("تعمل هنا"),
        "finer levels say who works there, no more"
    );
    assert!(
        !page.contains("التحالف (كل شخص"),
        "no alliance rows for members"
    );
    // A finer level or another period gives no figure to subtract from the published table.
    for query in [
        "level=village&period=all",
        "level=district&period=quarter",
        "level=governorate&period=month",
        "level=governorate&period=quarter&from=01/01/2026",
    ] {
        let csv = khair
            .page(
                &app,
                &format!("/coordination?{query}&governorate=26&format=csv"),
            )
            .await;
        for line in csv.lines().skip(2) {
            let cells: Vec<&str> = line.split(',').collect();
            assert!(!line.starts_with("*,"), "{query}: {line}");
            assert_eq!(cells[11], "تعمل هنا", "{query}: {line}");
            assert!(cells[12..].iter().all(|c| c.is_empty()), "{query}: {line}");
        }
    }
    let csv = khair
        .page(
            &app,
            "/coordination?level=governorate&period=quarter&governorate=26&format=csv",
        )
        .await;
    assert!(csv.contains("#org+impl+code"), "{csv}");
    let amal_row = csv
        .lines()
        .find(|l| l.starts_with("amal,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        amal_row.contains(",<10,<10,,"),
        "small counts hidden, units and money never shown: {amal_row}"
    );
    for secret in [HEAD.1, WIFE.1, OTHER.1] {
        assert!(!csv.contains(secret));
    }
    // Al-Amal sees its own figures whole, at any level.
    let amal = app.login("staff@amal.demo").await;
    let csv = amal
        .page(
            &app,
            "/coordination?level=village&period=all&governorate=26&format=csv",
        )
        .await;
    let own = csv
        .lines()
        .find(|l| l.starts_with("amal,") && l.contains("food_box"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(own.contains(",2,2,2,600"), "{own}");
    let staff = app.login("staff@secretariat.demo").await;
    let csv = staff
        .page(
            &app,
            "/coordination?level=village&period=all&governorate=26&format=csv",
        )
        .await;
    assert!(
        !csv.contains("<10"),
        "the secretariat sees every figure: {csv}"
    );
    assert!(
        csv.lines().any(|l| l.starts_with("*,")),
        "and the alliance's rows"
    );
}

on_both_backends!(fourw_privacy, members_read_aggregates_only);

/// Every number the observatory publishes, with where it is.
fn numbers(v: &serde_json::Value, at: &str, out: &mut Vec<(String, u64)>) {
    match v {
        serde_json::Value::Number(n) => out.push((at.to_owned(), n.as_u64().unwrap_or(0))),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, &format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                numbers(x, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// The observatory needs no login, shows nothing under the threshold and no personal data.
async fn observatory_is_public_and_suppressed(app: TestApp) {
    three_members_two_helpers(&app).await;
    let anonymous = TestApp::client();
    let res = anonymous
        .get(app.url("/api/v1/observatory"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let json: serde_json::Value = res.json().await.unwrap();
    let mut all = Vec::new();
    numbers(&json, "", &mut all);
    for (at, n) in &all {
        assert!(
            *n == 0 || *n >= 10,
            "{at} = {n} is under the threshold: {json}"
        );
    }
    assert_eq!(json["persons"], "<10", "{json}");
    let page = anonymous
        .get(app.url("/observatory"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;10"));
    for secret in [HEAD.0, HEAD.1, WIFE.0, OTHER.0, "SA-1"] {
        assert!(!page.contains(secret));
    }
    // The same figures a minute later come from the cache; a new entry is seen at once.
    let before = mizalla::coordination::observatory::current(&app.db)
        .await
        .unwrap();
    let again = mizalla::coordination::observatory::current(&app.db)
        .await
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&before, &again));
}

on_both_backends!(observatory, observatory_is_public_and_suppressed);

/// A member reports an activity from the form (once, however often the form is sent), and a
/// list from a file with a preview; bad rows are explained; the 4W shows them as reported.
async fn activities_from_the_form_and_a_list(app: TestApp) {
    let amal = app.login("staff@amal.demo").await;
    let form = amal.page(&app, "/activities/new").await;
    let submission = form
        .split("name=\"submission\" value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let fields = [
        ("_csrf", amal.csrf.as_str()),
        ("submission", submission.as_str()),
        ("type_code", "training"),
        ("title", "تدريب على الخياطة"),
        ("governorate", "26"),
        ("district", "أخميم"),
        ("village", "الصوامعة"),
        ("starts_on", "١/٣/٢٠٢٦"),
        ("ends_on", ""),
        ("status", "done"),
        ("reached_total", "45"),
        ("reached_women", "40"),
        ("reached_children", "0"),
    ];
    for _ in 0..2 {
        let res = amal
            .client
            .post(app.url("/activities"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            303,
            "answered with a redirect to the activity's page"
        );
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let page = amal.page(&app, &location).await;
        assert!(page.contains("حُفظ النشاط"), "{page}");
    }
    assert_eq!(
        app.count("activities").await,
        1,
        "the same form twice saves once"
    );
    // Errors next to their fields, in Arabic.
    let mut bad = fields.to_vec();
    bad.retain(|(k, _)| *k != "submission");
    bad.push(("submission", "another-key"));
    for (k, v) in bad.iter_mut() {
        if *k == "reached_women" {
            *v = "90";
        }
    }
    let res = amal
        .client
        .post(app.url("/activities"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("أكبر من إجمالي"));

    let csv = "نوع النشاط,العنوان,المحافظة,المركز,القرية,تاريخ البدء,الحالة,عدد المستفيدين,النساء\n\
               قافلة طبية,قافلة الصوامعة,سوهاج,أخميم,الصوامعة,15/04/2026,تم,120,70\n\
               ندوة توعية,ندوة,Atlantis,,,15/04/2026,تم,30,10\n";
    let res = amal
        .upload(&app, "/activities/upload", "list.csv", csv)
        .await;
    assert_eq!(res.status(), 303);
    let preview = res.headers()["location"].to_str().unwrap().to_owned();
    let page = amal.page(&app, &preview).await;
    assert!(page.contains("لم نتعرف على هذه المحافظة"), "{page}");
    assert_eq!(app.count("activities").await, 1, "a preview saves nothing");
    // A double click: the same list saved four times at once is saved once.
    let commit = || {
        amal.client
            .post(app.url(&format!("{preview}/commit")))
            .form(&[("_csrf", amal.csrf.as_str())])
            .send()
    };
    let (a, b, c, d) = tokio::join!(commit(), commit(), commit(), commit());
    let statuses: Vec<u16> = [a, b, c, d]
        .iter()
        .map(|r| r.as_ref().unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 404, 409].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(
        app.count("activities").await,
        2,
        "the good row is saved, the bad one refused"
    );
    let rows = fourw::rows(
        &app.db,
        &Query {
            period: Period::All,
            source: Some(Source::Reported),
            ..Query::default()
        },
    )
    .await
    .unwrap();
    let alliance: u64 = rows
        .iter()
        .filter(|r| r.org_id.is_none())
        .map(|r| r.persons)
        .sum();
    assert_eq!(alliance, 165);
    assert!(rows.iter().all(|r| r.households.is_none()));
    // Another member cannot open or change it.
    let nour = app.login("staff@nour.demo").await;
    let (id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM activities")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = nour
        .client
        .get(app.url(&format!("/activities/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Every write is in the audit trail.
    let (audited,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'activity'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(audited, 2);
}

on_both_backends!(activities, activities_from_the_form_and_a_list);

/// The home page answers "what needs me today" for each role, from what is recorded.
async fn home_pages_say_what_needs_attention(app: TestApp) {
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
            n
        }
    };
    let staff = app.login("staff@secretariat.demo").await;
    let page = staff.page(&app, "/").await;
    let today = page
        .split("id=\"today\"")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    let pairs = count("SELECT COUNT(*) FROM registry_pairs WHERE status = 'open'").await;
    assert!(pairs >= 1, "the demo has a pair to review");
    assert!(
        today.contains(&format!("<strong>{pairs}</strong><span>زوج ينتظر المراجعة")),
        "{today}"
    );
    let persons = count("SELECT COUNT(DISTINCT person_id) FROM registry_records").await;
    assert!(today.contains(&format!("<strong>{persons}</strong><span>شخص في السجل")));
    let amal = app.login("staff@amal.demo").await;
    let page = amal.page(&app, "/").await;
    let today = page
        .split("id=\"today\"")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    let own = count(
        "SELECT COUNT(*) FROM registry_records WHERE org_id = (SELECT id FROM orgs WHERE code = 'amal')",
    )
    .await;
    assert!(
        today.contains(&format!("<strong>{own}</strong><span>تسجيل لجمعيتكم")),
        "{today}"
    );
    assert!(
        !today.contains("زوج ينتظر المراجعة"),
        "a member reviews no pairs"
    );
    assert!(
        !today.contains("شخص في السجل الموحد"),
        "nor sees the registry's size"
    );
}

on_both_backends!(home, home_pages_say_what_needs_attention);

/// Issue 14, 5: the secretariat sets a goal with indicators from each source; progress is
/// computed from what members record, by governorate and by member; a member enters a value.
async fn goals_follow_what_members_record(app: TestApp) {
    use mizalla::coordination::goals::{self, GoalInput, IndicatorInput, ValueInput};
    three_members_two_helpers(&app).await;
    let staff = app.actor("staff@secretariat.demo").await;
    let year = &mizalla::db::today()[..4];
    let goal = goals::create(
        &app.db,
        &staff,
        &GoalInput {
            title: "دعم غذائي في سوهاج".into(),
            starts_on: format!("{year}-01-01"),
            ends_on: format!("{year}-12-31"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ledger = goals::add_indicator(
        &app.db,
        &staff,
        goal,
        &IndicatorInput {
            title: "أسر حصلت على كرتونة".into(),
            source: "ledger".into(),
            measure: "households".into(),
            kind: "food_box".into(),
            governorates: vec!["سوهاج".into()],
            target: "٤".into(),
        },
    )
    .await
    .unwrap();
    let entered = goals::add_indicator(
        &app.db,
        &staff,
        goal,
        &IndicatorInput {
            title: "متطوعون".into(),
            source: "entered".into(),
            target: "50".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // A member cannot set goals; the secretariat cannot enter members' values.
    let amal = app.actor("staff@amal.demo").await;
    assert!(
        goals::create(&app.db, &amal, &GoalInput::default())
            .await
            .is_err()
    );
    let value = ValueInput {
        value: "12".into(),
        note: "متطوعو الصوامعة".into(),
        as_of: String::new(),
    };
    assert!(
        goals::enter_value(&app.db, &staff, entered, &value)
            .await
            .is_err()
    );
    goals::enter_value(&app.db, &amal, entered, &value)
        .await
        .unwrap();
    // A value the platform counts is not typed.
    assert!(
        goals::enter_value(&app.db, &amal, ledger, &value)
            .await
            .is_err()
    );
    let progress = goals::progress(&app.db, &goals::get(&app.db, goal).await.unwrap())
        .await
        .unwrap();
    let food = &progress[0];
    // Two households: the first one, helped by Al-Amal and Al-Nour, counts once.
    assert_eq!((food.value, food.indicator.target), (2, 4));
    assert_eq!(food.percent, 50.0);
    assert_eq!(food.by_governorate.len(), 1);
    assert_eq!(food.by_governorate[0].0, "26");
    let amal_id = app.org_id("amal").await;
    let nour_id = app.org_id("nour").await;
    assert_eq!(food.by_member, vec![(amal_id, 2), (nour_id, 1)]);
    assert_eq!(progress[1].value, 12);
    // The page: the secretariat sees every member's contribution, a member its own only.
    let page = app
        .login("staff@secretariat.demo")
        .await
        .page(&app, &format!("/goals/{goal}"))
        .await;
    assert!(
        page.contains("\u{2068}2\u{2069} من \u{2068}4\u{2069} (\u{2068}50\u{2069}%)"),
        "{page}"
    );
    assert!(page.contains("مؤسسة النور الخيرية"));
    let page = app
        .login("staff@khair.demo")
        .await
        .page(&app, &format!("/goals/{goal}"))
        .await;
    assert!(
        !page.contains("مؤسسة النور الخيرية"),
        "no other member's contribution"
    );
    assert!(
        page.contains("أقل من \u{2068}10\u{2069} من \u{2068}4\u{2069}"),
        "the alliance's small count is hidden from members: {page}"
    );
    assert!(
        page.contains("\u{2068}12\u{2069} من \u{2068}50\u{2069}"),
        "entered values are no count of families"
    );
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity IN ('goal', 'indicator', 'indicator_value')",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 4);
}

on_both_backends!(goals, goals_follow_what_members_record);
