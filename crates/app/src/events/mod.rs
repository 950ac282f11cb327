//! Joint workshops and events (`/events`): the secretariat — or a member, once the secretariat
//! approves its proposal — organises an event with its sessions (Cairo times, a place or an
//! online link), a capacity, who may register, a registration window, and whether attendance
//! earns a certificate and how many accreditation hours.
//!
//! The rooms of the feature: [`registration`] (seats, the waiting list promoted when someone
//! cancels, a member's limit), [`checkin`] (the code of each registration, scanned or typed per
//! session), [`certificates`] (issued when the organiser closes the event, drawn as PDF, checked
//! on a public page), [`feedback`] and [`calendar`] (`.ics` files and a person's feed).
//!
//! Who sees what: every signed-in user sees the events open to them; the organiser (the
//! organising member's admin, and the secretariat's admins and staff) sees the whole list of
//! registrations; a member's admin sees its own staff's; a person sees their own. Auditors read
//! everything. Names of people never go to the audit trail: it says which registration changed.

pub mod calendar;
pub mod certificates;
pub mod checkin;
pub mod feedback;
pub mod qr;
pub mod registration;
pub mod routes;

use crate::access::{Actor, Role};
use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, FieldErrors, Result};
use crate::paging::Page;
use serde::{Deserialize, Serialize};

pub const KINDS: [&str; 4] = ["workshop", "training", "conference", "field_visit"];
pub const STATUSES: [&str; 4] = ["proposed", "open", "closed", "cancelled"];
/// The roles an event may be limited to.
pub const ROLES: [&str; 3] = ["member_admin", "member_staff", "secretariat_staff"];
/// The most sessions one event has (a training of a few weeks, one a day).
pub const MAX_SESSIONS: usize = 60;
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 10_000;
const MAX_CAPACITY: i64 = 100_000;
/// The most accreditation hours one event may give.
const MAX_HOURS: f64 = 1_000.0;
pub const PAGE_SIZE: i64 = 25;

/// An event as stored. Times are UTC (RFC 3339); pages show them in Cairo's time.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub org_id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub kind: String,
    pub sector: String,
    pub governorate: String,
    pub capacity: i64,
    pub per_member_limit: Option<i64>,
    pub eligible_orgs: String,
    pub eligible_roles: String,
    pub registration_opens: String,
    pub registration_closes: String,
    pub certificate: i64,
    pub min_attendance: i64,
    pub hours_tenths: i64,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
}

const EVENT_COLUMNS: &str = "id, org_id, title_ar, title_en, description_ar, description_en, kind, sector, \
     governorate, capacity, per_member_limit, eligible_orgs, eligible_roles, registration_opens, \
     registration_closes, certificate, min_attendance, hours_tenths, status, created_at, updated_at, closed_at";

impl Event {
    /// Accreditation hours as people write them (`6`, `7.5`).
    pub fn hours(&self) -> String {
        hours_text(self.hours_tenths)
    }
    /// Whether registrations are taken now.
    pub fn registration_open(&self, now: &str) -> bool {
        self.status == "open"
            && self.registration_opens.as_str() <= now
            && now < self.registration_closes.as_str()
    }
    pub fn eligible_org_ids(&self) -> Vec<i64> {
        crate::orgs::split_list(&self.eligible_orgs)
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect()
    }
    /// Whether a person of `org_id` with `role` may be registered.
    pub fn admits(&self, org_id: i64, role: Role) -> bool {
        let orgs = self.eligible_org_ids();
        let roles = crate::orgs::split_list(&self.eligible_roles);
        (orgs.is_empty() || orgs.contains(&org_id))
            && (roles.is_empty() || roles.iter().any(|r| r == role.as_str()))
    }
}

pub fn hours_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// One session of an event.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub event_id: i64,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub online_url: String,
}

/// A session as the form gives it: Cairo times `YYYY-MM-DDTHH:MM`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionInput {
    pub title: String,
    pub starts: String,
    pub ends: String,
    pub place: String,
    pub online_url: String,
}

/// An event as the form gives it, every field as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub kind: String,
    pub sector: String,
    pub governorate: String,
    pub capacity: String,
    pub per_member_limit: String,
    pub eligible_orgs: Vec<String>,
    pub eligible_roles: Vec<String>,
    pub registration_opens: String,
    pub registration_closes: String,
    pub certificate: String,
    pub min_attendance: String,
    pub hours: String,
    /// The sessions, one form row each: the n-th of every list is the n-th session.
    pub session_title: Vec<String>,
    pub session_starts: Vec<String>,
    pub session_ends: Vec<String>,
    pub session_place: Vec<String>,
    pub session_url: Vec<String>,
    pub submission: String,
}

