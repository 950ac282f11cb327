//! Linking an import's rows without re-linking the registry (issue 18): the rows' blocking keys
//! are looked up in the stored index ([`super::keys`]), and only the registrations they may be,
//! with every registration of those persons and of their households, are read and linked again
//! under the stored model. The cost follows the file and the persons it touches, not the
//! registry.
//!
//! The part is closed under persons: a person the rows touch is linked with all of its
//! registrations, so a person is never split by what the part left out; households are
//! recomputed over every registration of the households concerned. Names are counted on the whole
//! registry and blocks too common in the whole are skipped, as a batch run counts and skips them.
//! The model is the one last estimated on the whole registry; once the registry has grown by a
//! quarter since (see [`model_if_current`]), an import re-links the whole registry and estimates
//! it again, and `mizalla relink` does so whenever the secretariat asks.

use super::import::RowsLinked;
use super::relink::{self, Decided};
use super::store::{self, Stored};
use super::{keys, linking, online};
use crate::access::Actor;
use crate::db::{self, Tx};
use crate::error::{Error, Result};
use link::model::Model;
use link::record::{Problem, Record};
use std::collections::{HashMap, HashSet};

/// The model is estimated again once the registry holds this share more registrations than the
/// model was estimated on (5/4: a quarter more).
const GROWTH: (i64, i64) = (5, 4);

/// The registry's stored model as an import finds it (see [`online::Snapshot::store`]).
pub(super) struct StoredModel {
    /// The model's parameters (JSON), if one was ever estimated.
    parameters: Option<String>,
    /// The engine revision of the keys in the linking index ('' when none is).
    keys_revision: String,
    /// How many registrations the model was estimated on.
    estimated_on: i64,
}

impl StoredModel {
    pub(super) async fn read(tx: &mut Tx<'_>) -> Result<StoredModel> {
        let stored: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT parameters_json, keys_revision, estimated_on FROM registry_model WHERE id = 1",
        )
        .fetch_optional(&mut **tx)
        .await?;
        Ok(match stored {
            Some((json, keys_revision, estimated_on)) => StoredModel {
                parameters: Some(json),
                keys_revision,
                estimated_on,
            },
            None => StoredModel {
                parameters: None,
                keys_revision: String::new(),
                estimated_on: 0,
            },
        })
    }

    /// The linking index holds this engine's keys.
    pub(super) fn keys_current(&self) -> bool {
        self.keys_revision == keys::revision()
    }
}

