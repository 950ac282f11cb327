//! Announcements and coordination requests: who they reach, members' answers, what each member
//! sees, reminders, and e-mail through a real SMTP server (Debian's aiosmtpd).

use crate::helpers::{Backend, SmtpServer, TestApp, received};
use crate::on_both_backends;
use std::time::Duration;

const TITLE: &str = "أرسلوا خطة توزيع رمضان لسوهاج";

/// The members whose profile names governorate `code` (as the audience is chosen).
async fn members_in(app: &TestApp, code: &str) -> Vec<String> {
    let orgs: Vec<(String, String)> = sqlx::query_as(
        "SELECT code, governorates FROM orgs WHERE kind = 'member' AND status = 'active' ORDER BY code",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    orgs.into_iter()
        .filter(|(_, g)| g.split(',').any(|x| x.trim() == code))
        .map(|(c, _)| c)
        .collect()
}

async fn newest(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM announcements")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn requests_reach_their_audience_and_members_see_only_their_own(app: TestApp) {
    let sohag = members_in(&app, "26").await;
    assert!(
        sohag.contains(&"amal".to_owned()) && !sohag.contains(&"nour".to_owned()),
        "the demo's Al-Amal works in Sohag and Al-Nour does not: {sohag:?}"
    );
    let admin = app.login("admin@secretariat.demo").await;
    let res = admin
        .multipart(
            &app,
            "/announcements",
            &[
                ("kind", "request"),
                ("title", TITLE),
                ("body", "القرى وعدد الأسر وموعد التوزيع"),
                ("answer_by", "31/12/2099"),
                ("governorates", "26"),
                ("submission", "sohag-plan-1"),
            ],
            Some(("خطة.pdf", b"%PDF-1.4 plan")),
        )
        .await;
    assert_eq!(res.status(), 303);
    let id = newest(&app).await;
    // Sent twice under one submission key (a double click): one request.
    let again = admin
        .multipart(
            &app,
            "/announcements",
            &[
                ("kind", "request"),
                ("title", TITLE),
                ("body", "القرى وعدد الأسر وموعد التوزيع"),
                ("answer_by", "31/12/2099"),
                ("governorates", "26"),
                ("submission", "sohag-plan-1"),
            ],
            None,
        )
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(newest(&app).await, id, "a double post sends once");
    let page = admin.page(&app, &format!("/announcements/{id}")).await;
    for code in &sohag {
        let org = mizalla::orgs::by_code(&app.db, code).await.unwrap();
        assert!(page.contains(&org.name_ar), "{code} is a recipient");
    }
    let nour = mizalla::orgs::by_code(&app.db, "nour").await.unwrap();
    assert!(!page.contains(&nour.name_ar), "Al-Nour was not written to");

    // Al-Amal sees it, counted in its header, and downloads the attached file.
    let amal = app.login("staff@amal.demo").await;
    let before: i64 = mizalla::announcements::waiting(&app.db, app.org_id("amal").await)
        .await
        .unwrap();
    let list = amal.page(&app, "/announcements?waiting=true").await;
    assert!(list.contains(TITLE), "{list}");
    let home = amal.page(&app, "/").await;
    assert!(
        home.contains("id=\"waiting-count\""),
        "the header counts it"
    );
    let file = amal
        .client
        .get(app.url(&format!("/announcements/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers()["content-type"],
        "application/octet-stream",
        "a file is saved, never shown as a page"
    );
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 plan");

    // Al-Nour sees nothing of it: not in its list, not the page, not the file.
    let nour_s = app.login("staff@nour.demo").await;
    assert!(!nour_s.page(&app, "/announcements").await.contains(TITLE));
    for path in [
        format!("/announcements/{id}"),
        format!("/announcements/{id}/file"),
        format!("/api/v1/announcements/{id}"),
    ] {
        let res = nour_s.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }

    // Al-Amal answers with a file; its count goes down; the secretariat reads the answer.
    let res = amal
        .multipart(
            &app,
            &format!("/announcements/{id}/answer"),
            &[("answer", "سنوزع 300 شنطة في أخميم يوم 20 فبراير")],
            Some(("plan.xlsx", b"PK fake sheet")),
        )
        .await;
    assert_eq!(res.status(), 303);
    let after = mizalla::announcements::waiting(&app.db, app.org_id("amal").await)
        .await
        .unwrap();
    assert_eq!(after, before - 1);
    let page = admin.page(&app, &format!("/announcements/{id}")).await;
    assert!(page.contains("سنوزع 300 شنطة"), "the secretariat reads it");
    let amal_id = app.org_id("amal").await;
    let answer_file = format!("/announcements/{id}/answers/{amal_id}/file");
    let res = admin
        .client
        .get(app.url(&answer_file))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Another member that received the request does not read Al-Amal's answer or file.
    if let Some(other) = sohag.iter().find(|c| *c != "amal") {
        let other_s = app.login(&format!("staff@{other}.demo")).await;
        let page = other_s.page(&app, &format!("/announcements/{id}")).await;
        assert!(page.contains(TITLE));
        assert!(
            !page.contains("سنوزع 300 شنطة"),
            "{other} reads Al-Amal's answer"
        );
        let res = other_s
            .client
            .get(app.url(&answer_file))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let json: serde_json::Value = other_s
            .client
            .get(app.url(&format!("/api/v1/announcements/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["recipients"].as_array().unwrap().len(), 1, "{json}");
    }

    // Reminding: those who have not answered, once within the hour.
    let pending = sohag.len() - 1;
    let res = admin
        .client
        .post(app.url(&format!("/announcements/{id}/remind")))
        .form(&[("_csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        format!("/announcements/{id}?reminded={pending}").as_str()
    );
    let res = admin
        .client
        .post(app.url(&format!("/announcements/{id}/remind")))
        .form(&[("_csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        format!("/announcements/{id}?reminded=0").as_str()
    );
    // Every write is in the audit trail, without the texts members wrote.
    let audited: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT action, after_json FROM audit_log WHERE entity = 'announcement' AND entity_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audited.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["create", "answer", "remind"], "{audited:?}");
    assert!(
        audited
            .iter()
            .all(|(_, after)| !after.as_deref().unwrap_or("").contains("سنوزع")),
        "the answer's text is not copied into the audit trail"
    );
    // With no SMTP server configured nothing was queued, and the secretariat is told so.
    assert_eq!(app.count("mail_outbox").await, 0);
    let list = admin.page(&app, "/announcements").await;
    assert!(list.contains("id=\"mail-status\""));
}
on_both_backends!(
    requests_reach_their_audience,
    requests_reach_their_audience_and_members_see_only_their_own
);

async fn bad_announcements_are_refused_field_by_field(app: TestApp) {
    let admin = app.login("admin@secretariat.demo").await;
    let before = app.count("announcements").await;
    // The fields sent, the file if any, and the id of the error the page must show.
    type Case<'a> = (Vec<(&'a str, String)>, Option<(&'a str, Vec<u8>)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("kind", "request".into()),
                ("title", "خطة".into()),
                ("body", "نص".into()),
            ],
            None,
            "err-answer_by",
        ),
        (
            vec![
                ("kind", "request".into()),
                ("title", "خطة".into()),
                ("body", "نص".into()),
                ("answer_by", "01/01/2001".into()),
            ],
            None,
            "err-answer_by",
        ),
        (
            vec![
                ("kind", "announcement".into()),
                ("title", "x".repeat(201)),
                ("body", "نص".into()),
            ],
            None,
            "err-title",
        ),
        (
            vec![
                ("kind", "announcement".into()),
                ("title", "خطة\u{7}".into()),
                ("body", "نص".into()),
            ],
            None,
            "err-title",
        ),
        (
            vec![
                ("kind", "announcement".into()),
                ("title", "خطة".into()),
                ("body", "نص".into()),
                ("governorates", "99".into()),
            ],
            None,
            "err-governorates",
        ),
        (
            vec![
                ("kind", "announcement".into()),
                ("title", "خطة".into()),
                ("body", "نص".into()),
            ],
            Some(("run.exe", b"MZ".to_vec())),
            "err-file",
        ),
        (
            vec![
                ("kind", "announcement".into()),
                ("title", "خطة".into()),
                ("body", "نص".into()),
            ],
            Some((
                "big.pdf",
                vec![b'a'; mizalla::announcements::MAX_FILE_BYTES + 1],
            )),
            "err-file",
        ),
    ];
    for (fields, file, error_id) in cases {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = admin
            .multipart(
                &app,
                "/announcements",
                &f,
                file.as_ref().map(|(n, b)| (*n, b.as_slice())),
            )
            .await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains(&format!("id=\"{error_id}\"")),
            "{error_id} for {fields:?}"
        );
        assert!(page.contains("lang=\"ar\""));
    }
    // A governorate where no member works and a sector none has there: nobody to write to.
    let res = admin
        .multipart(
            &app,
            "/announcements",
            &[
                ("kind", "announcement"),
                ("title", "خطة"),
                ("body", "نص"),
                ("governorates", "88"),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("err-governorates"));
    // A NUL in a field: a clear error, not a 500.
    let res = admin
        .multipart(
            &app,
            "/announcements",
            &[("kind", "announcement"), ("title", "a\0b"), ("body", "x")],
            None,
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(app.count("announcements").await, before, "nothing was sent");
    // A list asked for a kind that does not exist is refused, not answered with everything.
    let res = admin
        .client
        .get(app.url("/api/v1/announcements?kind=AAA"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    // Members answer requests, not announcements, and not as the secretariat.
    let (announcement,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM announcements WHERE kind = 'announcement'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let amal = app.login("staff@amal.demo").await;
    let res = amal
        .multipart(
            &app,
            &format!("/announcements/{announcement}/answer"),
            &[("answer", "قرأنا")],
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = amal
        .multipart(
            &app,
            &format!("/announcements/{announcement}/answer"),
            &[("answer", "   ")],
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
}
on_both_backends!(
    bad_announcements,
    bad_announcements_are_refused_field_by_field
);

async fn outbox(app: &TestApp) -> Vec<(i64, Option<String>, Option<String>)> {
    sqlx::query_as("SELECT attempts, sent_at, last_error FROM mail_outbox ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

/// A dead SMTP server (it takes connections and never answers) delays nothing; the e-mails
/// wait, and go out through a real SMTP server once one answers, with their Arabic subject
/// intact.
async fn a_dead_smtp_server_delays_nothing_and_mail_goes_out_later(backend: Backend) {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    let Some(app) = TestApp::spawn_configured(backend, true, |s| {
        s.smtp_host = Some("127.0.0.1".into());
        s.smtp_port = Some(port);
        s.smtp_security = "none".into();
        // Were e-mail sent in the request, the request would wait this long for the dead server.
        s.smtp_timeout_secs = 3600;
        s.public_url = Some("https://mizalla.example.org/".into());
    })
    .await
    else {
        return;
    };
    let users: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.code = 'amal' \
         AND u.active = 1 AND u.role IN ('member_admin', 'member_staff') ORDER BY u.email",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(!users.is_empty());
    let admin = app.login("admin@secretariat.demo").await;
    let send = admin.multipart(
        &app,
        "/announcements",
        &[
            ("kind", "request"),
            ("title", TITLE),
            ("body", "القرى وعدد الأسر"),
            ("answer_by", "31/12/2099"),
            ("governorates", "26"),
            ("sectors", "education"),
        ],
        None,
    );
    let res = tokio::time::timeout(Duration::from_secs(120), send)
        .await
        .expect("the request did not wait for the SMTP server");
    assert_eq!(res.status(), 303);
    let id = newest(&app).await;
    let queued = outbox(&app).await;
    assert_eq!(
        queued.len(),
        users.len(),
        "one e-mail per user of the member"
    );
    assert!(queued.iter().all(|(_, sent, _)| sent.is_none()));
    // Pages keep answering while the mailer waits on the dead server.
    let amal = app.login("staff@amal.demo").await;
    assert!(amal.page(&app, "/announcements").await.contains(TITLE));
    // The mailer is at the dead server; once it goes away, the try fails and is kept for later.
    for _ in 0..600 {
        if outbox(&app).await.iter().any(|(a, _, _)| *a >= 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(dead);
    let mut failed = false;
    for _ in 0..600 {
        let rows = outbox(&app).await;
        if rows.iter().any(|(_, _, e)| e.is_some()) {
            assert!(rows.iter().all(|(_, sent, _)| sent.is_none()));
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        failed,
        "the failed try is recorded: {:?}",
        outbox(&app).await
    );
    let errors: Vec<String> = outbox(&app)
        .await
        .into_iter()
        .filter_map(|(_, _, e)| e)
        .collect();
    assert!(
        errors.iter().all(|e| !e.contains('@')),
        "no address in the recorded error: {errors:?}"
    );

    // A real server now listens on the same port; the retry is due (as if its wait had passed).
    let dir = std::env::temp_dir().join(format!("mizalla-mail-{}", crate::helpers::unique()));
    let _server = SmtpServer::start(port, &dir).await;
    sqlx::query("UPDATE mail_outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    mizalla::mail::wake();
    let mut mails = Vec::new();
    for _ in 0..600 {
        mails = received(&dir);
        if mails.len() >= users.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), users.len(), "{mails:?}");
    for (subject, _, body) in &mails {
        assert_eq!(
            subject,
            &format!("مظلة: طلب تنسيق من الأمانة الفنية — {TITLE}"),
            "the Arabic subject arrives intact"
        );
        assert!(
            body.contains(&format!("https://mizalla.example.org/announcements/{id}")),
            "{body}"
        );
        assert!(body.contains("آخر موعد للرد: 31 ديسمبر 2099"), "{body}");
    }
    let mut to: Vec<String> = mails.iter().map(|(_, t, _)| t.clone()).collect();
    to.sort();
    let mut expected: Vec<String> = users.into_iter().map(|(e,)| e).collect();
    expected.sort();
    assert_eq!(to, expected);
    for _ in 0..100 {
        if outbox(&app).await.iter().all(|(_, sent, _)| sent.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The first e-mail was tried twice; the others waited behind it (the server was down), so
    // they went at their first try.
    let rows = outbox(&app).await;
    assert!(
        rows.iter()
            .all(|(_, sent, e)| sent.is_some() && e.is_none()),
        "{rows:?}"
    );
    assert_eq!(rows[0].0, 2, "{rows:?}");
    assert!(rows.iter().all(|(a, _, _)| *a <= 2), "{rows:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_smtp_server_delays_nothing_on_sqlite() {
    a_dead_smtp_server_delays_nothing_and_mail_goes_out_later(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_smtp_server_delays_nothing_on_postgres() {
    a_dead_smtp_server_delays_nothing_and_mail_goes_out_later(Backend::Postgres).await;
}

/// Probe findings: writes at the same moment (sending, answering, the mailer) never fail with
/// "database is locked"; a file too large keeps what was typed; a suspended member is neither
/// reminded nor counted; a title is one line; a file's name cannot disguise its kind.
async fn concurrent_writes_large_files_and_suspended_members(app: TestApp) {
    let admin = std::sync::Arc::new(app.login("admin@secretariat.demo").await);
    let amal = std::sync::Arc::new(app.login("staff@amal.demo").await);
    let app = std::sync::Arc::new(app);
    let res = admin
        .multipart(
            &app,
            "/announcements",
            &[
                ("kind", "request"),
                ("title", "طلب للجميع"),
                ("body", "نص"),
                ("answer_by", "31/12/2099"),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 303);
    let id = newest(&app).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (app, admin, amal) = (app.clone(), admin.clone(), amal.clone());
        tasks.push(tokio::spawn(async move {
            let title = format!("تعميم {i}");
            let sent = admin
                .multipart(
                    &app,
                    "/announcements",
                    &[("kind", "announcement"), ("title", &title), ("body", "نص")],
                    None,
                )
                .await
                .status();
            let answer = format!("ردنا رقم {i}");
            let answered = amal
                .multipart(
                    &app,
                    &format!("/announcements/{id}/answer"),
                    &[("answer", &answer)],
                    None,
                )
                .await
                .status();
            (sent, answered)
        }));
    }
    for t in tasks {
        let (sent, answered) = t.await.unwrap();
        assert_eq!((sent.as_u16(), answered.as_u16()), (303, 303));
    }
    // A file over the limit: the form comes back with what was typed.
    let big = vec![b'a'; mizalla::announcements::MAX_FILE_BYTES + 1];
    let res = admin
        .multipart(
            &app,
            "/announcements",
            &[
                ("kind", "announcement"),
                ("title", "عنوان يبقى"),
                ("body", "نص يبقى"),
            ],
            Some(("big.pdf", &big)),
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"err-file\""));
    assert!(
        page.contains("عنوان يبقى") && page.contains("نص يبقى"),
        "{page}"
    );
    // A title of two lines, or of invisible characters only, is refused.
    for title in ["سطر\nBcc: x@example.com", "\u{200b}\u{200f}"] {
        let res = admin
            .multipart(
                &app,
                "/announcements",
                &[("kind", "announcement"), ("title", title), ("body", "نص")],
                None,
            )
            .await;
        assert_eq!(res.status(), 422, "{title:?}");
    }
    // A name that reorders itself to look like a PDF is kept in its true order.
    assert_eq!(
        mizalla::files::clean_file_name("report\u{202e}fdp.exe"),
        "reportfdp.exe"
    );
    assert_eq!(
        mizalla::files::clean_file_name(&format!("{}.pdf", "أ".repeat(300))),
        format!("{}.pdf", "أ".repeat(120))
    );
    // A suspended member is not reminded and has nothing waiting counted.
    let amal_id = app.org_id("amal").await;
    sqlx::query("UPDATE orgs SET status = 'suspended' WHERE code = 'nour'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    mizalla::cache::changed(mizalla::cache::Topic::Announcements);
    let nour_id = app.org_id("nour").await;
    assert_eq!(
        mizalla::announcements::waiting(&app.db, nour_id)
            .await
            .unwrap(),
        0
    );
    let res = admin
        .client
        .post(app.url(&format!("/announcements/{id}/remind")))
        .form(&[("_csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let reminded: Vec<(i64,)> = sqlx::query_as(
        "SELECT org_id FROM announcement_recipients WHERE announcement_id = $1 AND reminders > 0",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(
        !reminded.iter().any(|(o,)| *o == nour_id),
        "suspended Al-Nour reminded"
    );
    assert!(
        !reminded.iter().any(|(o,)| *o == amal_id),
        "Al-Amal answered"
    );
    assert!(!reminded.is_empty());
}
on_both_backends!(
    concurrent_writes_and_limits,
    concurrent_writes_large_files_and_suspended_members
);
