//! The agreements' list: one page of the agreements an actor may see, filtered (member, point
//! status, overdue, words), newest first, with each one's parties and point counts — kept in
//! short-lived caches, as lists are read far more often than agreements change — and the home
//! page's counters.

use super::{Filter, PAGE_SIZE, PointStatus, Summary, parties_of};
use crate::access::Actor;
use crate::cache::Cache;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::paging::Page;

/// Recently computed list pages. Lists are read far more often than agreements change: a page is
/// kept until any agreement, point or organisation name changes on this server (every write
/// path says [`crate::cache::Topic::Agreements`]; a renamed organisation, `Organisations`), and
/// at most two seconds, which bounds how stale a page can be when another server made the change.
static LIST_CACHE: std::sync::LazyLock<Cache<(Vec<Summary>, i64)>> =
    std::sync::LazyLock::new(|| Cache::new(LIST_TTL, 1_000, LIST_TOPICS));
/// How many agreements match a filter, shared by all its pages (counting is the costly part of
/// a page far from the first).
static COUNT_CACHE: std::sync::LazyLock<Cache<i64>> =
    std::sync::LazyLock::new(|| Cache::new(LIST_TTL, 1_000, LIST_TOPICS));

pub(crate) const LIST_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// What the list pages show, data and rendered alike: agreements and organisations' names.
pub(crate) const LIST_TOPICS: &[crate::cache::Topic] = &[
    crate::cache::Topic::Agreements,
    crate::cache::Topic::Organisations,
];

/// One page of the agreements the actor may see, newest first, and the number that match.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
) -> Result<std::sync::Arc<(Vec<Summary>, i64)>> {
    let filter_key = filter_key(db, actor, filter);
    LIST_CACHE
        .get_or_load(format!("{filter_key}|{:?}", filter.page), || {
            list_uncached(
                db,
                actor,
                filter,
                filter_key,
                Page::new(filter.page, PAGE_SIZE),
            )
        })
        .await
}

/// What a list's rows depend on besides the page: the database, whom it is for (everyone who
/// sees all shares one), the filters and the day (overdue points).
fn filter_key(db: &Db, actor: &Actor, filter: &Filter) -> String {
    // Whom the page is for: everyone who sees all shares one entry; a member its own.
    let scope = if actor.sees_all() {
        "all".to_owned()
    } else {
        actor.org_id.to_string()
    };
    format!(
        "{}|{scope}|{:?}|{:?}|{:?}|{:?}|{}",
        db.id,
        filter.member,
        filter.status,
        filter.overdue,
        filter.q,
        db::today()
    )
}

