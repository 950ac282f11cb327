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
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok((
        store::registration_any(db, l).await?,
        store::registration_any(db, r).await?,
    ))
}

/// What a decision (or undoing one) does to the registry, shown before it is made and said
/// after: how many registrations change person number, how many people the registrations
/// concerned make before and after, and how many members are told.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Effect {
    pub pairs: usize,
    /// Registrations (the pairs' own and any others) whose person number changes.
    pub moved: usize,
    /// Distinct persons among the registrations concerned, before and after.
    pub persons_before: usize,
    pub persons_after: usize,
    /// Member organisations whose registrations are concerned (each is told).
    pub members: usize,
}

/// The pairs `ids` as (id, left record, right record, status), every one of them or not found.
async fn pairs_of(tx: &mut db::Tx<'_>, ids: &[i64]) -> Result<Vec<(i64, i64, i64, String)>> {
    if ids.is_empty() || ids.len() > REVIEW_PER_PAGE as usize {
        return Err(Error::field("pair", "err-review-choose"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let row: (i64, i64, i64, String) = sqlx::query_as(
            "SELECT id, record_l, record_r, status FROM registry_pairs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
        if !out.iter().any(|p: &(i64, i64, i64, String)| p.0 == id) {
            out.push(row);
        }
    }
    Ok(out)
}

/// Works out, without writing anything, what giving `pairs` the status `to` (`None`: open
/// again) would do: a dry run of the re-link the decision causes.
async fn effect_in(
    tx: &mut db::Tx<'_>,
    kind: db::Kind,
    pairs: &[(i64, i64, i64, String)],
    to: Option<Decision>,
) -> Result<Effect> {
    let stored = store::load_all(kind, tx).await?;
    let concerned: std::collections::HashSet<i64> = pairs.iter().flat_map(|p| [p.1, p.2]).collect();
    let relinks = |status: &str| Decision::parse(status).is_some_and(|d| d != Decision::Unsure);
    let changes_links = match to {
        Some(Decision::Unsure) | None => pairs.iter().any(|p| relinks(&p.3)),
        Some(_) => true,
    };
    let persons: Vec<i64> = if changes_links {
        let mut decided = relink::decisions(tx).await?;
        decided.retain(|(l, r, _)| !pairs.iter().any(|p| p.1 == *l && p.2 == *r));
        if let Some(d @ (Decision::Same | Decision::Different)) = to {
            decided.extend(pairs.iter().map(|p| (p.1, p.2, d == Decision::Same)));
        }
        relink::persons_if(tx, &stored, decided).await?
    } else {
        stored.iter().map(|s| s.person_id).collect()
    };
    let mut effect = Effect {
        pairs: pairs.len(),
        ..Effect::default()
    };
    let (mut before, mut after, mut members) = (
        std::collections::HashSet::new(),
        std::collections::HashSet::new(),
        std::collections::HashSet::new(),
    );
    for (s, &p) in stored.iter().zip(&persons) {
        let moved = s.person_id != 0 && p != s.person_id;
        effect.moved += usize::from(moved);
        if moved || concerned.contains(&s.id) {
            before.insert(s.person_id);
            after.insert(p);
            members.insert(s.org_id);
        }
    }
    effect.persons_before = before.len();
    effect.persons_after = after.len();
    effect.members = members.len();
    Ok(effect)
}

/// What deciding `ids` as `decision` would do, with the pairs as the queue shows them; nothing
/// is written.
pub async fn preview(
    db: &Db,
    actor: &Actor,
    ids: &[i64],
    decision: &str,
) -> Result<(Vec<ReviewPair>, Effect)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let decision = Decision::parse(decision).ok_or(Error::field("decision", "err-choice"))?;
    let mut tx = db.begin_read().await?;
    let pairs = pairs_of(&mut tx, ids).await?;
    check_open(&pairs, Some(decision))?;
    let effect = effect_in(&mut tx, db.kind, &pairs, Some(decision)).await?;
    tx.rollback().await?;
    Ok((shown(db, &pairs).await?, effect))
}

/// A decision is made on open pairs only (a second click, or a confirmation page left open while
/// a colleague decided, must not overwrite it), and undone on decided ones only.
fn check_open(pairs: &[(i64, i64, i64, String)], to: Option<Decision>) -> Result<()> {
    match to {
        Some(_) if pairs.iter().any(|p| p.3 != "open") => {
            Err(Error::field("pair", "err-review-decided"))
        }
        None if pairs.iter().any(|p| p.3 == "open") => Err(Error::field("pair", "err-review-open")),
        _ => Ok(()),
    }
}

/// What undoing the decision on pair `id` would do; nothing is written.
pub async fn preview_reopen(db: &Db, actor: &Actor, id: i64) -> Result<(ReviewPair, Effect)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let mut tx = db.begin_read().await?;
    let pairs = pairs_of(&mut tx, &[id]).await?;
    check_open(&pairs, None)?;
    let effect = effect_in(&mut tx, db.kind, &pairs, None).await?;
    tx.rollback().await?;
    let pair = shown(db, &pairs).await?.pop().ok_or(Error::NotFound)?;
    Ok((pair, effect))
}

/// The pairs `pairs` masked, as the queue shows them.
async fn shown(db: &Db, pairs: &[(i64, i64, i64, String)]) -> Result<Vec<ReviewPair>> {
    let mut out = Vec::with_capacity(pairs.len());
    for (id, l, r, status) in pairs {
        let (probability, explanation): (f64, String) =
            sqlx::query_as("SELECT probability, explanation FROM registry_pairs WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?;
        out.push(ReviewPair {
            id: *id,
            probability,
            evidence: explain::from_stored(&explanation),
            status: status.clone(),
            left: Masked::of(&store::registration_any(db, *l).await?),
            right: Masked::of(&store::registration_any(db, *r).await?),
        });
    }
    Ok(out)
}

/// Records an officer's decision on the pairs `ids` and re-links the registry once so that it
/// takes effect, in one transaction; the members whose registrations the pairs hold are told.
/// Gives back what it did.
pub async fn decide(db: &Db, actor: &Actor, ids: &[i64], decision: &str) -> Result<Effect> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let decision = Decision::parse(decision).ok_or(Error::field("decision", "err-choice"))?;
    settle(db, actor, ids, Some(decision)).await
}

/// Undoes the decision on pair `id`: the pair is open again, the registry re-linked without it,
/// the members told (audited as `reopen`). Gives back what it did.
pub async fn reopen(db: &Db, actor: &Actor, id: i64) -> Result<Effect> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    settle(db, actor, &[id], None).await
}

