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

/// The full date of birth as written on the row, when it is one: not a bare year, an age, or the
/// 1 January that stands in for an unknown day.
fn birth_date(r: &Record) -> Option<String> {
    let d = r.dob.filter(|d| !r.dob_approx && !d.is_placeholder_day())?;
    Some(format!("{}-{}-{}", d.year, d.month?, d.day?))
}

/// The rules: each gives zero or more keys per record; records sharing a key are compared.
pub const RULES: [(&str, KeyFn); 9] = [
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
    // Either half of another identity number: one mistyped character leaves the other half.
    ("other ID half", |r| {
        let Some(id) = &r.other_id else {
            return vec![];
        };
        let chars = id.chars().count();
        match id.char_indices().nth(chars / 2) {
            Some((mid, _)) if chars >= 6 => {
                vec![format!("<{}", &id[..mid]), format!(">{}", &id[mid..])]
            }
            _ => vec![id.clone()],
        }
    }),
    ("phone", |r| r.phone.iter().cloned().collect()),
    ("first name + birth year", |r| {
        match (r.skeletons.first(), birth_year(r)) {
            (Some(f), Some(y)) => vec![format!("{f}|{y}")],
            _ => vec![],
        }
    }),
    // Swapped or misspelt names: one name part on the same day of birth is enough to compare.
    ("birth date + any name part", |r| match birth_date(r) {
        Some(date) => r.skeletons.iter().map(|s| format!("{date}|{s}")).collect(),
        None => vec![],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::date::Order;
    use crate::record::{RawRecord, normalize};

    fn pairs_of(rows: &[(&str, &str, &str)]) -> Vec<(u32, u32)> {
        let records: Vec<Record> = rows
            .iter()
            .enumerate()
            .map(|(i, &(name, dob, other_id))| {
                normalize(
                    &RawRecord {
                        record_id: i.to_string(),
                        full_name: name.into(),
                        date_of_birth: dob.into(),
                        other_id: other_id.into(),
                        ..RawRecord::default()
                    },
                    Order::DayFirst,
                )
            })
            .collect();
        candidate_pairs(&records, 400).pairs
    }

    #[test]
    fn a_mistyped_other_id_still_brings_its_pair() {
        let pairs = pairs_of(&[
            ("laura hefford", "", "4977825"),
            ("laur a heford", "", "4977852"),
            ("sam wilkins", "", "9505241"),
        ]);
        assert_eq!(pairs, [(0, 1)]);
    }

    #[test]
    fn swapped_names_born_the_same_day_are_compared() {
        let pairs = pairs_of(&[
            ("danny stephenson", "1983-10-19", ""),
            ("stephenson danny", "1983-10-19", ""),
            // 1 January stands for an unknown day: not enough to compare on.
            ("ali hassan", "1983-01-01", ""),
            ("hassan omar", "1983-01-01", ""),
        ]);
        assert_eq!(pairs, [(0, 1)]);
    }
}
