//! The demo's events: a workshop next week with its seats taken and one member's admin on the
//! waiting list; a training held last month, closed, with its certificates and feedback; and a
//! field visit a member proposed, waiting for the secretariat.

use super::actor_for;
use crate::db::{self, Db};
use crate::events::{self, EventInput};

fn e(err: crate::error::Error) -> anyhow::Error {
    anyhow::anyhow!("demo events: {err:?}")
}

/// A Cairo time `days` from today at `hour`:00, as the form types it.
fn at(days: i64, hour: i8) -> String {
    let tz = jiff::tz::TimeZone::get("Africa/Cairo").unwrap_or(jiff::tz::TimeZone::UTC);
    let day = jiff::Timestamp::now().to_zoned(tz).date() + jiff::Span::new().days(days);
    format!("{day}T{hour:02}:00")
}

fn input(
    title_ar: &str,
    title_en: &str,
    kind: &str,
    sessions: &[(i64, i8, i8, &str)],
) -> EventInput {
    EventInput {
        title_ar: title_ar.into(),
        title_en: title_en.into(),
        kind: kind.into(),
        capacity: "4".into(),
        registration_opens: at(-1, 9),
        registration_closes: at(sessions[0].0, sessions[0].1),
        certificate: "yes".into(),
        min_attendance: "80".into(),
        session_starts: sessions.iter().map(|s| at(s.0, s.1)).collect(),
        session_ends: sessions.iter().map(|s| at(s.0, s.2)).collect(),
        session_place: sessions.iter().map(|s| s.3.to_owned()).collect(),
        ..Default::default()
    }
}

pub(super) async fn seed(db: &Db) -> anyhow::Result<()> {
    let settings = crate::config::Settings::default();
    let admin = actor_for(db, "admin@secretariat.demo").await?;
    let person = |email: &'static str| async move { actor_for(db, email).await };

    // A workshop next week: four seats, two per member, all taken; one waiting.
    let mut w = input(
        "ورشة عمل: إدارة المتطوعين",
        "Workshop: managing volunteers",
        "workshop",
        &[
            (7, 10, 14, "مقر الأمانة الفنية، القاهرة"),
            (8, 10, 14, "مقر الأمانة الفنية، القاهرة"),
        ],
    );
    w.description_ar =
        "كيف تستقطب الجمعية متطوعيها وتدربهم وتحافظ عليهم، مع نماذج لسجل ساعات التطوع.".into();
    w.description_en = "How a member recruits, trains and keeps its volunteers, with templates for a record of volunteer hours.".into();
    w.per_member_limit = "2".into();
    w.hours = "8".into();
    w.sector = "education".into();
    w.governorate = "01".into();
    let workshop = events::create(db, &admin, &w).await.map_err(e)?;
    let amal_admin = person("admin@amal.demo").await?;
    let amal_staff = person("staff@amal.demo").await?;
    events::registration::register(
        db,
        &settings,
        &amal_admin,
        workshop,
        &[amal_admin.user_id, amal_staff.user_id],
    )
    .await
    .map_err(e)?;
    for email in ["staff@nour.demo", "staff@khair.demo", "admin@khair.demo"] {
        let p = person(email).await?;
        events::registration::register(db, &settings, &p, workshop, &[p.user_id])
            .await
            .map_err(e)?;
    }

    // A training held last month: three sessions, a certificate for 80 % of them, 12 hours.
    let mut t = input(
        "تدريب: توثيق الحالات ومتابعتها",
        "Training: documenting and following up cases",
        "training",
        &[
            (2, 9, 13, "مقر جمعية الأمل، سوهاج"),
            (3, 9, 13, "مقر جمعية الأمل، سوهاج"),
            (4, 9, 13, "مقر جمعية الأمل، سوهاج"),
        ],
    );
    t.hours = "12".into();
    t.sector = "education".into();
    t.governorate = "26".into();
    t.capacity = "20".into();
    let training = events::create(db, &admin, &t).await.map_err(e)?;
    let mut people = Vec::new();
    for email in ["staff@amal.demo", "staff@nour.demo", "staff@tanmia.demo"] {
        let p = person(email).await?;
        events::registration::register(db, &settings, &p, training, &[p.user_id])
            .await
            .map_err(e)?;
        people.push(p);
    }
    // Held last month: the demo moves its dates back (the form only takes an event to come).
    let sessions = events::sessions(db, training).await.map_err(e)?;
    for (i, s) in sessions.iter().enumerate() {
        let day = -33 + i as i64;
        sqlx::query("UPDATE event_sessions SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(events::from_cairo(&at(day, 9)))
            .bind(events::from_cairo(&at(day, 13)))
            .bind(s.id)
            .execute(&db.pool)
            .await?;
    }
    for (i, p) in people.iter().enumerate() {
        let own = events::registration::own(db, p, training)
            .await
            .map_err(e)?
            .ok_or_else(|| anyhow::anyhow!("demo events: registration missing"))?;
        // The third attended only the first session: no certificate.
        let attended = if i == 2 { 1 } else { sessions.len() };
        for s in sessions.iter().take(attended) {
            events::checkin::check_in(db, &admin, training, s.id, &own.code)
                .await
                .map_err(e)?;
        }
    }
    sqlx::query(
        "UPDATE events SET registration_opens = $1, registration_closes = $2 WHERE id = $3",
    )
    .bind(events::from_cairo(&at(-45, 9)))
    .bind(events::from_cairo(&at(-34, 9)))
    .bind(training)
    .execute(&db.pool)
    .await?;
    // Checked in on the day, on time.
    sqlx::query("UPDATE event_checkins SET checked_at = $1, late = 0 WHERE session_id IN (SELECT id FROM event_sessions WHERE event_id = $2)")
        .bind(db::days_ago(32))
        .bind(training)
        .execute(&db.pool)
        .await?;
    events::certificates::close(db, &admin, training)
        .await
        .map_err(e)?;
    for (p, (overall, comment)) in people.iter().zip([
        (5, "تدريب عملي ومفيد، ونتمنى جلسة متابعة بعد شهرين."),
        (4, ""),
    ]) {
        events::feedback::submit(
            db,
            p,
            training,
            &events::feedback::FeedbackInput {
                overall: overall.to_string(),
                content: "4".into(),
                organisation: "5".into(),
                comment: comment.into(),
            },
        )
        .await
        .map_err(e)?;
    }

    // A field visit a member's admin proposed: the secretariat approves it or not.
    let tanmia_admin = person("admin@tanmia.demo").await?;
    let mut v = input(
        "زيارة ميدانية لمشروعات الصرف الصحي في قرى المنيا",
        "Field visit to the sanitation projects of Minya's villages",
        "field_visit",
        &[(20, 8, 16, "قرية بني مزار، المنيا")],
    );
    v.capacity = "15".into();
    v.certificate = String::new();
    v.governorate = "24".into();
    events::create(db, &tanmia_admin, &v).await.map_err(e)?;
    Ok(())
}
