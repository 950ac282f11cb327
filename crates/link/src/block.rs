//! Blocking: candidate pairs from several rules at once, each block bounded in size so that a
//! very common key (a volunteer's phone) costs a warning, never a hang.

use crate::record::Record;
use crate::stable_hash as key;

use rayon::prelude::*;

/// What blocking did: pairs, and the keys skipped for being too common.
pub struct Blocking {
    pub pairs: Vec<(u32, u32)>,
    pub oversized: Vec<(String, usize)>,
}

/// A rule adds the keys of a record to the list it is given. A key is the hash
/// ([`crate::stable_hash`]) of what two records must share: a million records carry millions
/// of keys, and hashing them saves spelling each out as a string; a rare collision only adds a
/// pair that scoring rejects.
type KeyFn = fn(&Record, &mut Vec<u64>);

fn birth_year(r: &Record) -> Option<i32> {
    r.dob.map(|d| d.year)
}

/// The full date of birth as written on the row, when it is one: not a bare year, an age, or the
/// 1 January that stands in for an unknown day.
fn birth_date(r: &Record) -> Option<(i32, u8, u8)> {
    let d = r.dob.filter(|d| !r.dob_approx && !d.is_placeholder_day())?;
    Some((d.year, d.month?, d.day?))
}

/// The rules: each gives zero or more keys per record; records sharing a key are compared.
pub const RULES: [(&str, KeyFn); 10] = [
    ("national ID", |r, keys| keys.extend(r.id_digits().map(key))),
    ("ID birth part", |r, keys| {
        if let Some(d) = r.id_digits().filter(|d| d.len() == 14) {
            keys.push(key((&d[..7], &d[11..])));
        }
    }),
    ("ID tail", |r, keys| {
        if let Some(d) = r.id_digits().filter(|d| d.len() == 14) {
            keys.push(key(&d[5..]));
        }
    }),
    // Either half of another identity number: one mistyped character leaves the other half.
    ("other ID half", |r, keys| {
        let Some(id) = &r.other_id else { return };
        let chars = id.chars().count();
        match id.char_indices().nth(chars / 2) {
            Some((mid, _)) if chars >= 6 => {
                keys.push(key(('<', &id[..mid])));
                keys.push(key(('>', &id[mid..])));
            }
            _ => keys.push(key(id)),
        }
    }),
    ("phone", |r, keys| keys.extend(r.phone.as_ref().map(key))),
    // Within a governorate: محمد born in 1980 is hundreds of people nationwide.
    ("first name + birth year + governorate", |r, keys| {
        if let (Some(f), Some(y)) = (r.skeletons.first(), birth_year(r)) {
            keys.push(key((f, y, r.governorate)));
        }
    }),
    // Swapped or misspelt names: one name part on the same day of birth is enough to compare.
    ("birth date + any name part", |r, keys| {
        if let Some(date) = birth_date(r) {
            keys.extend(r.skeletons.iter().map(|s| key((date, s))));
        }
    }),
    // With the third name when there is one: first + father alone (محمد احمد) makes blocks of
    // hundreds of unrelated people, and a chain that differs further on is still brought
    // together by its birth date, its last name or its numbers.
    ("first + father + grandfather name", |r, keys| {
        if let (Some(f), Some(p)) = (r.skeletons.first(), r.skeletons.get(1)) {
            keys.push(key((f, p, r.skeletons.get(2))));
        }
    }),
    // The same three names as their letters' shapes: a name typed from a scanned form, dots
    // read for others (يوسف as نوسق), meets its spelling (Arabic names only).
    ("letter shapes of the first three names", |r, keys| {
        if let (Some(f), Some(p)) = (r.shape_hashes.first(), r.shape_hashes.get(1)) {
            keys.push(key(('~', f, p, r.shape_hashes.get(2))));
        }
    }),
    ("first + last name + governorate", |r, keys| {
        if let (Some(f), Some(l), Some(g)) =
            (r.skeletons.first(), r.skeletons.last(), r.governorate)
            && r.skeletons.len() > 1
        {
            keys.push(key((f, l, g)));
        }
    }),
];

/// The keys a record has under `rule`.
pub fn keys_of(rule: KeyFn, r: &Record) -> Vec<u64> {
    let mut keys = Vec::new();
    rule(r, &mut keys);
    keys
}

/// A key of rule number `rule` as an index across rules holds it: records that share it are
/// compared.
pub fn indexed(rule: usize, rule_key: u64) -> u64 {
    key((rule, rule_key))
}

/// A name part ([`Record::name_hashes`]) as an index holds it beside the blocking keys, to count
/// how many records carry it.
pub fn name_key(name_hash: u64) -> u64 {
    key(("name", name_hash))
}

/// Every key of `r` an index across rules holds ([`indexed`]), without repeats.
pub fn indexed_keys(r: &Record) -> Vec<u64> {
    let mut out = Vec::new();
    let mut keys = Vec::new();
    for (rule, (_, key_fn)) in RULES.iter().enumerate() {
        keys.clear();
        key_fn(r, &mut keys);
        out.extend(keys.iter().map(|&k| indexed(rule, k)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// What stored keys ([`indexed`], [`name_key`]) mean: it changes whenever a rule, the hash or
/// the normalisation the keys are made from changes, and an index stored with another revision
/// must be rebuilt.
pub fn keys_revision() -> String {
    // The hash's own value on a fixed input: a toolchain whose hasher differs gives other keys.
    let rules: Vec<&str> = RULES.iter().map(|(name, _)| *name).collect();
    format!("1-{:016x}", key(("mizalla", rules)))
}

/// Candidate pairs `(i, j)` with `i < j`, without repeats, from every rule (the rules run in
/// parallel).
pub fn candidate_pairs(records: &[Record], max_block: usize) -> Blocking {
    candidate_pairs_except(records, max_block, &|_| false)
}

/// [`candidate_pairs`] of a part of a registry, without the keys `too_common` names (by
/// [`indexed`]): keys the whole registry holds too often, though the part holds them rarely.
pub fn candidate_pairs_except(
    records: &[Record],
    max_block: usize,
    too_common: &(dyn Fn(u64) -> bool + Sync),
) -> Blocking {
    let per_rule: Vec<Blocking> = RULES
        .par_iter()
        .enumerate()
        .map(|(number, (name, rule))| {
            // (key, record), sorted: the records sharing a key come together, without a map.
            let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(records.len());
            let mut keys = Vec::new();
            for (i, r) in records.iter().enumerate() {
                keys.clear();
                rule(r, &mut keys);
                keyed.extend(keys.iter().map(|&k| (k, i as u32)));
            }
            keyed.sort_unstable();
            keyed.dedup();
            let (mut pairs, mut oversized) = (Vec::new(), Vec::new());
            for block in keyed.chunk_by(|x, y| x.0 == y.0) {
                if too_common(indexed(number, block[0].0)) {
                    continue;
                }
                if block.len() > max_block {
                    oversized.push((
                        format!("{name}: {} records share one key", block.len()),
                        block.len(),
                    ));
                    continue;
                }
                for x in 0..block.len() {
                    for y in x + 1..block.len() {
                        pairs.push((block[x].1, block[y].1));
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
