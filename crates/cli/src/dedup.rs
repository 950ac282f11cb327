//! `mizalla dedup`: find the same person and household across members' CSV files.

use anyhow::{Context as _, bail};
use link::normalize::date;
use link::record::{self, RawRecord, Record};
use mizalla::registry::mapping;
use mizalla::table::export;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct DedupArgs {
    /// Members' CSV files (UTF-8, with or without BOM; headers in Arabic or English).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write `record_id,cluster_id` (one row per input record).
    #[arg(long)]
    out: PathBuf,
    /// Where to write `record_id,household_id`.
    #[arg(long)]
    households: Option<PathBuf>,
    /// Where to write linked pairs with their probability and explanation.
    #[arg(long)]
    pairs: Option<PathBuf>,
    /// Where to write uncertain pairs for people to review.
    #[arg(long)]
    review: Option<PathBuf>,
    /// Decisions people took on earlier review lists: a CSV `record_id_l,record_id_r,decision`
    /// with `same` or `different` (also `نفس الشخص` / `مختلف`). They are respected: a pair
    /// decided different is never linked or proposed again.
    #[arg(long)]
    decisions: Option<PathBuf>,
    /// Where to write the estimated model (m and u per field and level) as JSON.
    #[arg(long)]
    model: Option<PathBuf>,
    /// A CSV of `column,field` lines naming which column holds which field, for headers that
    /// are not recognised.
    #[arg(long)]
    mapping: Option<PathBuf>,
}

/// A row that could not be used, and why.
pub struct Rejected {
    pub file: String,
    pub reason: String,
}

/// Reads one member's file (CSV or XLSX), with the rows it could not use. A broken file is an
/// error naming it.
fn read_file(
    path: &Path,
    overrides: &HashMap<String, String>,
) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejected>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = mizalla::table::read_table(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mapping = mapping::auto_mapping(&table.headers, overrides);
    mapping::check_mapping(&mapping).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (headers: {}); name the columns with --mapping",
            path.display(),
            table.headers.join(", ")
        )
    })?;
    let (rows, issues) = mapping::records(&table, &mapping);
    let rejected = issues
        .iter()
        .map(|i| Rejected {
            file: path.display().to_string(),
            reason: i.to_string(),
        })
        .collect();
    let fallback_org = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raws = rows
        .into_iter()
        .map(|(_, mut raw)| {
            if raw.member_org.trim().is_empty() {
                raw.member_org = fallback_org.clone();
            }
            raw
        })
        .collect();
    Ok((raws, rejected))
}

fn read_mapping(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read mapping {}", path.display()))?;
    let mut map = HashMap::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((column, field)) = line.split_once(',') else {
            bail!(
                "{}: line {}: expected `column,field`",
                path.display(),
                i + 1
            );
        };
        let field = field.trim();
        // A first line naming the two columns is a header, as a spreadsheet would write it.
        if i == 0 && column.trim() == "column" && field == "field" {
            continue;
        }
        if mapping::field_named(field).is_none() {
            bail!(
                "{}: line {}: unknown field '{field}'",
                path.display(),
                i + 1
            );
        }
        map.insert(mizalla::table::header_key(column), field.to_owned());
    }
    Ok(map)
}

/// Reads review decisions into the pairs known to be one person and those known not to be.
/// Pairs of record ids.
type Pairs = Vec<(String, String)>;

fn read_decisions(path: &Path) -> anyhow::Result<(Pairs, Pairs)> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read decisions {}", path.display()))?;
    let (mut same, mut different) = (Vec::new(), Vec::new());
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
        let (Some(a), Some(b), Some(d)) = (row.get(0), row.get(1), row.get(2)) else {
            bail!(
                "{}: line {}: expected record_id_l,record_id_r,decision",
                path.display(),
                i + 2
            );
        };
        let pair = (a.trim().to_owned(), b.trim().to_owned());
        match mizalla::table::header_key(d).as_str() {
            "same" | "نفس الشخص" | "نفس" => same.push(pair),
            "different" | "مختلف" | "مختلفان" => different.push(pair),
            "unsure" | "غير متاكد" => {}
            other => bail!(
                "{}: line {}: decision '{other}' is not same, different or unsure",
                path.display(),
                i + 2
            ),
        }
    }
    Ok((same, different))
}

/// Writes one of the output files, through the platform's one CSV writer: a record id such as
/// `+cmd|' /C calc'!A0` reaches a spreadsheet as text, never as a formula.
fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let rows = rows.map(|r| r.into_iter().map(export::Value::Text).collect());
    export::write_csv(std::io::BufWriter::new(file), false, &header, rows)?.flush()?;
    Ok(())
}

