//! `mizalla allocate`: members' offers to needs, the best total score under the alliance's rules
//! (see the `allocate` crate), from two CSV files to a third.

use allocate::{MAX_PRIORITY, MAX_QUANTITY, Need, Offer, Problem, Reach};
use anyhow::{Context as _, bail};
use mizalla::pool::places::PlaceIndex;
use mizalla::table::export;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct AllocateArgs {
    /// Offers: a CSV with the header `offer_id,org,category,quantity,governorate,district,reach`
    /// (reach: `district`, `governorate` or `national`).
    #[arg(long)]
    offers: PathBuf,
    /// Needs: a CSV with the header `need_id,category,quantity,governorate,district,priority`
    /// (priority: a whole number 1–100, higher is more in need).
    #[arg(long)]
    needs: PathBuf,
    /// Where to write `offer_id,need_id,quantity`, one row per pair given a positive quantity.
    #[arg(long)]
    out: PathBuf,
}

const OFFER_COLUMNS: [&str; 7] = [
    "offer_id",
    "org",
    "category",
    "quantity",
    "governorate",
    "district",
    "reach",
];
const NEED_COLUMNS: [&str; 6] = [
    "need_id",
    "category",
    "quantity",
    "governorate",
    "district",
    "priority",
];

/// One CSV file's rows, each field found by its column's name, with errors that name the file,
/// the line and the column.
struct Sheet<'a> {
    path: &'a Path,
    reader: csv::Reader<std::io::BufReader<std::fs::File>>,
    /// Position of each wanted column in the file.
    positions: Vec<usize>,
    wanted: &'static [&'static str],
    row: csv::StringRecord,
}

impl<'a> Sheet<'a> {
    fn open(path: &'a Path, wanted: &'static [&'static str]) -> anyhow::Result<Self> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(std::io::BufReader::new(file));
        let headers = reader
            .headers()
            .map_err(|e| anyhow::anyhow!("{}: line 1: {}", path.display(), csv_reason(&e)))?
            .clone();
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut positions = Vec::with_capacity(wanted.len());
        for column in wanted {
            match names.iter().position(|n| n == column) {
                Some(p) => positions.push(p),
                None => bail!(
                    "{}: line 1: no column `{column}`; the header must be `{}`",
                    path.display(),
                    wanted.join(",")
                ),
            }
        }
        Ok(Sheet {
            path,
            reader,
            positions,
            wanted,
            row: csv::StringRecord::new(),
        })
    }

    /// Reads the next row; `false` at the end of the file.
    fn next(&mut self) -> anyhow::Result<bool> {
        let more = self
            .reader
            .read_record(&mut self.row)
            .map_err(|e| anyhow::anyhow!("{}: {}", self.path.display(), csv_reason(&e)))?;
        if let Some(column) = (0..self.wanted.len()).find(|&c| self.field(c).contains('\0')) {
            return Err(self.error(column, "holds a NUL character"));
        }
        Ok(more)
    }

    fn line(&self) -> u64 {
        self.row.position().map_or(0, |p| p.line())
    }

    fn field(&self, column: usize) -> &str {
        self.row.get(self.positions[column]).unwrap_or("").trim()
    }

    /// An error at a column of the current row.
    fn error(&self, column: usize, message: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!(
            "{}: line {}, column {} ({}): {message}",
            self.path.display(),
            self.line(),
            self.positions[column] + 1,
            self.wanted[column]
        )
    }

    fn text(&self, column: usize) -> anyhow::Result<&str> {
        let value = self.field(column);
        if value.is_empty() {
            return Err(self.error(column, "is empty"));
        }
        Ok(value)
    }

    fn whole(&self, column: usize, low: u64, high: u64) -> anyhow::Result<u64> {
        let raw = self.text(column)?;
        let digits = link::normalize::arabic::western_digits(raw);
        match digits.parse::<u64>() {
            Ok(n) if (low..=high).contains(&n) => Ok(n),
            Ok(_) => Err(self.error(column, format!("'{raw}' is outside {low}–{high}"))),
            Err(_) if digits.bytes().all(|b| b.is_ascii_digit()) => {
                Err(self.error(column, format!("'{raw}' is outside {low}–{high}")))
            }
            Err(_) => Err(self.error(column, format!("'{raw}' is not a whole number"))),
        }
    }
}

/// A CSV reader's error in words, with its line where it has one.
fn csv_reason(e: &csv::Error) -> String {
    let line = e
        .position()
        .map(|p| format!("line {}: ", p.line()))
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            format!("{line}the text is not UTF-8; save the file as CSV UTF-8")
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{line}{len} fields where the header has {expected_len}"),
        _ => format!("{line}{e}"),
    }
}

fn reach(raw: &str) -> Option<Reach> {
    match mizalla::table::header_key(raw).as_str() {
        "district" | "markaz" | "مركز" | "المركز" => Some(Reach::District),
        "governorate" | "محافظه" | "المحافظه" => Some(Reach::Governorate),
        "national" | "قومي" | "الجمهوريه" | "كل الجمهوريه" => {
            Some(Reach::National)
        }
        _ => None,
    }
}