/// Gives `ids` the status `to` (`None`: open again), re-links if that changes links, audits,
/// and tells the members concerned.
async fn settle(db: &Db, actor: &Actor, ids: &[i64], to: Option<Decision>) -> Result<Effect> {
    let _guard = store::WRITE_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let pairs = pairs_of(&mut tx, ids).await?;
    check_open(&pairs, to)?;
    let effect = effect_in(&mut tx, db.kind, &pairs, to).await?;
    let now = db::now();
    let status = to.map_or("open", Decision::as_str);
    for (id, _, _, before) in &pairs {
        sqlx::query(
            "UPDATE registry_pairs SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(to.map(|_| actor.user_id))
        .bind(to.map(|_| now.clone()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Some(actor),
            if to.is_some() { "decide" } else { "reopen" },
            "registry_pair",
            Some(*id),
            Some(serde_json::json!({ "status": before })),
            Some(serde_json::json!({ "status": status })),
        )
        .await?;
    }
    let changes_links = effect.moved > 0
        || to.is_some_and(|d| d != Decision::Unsure)
        || pairs
            .iter()
            .any(|p| Decision::parse(&p.3).is_some_and(|d| d != Decision::Unsure));
    let relinked = if changes_links {
        let stored = store::load_all(db.kind, &mut tx).await?;
        let quiet = crate::jobs::progress::Progress::default();
        Some(
            relink::relink_loaded(&mut tx, Some(actor), stored, &quiet)
                .await?
                .2,
        )
    } else {
        None
    };
    for (_, record_l, record_r, _) in &pairs {
        for id in [*record_l, *record_r] {
            let (org_id, person_id): (i64, i64) =
                sqlx::query_as("SELECT org_id, person_id FROM registry_records WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            relink::notice(
                &mut tx,
                org_id,
                id,
                to.map_or("reopened", Decision::as_str),
                person_id,
                person_id,
                &now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    if let Some(snapshot) = relinked {
        online::publish(db, snapshot).await;
    }
    Ok(effect)
}

/// A pair people decided, for the list where a decision can be undone.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DecidedPair {
    pub id: i64,
    pub status: String,
    pub probability: f64,
    pub decided_at: String,
    pub decided_by: Option<String>,
}

/// The decided pairs, latest first, a page at a time, and how many there are.
pub async fn decided(db: &Db, actor: &Actor, page: Page) -> Result<(Vec<DecidedPair>, i64)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registry_pairs WHERE status <> 'open'")
            .fetch_one(&db.pool)
            .await?;
    let rows = sqlx::query_as(
        "SELECT p.id, p.status, p.probability, COALESCE(p.decided_at, p.created_at) AS decided_at, \
         u.display_name AS decided_by FROM registry_pairs p LEFT JOIN users u ON u.id = p.decided_by \
         WHERE p.status <> 'open' ORDER BY decided_at DESC, p.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(page.size())
    .bind(page.within(total).offset())
    .fetch_all(&db.pool)
    .await?;
    Ok((rows, total))
}
