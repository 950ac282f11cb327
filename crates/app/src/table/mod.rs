//! Tables as people send them: a CSV file (UTF-8, with or without BOM, CRLF or LF) or an Excel
//! workbook (its first sheet), read into rows of text for any feature that imports a list —
//! beneficiary lists, assistance lists, `mizalla dedup` — and tables written back out
//! ([`export`]) with formulas neutralised.
//!
//! Reading is bounded before it allocates: a file may hold at most [`MAX_ROWS`] rows and
//! [`MAX_COLUMNS`] columns, an XLSX file may unpack to at most [`MAX_UNPACKED_BYTES`], and a cell
//! keeps at most [`MAX_CELL_CHARS`] + 1 characters (enough for the importer to refuse it as too
//! long). On the server, [`read`] parses off the async workers, a few files at a time.
//!
//! Nothing here panics on bad input: a file that cannot be read is a [`FileError`]; a row that
//! cannot be used is a [`RowIssue`] with its line, and the other rows go on.

mod csv;
pub mod export;
mod xlsx;

use crate::i18n::{Arg, Locale};

/// `s` with Arabic-Indic (٠–٩) and Persian (۰–۹) digits written as Latin ones, as numbers
/// typed on an Arabic keyboard arrive.
pub fn latin_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            c => c,
        })
        .collect()
}

/// Longest value accepted in one cell: longer ones are pasted documents or attacks, not names.
pub const MAX_CELL_CHARS: usize = 1_000;
/// Most rows read from one file.
pub const MAX_ROWS: usize = 1_000_000;
/// Most columns a list may have (a member's list has a few dozen).
pub const MAX_COLUMNS: usize = 500;
/// Most bytes the parts of an XLSX file may unpack to (a workbook of a million short rows
/// unpacks to about 150 MB).
pub const MAX_UNPACKED_BYTES: u64 = 400 * 1024 * 1024;
/// Files parsed at once by one server: each parse holds its file's rows in memory.
const PARSES_AT_ONCE: usize = 2;

/// A file that cannot be read as a whole. `key` is a message in `errors.ftl`, which may use
/// `$line` and `$detail`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub key: &'static str,
    pub line: u64,
    pub detail: String,
}

impl FileError {
    pub(crate) fn new(key: &'static str, line: u64, detail: impl Into<String>) -> Self {
        FileError {
            key,
            line,
            detail: detail.into(),
        }
    }

    pub fn message(&self, locale: Locale) -> String {
        message(locale, self.key, self.line, &self.detail)
    }
}

/// In English for a terminal or a log: without the isolation marks Fluent puts around values.
impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&plain(self.message(Locale::En)))
    }
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&plain(self.message(Locale::En)))
    }
}

fn plain(s: String) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

impl std::error::Error for FileError {}

/// A row that is not used, and why (a message key, with `$line` and `$detail`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowIssue {
    pub line: u64,
    pub key: &'static str,
    pub detail: String,
}

impl RowIssue {
    pub fn message(&self, locale: Locale) -> String {
        message(locale, self.key, self.line, &self.detail)
    }
}

/// The sentence for a file's or a row's message `key` (a [`FileError`]'s or a [`RowIssue`]'s),
/// with its line and detail, in `locale`: for issues kept as data (a job's outcome).
pub fn message(locale: Locale, key: &str, line: u64, detail: &str) -> String {
    // A field is named in the reader's language.
    let field_name;
    let detail = if matches!(
        key,
        "row-formula" | "file-field-twice" | "file-missing-column"
    ) {
        field_name = locale.t(&format!("field-{detail}"));
        field_name.as_str()
    } else {
        detail
    };
    locale.t_args(
        key,
        &[
            ("line", Arg::Num(line as f64)),
            ("detail", Arg::Str(detail.to_owned())),
        ],
    )
}

/// A sheet of text: the header row and the data rows with their line (or spreadsheet row)
/// numbers.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// Rows that could not be read at all (CSV quoting gone wrong, a NUL byte …).
    pub unreadable: Vec<RowIssue>,
}

/// The words of every sheet of an Excel workbook, each sheet under its name, up to about
/// `max_bytes` — for a document's text, not a list's rows (bounded as [`read_table`] is).
pub fn workbook_text(bytes: &[u8], max_bytes: usize) -> Result<String, FileError> {
    xlsx::text_of_sheets(bytes, max_bytes)
}

/// Reads a CSV or XLSX file (told apart by content, not by name), on the calling thread.
pub fn read_table(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read(bytes)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Err(FileError::new("file-old-excel", 0, ""))
    } else {
        csv::read(bytes)
    }
}

/// Reads a file as [`read_table`] does, on a blocking thread and at most [`PARSES_AT_ONCE`] at a
/// time, so that large files neither stall the server's other requests nor add up in memory.
pub async fn read(bytes: Vec<u8>) -> Result<Table, FileError> {
    static PARSES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARSES_AT_ONCE);
    let _permit = PARSES
        .acquire()
        .await
        .map_err(|_| FileError::new("file-bad-xlsx", 0, ""))?;
    tokio::task::spawn_blocking(move || read_table(&bytes))
        .await
        .unwrap_or_else(|_| Err(FileError::new("file-bad-xlsx", 0, "")))
}

/// A cell as read: NUL bytes make the row unreadable (returned as `None`), and a cell longer
/// than [`MAX_CELL_CHARS`] is cut to one character more, which the importers refuse.
fn bounded_cell(value: &str) -> Option<String> {
    if value.contains('\0') {
        return None;
    }
    if value.len() > MAX_CELL_CHARS + 1 {
        return Some(value.chars().take(MAX_CELL_CHARS + 1).collect());
    }
    Some(value.to_owned())
}

/// The start of a value, for showing it on a page: at most `chars` characters, with `…` when
/// it was longer.
pub fn excerpt(value: &str, chars: usize) -> String {
    match value.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// A header or a coded cell as compared when a file's columns and values are recognised: folded
/// Arabic (hamza forms, diacritics), lower case, `_` and `-` as spaces.
pub fn header_key(s: &str) -> String {
    link::normalize::arabic::fold(s).replace(['_', '-'], " ")
}
