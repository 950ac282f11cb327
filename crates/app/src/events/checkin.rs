//! Check-in at the door: the organiser picks the session, then scans each person's QR code (or
//! types the code under it). A session's check-in opens [`OPENS_HOURS_BEFORE`] hours before it
//! starts; a code is accepted once per session; arriving more than [`LATE_AFTER_MINUTES`] after
//! the session's start is marked late. A code of another event, a
//! made-up one, or that of someone still waiting or cancelled is refused, saying why.

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use serde::Serialize;

/// Minutes after a session's start from which an arrival is late.
pub const LATE_AFTER_MINUTES: i64 = 15;
/// Hours before a session's start from which its check-in opens (people come early). It stays
/// open until the event is closed, so that the organiser can enter a paper list afterwards.
pub const OPENS_HOURS_BEFORE: i64 = 2;

/// What a scan or a typed code came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Checked in now.
    CheckedIn {
        registration: i64,
        name: String,
        org_name_ar: String,
        org_name_en: String,
        late: bool,
    },
    /// Already checked in to this session, at `at`.
    Already {
        registration: i64,
        name: String,
        at: String,
    },
    /// The code is of a registration still waiting for a seat, or cancelled.
    NotSeated { status: String },
    /// The code is of another event.
    OtherEvent,
    /// No registration has this code (mistyped or made up).
    Unknown,
    /// The session's check-in has not opened yet (it opens [`OPENS_HOURS_BEFORE`] hours before
    /// the session's start, given here).
    TooEarly { starts_at: String },
}

impl Outcome {
    /// Whether the person was let in now.
    pub fn accepted(&self) -> bool {
        matches!(self, Outcome::CheckedIn { .. })
    }
}

/// Checks in the code `raw` (as scanned or typed) to session `session` of event `event`.
pub async fn check_in(
    db: &Db,
    actor: &Actor,
    event: i64,
    session: i64,
    raw: &str,
) -> Result<Outcome> {
    let ev = super::get(db, event).await?;
    if !super::organises(actor, &ev) {
        return Err(if super::visible_to(actor, &ev) {
            Error::Forbidden
        } else {
            Error::NotFound
        });
    }
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if ev.status != "open" {
        return Err(Error::Conflict("err-event-checkin-not-open"));
    }
    let starts: Option<(String,)> =
        sqlx::query_as("SELECT starts_at FROM event_sessions WHERE id = $1 AND event_id = $2")
            .bind(session)
            .bind(event)
            .fetch_optional(&db.pool)
            .await?;
    let Some((starts_at,)) = starts else {
        return Err(Error::field("session", "err-choice"));
    };
    let Some(code) = super::normalise_code(raw) else {
        return Ok(Outcome::Unknown);
    };
    let reg: Option<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.event_id, r.status, r.name, o.name_ar, o.name_en FROM event_registrations r \
         JOIN orgs o ON o.id = r.org_id WHERE r.code = $1",
    )
    .bind(&code)
    .fetch_optional(&db.pool)
    .await?;
    let Some((rid, reg_event, status, name, org_ar, org_en)) = reg else {
        return Ok(Outcome::Unknown);
    };
    if reg_event != event {
        return Ok(Outcome::OtherEvent);
    }
    if status != "seated" {
        return Ok(Outcome::NotSeated { status });
    }
    let now = db::now();
    if too_early(&starts_at, &now) {
        return Ok(Outcome::TooEarly { starts_at });
    }
    let late = late(&starts_at, &now);
    let mut tx = db.begin().await?;
    let earlier: Option<(String,)> = sqlx::query_as(
        "SELECT checked_at FROM event_checkins WHERE registration_id = $1 AND session_id = $2",
    )
    .bind(rid)
    .bind(session)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((at,)) = earlier {
        return Ok(Outcome::Already {
            registration: rid,
            name,
            at,
        });
    }
    sqlx::query(
        "INSERT INTO event_checkins (registration_id, session_id, checked_at, late, checked_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(rid)
    .bind(session)
    .bind(&now)
    .bind(late as i64)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "check_in",
        "event",
        Some(event),
        None,
        Some(serde_json::json!({"registration": rid, "session": session, "late": late})),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::CheckedIn {
        registration: rid,
        name,
        org_name_ar: org_ar,
        org_name_en: org_en,
        late,
    })
}

/// Whether arriving at `at` is late for a session starting at `starts` (both stored UTC).
fn late(starts: &str, at: &str) -> bool {
    match (
        starts.parse::<jiff::Timestamp>(),
        at.parse::<jiff::Timestamp>(),
    ) {
        (Ok(s), Ok(a)) => a.as_second() - s.as_second() > LATE_AFTER_MINUTES * 60,
        _ => false,
    }
}

/// Whether check-in for a session starting at `starts` has not opened yet at `at`.
fn too_early(starts: &str, at: &str) -> bool {
    match (
        starts.parse::<jiff::Timestamp>(),
        at.parse::<jiff::Timestamp>(),
    ) {
        (Ok(s), Ok(a)) => s.as_second() - a.as_second() > OPENS_HOURS_BEFORE * 3600,
        _ => false,
    }
}

/// How many are checked in to each session of `event`: `(session id, in, late)`.
pub async fn counts(db: &Db, event: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT s.id, COUNT(k.registration_id), COUNT(CASE WHEN k.late = 1 THEN 1 END) FROM event_sessions s \
         LEFT JOIN event_checkins k ON k.session_id = s.id WHERE s.event_id = $1 GROUP BY s.id ORDER BY s.id",
    )
    .bind(event)
    .fetch_all(&db.pool)
    .await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_in_opens_two_hours_before() {
        assert!(super::too_early(
            "2026-12-10T08:00:00Z",
            "2026-12-10T05:59:59Z"
        ));
        assert!(!super::too_early(
            "2026-12-10T08:00:00Z",
            "2026-12-10T06:00:00Z"
        ));
        assert!(!super::too_early(
            "2026-12-10T08:00:00Z",
            "2026-12-11T08:00:00Z"
        ));
    }

    #[test]
    fn late_is_after_the_grace_minutes() {
        assert!(!super::late("2026-12-10T08:00:00Z", "2026-12-10T08:15:00Z"));
        assert!(super::late("2026-12-10T08:00:00Z", "2026-12-10T08:15:01Z"));
        assert!(!super::late("2026-12-10T08:00:00Z", "2026-12-10T07:30:00Z"));
    }
}