/// Kinds are compared folded (`بطاطين` and `بطاطين ` are one kind), ids given in order of first
/// appearance.
#[derive(Default)]
struct Kinds {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Kinds {
    fn id(&mut self, raw: &str) -> u32 {
        let next = self.names.len() as u32;
        *self
            .ids
            .entry(mizalla::table::header_key(raw))
            .or_insert_with(|| {
                self.names.push(raw.to_owned());
                next
            })
    }
}

struct Input {
    offer_ids: Vec<String>,
    offers: Vec<Offer>,
    need_ids: Vec<String>,
    needs: Vec<Need>,
    kinds: Kinds,
    places: PlaceIndex,
}

fn read_offers(path: &Path, input: &mut Input) -> anyhow::Result<()> {
    let mut sheet = Sheet::open(path, &OFFER_COLUMNS)?;
    let mut seen = HashSet::new();
    while sheet.next()? {
        let id = sheet.text(0)?.to_owned();
        sheet.text(1)?;
        let category = input.kinds.id(sheet.text(2)?);
        let quantity = sheet.whole(3, 0, MAX_QUANTITY)?;
        let place = input
            .places
            .place(sheet.text(4)?, sheet.field(5))
            .expect("the governorate is not empty");
        let raw_reach = sheet.text(6)?;
        let reach = reach(raw_reach).ok_or_else(|| {
            sheet.error(
                6,
                format!("'{raw_reach}' is not district, governorate or national"),
            )
        })?;
        if reach == Reach::District && place.district.is_none() {
            return Err(sheet.error(5, "is empty, but the reach is district: name the markaz"));
        }
        if !seen.insert(id.clone()) {
            return Err(sheet.error(0, format!("offer {id} appears twice")));
        }
        input.offer_ids.push(id);
        input.offers.push(Offer {
            category,
            place,
            reach,
            quantity,
        });
    }
    Ok(())
}

fn read_needs(path: &Path, input: &mut Input) -> anyhow::Result<()> {
    let mut sheet = Sheet::open(path, &NEED_COLUMNS)?;
    let mut seen = HashSet::new();
    while sheet.next()? {
        let id = sheet.text(0)?.to_owned();
        let category = input.kinds.id(sheet.text(1)?);
        let quantity = sheet.whole(2, 0, MAX_QUANTITY)?;
        let place = input
            .places
            .place(sheet.text(3)?, sheet.field(4))
            .expect("the governorate is not empty");
        let priority = sheet.whole(5, 1, u64::from(MAX_PRIORITY))? as u32;
        if !seen.insert(id.clone()) {
            return Err(sheet.error(0, format!("need {id} appears twice")));
        }
        input.need_ids.push(id);
        input.needs.push(Need {
            category,
            place,
            priority,
            quantity,
        });
    }
    Ok(())
}

pub fn run(args: &AllocateArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut input = Input {
        offer_ids: Vec::new(),
        offers: Vec::new(),
        need_ids: Vec::new(),
        needs: Vec::new(),
        kinds: Kinds::default(),
        places: PlaceIndex::default(),
    };
    read_offers(&args.offers, &mut input)?;
    read_needs(&args.needs, &mut input)?;
    let read = start.elapsed();
    let problem = Problem {
        offers: &input.offers,
        needs: &input.needs,
        ..Problem::default()
    };
    let allocation = allocate::solve(&problem)?;
    let solved = start.elapsed() - read;

    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let header: Vec<String> = ["offer_id", "need_id", "quantity"]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    let rows = allocation.pairs.iter().map(|p| {
        vec![
            export::Value::Text(input.offer_ids[p.offer].clone()),
            export::Value::Text(input.need_ids[p.need].clone()),
            export::Value::Text(p.quantity.to_string()),
        ]
    });
    use std::io::Write as _;
    export::write_csv(std::io::BufWriter::new(file), false, &header, rows)
        .and_then(|mut w| w.flush())
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    let offered: u64 = input.offers.iter().map(|o| o.quantity).sum();
    let needed: u64 = input.needs.iter().map(|n| n.quantity).sum();
    let allocated: u64 = allocation.pairs.iter().map(|p| p.quantity).sum();
    println!(
        "{} offers, {} needs: units offered {offered}, needed {needed}, allocated {allocated}",
        input.offers.len(),
        input.needs.len()
    );
    println!("total score {}", allocation.score);
    let mut unmet: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (need, left) in input.needs.iter().zip(&allocation.need_left) {
        if *left > 0 {
            let key = (
                input.kinds.names[need.category as usize].as_str(),
                input.places.governorate_name(need.place.governorate),
            );
            *unmet.entry(key).or_default() += left;
        }
    }
    if unmet.is_empty() {
        println!("every need is met");
    } else {
        println!("unmet need by kind and governorate:");
        for ((kind, governorate), units) in &unmet {
            println!("  {kind}\t{governorate}\t{units}");
        }
    }
    eprintln!(
        "read in {:.2} s, solved in {:.2} s, {} pairs written to {}",
        read.as_secs_f64(),
        solved.as_secs_f64(),
        allocation.pairs.len(),
        args.out.display()
    );
    Ok(())
}
