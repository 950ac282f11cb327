//! Registrations: a person registers themselves, or their member's admin nominates colleagues
//! (within the event's limit per member); the first `capacity` are seated and the rest wait in
//! the order they came. When a seated person cancels — or the capacity is raised — the first
//! waiting are seated and told by e-mail and on their page.
//!
//! Every change to an event's seats runs in one transaction that first locks the event's row
//! ([`lock`]): two requests for the last seat are served one after the other, never both.

use super::Event;
use crate::access::{Actor, Role};
use crate::audit;
use crate::config::Settings;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use crate::i18n::Locale;
use crate::mail::{self, Mail};
use serde::Serialize;

/// The length of a check-in code: 31 letters and digits, 8 of them (about 40 bits) — guessing
/// one of a thousand codes takes a billion tries, and a QR code of it is read from a phone.
pub const CODE_LEN: usize = 8;

/// One registration as its lists show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub event_id: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub org_name_ar: String,
    pub org_name_en: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub code: String,
    pub created_at: String,
    pub promoted_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub certificate_serial: Option<String>,
    /// Sessions this person was checked in to.
    pub attended: i64,
    /// Of them, arrived late.
    pub late: i64,
}

const SELECT: &str = "SELECT r.id, r.event_id, r.user_id, r.org_id, o.name_ar AS org_name_ar, o.name_en AS org_name_en, \
     r.name, u.email, r.status, r.code, r.created_at, r.promoted_at, r.cancelled_at, r.certificate_serial, \
     (SELECT COUNT(*) FROM event_checkins k WHERE k.registration_id = r.id) AS attended, \
     (SELECT COUNT(*) FROM event_checkins k WHERE k.registration_id = r.id AND k.late = 1) AS late \
     FROM event_registrations r JOIN orgs o ON o.id = r.org_id JOIN users u ON u.id = r.user_id";

/// Takes the event's row for the rest of the transaction (on PostgreSQL a row lock; SQLite's
/// transactions already hold the write lock), so that seats are counted and given by one
/// request at a time.
pub async fn lock(tx: &mut Tx<'_>, event: i64) -> Result<()> {
    let done = sqlx::query("UPDATE events SET capacity = capacity WHERE id = $1")
        .bind(event)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// What a registration came to.
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    pub id: i64,
    pub user_id: i64,
    pub status: String,
    pub code: String,
}

/// The people `actor` may register for `event`: themselves, and for a member's admin (or the
/// secretariat's coordinators) the active users of their organisation; only those the event
/// admits and not yet registered. `(user id, display name, email, role)`.
pub async fn candidates(
    db: &Db,
    actor: &Actor,
    event: &Event,
) -> Result<Vec<(i64, String, String, String)>> {
    let users: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, u.role, u.org_id FROM users u \
         WHERE u.active = 1 AND u.org_id = $1 AND u.role <> 'auditor' \
         AND NOT EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = $2 AND r.user_id = u.id AND r.status <> 'cancelled') \
         ORDER BY u.display_name, u.id",
    )
    .bind(actor.org_id)
    .bind(event.id)
    .fetch_all(&db.pool)
    .await?;
    let nominates = actor.role == Role::MemberAdmin || actor.coordinates();
    Ok(users
        .into_iter()
        .filter(|(id, ..)| nominates || *id == actor.user_id)
        .filter(|(_, _, _, role, org)| Role::parse(role).is_some_and(|r| event.admits(*org, r)))
        .map(|(id, name, email, role, _)| (id, name, email, role))
        .collect())
}