/// The agreements matching `filter` (all pages, at most [`crate::paging::EXPORT_ROWS`]) as a
/// table for the list's export, in the reader's language.
pub async fn export_table(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
    locale: crate::i18n::Locale,
) -> Result<crate::table::export::Table> {
    use crate::table::export::Value;
    let key = filter_key(db, actor, filter);
    let (rows, _) = list_uncached(db, actor, filter, key, Page::export()).await?;
    let ar = locale == crate::i18n::Locale::Ar;
    let header = [
        "field-held_on",
        "field-kind",
        "field-title",
        "field-place",
        "agreements-parties",
        "agreements-points",
        "agreements-done",
        "agreements-overdue",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let sep = if ar { "، " } else { ", " };
    let rows = rows
        .into_iter()
        .map(|a| {
            let parties: Vec<&str> = a
                .parties
                .iter()
                .map(|p| {
                    if ar {
                        p.name_ar.as_str()
                    } else {
                        p.name_en.as_str()
                    }
                })
                .collect();
            vec![
                Value::from(a.held_on),
                Value::from(locale.t(&format!("kind-{}", a.kind))),
                Value::from(a.title),
                Value::from(a.place),
                Value::from(parties.join(sep)),
                Value::from(a.points),
                Value::from(a.done),
                Value::from(a.overdue),
            ]
        })
        .collect();
    Ok((header, rows))
}

/// One page of the agreements the actor may see, newest first, and the number that match.
///
/// Only the filters in use become SQL conditions, so an unfiltered page walks the `held_on`
/// index and stops after one page; the point counts are then read for that page's rows only.
async fn list_uncached(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
    filter_key: String,
    page: Page,
) -> Result<(Vec<Summary>, i64)> {
    let status = filter.status.as_deref().map(str::trim).unwrap_or("");
    if !status.is_empty() && PointStatus::parse(status).is_none() {
        return Err(Error::field("status", "err-choice"));
    }
    let q = filter.q.as_deref().map(str::trim).unwrap_or("");
    if q.chars().count() > 200 {
        return Err(Error::field("q", "err-too-long"));
    }
    let today = db::today();
    let mut conditions: Vec<String> = Vec::new();
    let mut binds = db::Binds::default();
    if !actor.sees_all() {
        let p = binds.add(actor.org_id);
        conditions.push(format!(
            "a.id IN (SELECT agreement_id FROM agreement_members WHERE org_id = {p})"
        ));
    }
    if let Some(member) = filter.member {
        let p = binds.add(member);
        conditions.push(format!(
            "a.id IN (SELECT agreement_id FROM agreement_members WHERE org_id = {p})"
        ));
    }
    if !status.is_empty() {
        let p = binds.add(status.to_owned());
        conditions.push(format!(
            "a.id IN (SELECT agreement_id FROM agreement_points WHERE status = {p})"
        ));
    }
    if filter.overdue.unwrap_or(false) {
        let p = binds.add(today.clone());
        conditions.push(format!(
            "a.id IN (SELECT agreement_id FROM agreement_points WHERE status IN ('open', 'in_progress') AND due_on < {p})"
        ));
    }
    if !q.is_empty() {
        let p = binds.add(db::contains_pattern(q));
        conditions.push(format!(
            "(LOWER(a.title) LIKE {p} ESCAPE '\\' OR LOWER(a.place) LIKE {p} ESCAPE '\\' OR LOWER(a.summary) LIKE {p} ESCAPE '\\')"
        ));
    }
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    // The count takes the filters' values, not the page's limit and offset.
    let filter_binds = binds.clone();
    let limit = binds.add(page.size());
    let offset = binds.add(page.offset());
    let page_sql = format!(
        "SELECT a.id, a.kind, a.title, a.held_on, a.place, CAST(0 AS BIGINT) AS points, CAST(0 AS BIGINT) AS done, \
         CAST(0 AS BIGINT) AS overdue FROM agreements a \
         {where_sql} ORDER BY a.held_on DESC, a.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let page_query = sqlx::query_as::<_, Summary>(sqlx::AssertSqlSafe(page_sql));
    let mut rows = binds.bind(page_query).fetch_all(&db.pool).await?;
    let total = *COUNT_CACHE
        .get_or_load(filter_key, || async {
            let count_query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM agreements a {where_sql}"
            )));
            let (total,) = filter_binds.bind(count_query).fetch_one(&db.pool).await?;
            Ok::<_, Error>(total)
        })
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let parties = parties_of(db, &ids).await?;
    let counts = point_counts(db, &ids, &today).await?;
    for r in &mut rows {
        r.parties = parties
            .iter()
            .filter(|p| p.agreement_id == r.id)
            .cloned()
            .collect();
        if let Some(&(_, points, done, overdue)) = counts.iter().find(|c| c.0 == r.id) {
            (r.points, r.done, r.overdue) = (points, done, overdue);
        }
    }
    Ok((rows, total))
}

/// `(agreement, points, done, overdue)` for the given agreements.
async fn point_counts(db: &Db, ids: &[i64], today: &str) -> Result<Vec<(i64, i64, i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT agreement_id, COUNT(*), \
         COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') AND due_on < $1 THEN 1 ELSE 0 END), 0) \
         FROM agreement_points WHERE agreement_id IN ({}) GROUP BY agreement_id",
        db::placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(today.to_owned());
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// Counts for the home page: the actor's organisation's open and overdue points.
pub async fn my_counts(db: &Db, actor: &Actor) -> Result<(i64, i64)> {
    let today = db::today();
    let (open, overdue): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) FROM agreement_points \
         WHERE status IN ('open', 'in_progress') AND ($3 = 1 OR owner_org_id = $1)",
    )
    .bind(actor.org_id)
    .bind(&today)
    .bind(i64::from(actor.sees_all()))
    .fetch_one(&db.pool)
    .await?;
    Ok((open, overdue))
}
