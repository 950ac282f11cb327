//! "Is this person already registered?": one person's details checked against the whole registry
//! before a member registers them, answered from the linkage engine's online index held in
//! memory (no re-link, no scan of the table).
//!
//! The index is rebuilt from the registrations and the model of every re-link (import commit,
//! people's decisions), and after a restart from the stored registrations and the stored model
//! (`registry_model`), so a check never waits for a model to be estimated. Answers name no other
//! member and show none of their data: for each likely person, the actor's own record keys, how
//! many other members registered them, and which fields agree.

use super::linking;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use crate::users::Actor;
use link::model::Model;
use link::online::Index;
use link::record::{RawRecord, Record};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// The online index of each database this process opened (tests open several).
static INDEXES: LazyLock<Mutex<HashMap<u64, Arc<Index>>>> = LazyLock::new(Default::default);
/// One build at a time: concurrent first checks after a restart wait for the same build.
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Candidates below this probability are not shown.
const SHOW_FROM: f64 = 0.5;
/// At most this many persons per answer.
const MAX_PERSONS: usize = 5;

fn cached(db: &Db) -> Option<Arc<Index>> {
    INDEXES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&db.id)
        .cloned()
}

/// Stores the model of a re-link in its transaction (read back by [`index`] after a restart).
pub(super) async fn store_model(tx: &mut Tx<'_>, model: &Model) -> Result<()> {
    let json = serde_json::to_string(model).map_err(|e| Error::Internal(e.into()))?;
    sqlx::query(
        "INSERT INTO registry_model (id, parameters_json, updated_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET parameters_json = $1, updated_at = $2",
    )
    .bind(json)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the index with one of `records` (a re-link's, names counted) under `model`, once
/// the re-link is committed. Should the build fail, the old index is dropped and the next check
/// builds one from the database.
pub(super) async fn publish(db: &Db, records: Vec<Record>, model: Model) {
    let built = tokio::task::spawn_blocking(move || {
        Index::build(records, model, link::pipeline::Config::default().max_block)
    })
    .await;
    let mut indexes = INDEXES.lock().unwrap_or_else(|p| p.into_inner());
    match built {
        Ok(index) => {
            indexes.insert(db.id, Arc::new(index));
        }
        Err(e) => {
            tracing::warn!(error = %e, "online index build failed; the next check rebuilds it");
            indexes.remove(&db.id);
        }
    }
}

/// The index of `db`, built from the stored registrations and model if this process has none.
async fn index(db: &Db) -> Result<Arc<Index>> {
    if let Some(index) = cached(db) {
        return Ok(index);
    }
    let _building = BUILDING.lock().await;
    if let Some(index) = cached(db) {
        return Ok(index);
    }
    let mut tx = db.begin().await?;
    let stored = super::load_all(&mut tx).await?;
    let model: Option<(String,)> =
        sqlx::query_as("SELECT parameters_json FROM registry_model WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    tx.rollback().await?;
    let model = model.and_then(|(json,)| serde_json::from_str::<Model>(&json).ok());
    let Some(model) = model.filter(|_| !stored.is_empty()) else {
        // No model stored yet (an empty registry, or one imported before models were kept):
        // a re-link estimates and stores it, and publishes the index.
        super::relink(db, None).await?;
        return cached(db).ok_or(Error::Internal(anyhow::anyhow!("no index after re-link")));
    };
    let records = tokio::task::spawn_blocking(move || {
        let mut records: Vec<Record> = stored
            .iter()
            .map(|s| linking::Entry::stored(s).record)
            .collect();
        link::record::count_names(&mut records);
        records
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("index build failed: {e}")))?;
    let model = model.with_names(&records);
    publish(db, records, model).await;
    cached(db).ok_or(Error::Internal(anyhow::anyhow!("no index after build")))
}

/// The details a member has of a person it is about to register.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Probe {
    pub full_name: String,
    pub first_name: String,
    pub father_name: String,
    pub grandfather_name: String,
    pub family_name: String,
    pub national_id: String,
    /// Year-month-day, or day/month/year as Egyptian forms write it.
    pub date_of_birth: String,
    pub gender: String,
    pub phone: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
}

impl Probe {
    fn raw(&self) -> RawRecord {
        RawRecord {
            record_id: "probe".into(),
            member_org: "probe".into(),
            household_ref: "probe".into(),
            full_name: self.full_name.clone(),
            first_name: self.first_name.clone(),
            father_name: self.father_name.clone(),
            grandfather_name: self.grandfather_name.clone(),
            family_name: self.family_name.clone(),
            national_id: self.national_id.clone(),
            date_of_birth: self.date_of_birth.clone(),
            gender: self.gender.clone(),
            phone: self.phone.clone(),
            governorate: self.governorate.clone(),
            district: self.district.clone(),
            village: self.village.clone(),
            ..RawRecord::default()
        }
    }

    fn fields(&self) -> [(&'static str, &str); 12] {
        [
            ("full_name", &self.full_name),
            ("first_name", &self.first_name),
            ("father_name", &self.father_name),
            ("grandfather_name", &self.grandfather_name),
            ("family_name", &self.family_name),
            ("national_id", &self.national_id),
            ("date_of_birth", &self.date_of_birth),
            ("gender", &self.gender),
            ("phone", &self.phone),
            ("governorate", &self.governorate),
            ("district", &self.district),
            ("village", &self.village),
        ]
    }
}

/// How one field of the probe compares with the closest registration: the engine's field name,
/// its agreement level (0 missing, 1 same, higher further apart; see
/// `link::compare::LEVEL_NAMES`) and the weight it added (log2 odds; negative speaks against).
#[derive(Debug, Clone, Serialize)]
pub struct FieldAgreement {
    pub field: &'static str,
    pub level: u8,
    pub weight: f64,
}

/// A registry person the probe may be.
#[derive(Debug, Clone, Serialize)]
pub struct Likely {
    pub person_id: i64,
    pub probability: f64,
    /// The engine's explanation for the closest registration, in words (English) …
    pub explanation: String,
    /// … and field by field.
    pub fields: Vec<FieldAgreement>,
    /// The actor's own record keys for this person (empty for the secretariat).
    pub own_keys: Vec<String>,
    /// How many other members registered this person.
    pub other_members: i64,
}

/// What a check finds: the likely persons, most likely first, and whether the best of them is
/// above the registry's linking threshold.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Answer {
    pub registered: bool,
    pub candidates: Vec<Likely>,
}

/// Checks `probe` against the whole registry.
pub async fn check(db: &Db, actor: &Actor, probe: &Probe) -> Result<Answer> {
    for (field, value) in probe.fields() {
        if value.chars().count() > super::file::MAX_CELL_CHARS {
            return Err(Error::field(field, "err-too-long"));
        }
    }
    let has_name = [&probe.full_name, &probe.first_name, &probe.family_name]
        .iter()
        .any(|v| !v.trim().is_empty());
    if !has_name && probe.national_id.trim().is_empty() && probe.phone.trim().is_empty() {
        return Err(Error::field("full_name", "err-check-empty"));
    }
    let record = link::record::normalize(&probe.raw(), link::normalize::date::Order::DayFirst);
    let index = index(db).await?;
    let found = index.query(&record, SHOW_FROM);
    // Best candidate per registration id, in order of probability.
    let mut best: Vec<(i64, &link::online::Candidate)> = Vec::new();
    for c in found.iter().take(50) {
        if let Ok(id) = index.record(c.record).id.parse::<i64>() {
            best.push((id, c));
        }
    }
    if best.is_empty() {
        return Ok(Answer::default());
    }
    // Persons and members as they are now (a decision may have moved them since the index).
    let placeholders: Vec<String> = (1..=best.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT r.id, r.person_id, r.org_id, r.member_key FROM registry_records r \
         WHERE r.person_id IN (SELECT person_id FROM registry_records WHERE id IN ({}))",
        placeholders.join(", ")
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(sql));
    for (id, _) in &best {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(&db.pool).await?;
    let person_of: HashMap<i64, i64> = rows.iter().map(|r| (r.0, r.1)).collect();
    let mut answer = Answer::default();
    for (id, c) in best {
        let Some(&person_id) = person_of.get(&id) else {
            continue; // removed since the index was built
        };
        if answer.candidates.iter().any(|l| l.person_id == person_id) {
            continue;
        }
        let of_person = rows.iter().filter(|r| r.1 == person_id);
        let mut own_keys: Vec<String> = of_person
            .clone()
            .filter(|r| !actor.sees_all() && r.2 == actor.org_id)
            .map(|r| r.3.clone())
            .collect();
        own_keys.sort();
        let mut others: Vec<i64> = of_person
            .filter(|r| actor.sees_all() || r.2 != actor.org_id)
            .map(|r| r.2)
            .collect();
        others.sort_unstable();
        others.dedup();
        answer.candidates.push(Likely {
            person_id,
            probability: c.probability,
            explanation: c.explanation(),
            fields: link::compare::FIELDS
                .iter()
                .zip(c.levels.iter().zip(&c.weights))
                .filter(|(_, (level, _))| **level > 0)
                .map(|(field, (&level, &weight))| FieldAgreement {
                    field,
                    level,
                    weight,
                })
                .collect(),
            own_keys,
            other_members: others.len() as i64,
        });
        if answer.candidates.len() == MAX_PERSONS {
            break;
        }
    }
    let link_at = link::pipeline::Config::default().link_at;
    answer.registered = answer
        .candidates
        .first()
        .is_some_and(|c| c.probability >= link_at);
    Ok(answer)
}
