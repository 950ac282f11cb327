//! In Debian's Chromium, driven through chromedriver: sign in in Arabic, record an agreement
//! with two points, mark one done, and check the page is right-to-left and shows the status.
//! Saves a screenshot to `test-artifacts/`.

use crate::helpers::{Backend, TestApp};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free port, or `None` (with a printed line) when it is not installed.
/// Under CI a missing browser fails the run instead of skipping.
async fn chromedriver() -> Option<(Driver, String)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but Chromium/chromedriver are not installed: browser tests must run"
        );
        eprintln!("skipped: browser tests (apt-get install chromium chromium-driver to run them)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((Driver(child), url));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(webdriver: &str) -> fantoccini::Client {
    let profile =
        std::env::temp_dir().join(format!("mizalla-chromium-{}", crate::helpers::unique()));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1400",
                     format!("--user-data-dir={}", profile.display()), "--lang=ar"]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("connect to chromedriver")
}

/// Signs `email` in on the Arabic login page and waits until the signed-in page has loaded (its
/// sign-out form is there): a page asked for before that could be replaced by the login's own
/// redirect, which a loaded machine delivers late.
async fn sign_in(
    b: &fantoccini::Client,
    app: &TestApp,
    email: &str,
) -> Result<(), fantoccini::error::CmdError> {
    b.delete_all_cookies().await?;
    b.goto(&app.url("/login?lang=ar")).await?;
    b.wait()
        .for_element(Locator::Id("email"))
        .await?
        .send_keys(email)
        .await?;
    b.find(Locator::Id("password"))
        .await?
        .send_keys(mizalla::demo::PASSWORD)
        .await?;
    follow(b, b.find(Locator::Css("form button[type=submit]")).await?).await?;
    b.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("form[action='/logout']"))
        .await?;
    Ok(())
}