/// Registers `users` (ids) for event `id` on behalf of `actor`. All or none: a person who may not
/// be registered, a full member limit or a closed window refuses the whole request.
pub async fn register(
    db: &Db,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    users: &[i64],
) -> Result<Vec<Registered>> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let event = super::get_for(db, actor, id).await?;
    let mut users: Vec<i64> = users.to_vec();
    users.sort_unstable();
    users.dedup();
    if users.is_empty() {
        return Err(Error::field("users", "err-event-choose-people"));
    }
    if users.len() > 500 {
        return Err(Error::field("users", "err-event-too-many-people"));
    }
    let mut tx = db.begin().await?;
    lock(&mut tx, id).await?;
    // The event as it is now that it is locked (an organiser may just have closed it).
    let event: Event = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM events WHERE id = $1",
        super::EVENT_COLUMNS
    )))
    .bind(event.id)
    .fetch_one(&mut *tx)
    .await?;
    if !event.registration_open(&db::now()) {
        return Err(Error::Conflict(if event.status == "open" {
            "err-event-registration-closed"
        } else {
            "err-event-not-open"
        }));
    }
    let mut people = Vec::new();
    for user in &users {
        let row: Option<(i64, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.role, u.org_id, o.status, u.email FROM users u JOIN orgs o ON o.id = u.org_id \
             WHERE u.id = $1 AND u.active = 1",
        )
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((uid, name, role, org, org_status, email)) = row else {
            return Err(Error::field("users", "err-event-unknown-person"));
        };
        let allowed = uid == actor.user_id
            || (org == actor.org_id && (actor.role == Role::MemberAdmin || actor.coordinates()));
        if !allowed {
            return Err(Error::field("users", "err-event-unknown-person"));
        }
        let role = Role::parse(&role).unwrap_or(Role::Auditor);
        if role == Role::Auditor || org_status != "active" || !event.admits(org, role) {
            return Err(Error::field("users", "err-event-not-eligible"));
        }
        let (already,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND user_id = $2 AND status <> 'cancelled'",
        )
        .bind(id)
        .bind(uid)
        .fetch_one(&mut *tx)
        .await?;
        if already > 0 {
            return Err(Error::Conflict("err-event-already-registered"));
        }
        // The certificate's name is the one on the account; an account without one has its
        // address until the organiser corrects it.
        let name = if name.trim().is_empty() { email } else { name };
        people.push((uid, name, org));
    }
    if let Some(limit) = event.per_member_limit {
        let org = people[0].2;
        let (theirs,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND org_id = $2 AND status <> 'cancelled'",
        )
        .bind(id)
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
        if theirs + people.len() as i64 > limit {
            return Err(Error::Conflict("err-event-member-limit"));
        }
    }
    let (mut seated,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'seated'",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let now = db::now();
    let mut done = Vec::new();
    for (uid, name, org) in people {
        let status = if seated < event.capacity {
            seated += 1;
            "seated"
        } else {
            "waiting"
        };
        let code = super::random_code(CODE_LEN);
        let (rid,): (i64,) = sqlx::query_as(
            "INSERT INTO event_registrations (event_id, user_id, org_id, name, registered_by, status, code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(id)
        .bind(uid)
        .bind(org)
        .bind(&name)
        .bind(actor.user_id)
        .bind(status)
        .bind(&code)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        done.push(Registered {
            id: rid,
            user_id: uid,
            status: status.into(),
            code,
        });
    }
    let mut mails = Vec::new();
    for r in &done {
        mails.extend(notice(&mut tx, settings, &event, r.id, Notice::Registered).await?);
    }
    let queued = mail::queue(&mut tx, settings, &mails).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "register",
        "event",
        Some(id),
        None,
        Some(serde_json::json!({
            "seated": done.iter().filter(|r| r.status == "seated").map(|r| r.id).collect::<Vec<_>>(),
            "waiting": done.iter().filter(|r| r.status == "waiting").map(|r| r.id).collect::<Vec<_>>(),
            "users": done.iter().map(|r| r.user_id).collect::<Vec<_>>(),
            "emails": queued,
        })),
    )
    .await?;
    tx.commit().await?;
    if queued > 0 {
        mail::wake();
    }
    Ok(done)
}

