//! Excel workbooks (`.xlsx`): the first sheet, read cell by cell so that memory follows the
//! cells the sheet really has, never the rectangle they span (a sheet with cells at `A1` and
//! `XFD1048576` is two cells, not sixteen billion).
//!
//! Before calamine opens the file, every part of the archive is unpacked once into nothing,
//! counting: a file that unpacks to more than [`MAX_UNPACKED_BYTES`] (a zip bomb) is refused
//! while it is being counted, so calamine, which reads the same parts, never holds more.

use super::{FileError, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES, RowIssue, Table, bounded_cell};
use calamine::{Data, DataRef, Reader, Xlsx};
use std::io::{Cursor, Read};

/// Most parts (files) in one workbook's archive; Excel writes a dozen.
const MAX_PARTS: usize = 10_000;

pub(super) fn read(bytes: &[u8]) -> Result<Table, FileError> {
    check_archive(bytes)?;
    // calamine 0.38 can panic on a crafted cell reference (an overflow in its column arithmetic,
    // found by fuzzing): a hostile file is a damaged file, never a crash.
    let cells = std::panic::catch_unwind(|| first_sheet_cells(bytes))
        .unwrap_or_else(|_| Err(FileError::new("file-bad-xlsx", 0, "")))?;
    into_table(cells)
}

/// The text of every sheet of a workbook, each under its name, a row a line and cells apart by
/// tabs, up to about `max_bytes` (the library indexes a workbook's words, not its table).
pub(super) fn text_of_sheets(bytes: &[u8], max_bytes: usize) -> Result<String, FileError> {
    check_archive(bytes)?;
    std::panic::catch_unwind(|| {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| damaged(e))?;
        let mut out = String::new();
        for name in book.sheet_names() {
            if out.len() > max_bytes {
                break;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&name);
            let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
            let mut row = None;
            while let Some(cell) = reader.next_cell().map_err(damaged)? {
                let value = text(cell.get_value());
                if value.is_empty() {
                    continue;
                }
                let at = cell.get_position().0;
                out.push(if row == Some(at) { '\t' } else { '\n' });
                row = Some(at);
                out.push_str(&value);
                if out.len() > max_bytes {
                    break;
                }
            }
        }
        Ok(out)
    })
    .unwrap_or_else(|_| Err(FileError::new("file-bad-xlsx", 0, "")))
}

fn damaged(e: impl std::fmt::Display) -> FileError {
    FileError::new("file-bad-xlsx", 0, super::excerpt(&e.to_string(), 200))
}

/// Unpacks every part into nothing, refusing the file as soon as the parts add up to more than
/// [`MAX_UNPACKED_BYTES`]; and checks that the shared strings do not announce more strings than
/// their part could hold (calamine reserves room for the announced count).
fn check_archive(bytes: &[u8]) -> Result<(), FileError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if zip.len() > MAX_PARTS {
        return Err(damaged(format!("{} parts", zip.len())));
    }
    let mut left = MAX_UNPACKED_BYTES;
    let too_large = || {
        FileError::new(
            "file-too-large-unpacked",
            0,
            (MAX_UNPACKED_BYTES / (1024 * 1024)).to_string(),
        )
    };
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(damaged)?;
        let shared_strings = part.name().is_ok_and(|n| n.ends_with("sharedStrings.xml"));
        let mut head = Vec::new();
        let mut limited = (&mut part).take(left + 1);
        if shared_strings {
            (&mut limited)
                .take(4096)
                .read_to_end(&mut head)
                .map_err(damaged)?;
        }
        let rest = std::io::copy(&mut limited, &mut std::io::sink()).map_err(damaged)?;
        let size = head.len() as u64 + rest;
        if size > left {
            return Err(too_large());
        }
        left -= size;
        if shared_strings && announced_strings(&head).is_some_and(|n| n > size / 5 + 1) {
            return Err(damaged("sharedStrings count"));
        }
    }
    Ok(())
}

/// The largest `count`/`uniqueCount` the start of a shared-strings part announces (each string
/// takes at least `<si/>`, five bytes).
fn announced_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    ["uniqueCount=\"", "count=\""]
        .iter()
        .filter_map(|attr| {
            let at = text.find(attr)? + attr.len();
            let digits: String = text[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
}

/// A non-empty cell: its row, its column and its text.
type Cell = (u32, u32, String);

/// The first sheet's non-empty cells, as text, by row and then column.
fn first_sheet_cells(bytes: &[u8]) -> Result<Vec<Cell>, FileError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| damaged(e))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| FileError::new("file-empty", 1, ""))?;
    let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
    let mut cells: Vec<Cell> = Vec::new();
    let mut rows = 0usize;
    while let Some(cell) = reader.next_cell().map_err(damaged)? {
        let (row, column) = cell.get_position();
        let value = text(cell.get_value());
        if value.is_empty() {
            continue;
        }
        if column as usize >= MAX_COLUMNS {
            return Err(FileError::new(
                "file-too-many-columns",
                row as u64 + 1,
                MAX_COLUMNS.to_string(),
            ));
        }
        if cells.last().is_none_or(|(r, _, _)| *r != row) {
            rows += 1;
            if rows > MAX_ROWS + 1 {
                return Err(FileError::new(
                    "file-too-many-rows",
                    0,
                    MAX_ROWS.to_string(),
                ));
            }
        }
        cells.push((row, column, value));
    }
    // Excel writes cells in order; another program may not.
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    Ok(cells)
}

/// The cells as a table: the first row that has a cell is the header, columns run from the
/// leftmost to the rightmost cell any row has, and line numbers are the sheet's row numbers.
fn into_table(cells: Vec<Cell>) -> Result<Table, FileError> {
    let (Some(first), Some(last)) = (
        cells.iter().map(|(_, c, _)| *c).min(),
        cells.iter().map(|(_, c, _)| *c).max(),
    ) else {
        return Err(FileError::new("file-empty", 1, ""));
    };
    let width = (last - first + 1) as usize;
    let mut table = Table::default();
    let mut header = true;
    let mut cells = cells.into_iter().peekable();
    while let Some((row, _, _)) = cells.peek() {
        let row = *row;
        let mut dense = vec![String::new(); width];
        let mut nul = false;
        while let Some((_, c, v)) = cells.next_if(|(r, _, _)| *r == row) {
            match bounded_cell(&v) {
                Some(v) => dense[(c - first) as usize] = v,
                None if header => dense[(c - first) as usize] = v.replace('\0', ""),
                None => nul = true,
            }
        }
        let line = row as u64 + 1;
        if header {
            table.headers = dense;
            header = false;
        } else if nul {
            table.unreadable.push(RowIssue {
                line,
                key: "row-nul",
                detail: String::new(),
            });
        } else if dense.iter().any(|c| !c.trim().is_empty()) {
            table.rows.push((line, dense));
        }
    }
    Ok(table)
}

fn text(d: &DataRef<'_>) -> String {
    let d = Data::from(d.clone());
    match &d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        // Numbers typed into Excel: IDs and phones are integers; keep every digit.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel counts days from 1899-12-30 (in its default 1900 date system).
        Data::DateTime(d) if d.is_datetime() => {
            time::Date::from_calendar_date(1899, time::Month::December, 30)
                .ok()
                .and_then(|epoch| {
                    let days = d.as_f64().floor();
                    (days.abs() < 1e7)
                        .then(|| epoch.checked_add(time::Duration::days(days as i64)))
                        .flatten()
                })
                .map(|day| day.to_string())
                .unwrap_or_default()
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}
