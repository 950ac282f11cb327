//! Online mode at scale: "is this person already registered?" against an index of a large
//! registry, one query at a time, with the latency of every query (p50, p99, max).
//!
//!   cargo bench -p mizalla-link --bench online -- DIR [PROBES]
//!
//! DIR holds member files `ngo01.csv`… (a scale set from `bench/scale_set.py`; `bench/online.sh`
//! builds one of 1,000,000 records). Every member but the last is the registry; the last member's
//! records are the probes, as a member checking its beneficiaries one by one before registering
//! them would ask. The model is estimated by a batch run on the registry's first 50,000 records
//! (as a registry keeps the model of its last run) and its name frequencies counted on the whole.

use link::normalize::date;
use link::online::Index;
use link::pipeline::{self, Config};
use link::record::{self, RawRecord, Record};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn load(path: &Path) -> Vec<Record> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let raws: Vec<RawRecord> = reader.deserialize().map(|r| r.unwrap()).collect();
    let order = date::infer_order(raws.iter().map(|r| r.date_of_birth.as_str()));
    raws.par_iter()
        .map(|r| record::normalize(r, order))
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench -p mizalla-link --bench online -- DIR [PROBES]");
        return;
    };
    let wanted: usize = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(10_000);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("ngo"))
        .collect();
    files.sort();
    let probe_file = files.pop().expect("member files in DIR");
    let t = Instant::now();
    let mut registry: Vec<Record> = files.iter().flat_map(|f| load(f)).collect();
    record::count_names(&mut registry);
    let probes: Vec<Record> = load(&probe_file);
    let step = (probes.len() / wanted).max(1);
    let probes: Vec<&Record> = probes.iter().step_by(step).take(wanted).collect();
    eprintln!(
        "read {} registered records and {} probes in {:.1} s",
        registry.len(),
        probes.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let sample = &registry[..registry.len().min(50_000)];
    let model = pipeline::run(sample, &Config::default())
        .model
        .with_names(&registry);
    eprintln!("model estimated in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let n = registry.len();
    let index = Index::build(registry, model, Config::default().max_block);
    eprintln!(
        "index of {n} records built in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Warm-up, then every query timed on its own, one at a time.
    for p in probes.iter().take(200) {
        std::hint::black_box(index.query(p, 0.5));
    }
    let mut micros: Vec<f64> = Vec::with_capacity(probes.len());
    let mut found = 0;
    let t = Instant::now();
    for p in &probes {
        let q = Instant::now();
        let candidates = index.query(p, 0.5);
        micros.push(q.elapsed().as_secs_f64() * 1e6);
        if candidates.first().is_some_and(|c| c.probability >= 0.9) {
            found += 1;
        }
    }
    let total = t.elapsed().as_secs_f64();
    micros.sort_by(f64::total_cmp);
    println!(
        "| registry records | queries | p50 µs | p99 µs | max µs | queries/s (1 thread) | probes with a likely match |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {n} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {found} |",
        micros.len(),
        percentile(&micros, 0.5),
        percentile(&micros, 0.99),
        micros.last().unwrap(),
        micros.len() as f64 / total,
    );
}
