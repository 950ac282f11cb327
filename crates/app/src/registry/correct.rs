//! Correcting one registration from its page: the member that registered it changes what its
//! list got wrong (a name, an ID, a phone…); the values are checked as an import checks them,
//! the registry is re-linked so that the person and household follow, and the correction is
//! audited by the names of the fields it changed (never their values: personal data stays out
//! of the audit trail).

use super::import::{born_after, problem_key};
use super::store::{self, Stored, parse_order, read_stored, stored_select};
use super::{incremental, keys, online, relink};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use link::record::{Problem, RawRecord};
use serde::{Deserialize, Serialize};

/// The fields a member may correct, as the form sends them (the member's record key, its
/// organisation and its registration date stay as they are). A field not sent keeps its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Correction {
    pub full_name: Option<String>,
    pub national_id: Option<String>,
    pub other_id: Option<String>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub governorate: Option<String>,
    pub district: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
    pub household_ref: Option<String>,
    pub relation_to_head: Option<String>,
    pub disability: Option<String>,
    pub monthly_income: Option<String>,
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
            full_name: Some(store::display_name(raw)),
            national_id: Some(raw.national_id.clone()),
            other_id: Some(raw.other_id.clone()),
            date_of_birth: Some(raw.date_of_birth.clone()),
            gender: Some(raw.gender.clone()),
            phone: Some(raw.phone.clone()),
            governorate: Some(raw.governorate.clone()),
            district: Some(raw.district.clone()),
            village: Some(raw.village.clone()),
            address: Some(raw.address.clone()),
            household_ref: Some(raw.household_ref.clone()),
            relation_to_head: Some(raw.relation_to_head.clone()),
            disability: Some(raw.disability.clone()),
            monthly_income: Some(raw.monthly_income.clone()),
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
        .map(|v| v.as_deref().unwrap_or(""))
    }

    /// These values over `before` (the registration as stored): a field not sent keeps its value.
    fn over(&self, before: &Correction) -> Correction {
        let pick = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        Correction {
            full_name: pick(&self.full_name, &before.full_name),
            national_id: pick(&self.national_id, &before.national_id),
            other_id: pick(&self.other_id, &before.other_id),
            date_of_birth: pick(&self.date_of_birth, &before.date_of_birth),
            gender: pick(&self.gender, &before.gender),
            phone: pick(&self.phone, &before.phone),
            governorate: pick(&self.governorate, &before.governorate),
            district: pick(&self.district, &before.district),
            village: pick(&self.village, &before.village),
            address: pick(&self.address, &before.address),
            household_ref: pick(&self.household_ref, &before.household_ref),
            relation_to_head: pick(&self.relation_to_head, &before.relation_to_head),
            disability: pick(&self.disability, &before.disability),
            monthly_income: pick(&self.monthly_income, &before.monthly_income),
        }
    }

    /// `raw` with these values (trimmed); the name is kept whole, its parts emptied.
    fn applied_to(&self, raw: &RawRecord) -> RawRecord {
        let [
            full_name,
            national_id,
            other_id,
            date_of_birth,
            gender,
            phone,
            governorate,
            district,
            village,
            address,
            household_ref,
            relation_to_head,
            disability,
            monthly_income,
        ] = self.values().map(|v| v.trim().to_owned());
        RawRecord {
            full_name,
            first_name: String::new(),
            father_name: String::new(),
            grandfather_name: String::new(),
            family_name: String::new(),
            national_id,
            other_id,
            date_of_birth,
            gender,
            phone,
            governorate,
            district,
            village,
            address,
            household_ref,
            relation_to_head,
            disability,
            monthly_income,
            ..raw.clone()
        }
    }
}

/// An income as a clerk writes it: digits (either style) with thousands separators, a decimal
/// point and the currency (`1,500`, `١٥٠٠ جنيه`, `2500 EGP`), or nothing.
fn is_income(cell: &str) -> bool {
    let folded = link::normalize::arabic::western_digits(cell.trim()).to_lowercase();
    let number = ["جنيه", "جنيها", "ج.م", "ج", "egp", "le", "l.e."]
        .iter()
        .fold(folded.as_str(), |s, unit| s.strip_suffix(unit).unwrap_or(s))
        .trim();
    number.is_empty()
        || (number.starts_with(|c: char| c.is_ascii_digit())
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '٬' | '٫' | ' ')))
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
    let c = &c.over(&before);
    let changed: Vec<&'static str> = FIELDS
        .iter()
        .zip(before.values().iter().zip(c.values()))
        .filter(|(_, (a, b))| a.trim() != b.trim())
        .map(|(name, _)| *name)
        .collect();
    let order = parse_order(&old.date_order);
    let raw = c.applied_to(&old.raw);
    for p in link::record::normalize(&raw, order).problems {
        // An ID that disagrees with the birth date or gender is the clerk's to fix when any of
        // the three changed; said on the ones that did.
        let fields: &[&'static str] = if p == Problem::IdInconsistent {
            &["national_id", "date_of_birth", "gender"]
        } else {
            &[field_of(p)]
        };
        for field in fields {
            if changed.contains(field) || p == Problem::NoName {
                errors.add(field, problem_key(p));
            }
        }
    }
    if changed.contains(&"monthly_income") && !is_income(&raw.monthly_income) {
        errors.add("monthly_income", "err-income");
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
    let record = link::record::normalize(&raw, order);
    store::update(
        &mut tx,
        id,
        &raw,
        &record,
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
    let model = incremental::StoredModel::read(&mut tx).await?;
    if model.keys_current() {
        keys::write(&mut tx, &[(id, &record)]).await?;
    }
    let quiet = crate::jobs::progress::Progress::default();
    let snapshot = match incremental::model_if_current(&mut tx, &model, 0).await? {
        Some(model) => {
            let row = store::load_where(db.kind, &mut tx, None, "id", &[id]).await?;
            incremental::link(db.kind, &mut tx, Some(actor), row, &model, &quiet).await?;
            None
        }
        None => {
            let stored = store::load_all(db.kind, &mut tx).await?;
            let (_, _, snapshot) =
                relink::relink_loaded(&mut tx, Some(actor), stored, &quiet).await?;
            Some(snapshot)
        }
    };
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    match snapshot {
        Some(snapshot) => online::publish(db, snapshot).await,
        None => online::rebuild_soon(db),
    }
    Ok(changed)
}
