//! "Is this person already registered?": one person's details checked against the whole registry
//! before a member registers them, answered from the linkage engine's online index held in
//! memory with each registration's member, key and person (no re-link, no database query).
//!
//! Every re-link (import commit, people's decisions) publishes a new snapshot of the registry
//! to this process and stores its model and a version in `registry_model`. Another process (a
//! second server, `mizalla import` run beside the server) changes the version: a server looks
//! at it at most once a second and rebuilds its snapshot from the stored registrations and the
//! stored model, so a check never waits for a model to be estimated. Answers name no other
//! member and show none of their data: for each likely person, the actor's own record keys, how
//! many other members registered them, and how each field compares.

use super::linking;
use super::store::{self, Stored};
use crate::access::Actor;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use link::model::Model;
use link::online::Index;
use link::record::{RawRecord, Record};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Candidates below this probability are not shown.
const SHOW_FROM: f64 = 0.5;
/// At most this many persons per answer.
const MAX_PERSONS: usize = 5;

/// The likelihood of a candidate found by its name alone: the lowest one shown.
const NAME_ONLY: f64 = SHOW_FROM;
/// ... and of one whose name and another detail (a birth date, a phone) agree, nothing
/// disagreeing: a likely match to look at.
const NAME_AND_MORE: f64 = 0.8;

/// The least likelihood a candidate found by its name is shown with: [`NAME_ONLY`] when only
/// names were compared, [`NAME_AND_MORE`] when another field is the same too; none (0) when any
/// field differs (the engine's own probability stands). Agreement is read from the levels, not
/// from the weights: on a small registry the engine, which weighs how rare a coincidence is,
/// may weigh "the same name in another spelling" below nothing, and leave a name and birth date
/// below what is shown at all, so that adding a detail would hide the person a name had found.
fn name_floor(evidence: &[link::model::Evidence]) -> f64 {
    let is_name = |f: &str| matches!(f, "first_name" | "father_name" | "later_names");
    let differs = |e: &link::model::Evidence| {
        matches!(e.level_name(), "different" | "none agree" | "some agree")
    };
    let same = |e: &link::model::Evidence| {
        matches!(
            e.level_name(),
            "same" | "same spelling family" | "all agree" | "most agree" | "same date"
        )
    };
    if evidence.iter().any(differs) || !evidence.iter().any(|e| is_name(e.field)) {
        return 0.0;
    }
    if evidence.iter().any(|e| !is_name(e.field) && same(e)) {
        NAME_AND_MORE
    } else {
        NAME_ONLY
    }
}

/// Registrations carrying a probe's name that are scored beside the engine's blocks, at most.
const NAMED_AT_MOST: usize = 500;
/// How often a server looks whether another process re-linked the registry.
const FRESHNESS: Duration = Duration::from_secs(1);

/// One registration as a check needs it.
struct Registration {
    id: i64,
    org_id: i64,
    member_key: String,
    person_id: i64,
}

/// The registry as a re-link left it: the index, and per index position the registration.
pub struct Snapshot {
    version: String,
    records: Vec<Record>,
    model: Model,
    registrations: Vec<Registration>,
}

impl Snapshot {
    /// `stored` and `persons` in the order of `records` (a re-link's, names counted).
    pub(super) fn of(
        stored: &[Stored],
        persons: &[i64],
        records: Vec<Record>,
        model: Model,
    ) -> Snapshot {
        Snapshot {
            version: crate::users::random_token(),
            records,
            model,
            registrations: stored
                .iter()
                .zip(persons)
                .map(|(s, &person_id)| Registration {
                    id: s.id,
                    org_id: s.org_id,
                    member_key: s.member_key().to_owned(),
                    person_id,
                })
                .collect(),
        }
    }