/// The stored model when the registry may link an import incrementally, `new_rows` registrations
/// added to it: a model is stored and fits this engine's fields, the index holds this engine's
/// keys, and the registry (with the new rows) has not grown by [`GROWTH`] since the model was
/// estimated. `None`: re-link the whole registry. A plan and its commit decide alike: both ask
/// before writing.
pub(super) async fn model_if_current(
    tx: &mut Tx<'_>,
    stored: &StoredModel,
    new_rows: usize,
) -> Result<Option<Model>> {
    let Some(json) = &stored.parameters else {
        return Ok(None);
    };
    if !stored.keys_current() || stored.estimated_on <= 0 {
        return Ok(None);
    }
    let (registrations,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM registry_records")
        .fetch_one(&mut **tx)
        .await?;
    let registrations = registrations + new_rows as i64;
    if registrations * GROWTH.1 > stored.estimated_on * GROWTH.0 {
        return Ok(None);
    }
    Ok(serde_json::from_str::<Model>(json)
        .ok()
        .filter(Model::fits_fields))
}

/// What linking a part of the registry decided.
pub(super) struct Part {
    /// The part's registrations (the persons linked and their households).
    stored: Vec<Stored>,
    /// Their persons after the linkage.
    persons: Vec<i64>,
    /// Registrations in a pair for review.
    in_review: HashSet<i64>,
}

impl Part {
    /// What the linkage said of a file's rows, registration `ids[r]` for row `r` with the
    /// problems `problems[r]`.
    pub(super) fn outcome(&self, ids: &[i64], problems: Vec<Vec<Problem>>) -> RowsLinked {
        let person_of: HashMap<i64, i64> = self
            .stored
            .iter()
            .zip(&self.persons)
            .map(|(s, &p)| (s.id, p))
            .collect();
        let in_file: HashSet<i64> = ids.iter().copied().collect();
        RowsLinked {
            person: ids
                .iter()
                .map(|id| person_of.get(id).copied().unwrap_or(0))
                .collect(),
            known: self
                .stored
                .iter()
                .zip(&self.persons)
                .filter(|(s, _)| !in_file.contains(&s.id))
                .map(|(_, &p)| p)
                .collect(),
            in_review: ids.iter().map(|id| self.in_review.contains(id)).collect(),
            problems,
        }
    }
}

/// Links the registrations `rows` (just written in `tx` as they are given, their keys indexed)
/// with the registry under `model`, writes the persons, households and pairs for review that
/// changed, and marks the registry changed for every server's "already registered?".
pub(super) async fn link(
    kind: db::Kind,
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    rows: Vec<Stored>,
    model: &Model,
    progress: &crate::jobs::progress::Progress,
) -> Result<Part> {
    if rows.is_empty() {
        // Nothing new or changed: nothing to link, and the registry stays as it is.
        return Ok(Part {
            stored: vec![],
            persons: vec![],
            in_review: HashSet::new(),
        });
    }
    let timer = Timer::start();
    let config = link::pipeline::Config::default();
    progress.start(crate::jobs::progress::Stage::Linking, 0);
    let mut reading = Reading::new(&config);
    // The registrations sharing a blocking key with a row that is not too common in the whole
    // registry.
    let row_keys = reading.keys(tx, &rows).await?;
    let usable: Vec<u64> = reading.usable(row_keys);
    let rows_set: HashSet<i64> = rows.iter().map(|s| s.id).collect();
    let mut wanted = keys::holders(tx, &usable).await?;
    timer.lap("candidates found", wanted.len());
    // People's decisions on a row stay with it: the other registration of the pair comes too.
    let decided = relink::decisions(tx).await?;
    let mut kept = rows_set.clone();
    for &(l, r, _) in &decided {
        if rows_set.contains(&l) || rows_set.contains(&r) {
            kept.extend([l, r]);
            wanted.extend([l, r]);
        }
    }
    wanted.retain(|id| !rows_set.contains(id));
    let mut found = store::load_where(kind, tx, None, "id", &wanted).await?;
    found.extend(rows);
    let found = by_id(found);
    // Scored first under the model: only the registrations a row may be (a pair for review at
    // least) bring their persons; one that shares a block with a row and nothing more cannot be
    // linked with it, and the batch would leave its person as it is.
    let first = reading.records(tx, &found).await?;
    let found_ids: HashSet<i64> = found.iter().map(|s| s.id).collect();
    let (outcome, _) = linked_apart(
        first,
        decisions_within(&decided, &found_ids, &config),
        model,
        &reading.too_common,
    )
    .await?;
    for p in outcome.links.iter().chain(&outcome.review) {
        let (a, b) = (found[p.a as usize].id, found[p.b as usize].id);
        if rows_set.contains(&a) || rows_set.contains(&b) {
            kept.extend([a, b]);
        }
    }
    timer.lap("candidates scored", kept.len());
    // Closed under persons: every registration of a person kept, those not read yet read now.
    let mut linked: Vec<Stored> = found.into_iter().filter(|s| kept.contains(&s.id)).collect();
    let persons: Vec<i64> = linked
        .iter()
        .map(|s| s.person_id)
        .filter(|&p| p != 0)
        .collect();
    let have: HashSet<i64> = linked.iter().map(|s| s.id).collect();
    let more: Vec<i64> = store::numbers_where(tx, None, "person_id", &persons)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .filter(|id| !have.contains(id))
        .collect();
    linked.extend(store::load_where(kind, tx, None, "id", &more).await?);
    let linked = by_id(linked);
    let in_part: HashSet<i64> = linked.iter().map(|s| s.id).collect();
    timer.lap("persons read", linked.len());
    // The households concerned, whole: those of the registrations linked, and the member's own
    // household registrations the rows belong to.
    let mut refs: HashMap<i64, Vec<&str>> = HashMap::new();
    for s in linked.iter().filter(|s| rows_set.contains(&s.id)) {
        if !s.raw.household_ref.is_empty() {
            refs.entry(s.org_id)
                .or_default()
                .push(s.raw.household_ref.as_str());
        }
    }
    let mut households: Vec<i64> = linked.iter().map(|s| s.household_id).collect();
    let mut around: HashSet<i64> = HashSet::new();
    for (org_id, refs) in refs {
        for (id, _, household) in
            store::numbers_where(tx, Some(org_id), "household_ref", &refs).await?
        {
            around.insert(id);
            households.push(household);
        }
    }
    households.retain(|&h| h != 0);
    for (id, _, _) in store::numbers_where(tx, None, "household_id", &households).await? {
        around.insert(id);
    }
    let around: Vec<i64> = around
        .into_iter()
        .filter(|id| !in_part.contains(id))
        .collect();
    let around = store::load_where(kind, tx, None, "id", &around).await?;
    timer.lap("households read", around.len());

    // The persons, linked again under the stored model.
    let records = reading.records(tx, &linked).await?;
    let (outcome, records) = linked_apart(
        records,
        decisions_within(&decided, &in_part, &config),
        model,
        &reading.too_common,
    )
    .await?;
    timer.lap("linked", records.len());
    let (max_person, max_household) = store::largest_numbers(tx).await?;
    let old: Vec<i64> = linked.iter().map(|s| s.person_id).collect();
    let mut persons = linking::stable_ids(&old, &outcome.person, max_person);
    persons.extend(around.iter().map(|s| s.person_id));

    // Households over the part and the households around it, by person.
    let mut hh_records = records;
    hh_records.extend(reading.normalised(&around));
    let mut all = linked;
    all.extend(around);
    let mut number: HashMap<i64, usize> = HashMap::new();
    let person_index: Vec<usize> = persons
        .iter()
        .map(|p| {
            let next = number.len();
            *number.entry(*p).or_insert(next)
        })
        .collect();
    let groups = link::pipeline::households(&hh_records, &person_index);
    let old_households: Vec<i64> = all.iter().map(|s| s.household_id).collect();
    let households = linking::stable_ids(&old_households, &groups, max_household);

    let ids: Vec<i64> = all.iter().map(|s| s.id).collect();
    let review: Vec<(i64, i64, f64, String)> = outcome
        .review
        .iter()
        .map(|p| {
            let evidence = super::explain::to_stored(&p.evidence());
            (
                ids[p.a as usize],
                ids[p.b as usize],
                p.probability,
                evidence,
            )
        })
        .collect();
    let in_review: HashSet<i64> = review.iter().flat_map(|(a, b, _, _)| [*a, *b]).collect();
    timer.lap("households numbered", all.len());
    progress.start(crate::jobs::progress::Stage::Saving, all.len());
    relink::write_decided(
        tx,
        actor,
        Decided {
            stored: &all,
            persons: persons.clone(),
            households,
            review,
        },
        Some(&in_part),
        progress,
    )
    .await?;
    timer.lap("written", all.len());
    online::changed(tx).await?;
    Ok(Part {
        stored: all,
        persons,
        in_review,
    })
}

/// What linking a part has read of the registry: each registration's record as the engine reads
/// it (each read once), and the counts asked of the linking index — keys held (with those too
/// common to compare) and name parts.
struct Reading<'c> {
    config: &'c link::pipeline::Config,
    records: HashMap<i64, Record>,
    keyed: HashSet<i64>,
    held: HashMap<u64, usize>,
    too_common: HashSet<u64>,
    names: HashMap<u64, usize>,
}

