//! The resource pool: members offer what they have (a kind of assistance, how many, where, how
//! far it can travel), members and the secretariat post needs, and the secretariat allocates
//! offers to needs with the `allocate` crate's solver under the alliance's published rules
//! ([`runs`]).
//!
//! Who sees what: the secretariat (admins and staff) sees and allocates everything; auditors read
//! everything; a member sees its own offers and needs, and the allocations that concern them.

pub mod deliveries;
pub mod draw;
pub mod places;
pub mod routes;
pub mod runs;

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result, form_date};
use crate::paging::Page;
use serde::{Deserialize, Serialize};

pub const REACHES: [&str; 3] = ["district", "governorate", "national"];

/// The pool's writes that check what is left before they take it — publishing, reducing or
/// withdrawing, answering, drawing, delivering — run one at a time in the server process, so two
/// at once cannot both take the same units (the ledger's appends are serialised the same way).
pub(crate) static POOL_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// SQL for the units published allocations (not declined) take, of the allocations matching
/// `condition` (`a.offer_id = o.id`, `a.need_id = n.id`).
pub(crate) fn committed_sql(condition: &str) -> String {
    format!(
        "CAST(COALESCE((SELECT SUM(a.quantity) FROM pool_allocations a WHERE {condition} \
         AND a.status IN ('published', 'accepted')), 0) AS BIGINT)"
    )
}

/// SQL for the units delivered of allocation `allocation` (a column), ledger entries reversed
/// since not counted.
pub(crate) fn delivered_sql(allocation: &str) -> String {
    format!(
        "CAST((SELECT COALESCE(SUM(d.quantity), 0) FROM pool_deliveries d \
         WHERE d.allocation_id = {allocation} AND NOT EXISTS \
         (SELECT 1 FROM assistance x WHERE x.reverses_id = d.assistance_id)) AS BIGINT)"
    )
}
pub const PAGE_SIZE: i64 = 25;
const MAX_TEXT: usize = 1000;
const MAX_SHORT: usize = 100;

/// An offer as stored, with what published allocations have taken of it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Offer {
    pub id: i64,
    pub org_id: i64,
    pub org_name_ar: String,
    pub org_name_en: String,
    pub category: String,
    pub unit: String,
    pub quantity: i64,
    pub governorate: String,
    pub district: String,
    pub reach: String,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    pub conditions: String,
    pub status: String,
    pub created_at: String,
    /// Units in published allocations not declined: they cannot be withdrawn.
    pub committed: i64,
}

/// A need as stored. `registered_by` (the member that registered a household drawn from the
/// registry) is blanked for everyone but the secretariat.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Need {
    pub id: i64,
    pub org_id: i64,
    pub org_name_ar: String,
    pub org_name_en: String,
    pub category: String,
    pub quantity: i64,
    pub governorate: String,
    pub district: String,
    pub priority: i64,
    pub note: String,
    pub status: String,
    pub created_at: String,
    /// Units in published allocations not declined.
    pub committed: i64,
    /// For a need drawn from the registry: the member that registered the household, shown to
    /// the secretariat only (blank for everyone else).
    pub registered_by_ar: String,
    pub registered_by_en: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferInput {
    pub category: String,
    pub unit: String,
    pub quantity: String,
    pub governorate: String,
    pub district: String,
    pub reach: String,
    pub available_from: String,
    pub available_until: String,
    pub conditions: String,
    /// The form's key: the same form sent twice records one offer.
    pub submission: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NeedInput {
    pub category: String,
    pub quantity: String,
    pub governorate: String,
    pub district: String,
    pub priority: String,
    pub note: String,
    /// The form's key: the same form sent twice posts one need.
    pub submission: String,
}

/// What the lists are narrowed to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub category: String,
    pub governorate: String,
}

/// What a draw from the registry did, shown on the needs page it leads to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DrawnQuery {
    pub drawn: Option<i64>,
    pub assisted: Option<i64>,
    pub already: Option<i64>,
}

