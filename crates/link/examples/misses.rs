//! Why true pairs were missed: runs the batch on a labelled set and, for the pairs of one person
//! that ended in two persons, says whether blocking brought them together and how each field
//! weighed. A tool for whoever tunes the engine (`bench/habits.py` makes sets with new habits).
//!
//!     cargo run --release -p mizalla-link --example misses -- DIR [TAG] [HOW_MANY] [CLUSTERS]
//!
//! DIR holds member files and `truth_records.csv`; TAG (a corruption tag of the truth, e.g.
//! `gender_wrong` or `habit_scan`; empty for all) restricts the pairs shown to those where one
//! record carries it; HOW_MANY (default 15) is how many are shown; CLUSTERS, when given, is where
//! the clustering is written (`record_id,cluster_id`, for the set's `score.py`).

use link::compare::{self, FIELDS};
use link::normalize::date;
use link::pipeline::{self, Config};
use link::record::{self, RawRecord, Record};
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(args.first().expect("DIR"));
    let tag = args.get(1).filter(|t| !t.is_empty()).cloned();
    let how_many: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(15);
    let mut truth: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for row in csv::Reader::from_path(dir.join("truth_records.csv"))
        .expect("truth_records.csv")
        .records()
    {
        let row = row.expect("truth row");
        let tags = row[4]
            .split(';')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        truth.insert(row[0].to_owned(), (row[2].to_owned(), tags));
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.ends_with(".csv") && !name.starts_with(['t', 'o']) && !name.starts_with("hard")
        })
        .collect();
    files.sort();
    let mut records: Vec<Record> = Vec::new();
    let read = std::time::Instant::now();
    for f in &files {
        let mut reader = csv::Reader::from_path(f).expect("member file");
        let raws: Vec<RawRecord> = reader.deserialize().map(|r| r.expect("row")).collect();
        let order = date::infer_order(raws.iter().map(|r| r.date_of_birth.as_str()));
        records.extend(raws.iter().map(|r| record::normalize(r, order)));
    }
    eprintln!(
        "{} records read and normalised in {:.2?}",
        records.len(),
        read.elapsed()
    );
    record::count_names(&mut records);
    let started = std::time::Instant::now();
    let outcome = pipeline::run(&records, &Config::default());
    eprintln!(
        "{} records linked in {:.2?}",
        records.len(),
        started.elapsed()
    );
    if let Some(out) = args.get(3) {
        let mut w = csv::Writer::from_path(out).expect("CLUSTERS");
        w.write_record(["record_id", "cluster_id"]).expect("write");
        for (r, p) in records.iter().zip(&outcome.person) {
            w.write_record([r.id.as_str(), &p.to_string()])
                .expect("write");
        }
    }
    let candidates: HashSet<(u32, u32)> = link::block::candidate_pairs(&records, 400)
        .pairs
        .into_iter()
        .collect();
    let mut by_person: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_person
            .entry(truth[&r.id].0.as_str())
            .or_default()
            .push(i as u32);
    }
    let has = |i: u32, t: &str| truth[&records[i as usize].id].1.iter().any(|x| x == t);
    let (mut missed, mut shown, mut total) = (0, 0, 0);
    let mut reasons: HashMap<&str, usize> = HashMap::new();
    for members in by_person.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if let Some(t) = &tag
                    && has(a, t) == has(b, t)
                {
                    continue;
                }
                total += 1;
                if outcome.person[a as usize] == outcome.person[b as usize] {
                    continue;
                }
                missed += 1;
                let (ra, rb) = (&records[a as usize], &records[b as usize]);
                let levels = compare::compare(ra, rb);
                let weights = outcome.model.weights(ra, &levels);
                let p = outcome.model.probability(&weights);
                let blocked = candidates.contains(&(a.min(b), a.max(b)));
                let reason = if !blocked {
                    "not a candidate"
                } else if p >= 0.9 {
                    "linked, kept apart in clustering"
                } else if p >= 0.5 {
                    "for review"
                } else {
                    "scored below review"
                };
                *reasons.entry(reason).or_default() += 1;
                if shown < how_many {
                    shown += 1;
                    println!("{reason}: p {p:.3}");
                    for r in [ra, rb] {
                        println!(
                            "  {} {:?} male {:?} dob {:?} id {:?} phone {:?} gov {:?} {:?}",
                            r.id,
                            r.names,
                            r.male,
                            r.dob.map(|d| (d.year, d.month, d.day)),
                            r.id_digits(),
                            r.phone,
                            r.governorate,
                            truth[&r.id].1
                        );
                    }
                    let said: Vec<String> = (0..FIELDS.len())
                        .filter(|&k| levels[k] > 0)
                        .map(|k| {
                            format!(
                                "{} {} {:+.1}",
                                FIELDS[k],
                                compare::LEVEL_NAMES[k][levels[k] as usize],
                                weights[k]
                            )
                        })
                        .collect();
                    println!("  {}", said.join("; "));
                }
            }
        }
    }
    println!("missed {missed} of {total} pairs: {reasons:?}");
}
