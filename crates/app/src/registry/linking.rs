//! The registry's registrations through the linkage engine: persons, households and the pairs
//! people should decide, with numbers that stay stable from one re-link to the next.

use super::store::{self, Stored};
use link::normalize::date::Order;
use link::record::{self, Problem, RawRecord, Record};
use std::collections::HashMap;

/// The stored registrations as the engine sees them, normalised on all cores.
pub fn entries(stored: &[Stored]) -> Vec<Entry> {
    use rayon::prelude::*;
    stored.par_iter().map(Entry::stored).collect()
}

/// One registration as the engine sees it.
pub struct Entry {
    pub record: Record,
    pub problems: Vec<Problem>,
}

impl Entry {
    pub fn stored(s: &Stored) -> Entry {
        Entry::of(&s.raw(), store::parse_order(&s.date_order))
    }

    /// A row of a file being planned; `replaces` is the stored registration with the same key.
    pub fn incoming(
        raw: &RawRecord,
        org_code: &str,
        order: Order,
        replaces: Option<&Stored>,
    ) -> Entry {
        let mut raw = raw.clone();
        raw.member_org = org_code.to_owned();
        // Keys of the engine's records must be unique across the registry.
        raw.record_id = match replaces {
            Some(s) => s.id.to_string(),
            None => format!("new:{}", raw.record_id),
        };
        Entry::of(&raw, order)
    }

    fn of(raw: &RawRecord, order: Order) -> Entry {
        let record = record::normalize(raw, order);
        Entry {
            problems: record.problems.clone(),
            record,
        }
    }
}

/// The outcome of a linkage: person and household number per entry (0-based, arbitrary), and the
/// pairs for review as (entry, entry, probability, explanation).
pub struct Linking {
    pub person: Vec<usize>,
    pub household: Vec<usize>,
    pub review: Vec<(usize, usize, f64, String)>,
    /// The engine's records (names counted) and the model it estimated: the online index.
    pub records: Vec<Record>,
    pub model: link::model::Model,
}

/// Links `entries`, respecting people's decisions `(record id, record id, same?)`.
pub fn link(entries: &[Entry], decisions: &[(i64, i64, bool)]) -> Linking {
    let mut records: Vec<Record> = entries.iter().map(|e| e.record.clone()).collect();
    record::count_names(&mut records);
    let mut config = link::pipeline::Config::default();
    for &(l, r, same) in decisions {
        let pair = (l.to_string(), r.to_string());
        if same {
            config.known_same.push(pair);
        } else {
            config.known_different.push(pair);
        }
    }
    let outcome = link::pipeline::run(&records, &config);
    Linking {
        person: outcome.person,
        household: outcome.household,
        review: outcome
            .review
            .iter()
            .map(|p| {
                let evidence = super::explain::to_stored(&p.evidence());
                (p.a as usize, p.b as usize, p.probability, evidence)
            })
            .collect(),
        records,
        model: outcome.model,
    }
}

/// Registry numbers for the groups in `group` (one per entry): each group keeps the number most
/// of its entries had before (`old`, 0 = none), largest claims first; other groups get new
/// numbers above `max_old`.
pub fn stable_ids(old: &[i64], group: &[usize], max_old: i64) -> Vec<i64> {
    let mut votes: HashMap<(usize, i64), usize> = HashMap::new();
    for (&g, &o) in group.iter().zip(old) {
        if o != 0 {
            *votes.entry((g, o)).or_default() += 1;
        }
    }
    let mut claims: Vec<((usize, i64), usize)> = votes.into_iter().collect();
    claims.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.1.cmp(&b.0.1))
            .then(a.0.0.cmp(&b.0.0))
    });
    let mut number: HashMap<usize, i64> = HashMap::new();
    let mut taken: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for ((g, o), _) in claims {
        if !number.contains_key(&g) && taken.insert(o) {
            number.insert(g, o);
        }
    }
    let mut next = max_old;
    group
        .iter()
        .map(|g| {
            *number.entry(*g).or_insert_with(|| {
                next += 1;
                next
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::stable_ids;

    #[test]
    fn numbers_survive_relinks_merges_and_splits() {
        // First link: nothing numbered yet.
        assert_eq!(stable_ids(&[0, 0, 0], &[0, 0, 1], 0), [1, 1, 2]);
        // A new entry joins person 2; another is new.
        assert_eq!(
            stable_ids(&[1, 1, 2, 0, 0], &[0, 0, 1, 1, 2], 2),
            [1, 1, 2, 2, 3]
        );
        // Persons 1 and 2 merge: the larger keeps its number.
        assert_eq!(stable_ids(&[1, 1, 2], &[5, 5, 5], 2), [1, 1, 1]);
        // Person 1 splits: the larger part keeps 1, the other part gets a new number.
        assert_eq!(stable_ids(&[1, 1, 1], &[0, 0, 1], 3), [1, 1, 4]);
    }
}
