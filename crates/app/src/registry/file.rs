//! A member's list as it arrives: a CSV file (UTF-8, with or without BOM, CRLF or LF) or an
//! Excel workbook (first sheet), its headers mapped to the registry's fields (Arabic or English
//! spellings recognised; a saved or given mapping wins), and its rows turned into raw records.
//!
//! Nothing here panics on bad input: a file that cannot be read is a [`FileError`]; a row that
//! cannot be used is a [`RowIssue`] with its line, and the other rows go on.

use crate::i18n::{Arg, Locale};
use link::normalize::arabic;
use link::record::RawRecord;
use std::collections::HashMap;

/// The fields of a registration, with the header spellings recognised for each (compared folded:
/// case, hamza forms, spaces, `_` and `-` ignored).
pub const FIELDS: [(&str, &[&str]); 22] = [
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
        "other_id",
        &[
            "other_id",
            "other id",
            "passport",
            "passport number",
            "unhcr number",
            "social insurance number",
            "رقم جواز السفر",
            "رقم المفوضيه",
            "رقم ملف المفوضيه",
            "الرقم التاميني",
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
    (
        "disability",
        &[
            "disability",
            "disabled",
            "special needs",
            "اعاقه",
            "الاعاقه",
            "نوع الاعاقه",
            "ذوي الاحتياجات الخاصه",
            "ذوي الهمم",
        ],
    ),
    (
        "monthly_income",
        &[
            "monthly_income",
            "monthly income",
            "income",
            "الدخل",
            "الدخل الشهري",
            "دخل الاسره",
        ],
    ),
];

/// Longest value accepted in one cell: longer ones are pasted documents or attacks, not names.
pub const MAX_CELL_CHARS: usize = 1_000;
/// Most rows read from one file.
pub const MAX_ROWS: usize = 1_000_000;

/// A file that cannot be read as a whole. `key` is a message in `errors.ftl`, which may use
/// `$line` and `$detail`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub key: &'static str,
    pub line: u64,
    pub detail: String,
}

