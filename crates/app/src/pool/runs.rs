//! Allocation runs: the secretariat chooses kinds and governorates, the platform takes the open
//! offers and needs there with the units they have left, solves (`allocate::solve`), and keeps
//! the run — its inputs, the pins and exclusions it honoured, and its result with the figures that
//! explain each pair — as a *proposal*. The secretariat pins or excludes pairs and runs again (a
//! new run; the older proposal of the same choice is superseded), then publishes. Members accept
//! or decline what concerns their offers; a decline frees the units for the next run.

use super::places::PlaceIndex;
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result, form_date};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the secretariat asks to allocate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInput {
    /// Kind codes; none for every kind.
    pub categories: Vec<String>,
    /// Governorate codes of the needs; none for every governorate.
    pub governorates: Vec<String>,
    /// The day deliveries are due (optional).
    pub deliver_by: String,
}

/// A pin (at least `quantity` units of the offer to the need) or an exclusion (none).
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Choice {
    pub offer_id: i64,
    pub need_id: i64,
    pub choice: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub categories: String,
    pub governorates: String,
    pub status: String,
    pub deliver_by: Option<String>,
    pub score: i64,
    pub units_offered: i64,
    pub units_needed: i64,
    pub units_allocated: i64,
    pub solve_ms: i64,
    pub created_at: String,
    pub published_at: Option<String>,
}

/// One pair of a run's result, with what explains it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub offer_id: i64,
    pub offer_org_id: i64,
    pub offer_org_ar: String,
    pub offer_org_en: String,
    pub category: String,
    pub offer_governorate: String,
    pub offer_district: String,
    pub reach: String,
    pub need_id: i64,
    pub need_org_id: i64,
    pub need_org_ar: String,
    pub need_org_en: String,
    pub need_governorate: String,
    pub need_district: String,
    pub quantity: i64,
    pub priority: i64,
    pub transport_cost: i64,
    pub limit_reason: String,
    pub pinned: i64,
    pub status: String,
    pub responded_at: Option<String>,
    pub delivered: i64,
    pub deliver_by: Option<String>,
    /// Set for a need drawn from the registry (the household's registration).
    pub record_id: Option<i64>,
    /// Accepted, not delivered in full, and past the run's delivery date.
    #[sqlx(skip)]
    pub overdue: bool,
}

/// Flags the lines undelivered after their date.
fn flag_overdue(mut lines: Vec<Line>) -> Vec<Line> {
    let today = db::today();
    for l in &mut lines {
        l.overdue = l.status == "accepted"
            && l.delivered < l.quantity
            && l.deliver_by.as_deref().is_some_and(|d| d < today.as_str());
    }
    lines
}

const RUN_COLUMNS: &str = "id, categories, governorates, status, deliver_by, score, units_offered, \
    units_needed, units_allocated, solve_ms, created_at, published_at";

/// The checked choice: sorted, known codes.
fn checked(
    input: &RunInput,
    kinds: &[crate::kinds::Category],
) -> Result<(Vec<String>, Vec<String>, Option<String>)> {
    let mut errs = FieldErrors::default();
    let categories = errs.codes("categories", &input.categories, |c| {
        kinds.iter().any(|k| k.active && k.code == c)
    });
    let governorates = errs.codes("governorates", &input.governorates, |g| {
        link::normalize::place::by_code(g).is_some()
    });
    let deliver_by = match input.deliver_by.trim() {
        "" => None,
        raw => match form_date(raw) {
            Some(d) if d < db::today() => {
                errs.add("deliver_by", "err-pool-deliver-by-past");
                None
            }
            Some(d) => Some(d),
            None => {
                errs.add("deliver_by", "err-date");
                None
            }
        },
    };
    errs.check()?;
    Ok((categories, governorates, deliver_by))
}

/// An open offer or need with the units it has left outside published allocations.
#[derive(sqlx::FromRow)]
struct OfferRow {
    id: i64,
    category: String,
    governorate: String,
    district: String,
    reach: String,
    quantity: i64,
    committed: i64,
}

#[derive(sqlx::FromRow)]
struct NeedRow {
    id: i64,
    category: String,
    governorate: String,
    district: String,
    priority: i64,
    quantity: i64,
    committed: i64,
}

