//! A Fellegi–Sunter model: for each field and agreement level, `m` (how often true matches
//! agree at that level) and `u` (how often non-matches do). `u` is measured on random pairs;
//! `m` and the share of matches among all pairs are estimated by expectation maximisation on
//! the candidate pairs — no labels needed. A shared first or father name
//! weighs by how common it is (term-frequency adjustment): two محمد agree by chance far more
//! often than two شحات.

use crate::compare::{self, FIELDS, LEVEL_NAMES, Levels, Weights};
use crate::record::Record;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Serialised, a model keeps `m`, `u` and `lambda` (what a registry stores between runs); the
/// name frequencies come back from the records with [`Model::with_names`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// Prior share of matches among all pairs of records (one person twice).
    pub lambda: f64,
    /// Share of records carrying each first-position name, and each second-position name.
    #[serde(skip, default)]
    name_freq: [HashMap<String, f64>; 2],
}

const FLOOR: f64 = 1e-5;

/// A small deterministic generator: sampling must give the same model on every run.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn counts_to_probs(counts: &[Vec<f64>]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            let total: f64 = row.iter().skip(1).sum::<f64>() + (row.len() - 1) as f64 * 0.5;
            let mut p: Vec<f64> = row.iter().map(|c| ((c + 0.5) / total).max(FLOOR)).collect();
            p[0] = 1.0;
            p
        })
        .collect()
}

fn empty_counts() -> Vec<Vec<f64>> {
    LEVEL_NAMES
        .iter()
        .map(|names| vec![0.0; names.len()])
        .collect()
}

/// "Matches mostly agree": the starting point of EM, and the answer where no data speaks.
fn default_m() -> Vec<Vec<f64>> {
    LEVEL_NAMES
        .iter()
        .map(|names| {
            let mut row: Vec<f64> = (0..names.len())
                .map(|l| {
                    if l == 0 {
                        1.0
                    } else {
                        0.25f64.powi(l as i32 - 1)
                    }
                })
                .collect();
            let s: f64 = row[1..].iter().sum();
            for v in row.iter_mut().skip(1) {
                *v /= s;
            }
            row
        })
        .collect()
}

/// The probability that a pair at these levels is a match, from the logarithms of m and u.
fn posterior(l: &Levels, log_m: &[Vec<f64>], log_u: &[Vec<f64>], lambda: f64) -> f64 {
    let mut lm = lambda.ln();
    let mut lu = (1.0 - lambda).ln();
    for (k, &lvl) in l.iter().enumerate() {
        if lvl > 0 {
            lm += log_m[k][lvl as usize];
            lu += log_u[k][lvl as usize];
        }
    }
    1.0 / (1.0 + (lu - lm).exp())
}

fn logs(p: &[Vec<f64>]) -> Vec<Vec<f64>> {
    p.iter()
        .map(|row| row.iter().map(|v| v.ln()).collect())
        .collect()
}

/// The distinct level patterns among `levels`, with how many pairs show each. Pairs with the
/// same pattern have the same posterior, so EM runs over a few thousand patterns instead of
/// millions of pairs. Each pattern is packed into 3 bits per field and the codes sorted: no
/// map over millions of entries.
fn patterns(levels: &[Levels]) -> Vec<(Levels, f64)> {
    const BITS: u32 = 3;
    const _: () = assert!(FIELDS.len() as u32 * BITS <= 64);
    const _: () = assert!(max_levels() <= 1 << BITS);
    let mut codes: Vec<u64> = levels
        .par_iter()
        .map(|l| {
            l.iter()
                .enumerate()
                .fold(0, |code, (k, &v)| code | u64::from(v) << (BITS * k as u32))
        })
        .collect();
    codes.par_sort_unstable();
    // In code order, so that sums (and so the estimates) do not depend on anything else.
    codes
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let levels =
                std::array::from_fn(|k| (run[0] >> (BITS * k as u32) & ((1 << BITS) - 1)) as u8);
            (levels, run.len() as f64)
        })
        .collect()
}

/// The most levels any field has (for packing patterns).
const fn max_levels() -> usize {
    let mut most = 0;
    let mut k = 0;
    while k < LEVEL_NAMES.len() {
        if LEVEL_NAMES[k].len() > most {
            most = LEVEL_NAMES[k].len();
        }
        k += 1;
    }
    most
}