/// A whole number of units, 1 to the solver's bound, digits in either script.
fn units(raw: &str, field: &'static str, errs: &mut FieldErrors) -> i64 {
    let digits = link::normalize::arabic::western_digits(raw.trim());
    match digits.parse::<u64>() {
        Ok(n) if (1..=allocate::MAX_QUANTITY).contains(&n) => n as i64,
        Ok(_) => {
            errs.add(field, "err-pool-quantity");
            0
        }
        Err(_) if digits.is_empty() => {
            errs.add(field, "err-required");
            0
        }
        Err(_) => {
            errs.add(field, "err-pool-quantity");
            0
        }
    }
}

async fn check_kind(db: &Db, code: &str, errs: &mut FieldErrors) {
    if code.is_empty() {
        errs.add("category", "err-required");
    } else if !crate::kinds::ASSISTANCE
        .is_offered(db, code)
        .await
        .unwrap_or(false)
    {
        errs.add("category", "err-choice");
    }
}

fn check_governorate(code: &str, errs: &mut FieldErrors) {
    if code.is_empty() {
        errs.add("governorate", "err-required");
    } else if link::normalize::place::by_code(code).is_none() {
        errs.add("governorate", "err-choice");
    }
}

fn optional_date(raw: &str, field: &'static str, errs: &mut FieldErrors) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let date = form_date(raw);
    if date.is_none() {
        errs.add(field, "err-date");
    }
    date
}

struct CheckedOffer {
    category: String,
    unit: String,
    quantity: i64,
    governorate: String,
    district: String,
    reach: &'static str,
    available_from: Option<String>,
    available_until: Option<String>,
    conditions: String,
}

async fn check_offer(db: &Db, input: &OfferInput) -> Result<CheckedOffer> {
    let mut errs = FieldErrors::default();
    let category = input.category.trim().to_owned();
    check_kind(db, &category, &mut errs).await;
    let unit = errs.text("unit", &input.unit, MAX_SHORT, false);
    let quantity = units(&input.quantity, "quantity", &mut errs);
    let governorate = input.governorate.trim().to_owned();
    check_governorate(&governorate, &mut errs);
    let district = errs.text("district", &input.district, MAX_SHORT, false);
    let reach = match REACHES.iter().find(|r| **r == input.reach.trim()) {
        Some(r) => *r,
        None => {
            errs.add("reach", "err-choice");
            "district"
        }
    };
    if reach == "district" && district.is_empty() && errs.get("district").is_none() {
        errs.add("district", "err-pool-district-reach");
    }
    let available_from = optional_date(&input.available_from, "available_from", &mut errs);
    let available_until = optional_date(&input.available_until, "available_until", &mut errs);
    if let (Some(from), Some(until)) = (&available_from, &available_until)
        && until < from
    {
        errs.add("available_until", "err-pool-until-before-from");
    }
    if let Some(until) = &available_until
        && *until < db::today()
        && errs.get("available_until").is_none()
    {
        errs.add("available_until", "err-pool-until-past");
    }
    let conditions = errs.text("conditions", &input.conditions, MAX_TEXT, false);
    errs.check()?;
    Ok(CheckedOffer {
        category,
        unit,
        quantity,
        governorate,
        district,
        reach,
        available_from,
        available_until,
        conditions,
    })
}

