//! `mizalla dedup`: find the same person and household across members' CSV files.

use anyhow::{Context as _, bail};
use link::normalize::date;
use link::record::{self, RawRecord, Record};
use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
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

/// Header spellings recognised for each field (compared folded: case, hamza, spaces ignored).
const HEADERS: [(&str, &[&str]); 19] = [
    (
        "record_id",
        &[
            "record_id",
            "record id",
            "id",
            "رقم السجل",
            "كود",
            "الكود",
            "مسلسل",
        ],
    ),
    (
        "member_org",
        &[
            "member_org",
            "org",
            "organisation",
            "organization",
            "الجمعيه",
            "الجهه",
        ],
    ),
    (
        "household_ref",
        &[
            "household_ref",
            "household",
            "family_id",
            "رقم الاسره",
            "رقم الملف",
            "كود الاسره",
        ],
    ),
    (
        "relation_to_head",
        &[
            "relation_to_head",
            "relation",
            "صله القرابه",
            "الصله",
            "صله",
        ],
    ),
    (
        "full_name",
        &[
            "full_name",
            "name",
            "full name",
            "الاسم",
            "الاسم بالكامل",
            "الاسم رباعي",
            "اسم المستفيد",
        ],
    ),
    ("first_name", &["first_name", "first name", "الاسم الاول"]),
    (
        "father_name",
        &[
            "father_name",
            "middle_name",
            "middle name",
            "father name",
            "اسم الاب",
        ],
    ),
    (
        "grandfather_name",
        &["grandfather_name", "grandfather name", "اسم الجد"],
    ),
    (
        "family_name",
        &[
            "family_name",
            "last_name",
            "last name",
            "surname",
            "اسم العائله",
            "اللقب",
        ],
    ),
    ("gender", &["gender", "sex", "النوع", "الجنس"]),
    (
        "date_of_birth",
        &[
            "date_of_birth",
            "dob",
            "birth date",
            "birthdate",
            "تاريخ الميلاد",
        ],
    ),
    ("age", &["age", "السن", "العمر"]),
    (
        "national_id",
        &[
            "national_id",
            "nid",
            "national id",
            "الرقم القومي",
            "رقم قومي",
            "الرقم القومى",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "mobile",
            "telephone",
            "الهاتف",
            "رقم الهاتف",
            "الموبايل",
            "رقم الموبايل",
            "التليفون",
        ],
    ),
    ("governorate", &["governorate", "المحافظه"]),
    (
        "district",
        &["district", "markaz", "المركز", "القسم", "المركز/القسم"],
    ),
    ("village", &["village", "القريه", "المنطقه"]),
    ("address", &["address", "العنوان"]),
    (
        "registered_at",
        &["registered_at", "registration date", "تاريخ التسجيل"],
    ),
];

fn header_key(s: &str) -> String {
    link::normalize::arabic::fold(s).replace(['_', '-'], " ")
}

/// Maps each column index to a field name.
fn map_headers(
    headers: &csv::StringRecord,
    overrides: &HashMap<String, String>,
) -> Vec<Option<&'static str>> {
    headers
        .iter()
        .map(|h| {
            let k = header_key(h);
            let target = overrides.get(&k).map(String::as_str).unwrap_or(&k);
            HEADERS
                .iter()
                .find(|(field, names)| {
                    *field == target || names.iter().any(|n| header_key(n) == target)
                })
                .map(|(f, _)| *f)
        })
        .collect()
}

fn set_field(r: &mut RawRecord, field: &str, value: &str) {
    let v = value.to_owned();
    match field {
        "record_id" => r.record_id = v,
        "member_org" => r.member_org = v,
        "household_ref" => r.household_ref = v,
        "relation_to_head" => r.relation_to_head = v,
        "full_name" => r.full_name = v,
        "first_name" => r.first_name = v,
        "father_name" => r.father_name = v,
        "grandfather_name" => r.grandfather_name = v,
        "family_name" => r.family_name = v,
        "gender" => r.gender = v,
        "date_of_birth" => r.date_of_birth = v,
        "age" => r.age = v,
        "national_id" => r.national_id = v,
        "phone" => r.phone = v,
        "governorate" => r.governorate = v,
        "district" => r.district = v,
        "village" => r.village = v,
        "address" => r.address = v,
        "registered_at" => r.registered_at = v,
        _ => {}
    }
}

