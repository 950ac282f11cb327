//! A registration as the registry keeps it: the row as the member typed it, its search keys
//! and the person and household it belongs to — read whole for linking ([`load_all`]), read one
//! by one for pages ([`Registration`]), and written by imports ([`insert`], [`update`]). The
//! registry's SQL over `registry_records` is here.

use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use link::normalize::date::Order;
use link::record::RawRecord;
use serde::Serialize;

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

/// Replaces the values of registration `id` with the row `raw`.
pub(super) async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    raw: &RawRecord,
    w: &Written<'_>,
) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(update_sql()));
    for v in raw_values(raw) {
        q = q.bind(v);
    }
    let (name_key, nid_key, phone_key) = search_keys(raw, w.order);
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

/// Adds the row `raw` as a registration of organisation `org_id` (under `raw.record_id`, the
/// member's own key) and gives its id.
pub(super) async fn insert(
    tx: &mut Tx<'_>,
    org_id: i64,
    raw: &RawRecord,
    w: &Written<'_>,
) -> Result<i64> {
    let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(insert_sql()))
        .bind(org_id)
        .bind(&raw.record_id);
    for v in raw_values(raw) {
        q = q.bind(v);
    }
    let (name_key, nid_key, phone_key) = search_keys(raw, w.order);
    let (id,) = q
        .bind(order_code(w.order))
        .bind(w.import_id)
        .bind(w.now)
        .bind(name_key)
        .bind(nid_key)
        .bind(phone_key)
        .fetch_one(&mut **tx)
        .await?;
    Ok(id)
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

/// `INSERT` of a registration: org, member key, the raw columns, then date order, import, time
/// (created and updated) and the three search keys.
fn insert_sql() -> String {
    let n = RAW_FIELDS.len();
    let values: Vec<String> = (1..=n + 2).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO registry_records (org_id, member_key, {}, date_order, import_id, created_at, updated_at, \
         name_key, nid_key, phone_key) VALUES ({}, ${}, ${}, ${t}, ${t}, ${}, ${}, ${}) RETURNING id",
        RAW_FIELDS.join(", "),
        values.join(", "),
        n + 3,
        n + 4,
        n + 6,
        n + 7,
        n + 8,
        t = n + 5,
    )
}

/// Search keys of a row: name skeletons between spaces, ID digits, canonical mobile.
fn search_keys(raw: &RawRecord, order: Order) -> (String, String, String) {
    let r = link::record::normalize(raw, order);
    (
        format!(" {} ", r.skeletons.join(" ")),
        r.id_digits().unwrap_or_default().to_owned(),
        r.phone.unwrap_or_default(),
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

/// The registrations whose `column` (an id column of `registry_records`) is one of `values`, in
/// id order, read a few hundred values at a time.
pub(super) async fn load_where(
    kind: db::Kind,
    tx: &mut Tx<'_>,
    column: &str,
    values: &[i64],
) -> Result<Vec<Stored>> {
    let mut values = values.to_vec();
    values.sort_unstable();
    values.dedup();
    let mut rows: Vec<(String,)> = Vec::new();
    for chunk in values.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "{} WHERE r.{column} IN ({})",
            stored_select(kind),
            db::placeholders(0, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql));
        for v in chunk {
            q = q.bind(*v);
        }
        rows.extend(q.fetch_all(&mut **tx).await?);
    }
    let mut stored = read_stored(rows)?;
    stored.sort_by_key(|s| s.id);
    Ok(stored)
}

/// A member's registrations whose `column` (`member_key`, `household_ref`) is one of `values`.
pub(super) async fn load_member(
    kind: db::Kind,
    tx: &mut Tx<'_>,
    org_id: i64,
    column: &str,
    values: &[&str],
) -> Result<Vec<Stored>> {
    let mut rows: Vec<(String,)> = Vec::new();
    for chunk in values.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "{} WHERE r.org_id = $1 AND r.{column} IN ({})",
            stored_select(kind),
            db::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql)).bind(org_id);
        for k in chunk {
            q = q.bind(*k);
        }
        rows.extend(q.fetch_all(&mut **tx).await?);
    }
    read_stored(rows)
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
