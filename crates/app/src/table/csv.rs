//! CSV: UTF-8 with or without a BOM, any line ends, rows of any width (a row whose width
//! differs from the header's is for the importer to refuse, with its line).

use super::{FileError, MAX_COLUMNS, MAX_ROWS, RowIssue, Table, bounded_cell};

pub(super) fn read(bytes: &[u8]) -> Result<Table, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(FileError::new(
            "file-not-utf8",
            line_of(bytes, e.valid_up_to() as u64),
            "",
        ));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut table = Table::default();
    let mut records = reader.records();
    match records.next() {
        None => return Err(FileError::new("file-empty", 1, "")),
        Some(Err(e)) => return Err(FileError::new("file-no-header", 1, e.to_string())),
        Some(Ok(h)) if h.len() > MAX_COLUMNS => {
            return Err(FileError::new(
                "file-too-many-columns",
                1,
                MAX_COLUMNS.to_string(),
            ));
        }
        Some(Ok(h)) => {
            table.headers = h
                .iter()
                .map(|c| super::excerpt(&c.replace('\0', ""), super::MAX_CELL_CHARS))
                .collect()
        }
    }
    // Lines are counted from the records' byte offsets, in one pass: the reader's own line count
    // lags by one after a CRLF line end.
    let mut lines = LineCounter::default();
    for row in records {
        if table.rows.len() >= MAX_ROWS {
            return Err(FileError::new(
                "file-too-many-rows",
                0,
                MAX_ROWS.to_string(),
            ));
        }
        match row {
            Ok(r) => {
                let line = r
                    .position()
                    .map(|p| lines.line_at(bytes, p.byte()))
                    .unwrap_or(0);
                if r.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let refuse = |key: &'static str, detail: String| RowIssue { line, key, detail };
                if r.len() > MAX_COLUMNS {
                    let detail = format!("{} / {}", r.len(), table.headers.len());
                    table.unreadable.push(refuse("row-columns", detail));
                    continue;
                }
                match r.iter().map(bounded_cell).collect::<Option<Vec<String>>>() {
                    Some(cells) => table.rows.push((line, cells)),
                    None => table.unreadable.push(refuse("row-nul", String::new())),
                }
            }
            Err(e) => table.unreadable.push(RowIssue {
                line: e
                    .position()
                    .map(|p| lines.line_at(bytes, p.byte()))
                    .unwrap_or(0),
                key: "row-unreadable",
                detail: super::excerpt(&e.to_string(), 200),
            }),
        }
    }
    Ok(table)
}

/// Turns increasing byte offsets into 1-based line numbers, counting each byte once.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut end = (offset as usize).min(bytes.len());
        // A record's offset can sit on the previous line's end.
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end > self.offset {
            self.newlines += bytes[self.offset..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = end;
        }
        self.newlines + 1
    }
}

/// The 1-based line holding a byte offset.
fn line_of(bytes: &[u8], offset: u64) -> u64 {
    let end = (offset as usize).min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}