/// Normalises one file's rows (in its own date order) onto `records`; a `record_id` already seen
/// in this run is reported and the row left out.
fn normalize_file(
    path: &Path,
    raws: &[RawRecord],
    seen: &mut HashSet<String>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) {
    let order = date::infer_order(raws.iter().map(|r| r.date_of_birth.as_str()));
    let mut kept: Vec<&RawRecord> = Vec::with_capacity(raws.len());
    for raw in raws {
        if !seen.insert(raw.record_id.clone()) {
            rejected.push(Rejected {
                file: path.display().to_string(),
                reason: format!("record_id {} appears twice", raw.record_id),
            });
            continue;
        }
        kept.push(raw);
    }
    // Normalising is a good share of a run's work, and each row stands alone.
    records.par_extend(kept.par_iter().map(|raw| record::normalize(raw, order)));
}

pub fn run(args: &DedupArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let overrides = match &args.mapping {
        Some(p) => read_mapping(p)?,
        None => HashMap::new(),
    };
    let bar = crate::progress("reading files");
    let mut rejected = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut seen = HashSet::new();
    // Files are parsed side by side, a batch of them at a time: parsing is a good share of a
    // run, and holding only a batch's rows (up to BATCH_BYTES of files, or one larger file)
    // keeps memory bounded.
    const BATCH_BYTES: u64 = 64 << 20;
    let mut read = Vec::new();
    let mut rest: &[PathBuf] = &args.files;
    while !rest.is_empty() {
        let mut bytes = 0;
        let take = rest
            .iter()
            .take_while(|p| {
                bytes += std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
                bytes <= BATCH_BYTES
            })
            .count()
            .max(1);
        let (batch, later) = rest.split_at(take);
        rest = later;
        read.clear();
        read.par_extend(batch.par_iter().map(|p| read_file(p, &overrides)));
        for (path, result) in batch.iter().zip(read.drain(..)) {
            let (raws, problems) = result?;
            rejected.extend(problems);
            normalize_file(path, &raws, &mut seen, &mut records, &mut rejected);
        }
    }
    record::count_names(&mut records);
    bar.set_message(format!("matching {} records", records.len()));
    let mut config = link::pipeline::Config::default();
    if let Some(path) = &args.decisions {
        (config.known_same, config.known_different) = read_decisions(path)?;
    }
    let outcome = link::pipeline::run(&records, &config);
    bar.finish_and_clear();

    write_csv(
        &args.out,
        &["record_id", "cluster_id"],
        records
            .iter()
            .zip(&outcome.person)
            .map(|(r, p)| vec![r.id.clone(), format!("P{p}")]),
    )?;
    if let Some(path) = &args.households {
        write_csv(
            path,
            &["record_id", "household_id"],
            records
                .iter()
                .zip(&outcome.household)
                .map(|(r, h)| vec![r.id.clone(), format!("H{h}")]),
        )?;
    }
    let pair_rows = |pairs: &[link::pipeline::ScoredPair]| -> Vec<Vec<String>> {
        pairs
            .iter()
            .map(|p| {
                vec![
                    records[p.a as usize].id.clone(),
                    records[p.b as usize].id.clone(),
                    format!("{:.4}", p.probability),
                    // A terminal's user reads the engine's own terms.
                    p.evidence()
                        .iter()
                        .map(|e| format!("{}: {} ({:+.1})", e.field, e.level_name(), e.weight))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect()
    };
    if let Some(path) = &args.pairs {
        write_csv(
            path,
            &["record_id_l", "record_id_r", "probability", "explanation"],
            pair_rows(&outcome.links).into_iter(),
        )?;
    }
    if let Some(path) = &args.review {
        write_csv(
            path,
            &["record_id_l", "record_id_r", "probability", "explanation"],
            pair_rows(&outcome.review).into_iter(),
        )?;
    }
    if let Some(path) = &args.model {
        std::fs::write(path, serde_json::to_string_pretty(&outcome.model)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    let persons = outcome.person.iter().collect::<HashSet<_>>().len();
    let cross = outcome
        .links
        .iter()
        .filter(|p| records[p.a as usize].org != records[p.b as usize].org)
        .count();
    let mut problems: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        for p in &r.problems {
            *problems.entry(p.describe()).or_default() += 1;
        }
    }
    eprintln!("records read:            {}", records.len());
    eprintln!("persons:                 {persons}");
    eprintln!(
        "households:              {}",
        outcome.household.iter().collect::<HashSet<_>>().len()
    );
    eprintln!(
        "linked pairs:            {} ({cross} across members)",
        outcome.links.len()
    );
    eprintln!("pairs for review:        {}", outcome.review.len());
    eprintln!("candidate pairs:         {}", outcome.candidate_pairs);
    for (what, n) in &problems {
        eprintln!("rows with a problem:     {n:>6}  {what} (used as far as possible)");
    }
    for r in &rejected {
        eprintln!("row not used:            {}: {}", r.file, r.reason);
    }
    for b in &outcome.oversized_blocks {
        eprintln!("warning: blocking key skipped, too common: {b}");
    }
    eprintln!(
        "time:                    {:.2} s",
        start.elapsed().as_secs_f64()
    );
    // The command ends here: freeing every record one by one would only add to its time.
    std::mem::forget((records, outcome));
    Ok(())
}