fn reach(raw: &str) -> allocate::Reach {
    match raw {
        "national" => allocate::Reach::National,
        "governorate" => allocate::Reach::Governorate,
        _ => allocate::Reach::District,
    }
}

/// `column IN (…)` for a list of values bound from `$first`, or nothing for an empty list.
fn within(column: &str, values: &[String], first: usize) -> String {
    if values.is_empty() {
        String::new()
    } else {
        format!(
            " AND {column} IN ({})",
            db::placeholders(first - 1, values.len())
        )
    }
}

/// Runs an allocation for a choice, honouring `choices` (pins and exclusions), and keeps it as a
/// proposal. Returns the run's id.
pub async fn run(db: &Db, actor: &Actor, input: &RunInput, choices: &[Choice]) -> Result<i64> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let kinds = crate::kinds::ASSISTANCE.all(db).await?;
    let (categories, governorates, deliver_by) = checked(input, &kinds)?;
    let today = db::today();
    let mut tx = db.begin().await?;
    // Offers: open, still available, of the chosen kinds, that can reach the chosen governorates.
    let kinds_in = within("o.category", &categories, 2);
    let places_in = if governorates.is_empty() {
        String::new()
    } else {
        format!(
            " AND (o.reach = 'national' OR o.governorate IN ({}))",
            db::placeholders(1 + categories.len(), governorates.len())
        )
    };
    // Of active members only: a suspended or departed member could not answer or deliver.
    // What published allocations took, summed once for all (a correlated sum per row let
    // PostgreSQL, with stale statistics, scan the allocations once per need).
    let sql = format!(
        "SELECT o.id, o.category, o.governorate, o.district, o.reach, o.quantity, \
         CAST(COALESCE(c.units, 0) AS BIGINT) AS committed \
         FROM pool_offers o JOIN orgs g ON g.id = o.org_id \
         LEFT JOIN (SELECT offer_id, SUM(quantity) AS units FROM pool_allocations \
                    WHERE status IN ('published', 'accepted') GROUP BY offer_id) c ON c.offer_id = o.id \
         WHERE o.status = 'open' AND g.status = 'active' \
         AND (o.available_until IS NULL OR o.available_until >= $1){kinds_in}{places_in} ORDER BY o.id"
    );
    let mut q = sqlx::query_as::<_, OfferRow>(sqlx::AssertSqlSafe(sql)).bind(&today);
    for v in categories.iter().chain(&governorates) {
        q = q.bind(v.clone());
    }
    let mut offer_rows: Vec<OfferRow> = q.fetch_all(&mut *tx).await?;
    let kinds_in = within("n.category", &categories, 1);
    let places_in = within("n.governorate", &governorates, 1 + categories.len());
    let sql = format!(
        "SELECT n.id, n.category, n.governorate, n.district, n.priority, n.quantity, \
         CAST(COALESCE(c.units, 0) AS BIGINT) AS committed \
         FROM pool_needs n JOIN orgs g ON g.id = n.org_id \
         LEFT JOIN (SELECT need_id, SUM(quantity) AS units FROM pool_allocations \
                    WHERE status IN ('published', 'accepted') GROUP BY need_id) c ON c.need_id = n.id \
         WHERE n.status = 'open' AND g.status = 'active'{kinds_in}{places_in} ORDER BY n.id"
    );
    let mut q = sqlx::query_as::<_, NeedRow>(sqlx::AssertSqlSafe(sql));
    for v in categories.iter().chain(&governorates) {
        q = q.bind(v.clone());
    }
    let mut need_rows: Vec<NeedRow> = q.fetch_all(&mut *tx).await?;
    // Offers given out and needs met in full take no part (nor a place in the run's inputs).
    offer_rows.retain(|o| o.quantity > o.committed);
    need_rows.retain(|n| n.quantity > n.committed);

    let mut places = PlaceIndex::default();
    let mut kind_ids: HashMap<String, u32> = HashMap::new();
    let mut kind_id = |code: &str| {
        let next = kind_ids.len() as u32;
        *kind_ids.entry(code.to_owned()).or_insert(next)
    };
    let offers: Vec<allocate::Offer> = offer_rows
        .iter()
        .map(|o| allocate::Offer {
            category: kind_id(&o.category),
            place: places
                .place(&o.governorate, &o.district)
                .expect("a stored governorate"),
            reach: reach(&o.reach),
            quantity: (o.quantity - o.committed).max(0) as u64,
        })
        .collect();
    let needs: Vec<allocate::Need> = need_rows
        .iter()
        .map(|n| allocate::Need {
            category: kind_id(&n.category),
            place: places
                .place(&n.governorate, &n.district)
                .expect("a stored governorate"),
            priority: n.priority as u32,
            quantity: (n.quantity - n.committed).max(0) as u64,
        })
        .collect();
    let offer_index: HashMap<i64, usize> = offer_rows
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, i))
        .collect();
    let need_index: HashMap<i64, usize> = need_rows
        .iter()
        .enumerate()
        .map(|(j, n)| (n.id, j))
        .collect();
    // Choices about offers or needs no longer in the run (withdrawn, met) are dropped.
    let mut kept = Vec::new();
    let mut pins = Vec::new();
    let mut exclusions = Vec::new();
    for c in choices {
        let (Some(&o), Some(&n)) = (offer_index.get(&c.offer_id), need_index.get(&c.need_id))
        else {
            continue;
        };
        if c.choice == "pin" {
            let most = offers[o].quantity.min(needs[n].quantity);
            let quantity = (c.quantity.max(0) as u64).min(most);
            if allocate::transport_cost(&offers[o], &needs[n]).is_none() || quantity == 0 {
                continue;
            }
            pins.push(allocate::Pair {
                offer: o,
                need: n,
                quantity,
            });
        } else {
            exclusions.push((o, n));
        }
        kept.push(c.clone());
    }
    let problem = allocate::Problem {
        offers: &offers,
        needs: &needs,
        pins: &pins,
        exclusions: &exclusions,
    };
    let started = std::time::Instant::now();
    // Pins were trimmed to what each offer and need has, but several pins on one offer can still
    // ask more than it has: then the run is refused with the reason, and nothing is kept.
    let allocation = allocate::solve(&problem).map_err(|e| match e {
        allocate::Error::PinsExceedOffer { .. } | allocate::Error::PinsExceedNeed { .. } => {
            Error::field("choice", "err-pool-pins-exceed")
        }
        other => Error::Internal(anyhow::anyhow!("allocation: {other}")),
    })?;
    let solve_ms = started.elapsed().as_millis() as i64;
    let offered: u64 = offers.iter().map(|o| o.quantity).sum();
    let needed: u64 = needs.iter().map(|n| n.quantity).sum();
    let allocated: u64 = allocation.pairs.iter().map(|p| p.quantity).sum();
    let choice_key = (categories.join(","), governorates.join(","));
    sqlx::query(
        "UPDATE pool_runs SET status = 'superseded' \
         WHERE status = 'proposal' AND categories = $1 AND governorates = $2",
    )
    .bind(&choice_key.0)
    .bind(&choice_key.1)
    .execute(&mut *tx)
    .await?;
    let (run_id,): (i64,) = sqlx::query_as(
        "INSERT INTO pool_runs (categories, governorates, deliver_by, score, units_offered, \
         units_needed, units_allocated, solve_ms, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&choice_key.0)
    .bind(&choice_key.1)
    .bind(deliver_by.as_deref())
    .bind(allocation.score)
    .bind(offered as i64)
    .bind(needed as i64)
    .bind(allocated as i64)
    .bind(solve_ms)
    .bind(actor.user_id)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    use crate::db::BindValue;
    let int = |v: i64| BindValue::from(v);
    let inputs = offer_rows
        .iter()
        .zip(&offers)
        .enumerate()
        .map(|(i, (row, offer))| {
            vec![
                int(run_id),
                int(row.id),
                int(offer.quantity as i64),
                int(allocation.offer_left[i] as i64),
            ]
        });
    db::insert_rows(
        &mut tx,
        "pool_run_offers (run_id, offer_id, quantity, units_left)",
        inputs.collect(),
    )
    .await?;
    let inputs = need_rows
        .iter()
        .zip(&needs)
        .enumerate()
        .map(|(j, (row, need))| {
            vec![
                int(run_id),
                int(row.id),
                int(need.quantity as i64),
                int(row.priority),
                int(allocation.need_left[j] as i64),
            ]
        });
    db::insert_rows(
        &mut tx,
        "pool_run_needs (run_id, need_id, quantity, priority, units_left)",
        inputs.collect(),
    )
    .await?;
    let choices = kept.iter().map(|c| {
        vec![
            int(run_id),
            int(c.offer_id),
            int(c.need_id),
            BindValue::from(c.choice.as_str()),
            int(c.quantity),
        ]
    });
    db::insert_rows(
        &mut tx,
        "pool_run_choices (run_id, offer_id, need_id, choice, quantity)",
        choices.collect(),
    )
    .await?;
    let pairs = allocation.pairs.iter().map(|pair| {
        let (offer, need) = (&offers[pair.offer], &needs[pair.need]);
        let pinned = pins
            .iter()
            .any(|p| (p.offer, p.need) == (pair.offer, pair.need));
        let limit = match allocation.limit(&problem, pair.offer, pair.need) {
            allocate::Limit::NeedMet => "need_met",
            allocate::Limit::OfferSpent => "offer_spent",
            _ => "pinned",
        };
        vec![
            int(run_id),
            int(offer_rows[pair.offer].id),
            int(need_rows[pair.need].id),
            int(pair.quantity as i64),
            int(i64::from(need.priority)),
            int(allocate::transport_cost(offer, need).expect("an allowed pair")),
            BindValue::from(limit),
            int(i64::from(pinned)),
        ]
    });
    db::insert_rows(
        &mut tx,
        "pool_allocations (run_id, offer_id, need_id, quantity, priority, transport_cost, \
         limit_reason, pinned)",
        pairs.collect(),
    )
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "pool_run",
        Some(run_id),
        None,
        Some(serde_json::json!({
            "categories": choice_key.0, "governorates": choice_key.1, "offers": offers.len(),
            "needs": needs.len(), "pins": pins.len(), "exclusions": exclusions.len(),
            "score": allocation.score, "units_allocated": allocated,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(run_id)
}

/// A run, for who may see it: the secretariat and auditors.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Run> {
    if !actor.sees_all() {
        return Err(Error::NotFound);
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM pool_runs WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(&db.pool)
    .await?)
}

/// The newest run of the same choice as `run`, when a newer one replaced it.
pub async fn successor(db: &Db, actor: &Actor, run: &Run) -> Result<Option<i64>> {
    if !actor.sees_all() || run.status != "superseded" {
        return Ok(None);
    }
    let (id,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(id) FROM pool_runs WHERE categories = $1 AND governorates = $2 AND id > $3",
    )
    .bind(&run.categories)
    .bind(&run.governorates)
    .bind(run.id)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// The latest runs, newest first.
pub async fn list(db: &Db, actor: &Actor, limit: i64) -> Result<Vec<Run>> {
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM pool_runs ORDER BY id DESC LIMIT {}",
        limit.clamp(1, 200)
    )))
    .fetch_all(&db.pool)
    .await?)
}