/// Clicks `element` (a submit button or a link) and waits until the page it leads to has
/// replaced the current one and finished loading. Waiting for an element of the next page is not
/// enough when the current page has one like it: a step could then act on a node of the page
/// being left ("Node with given id does not belong to the document" on a busy machine).
async fn follow(
    b: &fantoccini::Client,
    element: fantoccini::elements::Element,
) -> Result<(), fantoccini::error::CmdError> {
    b.execute("window.__mizallaLeaving = true;", vec![]).await?;
    element.click().await?;
    let started = std::time::Instant::now();
    loop {
        let state = b
            .execute(
                "return window.__mizallaLeaving === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        // A script run while the page is being replaced can fail; that is not the answer yet.
        if matches!(state, Ok(serde_json::Value::Bool(true))) {
            return Ok(());
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the next page did not load within a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `condition` holds, checking it every 50 ms for at most a minute.
async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !condition().await {
        assert!(
            std::time::Instant::now() < deadline,
            "never came true: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretariat_officer_records_an_agreement_in_arabic_and_marks_a_point_done() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url("/agreements/new")).await?;
        b.wait().for_element(Locator::Id("title")).await?.send_keys("زيارة الأمانة لجمعية الأمل").await?;
        b.execute("document.getElementById('held_on').value = '2026-03-01';", vec![]).await?;
        b.find(Locator::Id("place")).await?.send_keys("أسيوط").await?;
        let amal = app.org_id("amal").await;
        b.find(Locator::Css(&format!("input[name=member_ids][value='{amal}']"))).await?.click().await?;
        b.find(Locator::Id("point_body_1")).await?.send_keys("تكثيف التنسيق بين الأمانة والجمعية").await?;
        b.find(Locator::Id("point_body_2")).await?.send_keys("تنظيم ورش عمل مشتركة").await?;
        follow(&b, b.find(Locator::Css("#agreement-form button[type=submit]")).await?).await?;
        // The detail page: two points, both open.
        b.wait().for_element(Locator::Css("article.point")).await?;
        let heading = b.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(heading, "زيارة الأمانة لجمعية الأمل");
        let points = b.find_all(Locator::Css("article.point")).await?;
        assert_eq!(points.len(), 2);
        // Mark the first point done.
        let form = b.find(Locator::Css("article.point form.follow-up")).await?;
        form.find(Locator::Css("textarea")).await?.send_keys("تم الاتفاق على اجتماع شهري").await?;
        form.find(Locator::Css("select")).await?.select_by_value("done").await?;
        follow(&b, form.find(Locator::Css("button[type=submit]")).await?).await?;
        b.wait()
            .for_element(Locator::XPath("//article[contains(@class, 'point')][contains(., 'تم الاتفاق على اجتماع شهري')]"))
            .await?;
        let first = b.find(Locator::Css("article.point")).await?;
        let meta = first.find(Locator::Css(".meta")).await?.text().await?;
        assert!(meta.contains("تم"), "status shown: {meta}");
        assert!(first.text().await?.contains("تم الاتفاق على اجتماع شهري"));
        let dir = b.execute("return [document.documentElement.dir, document.documentElement.lang, getComputedStyle(document.body).direction];", vec![]).await?;
        assert_eq!(dir, serde_json::json!(["rtl", "ar", "rtl"]));
        b.execute("window.scrollTo(0, 0);", vec![]).await?;
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("agreement-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

/// The registry in Chromium: a member uploads an Excel list whose ID column the platform does not
/// recognise, maps it, sees the preview with a bad row explained and commits; a secretariat
/// officer decides a pair in the review queue; the member records a food box for a family that
/// another member assisted last week and is warned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_imports_a_list_an_officer_decides_and_an_overlap_is_warned() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    // The member's workbook: "رقم البطاقة" (card number) holds the national ID.
    let dir = std::env::temp_dir().join(format!("mizalla-xlsx-{}", crate::helpers::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let xlsx = dir.join("amal-list.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 5]; 4] = [
        [
            "كود",
            "الاسم بالكامل",
            "رقم البطاقة",
            "تاريخ الميلاد",
            "النوع",
        ],
        [
            "AM-100",
            "سعاد محمود حسن",
            "28501010101245",
            "01/01/1985",
            "أنثى",
        ],
        ["AM-101", "=HYPERLINK(\"http://evil\")", "", "", ""],
        [
            "AM-102",
            "نادية فؤاد سالم",
            "29003150101355",
            "01/01/1970",
            "أنثى",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(&xlsx).unwrap();

    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url("/registry/import")).await?;
        b.find(Locator::Id("file")).await?.send_keys(xlsx.to_str().unwrap()).await?;
        follow(&b, b.find(Locator::Css("form[enctype] button[type=submit]")).await?).await?;
        // The ID column is not recognised; the record number and the name are, so the preview
        // shows at once. The member maps the ID column and previews again.
        let select = b.wait().for_element(Locator::Id("col_2")).await?;
        assert_eq!(select.prop("value").await?.as_deref(), Some(""));
        select.select_by_value("national_id").await?;
        follow(&b, b.find(Locator::Css("form[action$='/mapping'] button[type=submit]")).await?).await?;
        b.wait().for_element(Locator::Css("form[action$='/commit']")).await?;
        assert_eq!(b.find(Locator::Id("col_2")).await?.prop("value").await?.as_deref(), Some("national_id"));
        let main = b.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("معادلة إكسل"), "the formula row is explained: {main}");
        assert!(main.contains("الرقم القومي لا يتفق مع تاريخ الميلاد أو النوع"), "the inconsistent ID is explained: {main}");
        let dir_attr = b.execute("return document.documentElement.dir;", vec![]).await?;
        assert_eq!(dir_attr, serde_json::json!("rtl"));
        follow(&b, b.find(Locator::Css("form[action$='/commit'] button[type=submit]")).await?).await?;
        let done = b.wait().for_element(Locator::Css("p.ok")).await?.text().await?;
        assert!(done.contains("استُورد \u{2068}2\u{2069} صف"), "{done}");

        // A secretariat officer decides a pair. The engine proposes pairs it is unsure of; this
        // one (the new registration and another member's) is put in the queue for the test.
        let new_record: (i64,) = sqlx::query_as("SELECT id FROM registry_records WHERE member_key = 'AM-100'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let other: (i64,) = sqlx::query_as("SELECT id FROM registry_records WHERE member_key = 'NOUR-004'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO registry_pairs (record_l, record_r, probability, explanation, status, created_at) VALUES ($1, $2, 0.6, 'name: close', 'open', '2026-01-01T00:00:00Z')")
            .bind(new_record.0.min(other.0))
            .bind(new_record.0.max(other.0))
            .execute(&app.db.pool)
            .await
            .unwrap();
        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url("/registry/review")).await?;
        let pairs_before = b.find_all(Locator::Css("section.pair")).await?.len();
        assert!(pairs_before >= 1);
        let masked = b.find(Locator::Css("section.pair")).await?.text().await?;
        assert!(!masked.contains("28501010101245"), "IDs are masked in the queue");
        follow(&b, b.find(Locator::Css("section.pair button[value=different]")).await?).await?;
        // The decision is shown with what it will change before it is made.
        b.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css("ul.effect")).await?;
        follow(&b, b.find(Locator::Css("#confirm")).await?).await?;
        // The decision is one transaction with its re-link: wait for it, not for a page.
        eventually("the pair is decided", || async {
            let (decided,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM registry_pairs WHERE status = 'different'")
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            decided == 1
        })
        .await;

        // Al-Nour gave the family of NOUR-001 a food box ten days ago (demo); Al-Amal
        // registered the same family and now records a food box too.
        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url("/registry?q=27804120101234")).await?;
        follow(&b, b.find(Locator::Css("a[href^='/registry/records/']")).await?).await?;
        b.wait().for_element(Locator::Id("category")).await?.select_by_value("food_box").await?;
        follow(&b, b.find(Locator::Css("form[action='/assistance'] button[type=submit]")).await?).await?;
        let warning = b.wait().for_element(Locator::Css(".overlap-warning")).await?.text().await?;
        assert!(warning.contains("قدمت جمعية أخرى"), "{warning}");
        assert!(!warning.contains("النور"), "the other member stays unnamed: {warning}");
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("overlap-warning-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

/// Issue 13, 6 and the phone: on an Arabic page a code or number sits next to its label (it was
/// at the far end of its row, `dir="ltr"` with `text-align: start`), one digit style and one date
/// format; at 390 px the registry list fits the screen as cards and the menu is a button; a
/// refresh after recording assistance records nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_pages_keep_values_by_their_labels_and_fit_a_phone() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    // A list that typed the birth date and ID in Arabic-Indic digits.
    sqlx::query("UPDATE registry_records SET date_of_birth = '١١/٨/١٩٨٢', national_id = '٢٧٨٠٤١٢٠١٠١٢٣٤' WHERE member_key = 'AMAL-001'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (record,): (i64,) =
        sqlx::query_as("SELECT id FROM registry_records WHERE member_key = 'AMAL-001'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@amal.demo").await?;
        b.set_window_size(1280, 1000).await?;
        b.goto(&app.url(&format!("/registry/records/{record}")))
            .await?;
        b.wait().for_element(Locator::Css("dl.facts")).await?;
        // The gap between each label and its value, in pixels (the label is on the right).
        let gaps = b
            .execute(
                "return Array.from(document.querySelectorAll('dl.facts dt')).map(dt => {
                   const dd = dt.nextElementSibling;
                   const value = dd.querySelector('bdi') || dd;
                   const range = document.createRange(); range.selectNodeContents(value);
                   const v = range.getBoundingClientRect(), l = dt.getBoundingClientRect();
                   return [dt.textContent.trim(), Math.round(l.left - v.right)];
                 });",
                vec![],
            )
            .await?;
        for pair in gaps.as_array().unwrap() {
            let gap = pair[1].as_i64().unwrap();
            assert!(
                (0..=80).contains(&gap),
                "a value far from its label: {pair} in {gaps}"
            );
        }
        let facts = b.find(Locator::Css("dl.facts")).await?.text().await?;
        assert!(facts.contains("11 أغسطس 1982"), "one date format: {facts}");
        assert!(facts.contains("27804120101234"), "one digit style: {facts}");
        assert!(!facts.chars().any(|c| ('٠'..='٩').contains(&c)), "{facts}");

        // A refresh of the page after recording assistance records nothing more.
        b.find(Locator::Id("category"))
            .await?
            .select_by_value("clothing")
            .await?;
        follow(
            &b,
            b.find(Locator::Css(
                "form[action='/assistance'] button[type=submit]",
            ))
            .await?,
        )
        .await?;
        // The entry's own page (not the record page, which has buttons too) after the redirect.
        b.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(
                "main a.button[href^='/registry/records/']:not(.secondary)",
            ))
            .await?;
        let count = || async {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM assistance WHERE record_id = $1")
                    .bind(record)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
            n
        };
        let recorded = count().await;
        assert!(recorded >= 1);
        b.refresh().await?;
        b.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(
                "main a.button[href^='/registry/records/']:not(.secondary)",
            ))
            .await?;
        b.back().await?;
        b.refresh().await?;
        assert_eq!(count().await, recorded, "a refresh records nothing");

        // A phone: the list fits the screen as cards, each value with its column's name.
        b.set_window_size(390, 844).await?;
        b.goto(&app.url("/registry")).await?;
        b.wait()
            .for_element(Locator::Css("table.list.cards"))
            .await?;
        let fit = b
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth,
                         getComputedStyle(document.querySelector('table.list tbody tr')).display,
                         document.querySelector('table.list tbody td').dataset.label || '',
                         getComputedStyle(document.querySelector('.site-menu')).display,
                         getComputedStyle(document.querySelector('.menu-toggle')).display];",
                vec![],
            )
            .await?;
        let (scroll, inner) = (fit[0].as_i64().unwrap(), fit[1].as_i64().unwrap());
        assert!(scroll <= inner, "the page is wider than the phone: {fit}");
        assert_eq!(fit[2], "block", "rows are cards: {fit}");
        assert_eq!(fit[3], "رقم السجل", "{fit}");
        assert_eq!(fit[4], "none", "the menu is folded: {fit}");
        assert_ne!(fit[5], "none", "behind a button: {fit}");
        let toggle = b.find(Locator::Css(".menu-toggle")).await?;
        toggle.click().await?;
        assert_eq!(toggle.attr("aria-expanded").await?.as_deref(), Some("true"));
        let shown = b
            .execute(
                "return getComputedStyle(document.querySelector('.site-menu')).display;",
                vec![],
            )
            .await?;
        assert_eq!(shown, "flex");
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("registry-phone-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

/// Issue 14: the secretariat opens the coverage map in Arabic, picks a kind, and reads the
/// governorates' colours and the places served by several members and by none; a member reads
/// the 4W with other members' small figures hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_reads_the_coverage_map_and_a_member_the_4w() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    // The demo's picture: families, aid and activities across the members' governorates.
    mizalla::demo::picture::seed(&app.db).await.unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url("/coverage")).await?;
        b.wait()
            .for_element(Locator::Id("category"))
            .await?
            .select_by_value("food_box")
            .await?;
        b.find(Locator::Id("level"))
            .await?
            .select_by_value("village")
            .await?;
        follow(
            &b,
            b.find(Locator::Css("form.filters button[type=submit]"))
                .await?,
        )
        .await?;
        let state = b
            .execute(
                "return [document.documentElement.dir,
                         document.querySelector('#category').value,
                         document.querySelectorAll('#coverage-map path').length,
                         new Set([...document.querySelectorAll('#coverage-map path')]
                             .map(p => getComputedStyle(p).fill)).size,
                         document.querySelectorAll('#coverage-map path[class=c0]').length,
                         document.querySelectorAll('#coverage-governorates tbody tr').length];",
                vec![],
            )
            .await?;
        assert_eq!(state[0], "rtl");
        assert_eq!(state[1], "food_box");
        assert_eq!(state[2], 27, "every governorate drawn: {state}");
        assert!(state[3].as_i64().unwrap() >= 3, "need is told apart by colour: {state}");
        assert!(state[4].as_i64().unwrap() >= 5, "governorates without registered need stay pale: {state}");
        assert!(state[5].as_i64().unwrap() >= 10, "{state}");
        let places = b.find(Locator::Id("coverage-places")).await?.text().await?;
        assert!(places.contains("أكثر من جمعية"), "places served by several members: {places}");
        assert!(places.contains("احتياج بلا خدمة"), "places nobody served: {places}");
        // A governorate's figures are one click away from its shape.
        let tip = b
            .execute(
                "return document.querySelector('#coverage-map a[data-code=\"26\"]').getAttribute('aria-label');",
                vec![],
            )
            .await?;
        assert!(tip.as_str().unwrap().starts_with("سوهاج"), "{tip}");
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("coverage-ar.png"), png).unwrap();

        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url("/coordination?period=quarter")).await?;
        let table = b
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Id("fourw"))
            .await?
            .text()
            .await?;
        assert!(table.contains("<10"), "other members' small figures are hidden");
        assert!(!table.contains("التحالف (كل شخص"), "the alliance's figures are the observatory's");
        let png = b.screenshot().await?;
        std::fs::write(out.join("fourw-member-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

/// Issue 14, 7: the secretariat sends a coordination request from the form in Arabic; a member
/// sees it counted in the header, opens it and answers; the secretariat reads the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_sends_a_request_and_a_member_answers_it() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let b = browser(&webdriver).await;
    let title = "أرسلوا خطة قافلة الشتاء في سوهاج";
    let result = async {
        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url("/announcements/new")).await?;
        b.wait()
            .for_element(Locator::Id("title"))
            .await?
            .send_keys(title)
            .await?;
        b.find(Locator::Id("body"))
            .await?
            .send_keys("عدد الأسر والقرى وموعد القافلة")
            .await?;
        b.find(Locator::Id("answer_by"))
            .await?
            .send_keys("31/12/2099")
            .await?;
        b.find(Locator::Css("input[name=governorates][value='26']"))
            .await?
            .click()
            .await?;
        follow(
            &b,
            b.find(Locator::Css("form.form button[type=submit]"))
                .await?,
        )
        .await?;
        let sent = b.find(Locator::Css("main .note.ok")).await?.text().await?;
        assert!(sent.contains("أُرسل إلى"), "{sent}");
        let url = b.current_url().await?;
        let path = url.path().to_owned();

        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url("/")).await?;
        let count = b
            .wait()
            .for_element(Locator::Id("waiting-count"))
            .await?
            .text()
            .await?;
        assert!(
            count.trim().starts_with(|c: char| c.is_ascii_digit()),
            "{count}"
        );
        follow(
            &b,
            b.find(Locator::Css("nav a[href='/announcements']")).await?,
        )
        .await?;
        follow(&b, b.find(Locator::LinkText(title)).await?).await?;
        assert_eq!(b.current_url().await?.path(), path);
        b.find(Locator::Id("answer"))
            .await?
            .send_keys("قافلة لـ 120 أسرة في قرى أخميم يوم 15 يناير")
            .await?;
        follow(&b, b.find(Locator::Id("send-answer")).await?).await?;
        let saved = b.find(Locator::Css("main .note.ok")).await?.text().await?;
        assert!(saved.contains("حُفظ ردّك"), "{saved}");
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("request-answered-member-ar.png"), png).unwrap();

        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url(&path)).await?;
        let who = b
            .wait()
            .for_element(Locator::Id("recipients"))
            .await?
            .text()
            .await?;
        assert!(who.contains("قافلة لـ 120 أسرة"), "{who}");
        let png = b.screenshot().await?;
        std::fs::write(out.join("request-answers-secretariat-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_allocates_the_pool_and_reads_the_proposal_in_arabic() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@secretariat.demo").await?;
        b.goto(&app.url("/pool")).await?;
        b.wait()
            .for_element(Locator::Css("input[name=categories][value='blankets']"))
            .await?
            .click()
            .await?;
        b.find(Locator::Css("input[name=governorates][value='24']"))
            .await?
            .click()
            .await?;
        follow(
            &b,
            b.find(Locator::Css(
                "form[action='/pool/runs'] button[type=submit]",
            ))
            .await?,
        )
        .await?;
        assert!(b.current_url().await?.path().starts_with("/pool/runs/"));
        let dir = b
            .find(Locator::Css("html"))
            .await?
            .attr("dir")
            .await?
            .unwrap_or_default();
        assert_eq!(dir, "rtl");
        let table = b.find(Locator::Id("proposal")).await?.text().await?;
        assert!(table.contains("لماذا لم يذهب أكثر"), "{table}");
        assert!(
            table.contains("لُبّي الاحتياج كله") || table.contains("وُزّع العرض كله"),
            "{table}"
        );
        // Pin the first pair: a new run, with the pair marked pinned.
        let before = b.current_url().await?.path().to_owned();
        follow(
            &b,
            b.find(Locator::Css("#proposal form input[value='pin'] ~ button"))
                .await?,
        )
        .await?;
        let after = b.current_url().await?.path().to_owned();
        assert_ne!(before, after, "the pin ran the allocation again");
        let table = b.find(Locator::Id("proposal")).await?.text().await?;
        assert!(table.contains("مثبّت"), "{table}");
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("pool-proposal-ar.png"), png).unwrap();
        follow(
            &b,
            b.find(Locator::Css("form[action$='/publish'] button"))
                .await?,
        )
        .await?;
        let status = b.find(Locator::Css("h1 .badge")).await?.text().await?;
        assert_eq!(status.trim(), "منشور");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}