/// Patterns with the `held` fields set to 0 (not compared), merged where they then agree.
fn without(patterns: &[(Levels, f64)], held: &[usize]) -> Vec<(Levels, f64)> {
    let mut out: Vec<(Levels, f64)> = patterns
        .iter()
        .map(|(l, n)| {
            let mut c = *l;
            for &k in held {
                c[k] = 0;
            }
            (c, *n)
        })
        .collect();
    out.sort_by_key(|p| p.0);
    out.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 += later.1;
            true
        } else {
            false
        }
    });
    out
}

/// EM over the pairs of `patterns` with `u` fixed and the `held` fields left out; returns m and
/// the pair count.
fn em(
    patterns: &[(Levels, f64)],
    u: &[Vec<f64>],
    held: &[usize],
    iterations: usize,
) -> (Vec<Vec<f64>>, usize) {
    let mut m = default_m();
    if patterns.is_empty() {
        return (m, 0);
    }
    let training = without(patterns, held);
    let total: f64 = training.iter().map(|(_, n)| n).sum();
    let log_u = logs(u);
    let mut lambda = 0.5;
    for _ in 0..iterations {
        let log_m = logs(&m);
        let probs: Vec<f64> = training
            .iter()
            .map(|(l, _)| posterior(l, &log_m, &log_u, lambda))
            .collect();
        let mut counts = empty_counts();
        for ((l, n), p) in training.iter().zip(&probs) {
            for (k, &lvl) in l.iter().enumerate() {
                counts[k][lvl as usize] += p * n;
            }
        }
        let fresh = counts_to_probs(&counts);
        for (k, row) in m.iter_mut().enumerate() {
            if !held.contains(&k) {
                *row = fresh[k].clone();
            }
        }
        let expected: f64 = training.iter().zip(&probs).map(|((_, n), p)| p * n).sum();
        lambda = (expected / total).clamp(1e-4, 0.9999);
    }
    (m, total as usize)
}

impl Model {
    /// Estimates the model from the records and their candidate pairs (with their levels).
    pub fn estimate(
        records: &[Record],
        levels: &[Levels],
        u_samples: usize,
        iterations: usize,
    ) -> Model {
        // u: agreement among random pairs, almost all of them different people.
        let n = records.len() as u64;
        let mut rng = SplitMix(0x5eed);
        let sample: Vec<(usize, usize)> = if n < 2 {
            vec![]
        } else {
            (0..u_samples)
                .map(|_| ((rng.next() % n) as usize, (rng.next() % n) as usize))
                .filter(|(a, b)| a != b)
                .collect()
        };
        let sample_levels: Vec<Levels> = sample
            .par_iter()
            .map(|&(a, b)| compare::compare(&records[a], &records[b]))
            .collect();
        let mut u_counts = empty_counts();
        for l in &sample_levels {
            for (k, &lvl) in l.iter().enumerate() {
                u_counts[k][lvl as usize] += 1.0;
            }
        }
        let u = counts_to_probs(&u_counts);
        // m: expectation maximisation, Splink-style, on two training sets so that no field is
        // judged on pairs chosen for agreeing on it, and fields that members of one family
        // share (phone, place, father) are not mistaken for signs of one person:
        //  - pairs sharing a valid ID that agrees with both rows (not a relative's ID typed on
        //    every member of a family), or another identity number: estimates every field but
        //    the two IDs;
        //  - pairs sharing first name and full birth date: estimates every field but those two.
        let all = patterns(levels);
        let by_id: Vec<(Levels, f64)> = all
            .iter()
            .filter(|(l, _)| l[compare::NID] == 1 || l[compare::OTHER_ID] == 1)
            .copied()
            .collect();
        let by_name_dob: Vec<(Levels, f64)> = all
            .iter()
            .filter(|(l, _)| l[compare::FIRST] == 1 && l[compare::DOB] == 1)
            .copied()
            .collect();
        let runs = [
            (
                em(&by_id, &u, &[compare::NID, compare::OTHER_ID], iterations),
                [compare::NID, compare::OTHER_ID].as_slice(),
            ),
            (
                em(
                    &by_name_dob,
                    &u,
                    &[compare::FIRST, compare::DOB],
                    iterations,
                ),
                [compare::FIRST, compare::DOB].as_slice(),
            ),
        ];
        let mut m = default_m();
        for (k, row) in m.iter_mut().enumerate() {
            let estimates: Vec<&Vec<f64>> = runs
                .iter()
                .filter(|((_, n), held)| *n > 0 && !held.contains(&k))
                .map(|((m, _), _)| &m[k])
                .collect();
            if !estimates.is_empty() {
                for (l, v) in row.iter_mut().enumerate().skip(1) {
                    *v = estimates.iter().map(|e| e[l]).sum::<f64>() / estimates.len() as f64;
                }
            }
        }
        // The share of matches among all pairs of records, with m and u fixed: u was measured
        // on random pairs, so the prior must be the chance that a random pair is one person,
        // not the (far higher) share among candidate pairs, which blocking already chose for
        // agreeing names or numbers. Pairs that no rule brought together count as non-matches.
        let n = records.len() as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let mut lambda: f64 = 1.0 / n.max(2.0);
        let (log_m, log_u) = (logs(&m), logs(&u));
        for _ in 0..iterations {
            let total: f64 = all
                .iter()
                .map(|(l, n)| n * posterior(l, &log_m, &log_u, lambda))
                .sum();
            lambda = (total / all_pairs).clamp(1e-12, 0.9999);
        }
        Model {
            m,
            u,
            lambda,
            name_freq: Default::default(),
        }
        .with_names(records)
    }

