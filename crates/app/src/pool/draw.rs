//! Needs drawn from the registry: for a kind and a place, the households most in need by the
//! registry's priority score that have not received that kind within its overlap rule's window
//! (and are not already an open need of that kind) become needs, each with its place in the
//! registry's ranking as its priority. The secretariat draws them and posts them under its own
//! name; which member registered each household is kept for the secretariat only.

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most households one draw takes.
pub const MAX_HOUSEHOLDS: i64 = 5000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DrawInput {
    pub category: String,
    pub governorate: String,
    /// A markaz, as typed (compared after normalising); empty for the whole governorate.
    pub district: String,
    /// How many households, at most.
    pub households: String,
    /// Units each household needs.
    pub quantity: String,
}

/// What a draw did.
#[derive(Debug, Clone, Serialize)]
pub struct Drawn {
    pub needs: usize,
    /// Households of the place left out: they received the kind within the rule's window.
    pub recently_assisted: usize,
    /// Households of the place left out: already an open need of the kind.
    pub already_needs: usize,
    /// The overlap rule's window used, in days (none: no rule for the kind).
    pub window_days: Option<i64>,
}

/// A whole number from 1 to `high`; the message says which range (households, or units).
fn whole(raw: &str, field: &'static str, high: i64, errs: &mut FieldErrors) -> i64 {
    let digits = link::normalize::arabic::western_digits(raw.trim());
    match digits.parse::<i64>() {
        Ok(n) if (1..=high).contains(&n) => n,
        _ if digits.is_empty() => {
            errs.add(field, "err-required");
            0
        }
        _ if field == "households" => {
            errs.add(field, "err-pool-households");
            0
        }
        _ => {
            errs.add(field, "err-pool-per-household");
            0
        }
    }
}

/// Draws needs from the registry (the secretariat's).
pub async fn draw(db: &Db, actor: &Actor, input: &DrawInput) -> Result<Drawn> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let category = input.category.trim().to_owned();
    if !crate::kinds::ASSISTANCE.is_offered(db, &category).await? {
        errs.add("category", "err-choice");
    }
    let governorate = input.governorate.trim().to_owned();
    if link::normalize::place::by_code(&governorate).is_none() {
        errs.add("governorate", "err-choice");
    }
    let households = whole(&input.households, "households", MAX_HOUSEHOLDS, &mut errs);
    let quantity = if input.quantity.trim().is_empty() {
        1
    } else {
        whole(&input.quantity, "quantity", 1000, &mut errs)
    };
    if input.district.chars().count() > 100 {
        errs.add("district", "err-too-long");
    }
    errs.check()?;
    let area = link::normalize::place::area_key(&input.district);
    let _one_at_a_time = super::POOL_LOCK.lock().await;

    // The kind's overlap window: the longest active rule for it.
    let (window,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(window_days) FROM overlap_rules WHERE category = $1 AND active = 1",
    )
    .bind(&category)
    .fetch_one(&db.pool)
    .await?;
    let assisted: HashSet<i64> = match window {
        None => HashSet::new(),
        Some(days) => {
            let since =
                (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string();
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT DISTINCT r.household_id FROM assistance a \
                 JOIN registry_records r ON r.id = a.record_id \
                 WHERE a.category = $1 AND a.given_on >= $2 AND a.reverses_id IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM assistance x WHERE x.reverses_id = a.id)",
            )
            .bind(&category)
            .bind(&since)
            .fetch_all(&db.pool)
            .await?;
            rows.into_iter().map(|(h,)| h).collect()
        }
    };
    // Households already an open need of the kind not yet delivered in full (once delivered,
    // the ledger's entries and the overlap window decide).
    let open: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT n.household_id FROM pool_needs n WHERE n.category = $1 AND n.status = 'open' \
         AND n.household_id IS NOT NULL AND n.quantity > COALESCE((SELECT SUM({}) \
         FROM pool_allocations a WHERE a.need_id = n.id AND a.status = 'accepted'), 0)",
        super::delivered_sql("a.id")
    )))
    .bind(&category)
    .fetch_all(&db.pool)
    .await?;
    let open: HashSet<i64> = open.into_iter().map(|(h,)| h).collect();

    let ranked = crate::registry::priority::whole_registry(db).await?;
    // Priority: the household's place in the whole registry's ranking, 100 for the most in need
    // down to 1.
    let last = ranked.len().saturating_sub(1).max(1) as f64;
    let mut drawn = Drawn {
        needs: 0,
        recently_assisted: 0,
        already_needs: 0,
        window_days: window,
    };
    let mut chosen = Vec::new();
    for (i, r) in ranked.iter().enumerate() {
        if chosen.len() as i64 >= households {
            break;
        }
        let code = link::normalize::place::governorate_code(&r.governorate);
        if code != Some(governorate.as_str())
            || (!area.is_empty() && link::normalize::place::area_key(&r.district) != area)
        {
            continue;
        }
        // Registrations not yet linked into a household share the id 0: not one family.
        if r.household_id == 0 {
            continue;
        }
        if assisted.contains(&r.household_id) {
            drawn.recently_assisted += 1;
            continue;
        }
        if open.contains(&r.household_id) {
            drawn.already_needs += 1;
            continue;
        }
        let priority = (1.0 + 99.0 * (last - i as f64).max(0.0) / last).round() as i64;
        chosen.push((r, priority.clamp(1, 100)));
    }
    let now = db::now();
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(chosen.len());
    for (r, priority) in &chosen {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pool_needs (org_id, category, quantity, governorate, district, priority, \
             household_id, record_id, registered_by, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(actor.org_id)
        .bind(&category)
        .bind(quantity)
        .bind(&governorate)
        .bind(r.district.trim())
        .bind(*priority)
        .bind(r.household_id)
        .bind(r.record_id)
        .bind(r.org_id)
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    drawn.needs = chosen.len();
    audit::record(
        &mut tx,
        Some(actor),
        "draw",
        "pool_need",
        None,
        None,
        Some(serde_json::json!({
            "category": category, "governorate": governorate, "needs": drawn.needs,
            "quantity": quantity, "window_days": window,
            "first_need": ids.first(), "last_need": ids.last(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(drawn)
}
