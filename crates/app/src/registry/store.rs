//! A registration as the registry keeps it: the row as the member typed it, its search keys
//! and the person and household it belongs to — read whole for linking ([`load_all`]), read one
//! by one for pages ([`Registration`]), and written by imports ([`insert`], [`update`]). The
//! registry's SQL over `registry_records` is here.

use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use link::normalize::date::Order;
use link::record::{RawRecord, Record};
use serde::Serialize;
use std::collections::HashMap;

/// Imports, re-links and decisions one at a time on this server: each re-links the whole
/// registry.
pub(super) static WRITE_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn order_code(o: Order) -> &'static str {
    match o {
        Order::DayFirst => "dmy",
        Order::MonthFirst => "mdy",
    }
}

pub(super) fn parse_order(s: &str) -> Order {
    if s == "mdy" {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

/// The columns holding a row as the member typed it, in the order of [`raw_values`].
const RAW_FIELDS: [&str; 20] = [
    "household_ref",
    "relation_to_head",
    "full_name",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "date_of_birth",
    "age",
    "national_id",
    "phone",
    "governorate",
    "district",
    "village",
    "address",
    "registered_at",
    "disability",
    "monthly_income",
    "other_id",
];

fn raw_values(r: &RawRecord) -> [&str; 20] {
    [
        &r.household_ref,
        &r.relation_to_head,
        &r.full_name,
        &r.first_name,
        &r.father_name,
        &r.grandfather_name,
        &r.family_name,
        &r.gender,
        &r.date_of_birth,
        &r.age,
        &r.national_id,
        &r.phone,
        &r.governorate,
        &r.district,
        &r.village,
        &r.address,
        &r.registered_at,
        &r.disability,
        &r.monthly_income,
        &r.other_id,
    ]
}

/// What every registration written by one import shares.
pub(super) struct Written<'a> {
    /// The import that wrote it (`None`: corrected by hand, with no import of its own).
    pub import_id: Option<i64>,
    pub order: Order,
    pub now: &'a str,
}

/// Replaces the values of registration `id` with the row `raw` (`record`: the engine's reading of
/// it, for the search keys).
pub(super) async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    raw: &RawRecord,
    record: &Record,
    w: &Written<'_>,
) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(update_sql()));
    for v in raw_values(raw) {
        q = q.bind(v);
    }
    let (name_key, nid_key, phone_key) = search_keys(record);
    q.bind(order_code(w.order))
        .bind(w.import_id)
        .bind(w.now)
        .bind(name_key)
        .bind(nid_key)
        .bind(phone_key)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds the rows `rows` (each with the engine's reading of it, for the search keys) as
/// registrations of organisation `org_id`, each under `raw.record_id`, the member's own key, and
/// gives their ids in the same order. Many rows go in one statement: one statement per row cost
/// an import of 14,000 rows seconds of round trips.
pub(super) async fn insert_rows(
    tx: &mut Tx<'_>,
    org_id: i64,
    rows: &[(&RawRecord, &Record)],
    w: &Written<'_>,
) -> Result<Vec<i64>> {
    let values: Vec<Vec<db::BindValue>> = rows
        .iter()
        .map(|(raw, record)| {
            let (name_key, nid_key, phone_key) = search_keys(record);
            let mut v: Vec<db::BindValue> = vec![org_id.into(), raw.record_id.as_str().into()];
            v.extend(raw_values(raw).map(db::BindValue::from));
            v.extend([
                order_code(w.order).into(),
                w.import_id.into(),
                w.now.into(),
                w.now.into(),
                name_key.into(),
                nid_key.into(),
                phone_key.into(),
            ]);
            v
        })
        .collect();
    let into = format!(
        "registry_records (org_id, member_key, {}, date_order, import_id, created_at, updated_at, \
         name_key, nid_key, phone_key)",
        RAW_FIELDS.join(", ")
    );
    // The order of RETURNING rows is not promised: a row's id is found by its key, unique
    // within the member.
    let id_of: HashMap<String, i64> =
        db::insert_rows_returning::<(i64, String)>(tx, &into, values, "RETURNING id, member_key")
            .await?
            .into_iter()
            .map(|(id, key)| (key, id))
            .collect();
    rows.iter()
        .map(|(raw, _)| {
            id_of
                .get(&raw.record_id)
                .copied()
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("a registration written has no id")))
        })
        .collect()
}

/// `UPDATE` of a registration from a new row: the raw columns, then date order, import, time,
/// the three search keys and the id.
fn update_sql() -> String {
    let n = RAW_FIELDS.len();
    let set: Vec<String> = RAW_FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{f} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE registry_records SET {}, date_order = ${}, import_id = ${}, updated_at = ${}, name_key = ${}, \
         nid_key = ${}, phone_key = ${} WHERE id = ${}",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4,
        n + 5,
        n + 6,
        n + 7
    )
}

