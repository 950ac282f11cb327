//! Finding registrations by name (any spelling, Arabic or Latin), national ID or mobile number,
//! each actor seeing what it may: a member its own registrations in full and only how many of
//! other members' match; the secretariat every member's, masked ([`Masked`]).

use super::online;
use super::store::{self, REGISTRATION_SELECT, Registration};
use crate::access::Actor;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::paging::Page;
use link::normalize::date::Order;
use link::record::RawRecord;
use serde::Serialize;

/// A registration of another member, as the secretariat sees it without opening it: first
/// name and initials, birth year, governorate, which member.
#[derive(Debug, Clone, Serialize)]
pub struct Masked {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub birth_year: String,
    pub governorate: String,
    pub person_id: i64,
    pub household_id: i64,
}

impl Masked {
    pub fn of(r: &Registration) -> Masked {
        let mut parts = r.full_name.split_whitespace();
        let first = parts.next().unwrap_or("").to_owned();
        let initials: Vec<String> = parts
            .filter_map(|p| p.chars().next())
            .map(|c| format!("{c}."))
            .collect();
        let digits: String = link::normalize::arabic::fold(&r.date_of_birth)
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        Masked {
            id: r.id,
            org_id: r.org_id,
            name: format!("{first} {}", initials.join(" ")).trim().to_owned(),
            birth_year: if digits.len() >= 4
                && (digits.starts_with("19") || digits.starts_with("20"))
            {
                digits[..4].to_owned()
            } else {
                String::new()
            },
            governorate: r.governorate.clone(),
            person_id: r.person_id,
            household_id: r.household_id,
        }
    }
}

/// What a search finds: the actor's own registrations in full; for the secretariat, every
/// member's, masked; for a member, only how many other members' registrations match.
#[derive(Debug, Default, Serialize)]
pub struct Found {
    pub own: Vec<Registration>,
    pub masked: Vec<Masked>,
    pub others: i64,
}

/// Searches by the member's own record number, name (any spelling, Arabic or Latin), national
/// ID or mobile number.
pub async fn search(db: &Db, actor: &Actor, q: &str) -> Result<Found> {
    let q = q.trim();
    if q.chars().count() > 200 {
        return Err(Error::field("q", "err-too-long"));
    }
    // A member's own record number (`ngo01-000066`), as its clerks look a row up in Excel.
    if !actor.sees_all() && !q.is_empty() {
        let own = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(format!(
            "{REGISTRATION_SELECT} WHERE r.org_id = $1 AND LOWER(r.member_key) = LOWER($2)"
        )))
        .bind(actor.org_id)
        .bind(q)
        .fetch_all(&db.pool)
        .await?;
        if !own.is_empty() {
            return Ok(Found {
                own,
                ..Found::default()
            });
        }
    }
    let digits: String = link::normalize::arabic::fold(q)
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    let looks_numeric =
        !digits.is_empty() && digits.len() * 2 >= q.chars().filter(|c| !c.is_whitespace()).count();
    let (condition, binds): (String, Vec<String>) = if looks_numeric {
        match link::normalize::phone::parse(q) {
            Some(p) if digits.len() < 14 => ("r.phone_key = $1".into(), vec![p]),
            _ => ("r.nid_key = $1".into(), vec![digits]),
        }
    } else {
        let raw = RawRecord {
            full_name: q.to_owned(),
            ..RawRecord::default()
        };
        let keys = link::record::normalize(&raw, Order::DayFirst).skeletons;
        // Names come from the registry's name index in memory: a LIKE over every
        // registration's name keys took seconds a search at a million registrations.
        let matches = online::by_name(db, &keys).await?;
        let fetch = |ids: Vec<i64>| async move { store::registrations_any(db, &ids).await };
        if actor.sees_all() {
            let rows = fetch(matches.iter().take(50).map(|m| m.0).collect()).await?;
            return Ok(Found {
                masked: rows.iter().map(Masked::of).collect(),
                ..Found::default()
            });
        }
        let own: Vec<i64> = matches
            .iter()
            .filter(|m| m.1 == actor.org_id)
            .take(50)
            .map(|m| m.0)
            .collect();
        return Ok(Found {
            own: fetch(own).await?,
            masked: vec![],
            others: matches.iter().filter(|m| m.1 != actor.org_id).count() as i64,
        });
    };
    let n = binds.len();
    let run = |scope: &str, limit: i64| {
        let sql =
            format!("{REGISTRATION_SELECT} WHERE {condition} {scope} ORDER BY r.id LIMIT {limit}");
        let mut query = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            query = query.bind(b.clone());
        }
        query
    };
    if actor.sees_all() {
        let rows = run("", 50).fetch_all(&db.pool).await?;
        return Ok(Found {
            masked: rows.iter().map(Masked::of).collect(),
            ..Found::default()
        });
    }
    let own = run(&format!("AND r.org_id = ${}", n + 1), 50)
        .bind(actor.org_id)
        .fetch_all(&db.pool)
        .await?;
    let mut count = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM registry_records r WHERE {condition} AND r.org_id <> ${}",
        n + 1
    )));
    for b in &binds {
        count = count.bind(b.clone());
    }
    let (others,) = count.bind(actor.org_id).fetch_one(&db.pool).await?;
    Ok(Found {
        own,
        masked: vec![],
        others,
    })
}