impl<'c> Reading<'c> {
    fn new(config: &'c link::pipeline::Config) -> Self {
        Reading {
            config,
            records: HashMap::new(),
            keyed: HashSet::new(),
            held: HashMap::new(),
            too_common: HashSet::new(),
            names: HashMap::new(),
        }
    }

    /// The engine's records of `stored`, in order, each normalised once (on all cores).
    fn normalised(&mut self, stored: &[Stored]) -> Vec<Record> {
        use rayon::prelude::*;
        let fresh: Vec<(i64, Record)> = stored
            .par_iter()
            .filter(|s| !self.records.contains_key(&s.id))
            .map(|s| (s.id, linking::Entry::stored(s).record))
            .collect();
        self.records.extend(fresh);
        stored.iter().map(|s| self.records[&s.id].clone()).collect()
    }

    /// The blocking keys of `stored` not counted before, counted on the whole index (those held
    /// more than the batch would compare join `too_common`); gives them.
    async fn keys(&mut self, tx: &mut Tx<'_>, stored: &[Stored]) -> Result<Vec<u64>> {
        let _ = self.normalised(stored);
        let mut fresh: Vec<u64> = stored
            .iter()
            .filter(|s| self.keyed.insert(s.id))
            .flat_map(|s| link::block::indexed_keys(&self.records[&s.id]))
            .collect();
        fresh.sort_unstable();
        fresh.dedup();
        let unknown: Vec<u64> = fresh
            .iter()
            .filter(|k| !self.held.contains_key(k))
            .copied()
            .collect();
        for (k, n) in keys::counts(tx, &unknown).await? {
            if n > self.config.max_block {
                self.too_common.insert(k);
            }
            self.held.insert(k, n);
        }
        Ok(fresh)
    }

