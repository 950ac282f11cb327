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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretariat_officer_records_an_agreement_in_arabic_and_marks_a_point_done() {
    let Some((_driver, webdriver)) = chromedriver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let b = browser(&webdriver).await;
    let result = async {
        b.goto(&app.url("/login?lang=ar")).await?;
        b.find(Locator::Id("email")).await?.send_keys("staff@secretariat.demo").await?;
        b.find(Locator::Id("password")).await?.send_keys(mizalla::demo::PASSWORD).await?;
        b.find(Locator::Css("form button[type=submit]")).await?.click().await?;
        b.goto(&app.url("/agreements/new")).await?;
        b.find(Locator::Id("title")).await?.send_keys("زيارة الأمانة لجمعية الأمل").await?;
        b.execute("document.getElementById('held_on').value = '2026-03-01';", vec![]).await?;
        b.find(Locator::Id("place")).await?.send_keys("أسيوط").await?;
        let amal = app.org_id("amal").await;
        b.find(Locator::Css(&format!("input[name=member_ids][value='{amal}']"))).await?.click().await?;
        b.find(Locator::Id("point_body_1")).await?.send_keys("تكثيف التنسيق بين الأمانة والجمعية").await?;
        b.find(Locator::Id("point_body_2")).await?.send_keys("تنظيم ورش عمل مشتركة").await?;
        b.find(Locator::Css("#agreement-form button[type=submit]")).await?.click().await?;
        // The detail page: two points, both open.
        let heading = b.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(heading, "زيارة الأمانة لجمعية الأمل");
        let points = b.find_all(Locator::Css("article.point")).await?;
        assert_eq!(points.len(), 2);
        // Mark the first point done.
        let form = b.find(Locator::Css("article.point form.follow-up")).await?;
        form.find(Locator::Css("textarea")).await?.send_keys("تم الاتفاق على اجتماع شهري").await?;
        form.find(Locator::Css("select")).await?.select_by_value("done").await?;
        form.find(Locator::Css("button[type=submit]")).await?.click().await?;
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