/// One registration in full, for its own member (or, through [`reveal`], the secretariat).
pub async fn registration(db: &Db, actor: &Actor, id: i64) -> Result<Registration> {
    let r = store::registration_any(db, id).await?;
    // Another member's registration does not exist for a member.
    if r.org_id != actor.org_id {
        return Err(Error::NotFound);
    }
    Ok(r)
}

/// What a member's list of its own registrations is narrowed to (each empty for "any").
#[derive(Debug, Default, Clone, serde::Deserialize, Serialize)]
pub struct ListFilter {
    /// The governorate as the member typed it.
    #[serde(default)]
    pub governorate: String,
    /// A household of the registry (its number): the household's registrations by this member.
    #[serde(default)]
    pub household: String,
    /// One of the member's imports.
    #[serde(default)]
    pub import: String,
    #[serde(default)]
    pub page: Option<i64>,
}

/// Registrations on one page of a member's list.
pub const LIST_PAGE: i64 = 50;

/// The actor's own registrations matching `filter`, in the order they were registered: one page
/// (`page`), or all of them for an export (`None`); and how many match. The secretariat
/// registers no one: its list is empty.
pub async fn own_list(
    db: &Db,
    actor: &Actor,
    filter: &ListFilter,
    page: Option<Page>,
) -> Result<(Vec<Registration>, i64)> {
    if actor.sees_all() {
        return Ok((vec![], 0));
    }
    let number = |field: &'static str, s: &str| -> Result<Option<i64>> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<i64>()
            .map(Some)
            .map_err(|_| Error::field(field, "err-choice"))
    };
    let mut binds = db::Binds::default();
    let mut conditions = vec![format!("r.org_id = {}", binds.add(actor.org_id))];
    if !filter.governorate.trim().is_empty() {
        conditions.push(format!(
            "r.governorate = {}",
            binds.add(filter.governorate.trim())
        ));
    }
    if let Some(h) = number("household", &filter.household)? {
        conditions.push(format!("r.household_id = {}", binds.add(h)));
    }
    if let Some(i) = number("import", &filter.import)? {
        conditions.push(format!("r.import_id = {}", binds.add(i)));
    }
    let where_sql = conditions.join(" AND ");
    let (total,) = binds
        .bind(sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM registry_records r WHERE {where_sql}"
        ))))
        .fetch_one(&db.pool)
        .await?;
    let limit = match page {
        Some(page) => {
            let page = page.within(total);
            format!(
                " LIMIT {} OFFSET {}",
                binds.add(page.size()),
                binds.add(page.offset())
            )
        }
        None => String::new(),
    };
    let rows = binds
        .bind(sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(
            format!("{REGISTRATION_SELECT} WHERE {where_sql} ORDER BY r.id{limit}"),
        )))
        .fetch_all(&db.pool)
        .await?;
    Ok((rows, total))
}

/// The governorates a member's registrations name, as typed, for the list's filter.
pub async fn own_governorates(db: &Db, actor: &Actor) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT governorate FROM registry_records WHERE org_id = $1 AND governorate <> '' \
         ORDER BY governorate LIMIT 200",
    )
    .bind(actor.org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(g,)| g).collect())
}
