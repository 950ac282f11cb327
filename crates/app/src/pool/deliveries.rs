//! Delivering an accepted allocation: each household given units becomes an entry of the
//! assistance ledger of the delivering member, with the overlap rules applied and their warnings
//! shown as when recording assistance anywhere else, so the 4W and the coverage map count it.
//! A delivery may be partial; what is still undelivered after the run's date is flagged.
//!
//! Which households: a need drawn from the registry is its household; for a posted need the
//! delivering member lists its own registrations (their record ids as on its list).

use crate::access::Actor;
use crate::assistance::{self, AssistanceInput, Recorded};
use crate::db::Db;
use crate::error::{Error, FieldErrors, Result, form_date};
use serde::{Deserialize, Serialize};

/// The most households one delivery form records.
pub const MAX_LINES: usize = 500;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryInput {
    pub given_on: String,
    /// For a need drawn from the registry: how many units the household got (all, when empty).
    pub quantity: String,
    /// For a posted need: one household a line, the member's record id and, after a comma, the
    /// units (one when not given).
    pub households: String,
    pub submission: String,
}

/// An allocation as its delivering member sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ToDeliver {
    pub id: i64,
    pub run_id: i64,
    pub offer_org_id: i64,
    pub category: String,
    pub quantity: i64,
    pub delivered: i64,
    pub status: String,
    pub need_governorate: String,
    pub need_district: String,
    /// Set for a need drawn from the registry: the household's registration.
    pub record_id: Option<i64>,
    pub deliver_by: Option<String>,
    pub published_at: Option<String>,
}

/// An accepted allocation of the actor's organisation, to deliver.
pub async fn to_deliver(db: &Db, actor: &Actor, allocation: i64) -> Result<ToDeliver> {
    let row: Option<ToDeliver> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.run_id, o.org_id AS offer_org_id, o.category, a.quantity, {} AS delivered, \
         a.status, n.governorate AS need_governorate, n.district AS need_district, n.record_id, \
         r.deliver_by, r.published_at FROM pool_allocations a JOIN pool_offers o ON o.id = a.offer_id \
         JOIN pool_needs n ON n.id = a.need_id JOIN pool_runs r ON r.id = a.run_id \
         WHERE a.id = $1 AND r.status = 'published'",
        super::delivered_sql("a.id")
    )))
    .bind(allocation)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) if r.offer_org_id == actor.org_id => Ok(r),
        _ => Err(Error::NotFound),
    }
}

/// Parses the households of a posted need: the member's record ids with their units, and the
/// number of the first line that could not be used (as the form's box counts its lines).
async fn households(
    db: &Db,
    actor: &Actor,
    raw: &str,
    governorate: &str,
    errs: &mut FieldErrors,
) -> Result<(Vec<(i64, i64)>, Option<usize>)> {
    let mut out = Vec::new();
    let lines: Vec<(usize, &str)> = raw
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect();
    if lines.is_empty() {
        errs.add("households", "err-required");
        return Ok((out, None));
    }
    if lines.len() > MAX_LINES {
        errs.add("households", "err-pool-too-many-lines");
        return Ok((out, None));
    }
    for (number, line) in lines {
        let (key, units) = match line.rsplit_once([',', '،', '\t', ';', '؛']) {
            Some((k, u)) => (k.trim(), u.trim()),
            None => (line, "1"),
        };
        let units = link::normalize::arabic::western_digits(units)
            .parse::<i64>()
            .ok()
            .filter(|u| (1..=assistance::MAX_ENTRY_QUANTITY).contains(u));
        let record: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, governorate FROM registry_records WHERE org_id = $1 AND member_key = $2",
        )
        .bind(actor.org_id)
        .bind(key)
        .fetch_optional(&db.pool)
        .await?;
        // A household registered in another governorate than the need's is not this need's.
        let elsewhere = record.as_ref().is_some_and(|(_, g)| {
            link::normalize::place::governorate_code(g).is_some_and(|code| code != governorate)
        });
        match (record, units) {
            (Some((id, _)), _) if out.iter().any(|(r, _)| *r == id) => {
                errs.add("households", "err-pool-household-twice");
                return Ok((out, Some(number)));
            }
            (Some(_), _) if elsewhere => {
                errs.add("households", "err-pool-household-elsewhere");
                return Ok((out, Some(number)));
            }
            (Some((id, _)), Some(u)) => out.push((id, u)),
            (None, _) => {
                errs.add("households", "err-pool-unknown-household");
                return Ok((out, Some(number)));
            }
            (_, None) => {
                errs.add("households", "err-pool-quantity");
                return Ok((out, Some(number)));
            }
        }
    }
    Ok((out, None))
}

