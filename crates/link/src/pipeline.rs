//! The whole batch run: block, compare, estimate the model, score, cluster persons and
//! households, and keep an explanation for every pair above the review threshold.

use crate::block;
use crate::cluster;
use crate::compare::{self, Levels};
use crate::model::Model;
use crate::normalize::national_id::NationalId;
use crate::record::Record;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Settings of a run. `Config::default()` is what `mizalla dedup` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Blocks larger than this are skipped (and reported).
    pub max_block: usize,
    /// Pairs at or above this probability are linked.
    pub link_at: f64,
    /// Pairs from here up to `link_at` go to people for review.
    pub review_at: f64,
    /// Random pairs used to measure chance agreement.
    pub u_samples: usize,
    pub em_iterations: usize,
    /// Decisions people took: these record pairs are one person …
    pub known_same: Vec<(String, String)>,
    /// … and these are not, and are never linked or proposed again.
    pub known_different: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_block: 400,
            link_at: 0.9,
            review_at: 0.5,
            u_samples: 400_000,
            em_iterations: 20,
            known_same: vec![],
            known_different: vec![],
        }
    }
}

/// A scored candidate pair.
#[derive(Debug, Clone)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub probability: f64,
    pub levels: Levels,
    pub weights: compare::Weights,
}

impl ScoredPair {
    /// What each field said of the pair, as data.
    pub fn evidence(&self) -> Vec<crate::model::Evidence> {
        Model::evidence(&self.levels, &self.weights)
    }
}

pub struct Outcome {
    /// Person number per record.
    pub person: Vec<usize>,
    /// Household number per record.
    pub household: Vec<usize>,
    /// Pairs linked (probability ≥ `link_at`), strongest first.
    pub links: Vec<ScoredPair>,
    /// Pairs for people to decide.
    pub review: Vec<ScoredPair>,
    pub candidate_pairs: usize,
    /// Blocking keys skipped for being too common.
    pub oversized_blocks: Vec<String>,
    pub model: Model,
}

/// Two records that cannot be one person, whatever their names say.
fn different_people(a: &Record, b: &Record, levels: &Levels) -> bool {
    // One household registration never lists the same person twice.
    if a.household == b.household {
        return true;
    }
    // Two well-formed IDs, each agreeing with its own row and keeping its check digit, that
    // differ by more than a typo. A mistyped ID rarely keeps its check digit: without it, two
    // records each with its own typo of one person's ID are kept apart.
    let sound = |r: &Record| matches!(&r.nid, NationalId::Valid(v) if v.check_digit_ok);
    let both_valid = sound(a) && sound(b);
    // A different gender is not among these: one mis-click on a form would keep the same ID and
    // the same four names apart. The model weighs it as evidence (issue 17).
    both_valid && a.nid_consistent && b.nid_consistent && levels[compare::NID] == 4
}

/// Runs the batch. Call [`crate::record::count_names`] on the records first.
pub fn run(records: &[Record], config: &Config) -> Outcome {
    let blocking = block::candidate_pairs(records, config.max_block);
    let levels = compared(records, &blocking);
    let model = Model::estimate(records, &levels, config.u_samples, config.em_iterations);
    scored_and_clustered(records, config, blocking, levels, model)
}

/// Links `records`, a part of a larger registry closed under persons (every record of a person
/// the part touches is in it), under `model` estimated on the whole: an import links its rows
/// with the registrations they may be and the persons those belong to, not the whole registry
/// (issue 18). Names must be counted on the whole registry, and `too_common` names the keys
/// ([`block::indexed`]) the whole holds in blocks too large to compare, as a batch run would
/// skip them.
pub fn run_part(
    records: &[Record],
    config: &Config,
    model: &Model,
    too_common: &(dyn Fn(u64) -> bool + Sync),
) -> Outcome {
    let blocking = block::candidate_pairs_except(records, config.max_block, too_common);
    let levels = compared(records, &blocking);
    scored_and_clustered(records, config, blocking, levels, model.clone())
}

fn compared(records: &[Record], blocking: &block::Blocking) -> Vec<Levels> {
    blocking
        .pairs
        .par_iter()
        .map(|&(a, b)| compare::compare(&records[a as usize], &records[b as usize]))
        .collect()
}