/// A row that could not be used, and why.
pub struct Rejected {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// Reads one member's file. A broken file is an error naming it; a broken row is reported.
pub fn read_file(
    path: &Path,
    overrides: &HashMap<String, String>,
    rejected: &mut Vec<Rejected>,
) -> anyhow::Result<Vec<RawRecord>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        bail!(
            "{}: line {line} is not UTF-8 text (save the file as \"CSV UTF-8\" from Excel)",
            path.display()
        );
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header row", path.display()))?
        .clone();
    let columns = map_headers(&headers, overrides);
    let has = |f: &str| columns.contains(&Some(f));
    if !has("record_id") {
        bail!(
            "{}: no record_id column (headers: {}); name it with --mapping",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    }
    if !has("full_name") && !has("first_name") {
        bail!(
            "{}: no name column (full_name, or first_name …); name it with --mapping",
            path.display()
        );
    }
    let fallback_org = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| line_of(bytes, p.byte())).unwrap_or(0);
                rejected.push(Rejected {
                    file: path.display().to_string(),
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        // Counting lines is linear in the file: only for rows that are reported.
        let line = || {
            row.position()
                .map(|p| line_of(bytes, p.byte()))
                .unwrap_or(0)
        };
        if row.len() != headers.len() {
            rejected.push(Rejected {
                file: path.display().to_string(),
                line: line(),
                reason: format!(
                    "{} columns where the header has {}",
                    row.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let mut raw = RawRecord::default();
        for (value, field) in row.iter().zip(&columns) {
            if let Some(f) = field {
                set_field(&mut raw, f, value);
            }
        }
        if raw.record_id.trim().is_empty() {
            rejected.push(Rejected {
                file: path.display().to_string(),
                line: line(),
                reason: "empty record_id".into(),
            });
            continue;
        }
        if raw.member_org.trim().is_empty() {
            raw.member_org = fallback_org.clone();
        }
        out.push(raw);
    }
    Ok(out)
}

/// The 1-based line of a record starting at a byte offset (BOM already removed). With CRLF the
/// reader's offset can sit on the previous line's `\n`, so line ends are skipped first.
fn line_of(bytes: &[u8], offset: u64) -> u64 {
    let mut end = (offset as usize).min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
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
        if !HEADERS.iter().any(|(f, _)| *f == field) {
            bail!(
                "{}: line {}: unknown field '{field}'",
                path.display(),
                i + 1
            );
        }
        map.insert(header_key(column), field.to_owned());
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
        match header_key(d).as_str() {
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

fn progress(message: &str) -> indicatif::ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(args: &DedupArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let overrides = match &args.mapping {
        Some(p) => read_mapping(p)?,
        None => HashMap::new(),
    };
    let bar = progress("reading files");
    let mut rejected = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut seen = HashMap::new();
    for path in &args.files {
        let raws = read_file(path, &overrides, &mut rejected)?;
        let order = date::infer_order(raws.iter().map(|r| r.date_of_birth.as_str()));
        for raw in &raws {
            if seen.insert(raw.record_id.clone(), path.clone()).is_some() {
                rejected.push(Rejected {
                    file: path.display().to_string(),
                    line: 0,
                    reason: format!("record_id {} appears twice", raw.record_id),
                });
                continue;
            }
            records.push(record::normalize(raw, order));
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
                    p.explanation(),
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

    let persons = outcome
        .person
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
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
        outcome
            .household
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len()
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
        eprintln!(
            "row not used:            {}:{} {}",
            r.file, r.line, r.reason
        );
    }
    for b in &outcome.oversized_blocks {
        eprintln!("warning: blocking key skipped, too common: {b}");
    }
    eprintln!(
        "time:                    {:.2} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
