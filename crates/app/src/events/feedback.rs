//! Feedback after an event: those who attended rate it (overall, content, organisation, 1 to 5)
//! and may comment, once. The organiser sees the answers summed up — how many answered, the
//! averages and how the ratings spread — and the comments without names.

use super::Event;
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};

pub const QUESTIONS: [&str; 3] = ["overall", "content", "organisation"];
const MAX_COMMENT: usize = 2_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    pub overall: String,
    pub content: String,
    pub organisation: String,
    pub comment: String,
}

/// Whether `actor` may give feedback on `event` now: seated, checked in to a session, the event
/// begun, and no feedback given yet. Returns the registration.
pub async fn may_answer(db: &Db, actor: &Actor, event: &Event) -> Result<Option<i64>> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT r.id, (SELECT COUNT(*) FROM event_checkins k WHERE k.registration_id = r.id), \
                (SELECT COUNT(*) FROM event_feedback f WHERE f.registration_id = r.id) \
         FROM event_registrations r WHERE r.event_id = $1 AND r.user_id = $2 AND r.status = 'seated'",
    )
    .bind(event.id)
    .bind(actor.user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .filter(|(_, attended, given)| *attended > 0 && *given == 0)
        .map(|(rid, ..)| rid))
}

/// Why `actor` may not answer: they gave their feedback already, or did not attend.
pub async fn why_not(db: &Db, actor: &Actor, event: &Event) -> Result<&'static str> {
    let (given,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM event_feedback f JOIN event_registrations r ON r.id = f.registration_id \
         WHERE r.event_id = $1 AND r.user_id = $2",
    )
    .bind(event.id)
    .bind(actor.user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(if given > 0 {
        "err-event-feedback-given"
    } else {
        "err-event-feedback-not-attended"
    })
}

pub async fn submit(db: &Db, actor: &Actor, event_id: i64, input: &FeedbackInput) -> Result<()> {
    let event = super::get_for(db, actor, event_id).await?;
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let Some(rid) = may_answer(db, actor, &event).await? else {
        return Err(Error::field("overall", why_not(db, actor, &event).await?));
    };
    let mut errs = FieldErrors::default();
    let mut rating = |field: &'static str, raw: &str| match crate::table::latin_digits(raw.trim())
        .parse::<i64>()
    {
        Ok(n) if (1..=5).contains(&n) => n,
        _ => {
            errs.add(field, "err-event-rating");
            0
        }
    };
    let overall = rating("overall", &input.overall);
    let content = rating("content", &input.content);
    let organisation = rating("organisation", &input.organisation);
    let comment = errs.text("comment", &input.comment, MAX_COMMENT, false);
    errs.check()?;
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "INSERT INTO event_feedback (registration_id, overall, content, organisation, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(rid)
    .bind(overall)
    .bind(content)
    .bind(organisation)
    .bind(&comment)
    .bind(db::now())
    .execute(&mut *tx)
    .await;
    match done {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(Error::field("overall", "err-event-feedback-given"));
        }
        other => {
            other?;
        }
    }
    // The ratings are not personal data, but the comment may be: the trail says one was given.
    audit::record(
        &mut tx,
        Some(actor),
        "feedback",
        "event",
        Some(event_id),
        None,
        Some(serde_json::json!({"registration": rid, "comment": !comment.is_empty()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One question's answers.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub key: &'static str,
    pub average: f64,
    /// How many gave 1, 2, … 5.
    pub spread: [i64; 5],
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub answers: i64,
    pub attended: i64,
    pub questions: Vec<Question>,
    pub comments: Vec<String>,
}

pub async fn summary(db: &Db, event: i64) -> Result<Summary> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT f.overall, f.content, f.organisation, f.comment FROM event_feedback f \
         JOIN event_registrations r ON r.id = f.registration_id WHERE r.event_id = $1 ORDER BY f.created_at DESC",
    )
    .bind(event)
    .fetch_all(&db.pool)
    .await?;
    let (attended,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT k.registration_id) FROM event_checkins k \
         JOIN event_sessions s ON s.id = k.session_id WHERE s.event_id = $1",
    )
    .bind(event)
    .fetch_one(&db.pool)
    .await?;
    let n = rows.len() as i64;
    let questions = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut spread = [0i64; 5];
            let mut sum = 0;
            for r in &rows {
                let v = [r.0, r.1, r.2][i];
                spread[(v.clamp(1, 5) - 1) as usize] += 1;
                sum += v;
            }
            Question {
                key,
                average: if n > 0 {
                    (sum as f64 / n as f64 * 10.0).round() / 10.0
                } else {
                    0.0
                },
                spread,
            }
        })
        .collect();
    Ok(Summary {
        answers: n,
        attended,
        questions,
        comments: rows
            .into_iter()
            .map(|r| r.3)
            .filter(|c| !c.is_empty())
            .collect(),
    })
}