impl EventInput {
    /// The sessions' rows as typed.
    pub fn sessions(&self) -> Vec<SessionInput> {
        let n = [
            self.session_title.len(),
            self.session_starts.len(),
            self.session_ends.len(),
            self.session_place.len(),
            self.session_url.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
        .min(MAX_SESSIONS * 2);
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .map(|i| SessionInput {
                title: at(&self.session_title, i),
                starts: at(&self.session_starts, i),
                ends: at(&self.session_ends, i),
                place: at(&self.session_place, i),
                online_url: at(&self.session_url, i),
            })
            .collect()
    }

    fn set_sessions(&mut self, rows: &[SessionInput]) {
        self.session_title = rows.iter().map(|s| s.title.clone()).collect();
        self.session_starts = rows.iter().map(|s| s.starts.clone()).collect();
        self.session_ends = rows.iter().map(|s| s.ends.clone()).collect();
        self.session_place = rows.iter().map(|s| s.place.clone()).collect();
        self.session_url = rows.iter().map(|s| s.online_url.clone()).collect();
    }
}

/// Cairo's time zone, read once from the built-in database.
fn cairo() -> Result<jiff::tz::TimeZone> {
    static CAIRO: std::sync::LazyLock<Option<jiff::tz::TimeZone>> =
        std::sync::LazyLock::new(|| jiff::tz::TimeZone::get("Africa/Cairo").ok());
    CAIRO
        .clone()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("Cairo's time zone is missing")))
}

/// A Cairo time as a form gives it (`2026-12-10T10:00`, seconds allowed) as stored: UTC RFC 3339.
pub fn from_cairo(local: &str) -> Option<String> {
    let local = local.trim();
    if local.len() > 25 {
        return None;
    }
    let civil: jiff::civil::DateTime = local.parse().ok()?;
    if !(2000..=2100).contains(&civil.year()) {
        return None;
    }
    let zoned = civil.to_zoned(cairo().ok()?).ok()?;
    Some(
        zoned
            .timestamp()
            .round(jiff::Unit::Second)
            .ok()?
            .to_string(),
    )
}

/// A stored UTC time as a form field shows it in Cairo's time (`2026-12-10T10:00`).
pub fn to_cairo(utc: &str) -> String {
    let (Ok(at), Ok(tz)) = (utc.parse::<jiff::Timestamp>(), cairo()) else {
        return utc.to_owned();
    };
    at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// The Cairo date (`YYYY-MM-DD`) of a stored UTC time.
pub fn cairo_date(utc: &str) -> String {
    to_cairo(utc).get(..10).unwrap_or_default().to_owned()
}

/// What was checked of an input: ready to store.
struct Checked {
    title_ar: String,
    title_en: String,
    description_ar: String,
    description_en: String,
    kind: &'static str,
    sector: String,
    governorate: String,
    capacity: i64,
    per_member_limit: Option<i64>,
    eligible_orgs: String,
    eligible_roles: String,
    opens: String,
    closes: String,
    certificate: bool,
    min_attendance: i64,
    hours_tenths: i64,
    sessions: Vec<(String, String, String, String, String)>,
}

/// A whole number typed in a form, in `range`.
fn number(
    errs: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let digits = crate::table::latin_digits(raw.trim());
    match digits.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        Ok(_) => {
            errs.add(field, "err-number-range");
            None
        }
        Err(_) => {
            errs.add(field, "err-number");
            None
        }
    }
}