/// Issue 16: a member adds a guide to the library through its form, in Arabic, and finds it again
/// typing a word the way staff type it (ه for ة, without the article); the word is marked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_adds_a_guide_to_the_library_and_finds_it_typed_another_way() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let file = std::env::temp_dir().join(format!("دليل-المتطوعات-{}.txt", std::process::id()));
    std::fs::write(
        &file,
        "دليل المتطوعات في القوافل الطبية: الاستقبال، والتسجيل، ومرافقة المريضة إلى الطبيبة.",
    )
    .unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url("/library/new")).await?;
        b.wait()
            .for_element(Locator::Css("input[type=file]"))
            .await?
            .send_keys(file.to_str().unwrap())
            .await?;
        b.find(Locator::Id("tags"))
            .await?
            .send_keys("قوافل، متطوعات")
            .await?;
        b.find(Locator::Css("input[name=access][value=members]"))
            .await?
            .click()
            .await?;
        follow(
            &b,
            b.find(Locator::Css("form[action^='/library'] button[type=submit]"))
                .await?,
        )
        .await?;
        let note = b.find(Locator::Css("p.note.ok")).await?.text().await?;
        assert!(note.contains("أُضيفت الوثيقة"), "{note}");
        let title = b.find(Locator::Css("h1")).await?.text().await?;
        assert!(
            title.starts_with("دليل-المتطوعات"),
            "the file's name: {title}"
        );
        b.goto(&app.url("/library")).await?;
        b.wait()
            .for_element(Locator::Id("q"))
            .await?
            .send_keys("قوافل طبيه")
            .await?;
        follow(
            &b,
            b.find(Locator::Css("form.library-search button[type=submit]"))
                .await?,
        )
        .await?;
        let results = b.find(Locator::Id("library-results")).await?;
        assert!(results.text().await?.contains("دليل-المتطوعات"));
        let marked: Vec<String> = {
            let mut v = Vec::new();
            for m in results.find_all(Locator::Css("mark")).await? {
                v.push(m.text().await?);
            }
            v
        };
        assert!(
            marked.iter().any(|m| m == "القوافل") && marked.iter().any(|m| m == "الطبية"),
            "{marked:?}"
        );
        let png = b.screenshot().await?;
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("library-search-ar.png"), png).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    let _ = std::fs::remove_file(&file);
    result.expect("browser steps");
}