/// The first line of a delivery's households that could not be used, for the form to point at.
pub async fn bad_line(db: &Db, actor: &Actor, allocation: i64, raw: &str) -> Result<Option<usize>> {
    let a = to_deliver(db, actor, allocation).await?;
    let mut errs = FieldErrors::default();
    Ok(households(db, actor, raw, &a.need_governorate, &mut errs)
        .await?
        .1)
}

/// Records a delivery of an accepted allocation; returns what each ledger entry overlaps.
pub async fn deliver(
    db: &Db,
    actor: &Actor,
    allocation: i64,
    input: &DeliveryInput,
) -> Result<Vec<Recorded>> {
    if !actor.can_write() || actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let _one_at_a_time = super::POOL_LOCK.lock().await;
    // The same form sent again (its first line already recorded) records nothing more and is
    // not held to what is left, which the first sending took.
    let submission = crate::submissions::key(&input.submission)?.unwrap_or_default();
    if submission.len() > 59 {
        return Err(Error::field("submission", "err-choice"));
    }
    let replay = if submission.is_empty() {
        false
    } else {
        let mut tx = db.begin_read().await?;
        let first = format!("{submission}-0");
        let earlier =
            crate::submissions::earlier(&mut tx, actor.org_id, "assistance", &first).await?;
        tx.rollback().await?;
        earlier.is_some()
    };
    let a = to_deliver(db, actor, allocation).await?;
    if a.status != "accepted" {
        return Err(Error::Conflict("err-pool-accept-first"));
    }
    let mut errs = FieldErrors::default();
    // Not before the allocation was published, nor after today.
    let published = a.published_at.as_deref().map_or("2000-01-01", |t| &t[..10]);
    let given_on = match form_date(input.given_on.trim()) {
        Some(d) if d <= crate::db::today() && d.as_str() >= published => d,
        Some(d) if d.as_str() < published => {
            errs.add("given_on", "err-pool-before-published");
            String::new()
        }
        Some(_) => {
            errs.add("given_on", "err-date-range");
            String::new()
        }
        None => {
            errs.add("given_on", "err-date");
            String::new()
        }
    };
    let left = a.quantity - a.delivered;
    let lines = match a.record_id {
        Some(record) => {
            let units = if input.quantity.trim().is_empty() {
                left
            } else {
                link::normalize::arabic::western_digits(input.quantity.trim())
                    .parse::<i64>()
                    .unwrap_or(0)
            };
            if !(1..=assistance::MAX_ENTRY_QUANTITY).contains(&units) {
                errs.add("quantity", "err-pool-quantity");
            }
            vec![(record, units)]
        }
        None => {
            households(db, actor, &input.households, &a.need_governorate, &mut errs)
                .await?
                .0
        }
    };
    let total: i64 = lines.iter().map(|(_, u)| u).sum();
    if errs.is_empty() && total > left && !replay {
        errs.add(
            if a.record_id.is_some() {
                "quantity"
            } else {
                "households"
            },
            "err-pool-more-than-allocated",
        );
    }
    errs.check()?;
    let mut recorded = Vec::with_capacity(lines.len());
    for (i, (record, units)) in lines.iter().enumerate() {
        let entry = AssistanceInput {
            record_id: record.to_string(),
            scope: "household".into(),
            category: a.category.clone(),
            quantity: units.to_string(),
            value: String::new(),
            given_on: given_on.clone(),
            programme: format!("حوكمة الموارد #{}", a.run_id),
            // One key per line of one form: the form sent twice records each household once.
            submission: if submission.is_empty() {
                String::new()
            } else {
                format!("{submission}-{i}")
            },
        };
        let r = assistance::record_delivery(db, actor, &entry, a.record_id).await?;
        // Tied to the allocation in a second transaction: when a first sending stopped between
        // the two, sending the form again ties it (the ledger entry is not written twice).
        let mut tx = db.begin().await?;
        let tied = sqlx::query(
            "INSERT INTO pool_deliveries (allocation_id, assistance_id, quantity, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assistance_id) DO NOTHING",
        )
        .bind(allocation)
        .bind(r.id)
        .bind(*units)
        .bind(actor.user_id)
        .bind(crate::db::now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if tied > 0 {
            crate::audit::record(
                &mut tx,
                Some(actor),
                "deliver",
                "pool_allocation",
                Some(allocation),
                Some(serde_json::json!({ "delivered": a.delivered })),
                Some(serde_json::json!({ "assistance_id": r.id, "quantity": units })),
            )
            .await?;
        }
        tx.commit().await?;
        recorded.push(r);
    }
    Ok(recorded)
}
