//! `mizalla allocate`: members' offers to needs, the best total score under the alliance's rules
//! (see the `allocate` crate), from two CSV files to a third.

use allocate::{MAX_PRIORITY, MAX_QUANTITY, Need, Offer, Problem, Reach};
use anyhow::{Context as _, bail};
use mizalla::pool::places::PlaceIndex;
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

/// The largest file read (a million needs take about 60 MB).
const MAX_FILE_BYTES: u64 = 1 << 30;
/// The most columns a file may have, and the longest cell of a column read.
const MAX_COLUMNS: usize = 200;
const MAX_CELL_CHARS: usize = 1000;

/// One CSV file's rows, each field found by its column's name, with errors that name the file,
/// the line and the column. Lines are counted here from the bytes (`\n`, `\r\n` or `\r`, blank
/// lines included): the csv crate's own count is off for CRLF files and after blank lines.
struct Sheet<'a> {
    path: &'a Path,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Position of each wanted column in the file.
    positions: Vec<usize>,
    wanted: &'static [&'static str],
    row: csv::StringRecord,
}

/// The line (from 1) of the record starting at `byte`: blank lines before it are skipped, as the
/// reader skips them.
fn line_at(bytes: &[u8], byte: u64) -> u64 {
    let mut start = (byte as usize).min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
        start += 1;
    }
    let before = &bytes[..start];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// A cell without the invisible marks spreadsheets and phones put around numbers (direction
/// marks, isolates, a byte-order mark, no-break spaces).
fn visible(raw: &str) -> String {
    raw.chars()
        .filter(|c| {
            !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{61c}')
        })
        .collect::<String>()
        .replace('\u{a0}', " ")
        .trim()
        .to_owned()
}

impl<'a> Sheet<'a> {
    fn open(path: &'a Path, wanted: &'static [&'static str]) -> anyhow::Result<Self> {
        use std::io::Read as _;
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            bail!("{}: the file is larger than 1 GB", path.display());
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(std::io::Cursor::new(bytes));
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let reason = csv_reason(&e, reader.get_ref().get_ref(), wanted);
                bail!("{}: {reason}", path.display())
            }
        };
        if headers.len() > MAX_COLUMNS {
            bail!(
                "{}: line 1: {} columns; the header must be `{}`",
                path.display(),
                headers.len(),
                wanted.join(",")
            );
        }
        // Header names compared folded: `Offer ID`, `offer-id` and `offer_id` are one column.
        let names: Vec<String> = headers
            .iter()
            .map(|h| mizalla::table::header_key(&visible(h)))
            .collect();
        let mut positions = Vec::with_capacity(wanted.len());
        for column in wanted {
            let key = mizalla::table::header_key(column);
            let found: Vec<usize> = (0..names.len()).filter(|&i| names[i] == key).collect();
            match found.as_slice() {
                [p] => positions.push(*p),
                [] => bail!(
                    "{}: line 1: no column `{column}`; the header must be `{}`",
                    path.display(),
                    wanted.join(",")
                ),
                [first, second, ..] => bail!(
                    "{}: line 1: columns {} and {} are both `{column}`",
                    path.display(),
                    first + 1,
                    second + 1
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
        let more = match self.reader.read_record(&mut self.row) {
            Ok(more) => more,
            Err(e) => {
                let reason = csv_reason(&e, self.reader.get_ref().get_ref(), self.wanted);
                bail!("{}: {reason}", self.path.display())
            }
        };
        for column in 0..self.wanted.len() {
            let cell = self.field(column);
            if cell.contains('\0') {
                return Err(self.error(column, "holds a NUL character"));
            }
            if cell.chars().count() > MAX_CELL_CHARS {
                return Err(self.error(
                    column,
                    format!("is longer than {MAX_CELL_CHARS} characters"),
                ));
            }
        }
        Ok(more)
    }

    fn line(&self) -> u64 {
        let byte = self.row.position().map_or(0, |p| p.byte());
        line_at(self.reader.get_ref().get_ref(), byte)
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
        if visible(value).is_empty() {
            return Err(self.error(column, "is empty"));
        }
        Ok(value)
    }

    fn whole(&self, column: usize, low: u64, high: u64) -> anyhow::Result<u64> {
        let raw = self.text(column)?;
        let digits = link::normalize::arabic::western_digits(&visible(raw));
        let digits = digits.strip_prefix('+').unwrap_or(&digits);
        let shown = visible(raw);
        match digits.parse::<u64>() {
            Ok(n) if (low..=high).contains(&n) => Ok(n),
            Ok(_) => Err(self.error(column, format!("'{shown}' is outside {low}–{high}"))),
            Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Err(self.error(column, format!("'{shown}' is outside {low}–{high}")))
            }
            Err(_) => Err(self.error(column, format!("'{shown}' is not a whole number"))),
        }
    }
}

/// A CSV reader's error in words, with its line (counted from `bytes`) and column where it has
/// them.
fn csv_reason(e: &csv::Error, bytes: &[u8], wanted: &[&str]) -> String {
    let line = e
        .position()
        .map(|p| format!("line {}", line_at(bytes, p.byte())))
        .unwrap_or_else(|| "line 1".to_owned());
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "{line}, column {}: the text is not UTF-8; save the file as \"CSV UTF-8\"",
            err.field() + 1
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{line}: {len} fields where the header has {expected_len} (`{}`)",
            wanted.join(",")
        ),
        _ => format!("{line}: {e}"),
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
    /// Governorate names the platform does not know, with how many rows wrote each: compared
    /// as written, so a misspelling is a place of its own (the summary warns).
    unknown: BTreeMap<String, usize>,
}