/// Records an offer of the actor's organisation (a member's: the secretariat allocates, members
/// deliver).
pub async fn create_offer(db: &Db, actor: &Actor, input: &OfferInput) -> Result<i64> {
    if !actor.can_write() || actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let submission = crate::submissions::key(&input.submission)?;
    let c = check_offer(db, input).await?;
    let now = db::now();
    let mut tx = db.begin().await?;
    if let Some(k) = submission
        && let Some(id) =
            crate::submissions::earlier(&mut tx, actor.org_id, "pool_offer", k).await?
    {
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO pool_offers (org_id, category, unit, quantity, governorate, district, reach, \
         available_from, available_until, conditions, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(actor.org_id)
    .bind(&c.category)
    .bind(&c.unit)
    .bind(c.quantity)
    .bind(&c.governorate)
    .bind(&c.district)
    .bind(c.reach)
    .bind(c.available_from.as_deref())
    .bind(c.available_until.as_deref())
    .bind(&c.conditions)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "pool_offer",
        Some(id),
        None,
        Some(serde_json::json!({
            "category": c.category, "quantity": c.quantity, "governorate": c.governorate,
            "reach": c.reach,
        })),
    )
    .await?;
    if let Some(k) = submission {
        crate::submissions::remember(&mut tx, actor.org_id, "pool_offer", k, id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn offer_columns() -> String {
    format!(
        "o.id, o.org_id, g.name_ar AS org_name_ar, g.name_en AS org_name_en, o.category, o.unit, \
         o.quantity, o.governorate, o.district, o.reach, o.available_from, o.available_until, \
         o.conditions, o.status, o.created_at, {} AS committed",
        committed_sql("a.offer_id = o.id")
    )
}

fn need_columns() -> String {
    format!(
        "n.id, n.org_id, g.name_ar AS org_name_ar, g.name_en AS org_name_en, n.category, \
         n.quantity, n.governorate, n.district, n.priority, n.note, n.status, n.created_at, \
         COALESCE((SELECT x.name_ar FROM orgs x WHERE x.id = n.registered_by), '') AS registered_by_ar, \
         COALESCE((SELECT x.name_en FROM orgs x WHERE x.id = n.registered_by), '') AS registered_by_en, \
         {} AS committed",
        committed_sql("a.need_id = n.id")
    )
}

/// One offer, if the actor may see it (its own organisation's, or everything).
pub async fn offer(db: &Db, actor: &Actor, id: i64) -> Result<Offer> {
    let offer: Offer = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM pool_offers o JOIN orgs g ON g.id = o.org_id WHERE o.id = $1",
        offer_columns()
    )))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    if !actor.sees_all() && offer.org_id != actor.org_id {
        return Err(Error::NotFound);
    }
    Ok(offer)
}

/// The filter's conditions on a table aliased `t`, with their values, numbered from `$first`.
fn narrowed(f: &Filter, first: usize) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut values = Vec::new();
    for (column, value) in [("category", &f.category), ("governorate", &f.governorate)] {
        if !value.trim().is_empty() {
            values.push(value.trim().to_owned());
            sql.push_str(&format!(" AND t.{column} = ${}", first + values.len() - 1));
        }
    }
    (sql, values)
}

/// One page of `table` (aliased `t` for the filter, `alias` for `columns`) that the actor may
/// see — its own organisation's rows, or every row for who sees all — and how many there are.
async fn page_of<T>(
    db: &Db,
    actor: &Actor,
    f: &Filter,
    page: Page,
    (table, alias, columns, order): (&str, &str, String, &str),
) -> Result<(Vec<T>, i64)>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (cond, values) = narrowed(f, 2);
    let own = if actor.sees_all() {
        "1 = 1 OR $1 = 0"
    } else {
        "t.org_id = $1"
    };
    let from = format!("FROM {table} t WHERE ({own}){cond}");
    let mut count =
        sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
            .bind(actor.org_id);
    for v in &values {
        count = count.bind(v.clone());
    }
    let (total,) = count.fetch_one(&db.pool).await?;
    let page = page.within(total);
    let sql = format!(
        "SELECT {columns} FROM {table} {alias} JOIN orgs g ON g.id = {alias}.org_id \
         WHERE {alias}.id IN (SELECT t.id {from}) ORDER BY {order} LIMIT {} OFFSET {}",
        page.size(),
        page.offset()
    );
    let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)).bind(actor.org_id);
    for v in &values {
        q = q.bind(v.clone());
    }
    Ok((q.fetch_all(&db.pool).await?, total))
}