impl FileError {
    fn new(key: &'static str, line: u64, detail: impl Into<String>) -> Self {
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

fn message(locale: Locale, key: &str, line: u64, detail: &str) -> String {
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
    /// Rows that could not be read at all (CSV quoting gone wrong …).
    pub unreadable: Vec<RowIssue>,
}

/// Reads a CSV or XLSX file (told apart by content, not by name).
pub fn read_table(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Err(FileError::new("file-old-excel", 0, ""))
    } else {
        read_csv(bytes)
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(FileError::new(
            "file-not-utf8",
            line_of(bytes, e.valid_up_to() as u64),
            "",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut table = Table::default();
    let mut records = reader.records();
    match records.next() {
        None => return Err(FileError::new("file-empty", 1, "")),
        Some(Err(e)) => return Err(FileError::new("file-no-header", 1, e.to_string())),
        Some(Ok(h)) => table.headers = h.iter().map(str::to_owned).collect(),
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
                table
                    .rows
                    .push((line, r.iter().map(str::to_owned).collect()));
            }
            Err(e) => table.unreadable.push(RowIssue {
                line: e
                    .position()
                    .map(|p| lines.line_at(bytes, p.byte()))
                    .unwrap_or(0),
                key: "row-unreadable",
                detail: e.to_string(),
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

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    use calamine::{Data, Reader, Xlsx};
    // calamine 0.38 can panic on a crafted cell reference (an overflow in its column arithmetic,
    // found by fuzzing `read_table`): a hostile file is a damaged file, never a crash.
    let range = std::panic::catch_unwind(|| {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| FileError::new("file-bad-xlsx", 0, e.to_string()))?;
        book.worksheet_range_at(0)
            .ok_or_else(|| FileError::new("file-empty", 1, ""))?
            .map_err(|e| FileError::new("file-bad-xlsx", 0, e.to_string()))
    })
    .unwrap_or_else(|_| Err(FileError::new("file-bad-xlsx", 0, "")))?;
    let text = |d: &Data| -> String {
        match d {
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
                        epoch.checked_add(time::Duration::days(d.as_f64().floor() as i64))
                    })
                    .map(|day| day.to_string())
                    .unwrap_or_default()
            }
            Data::DateTime(d) => d.as_f64().to_string(),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        }
    };
    let first_row = range.start().map(|(r, _)| r as u64 + 1).unwrap_or(1);
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| FileError::new("file-empty", 1, ""))?
        .iter()
        .map(text)
        .collect();
    let mut table = Table {
        headers,
        ..Table::default()
    };
    for (i, row) in rows.enumerate() {
        if table.rows.len() >= MAX_ROWS {
            return Err(FileError::new(
                "file-too-many-rows",
                0,
                MAX_ROWS.to_string(),
            ));
        }
        let cells: Vec<String> = row.iter().map(text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        table.rows.push((first_row + 1 + i as u64, cells));
    }
    Ok(table)
}

/// A value as written to an export: text that a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@`, tab, carriage return first) gets a leading apostrophe, which spreadsheets show as
/// text.
pub fn neutralise_formula(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// A header as compared: folded Arabic, lower case, `_` and `-` as spaces.
pub fn header_key(s: &str) -> String {
    arabic::fold(s).replace(['_', '-'], " ")
}

/// Which field each column holds (`None`: not used). `overrides` maps a folded header (see
/// [`header_key`]) to a field and wins over the recognised spellings.
pub fn auto_mapping(
    headers: &[String],
    overrides: &HashMap<String, String>,
) -> Vec<Option<&'static str>> {
    headers
        .iter()
        .map(|h| {
            let k = header_key(h);
            match overrides.get(&k) {
                // An override naming no field leaves the column out.
                Some(field) => field_named(field),
                None => FIELDS
                    .iter()
                    .find(|(_, names)| names.iter().any(|n| header_key(n) == k))
                    .map(|(f, _)| *f),
            }
        })
        .collect()
}

/// The field called `name`, if there is one.
pub fn field_named(name: &str) -> Option<&'static str> {
    FIELDS.iter().map(|(f, _)| *f).find(|f| *f == name)
}

/// A mapping must name the member's record key and at least one name column, and use each field
/// once.
pub fn check_mapping(mapping: &[Option<&'static str>]) -> Result<(), FileError> {
    let has = |f: &str| mapping.contains(&Some(f));
    if !has("record_id") {
        return Err(FileError::new("file-no-record-id", 1, ""));
    }
    if !has("full_name") && !has("first_name") {
        return Err(FileError::new("file-no-name", 1, ""));
    }
    for (i, f) in mapping.iter().enumerate() {
        if let Some(f) = f
            && *f != JOINED_FIELD
            && mapping[..i].contains(&Some(f))
        {
            return Err(FileError::new("file-field-twice", 1, *f));
        }
    }
    Ok(())
}

/// The field a list may spread over several columns (building number, street, area…): their
/// values are joined in column order.
const JOINED_FIELD: &str = "address";

fn set_field(r: &mut RawRecord, field: &str, value: &str) {
    let v = value.trim().to_owned();
    if field == JOINED_FIELD && !r.address.is_empty() {
        if !v.is_empty() {
            r.address = format!("{} {v}", r.address);
        }
        return;
    }
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
        "other_id" => r.other_id = v,
        "phone" => r.phone = v,
        "governorate" => r.governorate = v,
        "district" => r.district = v,
        "village" => r.village = v,
        "address" => r.address = v,
        "registered_at" => r.registered_at = v,
        "disability" => r.disability = v,
        "monthly_income" => r.monthly_income = v,
        _ => {}
    }
}

/// The table's rows as raw records, with the rows that cannot be used and why. A record key
/// seen twice in one file keeps its first row.
pub fn records(
    table: &Table,
    mapping: &[Option<&'static str>],
) -> (Vec<(u64, RawRecord)>, Vec<RowIssue>) {
    let mut issues = table.unreadable.clone();
    let mut out: Vec<(u64, RawRecord)> = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    'rows: for (line, cells) in &table.rows {
        let issue = |key, detail: String| RowIssue {
            line: *line,
            key,
            detail,
        };
        if cells.len() != table.headers.len() {
            issues.push(issue(
                "row-columns",
                format!("{} / {}", cells.len(), table.headers.len()),
            ));
            continue;
        }
        let mut raw = RawRecord::default();
        for (value, field) in cells.iter().zip(mapping) {
            let Some(f) = field else { continue };
            // A cell's bytes are at least its characters: most cells need no counting.
            if value.len() > MAX_CELL_CHARS && value.chars().count() > MAX_CELL_CHARS {
                issues.push(issue("row-cell-too-long", MAX_CELL_CHARS.to_string()));
                continue 'rows;
            }
            // A formula would run in the spreadsheet of whoever opens an export later.
            if value.trim_start().starts_with('=') {
                issues.push(issue("row-formula", (*f).to_owned()));
                continue 'rows;
            }
            set_field(&mut raw, f, value);
        }
        if raw.record_id.is_empty() {
            issues.push(issue("row-no-record-id", String::new()));
            continue;
        }
        if let Some(first) = seen.insert(raw.record_id.clone(), *line) {
            seen.insert(raw.record_id.clone(), first);
            issues.push(issue("row-duplicate-key", first.to_string()));
            continue;
        }
        out.push((*line, raw));
    }
    issues.sort_by_key(|i| i.line);
    (out, issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        read_table(csv.as_bytes()).unwrap()
    }

    #[test]
    fn arabic_and_english_headers_are_recognised() {
        let t = table(
            "الكود,الاسم بالكامل,الرقم القومى,Phone,Date_of_Birth,غير معروف,الإعاقة,الدخل الشهري\n1,أحمد,1,2,3,4,5,6\n",
        );
        let m = auto_mapping(&t.headers, &HashMap::new());
        assert_eq!(
            m,
            vec![
                Some("record_id"),
                Some("full_name"),
                Some("national_id"),
                Some("phone"),
                Some("date_of_birth"),
                None,
                Some("disability"),
                Some("monthly_income"),
            ]
        );
        let overrides = HashMap::from([(header_key("غير معروف"), "village".to_owned())]);
        assert_eq!(auto_mapping(&t.headers, &overrides)[5], Some("village"));
    }

    #[test]
    fn an_address_may_come_from_several_columns_other_fields_from_one() {
        let t = table(
            "الكود,الاسم,رقم العقار,الشارع,رقم جواز السفر\n1,منى,12,شارع الجمهورية,A123\n2,سعاد,,ش النيل,\n",
        );
        let overrides = HashMap::from([
            (header_key("الاسم"), "full_name".to_owned()),
            (header_key("رقم العقار"), "address".to_owned()),
            (header_key("الشارع"), "address".to_owned()),
        ]);
        let mapping = auto_mapping(&t.headers, &overrides);
        assert_eq!(mapping[4], Some("other_id"));
        check_mapping(&mapping).unwrap();
        let (rows, _) = records(&t, &mapping);
        assert_eq!(rows[0].1.address, "12 شارع الجمهورية");
        assert_eq!(rows[1].1.address, "ش النيل");
        assert_eq!(rows[0].1.other_id, "A123");
        let twice = [
            Some("record_id"),
            Some("full_name"),
            Some("phone"),
            Some("phone"),
        ];
        assert_eq!(check_mapping(&twice).unwrap_err().key, "file-field-twice");
    }

    /// A workbook whose one cell reference has more column letters than any sheet can have.
    fn workbook_with_cell(reference: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="{reference}" t="inlineStr"><is><t>record_id</t></is></c></row></sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in parts {
            zip.start_file(name, stored).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_crafted_cell_reference_is_a_damaged_file_not_a_crash() {
        assert_eq!(
            read_table(&workbook_with_cell("A1")).unwrap().headers,
            ["record_id"]
        );
        let err = read_table(&workbook_with_cell("ZZZZZZZZZZZZZZZZ1")).unwrap_err();
        assert_eq!(err.key, "file-bad-xlsx");
    }

    #[test]
    fn bad_files_are_errors_with_lines() {
        assert_eq!(read_table(b"").unwrap_err().key, "file-empty");
        let err = read_table(b"record_id,full_name\n1,ok\n2,\xff\xfe\n").unwrap_err();
        assert_eq!((err.key, err.line), ("file-not-utf8", 3));
        assert_eq!(
            read_table(b"\xD0\xCF\x11\xE0rest").unwrap_err().key,
            "file-old-excel"
        );
        assert_eq!(
            read_table(b"PK\x03\x04truncated").unwrap_err().key,
            "file-bad-xlsx"
        );
        let t = table("a,b\n1,2\n");
        assert_eq!(
            check_mapping(&auto_mapping(&t.headers, &HashMap::new()))
                .unwrap_err()
                .key,
            "file-no-record-id"
        );
    }

    #[test]
    fn bad_rows_are_reported_and_the_rest_kept() {
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let csv = format!(
            "\u{feff}record_id,full_name\r\n1,أحمد\r\n,بلا كود\r\n3,=HYPERLINK(\"http://x\")\r\n4,{long}\r\n1,مكرر\r\n5,a,b\r\n\r\n6,منى\r\n"
        );
        let t = table(&csv);
        let mapping = auto_mapping(&t.headers, &HashMap::new());
        let (rows, issues) = records(&t, &mapping);
        let kept: Vec<&str> = rows.iter().map(|(_, r)| r.record_id.as_str()).collect();
        assert_eq!(kept, ["1", "6"]);
        let why: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.key)).collect();
        assert_eq!(
            why,
            [
                (3, "row-no-record-id"),
                (4, "row-formula"),
                (5, "row-cell-too-long"),
                (6, "row-duplicate-key"),
                (7, "row-columns")
            ]
        );
    }

    #[test]
    fn xlsx_numbers_keep_every_digit_and_dates_read_as_dates() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["record_id", "full_name", "national_id", "date_of_birth"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 7.0).unwrap();
        sheet.write_string(1, 1, "فاطمة").unwrap();
        sheet.write_number(1, 2, 29001011234567.0).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 1, 1).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_datetime_with_format(1, 3, &date, &fmt).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read_table(&bytes).unwrap();
        assert_eq!(
            t.rows,
            vec![(
                2,
                vec![
                    "7".into(),
                    "فاطمة".into(),
                    "29001011234567".into(),
                    "1990-01-01".into()
                ]
            )]
        );
    }
}