/// Search keys of a row from the engine's reading of it: name skeletons between spaces, ID
/// digits, canonical mobile.
fn search_keys(r: &Record) -> (String, &str, &str) {
    (
        format!(" {} ", r.skeletons.join(" ")),
        r.id_digits().unwrap_or_default(),
        r.phone.as_deref().unwrap_or_default(),
    )
}

/// The name as a row gives it: the full name, or its parts joined.
pub fn display_name(raw: &RawRecord) -> String {
    if raw.full_name.trim().is_empty() {
        [
            &raw.first_name,
            &raw.father_name,
            &raw.grandfather_name,
            &raw.family_name,
        ]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    } else {
        raw.full_name.trim().to_owned()
    }
}

/// One stored registration: the row as the member typed it (`raw.record_id` is the member's
/// record key, `raw.member_org` its code) and what the registry keeps beside it. Read as one JSON
/// object per row (see [`stored_select`]).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Stored {
    pub id: i64,
    pub org_id: i64,
    pub date_order: String,
    pub person_id: i64,
    pub household_id: i64,
    #[serde(flatten)]
    pub raw: RawRecord,
}

impl Stored {
    pub fn member_key(&self) -> &str {
        &self.raw.record_id
    }

    /// The name as the member wrote it: the full name, or the parts joined.
    pub fn display_name(&self) -> String {
        display_name(&self.raw)
    }

    /// The row as the linkage engine takes it: keyed by the registration's id, unique across
    /// members.
    pub fn raw(&self) -> RawRecord {
        RawRecord {
            record_id: self.id.to_string(),
            ..self.raw.clone()
        }
    }

    /// Registration `id` as just written from the row `raw` of organisation `org_id` (code
    /// `org_code`), keeping the numbers of the registration it replaces, if any: what reading it
    /// back would give.
    pub(super) fn written(
        id: i64,
        org_id: i64,
        org_code: &str,
        raw: &RawRecord,
        order: Order,
        replaces: Option<&Stored>,
    ) -> Stored {
        Stored {
            id,
            org_id,
            date_order: order_code(order).to_owned(),
            person_id: replaces.map_or(0, |s| s.person_id),
            household_id: replaces.map_or(0, |s| s.household_id),
            raw: RawRecord {
                member_org: org_code.to_owned(),
                ..raw.clone()
            },
        }
    }

    pub(super) fn same_values(&self, raw: &RawRecord, order: Order) -> bool {
        raw_values(&self.raw) == raw_values(raw) && self.date_order == order_code(order)
    }
}

/// `SELECT` of stored registrations, one JSON object per row, to add `WHERE …` to and read with
/// [`read_stored`]. Through sqlx's Any driver a row of 24 columns took ~30 µs to decode (3 s
/// for 100,000 registrations, each import and each restart); one text column a fraction of that.
pub(super) fn stored_select(kind: db::Kind) -> String {
    let raw: Vec<String> = RAW_FIELDS.iter().map(|f| format!("'{f}', r.{f}")).collect();
    format!(
        "SELECT {} FROM registry_records r JOIN orgs o ON o.id = r.org_id",
        kind.json_object(&format!(
            "'id', r.id, 'org_id', r.org_id, 'date_order', r.date_order, 'person_id', r.person_id, \
             'household_id', r.household_id, 'record_id', r.member_key, 'member_org', o.code, {}",
            raw.join(", ")
        ))
    )
}

/// The rows of a [`stored_select`], on all cores.
pub(super) fn read_stored(rows: Vec<(String,)>) -> Result<Vec<Stored>> {
    use rayon::prelude::*;
    rows.par_iter()
        .map(|(json,)| serde_json::from_str::<Stored>(json))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Internal(anyhow::anyhow!("a stored registration is unreadable: {e}")))
}

/// The whole registry, in id order.
pub(super) async fn load_all(kind: db::Kind, tx: &mut Tx<'_>) -> Result<Vec<Stored>> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} ORDER BY r.id",
        stored_select(kind)
    )))
    .fetch_all(&mut **tx)
    .await?;
    read_stored(rows)
}

/// The registrations whose `column` (of `registry_records`: an id column, or `member_key`,
/// `household_ref` with `member` given) is one of `values`, of organisation `member` when given,
/// in id order, without repeats.
pub(super) async fn load_where<'v, T>(
    kind: db::Kind,
    tx: &mut Tx<'_>,
    member: Option<i64>,
    column: &str,
    values: &'v [T],
) -> Result<Vec<Stored>>
where
    T: sqlx::Encode<'v, sqlx::Any> + sqlx::Type<sqlx::Any> + Ord + Copy + Send + Sync + 'v,
{
    let rows: Vec<(String,)> = rows_where(tx, &stored_select(kind), member, column, values).await?;
    let mut stored = read_stored(rows)?;
    stored.sort_by_key(|s| s.id);
    stored.dedup_by_key(|s| s.id);
    Ok(stored)
}