/// Offers the actor may see, newest first, one page.
pub async fn offers(db: &Db, actor: &Actor, f: &Filter, page: Page) -> Result<(Vec<Offer>, i64)> {
    let of = ("pool_offers", "o", offer_columns(), "o.id DESC");
    page_of(db, actor, f, page, of).await
}

/// Needs the actor may see, most in need first, one page.
pub async fn needs(db: &Db, actor: &Actor, f: &Filter, page: Page) -> Result<(Vec<Need>, i64)> {
    let of = (
        "pool_needs",
        "n",
        need_columns(),
        "n.status, n.priority DESC, n.id",
    );
    let (mut needs, total) = page_of::<Need>(db, actor, f, page, of).await?;
    if !actor.sees_all() {
        for n in &mut needs {
            n.registered_by_ar.clear();
            n.registered_by_en.clear();
        }
    }
    Ok((needs, total))
}

/// Withdraws an offer, or reduces it to `quantity` units: never below what published allocations
/// have taken of it.
pub async fn change_offer(db: &Db, actor: &Actor, id: i64, quantity: Option<&str>) -> Result<()> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let _one_at_a_time = POOL_LOCK.lock().await;
    let before = offer(db, actor, id).await?;
    if before.org_id != actor.org_id {
        return Err(Error::Forbidden);
    }
    if before.status == "withdrawn" && quantity.is_none() {
        return Ok(());
    }
    if before.status != "open" {
        return Err(Error::Conflict("err-pool-offer-closed"));
    }
    let (status, new_quantity) = match quantity {
        None => {
            if before.committed > 0 {
                return Err(Error::Conflict("err-pool-offer-committed"));
            }
            ("withdrawn", before.quantity)
        }
        Some(raw) => {
            let mut errs = FieldErrors::default();
            let q = units(raw, "quantity", &mut errs);
            errs.check()?;
            if q > before.quantity {
                return Err(Error::field("quantity", "err-pool-reduce-only"));
            }
            if q < before.committed {
                return Err(Error::field("quantity", "err-pool-below-committed"));
            }
            ("open", q)
        }
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE pool_offers SET status = $1, quantity = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'open'",
    )
    .bind(status)
    .bind(new_quantity)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        if status == "withdrawn" {
            "withdraw"
        } else {
            "reduce"
        },
        "pool_offer",
        Some(id),
        Some(serde_json::json!({ "quantity": before.quantity, "status": before.status })),
        Some(serde_json::json!({ "quantity": new_quantity, "status": status })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Posts a need of the actor's organisation (a member's, or the secretariat's).
pub async fn create_need(db: &Db, actor: &Actor, input: &NeedInput) -> Result<i64> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let category = input.category.trim().to_owned();
    check_kind(db, &category, &mut errs).await;
    let quantity = units(&input.quantity, "quantity", &mut errs);
    let governorate = input.governorate.trim().to_owned();
    check_governorate(&governorate, &mut errs);
    let district = errs.text("district", &input.district, MAX_SHORT, false);
    let digits = link::normalize::arabic::western_digits(input.priority.trim());
    let priority = match digits.parse::<i64>() {
        Ok(p) if (1..=i64::from(allocate::MAX_PRIORITY)).contains(&p) => p,
        _ if digits.is_empty() => {
            errs.add("priority", "err-required");
            0
        }
        _ => {
            errs.add("priority", "err-pool-priority");
            0
        }
    };
    let note = errs.text("note", &input.note, MAX_TEXT, false);
    errs.check()?;
    let submission = crate::submissions::key(&input.submission)?;
    let now = db::now();
    let mut tx = db.begin().await?;
    if let Some(k) = submission
        && let Some(id) = crate::submissions::earlier(&mut tx, actor.org_id, "pool_need", k).await?
    {
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO pool_needs (org_id, category, quantity, governorate, district, priority, note, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         RETURNING id",
    )
    .bind(actor.org_id)
    .bind(&category)
    .bind(quantity)
    .bind(&governorate)
    .bind(&district)
    .bind(priority)
    .bind(&note)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "pool_need",
        Some(id),
        None,
        Some(serde_json::json!({
            "category": category, "quantity": quantity, "governorate": governorate,
            "priority": priority,
        })),
    )
    .await?;
    if let Some(k) = submission {
        crate::submissions::remember(&mut tx, actor.org_id, "pool_need", k, id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Withdraws a need of the actor's organisation that published allocations have not taken.
pub async fn withdraw_need(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let _one_at_a_time = POOL_LOCK.lock().await;
    let need: Need = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM pool_needs n JOIN orgs g ON g.id = n.org_id WHERE n.id = $1",
        need_columns()
    )))
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    if need.org_id != actor.org_id {
        return Err(if actor.sees_all() {
            Error::Forbidden
        } else {
            Error::NotFound
        });
    }
    if need.status == "withdrawn" {
        return Ok(());
    }
    if need.committed > 0 {
        return Err(Error::Conflict("err-pool-need-committed"));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE pool_needs SET status = 'withdrawn', updated_at = $1 WHERE id = $2 AND status = 'open'",
    )
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "withdraw",
        "pool_need",
        Some(id),
        Some(serde_json::json!({ "status": "open" })),
        Some(serde_json::json!({ "status": "withdrawn" })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One line of the pool's view: a kind in a governorate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryLine {
    pub category: String,
    pub governorate: String,
    /// Open offers there, and their units.
    pub offers: i64,
    pub units_offered: i64,
    /// Open needs there, and their units.
    pub needs: i64,
    pub units_needed: i64,
    /// Units of published allocations (not declined) to the needs there, and those delivered.
    pub units_allocated: i64,
    pub units_delivered: i64,
    /// Needed, not allocated.
    pub unmet: i64,
}

/// Offers, needs and allocations by kind and governorate, with what is unmet: every member's
/// for the secretariat and auditors, the member's own offers and needs for a member.
pub async fn summary(db: &Db, actor: &Actor) -> Result<Vec<SummaryLine>> {
    let own = if actor.sees_all() {
        "($1 = $1)"
    } else {
        "t.org_id = $1"
    };
    let offers: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.category, t.governorate, COUNT(*), CAST(SUM(t.quantity) AS BIGINT) \
         FROM pool_offers t WHERE t.status = 'open' AND {own} GROUP BY t.category, t.governorate"
    )))
    .bind(actor.org_id)
    .fetch_all(&db.pool)
    .await?;
    let needs: Vec<(String, String, i64, i64, i64, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT t.category, t.governorate, COUNT(*), CAST(SUM(t.quantity) AS BIGINT), \
             CAST(COALESCE(SUM({committed}), 0) AS BIGINT), \
             CAST(COALESCE(SUM((SELECT SUM({delivered}) FROM pool_allocations a2 \
                 WHERE a2.need_id = t.id AND a2.status = 'accepted')), 0) AS BIGINT) \
             FROM pool_needs t WHERE t.status = 'open' AND {own} GROUP BY t.category, t.governorate",
            committed = committed_sql("a.need_id = t.id"),
            delivered = delivered_sql("a2.id"),
        )))
        .bind(actor.org_id)
        .fetch_all(&db.pool)
        .await?;
    let mut lines: std::collections::BTreeMap<(String, String), SummaryLine> = Default::default();
    for (category, governorate, n, units) in offers {
        let line = lines
            .entry((category.clone(), governorate.clone()))
            .or_insert_with(|| SummaryLine {
                category,
                governorate,
                ..Default::default()
            });
        line.offers = n;
        line.units_offered = units;
    }
    for (category, governorate, n, units, allocated, delivered) in needs {
        let line = lines
            .entry((category.clone(), governorate.clone()))
            .or_insert_with(|| SummaryLine {
                category,
                governorate,
                ..Default::default()
            });
        line.needs = n;
        line.units_needed = units;
        line.units_allocated = allocated;
        line.units_delivered = delivered;
        line.unmet = (units - allocated).max(0);
    }
    Ok(lines.into_values().collect())
}