fn line_from() -> String {
    format!(
        "SELECT a.id, a.offer_id, o.org_id AS offer_org_id, og.name_ar AS offer_org_ar, \
    og.name_en AS offer_org_en, o.category, o.governorate AS offer_governorate, \
    o.district AS offer_district, o.reach, a.need_id, n.org_id AS need_org_id, \
    ng.name_ar AS need_org_ar, ng.name_en AS need_org_en, n.governorate AS need_governorate, \
    n.district AS need_district, a.quantity, a.priority, a.transport_cost, a.limit_reason, \
    a.pinned, a.status, a.responded_at, r.deliver_by, n.record_id, {delivered} AS delivered \
    FROM pool_allocations a JOIN pool_runs r ON r.id = a.run_id \
    JOIN pool_offers o ON o.id = a.offer_id \
    JOIN orgs og ON og.id = o.org_id JOIN pool_needs n ON n.id = a.need_id \
    JOIN orgs ng ON ng.id = n.org_id",
        delivered = super::delivered_sql("a.id")
    )
}

/// A run's pairs, by offer, one page of offers.
pub async fn lines(
    db: &Db,
    actor: &Actor,
    run: i64,
    page: crate::paging::Page,
) -> Result<(Vec<Line>, i64)> {
    get(db, actor, run).await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(DISTINCT offer_id) FROM pool_allocations WHERE run_id = $1")
            .bind(run)
            .fetch_one(&db.pool)
            .await?;
    let page = page.within(total);
    let sql = format!(
        "{} WHERE a.run_id = $1 AND a.offer_id IN (SELECT DISTINCT offer_id FROM \
         pool_allocations WHERE run_id = $1 ORDER BY offer_id LIMIT {} OFFSET {}) \
         ORDER BY a.offer_id, a.priority DESC, a.need_id",
        line_from(),
        page.size(),
        page.offset()
    );
    let lines = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(run)
        .fetch_all(&db.pool)
        .await?;
    Ok((flag_overdue(lines), total))
}