    /// Stores the model and version in the re-link's transaction, with the size of the registry
    /// the model was estimated on and the revision of the keys its index holds.
    pub(super) async fn store(&self, tx: &mut Tx<'_>) -> Result<()> {
        let json = serde_json::to_string(&self.model).map_err(|e| Error::Internal(e.into()))?;
        sqlx::query(
            "INSERT INTO registry_model (id, parameters_json, version, updated_at, keys_revision, estimated_on) \
             VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET parameters_json = $1, version = $2, \
             updated_at = $3, keys_revision = $4, estimated_on = $5",
        )
        .bind(json)
        .bind(&self.version)
        .bind(db::now())
        .bind(super::keys::revision())
        .bind(self.records.len() as i64)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// Marks the registry changed by a linkage of a part of it (an import linked incrementally): the
/// model stays, the version changes, so that every server's snapshot is built again from the
/// database ([`rebuild_soon`]).
pub(super) async fn changed(tx: &mut Tx<'_>) -> Result<()> {
    sqlx::query("UPDATE registry_model SET version = $1, updated_at = $2 WHERE id = 1")
        .bind(crate::users::random_token())
        .bind(db::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// After [`changed`] is committed: this process builds its snapshot again in the background if
/// it holds one, so that the next check does not wait long for it; the snapshot held is marked
/// stale, so that a check meanwhile waits for the build and never answers from the registry as
/// it was.
pub(super) fn rebuild_soon(db: &Db) {
    if let Some(r) = cached(db) {
        r.stale.store(true, std::sync::atomic::Ordering::Release);
        tokio::spawn(warm(db.clone()));
    }
}

/// A published snapshot, indexed.
struct Registry {
    version: String,
    index: Index,
    registrations: Vec<Registration>,
    /// Index positions of each person's registrations.
    by_person: HashMap<i64, Vec<u32>>,
    /// Index positions (ascending) of the registrations carrying each name skeleton, for name
    /// search.
    by_name: HashMap<String, Vec<u32>>,
    /// The same by the skeletons' consonants (`link::normalize::consonants`), for the names a
    /// check is given.
    by_consonants: HashMap<String, Vec<u32>>,
    /// When the version was last compared with the database's.
    checked: Mutex<Instant>,
    /// This process changed the registry since (see [`rebuild_soon`]): never answered from.
    stale: std::sync::atomic::AtomicBool,
}

/// The registry of each database this process opened (tests open several).
static REGISTRIES: LazyLock<Mutex<HashMap<u64, Arc<Registry>>>> = LazyLock::new(Default::default);
/// One build at a time: concurrent first checks after a restart wait for the same build.
static BUILDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cached(db: &Db) -> Option<Arc<Registry>> {
    REGISTRIES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&db.id)
        .cloned()
}

/// Makes `snapshot` (committed) the registry that checks answer from. Should indexing fail, the
/// old one is dropped and the next check builds one from the database.
pub(super) async fn publish(db: &Db, snapshot: Snapshot) {
    let built = tokio::task::spawn_blocking(move || {
        let mut by_person: HashMap<i64, Vec<u32>> = HashMap::new();
        for (i, r) in snapshot.registrations.iter().enumerate() {
            by_person.entry(r.person_id).or_default().push(i as u32);
        }
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_consonants: HashMap<String, Vec<u32>> = HashMap::new();
        let post = |index: &mut HashMap<String, Vec<u32>>, key: String, i: usize| {
            let postings = index.entry(key).or_default();
            if postings.last() != Some(&(i as u32)) {
                postings.push(i as u32);
            }
        };
        for (i, r) in snapshot.records.iter().enumerate() {
            for key in &r.skeletons {
                post(&mut by_name, key.clone(), i);
                post(&mut by_consonants, link::normalize::consonants(key), i);
            }
        }
        Registry {
            version: snapshot.version,
            index: Index::build(
                snapshot.records,
                snapshot.model,
                link::pipeline::Config::default().max_block,
            ),
            registrations: snapshot.registrations,
            by_person,
            by_name,
            by_consonants,
            checked: Mutex::new(Instant::now()),
            stale: Default::default(),
        }
    })
    .await;
    let mut registries = REGISTRIES.lock().unwrap_or_else(|p| p.into_inner());
    match built {
        Ok(registry) => {
            registries.insert(db.id, Arc::new(registry));
        }
        Err(e) => {
            tracing::warn!(error = %e, "online index build failed; the next check rebuilds it");
            registries.remove(&db.id);
        }
    }
}

async fn stored_version(db: &Db) -> Result<Option<String>> {
    Ok(
        sqlx::query_as::<_, (String,)>("SELECT version FROM registry_model WHERE id = 1")
            .fetch_optional(&db.pool)
            .await?
            .map(|(v,)| v),
    )
}

/// The registry of `db` for checks: this process's snapshot while it is current, else one built
/// from the stored registrations and model.
async fn registry(db: &Db) -> Result<Arc<Registry>> {
    if let Some(r) = cached(db)
        && !r.stale.load(std::sync::atomic::Ordering::Acquire)
    {
        let due = {
            let mut checked = r.checked.lock().unwrap_or_else(|p| p.into_inner());
            let due = checked.elapsed() >= FRESHNESS;
            if due {
                *checked = Instant::now();
            }
            due
        };
        if !due {
            return Ok(r);
        }
        if stored_version(db).await?.is_some_and(|v| v == r.version) {
            return Ok(r);
        }
    }
    let _building = BUILDING.lock().await;
    // The version and the model come from one row (one re-link); the registrations are read
    // next, in the same transaction.
    let mut tx = db.begin_read().await?;
    let stored_model: Option<(String, String)> =
        sqlx::query_as("SELECT version, parameters_json FROM registry_model WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(r) = cached(db)
        && stored_model.as_ref().is_some_and(|(v, _)| *v == r.version)
    {
        return Ok(r);
    }
    let Some((version, model)) = stored_model.and_then(|(version, json)| {
        let model = serde_json::from_str::<Model>(&json).ok()?;
        model.fits_fields().then_some((version, model))
    }) else {
        tx.rollback().await?;
        // No model stored yet (an empty registry, or one imported before models were kept), or
        // one an earlier engine estimated for fewer fields: a re-link estimates and stores it,
        // and publishes the registry.
        super::relink::relink(db, None).await?;
        return cached(db).ok_or(Error::Internal(anyhow::anyhow!(
            "no registry after re-link"
        )));
    };
    let stored = store::load_all(db.kind, &mut tx).await?;
    tx.rollback().await?;
    let snapshot = tokio::task::spawn_blocking(move || {
        let mut records: Vec<Record> = linking::entries(&stored)
            .into_iter()
            .map(|e| e.record)
            .collect();
        link::record::count_names(&mut records);
        let persons: Vec<i64> = stored.iter().map(|s| s.person_id).collect();
        let model = model.with_names(&records);
        let mut snapshot = Snapshot::of(&stored, &persons, records, model);
        snapshot.version = version;
        snapshot
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("index build failed: {e}")))?;
    publish(db, snapshot).await;
    cached(db).ok_or(Error::Internal(anyhow::anyhow!("no registry after build")))
}

/// The registrations whose names carry every skeleton in `keys` (a name searched in any
/// spelling, see `link::record::Record::skeletons`), as (registration id, organisation), in id
/// order.
pub async fn by_name(db: &Db, keys: &[String]) -> Result<Vec<(i64, i64)>> {
    let registry = registry(db).await?;
    Ok(named(&registry, keys)
        .into_iter()
        .map(|i| {
            let r = &registry.registrations[i as usize];
            (r.id, r.org_id)
        })
        .collect())
}

/// The positions of the registrations whose name carries every one of `keys` (skeletons).
fn named(registry: &Registry, keys: &[String]) -> Vec<u32> {
    if keys.is_empty() {
        return vec![];
    }
    let mut lists: Vec<&Vec<u32>> = Vec::with_capacity(keys.len());
    for k in keys {
        match registry.by_name.get(k) {
            Some(postings) => lists.push(postings),
            None => return vec![],
        }
    }
    lists.sort_by_key(|l| l.len());
    lists[0]
        .iter()
        .filter(|i| lists[1..].iter().all(|l| l.binary_search(i).is_ok()))
        .copied()
        .collect()
}

/// The positions of the registrations whose name carries at least two of the parts whose
/// skeletons are `skeletons` (by their consonants, so that a transliteration meets its Arabic
/// spelling), or both when there are two, those carrying the most first: a name as a clerk has
/// it at the door, a part misspelt, left out or added (issue 17). Two parts so common that each
/// is carried by more than [`NAME_PAIR_AT_MOST`] registrations are not looked up together (محمد
/// احمد): the engine's blocks bring such names together with a third part.
fn named_partly(registry: &Registry, skeletons: &[String]) -> Vec<u32> {
    // The first parts of a name say who it is; a "name" of hundreds of parts (a hostile probe)
    // would otherwise cost a look-up for every pair of them.
    let mut keys: Vec<String> = skeletons
        .iter()
        .take(NAME_PARTS_AT_MOST)
        .map(|s| link::normalize::consonants(s))
        .collect();
    keys.sort();
    keys.dedup();
    let lists: Vec<&Vec<u32>> = keys
        .iter()
        .filter_map(|k| registry.by_consonants.get(k))
        .collect();
    let mut shared: HashMap<u32, u32> = HashMap::new();
    for (x, a) in lists.iter().enumerate() {
        for b in &lists[x + 1..] {
            let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            if small.len() > NAME_PAIR_AT_MOST {
                continue;
            }
            for i in small.iter() {
                if big.binary_search(i).is_ok() {
                    *shared.entry(*i).or_default() += 1;
                }
            }
        }
    }
    let mut positions: Vec<(u32, u32)> = shared.into_iter().collect();
    positions.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    positions.into_iter().map(|(i, _)| i).collect()
}

/// See [`named_partly`].
const NAME_PAIR_AT_MOST: usize = 20_000;
/// The name parts [`named_partly`] looks up, at most (the longest names members write have six).
const NAME_PARTS_AT_MOST: usize = 6;

/// Builds the registry for checks ahead of the first one (a server calls this as it starts: at a
/// million registrations the build takes tens of seconds).
pub async fn warm(db: Db) {
    let started = Instant::now();
    match registry(&db).await {
        Ok(r) => tracing::info!(
            registrations = r.registrations.len(),
            seconds = started.elapsed().as_secs_f64(),
            "registry ready for \"already registered?\" checks"
        ),
        Err(e) => tracing::warn!(error = %e, "registry index not built; the first check builds it"),
    }
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
    /// Another identity number (refugee registration, passport…).
    pub other_id: String,
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
            other_id: self.other_id.clone(),
            date_of_birth: self.date_of_birth.clone(),
            gender: self.gender.clone(),
            phone: self.phone.clone(),
            governorate: self.governorate.clone(),
            district: self.district.clone(),
            village: self.village.clone(),
            ..RawRecord::default()
        }
    }

    fn fields(&self) -> [(&'static str, &str); 13] {
        [
            ("full_name", &self.full_name),
            ("first_name", &self.first_name),
            ("father_name", &self.father_name),
            ("grandfather_name", &self.grandfather_name),
            ("family_name", &self.family_name),
            ("national_id", &self.national_id),
            ("other_id", &self.other_id),
            ("date_of_birth", &self.date_of_birth),
            ("gender", &self.gender),
            ("phone", &self.phone),
            ("governorate", &self.governorate),
            ("district", &self.district),
            ("village", &self.village),
        ]
    }
}

/// A registry person the probe may be.
///
/// For a person the actor's member did not register, only what the privacy model allows is
/// said: a likelihood in steps ([`likelihood_step`]) and how many other members registered them —
/// no registry number, no field-by-field comparison, which would confirm a guessed phone, birth
/// date or village of another member's beneficiary (issue 12, 13).
#[derive(Debug, Clone, Serialize)]
pub struct Likely {
    #[serde(skip)]
    person: i64,
    #[serde(skip)]
    exact: f64,
    /// Whether something besides the name and place agrees (see [`identified`]).
    #[serde(skip)]
    identified: bool,
    /// The registry's person number: for the secretariat, and for persons the member registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    pub probability: f64,
    /// The comparison with the closest registration in words, in the reader's language (see
    /// [`Answer::word`]) …
    pub explanation: String,
    /// … and field by field (empty for another member's registrations).
    pub fields: Vec<super::explain::FieldAgreement>,
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
    /// What is wrong with the details given (message keys: a malformed ID, an unreadable date…);
    /// the check still uses the rest.
    pub problems: Vec<&'static str>,
}

impl Answer {
    /// Words each candidate's comparison in `locale`.
    pub fn word(mut self, locale: crate::i18n::Locale) -> Self {
        for c in &mut self.candidates {
            c.explanation = super::explain::sentence(locale, &c.fields);
        }
        self
    }
}

/// A probability as told about another member's registration: the step below it (0.5, 0.8,
/// 0.95, 0.99), so that changing one detail of a probe does not show whether that detail agreed.
pub fn likelihood_step(p: f64) -> f64 {
    [0.99, 0.95, 0.8, 0.5]
        .into_iter()
        .find(|step| p >= *step)
        .unwrap_or(0.0)
}

/// Each user's checks in the current minute (by database and user): when the minute began, and
/// how many.
type CheckCounts = std::sync::Mutex<HashMap<(u64, i64), (std::time::Instant, u32)>>;
static CHECKS: std::sync::LazyLock<CheckCounts> = std::sync::LazyLock::new(Default::default);

/// Counts one check of `actor`'s, refusing it past `limit` a minute (0: no limit); the first
/// refusal of a minute is logged (the user, never the details checked).
fn count_check(db: &Db, actor: &Actor, limit: u32) -> Result<()> {
    if limit == 0 {
        return Ok(());
    }
    let mut checks = CHECKS.lock().unwrap_or_else(|p| p.into_inner());
    if checks.len() > 100_000 {
        checks.retain(|_, (start, _)| start.elapsed().as_secs() < 60);
    }
    let (start, count) = checks
        .entry((db.id, actor.user_id))
        .or_insert((std::time::Instant::now(), 0));
    if start.elapsed().as_secs() >= 60 {
        *start = std::time::Instant::now();
        *count = 0;
    }
    *count += 1;
    if *count > limit {
        if *count == limit + 1 {
            tracing::warn!(
                user = actor.user_id,
                limit,
                "registry checks over the limit for this minute"
            );
        }
        return Err(Error::TooManyRequests);
    }
    Ok(())
}

/// Checks `probe` against the whole registry, at most `per_minute` times a minute per user.
pub async fn check(db: &Db, actor: &Actor, probe: &Probe, per_minute: u32) -> Result<Answer> {
    // A check reads other members' registrations: a suspended member reads only its own data.
    if !actor.active_member() {
        return Err(Error::Forbidden);
    }
    count_check(db, actor, per_minute)?;
    for (field, value) in probe.fields() {
        if value.chars().count() > crate::table::MAX_CELL_CHARS {
            return Err(Error::field(field, "err-too-long"));
        }
    }
    let has_name = [&probe.full_name, &probe.first_name, &probe.family_name]
        .iter()
        .any(|v| !v.trim().is_empty());
    if !has_name
        && [&probe.national_id, &probe.other_id, &probe.phone]
            .iter()
            .all(|v| v.trim().is_empty())
    {
        return Err(Error::field("full_name", "err-check-empty"));
    }
    let record = link::record::normalize(&probe.raw(), link::normalize::date::Order::DayFirst);
    let registry = registry(db).await?;
    let mut answer = Answer {
        problems: record
            .problems
            .iter()
            .filter(|p| **p != link::record::Problem::NoName)
            .map(|p| super::import::problem_key(*p))
            .collect(),
        ..Answer::default()
    };
    // Every candidate the engine's blocks bring, however unlikely it scores: with a name alone
    // — in either script, what a clerk often has at first — the engine may weigh the right
    // person low, and the name floor below shows them. The registrations whose names carry two
    // parts of it are scored too (a name alone may meet no block: issue 13, 7; issue 17).
    let mut found = registry.index.query(&record, 0.0);
    if record.skeletons.len() >= 2 {
        let blocked: std::collections::HashSet<u32> = found.iter().map(|c| c.record).collect();
        let extra: Vec<u32> = named_partly(&registry, &record.skeletons)
            .into_iter()
            .filter(|i| !blocked.contains(i))
            .take(NAMED_AT_MOST)
            .collect();
        found.extend(registry.index.score(&record, &extra, 0.0));
    }
    // The engine's order first, so that among candidates shown at one floor the likelier leads.
    found.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    for c in &mut found {
        c.probability = c.probability.max(name_floor(&c.evidence()));
    }
    found.retain(|c| c.probability >= SHOW_FROM);
    found.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    for c in found {
        let (position, probability) = (c.record, c.probability);
        let person_id = registry.registrations[position as usize].person_id;
        if answer.candidates.iter().any(|l| l.person == person_id) {
            continue;
        }
        let of_person = registry.by_person[&person_id]
            .iter()
            .map(|&i| &registry.registrations[i as usize]);
        let mut own_keys: Vec<String> = of_person
            .clone()
            .filter(|r| !actor.sees_all() && r.org_id == actor.org_id)
            .map(|r| r.member_key.clone())
            .collect();
        own_keys.sort();
        let mut others: Vec<i64> = of_person
            .filter(|r| actor.sees_all() || r.org_id != actor.org_id)
            .map(|r| r.org_id)
            .collect();
        others.sort_unstable();
        others.dedup();
        let known = actor.sees_all() || !own_keys.is_empty();
        answer.candidates.push(Likely {
            person: person_id,
            exact: probability,
            identified: identified(&c.evidence()),
            person_id: known.then_some(person_id),
            probability: if known {
                probability
            } else {
                likelihood_step(probability)
            },
            explanation: String::new(),
            fields: if known {
                super::explain::of_engine(&c.evidence())
            } else {
                vec![]
            },
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
        .is_some_and(|c| c.exact >= link_at && c.identified);
    Ok(answer)
}

/// Whether a comparison agrees on something that tells one person from a namesake — an ID (or
/// one typo of it), another identity number, the birth date (or a slip of it), the mobile — and
/// not only on the name and the place. A name and a governorate make a candidate to look at,
/// never "already registered": namesakes share both (issue 17).
fn identified(evidence: &[link::model::Evidence]) -> bool {
    evidence.iter().any(|e| match e.field {
        "national_id" => (1..=3).contains(&e.level),
        "other_id" | "birth_date" => (1..=2).contains(&e.level),
        "phone" => e.level == 1,
        _ => false,
    })
}