async fn check(db: &Db, input: &EventInput) -> Result<Checked> {
    let mut errs = FieldErrors::default();
    let title_ar = errs.line("title_ar", &input.title_ar, MAX_TITLE, true);
    let title_en = errs.line("title_en", &input.title_en, MAX_TITLE, true);
    let description_ar = errs.text("description_ar", &input.description_ar, MAX_TEXT, false);
    let description_en = errs.text("description_en", &input.description_en, MAX_TEXT, false);
    let kind = KINDS
        .iter()
        .find(|k| **k == input.kind.trim())
        .copied()
        .unwrap_or_else(|| {
            errs.add("kind", "err-choice");
            "workshop"
        });
    let sector = input.sector.trim().to_owned();
    if !sector.is_empty() && !crate::orgs::SECTORS.contains(&sector.as_str()) {
        errs.add("sector", "err-choice");
    }
    let governorate = input.governorate.trim().to_owned();
    if !governorate.is_empty() && crate::orgs::governorates::by_code(&governorate).is_none() {
        errs.add("governorate", "err-choice");
    }
    let capacity = number(&mut errs, "capacity", &input.capacity, 1..=MAX_CAPACITY).unwrap_or(1);
    let per_member_limit = if input.per_member_limit.trim().is_empty() {
        None
    } else {
        number(
            &mut errs,
            "per_member_limit",
            &input.per_member_limit,
            1..=MAX_CAPACITY,
        )
    };
    let members: Vec<i64> = crate::orgs::list(db)
        .await?
        .into_iter()
        .filter(|o| o.is_member())
        .map(|o| o.id)
        .collect();
    let eligible_orgs = errs.codes("eligible_orgs", &input.eligible_orgs, |o| {
        o.parse::<i64>().is_ok_and(|id| members.contains(&id))
    });
    let eligible_roles = errs.codes("eligible_roles", &input.eligible_roles, |r| {
        ROLES.contains(&r)
    });
    let opens = from_cairo(&input.registration_opens);
    let closes = from_cairo(&input.registration_closes);
    if opens.is_none() {
        errs.add("registration_opens", "err-datetime");
    }
    if closes.is_none() {
        errs.add("registration_closes", "err-datetime");
    }
    if let (Some(o), Some(c)) = (&opens, &closes)
        && c <= o
    {
        errs.add("registration_closes", "err-event-closes-before-opens");
    }
    let certificate = input.certificate == "yes";
    let min_attendance = if certificate {
        number(&mut errs, "min_attendance", &input.min_attendance, 1..=100).unwrap_or(80)
    } else {
        80
    };
    let hours_tenths = match input.hours.trim() {
        "" => 0,
        raw => match crate::table::latin_digits(raw)
            .replace('٫', ".")
            .parse::<f64>()
        {
            Ok(h) if h.is_finite() && (0.0..=MAX_HOURS).contains(&h) => (h * 10.0).round() as i64,
            Ok(_) => {
                errs.add("hours", "err-number-range");
                0
            }
            Err(_) => {
                errs.add("hours", "err-number");
                0
            }
        },
    };
    let rows = input.sessions();
    if input.session_starts.len() > MAX_SESSIONS * 2 {
        errs.add("sessions", "err-event-too-many-sessions");
    }
    let typed: Vec<&SessionInput> = rows
        .iter()
        .filter(|s| {
            !(s.starts.trim().is_empty()
                && s.ends.trim().is_empty()
                && s.title.trim().is_empty()
                && s.place.trim().is_empty()
                && s.online_url.trim().is_empty())
        })
        .collect();
    if typed.is_empty() {
        errs.add("sessions", "err-event-no-session");
    } else if typed.len() > MAX_SESSIONS {
        errs.add("sessions", "err-event-too-many-sessions");
    }
    let mut sessions = Vec::new();
    for s in typed.iter().take(MAX_SESSIONS) {
        let mut own = FieldErrors::default();
        let title = own.line("sessions", &s.title, MAX_TITLE, false);
        let place = own.line("sessions", &s.place, MAX_TITLE, false);
        let url = own.line("sessions", &s.online_url, 500, false);
        let (starts, ends) = (from_cairo(&s.starts), from_cairo(&s.ends));
        if let Some((_, key)) = own.iter().next() {
            errs.add("sessions", key);
            continue;
        }
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            errs.add("sessions", "err-event-online-url");
            continue;
        }
        if place.is_empty() && url.is_empty() {
            errs.add("sessions", "err-event-session-where");
            continue;
        }
        match (starts, ends) {
            (Some(a), Some(b)) if b > a => sessions.push((title, a, b, place, url)),
            (Some(_), Some(_)) => errs.add("sessions", "err-event-session-ends-before"),
            _ => errs.add("sessions", "err-event-session-time"),
        }
    }
    sessions.sort_by(|a, b| a.1.cmp(&b.1));
    if let (Some(c), Some(last)) = (&closes, sessions.last())
        && *c > last.2
    {
        errs.add("registration_closes", "err-event-closes-after-end");
    }
    errs.check()?;
    Ok(Checked {
        title_ar,
        title_en,
        description_ar,
        description_en,
        kind,
        sector,
        governorate,
        capacity,
        per_member_limit,
        eligible_orgs: eligible_orgs.join(","),
        eligible_roles: eligible_roles.join(","),
        opens: opens.unwrap_or_default(),
        closes: closes.unwrap_or_default(),
        certificate,
        min_attendance,
        hours_tenths,
        sessions,
    })
}