/// Cancels registration `rid`: the person themselves, their member's admin, or the organiser.
/// A seat given back goes to the first waiting, who is told. Returns the registration promoted.
pub async fn cancel(db: &Db, settings: &Settings, actor: &Actor, rid: i64) -> Result<Option<i64>> {
    let reg = get(db, rid).await?;
    let event = super::get(db, reg.event_id).await?;
    let may = reg.user_id == actor.user_id
        || (actor.role == Role::MemberAdmin && actor.org_id == reg.org_id)
        || super::organises(actor, &event);
    if !may || !super::visible_to(actor, &event) {
        return Err(Error::NotFound);
    }
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if event.status == "closed" {
        return Err(Error::Conflict("err-event-finished"));
    }
    let mut tx = db.begin().await?;
    lock(&mut tx, reg.event_id).await?;
    let done = sqlx::query(
        "UPDATE event_registrations SET status = 'cancelled', cancelled_at = $1 \
         WHERE id = $2 AND status <> 'cancelled'",
    )
    .bind(db::now())
    .bind(rid)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // Cancelled already (by the person, their admin or the organiser): nothing to do.
        return Ok(None);
    }
    let promoted = fill_seats_listing(&mut tx, settings, reg.event_id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "cancel_registration",
        "event",
        Some(reg.event_id),
        Some(serde_json::json!({"registration": rid, "status": reg.status})),
        Some(serde_json::json!({"registration": rid, "status": "cancelled", "promoted": promoted})),
    )
    .await?;
    tx.commit().await?;
    if !promoted.is_empty() {
        mail::wake();
    }
    Ok(promoted.first().copied())
}

/// Seats the first waiting while seats are free (the event open and locked by the caller);
/// queues their notices. Returns how many were seated.
pub async fn fill_seats(tx: &mut Tx<'_>, settings: &Settings, event: i64) -> Result<usize> {
    Ok(fill_seats_listing(tx, settings, event).await?.len())
}

async fn fill_seats_listing(tx: &mut Tx<'_>, settings: &Settings, id: i64) -> Result<Vec<i64>> {
    let event: Event = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM events WHERE id = $1",
        super::EVENT_COLUMNS
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    if event.status != "open" {
        return Ok(Vec::new());
    }
    let (seated,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'seated'",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let free = (event.capacity - seated).max(0);
    if free == 0 {
        return Ok(Vec::new());
    }
    let next: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM event_registrations WHERE event_id = $1 AND status = 'waiting' ORDER BY id LIMIT $2",
    )
    .bind(id)
    .bind(free)
    .fetch_all(&mut **tx)
    .await?;
    let now = db::now();
    let mut mails = Vec::new();
    let mut promoted = Vec::new();
    for (rid,) in next {
        sqlx::query(
            "UPDATE event_registrations SET status = 'seated', promoted_at = $1 WHERE id = $2",
        )
        .bind(&now)
        .bind(rid)
        .execute(&mut **tx)
        .await?;
        mails.extend(notice(tx, settings, &event, rid, Notice::Promoted).await?);
        promoted.push(rid);
    }
    mail::queue(tx, settings, &mails).await?;
    Ok(promoted)
}

#[derive(Clone, Copy)]
enum Notice {
    Registered,
    Promoted,
}

/// The e-mail telling a person of their registration (with their check-in code and its QR code
/// as a picture) or that a seat became theirs, in their language.
async fn notice(
    tx: &mut Tx<'_>,
    settings: &Settings,
    event: &Event,
    rid: i64,
    what: Notice,
) -> Result<Vec<Mail>> {
    if !mail::enabled(settings) {
        return Ok(Vec::new());
    }
    let (to, language, status, code): (String, Option<String>, String, String) = sqlx::query_as(
        "SELECT u.email, u.language, r.status, r.code FROM event_registrations r JOIN users u ON u.id = r.user_id WHERE r.id = $1",
    )
    .bind(rid)
    .fetch_one(&mut **tx)
    .await?;
    let locale = language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default();
    let title = locale.pick(&event.title_ar, &event.title_en);
    let key = match (what, status.as_str()) {
        (Notice::Promoted, _) => "mail-event-promoted",
        (Notice::Registered, "waiting") => "mail-event-waiting",
        _ => "mail-event-registered",
    };
    let what = locale.t(key);
    let link = link(settings, &format!("/events/{}", event.id));
    let mut body = format!("{what}\n\n{title}\n\n");
    if status == "seated" {
        body.push_str(&format!(
            "{}: {}\n\n",
            locale.t("event-your-code"),
            super::grouped(&code)
        ));
    }
    body.push_str(&locale.t("mail-event-open"));
    body.push('\n');
    body.push_str(&link);
    body.push('\n');
    // A seat's e-mail carries the QR code to show at the door.
    let image = if status == "seated" {
        Some((
            format!("{}.png", super::grouped(&code)),
            super::qr::png(&code)?,
        ))
    } else {
        None
    };
    Ok(vec![Mail {
        to,
        subject: format!("{}: {what} — {title}", locale.t("app-name")),
        body,
        image,
    }])
}