fn scored_and_clustered(
    records: &[Record],
    config: &Config,
    blocking: block::Blocking,
    levels: Vec<Levels>,
    model: Model,
) -> Outcome {
    let index: HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as u32))
        .collect();
    let key = |a: u32, b: u32| (a.min(b), a.max(b));
    let resolve = |pairs: &[(String, String)]| -> HashSet<(u32, u32)> {
        pairs
            .iter()
            .filter_map(|(x, y)| Some(key(*index.get(x.as_str())?, *index.get(y.as_str())?)))
            .collect()
    };
    let same = resolve(&config.known_same);
    let different = resolve(&config.known_different);

    let mut scored: Vec<ScoredPair> = blocking
        .pairs
        .par_iter()
        .zip(levels.par_iter())
        .filter_map(|(&(a, b), l)| {
            let (ra, rb) = (&records[a as usize], &records[b as usize]);
            if different.contains(&key(a, b))
                || (different_people(ra, rb, l) && !same.contains(&key(a, b)))
            {
                return None;
            }
            let weights = model.weights(ra, l);
            let probability = if same.contains(&key(a, b)) {
                1.0
            } else {
                model.probability(&weights)
            };
            (probability >= config.review_at).then_some(ScoredPair {
                a,
                b,
                probability,
                levels: *l,
                weights,
            })
        })
        .collect();
    for &(a, b) in &same {
        if !scored.iter().any(|p| key(p.a, p.b) == (a, b)) {
            let l = compare::compare(&records[a as usize], &records[b as usize]);
            let weights = model.weights(&records[a as usize], &l);
            scored.push(ScoredPair {
                a,
                b,
                probability: 1.0,
                levels: l,
                weights,
            });
        }
    }
    scored.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    let (links, review): (Vec<ScoredPair>, Vec<ScoredPair>) = scored
        .into_iter()
        .partition(|p| p.probability >= config.link_at);

    let mut edges: Vec<(u32, u32, f64)> = links
        .iter()
        .map(|p| {
            // A person's "same" decision is final (see cluster::cluster).
            let w = if same.contains(&key(p.a, p.b)) {
                f64::INFINITY
            } else {
                p.weights.iter().sum()
            };
            (p.a, p.b, w)
        })
        .collect();
    let person = cluster::cluster(records.len(), &mut edges, |x, y| {
        if same.contains(&key(x, y)) {
            return false;
        }
        if different.contains(&key(x, y)) {
            return true;
        }
        let (rx, ry) = (&records[x as usize], &records[y as usize]);
        // Only the fields `different_people` reads are compared: this runs for every pair across
        // two groups about to be joined.
        let mut levels: Levels = [0; compare::FIELDS.len()];
        levels[compare::NID] = compare::nid_level(rx, ry);
        different_people(rx, ry, &levels)
    });

    let household = households(records, &person);
    Outcome {
        person,
        household,
        links,
        review,
        candidate_pairs: blocking.pairs.len(),
        oversized_blocks: blocking.oversized.into_iter().map(|(s, _)| s).collect(),
        model,
    }
}

/// Households: each member's own registration, joined to another registration when they share
/// two persons, or one person who heads the family (or is the head's spouse) in both. One shared
/// child or relative alone is weaker evidence: a single wrong person link would otherwise merge
/// two whole families.
pub fn households(records: &[Record], person: &[usize]) -> Vec<usize> {
    use crate::normalize::Relation;
    let mut registration: HashMap<&str, u32> = HashMap::new();
    let reg_of: Vec<u32> = records
        .iter()
        .map(|r| {
            let next = registration.len() as u32;
            *registration.entry(r.household.as_str()).or_insert(next)
        })
        .collect();
    // person -> registrations it appears in, with whether it is head or spouse there.
    let mut appearances: HashMap<usize, Vec<(u32, bool)>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let core = matches!(
            r.relation,
            None | Some(Relation::Head) | Some(Relation::Spouse)
        );
        appearances
            .entry(person[i])
            .or_default()
            .push((reg_of[i], core));
    }
    // (registration, registration) -> (shared persons, a shared head or spouse in both)
    let mut shared: HashMap<(u32, u32), (u32, bool)> = HashMap::new();
    for regs in appearances.values() {
        let mut seen: HashSet<(u32, u32)> = HashSet::new();
        for x in 0..regs.len() {
            for y in x + 1..regs.len() {
                let (a, b) = (regs[x].0.min(regs[y].0), regs[x].0.max(regs[y].0));
                if a == b || !seen.insert((a, b)) {
                    continue;
                }
                let e = shared.entry((a, b)).or_default();
                e.0 += 1;
                e.1 |= regs[x].1 && regs[y].1;
            }
        }
    }
    let joined = shared
        .into_iter()
        .filter(|(_, (n, core))| *n >= 2 || *core)
        .map(|(pair, _)| pair);
    let groups = cluster::components(registration.len(), joined);
    reg_of.iter().map(|&r| groups[r as usize]).collect()
}
