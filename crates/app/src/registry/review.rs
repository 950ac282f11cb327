//! The secretariat's review queue: pairs of registrations the engine could not decide, shown
//! masked with the evidence on each field, revealed in full only for a stated (audited) reason,
//! and decided by an officer — a decision re-links the registry and is told to the members whose
//! registrations the pair holds.

use super::search::Masked;
use super::store::{self, Registration};
use super::{explain, online, relink};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::paging::Page;
use serde::Serialize;
use std::collections::HashMap;

/// What an officer decides of a pair of registrations (stored as its `status`, next to `open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// One person: the pair is linked at every re-link.
    Same,
    /// Two people: the pair is never linked or proposed again.
    Different,
    /// Cannot tell: the pair leaves the queue and the registry stays as it is.
    Unsure,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Same => "same",
            Decision::Different => "different",
            Decision::Unsure => "unsure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Decision::Same, Decision::Different, Decision::Unsure]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// Pairs on one page of the review queue.
pub const REVIEW_PER_PAGE: i64 = 20;

/// A pair for people to decide, as the secretariat's queue shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPair {
    pub id: i64,
    pub probability: f64,
    /// What each field said of the pair (worded by the page in its language).
    pub evidence: Vec<explain::FieldAgreement>,
    pub status: String,
    pub left: Masked,
    pub right: Masked,
}

/// The open pairs, most likely first, a page at a time (secretariat staff and admins).
pub async fn review_queue(db: &Db, actor: &Actor, page: Page) -> Result<(Vec<ReviewPair>, i64)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registry_pairs WHERE status = 'open'")
            .fetch_one(&db.pool)
            .await?;
    let rows: Vec<(i64, i64, i64, f64, String, String)> = sqlx::query_as(
        "SELECT id, record_l, record_r, probability, explanation, status FROM registry_pairs WHERE status = 'open' \
         ORDER BY probability DESC, id LIMIT $1 OFFSET $2",
    )
    .bind(page.size())
    .bind(page.within(total).offset())
    .fetch_all(&db.pool)
    .await?;
    // Both sides of every pair on the page, in one query.
    let ids: Vec<i64> = rows.iter().flat_map(|r| [r.1, r.2]).collect();
    let masked: HashMap<i64, Masked> = store::registrations_any(db, &ids)
        .await?
        .iter()
        .map(|r| (r.id, Masked::of(r)))
        .collect();
    let out = rows
        .into_iter()
        .filter_map(|(id, l, r, probability, explanation, status)| {
            Some(ReviewPair {
                id,
                probability,
                evidence: explain::from_stored(&explanation),
                status,
                left: masked.get(&l)?.clone(),
                right: masked.get(&r)?.clone(),
            })
        })
        .collect();
    Ok((out, total))
}

/// Both registrations of a pair in full, for an officer who gave a reason (which is audited).
pub async fn reveal(
    db: &Db,
    actor: &Actor,
    pair_id: i64,
    reason: &str,
) -> Result<(Registration, Registration)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(Error::field("reason", "err-reason"));
    }
    let (l, r): (i64, i64) =
        sqlx::query_as("SELECT record_l, record_r FROM registry_pairs WHERE id = $1")
            .bind(pair_id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(Error::NotFound)?;
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        Some(actor),
        "view_personal_data",
        "registry_pair",
        Some(pair_id),
        None,
        Some(serde_json::json!({ "records": [l, r], "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok((
        store::registration_any(db, l).await?,
        store::registration_any(db, r).await?,
    ))
}

/// Records an officer's decision on a pair and re-links the registry so that it takes effect, in
/// one transaction; the members whose registrations the pair holds are told the outcome.
pub async fn decide(db: &Db, actor: &Actor, pair_id: i64, decision: &str) -> Result<()> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let decision = Decision::parse(decision).ok_or(Error::field("decision", "err-choice"))?;
    let _guard = store::WRITE_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let (before, record_l, record_r): (String, i64, i64) =
        sqlx::query_as("SELECT status, record_l, record_r FROM registry_pairs WHERE id = $1")
            .bind(pair_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
    sqlx::query(
        "UPDATE registry_pairs SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(decision.as_str())
    .bind(actor.user_id)
    .bind(db::now())
    .bind(pair_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "decide",
        "registry_pair",
        Some(pair_id),
        Some(serde_json::json!({ "status": before })),
        Some(serde_json::json!({ "status": decision.as_str() })),
    )
    .await?;
    let relinked = if decision == Decision::Unsure {
        None
    } else {
        let stored = store::load_all(db.kind, &mut tx).await?;
        let quiet = crate::jobs::progress::Progress::default();
        Some(
            relink::relink_loaded(&mut tx, Some(actor), stored, &quiet)
                .await?
                .2,
        )
    };
    let now = db::now();
    for id in [record_l, record_r] {
        let (org_id, person_id): (i64, i64) =
            sqlx::query_as("SELECT org_id, person_id FROM registry_records WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        relink::notice(
            &mut tx,
            org_id,
            id,
            decision.as_str(),
            person_id,
            person_id,
            &now,
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(snapshot) = relinked {
        online::publish(db, snapshot).await;
    }
    Ok(())
}
