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
use link::record::Record;
use std::collections::{HashMap, HashSet};

/// The model is estimated again once the registry holds this share more registrations than the
/// model was estimated on (5/4: a quarter more).
const GROWTH: (i64, i64) = (5, 4);

/// The stored model when the registry may link an import incrementally (its rows already written):
/// a model is stored and fits this engine's fields, the index holds this engine's keys, and the
/// registry has not grown by [`GROWTH`] since the model was estimated. `None`: re-link the whole
/// registry.
pub(super) async fn model_if_current(tx: &mut Tx<'_>) -> Result<Option<Model>> {
    let stored: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT parameters_json, keys_revision, estimated_on FROM registry_model WHERE id = 1",
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some((json, revision, estimated_on)) = stored else {
        return Ok(None);
    };
    if revision != keys::revision() || estimated_on <= 0 {
        return Ok(None);
    }
    let (registrations,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM registry_records")
        .fetch_one(&mut **tx)
        .await?;
    if registrations * GROWTH.1 > estimated_on * GROWTH.0 {
        return Ok(None);
    }
    Ok(serde_json::from_str::<Model>(&json)
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
    /// What the linkage said of a file's rows, registration `ids[r]` for row `r`.
    pub(super) fn outcome(&self, ids: &[i64], incoming: &super::Incoming) -> RowsLinked {
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
            problems: incoming
                .rows
                .iter()
                .map(|(_, raw)| link::record::normalize(raw, incoming.order).problems)
                .collect(),
        }
    }
}

/// Links the registrations `changed` (written in `tx`, their keys indexed) with the registry
/// under `model`, writes the persons, households and pairs for review that changed, and marks the
/// registry changed for every server's "already registered?".
pub(super) async fn link(
    kind: db::Kind,
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    changed: &[i64],
    model: &Model,
    progress: &crate::jobs::progress::Progress,
) -> Result<Part> {
    if changed.is_empty() {
        // Nothing new or changed: nothing to link, and the registry stays as it is.
        return Ok(Part {
            stored: vec![],
            persons: vec![],
            in_review: HashSet::new(),
        });
    }
    let started = std::time::Instant::now();
    let config = link::pipeline::Config::default();
    progress.start(crate::jobs::progress::Stage::Linking, 0);
    // The rows, and the registrations sharing a blocking key with one of them that is not too
    // common in the whole registry.
    let rows = store::load_where(kind, tx, "id", changed).await?;
    let row_keys: Vec<u64> = linking::entries(&rows)
        .iter()
        .flat_map(|e| link::block::indexed_keys(&e.record))
        .collect();
    let mut held = keys::counts(tx, &row_keys).await?;
    let mut too_common: HashSet<u64> = held
        .iter()
        .filter(|(_, n)| **n > config.max_block)
        .map(|(k, _)| *k)
        .collect();
    let usable: Vec<u64> = held
        .keys()
        .filter(|k| !too_common.contains(k))
        .copied()
        .collect();
    let mut wanted = keys::holders(tx, &usable).await?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        n = wanted.len(),
        "incremental: candidates found"
    );
    wanted.extend_from_slice(changed);
    // People's decisions on a row stay with it: the other registration of the pair comes too.
    let decided = relink::decisions(tx).await?;
    let rows_set: HashSet<i64> = changed.iter().copied().collect();
    let mut kept = rows_set.clone();
    for &(l, r, _) in &decided {
        if rows_set.contains(&l) || rows_set.contains(&r) {
            kept.extend([l, r]);
            wanted.extend([l, r]);
        }
    }
    let found = by_id(store::load_where(kind, tx, "id", &wanted).await?);
    // Scored first under the model: only the registrations a row may be (a pair for review at
    // least) bring their persons; one that shares a block with a row and nothing more cannot be
    // linked with it, and the batch would leave its person as it is.
    let mut names: HashMap<u64, usize> = HashMap::new();
    let first = counted(tx, &found, &mut held, &mut too_common, &mut names, &config).await?;
    let found_ids: HashSet<i64> = found.iter().map(|s| s.id).collect();
    let (outcome, _) = linked_apart(
        first,
        decisions_within(&decided, &found_ids, &config),
        model,
        &too_common,
    )
    .await?;
    for p in outcome.links.iter().chain(&outcome.review) {
        let (a, b) = (found[p.a as usize].id, found[p.b as usize].id);
        if rows_set.contains(&a) || rows_set.contains(&b) {
            kept.extend([a, b]);
        }
    }
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        n = kept.len(),
        "incremental: candidates scored"
    );
    // Closed under persons: every registration of a person kept.
    let mut linked: Vec<Stored> = found.into_iter().filter(|s| kept.contains(&s.id)).collect();
    let persons: Vec<i64> = linked
        .iter()
        .map(|s| s.person_id)
        .filter(|&p| p != 0)
        .collect();
    linked.extend(store::load_where(kind, tx, "person_id", &persons).await?);
    let linked = by_id(linked);
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        n = linked.len(),
        "incremental: persons read"
    );
    // The households concerned, whole: those of the registrations linked, and the member's own
    // household registrations the rows belong to.
    let mut refs: HashMap<i64, Vec<&str>> = HashMap::new();
    for s in rows.iter().filter(|s| !s.raw.household_ref.is_empty()) {
        refs.entry(s.org_id)
            .or_default()
            .push(s.raw.household_ref.as_str());
    }
    let mut around: Vec<Stored> = Vec::new();
    for (org_id, mut refs) in refs {
        refs.sort_unstable();
        refs.dedup();
        around.extend(store::load_member(kind, tx, org_id, "household_ref", &refs).await?);
    }
    let households: Vec<i64> = linked
        .iter()
        .chain(&around)
        .map(|s| s.household_id)
        .filter(|&h| h != 0)
        .collect();
    around.extend(store::load_where(kind, tx, "household_id", &households).await?);
    let in_part: HashSet<i64> = linked.iter().map(|s| s.id).collect();
    around.retain(|s| !in_part.contains(&s.id));
    let around = by_id(around);
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        n = around.len(),
        "incremental: households read"
    );

    // The persons, linked again under the stored model.
    let records = counted(tx, &linked, &mut held, &mut too_common, &mut names, &config).await?;
    let (outcome, records) = linked_apart(
        records,
        decisions_within(&decided, &in_part, &config),
        model,
        &too_common,
    )
    .await?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "incremental: linked"
    );
    let (max_person, max_household): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(MAX(person_id), 0), COALESCE(MAX(household_id), 0) FROM registry_records",
    )
    .fetch_one(&mut **tx)
    .await?;
    let old: Vec<i64> = linked.iter().map(|s| s.person_id).collect();
    let mut persons = linking::stable_ids(&old, &outcome.person, max_person);
    persons.extend(around.iter().map(|s| s.person_id));

    // Households over the part and the households around it, by person.
    let mut all = linked;
    all.extend(around);
    let mut hh_records = records;
    hh_records.extend(
        linking::entries(&all[hh_records.len()..])
            .into_iter()
            .map(|e| e.record),
    );
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
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "incremental: households numbered"
    );
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
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        part = all.len(),
        "incremental: written"
    );
    online::changed(tx).await?;
    Ok(Part {
        stored: all,
        persons,
        in_review,
    })
}

/// The engine's records of `stored`, names counted against the whole registry; the keys they
/// carry that the whole registry holds too often join `too_common`. `held` and `names` keep the
/// counts already asked for.
async fn counted(
    tx: &mut Tx<'_>,
    stored: &[Stored],
    held: &mut HashMap<u64, usize>,
    too_common: &mut HashSet<u64>,
    names: &mut HashMap<u64, usize>,
    config: &link::pipeline::Config,
) -> Result<Vec<Record>> {
    let mut records: Vec<Record> = linking::entries(stored)
        .into_iter()
        .map(|e| e.record)
        .collect();
    let unknown: Vec<u64> = records
        .iter()
        .flat_map(link::block::indexed_keys)
        .filter(|k| !held.contains_key(k))
        .collect();
    for (k, n) in keys::counts(tx, &unknown).await? {
        if n > config.max_block {
            too_common.insert(k);
        }
        held.insert(k, n);
    }
    keys::count_names(tx, &mut records, names).await?;
    Ok(records)
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