/// The numbers (registration, person, household) of the registrations [`load_where`] would read,
/// without reading them: to know which a part lacks before reading those.
pub(super) async fn numbers_where<'v, T>(
    tx: &mut Tx<'_>,
    member: Option<i64>,
    column: &str,
    values: &'v [T],
) -> Result<Vec<(i64, i64, i64)>>
where
    T: sqlx::Encode<'v, sqlx::Any> + sqlx::Type<sqlx::Any> + Ord + Copy + Send + Sync + 'v,
{
    rows_where(
        tx,
        "SELECT r.id, r.person_id, r.household_id FROM registry_records r",
        member,
        column,
        values,
    )
    .await
}

/// The rows of `select` (over `registry_records r`) whose `column` is one of `values`, of
/// organisation `member` when given, read a few hundred values at a time.
async fn rows_where<'v, T, O>(
    tx: &mut Tx<'_>,
    select: &str,
    member: Option<i64>,
    column: &str,
    values: &'v [T],
) -> Result<Vec<O>>
where
    T: sqlx::Encode<'v, sqlx::Any> + sqlx::Type<sqlx::Any> + Ord + Copy + Send + Sync + 'v,
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut values = values.to_vec();
    values.sort_unstable();
    values.dedup();
    let (filter, before) = match member {
        Some(_) => (format!("r.org_id = {} AND ", db::params(tx, 0, 1)), 1),
        None => (String::new(), 0),
    };
    let mut rows: Vec<O> = Vec::new();
    for chunk in values.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "{select} WHERE {filter}r.{column} IN ({})",
            db::params(tx, before, chunk.len())
        );
        let mut q = sqlx::query_as::<_, O>(sqlx::AssertSqlSafe(sql));
        if let Some(org_id) = member {
            q = q.bind(org_id);
        }
        for v in chunk {
            q = q.bind(*v);
        }
        rows.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(rows)
}

/// The largest person and household numbers given so far (0 when none is). Asked as two
/// queries of one `MAX` each, which both databases answer from the column's index; SQLite reads
/// the whole table for two `MAX`es in one query.
pub(super) async fn largest_numbers(tx: &mut Tx<'_>) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(person_id), 0) FROM registry_records), \
         (SELECT COALESCE(MAX(household_id), 0) FROM registry_records)",
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// `record_id,person_id,household_id` for every registration (the member's own record key).
pub async fn export_rows(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT member_key, person_id, household_id FROM registry_records ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// A registration as its own member sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub org_id: i64,
    pub member_key: String,
    pub full_name: String,
    pub national_id: String,
    pub phone: String,
    pub date_of_birth: String,
    pub gender: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub address: String,
    pub household_ref: String,
    pub relation_to_head: String,
    pub other_id: String,
    /// How the member's list wrote dates (`dmy`, `mdy`), to read its birth date.
    pub date_order: String,
    pub person_id: i64,
    pub household_id: i64,
    /// How many other members registered the same person.
    pub elsewhere: i64,
}

/// `SELECT` of [`Registration`]s, to add `WHERE …` to.
pub(super) const REGISTRATION_SELECT: &str = "SELECT r.id, r.org_id, r.member_key, \
     CASE WHEN r.full_name <> '' THEN r.full_name ELSE TRIM(r.first_name || ' ' || r.father_name || ' ' || r.grandfather_name || ' ' || r.family_name) END AS full_name, \
     r.national_id, r.phone, r.date_of_birth, r.gender, r.governorate, r.district, r.village, r.address, r.household_ref, \
     r.relation_to_head, r.other_id, r.date_order, r.person_id, r.household_id, \
     (SELECT COUNT(DISTINCT o.org_id) FROM registry_records o WHERE o.person_id = r.person_id AND o.org_id <> r.org_id) AS elsewhere \
     FROM registry_records r";

/// Registration `id`, whoever registered it (callers decide who may see it).
pub(super) async fn registration_any(db: &Db, id: i64) -> Result<Registration> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REGISTRATION_SELECT} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)
}

/// The registrations with these ids, whoever registered them, in id order.
pub(super) async fn registrations_any(db: &Db, ids: &[i64]) -> Result<Vec<Registration>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "{REGISTRATION_SELECT} WHERE r.id IN ({}) ORDER BY r.id",
        db::placeholders(0, ids.len())
    );
    let mut query = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&db.pool).await?)
}
