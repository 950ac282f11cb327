//! Expectation maximisation recovers known parameters from synthetic data with no labels.

use link::compare::{DOB, FIELDS, FIRST, LEVEL_NAMES, Levels, NID};
use link::model::Model;
use link::record::{RawRecord, normalize};

/// A small deterministic generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
}

/// Draws levels for one pair from known m (if a match) or u probabilities.
fn draw(rng: &mut Rng, probs: &[Vec<f64>]) -> Levels {
    let mut l: Levels = [0; FIELDS.len()];
    for (k, row) in probs.iter().enumerate() {
        let x = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
        let mut acc = 0.0;
        l[k] = (row.len() - 1) as u8;
        for (lvl, p) in row.iter().enumerate().skip(1) {
            acc += p;
            if x < acc {
                l[k] = lvl as u8;
                break;
            }
        }
    }
    l
}

#[test]
fn em_recovers_the_m_probabilities_it_was_generated_from() {
    // Known m, far from EM's starting point (0.75 for "same"): matches agree on the first
    // name 60 % of the time and are a near spelling 30 %.
    let mut m: Vec<Vec<f64>> = LEVEL_NAMES
        .iter()
        .map(|n| {
            let mut row = vec![0.0; n.len()];
            row[1] = 0.9;
            row[n.len() - 1] = 0.1;
            row
        })
        .collect();
    m[FIRST] = vec![0.0, 0.60, 0.30, 0.04, 0.05, 0.01];
    m[DOB] = vec![0.0, 0.85, 0.05, 0.05, 0.03, 0.02];
    m[NID] = vec![0.0, 0.95, 0.0, 0.03, 0.02];
    let u: Vec<Vec<f64>> = LEVEL_NAMES
        .iter()
        .map(|n| {
            let mut row = vec![0.0; n.len()];
            row[1] = 0.01;
            row[n.len() - 1] = 0.99;
            row
        })
        .collect();
    let mut rng = Rng(42);
    let mut levels = Vec::new();
    for i in 0..40_000 {
        let is_match = rng.chance(0.3);
        let mut l = draw(&mut rng, if is_match { &m } else { &u });
        // The training sets are chosen by agreement on ID, or on first name and date of birth.
        if i % 2 == 0 {
            l[NID] = if is_match { 1 } else { l[NID] };
        }
        levels.push(l);
    }
    // u is measured on random pairs of records; a handful of distinct records suffice here.
    let records: Vec<_> = (0..50)
        .map(|i| {
            normalize(
                &RawRecord {
                    record_id: i.to_string(),
                    full_name: format!("name{i} x y"),
                    ..Default::default()
                },
                link::normalize::date::Order::DayFirst,
            )
        })
        .collect();
    let model = Model::estimate(&records, &levels, 1_000, 30);
    let got = model.m[FIRST][1];
    assert!(
        (got - 0.60).abs() < 0.04,
        "m(first name same) = {got:.3}, generated with 0.60"
    );
    let got = model.m[FIRST][2];
    assert!(
        (got - 0.30).abs() < 0.04,
        "m(first name near) = {got:.3}, generated with 0.30"
    );
    let got = model.m[FIRST][4];
    assert!(
        (got - 0.05).abs() < 0.03,
        "m(first name different) = {got:.3}, generated with 0.05"
    );
}
