//! Tables written out — downloads on the web and files the command line writes — by one writer
//! per format, so every export neutralises formulas the same way: a text cell that a spreadsheet
//! would run as a formula never reaches one as a formula.
//!
//! - CSV: such a text gets a leading apostrophe ([`neutralise_formula`]), which spreadsheets
//!   show as text.
//! - XLSX: every text is written as a string cell, which Excel never evaluates, so the value is
//!   kept exactly as it was (no apostrophe to see); numbers stay numbers, to sort and sum.

use std::io::Write;

/// An export's header (in the reader's language) and rows.
pub type Table = (Vec<String>, Vec<Vec<Value>>);

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Text(String::new()), Into::into)
    }
}

/// A value as written to a CSV export: text that a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@`, tab, carriage return first) gets a leading apostrophe, which spreadsheets show as
/// text.
pub fn neutralise_formula(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Writes a CSV table to `out`: the header, then the rows, every text neutralised. `bom` starts
/// the file with a UTF-8 byte-order mark, which Excel needs to read Arabic from a download.
pub fn write_csv<W: Write>(
    mut out: W,
    bom: bool,
    header: &[String],
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> std::io::Result<W> {
    if bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record(header.iter().map(|h| neutralise_formula(h).into_owned()))
        .map_err(io)?;
    for row in rows {
        w.write_record(row.iter().map(|v| match v {
            Value::Text(s) => neutralise_formula(s).into_owned(),
            Value::Number(n) => n.to_string(),
        }))
        .map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A CSV download's body.
pub fn csv_bytes(header: &[String], rows: impl IntoIterator<Item = Vec<Value>>) -> Vec<u8> {
    // Writing to memory cannot fail.
    write_csv(Vec::new(), true, header, rows).unwrap_or_default()
}

/// An Excel workbook of one sheet named `sheet_name`, as a clerk expects it: the header in bold
/// and frozen (it stays in view while scrolling), each column as wide as its longest value (within
/// bounds), right to left when `rtl`.
pub fn xlsx_bytes(
    sheet_name: &str,
    header: &[String],
    rows: impl IntoIterator<Item = Vec<Value>>,
    rtl: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_title(sheet_name))?;
    if rtl {
        sheet.set_right_to_left(true);
    }
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in rows.into_iter().enumerate() {
        let line = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let chars = match v {
                Value::Text(s) if s.is_empty() => 0,
                Value::Text(s) => {
                    sheet.write_string(line, c as u16, s)?;
                    s.chars().count()
                }
                Value::Number(n) => {
                    sheet.write_number(line, c as u16, *n)?;
                    n.to_string().len()
                }
            };
            if c < widths.len() {
                widths[c] = widths[c].max(chars);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// A sheet's name as Excel accepts it: at most 31 characters, none of `[]:*?/\`.
fn sheet_title(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Mizalla".to_owned()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_neutralises_formulas_the_same_way() {
        let header = vec!["id".to_owned(), "n".to_owned()];
        let rows = || {
            vec![
                vec![Value::from("+cmd|' /C calc'!A0"), Value::from(3i64)],
                vec![Value::from("=1+1"), Value::from(-2.5)],
            ]
        };
        let csv = String::from_utf8(csv_bytes(&header, rows())).unwrap();
        assert!(csv.contains("'+cmd|' /C calc'!A0"), "{csv}");
        assert!(csv.contains("'=1+1,-2.5"), "numbers are not text: {csv}");
        // In a workbook the text is a string cell, kept exactly; numbers are numbers.
        let book = xlsx_bytes("قائمة: 1/2", &header, rows(), true).unwrap();
        let table = crate::table::read_table(&book).unwrap();
        assert_eq!(table.rows[0].1[0], "+cmd|' /C calc'!A0");
        assert_eq!(table.rows[1].1, ["=1+1", "-2.5"]);
    }

    /// Issue 13, 9: the workbook had a sheet named `Sheet1`, no column widths and no frozen
    /// header.
    #[test]
    fn a_workbook_has_its_sheet_named_its_columns_sized_and_its_header_frozen() {
        let header = vec!["رقم السجل".to_owned(), "الاسم".to_owned()];
        let rows = vec![vec![
            Value::from("ngo01-000066"),
            Value::from("هنا عزت هاشم طه من قرية بعيدة جدًا في صعيد مصر"),
        ]];
        let book = xlsx_bytes("الأولى بالمساعدة أولًا", &header, rows, true).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut part = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
            s
        };
        let workbook = part("xl/workbook.xml");
        assert!(
            workbook.contains("name=\"الأولى بالمساعدة أولًا\""),
            "{workbook}"
        );
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(sheet.contains("rightToLeft=\"1\""), "{sheet}");
        assert!(
            sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""),
            "{sheet}"
        );
        assert!(sheet.contains("<col "), "{sheet}");
        assert_eq!(sheet_title("a/b[c]:*?"), "abc");
        assert_eq!(sheet_title("??"), "Mizalla");
    }
}