/// The run's unmet units by kind and governorate of the need.
pub async fn unmet(db: &Db, actor: &Actor, run: i64) -> Result<Vec<(String, String, i64)>> {
    get(db, actor, run).await?;
    Ok(sqlx::query_as(
        "SELECT n.category, n.governorate, CAST(SUM(r.units_left) AS BIGINT) FROM pool_run_needs r \
         JOIN pool_needs n ON n.id = r.need_id WHERE r.run_id = $1 AND r.units_left > 0 \
         GROUP BY n.category, n.governorate ORDER BY n.category, n.governorate",
    )
    .bind(run)
    .fetch_all(&db.pool)
    .await?)
}

/// The pins and exclusions a run honoured.
pub async fn choices(db: &Db, actor: &Actor, run: i64) -> Result<Vec<Choice>> {
    get(db, actor, run).await?;
    Ok(sqlx::query_as(
        "SELECT offer_id, need_id, choice, quantity FROM pool_run_choices WHERE run_id = $1 \
         ORDER BY offer_id, need_id",
    )
    .bind(run)
    .fetch_all(&db.pool)
    .await?)
}

/// Runs the choice of proposal `run` again with its pins and exclusions and one more added (or,
/// with `choice` `clear`, removed): a new proposal, with the units left now. The pair must be one
/// of the run's own offers and needs; a pin gives at most what both had in the run. Returns the
/// new run's id.
pub async fn rerun(db: &Db, actor: &Actor, run: i64, change: Option<Choice>) -> Result<i64> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let old = get(db, actor, run).await?;
    if old.status != "proposal" {
        return Err(Error::Conflict("err-pool-run-not-proposal"));
    }
    let mut kept = choices(db, actor, run).await?;
    if let Some(c) = change {
        if !["pin", "exclude", "clear"].contains(&c.choice.as_str()) {
            return Err(Error::field("choice", "err-choice"));
        }
        let units: Option<(i64, i64)> = sqlx::query_as(
            "SELECT o.quantity, n.quantity FROM pool_run_offers o, pool_run_needs n \
             WHERE o.run_id = $1 AND n.run_id = $1 AND o.offer_id = $2 AND n.need_id = $3",
        )
        .bind(run)
        .bind(c.offer_id)
        .bind(c.need_id)
        .fetch_optional(&db.pool)
        .await?;
        let Some((offered, needed)) = units else {
            return Err(Error::field("choice", "err-pool-pair-not-in-run"));
        };
        if c.choice == "pin" && (c.quantity < 1 || c.quantity > offered.min(needed)) {
            return Err(Error::field("quantity", "err-pool-pin-quantity"));
        }
        kept.retain(|k| (k.offer_id, k.need_id) != (c.offer_id, c.need_id));
        if c.choice != "clear" {
            kept.push(c);
        }
    }
    let split = |s: &str| {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let input = RunInput {
        categories: split(&old.categories),
        governorates: split(&old.governorates),
        // A delivery date that has passed since is not carried into the new run.
        deliver_by: old
            .deliver_by
            .clone()
            .filter(|d| *d >= db::today())
            .unwrap_or_default(),
    };
    self::run(db, actor, &input, &kept).await
}