    /// Whether the model has m and u for every field and level this engine compares: a model
    /// stored by an earlier version (with fewer fields) must be estimated again.
    pub fn fits_fields(&self) -> bool {
        let fits = |p: &[Vec<f64>]| {
            p.len() == LEVEL_NAMES.len()
                && p.iter()
                    .zip(LEVEL_NAMES)
                    .all(|(row, names)| row.len() == names.len())
        };
        fits(&self.m) && fits(&self.u)
    }

    /// The model with its name frequencies (for the term-frequency adjustment) counted on
    /// `records`.
    pub fn with_names(mut self, records: &[Record]) -> Model {
        let mut name_freq: [HashMap<String, f64>; 2] = Default::default();
        for r in records {
            for (slot, freq) in name_freq.iter_mut().enumerate() {
                if let Some(name) = r.skeletons.get(slot) {
                    *freq.entry(name.clone()).or_default() += 1.0;
                }
            }
        }
        for freq in &mut name_freq {
            for v in freq.values_mut() {
                *v /= records.len().max(1) as f64;
            }
        }
        self.name_freq = name_freq;
        self
    }

    /// The match weight of each field (log2 of m/u) for a pair, with the term-frequency
    /// adjustment on exact first and father names.
    pub fn weights(&self, a: &Record, levels: &Levels) -> Weights {
        let mut w: Weights = [0.0; FIELDS.len()];
        for (k, &lvl) in levels.iter().enumerate() {
            if lvl == 0 {
                continue;
            }
            let l = lvl as usize;
            let mut u = self.u[k][l];
            let slot = match k {
                compare::FIRST => Some(0),
                compare::FATHER => Some(1),
                _ => None,
            };
            if let Some(slot) = slot
                && l <= 2
                && let Some(f) = a
                    .skeletons
                    .get(slot)
                    .and_then(|s| self.name_freq[slot].get(s))
            {
                // The chance that two random people share this very name.
                u = f.max(FLOOR);
            }
            w[k] = (self.m[k][l] / u).log2();
        }
        w
    }

    /// The probability that a pair with these weights is one person.
    pub fn probability(&self, weights: &Weights) -> f64 {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
        let total: f64 = prior + weights.iter().sum::<f64>();
        1.0 / (1.0 + 2f64.powf(-total))
    }

    /// What each compared field said of a pair, as data (the field, its level, the weight it
    /// added); those who show it word it in their reader's language.
    pub fn evidence(levels: &Levels, weights: &Weights) -> Vec<Evidence> {
        levels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l > 0)
            .map(|(k, &level)| Evidence {
                field: FIELDS[k],
                level,
                weight: weights[k],
            })
            .collect()
    }
}

/// How one field of a pair compared: the field (one of [`FIELDS`]), its agreement level (1 the
/// same, higher further apart; see [`LEVEL_NAMES`]) and the weight it added to the match (log2
/// of the odds; negative speaks against).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    pub field: &'static str,
    pub level: u8,
    pub weight: f64,
}

impl Evidence {
    /// The level's name in the engine's own terms (English, for a terminal or a log).
    pub fn level_name(&self) -> &'static str {
        FIELDS
            .iter()
            .position(|f| *f == self.field)
            .and_then(|k| LEVEL_NAMES[k].get(self.level as usize))
            .copied()
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_stored_with_fewer_fields_does_not_fit() {
        let current = serde_json::json!({ "m": default_m(), "u": default_m(), "lambda": 0.01 });
        assert!(
            serde_json::from_value::<Model>(current)
                .unwrap()
                .fits_fields()
        );
        let old = serde_json::json!({
            "m": default_m()[..8],
            "u": default_m()[..8],
            "lambda": 0.01,
        });
        assert!(!serde_json::from_value::<Model>(old).unwrap().fits_fields());
    }
}