impl Input {
    /// The place of a row from its governorate and markaz columns.
    fn place(
        &mut self,
        sheet: &Sheet<'_>,
        governorate: usize,
        district: usize,
    ) -> anyhow::Result<allocate::Place> {
        let name = sheet.text(governorate)?;
        if link::normalize::place::governorate_code(name).is_none() {
            *self.unknown.entry(name.to_owned()).or_default() += 1;
        }
        self.places
            .place(name, sheet.field(district))
            .ok_or_else(|| sheet.error(governorate, format!("'{name}' is not a place name")))
    }
}

fn read_offers(path: &Path, input: &mut Input) -> anyhow::Result<()> {
    let mut sheet = Sheet::open(path, &OFFER_COLUMNS)?;
    let mut seen = HashSet::new();
    while sheet.next()? {
        let id = sheet.text(0)?.to_owned();
        sheet.text(1)?;
        let category = input.kinds.id(sheet.text(2)?);
        let quantity = sheet.whole(3, 0, MAX_QUANTITY)?;
        let place = input.place(&sheet, 4, 5)?;
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
        let place = input.place(&sheet, 3, 4)?;
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

/// Writes `offer_id,need_id,quantity` to a file beside `--out`, then puts it in place: a run that
/// fails halfway leaves no half-written allocation. Ids are written as they were read (other
/// tools join on them).
fn write_allocation(
    args: &AllocateArgs,
    input: &Input,
    allocation: &allocate::Allocation,
) -> anyhow::Result<()> {
    let name = args
        .out
        .file_name()
        .with_context(|| format!("{}: not a file name", args.out.display()))?;
    let partial = args
        .out
        .with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let write = || -> anyhow::Result<()> {
        let file = std::fs::File::create(&partial)?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(["offer_id", "need_id", "quantity"])?;
        for p in &allocation.pairs {
            w.write_record([
                input.offer_ids[p.offer].as_str(),
                input.need_ids[p.need].as_str(),
                p.quantity.to_string().as_str(),
            ])?;
        }
        w.flush()?;
        std::fs::rename(&partial, &args.out)?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        anyhow::anyhow!("cannot write {}: {e}", args.out.display())
    })
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
        unknown: BTreeMap::new(),
    };
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(&args.out, &args.offers) || same(&args.out, &args.needs) {
        bail!(
            "{}: is an input file; write the allocation to another file",
            args.out.display()
        );
    }
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

    write_allocation(args, &input, &allocation)?;

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
    if !input.unknown.is_empty() {
        let names: Vec<String> = input
            .unknown
            .iter()
            .map(|(name, rows)| format!("'{name}' ({rows} rows)"))
            .collect();
        eprintln!(
            "warning: governorates not known to the platform, each compared as written: {}",
            names.join(", ")
        );
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
