//! Overlaps: the secretariat's rules (a kind of assistance, a window of days, a person or a
//! household), what an entry overlaps under them — other members' assistance, never named, and
//! the member's own repeats — before it is saved and after, and the secretariat's summary.

use super::{AssistanceInput, Entry, Scope, validate};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, FieldErrors, Result};
use crate::kinds as categories;
use serde::{Deserialize, Serialize};

/// An earlier assistance that the new one overlaps under a rule: only its date and category
/// (the other member stays unnamed).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Overlap {
    pub given_on: String,
    pub category: String,
    pub scope: String,
    pub window_days: i64,
}

/// What overlaps an entry may be told of, without which entries they are.
pub(super) fn worded(found: Vec<(i64, i64, Overlap)>) -> Vec<Overlap> {
    found.into_iter().map(|(_, _, o)| o).collect()
}

/// What recording `input` would overlap, before anything is written: the same rules and
/// windows as [`record`], against other members' assistance, and the member's own (repeats).
pub async fn would_overlap(
    db: &Db,
    actor: &Actor,
    input: &AssistanceInput,
) -> Result<(Vec<Overlap>, Vec<Overlap>)> {
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let (record_id, v) = validate(db, actor, input, None).await?;
    let probe = Entry::new(actor.org_id, record_id, v, Some(actor.user_id));
    let mut tx = db.begin_read().await?;
    let overlaps = worded(find_overlaps(&mut tx, &probe, false).await?);
    let repeats = worded(find_overlaps(&mut tx, &probe, true).await?);
    tx.rollback().await?;
    Ok((overlaps, repeats))
}

/// Unreversed assistance that `e` overlaps under an active rule of its category — by other
/// members, or (`own`) by `e`'s own member, `e` itself aside: (other entry, rule, what the member
/// may be told).
pub(super) async fn find_overlaps(
    tx: &mut Tx<'_>,
    e: &Entry,
    own: bool,
) -> Result<Vec<(i64, i64, Overlap)>> {
    let rules: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, window_days, scope FROM overlap_rules WHERE active = 1 AND category = $1",
    )
    .bind(&e.category)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    let Ok(day) = time::Date::parse(
        &e.given_on,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) else {
        return Ok(out);
    };
    for (rule_id, window, scope) in rules {
        let from = (day - time::Duration::days(window)).to_string();
        let to = (day + time::Duration::days(window)).to_string();
        let column = if Scope::parse(&scope) == Some(Scope::Household) {
            "household_id"
        } else {
            "person_id"
        };
        let rows: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.given_on, a.category FROM assistance a \
             JOIN registry_records r ON r.id = a.record_id \
             JOIN registry_records mine ON mine.id = $1 \
             WHERE r.{column} = mine.{column} AND r.{column} <> 0 AND {whose} AND a.category = $3 \
             AND a.given_on >= $4 AND a.given_on <= $5 AND a.reverses_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM assistance x WHERE x.reverses_id = a.id) AND a.id <> $6 \
             ORDER BY a.given_on",
            whose = if own {
                "a.org_id = $2"
            } else {
                "a.org_id <> $2"
            },
        )))
        .bind(e.record_id)
        .bind(e.org_id)
        .bind(&e.category)
        .bind(&from)
        .bind(&to)
        .bind(e.id)
        .fetch_all(&mut **tx)
        .await?;
        for (other, given_on, category) in rows {
            out.push((
                other,
                rule_id,
                Overlap {
                    given_on,
                    category,
                    scope: scope.clone(),
                    window_days: window,
                },
            ));
        }
    }
    Ok(out)
}

/// Overlaps counted by member, by governorate and by month (the secretariat's dashboard).
#[derive(Debug, Default, Serialize)]
pub struct OverlapSummary {
    pub total: i64,
    /// (member id, overlaps it recorded)
    pub by_member: Vec<(i64, i64)>,
    /// (governorate as registered, overlaps)
    pub by_governorate: Vec<(String, i64)>,
    /// (`YYYY-MM`, overlaps)
    pub by_month: Vec<(String, i64)>,
}