/// Publishes a proposal: its pairs go to the members concerned, and their units are taken from
/// the offers and needs until declined.
pub async fn publish(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let _one_at_a_time = super::POOL_LOCK.lock().await;
    let run = get(db, actor, id).await?;
    if run.status == "published" {
        return Ok(());
    }
    if run.status != "proposal" {
        return Err(Error::Conflict("err-pool-run-not-proposal"));
    }
    let mut tx = db.begin().await?;
    // Offers reduced or withdrawn, needs withdrawn, or units published by another run since this
    // proposal ran could now be promised twice: refuse, and let the secretariat run it again.
    let (stale,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM (SELECT offer_id, SUM(quantity) AS q FROM pool_allocations \
                  WHERE run_id = $1 GROUP BY offer_id) x JOIN pool_offers o ON o.id = x.offer_id \
                 LEFT JOIN (SELECT offer_id, SUM(quantity) AS units FROM pool_allocations \
                   WHERE status IN ('published', 'accepted') GROUP BY offer_id) c ON c.offer_id = o.id \
                 WHERE o.status <> 'open' OR x.q + COALESCE(c.units, 0) > o.quantity) \
              + (SELECT COUNT(*) FROM (SELECT need_id, SUM(quantity) AS q FROM pool_allocations \
                  WHERE run_id = $1 GROUP BY need_id) y JOIN pool_needs n ON n.id = y.need_id \
                 LEFT JOIN (SELECT need_id, SUM(quantity) AS units FROM pool_allocations \
                   WHERE status IN ('published', 'accepted') GROUP BY need_id) c ON c.need_id = n.id \
                 WHERE n.status <> 'open' OR y.q + COALESCE(c.units, 0) > n.quantity)",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if stale > 0 {
        return Err(Error::Conflict("err-pool-run-stale"));
    }
    let now = db::now();
    let changed = sqlx::query(
        "UPDATE pool_runs SET status = 'published', published_at = $1 WHERE id = $2 AND status = 'proposal'",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(Error::Conflict("err-pool-run-not-proposal"));
    }
    sqlx::query("UPDATE pool_allocations SET status = 'published' WHERE run_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "publish",
        "pool_run",
        Some(id),
        Some(serde_json::json!({ "status": "proposal" })),
        Some(serde_json::json!({ "status": "published", "units_allocated": run.units_allocated })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What concerns the actor's organisation in published runs: pairs of its offers (to deliver)
/// and of its needs (to receive). The member that posted a need is named to the offering member,
/// so that they can arrange the delivery; nothing of any household is.
pub async fn mine(db: &Db, actor: &Actor) -> Result<(Vec<Line>, Vec<Line>)> {
    let sql = format!(
        "{} WHERE r.status = 'published' AND o.org_id = $1 \
         ORDER BY CASE WHEN a.status IN ('published', 'accepted') THEN 0 ELSE 1 END, a.id DESC \
         LIMIT 2000",
        line_from()
    );
    let deliver = flag_overdue(
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(actor.org_id)
            .fetch_all(&db.pool)
            .await?,
    );
    let sql = format!(
        "{} WHERE r.status = 'published' AND n.org_id = $1 \
         ORDER BY CASE WHEN a.status IN ('published', 'accepted') THEN 0 ELSE 1 END, a.id DESC \
         LIMIT 2000",
        line_from()
    );
    let receive = flag_overdue(
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(actor.org_id)
            .fetch_all(&db.pool)
            .await?,
    );
    Ok((deliver, receive))
}

/// The offering member accepts or declines a published pair; a decline frees its units.
pub async fn respond(db: &Db, actor: &Actor, allocation: i64, accept: bool) -> Result<()> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let _one_at_a_time = super::POOL_LOCK.lock().await;
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT o.org_id, a.status, r.status FROM pool_allocations a \
         JOIN pool_offers o ON o.id = a.offer_id JOIN pool_runs r ON r.id = a.run_id WHERE a.id = $1",
    )
    .bind(allocation)
    .fetch_optional(&db.pool)
    .await?;
    let Some((org, status, run_status)) = row else {
        return Err(Error::NotFound);
    };
    if org != actor.org_id || run_status != "published" {
        return Err(Error::NotFound);
    }
    let new = if accept { "accepted" } else { "declined" };
    if status == new {
        // The same answer twice (a double click) is one answer.
        return Ok(());
    }
    if status != "published" {
        return Err(Error::Conflict("err-pool-already-answered"));
    }
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE pool_allocations SET status = $1, responded_by = $2, responded_at = $3 \
         WHERE id = $4 AND status = 'published'",
    )
    .bind(new)
    .bind(actor.user_id)
    .bind(db::now())
    .bind(allocation)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(Error::Conflict("err-pool-already-answered"));
    }
    audit::record(
        &mut tx,
        Some(actor),
        if accept { "accept" } else { "decline" },
        "pool_allocation",
        Some(allocation),
        Some(serde_json::json!({ "status": status })),
        Some(serde_json::json!({ "status": new })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
