//! Events (issue 16): seats and the waiting list under simultaneous registrations, promotion on
//! cancellation, check-in refusals and late arrival, certificates (their PDF's text in logical
//! order, its first page rendered, the public check), feedback, calendar files and the 4W.

use crate::helpers::TestApp;
use crate::on_both_backends;
use mizalla::access::{Actor, Role};
use mizalla::events::{self, EventInput, checkin::Outcome, registration};

/// An event open for registration now, with one session in 2030.
pub fn open_event_input() -> EventInput {
    EventInput {
        title_ar: "ورشة التوثيق".into(),
        title_en: "Documentation workshop".into(),
        kind: "workshop".into(),
        capacity: "50".into(),
        registration_opens: "2026-01-01T09:00".into(),
        registration_closes: "2030-01-09T09:00".into(),
        certificate: "yes".into(),
        min_attendance: "80".into(),
        hours: "6".into(),
        session_starts: vec!["2030-01-10T10:00".into()],
        session_ends: vec!["2030-01-10T14:00".into()],
        session_place: vec!["القاهرة".into()],
        ..Default::default()
    }
}

/// Event `event` as being held: its sessions moved to the hours just past (the k-th of n began
/// n − k + 1 hours ago and lasted half an hour), so that check-in is open and the event may be
/// closed. The form only takes events to come; a test needs one under way.
pub async fn held(app: &TestApp, event: i64) {
    let sessions = events::sessions(&app.db, event).await.unwrap();
    let n = sessions.len() as i64;
    for (k, s) in sessions.iter().enumerate() {
        let starts = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(n - k as i64);
        let ends = starts + jiff::SignedDuration::from_mins(30);
        let stamp = |t: jiff::Timestamp| t.round(jiff::Unit::Second).unwrap().to_string();
        sqlx::query("UPDATE event_sessions SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(stamp(starts))
            .bind(stamp(ends))
            .bind(s.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
}

/// A Cairo time `minutes` from now, as the form types it.
fn cairo_in(minutes: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Africa/Cairo").unwrap();
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(minutes);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// `n` new staff users of Al-Amal (named `Person k`), each with an API token.
async fn staff(app: &TestApp, n: usize) -> Vec<(Actor, String)> {
    let org = app.org_id("amal").await;
    let mut out = Vec::new();
    for k in 0..n {
        let email = format!("p{}-{k}@amal.demo", crate::helpers::unique());
        mizalla::users::create(
            &app.db,
            None,
            mizalla::users::NewUser {
                email: email.clone(),
                display_name: format!("Person {k}"),
                org_id: org,
                role: Role::MemberStaff,
                password: "long-enough-password".into(),
            },
        )
        .await
        .unwrap();
        let token = mizalla::users::create_token_for(&app.db, &email, "tests")
            .await
            .unwrap();
        out.push((app.actor(&email).await, token));
    }
    out
}

async fn create(app: &TestApp, input: &EventInput) -> i64 {
    let admin = app.actor("admin@secretariat.demo").await;
    events::create(&app.db, &admin, input).await.unwrap()
}

async fn statuses(app: &TestApp, event: i64) -> (i64, i64) {
    registration::counts(&app.db, event).await.unwrap()
}

/// Twenty people ask at the same moment for the last three seats: three are seated, seventeen
/// wait, and never a fourth seated.
async fn simultaneous_registrations_never_overbook(app: TestApp) {
    let event = create(
        &app,
        &EventInput {
            capacity: "3".into(),
            ..open_event_input()
        },
    )
    .await;
    let people = staff(&app, 20).await;
    let client = TestApp::client();
    let requests = people.iter().map(|(_, token)| {
        client
            .post(app.url(&format!("/events/{event}/register")))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
    });
    let answers = futures_join_all(requests).await;
    for a in &answers {
        assert_eq!(a.as_ref().unwrap().status(), 303, "every request is served");
    }
    assert_eq!(statuses(&app, event).await, (3, 17));
    // The waiting list is in the order of arrival, and each person is there once.
    let (distinct,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT user_id) FROM event_registrations WHERE event_id = $1",
    )
    .bind(event)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(distinct, 20);
}

/// `join_all` without a crate for it: the requests run side by side on the runtime.
async fn futures_join_all<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// A seated person cancels: exactly one — the first waiting — is seated and told; cancelling
/// again changes nothing and seats nobody else.
async fn a_cancellation_promotes_exactly_one(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let event = create(
        &app,
        &EventInput {
            capacity: "1".into(),
            ..open_event_input()
        },
    )
    .await;
    let people = staff(&app, 3).await;
    let mut regs = Vec::new();
    for (p, _) in &people {
        regs.push(
            registration::register(&app.db, &settings, p, event, &[p.user_id])
                .await
                .unwrap()
                .remove(0),
        );
    }
    assert_eq!(
        regs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        ["seated", "waiting", "waiting"]
    );
    let promoted = registration::cancel(&app.db, &settings, &people[0].0, regs[0].id)
        .await
        .unwrap();
    assert_eq!(promoted, Some(regs[1].id), "the first waiting is seated");
    assert_eq!(statuses(&app, event).await, (1, 1));
    let second = registration::get(&app.db, regs[1].id).await.unwrap();
    assert_eq!(second.status, "seated");
    assert!(second.promoted_at.is_some());
    assert_eq!(
        registration::get(&app.db, regs[2].id).await.unwrap().status,
        "waiting"
    );
    // Cancelled twice: nothing more happens.
    assert_eq!(
        registration::cancel(&app.db, &settings, &people[0].0, regs[0].id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(statuses(&app, event).await, (1, 1));
    // The promoted person's page says the seat is theirs, with their code.
    let page = person_page(&app, &people[1].1, event).await;
    assert!(page.contains(&events::grouped(&second.code)), "{page}");
}

async fn person_page(app: &TestApp, token: &str, event: i64) -> String {
    TestApp::client()
        .get(app.url(&format!("/events/{event}?lang=en")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A member's admin nominates colleagues within the event's limit per member; a person the event
/// does not invite, a closed window and a registration twice are refused.
async fn nominations_limits_and_refusals(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let amal_admin = app.actor("admin@amal.demo").await;
    let amal_staff = app.actor("staff@amal.demo").await;
    let people = staff(&app, 2).await;
    let event = create(
        &app,
        &EventInput {
            per_member_limit: "2".into(),
            ..open_event_input()
        },
    )
    .await;
    let too_many = registration::register(
        &app.db,
        &settings,
        &amal_admin,
        event,
        &[amal_staff.user_id, people[0].0.user_id, people[1].0.user_id],
    )
    .await;
    assert!(
        matches!(
            too_many,
            Err(mizalla::error::Error::Conflict("err-event-member-limit"))
        ),
        "{too_many:?}"
    );
    assert_eq!(statuses(&app, event).await, (0, 0), "all or none");
    let two = registration::register(
        &app.db,
        &settings,
        &amal_admin,
        event,
        &[amal_staff.user_id, people[0].0.user_id],
    )
    .await
    .unwrap();
    assert_eq!(two.len(), 2);
    let twice = registration::register(
        &app.db,
        &settings,
        &amal_staff,
        event,
        &[amal_staff.user_id],
    )
    .await;
    assert!(matches!(
        twice,
        Err(mizalla::error::Error::Conflict(
            "err-event-already-registered"
        ))
    ));
    // Staff register only themselves.
    let other = registration::register(
        &app.db,
        &settings,
        &people[1].0,
        event,
        &[people[0].0.user_id],
    )
    .await;
    assert!(matches!(other, Err(mizalla::error::Error::Validation(_))));
    // An event for Al-Nour only is not Al-Amal's to see.
    let nour = app.org_id("nour").await;
    let only_nour = create(
        &app,
        &EventInput {
            eligible_orgs: vec![nour.to_string()],
            ..open_event_input()
        },
    )
    .await;
    assert!(matches!(
        registration::register(
            &app.db,
            &settings,
            &amal_staff,
            only_nour,
            &[amal_staff.user_id]
        )
        .await,
        Err(mizalla::error::Error::NotFound)
    ));
    // Registration closed: its window is over (a new event may not be created so).
    let past = EventInput {
        registration_opens: cairo_in(-120),
        registration_closes: cairo_in(-60),
        session_starts: vec![cairo_in(60)],
        session_ends: vec![cairo_in(120)],
        ..open_event_input()
    };
    let admin = app.actor("admin@secretariat.demo").await;
    assert!(matches!(
        events::create(&app.db, &admin, &past).await,
        Err(mizalla::error::Error::Validation(_))
    ));
    let closed_window = create(&app, &open_event_input()).await;
    sqlx::query("UPDATE events SET registration_closes = $1 WHERE id = $2")
        .bind(mizalla::db::days_ago(1))
        .bind(closed_window)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(matches!(
        registration::register(
            &app.db,
            &settings,
            &amal_staff,
            closed_window,
            &[amal_staff.user_id]
        )
        .await,
        Err(mizalla::error::Error::Conflict(
            "err-event-registration-closed"
        ))
    ));
}

/// Check-in: a code is let in once per session and marked late after the grace minutes; a code
/// used twice, one of another event, one still waiting and a made-up one are refused.
async fn check_in_refuses_what_it_should(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let admin = app.actor("admin@secretariat.demo").await;
    // Under way: it began an hour ago.
    let input = EventInput {
        capacity: "1".into(),
        registration_opens: cairo_in(-24 * 60),
        registration_closes: cairo_in(60),
        session_starts: vec![cairo_in(-60), cairo_in(24 * 60)],
        session_ends: vec![cairo_in(120), cairo_in(25 * 60)],
        session_place: vec!["القاهرة".into(), "القاهرة".into()],
        ..open_event_input()
    };
    let event = create(&app, &input).await;
    let other = create(&app, &open_event_input()).await;
    let people = staff(&app, 3).await;
    let seated = registration::register(
        &app.db,
        &settings,
        &people[0].0,
        event,
        &[people[0].0.user_id],
    )
    .await
    .unwrap()
    .remove(0);
    let waiting = registration::register(
        &app.db,
        &settings,
        &people[1].0,
        event,
        &[people[1].0.user_id],
    )
    .await
    .unwrap()
    .remove(0);
    let elsewhere = registration::register(
        &app.db,
        &settings,
        &people[2].0,
        other,
        &[people[2].0.user_id],
    )
    .await
    .unwrap()
    .remove(0);
    let sessions = events::sessions(&app.db, event).await.unwrap();
    let (now, later) = (sessions[0].id, sessions[1].id);
    let check = |code: String, session: i64| {
        let (db, admin) = (app.db.clone(), admin.clone());
        async move {
            events::checkin::check_in(&db, &admin, event, session, &code)
                .await
                .unwrap()
        }
    };
    // Typed as people type it: lower case, with a space instead of the dash.
    let typed = events::grouped(&seated.code)
        .to_lowercase()
        .replace('-', " ");
    match check(typed, now).await {
        Outcome::CheckedIn { late, name, .. } => {
            assert!(late, "an hour after the start is late");
            assert_eq!(name, "Person 0");
        }
        o => panic!("not checked in: {o:?}"),
    }
    assert!(matches!(
        check(seated.code.clone(), now).await,
        Outcome::Already { .. }
    ));
    // The next session, tomorrow, does not take check-ins yet.
    assert!(matches!(
        check(seated.code.clone(), later).await,
        Outcome::TooEarly { .. }
    ));
    // Nor may the event be closed before its last session has begun.
    assert!(matches!(
        events::certificates::close(&app.db, &admin, event).await,
        Err(mizalla::error::Error::Conflict("err-event-close-too-early"))
    ));
    assert_eq!(
        check(waiting.code.clone(), now).await,
        Outcome::NotSeated {
            status: "waiting".into()
        }
    );
    assert_eq!(
        check(elsewhere.code.clone(), now).await,
        Outcome::OtherEvent
    );
    // Made up: the right length and alphabet, no registration; and garbage.
    for forged in [
        "ABCD-EFGH",
        "'; DROP TABLE events; --",
        "\u{0}",
        &"A".repeat(5000),
    ] {
        assert_eq!(
            check(forged.into(), now).await,
            Outcome::Unknown,
            "{forged:?}"
        );
    }
    // A session of another event is not this event's.
    let foreign = events::sessions(&app.db, other).await.unwrap()[0].id;
    assert!(
        events::checkin::check_in(&app.db, &admin, event, foreign, &seated.code)
            .await
            .is_err()
    );
    // A member's staff is not the organiser.
    assert!(matches!(
        events::checkin::check_in(&app.db, &people[0].0, event, now, &seated.code).await,
        Err(mizalla::error::Error::Forbidden)
    ));
    // Through the page: a refused code says so, in the user's language.
    let session = app.login("admin@secretariat.demo").await;
    let res = session
        .client
        .post(app.url(&format!("/events/{event}/checkin?lang=en")))
        .form(&[
            ("_csrf", session.csrf.as_str()),
            ("session", &now.to_string()),
            ("code", "ZZZZ-ZZZZ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(text.contains("no registration has this code"), "{text}");
}

/// Closing gives certificates to those who attended enough; the PDF reads the name and the
/// event in logical order; its first page is rendered for a look; the public page confirms the
/// serial and refuses a made-up one, showing no more than the certificate.
async fn certificates_and_their_check(app: TestApp) {
    if !crate::helpers::pdftotext() {
        return;
    }
    let settings = mizalla::config::Settings::default();
    let admin = app.actor("admin@secretariat.demo").await;
    let input = EventInput {
        title_ar: "تدريب على إدارة الحالات".into(),
        title_en: "Case management training".into(),
        hours: "7.5".into(),
        session_starts: vec!["2030-01-10T10:00".into(), "2030-01-11T10:00".into()],
        session_ends: vec!["2030-01-10T14:00".into(), "2030-01-11T14:00".into()],
        session_place: vec!["سوهاج".into(), "سوهاج".into()],
        ..open_event_input()
    };
    let event = create(&app, &input).await;
    let people = staff(&app, 2).await;
    // A name that looks like Typst markup is printed as it is written.
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind("هدى عبد الرحمن")
        .bind(people[0].0.user_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind("#set page(width: 1cm) ]")
        .bind(people[1].0.user_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut regs = Vec::new();
    for (p, _) in &people {
        regs.push(
            registration::register(&app.db, &settings, p, event, &[p.user_id])
                .await
                .unwrap()
                .remove(0),
        );
    }
    held(&app, event).await;
    let sessions = events::sessions(&app.db, event).await.unwrap();
    // Both attend both sessions… but a third, seated, comes to one of two (50 % < 80 %).
    let third = staff(&app, 1).await;
    let absent = registration::register(
        &app.db,
        &settings,
        &third[0].0,
        event,
        &[third[0].0.user_id],
    )
    .await
    .unwrap()
    .remove(0);
    for s in &sessions {
        for r in &regs {
            events::checkin::check_in(&app.db, &admin, event, s.id, &r.code)
                .await
                .unwrap();
        }
    }
    events::checkin::check_in(&app.db, &admin, event, sessions[0].id, &absent.code)
        .await
        .unwrap();
    let given = events::certificates::close(&app.db, &admin, event)
        .await
        .unwrap();
    assert_eq!(given, 2);
    assert!(
        registration::get(&app.db, absent.id)
            .await
            .unwrap()
            .certificate_serial
            .is_none()
    );
    let certs = events::certificates::of_event(&app.db, event)
        .await
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, c) in certs.iter().enumerate() {
        // Downloaded by its holder.
        let res = TestApp::client()
            .get(app.url(&format!("/events/{event}/certificate")))
            .bearer_auth(&people[i].1)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = res.bytes().await.unwrap();
        // Both backends' tests run at once: each its own files.
        let file = dir.join(format!(
            "certificate-{}-{}.pdf",
            if app.db.kind == mizalla::db::Kind::Sqlite {
                "sqlite"
            } else {
                "postgres"
            },
            i + 1
        ));
        std::fs::write(&file, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let strip = |s: &str| s.replace(['\u{202a}', '\u{202b}', '\u{202c}'], "");
        let flat = strip(&flat);
        assert!(flat.contains(&c.name), "the name as registered: {flat}");
        assert!(flat.contains("Case management training"), "{flat}");
        assert!(
            flat.contains("إدارة الحالات"),
            "the Arabic title in logical order: {flat}"
        );
        assert!(flat.contains(&c.serial), "{flat}");
        assert!(flat.contains("7.5"), "hours: {flat}");
        if i == 0 {
            let png = dir.join(format!(
                "certificate-{}",
                if app.db.kind == mizalla::db::Kind::Sqlite {
                    "sqlite"
                } else {
                    "postgres"
                }
            ));
            let status = std::process::Command::new("pdftoppm")
                .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&file)
                .arg(&png)
                .status()
                .unwrap();
            assert!(status.success());
            assert!(
                dir.join(format!(
                    "certificate-{}.png",
                    if app.db.kind == mizalla::db::Kind::Sqlite {
                        "sqlite"
                    } else {
                        "postgres"
                    }
                ))
                .exists()
            );
        }
    }
    // The public check: signed out, a real serial (typed in lower case with spaces) and a fake.
    let client = TestApp::client();
    let typed = certs[0].serial.to_lowercase().replace('-', " - ");
    let res = client
        .get(app.url(&format!("/verify?lang=en&serial={}", urlencode(&typed))))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("This certificate is genuine"), "{page}");
    assert!(page.contains("هدى عبد الرحمن"));
    assert!(
        !page.contains("@amal.demo"),
        "no more than the certificate shows"
    );
    let res = client
        .get(app.url("/verify/MZ-2026-AAAA-BBBB-CC?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No certificate has this serial")
    );
    // The organiser's bulk download holds every certificate.
    let res = client
        .get(app.url(&format!("/events/{event}/certificates")))
        .bearer_auth(app.token("staff@secretariat.demo").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let zip = res.bytes().await.unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
    assert_eq!(archive.len(), 2);
    // Another member's staff may not download someone's certificate.
    let res = client
        .get(app.url(&format!(
            "/events/{event}/certificate?registration={}",
            regs[0].id
        )))
        .bearer_auth(app.token("staff@nour.demo").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The holder's hours are on their page.
    let mine = TestApp::client()
        .get(app.url("/events/mine?lang=en"))
        .bearer_auth(&people[0].1)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("7.5"), "{mine}");
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_owned()
}

/// Feedback: an attendee answers once; the organiser sees averages and comments; someone who
/// did not attend is told they cannot.
async fn feedback_is_given_once_and_summed_up(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let admin = app.actor("admin@secretariat.demo").await;
    let event = create(&app, &open_event_input()).await;
    let people = staff(&app, 3).await;
    let mut codes = Vec::new();
    for (p, _) in &people {
        codes.push(
            registration::register(&app.db, &settings, p, event, &[p.user_id])
                .await
                .unwrap()
                .remove(0)
                .code,
        );
    }
    held(&app, event).await;
    let session = events::sessions(&app.db, event).await.unwrap()[0].id;
    for c in &codes[..2] {
        events::checkin::check_in(&app.db, &admin, event, session, c)
            .await
            .unwrap();
    }
    let answer = |overall: &str, comment: &str| events::feedback::FeedbackInput {
        overall: overall.into(),
        content: "4".into(),
        organisation: "٥".into(),
        comment: comment.into(),
    };
    events::feedback::submit(&app.db, &people[0].0, event, &answer("5", "مفيد جدًا"))
        .await
        .unwrap();
    events::feedback::submit(&app.db, &people[1].0, event, &answer("3", ""))
        .await
        .unwrap();
    for (who, why) in [(0, "twice"), (2, "did not attend")] {
        assert!(
            events::feedback::submit(&app.db, &people[who].0, event, &answer("1", ""))
                .await
                .is_err(),
            "{why}"
        );
    }
    assert!(matches!(
        events::feedback::submit(&app.db, &people[1].0, event, &answer("9", "")).await,
        Err(mizalla::error::Error::Validation(_))
    ));
    let s = events::feedback::summary(&app.db, event).await.unwrap();
    assert_eq!((s.answers, s.attended), (2, 2));
    assert_eq!(s.questions[0].average, 4.0);
    assert_eq!(s.questions[0].spread, [0, 0, 1, 0, 1]);
    assert_eq!(s.questions[2].average, 5.0, "Arabic-Indic digits read");
    assert_eq!(s.comments, ["مفيد جدًا"]);
}

/// Calendar files: an event's sessions as iCalendar events in UTC, lines folded, and a person's
/// feed at a secret address that stops working when renewed.
async fn calendar_files_and_the_personal_feed(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let input = EventInput {
        session_starts: vec!["2030-07-10T10:00".into(), "2030-01-11T10:00".into()],
        session_ends: vec!["2030-07-10T14:00".into(), "2030-01-11T14:00".into()],
        session_place: vec![
            "قاعة المؤتمرات، مدينة نصر، القاهرة".into(),
            "القاهرة".into(),
        ],
        description_ar: "وصف طويل ".repeat(30),
        ..open_event_input()
    };
    let event = create(&app, &input).await;
    let people = staff(&app, 1).await;
    registration::register(
        &app.db,
        &settings,
        &people[0].0,
        event,
        &[people[0].0.user_id],
    )
    .await
    .unwrap();
    let res = TestApp::client()
        .get(app.url(&format!("/events/{event}/calendar")))
        .bearer_auth(&people[0].1)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
    // Cairo is UTC+2 in winter and UTC+3 in summer (daylight saving since 2023).
    assert!(ics.contains("DTSTART:20300111T080000Z"), "{ics}");
    assert!(ics.contains("DTSTART:20300710T070000Z"), "{ics}");
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "lines folded at 75 octets"
    );
    // The feed: made, read signed out, renewed (the old address then finds nothing).
    let token = events::calendar::new_feed(&app.db, &people[0].0)
        .await
        .unwrap();
    let client = TestApp::client();
    let feed = client
        .get(app.url(&format!("/public/events/feed/{token}.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert_eq!(
        feed.text().await.unwrap().matches("BEGIN:VEVENT").count(),
        2
    );
    events::calendar::new_feed(&app.db, &people[0].0)
        .await
        .unwrap();
    let old = client
        .get(app.url(&format!("/public/events/feed/{token}.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
}

/// What staff type wrong in the event form is said field by field, in Arabic.
async fn the_form_says_what_is_wrong(app: TestApp) {
    let before = app.count("events").await;
    let session = app.login("admin@secretariat.demo").await;
    let res = session
        .client
        .post(app.url("/events?lang=ar"))
        .form(&[
            ("_csrf", session.csrf.as_str()),
            ("title_ar", "ورشة\u{202e}"),
            ("title_en", ""),
            ("kind", "party"),
            ("capacity", "99999999999999999999"),
            ("registration_opens", "2030-02-01T09:00"),
            ("registration_closes", "2030-01-01T09:00"),
            ("session_starts", "2030-01-10T10:00"),
            ("session_ends", "2030-01-10T09:00"),
            ("session_place", "القاهرة"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for message in [
        "في النص حرف خفي غير مقبول",
        "هذا الحقل مطلوب",
        "اختر قيمة من القائمة",
        "يجب أن يُغلق التسجيل بعد فتحه",
        "يجب أن تنتهي الجلسة بعد أن تبدأ",
    ] {
        assert!(page.contains(message), "{message} in {page}");
    }
    assert_eq!(app.count("events").await, before, "nothing saved");
}

/// A member's admin proposes; the event opens only when the secretariat approves it, and counts
/// its trainees in the 4W once each, where it was held.
async fn a_proposal_opens_when_approved_and_trainees_count_in_the_4w(app: TestApp) {
    let settings = mizalla::config::Settings::default();
    let amal_admin = app.actor("admin@amal.demo").await;
    let secretariat = app.actor("staff@secretariat.demo").await;
    let input = EventInput {
        governorate: "26".into(),
        sector: "education".into(),
        session_starts: vec!["2030-01-10T10:00".into(), "2030-01-11T10:00".into()],
        session_ends: vec!["2030-01-10T14:00".into(), "2030-01-11T14:00".into()],
        session_place: vec!["سوهاج".into(), "سوهاج".into()],
        ..open_event_input()
    };
    let event = events::create(&app.db, &amal_admin, &input).await.unwrap();
    assert_eq!(
        events::get(&app.db, event).await.unwrap().status,
        "proposed"
    );
    let staff_b = app.actor("staff@amal.demo").await;
    assert!(
        registration::register(&app.db, &settings, &staff_b, event, &[staff_b.user_id])
            .await
            .is_err(),
        "not open before approval"
    );
    // Another member does not see the proposal; the proposing admin may not approve it.
    let nour = app.actor("staff@nour.demo").await;
    assert!(matches!(
        events::get_for(&app.db, &nour, event).await,
        Err(mizalla::error::Error::NotFound)
    ));
    assert!(matches!(
        events::set_status(&app.db, &amal_admin, event, "open").await,
        Err(mizalla::error::Error::Forbidden)
    ));
    events::set_status(&app.db, &secretariat, event, "open")
        .await
        .unwrap();
    let people = staff(&app, 2).await;
    for (p, _) in &people {
        registration::register(&app.db, &settings, p, event, &[p.user_id])
            .await
            .unwrap();
    }
    // One person attends both sessions, the other none: one trainee, counted once.
    let code = registration::own(&app.db, &people[0].0, event)
        .await
        .unwrap()
        .unwrap()
        .code;
    held(&app, event).await;
    for s in events::sessions(&app.db, event).await.unwrap() {
        events::checkin::check_in(&app.db, &amal_admin, event, s.id, &code)
            .await
            .unwrap();
    }
    let rows = mizalla::coordination::fourw::rows(
        &app.db,
        &mizalla::coordination::fourw::Query {
            source: Some(mizalla::coordination::fourw::Source::Counted),
            governorate: Some("26".into()),
            category: Some(events::trained_category("education")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let amal = app.org_id("amal").await;
    let own_row = rows
        .iter()
        .find(|r| r.org_id == Some(amal))
        .expect("Al-Amal's trainees in the 4W");
    assert_eq!(own_row.persons, 1);
    assert_eq!(own_row.sector, "education");
}

on_both_backends!(
    simultaneous_registrations,
    simultaneous_registrations_never_overbook
);
on_both_backends!(cancellation_promotes, a_cancellation_promotes_exactly_one);
on_both_backends!(nominations, nominations_limits_and_refusals);
on_both_backends!(check_in, check_in_refuses_what_it_should);
on_both_backends!(certificates, certificates_and_their_check);
on_both_backends!(feedback, feedback_is_given_once_and_summed_up);
on_both_backends!(calendar, calendar_files_and_the_personal_feed);
on_both_backends!(event_form, the_form_says_what_is_wrong);
on_both_backends!(
    proposals_and_4w,
    a_proposal_opens_when_approved_and_trainees_count_in_the_4w
);

/// The e-mails of a registration, a place on the waiting list and a promotion reach the people
/// through a real SMTP server (Debian's aiosmtpd), in Arabic, with the check-in code of a seat.
async fn registration_notices_reach_the_people(backend: crate::helpers::Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("mizalla-mail-{}", crate::helpers::unique()));
    let _server = crate::helpers::SmtpServer::start(port, &dir).await;
    let Some(app) = TestApp::spawn_configured(backend, true, |s| {
        s.smtp_host = Some("127.0.0.1".into());
        s.smtp_port = Some(port);
        s.smtp_security = "none".into();
        s.public_url = Some("https://mizalla.example.org".into());
    })
    .await
    else {
        return;
    };
    let event = create(
        &app,
        &EventInput {
            capacity: "1".into(),
            ..open_event_input()
        },
    )
    .await;
    let people = staff(&app, 2).await;
    let client = TestApp::client();
    for (_, token) in &people {
        let res = client
            .post(app.url(&format!("/events/{event}/register")))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
    }
    let first = registration::own(&app.db, &people[0].0, event)
        .await
        .unwrap()
        .unwrap();
    let res = client
        .post(app.url(&format!(
            "/events/{event}/registrations/{}/cancel",
            first.id
        )))
        .bearer_auth(&people[0].1)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let second = registration::own(&app.db, &people[1].0, event)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.status, "seated");
    let mut mails = Vec::new();
    for _ in 0..600 {
        mails = crate::helpers::received(&dir);
        if mails.len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), 3, "{mails:?}");
    let to = |who: usize| {
        mails
            .iter()
            .filter(|(_, t, _)| *t == people[who].0.email)
            .collect::<Vec<_>>()
    };
    let (first_mails, second_mails) = (to(0), to(1));
    assert_eq!(first_mails.len(), 1);
    assert!(
        first_mails[0].0.contains("سُجّلت في فعالية"),
        "{:?}",
        first_mails[0]
    );
    assert!(first_mails[0].2.contains(&events::grouped(&first.code)));
    assert!(
        first_mails[0].2.contains(&format!(
            "attached: {}.png image/png",
            events::grouped(&first.code)
        )),
        "the QR code as a picture: {:?}",
        first_mails[0]
    );
    assert!(
        first_mails[0]
            .2
            .contains(&format!("https://mizalla.example.org/events/{event}"))
    );
    assert_eq!(second_mails.len(), 2);
    assert!(second_mails.iter().any(|m| m.0.contains("قائمة انتظار")));
    let promoted = second_mails
        .iter()
        .find(|m| m.0.contains("خلا مقعد"))
        .expect("the promotion's e-mail");
    assert!(
        promoted.2.contains(&events::grouped(&second.code)),
        "{promoted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_notices_on_sqlite() {
    registration_notices_reach_the_people(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_notices_on_postgres() {
    registration_notices_reach_the_people(crate::helpers::Backend::Postgres).await;
}
