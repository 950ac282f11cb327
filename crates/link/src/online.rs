//! Online mode: "is this person already registered?" for one new record, answered from an
//! index of a registry built once, with scores and explanations.

use crate::block::{self, RULES};
use crate::compare;
use crate::model::Model;
use crate::record::Record;
use std::collections::HashMap;

/// A registered record that may be the probe's person.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Position of the record in the index.
    pub record: u32,
    pub probability: f64,
    pub levels: compare::Levels,
    pub weights: compare::Weights,
}

impl Candidate {
    /// What each field said of the probe and this record, as data.
    pub fn evidence(&self) -> Vec<crate::model::Evidence> {
        Model::evidence(&self.levels, &self.weights)
    }
}

/// A registry's records indexed by every blocking key.
pub struct Index {
    records: Vec<Record>,
    /// Records by the 64-bit hash of (rule, key): a million records carry several million keys,
    /// and a rare collision only adds a candidate that scoring then rejects.
    keys: HashMap<u64, Vec<u32>>,
    /// How often each name part occurs in the registry (by [`Record::name_hashes`]), to count a
    /// probe's names as a batch run would have.
    name_counts: HashMap<u64, u32>,
    model: Model,
    max_block: usize,
}

impl Index {
    /// Indexes `records` (with names counted, see [`crate::record::count_names`]) under `model`,
    /// usually the one a batch run estimated.
    pub fn build(records: Vec<Record>, model: Model, max_block: usize) -> Index {
        let mut keys: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut name_counts: HashMap<u64, u32> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            for (rule, (_, key_of)) in RULES.iter().enumerate() {
                for key in block::keys_of(*key_of, r) {
                    keys.entry(block::indexed(rule, key))
                        .or_default()
                        .push(i as u32);
                }
            }
            for h in &r.name_hashes {
                *name_counts.entry(*h).or_default() += 1;
            }
        }
        keys.shrink_to_fit();
        Index {
            records,
            keys,
            name_counts,
            model,
            max_block,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn record(&self, i: u32) -> &Record {
        &self.records[i as usize]
    }

    /// Registered records that may be the same person as `probe`, most likely first, down to
    /// probability `at_least`. The probe's names are counted against the registry's (its own
    /// name counts are ignored).
    pub fn query(&self, probe: &Record, at_least: f64) -> Vec<Candidate> {
        let probe = self.counted(probe);
        let mut seen: Vec<u32> = Vec::new();
        for (rule, (_, key_of)) in RULES.iter().enumerate() {
            for key in block::keys_of(*key_of, &probe) {
                if let Some(ids) = self.keys.get(&block::indexed(rule, key))
                    && ids.len() <= self.max_block
                {
                    seen.extend_from_slice(ids);
                }
            }
        }
        self.scored(&probe, seen, at_least)
    }

    /// Scores `probe` against the indexed records `ids` found some other way than the blocks
    /// (by their names, say), most likely first, keeping those at `at_least` or more.
    pub fn score(&self, probe: &Record, ids: &[u32], at_least: f64) -> Vec<Candidate> {
        let probe = self.counted(probe);
        let ids = ids
            .iter()
            .copied()
            .filter(|&i| (i as usize) < self.records.len())
            .collect();
        self.scored(&probe, ids, at_least)
    }

    /// The probe with how common each of its names is in the index.
    fn counted(&self, probe: &Record) -> Record {
        let mut probe = probe.clone();
        probe.name_counts = probe
            .name_hashes
            .iter()
            .map(|h| self.name_counts.get(h).copied().unwrap_or(0) + 1)
            .collect();
        probe
    }

    fn scored(&self, probe: &Record, mut ids: Vec<u32>, at_least: f64) -> Vec<Candidate> {
        ids.sort_unstable();
        ids.dedup();
        let mut out: Vec<Candidate> = ids
            .into_iter()
            .filter_map(|i| {
                let r = &self.records[i as usize];
                let levels = compare::compare(r, probe);
                let weights = self.model.weights(r, &levels);
                let probability = self.model.probability(&weights);
                (probability >= at_least).then_some(Candidate {
                    record: i,
                    probability,
                    levels,
                    weights,
                })
            })
            .collect();
        out.sort_by(|x, y| y.probability.total_cmp(&x.probability));
        out
    }
}