/// An address of the platform as a link outside it (e-mails, certificates): absolute when the
/// server's public address is set.
pub fn link(settings: &Settings, path: &str) -> String {
    match settings.public_url.as_deref() {
        Some(base) if !base.trim().is_empty() => {
            format!("{}{path}", base.trim().trim_end_matches('/'))
        }
        _ => path.to_owned(),
    }
}

/// One registration by id.
pub async fn get(db: &Db, rid: i64) -> Result<Registration> {
    sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(rid)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(Error::NotFound)
}

/// `actor`'s own live registration for `event`, if any.
pub async fn own(db: &Db, actor: &Actor, event: i64) -> Result<Option<Registration>> {
    Ok(
        sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE r.event_id = $1 AND r.user_id = $2 AND r.status <> 'cancelled'"
        )))
        .bind(event)
        .bind(actor.user_id)
        .fetch_optional(&db.pool)
        .await?,
    )
}

/// The registrations of `event` that `actor` may see: all for the organiser and auditors, the
/// member's own for a member's admin, none for others. By member; within a member seated, then
/// waiting, then cancelled, each in the order they came.
pub async fn list(db: &Db, actor: &Actor, event: &Event) -> Result<Vec<Registration>> {
    let all = super::reads_as_organiser(actor, event);
    if !all && actor.role != Role::MemberAdmin {
        return Ok(Vec::new());
    }
    let filter = if all { "" } else { "AND r.org_id = $2" };
    let sql = format!(
        "{SELECT} WHERE r.event_id = $1 {filter} ORDER BY o.name_ar, o.id, \
         CASE r.status WHEN 'seated' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.id"
    );
    let mut q = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(sql)).bind(event.id);
    if !all {
        q = q.bind(actor.org_id);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// How many are seated and waiting.
pub async fn counts(db: &Db, event: i64) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(CASE WHEN status = 'seated' THEN 1 END), \
                COUNT(CASE WHEN status = 'waiting' THEN 1 END) \
         FROM event_registrations WHERE event_id = $1",
    )
    .bind(event)
    .fetch_one(&db.pool)
    .await?)
}

/// The list as a table to download: one row a registration, by member.
pub fn table(
    locale: Locale,
    sessions: usize,
    regs: &[Registration],
) -> (Vec<String>, Vec<Vec<crate::table::export::Value>>) {
    use crate::table::export::Value;
    let header = [
        "event-col-member",
        "event-col-name",
        "event-col-email",
        "event-col-status",
        "event-col-registered",
        "event-col-attended",
        "event-col-late",
        "event-col-certificate",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = regs
        .iter()
        .map(|r| {
            vec![
                Value::Text(locale.pick(&r.org_name_ar, &r.org_name_en).to_owned()),
                Value::Text(r.name.clone()),
                Value::Text(r.email.clone()),
                Value::Text(locale.t(&format!("event-reg-{}", r.status))),
                Value::Text(locale.datetime(&r.created_at)),
                Value::Text(format!("{}/{sessions}", r.attended)),
                Value::Number(r.late as f64),
                Value::Text(r.certificate_serial.clone().unwrap_or_default()),
            ]
        })
        .collect();
    (header, rows)
}