/// Every overlap as a table for the secretariat's export, newest first (at most
/// [`crate::paging::EXPORT_ROWS`]): the entry and the earlier one it overlaps, by member, kind,
/// date and governorate, with the rule's window. No one is named: the secretariat opens personal
/// data only through the review queue, with a reason.
pub async fn overlap_table(
    db: &Db,
    actor: &Actor,
    locale: crate::i18n::Locale,
) -> Result<crate::table::export::Table> {
    use crate::table::export::Value;
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        given_on: String,
        org_id: i64,
        category: String,
        governorate: String,
        earlier: i64,
        earlier_on: String,
        earlier_by: i64,
        window_days: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.given_on, a.org_id, a.category, r.governorate, b.id AS earlier, \
         b.given_on AS earlier_on, b.org_id AS earlier_by, w.window_days \
         FROM assistance_overlaps o JOIN assistance a ON a.id = o.assistance_id \
         JOIN assistance b ON b.id = o.other_id JOIN registry_records r ON r.id = a.record_id \
         JOIN overlap_rules w ON w.id = o.rule_id ORDER BY o.id DESC LIMIT $1",
    )
    .bind(crate::paging::EXPORT_ROWS)
    .fetch_all(&db.pool)
    .await?;
    let ar = locale == crate::i18n::Locale::Ar;
    let orgs = crate::orgs::names(db).await?;
    let org = |id: i64| {
        orgs.get(&id.to_string())
            .map(|(a, e)| if ar { a.clone() } else { e.clone() })
            .unwrap_or_default()
    };
    let kinds: std::collections::HashMap<String, String> = crate::kinds::all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, if ar { c.name_ar } else { c.name_en }))
        .collect();
    let header = [
        "assistance-entry",
        "field-given_on",
        "field-member",
        "field-category",
        "field-governorate",
        "overlaps-earlier-entry",
        "overlaps-earlier-date",
        "overlaps-earlier-member",
        "field-window_days",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = rows
        .into_iter()
        .map(|r| {
            let place = link::normalize::place::governorate_code(&r.governorate)
                .and_then(link::normalize::place::by_code)
                .map_or(r.governorate, |g| {
                    if ar { g.name_ar } else { g.name_en }.to_owned()
                });
            vec![
                Value::from(r.id),
                Value::from(r.given_on),
                Value::from(org(r.org_id)),
                Value::from(kinds.get(&r.category).cloned().unwrap_or(r.category)),
                Value::from(place),
                Value::from(r.earlier),
                Value::from(r.earlier_on),
                Value::from(org(r.earlier_by)),
                Value::from(r.window_days),
            ]
        })
        .collect();
    Ok((header, rows))
}

pub async fn overlap_summary(db: &Db, actor: &Actor) -> Result<OverlapSummary> {
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let base = "FROM assistance_overlaps o JOIN assistance a ON a.id = o.assistance_id \
                JOIN registry_records r ON r.id = a.record_id";
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {base}")))
        .fetch_one(&db.pool)
        .await?;
    let by_member = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.org_id, COUNT(*) {base} GROUP BY a.org_id ORDER BY COUNT(*) DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    let by_governorate: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.governorate, COUNT(*) {base} GROUP BY r.governorate ORDER BY COUNT(*) DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    // Governorates as members typed them, brought to one name each.
    let mut merged: Vec<(String, i64)> = Vec::new();
    for (g, n) in by_governorate {
        let name = link::normalize::place::governorate_code(&g)
            .and_then(link::normalize::place::by_code)
            .map(|p| p.name_ar.to_owned())
            .unwrap_or(g);
        match merged.iter_mut().find(|(x, _)| *x == name) {
            Some(e) => e.1 += n,
            None => merged.push((name, n)),
        }
    }
    merged.sort_by_key(|e| std::cmp::Reverse(e.1));
    let by_month = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT SUBSTR(a.given_on, 1, 7), COUNT(*) {base} GROUP BY SUBSTR(a.given_on, 1, 7) ORDER BY 1 DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(OverlapSummary {
        total,
        by_member,
        by_governorate: merged,
        by_month,
    })
}

/// An overlap rule as the secretariat configures it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RuleInput {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub window_days: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Rule {
    pub id: i64,
    pub category: String,
    pub window_days: i64,
    pub scope: String,
    pub active: i64,
}

pub async fn rules(db: &Db) -> Result<Vec<Rule>> {
    Ok(sqlx::query_as(
        "SELECT id, category, window_days, scope, active FROM overlap_rules ORDER BY category, id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Adds an overlap rule (secretariat admins, or the command line).
pub async fn add_rule(db: &Db, actor: Option<&Actor>, input: &RuleInput) -> Result<i64> {
    if actor.is_some_and(|a| !a.is_secretariat_admin()) {
        return Err(Error::Forbidden);
    }
    let mut errs = FieldErrors::default();
    if !categories::is_offered(db, &input.category).await? {
        errs.add("category", "err-choice");
    }
    let window = input
        .window_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=3650).contains(d));
    if window.is_none() {
        errs.add("window_days", "err-window");
    }
    if Scope::parse(&input.scope).is_none() {
        errs.add("scope", "err-choice");
    }
    errs.check()?;
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO overlap_rules (category, window_days, scope, active, created_by, created_at) \
         VALUES ($1, $2, $3, 1, $4, $5) RETURNING id",
    )
    .bind(&input.category)
    .bind(window.unwrap_or(30))
    .bind(&input.scope)
    .bind(actor.map(|a| a.user_id))
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "create",
        "overlap_rule",
        Some(id),
        None,
        Some(serde_json::to_value(input).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