    /// Of `keys`, those some registration holds and not too often.
    fn usable(&self, keys: Vec<u64>) -> Vec<u64> {
        keys.into_iter()
            .filter(|k| self.held.contains_key(k) && !self.too_common.contains(k))
            .collect()
    }

    /// The engine's records of `stored`, their keys counted and their names counted against the
    /// whole registry, as a batch run counts them.
    async fn records(&mut self, tx: &mut Tx<'_>, stored: &[Stored]) -> Result<Vec<Record>> {
        self.keys(tx, stored).await?;
        let mut records = self.normalised(stored);
        keys::count_names(tx, &mut records, &mut self.names).await?;
        Ok(records)
    }
}

/// Debug timings of a linkage's phases from its start, with the process's resident memory.
struct Timer(std::time::Instant);

impl Timer {
    fn start() -> Self {
        Timer(std::time::Instant::now())
    }

    /// Logs (at debug level) that `phase` ended, `n` registrations concerned.
    fn lap(&self, phase: &str, n: usize) {
        // Resident pages (Linux; 0 elsewhere), as MiB of 4 KiB pages.
        let resident_mib = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .unwrap_or(0)
            / 256;
        tracing::debug!(
            seconds = self.0.elapsed().as_secs_f64(),
            n,
            resident_mib,
            "incremental: {phase}"
        );
    }
}

/// The settings of a linkage of the registrations `ids`, with people's decisions among them.
fn decisions_within(
    decided: &[(i64, i64, bool)],
    ids: &HashSet<i64>,
    config: &link::pipeline::Config,
) -> link::pipeline::Config {
    let mut config = config.clone();
    for &(l, r, same) in decided {
        if ids.contains(&l) && ids.contains(&r) {
            let pair = (l.to_string(), r.to_string());
            if same {
                config.known_same.push(pair);
            } else {
                config.known_different.push(pair);
            }
        }
    }
    config
}

/// Links `records` (a part of the registry) on a blocking thread: the engine is CPU-bound.
async fn linked_apart(
    records: Vec<Record>,
    config: link::pipeline::Config,
    model: &Model,
    too_common: &HashSet<u64>,
) -> Result<(link::pipeline::Outcome, Vec<Record>)> {
    let (model, too_common) = (model.clone(), too_common.clone());
    tokio::task::spawn_blocking(move || {
        let outcome =
            link::pipeline::run_part(&records, &config, &model, &|k| too_common.contains(&k));
        (outcome, records)
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("linkage failed: {e}")))
}

/// Registrations in id order, each once.
fn by_id(mut stored: Vec<Stored>) -> Vec<Stored> {
    stored.sort_by_key(|s| s.id);
    stored.dedup_by_key(|s| s.id);
    stored
}