/// Whether `actor` may create events: the secretariat's admins and staff (open at once) and a
/// member's admin (a proposal the secretariat approves).
pub fn may_create(actor: &Actor) -> bool {
    actor.can_write() && (actor.coordinates() || actor.role == Role::MemberAdmin)
}

/// Whether `actor` organises `event`: the secretariat's admins and staff, and the admin of the
/// organising member.
pub fn organises(actor: &Actor, event: &Event) -> bool {
    actor.coordinates() || (actor.role == Role::MemberAdmin && actor.org_id == event.org_id)
}

/// Whether `actor` may read the organiser's pages of `event` (its list, feedback, check-in).
pub fn reads_as_organiser(actor: &Actor, event: &Event) -> bool {
    organises(actor, event) || actor.role == Role::Auditor
}

/// Creates an event. Returns its id; a form sent twice under one submission key creates once.
pub async fn create(db: &Db, actor: &Actor, input: &EventInput) -> Result<i64> {
    if !may_create(actor) {
        return Err(Error::Forbidden);
    }
    let key = crate::submissions::key(&input.submission)?;
    let c = check(db, input).await?;
    // A new event whose registration is already over could take nobody.
    if c.closes <= db::now() {
        return Err(Error::field(
            "registration_closes",
            "err-event-closes-in-past",
        ));
    }
    let mut tx = db.begin().await?;
    if let Some(k) = key
        && let Some(id) = crate::submissions::earlier(&mut tx, actor.org_id, "event", k).await?
    {
        return Ok(id);
    }
    let status = if actor.coordinates() {
        "open"
    } else {
        "proposed"
    };
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO events (org_id, title_ar, title_en, description_ar, description_en, kind, sector, \
         governorate, capacity, per_member_limit, eligible_orgs, eligible_roles, registration_opens, \
         registration_closes, certificate, min_attendance, hours_tenths, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
    )
    .bind(actor.org_id)
    .bind(&c.title_ar)
    .bind(&c.title_en)
    .bind(&c.description_ar)
    .bind(&c.description_en)
    .bind(c.kind)
    .bind(&c.sector)
    .bind(&c.governorate)
    .bind(c.capacity)
    .bind(c.per_member_limit)
    .bind(&c.eligible_orgs)
    .bind(&c.eligible_roles)
    .bind(&c.opens)
    .bind(&c.closes)
    .bind(c.certificate as i64)
    .bind(c.min_attendance)
    .bind(c.hours_tenths)
    .bind(status)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    store_sessions(&mut tx, id, &c.sessions).await?;
    if let Some(k) = key {
        crate::submissions::remember(&mut tx, actor.org_id, "event", k, id).await?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "event",
        Some(id),
        None,
        Some(summary(&c, status)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A stored time as the audit trail keeps it: Cairo's time, written `2026-12-10 10:00`.
fn audit_time(utc: &str) -> String {
    to_cairo(utc).replace('T', " ")
}

fn summary(c: &Checked, status: &str) -> serde_json::Value {
    serde_json::json!({
        "title_ar": c.title_ar, "title_en": c.title_en, "kind": c.kind, "status": status,
        "capacity": c.capacity, "per_member_limit": c.per_member_limit,
        "eligible_orgs": c.eligible_orgs, "eligible_roles": c.eligible_roles,
        "registration_opens": audit_time(&c.opens), "registration_closes": audit_time(&c.closes),
        "certificate": c.certificate, "min_attendance": c.min_attendance,
        "hours_tenths": c.hours_tenths, "sessions": c.sessions.len(),
    })
}

async fn store_sessions(
    tx: &mut Tx<'_>,
    event: i64,
    sessions: &[(String, String, String, String, String)],
) -> Result<()> {
    for (title, starts, ends, place, url) in sessions {
        sqlx::query(
            "INSERT INTO event_sessions (event_id, title, starts_at, ends_at, place, online_url) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event)
        .bind(title)
        .bind(starts)
        .bind(ends)
        .bind(place)
        .bind(url)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Changes an event. Its sessions are replaced while nobody has checked in; after the first
/// check-in they are kept (attendance refers to them) and a change to them is refused. A
/// capacity raised seats people from the waiting list.
pub async fn update(
    db: &Db,
    settings: &crate::config::Settings,
    actor: &Actor,
    id: i64,
    input: &EventInput,
) -> Result<()> {
    let before = get(db, id).await?;
    if !organises(actor, &before) || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if before.status == "closed" || before.status == "cancelled" {
        return Err(Error::Conflict("err-event-finished"));
    }
    let c = check(db, input).await?;
    let mut tx = db.begin().await?;
    registration::lock(&mut tx, id).await?;
    let (checked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_checkins k JOIN event_sessions s ON s.id = k.session_id \
         WHERE s.event_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let old = sessions_in(&mut tx, id).await?;
    let same_sessions = old.len() == c.sessions.len()
        && old.iter().zip(&c.sessions).all(|(o, n)| {
            o.title == n.0
                && o.starts_at == n.1
                && o.ends_at == n.2
                && o.place == n.3
                && o.online_url == n.4
        });
    if !same_sessions {
        if checked > 0 {
            return Err(Error::field("sessions", "err-event-sessions-attended"));
        }
        sqlx::query("DELETE FROM event_sessions WHERE event_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        store_sessions(&mut tx, id, &c.sessions).await?;
    }
    sqlx::query(
        "UPDATE events SET title_ar = $1, title_en = $2, description_ar = $3, description_en = $4, kind = $5, \
         sector = $6, governorate = $7, capacity = $8, per_member_limit = $9, eligible_orgs = $10, \
         eligible_roles = $11, registration_opens = $12, registration_closes = $13, certificate = $14, \
         min_attendance = $15, hours_tenths = $16, updated_at = $17 WHERE id = $18",
    )
    .bind(&c.title_ar)
    .bind(&c.title_en)
    .bind(&c.description_ar)
    .bind(&c.description_en)
    .bind(c.kind)
    .bind(&c.sector)
    .bind(&c.governorate)
    .bind(c.capacity)
    .bind(c.per_member_limit)
    .bind(&c.eligible_orgs)
    .bind(&c.eligible_roles)
    .bind(&c.opens)
    .bind(&c.closes)
    .bind(c.certificate as i64)
    .bind(c.min_attendance)
    .bind(c.hours_tenths)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let promoted = registration::fill_seats(&mut tx, settings, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "update",
        "event",
        Some(id),
        Some(serde_json::json!({
            "title_ar": before.title_ar, "title_en": before.title_en, "capacity": before.capacity,
            "registration_closes": audit_time(&before.registration_closes), "hours_tenths": before.hours_tenths,
        })),
        Some({
            let mut after = summary_map(&c);
            after.insert("promoted".into(), promoted.into());
            after.insert("sessions_changed".into(), (!same_sessions).into());
            serde_json::Value::Object(after)
        }),
    )
    .await?;
    tx.commit().await?;
    if promoted > 0 {
        crate::mail::wake();
    }
    Ok(())
}

fn summary_map(c: &Checked) -> serde_json::Map<String, serde_json::Value> {
    match summary(c, "") {
        serde_json::Value::Object(mut m) => {
            m.remove("status");
            m
        }
        _ => serde_json::Map::new(),
    }
}

/// The secretariat approves a member's proposal (it opens) or turns it down (cancelled); an
/// organiser cancels an event not yet closed. A cancelled event takes no registration.
pub async fn set_status(db: &Db, actor: &Actor, id: i64, to: &str) -> Result<()> {
    let event = get(db, id).await?;
    if !visible_to(actor, &event) {
        return Err(Error::NotFound);
    }
    // Approving is the secretariat's; cancelling the organiser's.
    let may = match to {
        "open" => actor.coordinates(),
        "cancelled" => organises(actor, &event),
        _ => false,
    };
    if !may || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if event.status == to {
        // Sent twice (a double click, a page left open): it is so already.
        return Ok(());
    }
    let allowed = matches!(
        (event.status.as_str(), to),
        ("proposed", "open") | ("proposed" | "open", "cancelled")
    );
    if !allowed {
        return Err(Error::Conflict("err-event-status"));
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE events SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
        .bind(to)
        .bind(db::now())
        .bind(id)
        .bind(&event.status)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        if to == "open" { "approve" } else { "cancel" },
        "event",
        Some(id),
        Some(serde_json::json!({"status": event.status})),
        Some(serde_json::json!({"status": to})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An event by id, whoever asks (callers check who may see it with [`visible_to`]).
pub async fn get(db: &Db, id: i64) -> Result<Event> {
    sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)
}

/// Whether `actor` may see `event`: the secretariat and auditors always; the organising member;
/// a member the event admits once it is open (or was: closed and cancelled ones stay readable to
/// those who registered).
pub fn visible_to(actor: &Actor, event: &Event) -> bool {
    actor.sees_all()
        || event.org_id == actor.org_id
        || (event.status != "proposed" && event.admits(actor.org_id, actor.role))
}

/// An event `actor` may see, or "not found".
pub async fn get_for(db: &Db, actor: &Actor, id: i64) -> Result<Event> {
    let event = get(db, id).await?;
    if visible_to(actor, &event) {
        Ok(event)
    } else {
        Err(Error::NotFound)
    }
}

pub async fn sessions(db: &Db, event: i64) -> Result<Vec<Session>> {
    Ok(sqlx::query_as(
        "SELECT id, event_id, title, starts_at, ends_at, place, online_url FROM event_sessions \
         WHERE event_id = $1 ORDER BY starts_at, id",
    )
    .bind(event)
    .fetch_all(&db.pool)
    .await?)
}

async fn sessions_in(tx: &mut Tx<'_>, event: i64) -> Result<Vec<Session>> {
    Ok(sqlx::query_as(
        "SELECT id, event_id, title, starts_at, ends_at, place, online_url FROM event_sessions \
         WHERE event_id = $1 ORDER BY starts_at, id",
    )
    .bind(event)
    .fetch_all(&mut **tx)
    .await?)
}

/// The list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// `upcoming` (default: open or proposed, not yet over), `past`, `mine` (registered), `all`.
    pub show: String,
    pub kind: String,
    pub q: String,
}

impl Filter {
    pub fn check(&self) -> Result<()> {
        if !matches!(
            self.show.as_str(),
            "" | "upcoming" | "past" | "mine" | "all"
        ) {
            return Err(Error::field("show", "err-choice"));
        }
        if !self.kind.is_empty() && !KINDS.contains(&self.kind.as_str()) {
            return Err(Error::field("kind", "err-choice"));
        }
        if self.q.chars().count() > 200 {
            return Err(Error::field("q", "err-too-long"));
        }
        Ok(())
    }
}

/// A line of the list: the event, its first and last session, seats taken and the reader's own
/// registration.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub kind: String,
    pub status: String,
    pub governorate: String,
    pub capacity: i64,
    pub registration_closes: String,
    pub first_session: Option<String>,
    pub last_session: Option<String>,
    pub seated: i64,
    pub waiting: i64,
    /// The reader's own registration's status, if any.
    pub mine: Option<String>,
    #[sqlx(skip)]
    pub open_now: bool,
    #[sqlx(skip)]
    pub org_id: i64,
    #[serde(skip)]
    eligible_orgs: String,
    #[serde(skip)]
    eligible_roles: String,
    #[serde(skip)]
    owner: i64,
}

/// The events `actor` may see that the filter keeps, soonest first (the past ones latest first).
pub async fn list(db: &Db, actor: &Actor, f: &Filter, page: Page) -> Result<(Vec<Line>, i64)> {
    f.check()?;
    let now = db::now();
    let mut b = db::Binds::default();
    let me = b.add(actor.user_id);
    let mut clauses: Vec<String> = Vec::new();
    let ends = "(SELECT MAX(s.ends_at) FROM event_sessions s WHERE s.event_id = e.id)";
    match f.show.as_str() {
        "past" => {
            let n = b.add(now.clone());
            clauses.push(format!("{ends} <= {n}"));
        }
        "mine" => clauses.push(format!(
            "EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = e.id AND r.user_id = {me} AND r.status <> 'cancelled')"
        )),
        "all" => {}
        _ => {
            let n = b.add(now.clone());
            clauses.push(format!(
                "e.status IN ('open', 'proposed') AND {ends} > {n}"
            ));
        }
    }
    if !f.kind.is_empty() {
        let k = b.add(f.kind.clone());
        clauses.push(format!("e.kind = {k}"));
    }
    if !f.q.trim().is_empty() {
        let p = b.add(db::contains_pattern(f.q.trim()));
        clauses.push(format!(
            "(LOWER(e.title_ar) LIKE {p} ESCAPE '\\' OR LOWER(e.title_en) LIKE {p} ESCAPE '\\')"
        ));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let order = if f.show == "past" {
        "last_session DESC, e.id DESC"
    } else {
        "first_session, e.id"
    };
    let sql = format!(
        "SELECT e.id, e.title_ar, e.title_en, e.kind, e.status, e.governorate, e.capacity, e.registration_closes, \
                (SELECT MIN(s.starts_at) FROM event_sessions s WHERE s.event_id = e.id) AS first_session, \
                {ends} AS last_session, \
                (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'seated') AS seated, \
                (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waiting') AS waiting, \
                (SELECT MIN(r.status) FROM event_registrations r WHERE r.event_id = e.id AND r.user_id = {me} AND r.status <> 'cancelled') AS mine, \
                e.eligible_orgs, e.eligible_roles, e.org_id AS owner \
         FROM events e {filter} ORDER BY {order}"
    );
    let rows: Vec<Line> = b
        .bind(sqlx::query_as::<_, Line>(sqlx::AssertSqlSafe(sql)))
        .fetch_all(&db.pool)
        .await?;
    // Who may see which event is the same rule as for one event; the list is small enough
    // (events, not registrations) to filter here.
    let mut seen: Vec<Line> = rows
        .into_iter()
        .filter(|l| {
            let probe = Event {
                id: l.id,
                org_id: l.owner,
                status: l.status.clone(),
                eligible_orgs: l.eligible_orgs.clone(),
                eligible_roles: l.eligible_roles.clone(),
                ..Event::blank()
            };
            visible_to(actor, &probe)
        })
        .collect();
    let total = seen.len() as i64;
    let mut shown: Vec<Line> = seen
        .drain(..)
        .skip(page.offset() as usize)
        .take(page.size() as usize)
        .collect();
    for l in &mut shown {
        l.open_now = l.status == "open" && l.registration_closes.as_str() > now.as_str();
        l.org_id = l.owner;
    }
    Ok((shown, total))
}

impl Event {
    /// An event with nothing in it, to fill in (the list's visibility check).
    fn blank() -> Self {
        Event {
            id: 0,
            org_id: 0,
            title_ar: String::new(),
            title_en: String::new(),
            description_ar: String::new(),
            description_en: String::new(),
            kind: String::new(),
            sector: String::new(),
            governorate: String::new(),
            capacity: 0,
            per_member_limit: None,
            eligible_orgs: String::new(),
            eligible_roles: String::new(),
            registration_opens: String::new(),
            registration_closes: String::new(),
            certificate: 0,
            min_attendance: 0,
            hours_tenths: 0,
            status: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            closed_at: None,
        }
    }

    /// The event as its form shows it, to change it.
    pub fn input(&self, sessions: &[Session]) -> EventInput {
        let mut input = EventInput {
            title_ar: self.title_ar.clone(),
            title_en: self.title_en.clone(),
            description_ar: self.description_ar.clone(),
            description_en: self.description_en.clone(),
            kind: self.kind.clone(),
            sector: self.sector.clone(),
            governorate: self.governorate.clone(),
            capacity: self.capacity.to_string(),
            per_member_limit: self
                .per_member_limit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            eligible_orgs: crate::orgs::split_list(&self.eligible_orgs),
            eligible_roles: crate::orgs::split_list(&self.eligible_roles),
            registration_opens: to_cairo(&self.registration_opens),
            registration_closes: to_cairo(&self.registration_closes),
            certificate: if self.certificate == 1 { "yes" } else { "" }.into(),
            min_attendance: self.min_attendance.to_string(),
            hours: self.hours(),
            ..Default::default()
        };
        let rows: Vec<SessionInput> = sessions
            .iter()
            .map(|s| SessionInput {
                title: s.title.clone(),
                starts: to_cairo(&s.starts_at),
                ends: to_cairo(&s.ends_at),
                place: s.place.clone(),
                online_url: s.online_url.clone(),
            })
            .collect();
        input.set_sessions(&rows);
        input
    }
}

/// A random code of `len` characters people can read aloud and type without confusing them
/// (no 0/O, 1/I/L).
pub fn random_code(len: usize) -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A code as typed or scanned: upper-cased, without spaces or dashes, Arabic-Indic digits as
/// Latin; anything but the code's alphabet makes it no code.
pub fn normalise_code(raw: &str) -> Option<String> {
    let code: String = crate::table::latin_digits(raw.trim())
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{2010}'..='\u{2015}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (!code.is_empty() && code.len() <= 32 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(code)
}

/// A code written in groups of four, as pages show it (`ABCD-EFGH`).
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The 4W's kind for people trained at the alliance's events in `sector` (`trained-education`;
/// `trained` for an event of no particular sector).
pub fn trained_category(sector: &str) -> String {
    if sector.is_empty() {
        "trained".into()
    } else {
        format!("trained-{sector}")
    }
}

/// Whether a 4W kind is one of trainees (people, not households or goods).
pub fn is_trained_category(code: &str) -> bool {
    code == "trained" || code.starts_with("trained-")
}

/// The 4W's kinds of trainees, one per sector: `(code, sector)`.
pub fn trained_categories() -> Vec<(String, &'static str)> {
    std::iter::once("")
        .chain(crate::orgs::SECTORS)
        .map(|s| (trained_category(s), s))
        .collect()
}

/// One person trained at an event, as the 4W counts them (see [`trained`]).
#[derive(Debug, Clone)]
pub struct Trainee {
    /// The member they work for.
    pub org_id: i64,
    /// The person: a user of the platform, the same across events.
    pub user_id: i64,
    /// The 4W kind, [`trained_category`] of the event's sector.
    pub category: String,
    /// The Cairo day of the first session they came to.
    pub day: String,
    /// Where the event was held (a governorate's code; empty when online).
    pub governorate: String,
}

/// People trained from `from` to `to` (inclusive ISO dates, Cairo): each registration checked
/// in to at least one session of an open or closed event is one trainee, so that the 4W can
/// count someone trained twice in a place and period once.
pub async fn trained(db: &Db, from: &str, to: &str) -> Result<Vec<Trainee>> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT r.user_id, r.org_id, e.sector, e.governorate, MIN(s.starts_at) \
         FROM event_registrations r JOIN events e ON e.id = r.event_id \
         JOIN event_checkins k ON k.registration_id = r.id JOIN event_sessions s ON s.id = k.session_id \
         WHERE e.status IN ('open', 'closed') AND r.status = 'seated' \
         GROUP BY r.id, r.user_id, r.org_id, e.sector, e.governorate",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, org_id, sector, governorate, first)| {
            let day = cairo_date(&first);
            (day.as_str() >= from && day.as_str() <= to).then(|| Trainee {
                org_id,
                user_id,
                category: trained_category(&sector),
                day,
                governorate,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cairo_times_go_to_utc_and_back_across_daylight_saving() {
        // Winter UTC+2, summer UTC+3 (Egypt keeps daylight saving since 2023).
        assert_eq!(
            from_cairo("2030-01-10T10:00").as_deref(),
            Some("2030-01-10T08:00:00Z")
        );
        assert_eq!(
            from_cairo("2030-07-10T10:00").as_deref(),
            Some("2030-07-10T07:00:00Z")
        );
        assert_eq!(to_cairo("2030-07-10T07:00:00Z"), "2030-07-10T10:00");
        assert_eq!(cairo_date("2030-01-09T23:30:00Z"), "2030-01-10");
        for bad in [
            "",
            "9999-99-99T99:99",
            "2026-02-30T10:00",
            "1900-01-01T10:00",
            "tomorrow",
        ] {
            assert_eq!(from_cairo(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(normalise_code(" abcd-efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalise_code("ABCD EFGH").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalise_code("٢٣٤٥-ABCD").as_deref(), Some("2345ABCD"));
        assert_eq!(normalise_code("AB'; --"), None);
        assert_eq!(normalise_code(""), None);
        assert_eq!(grouped("ABCDEFGH"), "ABCD-EFGH");
        let c = random_code(8);
        assert_eq!(c.len(), 8);
        assert!(
            c.chars()
                .all(|ch| "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(ch))
        );
    }

    #[test]
    fn hours_are_written_as_people_write_them() {
        assert_eq!(hours_text(120), "12");
        assert_eq!(hours_text(75), "7.5");
        assert_eq!(hours_text(0), "0");
    }
}