/// Issue 16: a member's admin registers two staff for a workshop, the organiser checks one in by
/// the code typed on a phone-sized page and closes the event; the attendee's page then offers the
/// certificate, which downloads as a PDF. Screenshots of each step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_registers_two_staff_the_organiser_checks_one_in_and_a_certificate_follows() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.actor("admin@secretariat.demo").await;
    let amal = app.org_id("amal").await;
    mizalla::users::create(
        &app.db,
        None,
        mizalla::users::NewUser {
            email: "staff2@amal.demo".into(),
            display_name: "رانيا عبد الحميد".into(),
            org_id: amal,
            role: mizalla::access::Role::MemberStaff,
            password: mizalla::demo::PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    let input = mizalla::events::EventInput {
        title_ar: "ورشة عمل: كتابة المقترحات".into(),
        title_en: "Workshop: writing proposals".into(),
        kind: "workshop".into(),
        capacity: "10".into(),
        registration_opens: "2026-01-01T09:00".into(),
        registration_closes: "2030-01-09T09:00".into(),
        certificate: "yes".into(),
        min_attendance: "100".into(),
        hours: "4".into(),
        session_starts: vec!["2030-01-10T10:00".into()],
        session_ends: vec!["2030-01-10T14:00".into()],
        session_place: vec!["مقر الأمانة الفنية".into()],
        ..Default::default()
    };
    let event = mizalla::events::create(&app.db, &admin, &input)
        .await
        .unwrap();
    let staff = app.actor("staff@amal.demo").await;
    let staff2 = app.actor("staff2@amal.demo").await;
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
    std::fs::create_dir_all(&out).unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        // The member's admin ticks two colleagues (and not themself).
        sign_in(&b, &app, "admin@amal.demo").await?;
        b.goto(&app.url(&format!("/events/{event}"))).await?;
        let me = b
            .wait()
            .for_element(Locator::Css("input[name=users]:checked"))
            .await?;
        me.click().await?;
        for u in [staff.user_id, staff2.user_id] {
            b.find(Locator::Css(&format!("input[name=users][value='{u}']")))
                .await?
                .click()
                .await?;
        }
        follow(
            &b,
            b.find(Locator::Css("form[action$='/register'] button[type=submit]"))
                .await?,
        )
        .await?;
        let note = b.find(Locator::Css("p.ok")).await?.text().await?;
        let note = note.replace(['\u{2068}', '\u{2069}'], "");
        assert!(note.contains("سُجّل 2"), "{note}");
        let rows = b.find(Locator::Id("registrations-table")).await?.text().await?;
        assert!(rows.contains("رانيا عبد الحميد"), "{rows}");
        std::fs::write(out.join("event-registered-ar.png"), b.screenshot().await?).unwrap();

        // The day comes: the workshop is under way.
        crate::events::held(&app, event).await;
        // The organiser, on a phone, types the code the attendee shows.
        let code = mizalla::events::registration::own(&app.db, &staff, event)
            .await
            .unwrap()
            .unwrap()
            .code;
        sign_in(&b, &app, "admin@secretariat.demo").await?;
        b.set_window_size(390, 844).await?;
        b.goto(&app.url(&format!("/events/{event}/checkin"))).await?;
        b.wait()
            .for_element(Locator::Id("code"))
            .await?
            .send_keys(&mizalla::events::grouped(&code).to_lowercase())
            .await?;
        follow(
            &b,
            b.find(Locator::Css("#checkin-form button[type=submit]")).await?,
        )
        .await?;
        let outcome = b.find(Locator::Id("outcome")).await?.text().await?;
        assert!(outcome.contains("أهلًا"), "{outcome}");
        let wide: bool = b
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                vec![],
            )
            .await?
            .as_bool()
            .unwrap_or(true);
        assert!(!wide, "the check-in page fits a phone");
        std::fs::write(out.join("event-checkin-phone-ar.png"), b.screenshot().await?).unwrap();
        b.set_window_size(1280, 1400).await?;

        // Closing gives the one who came the certificate.
        b.goto(&app.url(&format!("/events/{event}"))).await?;
        b.wait()
            .for_element(Locator::Css("#close input[name=confirm]"))
            .await?
            .click()
            .await?;
        follow(&b, b.find(Locator::Css("#close button[type=submit]")).await?).await?;
        let note = b.find(Locator::Css("p.ok")).await?.text().await?;
        assert!(note.contains("1"), "{note}");

        // The attendee downloads it.
        sign_in(&b, &app, "staff@amal.demo").await?;
        b.goto(&app.url(&format!("/events/{event}"))).await?;
        let link = b
            .wait()
            .for_element(Locator::Css("a[href$='/certificate']"))
            .await?;
        assert!(link.text().await?.contains("نزّل شهادتك"));
        std::fs::write(out.join("event-certificate-ar.png"), b.screenshot().await?).unwrap();
        let got = b
            .execute_async(
                "const done = arguments[0]; fetch(document.querySelector(\"a[href$='/certificate']\").href)\
                 .then(r => r.arrayBuffer().then(x => done([r.status, r.headers.get('content-type'), x.byteLength])));",
                vec![],
            )
            .await?;
        assert_eq!(got[0], 200, "{got}");
        assert_eq!(got[1], "application/pdf");
        assert!(got[2].as_u64().unwrap() > 10_000, "{got}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    b.close().await.ok();
    result.expect("browser steps");
}
