//! Online mode on dev-small: one member's records asked one by one against an index of the
//! other members' registrations.

use link::normalize::date;
use link::online::Index;
use link::pipeline::{self, Config};
use link::record::{self, RawRecord, Record};
use std::collections::HashMap;
use std::path::Path;

fn load(dir: &Path, file: &str) -> Vec<Record> {
    let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
    let raws: Vec<RawRecord> = reader.deserialize().map(|r| r.unwrap()).collect();
    let order = date::infer_order(raws.iter().map(|r| r.date_of_birth.as_str()));
    raws.iter().map(|r| record::normalize(r, order)).collect()
}

#[test]
fn a_new_registration_finds_its_person_in_the_registry() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dev-small");
    let truth: HashMap<String, String> = csv::Reader::from_path(dir.join("truth_records.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_owned(), r[2].to_owned()))
        .collect();
    let mut registry: Vec<Record> = (1..=7)
        .flat_map(|i| load(&dir, &format!("ngo{i:02}.csv")))
        .collect();
    // Probes arrive one by one: only the registry's names are counted; the index counts each
    // probe's names against them.
    let probes = load(&dir, "ngo08.csv");
    record::count_names(&mut registry);
    let estimated = pipeline::run(&registry, &Config::default()).model;
    // The model as a registry stores it between runs, its name frequencies counted again.
    let stored = serde_json::to_string(&estimated).unwrap();
    let model = serde_json::from_str::<link::model::Model>(&stored)
        .unwrap()
        .with_names(&registry);
    let registered: std::collections::HashSet<&str> =
        registry.iter().map(|r| truth[&r.id].as_str()).collect();
    let index = Index::build(registry, model, 400);
    let (mut found, mut should_find, mut false_alarm, mut new_people) = (0, 0, 0, 0);
    for probe in &probes {
        let candidates = index.query(probe, 0.5);
        let top = candidates.first().filter(|c| c.probability >= 0.9);
        let person = truth[&probe.id].as_str();
        if registered.contains(person) {
            should_find += 1;
            if top.is_some_and(|c| truth[&index.record(c.record).id] == person) {
                found += 1;
                assert!(
                    top.unwrap()
                        .evidence()
                        .iter()
                        .any(|e| e.field == "first_name")
                );
            }
        } else {
            new_people += 1;
            if top.is_some() {
                false_alarm += 1;
            }
        }
    }
    eprintln!("found {found}/{should_find}; false alarms {false_alarm}/{new_people}");
    assert!(
        found as f64 >= 0.9 * should_find as f64,
        "found {found}/{should_find}"
    );
    assert!(
        false_alarm as f64 <= 0.05 * new_people.max(1) as f64,
        "false alarms {false_alarm}/{new_people}"
    );
}

/// Persons as sets of record ids, to compare two groupings whatever their numbers.
fn groups(records: &[Record], person: &[usize]) -> std::collections::BTreeSet<Vec<String>> {
    let mut by: HashMap<usize, Vec<String>> = HashMap::new();
    for (r, p) in records.iter().zip(person) {
        by.entry(*p).or_default().push(r.id.clone());
    }
    by.into_values()
        .map(|mut ids| {
            ids.sort();
            ids
        })
        .collect()
}

#[test]
fn a_part_closed_under_persons_links_as_the_whole_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dev-small");
    let mut all: Vec<Record> = (1..=8)
        .flat_map(|i| load(&dir, &format!("ngo{i:02}.csv")))
        .collect();
    record::count_names(&mut all);
    let whole = pipeline::run(&all, &Config::default());
    // The persons of one member's records, whole, with the model the whole run estimated: the
    // part is linked as the whole linked it.
    let touched: std::collections::HashSet<usize> = all
        .iter()
        .zip(&whole.person)
        .filter(|(r, _)| r.org == all[0].org)
        .map(|(_, &p)| p)
        .collect();
    let (part, part_person): (Vec<Record>, Vec<usize>) = all
        .iter()
        .zip(&whole.person)
        .filter(|(_, p)| touched.contains(p))
        .map(|(r, &p)| (r.clone(), p))
        .unzip();
    assert!(part.len() < all.len() && part.len() > 100, "{}", part.len());
    let linked = pipeline::run_part(&part, &Config::default(), &whole.model, &|_| false);
    assert_eq!(groups(&part, &linked.person), groups(&part, &part_person));
    // A key the whole registry holds too often is skipped in the part too: with every key
    // skipped, nothing is compared and every record is a person of its own.
    let alone = pipeline::run_part(&part, &Config::default(), &whole.model, &|_| true);
    assert_eq!(alone.candidate_pairs, 0);
    assert_eq!(groups(&part, &alone.person).len(), part.len());
}
