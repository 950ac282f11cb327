//! Blocking: candidate pairs from several rules at once, each block bounded in size so that a
//! very common key (a volunteer's phone, محمد + 1980) costs a warning, never a hang.

use crate::record::Record;
use rayon::prelude::*;
use std::collections::HashMap;

/// What blocking did: pairs, and the keys skipped for being too common.
pub struct Blocking {
    pub pairs: Vec<(u32, u32)>,
    pub oversized: Vec<(String, usize)>,
}

type KeyFn = fn(&Record) -> Vec<String>;

fn birth_year(r: &Record) -> Option<i32> {
    r.dob.map(|d| d.year)
}

/// The rules: each gives zero or more keys per record; records sharing a key are compared.
pub const RULES: [(&str, KeyFn); 8] = [
    ("national ID", |r| {
        r.id_digits()
            .map(|d| vec![d.to_owned()])
            .unwrap_or_default()
    }),
    ("ID birth part", |r| {
        r.id_digits()
            .filter(|d| d.len() == 14)
            .map(|d| vec![format!("{}|{}", &d[..7], &d[11..])])
            .unwrap_or_default()
    }),
    ("ID tail", |r| {
        r.id_digits()
            .filter(|d| d.len() == 14)
            .map(|d| vec![d[5..].to_owned()])
            .unwrap_or_default()
    }),
    ("other ID", |r| r.other_id.iter().cloned().collect()),
    ("phone", |r| r.phone.iter().cloned().collect()),
    ("first name + birth year", |r| {
        match (r.skeletons.first(), birth_year(r)) {
            (Some(f), Some(y)) => vec![format!("{f}|{y}")],
            _ => vec![],
        }
    }),
    ("first + father name", |r| {
        match (r.skeletons.first(), r.skeletons.get(1)) {
            (Some(f), Some(p)) => vec![format!("{f}|{p}")],
            _ => vec![],
        }
    }),
    ("first + last name + governorate", |r| {
        match (r.skeletons.first(), r.skeletons.last(), r.governorate) {
            (Some(f), Some(l), Some(g)) if r.skeletons.len() > 1 => vec![format!("{f}|{l}|{g}")],
            _ => vec![],
        }
    }),
];

/// Candidate pairs `(i, j)` with `i < j`, without repeats, from every rule (the rules run in
/// parallel).
pub fn candidate_pairs(records: &[Record], max_block: usize) -> Blocking {
    let per_rule: Vec<Blocking> = RULES
        .par_iter()
        .map(|(name, rule)| {
            let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, r) in records.iter().enumerate() {
                for key in rule(r) {
                    if !key.is_empty() {
                        blocks.entry(key).or_default().push(i as u32);
                    }
                }
            }
            let (mut pairs, mut oversized) = (Vec::new(), Vec::new());
            for members in blocks.into_values() {
                if members.len() > max_block {
                    oversized.push((
                        format!("{name}: {} records share one key", members.len()),
                        members.len(),
                    ));
                    continue;
                }
                for x in 0..members.len() {
                    for y in x + 1..members.len() {
                        pairs.push((members[x], members[y]));
                    }
                }
            }
            Blocking { pairs, oversized }
        })
        .collect();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut oversized = Vec::new();
    for rule in per_rule {
        pairs.extend(rule.pairs);
        oversized.extend(rule.oversized);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    Blocking { pairs, oversized }
}
