//! Shared goals ("food support to 50,000 households in Upper Egypt in 2026") and their
//! indicators, each with a target over the goal's period and places, and the source of its
//! value: counted from the ledger (distinct households or persons, each once however many
//! members helped them), summed from reported activities, or entered by members with a note.
//! Progress is shown per goal, per governorate and per member's contribution. The secretariat
//! (admins and staff) sets goals; members enter values; everyone reads progress, members seeing
//! other members' contributions only as a total.

use super::fourw::given;
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result, form_date};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const SOURCES: [&str; 3] = ["ledger", "activities", "entered"];
pub const MEASURES: [&str; 4] = ["households", "persons", "people", "units"];

/// The largest target or entered value (beyond any alliance's reach, and far from overflow).
const MAX_VALUE: i64 = 1_000_000_000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Goal {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Indicator {
    pub id: i64,
    pub goal_id: i64,
    pub title: String,
    pub source: String,
    pub measure: String,
    pub kind: String,
    pub governorates: String,
    pub target: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GoalInput {
    pub title: String,
    pub description: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorInput {
    pub title: String,
    pub source: String,
    pub measure: String,
    pub kind: String,
    /// Governorate codes (a form's checkboxes); none for every governorate.
    pub governorates: Vec<String>,
    pub target: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ValueInput {
    pub value: String,
    pub note: String,
    pub as_of: String,
}

/// A whole number as typed (Arabic-Indic digits and thousands separators read), within bounds.
fn number(raw: &str, min: i64) -> Option<i64> {
    let digits: String = link::normalize::arabic::western_digits(raw.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '٬' | ' '))
        .collect();
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=MAX_VALUE).contains(n))
}

impl GoalInput {
    fn check(&self) -> Result<(String, String)> {
        let mut errs = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() {
            errs.add("title", "err-required");
        } else if title.chars().count() > 200 {
            errs.add("title", "err-too-long");
        }
        if self.description.chars().count() > 2000 {
            errs.add("description", "err-too-long");
        }
        let starts = form_date(&self.starts_on);
        let ends = form_date(&self.ends_on);
        if starts.is_none() {
            errs.add("starts_on", "err-date");
        }
        match (&starts, &ends) {
            (_, None) => errs.add("ends_on", "err-date"),
            (Some(s), Some(e)) if e < s => errs.add("ends_on", "err-ends-before-start"),
            _ => {}
        }
        errs.check()?;
        Ok((starts.unwrap_or_default(), ends.unwrap_or_default()))
    }
}

/// Only the secretariat's coordinators set goals.
fn coordinator(actor: &Actor) -> Result<()> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, input: &GoalInput) -> Result<i64> {
    coordinator(actor)?;
    let (starts, ends) = input.check()?;
    let now = db::now();
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO goals (title, description, starts_on, ends_on, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(input.title.trim())
    .bind(input.description.trim())
    .bind(&starts)
    .bind(&ends)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "goal",
        Some(id),
        None,
        Some(serde_json::json!({ "title": input.title.trim(), "starts_on": starts, "ends_on": ends })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Goal> {
    sqlx::query_as("SELECT id, title, description, starts_on, ends_on FROM goals WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn list(db: &Db) -> Result<Vec<Goal>> {
    Ok(sqlx::query_as(
        "SELECT id, title, description, starts_on, ends_on FROM goals ORDER BY ends_on DESC, id DESC",
    )
    .fetch_all(&db.pool)
    .await?)
}

async fn indicators(db: &Db, goal_id: i64) -> Result<Vec<Indicator>> {
    Ok(sqlx::query_as(
        "SELECT id, goal_id, title, source, measure, kind, governorates, target FROM indicators \
         WHERE goal_id = $1 ORDER BY id",
    )
    .bind(goal_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Adds an indicator to goal `goal_id`.
pub async fn add_indicator(
    db: &Db,
    actor: &Actor,
    goal_id: i64,
    input: &IndicatorInput,
) -> Result<i64> {
    coordinator(actor)?;
    get(db, goal_id).await?;
    let mut errs = FieldErrors::default();
    let title = input.title.trim();
    if title.is_empty() {
        errs.add("title", "err-required");
    } else if title.chars().count() > 200 {
        errs.add("title", "err-too-long");
    }
    let source = input.source.trim();
    if !SOURCES.contains(&source) {
        errs.add("source", "err-choice");
    }
    // What each source can measure: the ledger distinct households or persons, activities the
    // people they reached, entered values whatever units the indicator says.
    let measure = match source {
        "ledger" if ["households", "persons"].contains(&input.measure.trim()) => {
            input.measure.trim()
        }
        "ledger" => {
            errs.add("measure", "err-measure-ledger");
            ""
        }
        "activities" => "people",
        _ => "units",
    };
    let kind = input.kind.trim();
    if !kind.is_empty() {
        let list = if source == "activities" {
            &crate::kinds::ACTIVITIES
        } else {
            &crate::kinds::ASSISTANCE
        };
        if source == "entered" || !list.all(db).await?.iter().any(|k| k.code == kind) {
            errs.add("kind", "err-choice");
        }
    }
    let mut codes: Vec<&str> = Vec::new();
    for g in &input.governorates {
        match super::governorate(g) {
            Some(g) if !codes.contains(&g.code) => codes.push(g.code),
            Some(_) => {}
            None => errs.add("governorates", "err-governorate"),
        }
    }
    codes.sort();
    let target = number(&input.target, 1);
    if target.is_none() {
        errs.add("target", "err-target");
    }
    errs.check()?;
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO indicators (goal_id, title, source, measure, kind, governorates, target, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(goal_id)
    .bind(title)
    .bind(source)
    .bind(measure)
    .bind(kind)
    .bind(codes.join(" "))
    .bind(target.unwrap_or(1))
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "indicator",
        Some(id),
        None,
        Some(serde_json::json!({
            "goal_id": goal_id, "title": title, "source": source, "measure": measure,
            "kind": kind, "governorates": codes, "target": target,
        })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(id)
}

/// A member enters a value for an indicator whose values are entered.
pub async fn enter_value(
    db: &Db,
    actor: &Actor,
    indicator_id: i64,
    input: &ValueInput,
) -> Result<()> {
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let ind: Indicator = sqlx::query_as(
        "SELECT id, goal_id, title, source, measure, kind, governorates, target FROM indicators WHERE id = $1",
    )
    .bind(indicator_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    if ind.source != "entered" {
        return Err(Error::field("value", "err-value-counted"));
    }
    let mut errs = FieldErrors::default();
    let value = number(&input.value, 0);
    if value.is_none() {
        errs.add("value", "err-target");
    }
    let note = input.note.trim();
    if note.is_empty() {
        errs.add("note", "err-required");
    } else if note.chars().count() > 500 {
        errs.add("note", "err-too-long");
    }
    let as_of = if input.as_of.trim().is_empty() {
        Some(db::today())
    } else {
        form_date(&input.as_of)
    };
    if as_of.is_none() {
        errs.add("as_of", "err-date");
    }
    errs.check()?;
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO indicator_values (indicator_id, org_id, value, note, as_of, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(indicator_id)
    .bind(actor.org_id)
    .bind(value.unwrap_or(0))
    .bind(note)
    .bind(as_of.as_deref().unwrap_or_default())
    .bind(actor.user_id)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "indicator_value",
        Some(id),
        None,
        Some(serde_json::json!({ "indicator_id": indicator_id, "value": value, "as_of": as_of })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(())
}

/// One indicator's progress.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub indicator: Indicator,
    pub value: i64,
    /// value / target, in percent (may pass 100).
    pub percent: f64,
    /// Where the indicator should be by today if it progressed evenly over the goal's period.
    pub expected_percent: f64,
    pub off_track: bool,
    /// By governorate (counted and activity indicators).
    pub by_governorate: Vec<(String, String, String, i64)>,
    /// By member: (member id, value). A family helped by two members is in both: the members'
    /// contributions add up to more than the alliance's count.
    pub by_member: Vec<(i64, i64)>,
}

/// How far into `goal`'s period today is, in percent.
fn elapsed_percent(goal: &Goal) -> f64 {
    let day = |s: &str| {
        time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(|d| d.to_julian_day() as f64)
    };
    let today = day(&db::today()).unwrap_or(0.0);
    match (day(&goal.starts_on), day(&goal.ends_on)) {
        (Some(s), Some(e)) => (((today - s + 1.0) / (e - s + 1.0)) * 100.0).clamp(0.0, 100.0),
        _ => 0.0,
    }
}

/// A goal's indicators with their values now.
pub async fn progress(db: &Db, goal: &Goal) -> Result<Vec<Progress>> {
    let expected = elapsed_percent(goal);
    let mut out = Vec::new();
    for ind in indicators(db, goal.id).await? {
        let govs: Vec<&str> = ind.governorates.split_whitespace().collect();
        let in_place = |code: &str| govs.is_empty() || govs.contains(&code);
        let mut by_gov: BTreeMap<String, HashSet<i64>> = BTreeMap::new();
        let mut gov_sum: BTreeMap<String, i64> = BTreeMap::new();
        let mut by_member: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut member_sum: HashMap<i64, i64> = HashMap::new();
        let value = match ind.source.as_str() {
            "ledger" => {
                let mut all = HashSet::new();
                for g in given(db, &goal.starts_on, &goal.ends_on).await? {
                    if !ind.kind.is_empty() && g.category != ind.kind {
                        continue;
                    }
                    let code = super::governorate(&g.governorate).map_or("", |x| x.code);
                    if !in_place(code) {
                        continue;
                    }
                    let who = if ind.measure == "persons" {
                        g.person
                    } else {
                        g.household
                    };
                    all.insert(who);
                    by_gov.entry(code.to_owned()).or_default().insert(who);
                    by_member.entry(g.org_id).or_default().insert(who);
                }
                all.len() as i64
            }
            "activities" => {
                let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                    "SELECT org_id, type_code, governorate, reached_total FROM activities \
                     WHERE status <> 'planned' AND starts_on >= $1 AND starts_on <= $2",
                )
                .bind(&goal.starts_on)
                .bind(&goal.ends_on)
                .fetch_all(&db.pool)
                .await?;
                let mut total = 0;
                for (org, code, gov, n) in rows {
                    if (!ind.kind.is_empty() && code != ind.kind) || !in_place(&gov) {
                        continue;
                    }
                    total += n;
                    *gov_sum.entry(gov).or_default() += n;
                    *member_sum.entry(org).or_default() += n;
                }
                total
            }
            _ => {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT org_id, value FROM indicator_values WHERE indicator_id = $1",
                )
                .bind(ind.id)
                .fetch_all(&db.pool)
                .await?;
                for (org, v) in &rows {
                    *member_sum.entry(*org).or_default() += v;
                }
                rows.iter().map(|(_, v)| v).sum()
            }
        };
        for (g, s) in by_gov {
            gov_sum.insert(g, s.len() as i64);
        }
        for (m, s) in by_member {
            member_sum.insert(m, s.len() as i64);
        }
        let mut by_member: Vec<(i64, i64)> = member_sum.into_iter().collect();
        by_member.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let percent = value as f64 * 100.0 / ind.target.max(1) as f64;
        out.push(Progress {
            by_governorate: gov_sum
                .into_iter()
                .map(|(code, v)| {
                    let g = super::governorate(&code);
                    (
                        code,
                        g.map_or("", |g| g.name_ar).to_owned(),
                        g.map_or("", |g| g.name_en).to_owned(),
                        v,
                    )
                })
                .collect(),
            by_member,
            value,
            percent,
            expected_percent: expected,
            // Behind by more than a fifth of where an even pace would be.
            off_track: expected > 0.0 && percent < expected * 0.8,
            indicator: ind,
        });
    }
    Ok(out)
}

/// How many goals under way have an indicator off track (for the secretariat's home page),
/// worked out at most once a minute: the home page is opened often, and a goal counted from the
/// ledger reads it whole.
pub async fn off_track(db: &Db) -> Result<i64> {
    static CACHE: std::sync::LazyLock<crate::cache::Cache<i64>> = std::sync::LazyLock::new(|| {
        crate::cache::Cache::new(
            std::time::Duration::from_secs(60),
            64,
            &[crate::cache::Topic::Picture],
        )
    });
    Ok(*CACHE
        .get_or_load(db.id.to_string(), || count_off_track(db))
        .await?)
}

async fn count_off_track(db: &Db) -> Result<i64> {
    let today = db::today();
    let mut n = 0;
    for goal in list(db).await? {
        if goal.starts_on <= today
            && today <= goal.ends_on
            && progress(db, &goal).await?.iter().any(|p| p.off_track)
        {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn targets_and_values_are_read_as_typed_and_bounded() {
        assert_eq!(super::number("٥٠٬٠٠٠", 1), Some(50_000));
        assert_eq!(super::number("50,000", 1), Some(50_000));
        assert_eq!(super::number("0", 1), None);
        assert_eq!(super::number("0", 0), Some(0));
        assert_eq!(super::number("-5", 0), None);
        assert_eq!(super::number("99999999999", 0), None);
        assert_eq!(super::number("1e6", 0), None);
    }
}
