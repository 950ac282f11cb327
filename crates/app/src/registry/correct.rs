//! Correcting one registration from its page: the member that registered it changes what its
//! list got wrong (a name, an ID, a phone…); the values are checked as an import checks them,
//! the registry is re-linked so that the person and household follow, and the correction is
//! audited by the names of the fields it changed (never their values: personal data stays out
//! of the audit trail).

use super::import::{born_after, problem_key};
use super::store::{self, Stored, parse_order, read_stored, stored_select};
use super::{online, relink};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use link::record::{Problem, RawRecord};
use serde::{Deserialize, Serialize};

/// The fields a member may correct, as the form sends them (the member's record key, its
/// organisation and its registration date stay as they are).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Correction {
    pub full_name: String,
    pub national_id: String,
    pub other_id: String,
    pub date_of_birth: String,
    pub gender: String,
    pub phone: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub address: String,
    pub household_ref: String,
    pub relation_to_head: String,
    pub disability: String,
    pub monthly_income: String,
}

/// The form's field names, in its order (each also a `field-NAME` label).
pub const FIELDS: [&str; 14] = [
    "full_name",
    "national_id",
    "other_id",
    "date_of_birth",
    "gender",
    "phone",
    "governorate",
    "district",
    "village",
    "address",
    "household_ref",
    "relation_to_head",
    "disability",
    "monthly_income",
];

impl Correction {
    /// The form filled with registration `raw` as stored (a name typed in parts is shown whole).
    pub fn of(raw: &RawRecord) -> Self {
        Correction {
            full_name: store::display_name(raw),
            national_id: raw.national_id.clone(),
            other_id: raw.other_id.clone(),
            date_of_birth: raw.date_of_birth.clone(),
            gender: raw.gender.clone(),
            phone: raw.phone.clone(),
            governorate: raw.governorate.clone(),
            district: raw.district.clone(),
            village: raw.village.clone(),
            address: raw.address.clone(),
            household_ref: raw.household_ref.clone(),
            relation_to_head: raw.relation_to_head.clone(),
            disability: raw.disability.clone(),
            monthly_income: raw.monthly_income.clone(),
        }
    }

    fn values(&self) -> [&str; 14] {
        [
            &self.full_name,
            &self.national_id,
            &self.other_id,
            &self.date_of_birth,
            &self.gender,
            &self.phone,
            &self.governorate,
            &self.district,
            &self.village,
            &self.address,
            &self.household_ref,
            &self.relation_to_head,
            &self.disability,
            &self.monthly_income,
        ]
    }

    /// `raw` with these values (trimmed); the name is kept whole, its parts emptied.
    fn applied_to(&self, raw: &RawRecord) -> RawRecord {
        let t = |s: &str| s.trim().to_owned();
        RawRecord {
            full_name: t(&self.full_name),
            first_name: String::new(),
            father_name: String::new(),
            grandfather_name: String::new(),
            family_name: String::new(),
            national_id: t(&self.national_id),
            other_id: t(&self.other_id),
            date_of_birth: t(&self.date_of_birth),
            gender: t(&self.gender),
            phone: t(&self.phone),
            governorate: t(&self.governorate),
            district: t(&self.district),
            village: t(&self.village),
            address: t(&self.address),
            household_ref: t(&self.household_ref),
            relation_to_head: t(&self.relation_to_head),
            disability: t(&self.disability),
            monthly_income: t(&self.monthly_income),
            ..raw.clone()
        }
    }
}

/// The field a problem of a row is about.
fn field_of(p: Problem) -> &'static str {
    match p {
        Problem::NoName => "full_name",
        Problem::IdDamagedByExcel | Problem::IdMalformed | Problem::IdInconsistent => "national_id",
        Problem::DateUnreadable => "date_of_birth",
        Problem::PhoneUnreadable => "phone",
        Problem::GovernorateUnknown => "governorate",
        Problem::GenderUnreadable => "gender",
    }
}

/// Registration `id` as stored, when it is the actor's member's own (another's does not exist).
pub async fn own_stored(db: &Db, actor: &Actor, id: i64) -> Result<Stored> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE r.id = $1",
        stored_select(db.kind)
    )))
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    read_stored(rows)?
        .pop()
        .filter(|s| s.org_id == actor.org_id && !actor.sees_all())
        .ok_or(Error::NotFound)
}

/// Corrects registration `id` with `c`: the fields it changes are checked (a problem in a field
/// left as it was is not the clerk's to fix now), written, the registry re-linked, and the
/// correction audited by field names. Gives back the names of the fields changed (none: nothing
/// was written).
pub async fn correct(db: &Db, actor: &Actor, id: i64, c: &Correction) -> Result<Vec<&'static str>> {
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if c.values().iter().any(|v| v.contains('\0')) {
        return Err(Error::BadRequest("err-bad-request"));
    }
    let mut errors = FieldErrors::default();
    for (name, value) in FIELDS.iter().zip(c.values()) {
        if value.chars().count() > 300 {
            errors.add(name, "err-too-long");
        }
    }
    let old = own_stored(db, actor, id).await?;
    let before = Correction::of(&old.raw);
    let changed: Vec<&'static str> = FIELDS
        .iter()
        .zip(before.values().iter().zip(c.values()))
        .filter(|(_, (a, b))| a.trim() != b.trim())
        .map(|(name, _)| *name)
        .collect();
    let order = parse_order(&old.date_order);
    let raw = c.applied_to(&old.raw);
    for p in link::record::normalize(&raw, order).problems {
        let field = field_of(p);
        if changed.contains(&field) || p == Problem::NoName {
            errors.add(field, problem_key(p));
        }
    }
    if changed.contains(&"date_of_birth")
        && born_after(&raw, order, time::OffsetDateTime::now_utc().date())
    {
        errors.add("date_of_birth", "problem-date-future");
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if changed.is_empty() {
        return Ok(changed);
    }
    let _guard = store::WRITE_LOCK.lock().await;
    let mut tx = db.begin().await?;
    // The import that last wrote the row stays its import.
    let (import_id,): (Option<i64>,) =
        sqlx::query_as("SELECT import_id FROM registry_records WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let now = db::now();
    store::update(
        &mut tx,
        id,
        &raw,
        &store::Written {
            import_id,
            order,
            now: &now,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "correct",
        "registry_record",
        Some(id),
        None,
        Some(serde_json::json!({ "fields": changed })),
    )
    .await?;
    let stored = store::load_all(db.kind, &mut tx).await?;
    let quiet = crate::jobs::progress::Progress::default();
    let (_, _, snapshot) = relink::relink_loaded(&mut tx, Some(actor), stored, &quiet).await?;
    tx.commit().await?;
    online::publish(db, snapshot).await;
    Ok(changed)
}
