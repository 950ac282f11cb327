//! The table reader on real and hostile files: every file that cannot be read is a clear error,
//! and reading any of them stays within a bound of time and memory (this binary counts every
//! allocation, so a reader that builds a dense sheet or unpacks a zip bomb fails here).

use mizalla::table::{MAX_CELL_CHARS, MAX_COLUMNS, Table, read_table};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the bytes allocated now and the most allocated at once since the last reset.
struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the tests of this binary share the counters.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Reads `bytes`, asserting it took at most `seconds` and at most `mib` MiB beyond what was
/// allocated before.
fn read_within(bytes: &[u8], seconds: u64, mib: usize) -> Result<Table, mizalla::table::FileError> {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let out = read_table(bytes);
    let took = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(took < Duration::from_secs(seconds), "took {took:?}");
    assert!(peak < mib << 20, "peak {} MiB", peak >> 20);
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A workbook of one sheet, written by hand as a hostile program would: `rows` is the XML inside
/// `<sheetData>`; `shared` the whole shared-strings part, if any.
fn workbook(rows: &str, shared: Option<&str>) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    );
    let mut parts = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", RELS.to_owned()),
        ("xl/workbook.xml", WORKBOOK.to_owned()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = shared {
        parts.push(("xl/sharedStrings.xml", s.to_owned()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A zip archive whose one part, `name`, is `chunk` repeated `times`, compressed as independent
/// deflate blocks: a few megabytes that unpack to `chunk.len() * times` bytes (a zip bomb).
fn zip_bomb(name: &str, chunk: &[u8], times: usize) -> Vec<u8> {
    let mut block = flate2::Compress::new(flate2::Compression::best(), false);
    let mut once = Vec::with_capacity(chunk.len());
    block
        .compress_vec(chunk, &mut once, flate2::FlushCompress::Sync)
        .unwrap();
    let mut data = once.repeat(times);
    data.extend_from_slice(&[0x03, 0x00]); // an empty final block
    let size = chunk.len() as u64 * times as u64;
    let (name, crc) = (name.as_bytes(), 0u32); // never reached: the reader stops first
    let mut out = Vec::new();
    let u16le = |v: usize| (v as u16).to_le_bytes();
    let u32le = |v: u64| (v.min(u32::MAX as u64) as u32).to_le_bytes();
    // Local header, data, central directory, end of central directory.
    out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&u32le(data.len() as u64));
    out.extend_from_slice(&u32le(size));
    out.extend_from_slice(&u16le(name.len()));
    out.extend_from_slice(&u16le(0));
    out.extend_from_slice(name);
    out.extend_from_slice(&data);
    let central = out.len();
    out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&u32le(data.len() as u64));
    out.extend_from_slice(&u32le(size));
    out.extend_from_slice(&u16le(name.len()));
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name);
    let central_len = out.len() - central;
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend_from_slice(&u32le(central_len as u64));
    out.extend_from_slice(&u32le(central as u64));
    out.extend_from_slice(&u16le(0));
    out
}

#[test]
fn a_sheet_with_a_far_corner_cell_is_read_by_its_real_cells() {
    // Issue 12, 2: cells at A1, B1 and XFD1048576 once made the reader allocate 512 GiB.
    let far = format!(
        r#"<row r="1">{}{}</row><row r="1048576">{}</row>"#,
        cell("A1", "record_id"),
        cell("B1", "full_name"),
        cell("XFD1048576", "x")
    );
    let err = read_within(&workbook(&far, None), 5, 16).unwrap_err();
    assert_eq!(err.key, "file-too-many-columns");
    assert_eq!(err.detail, MAX_COLUMNS.to_string());
    // An empty far cell is no cell; a far row is one row, numbered as the sheet numbers it.
    let empty_corner = format!(
        r#"<row r="1">{}{}</row><row r="1048576"><c r="XFD1048576"/>{}</row>"#,
        cell("A1", "record_id"),
        cell("B1", "full_name"),
        cell("A1048576", "7")
    );
    let t = read_within(&workbook(&empty_corner, None), 5, 16).unwrap();
    assert_eq!(t.headers, ["record_id", "full_name"]);
    assert_eq!(
        t.rows,
        vec![(1_048_576, vec!["7".to_owned(), String::new()])]
    );
}

#[test]
fn a_zip_bomb_is_refused_while_it_is_unpacked() {
    // Issue 12, 3: 2.5 MB that unpack to 622 MB once took 25 s and 2.9 GB for one preview.
    let row = b"<row><c t=\"inlineStr\"><is><t>0123456789</t></is></c></row>";
    let chunk = row.repeat(1 << 14);
    let times = (mizalla::table::MAX_UNPACKED_BYTES as usize / chunk.len()) * 3 / 2;
    let bomb = zip_bomb("xl/worksheets/sheet1.xml", &chunk, times);
    assert!(bomb.len() < 8 << 20, "{} bytes", bomb.len());
    let err = read_within(&bomb, 30, 8).unwrap_err();
    assert_eq!(err.key, "file-too-large-unpacked");
}

#[test]
fn shared_strings_announcing_more_than_they_hold_are_refused() {
    // calamine reserves room for the announced count before reading a string.
    let shared = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="99999999999" uniqueCount="99999999999"><si><t>record_id</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let err = read_within(&workbook(rows, Some(shared)), 5, 16).unwrap_err();
    assert_eq!(err.key, "file-bad-xlsx");
    // An honest count reads.
    let honest = shared.replace("99999999999", "1");
    let t = read_within(&workbook(rows, Some(&honest)), 5, 16).unwrap();
    assert_eq!(t.headers, ["record_id"]);
}

#[test]
fn a_hundred_thousand_columns_are_refused_at_the_header() {
    // Issue 12, 14: such a CSV once made a 131 MB preview page.
    let header = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let csv = format!("{header}\n{}\n", "1,".repeat(99_999) + "1");
    let err = read_within(csv.as_bytes(), 10, 64).unwrap_err();
    assert_eq!((err.key, err.line), ("file-too-many-columns", 1));
    // And a row that grows wide under a short header is refused with its line.
    let csv = format!(
        "record_id,full_name\n1,a\n{}\n3,c\n",
        "2,".repeat(MAX_COLUMNS + 5)
    );
    let t = read_within(csv.as_bytes(), 10, 64).unwrap();
    let lines: Vec<u64> = t.rows.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [2, 4]);
    assert_eq!(
        (t.unreadable[0].line, t.unreadable[0].key),
        (3, "row-columns")
    );
}

#[test]
fn a_ten_megabyte_cell_is_kept_short() {
    // Issue 12, 14: a refused 10 MB cell was echoed whole into the preview.
    let csv = format!("record_id,full_name\n1,{}\n2,منى\n", "x".repeat(10 << 20));
    let t = read_within(csv.as_bytes(), 10, 48).unwrap();
    assert_eq!(t.rows[0].1[1].chars().count(), MAX_CELL_CHARS + 1);
    assert_eq!(t.rows[1].1[1], "منى");
}

#[test]
fn a_nul_byte_makes_its_row_unreadable_with_its_line_and_keeps_the_rest() {
    // Issue 12, 5: PostgreSQL refused the whole import with no row named.
    let t = read_within(b"record_id,full_name\n1,a\x00b\n2,ok\n", 2, 4).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].0, 3);
    assert_eq!((t.unreadable[0].line, t.unreadable[0].key), (2, "row-nul"));
    let rows = format!(
        r#"<row r="1">{}</row><row r="2">{}</row><row r="3">{}</row>"#,
        cell("A1", "record_id"),
        cell("A2", "1&#0;"),
        cell("A3", "2")
    );
    // XML cannot carry NUL even as a reference: the file is damaged, or the row refused.
    match read_within(&workbook(&rows, None), 2, 16) {
        Ok(t) => {
            assert!(t.rows.iter().all(|(_, r)| !r.concat().contains('\0')));
        }
        Err(e) => assert_eq!(e.key, "file-bad-xlsx"),
    }
}

#[test]
fn utf16_and_truncated_files_are_clear_errors() {
    let utf16: Vec<u8> = "\u{feff}record_id,full_name\n1,منى\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(read_within(&utf16, 2, 4).unwrap_err().key, "file-not-utf8");
    let whole = workbook(
        &format!(r#"<row r="1">{}</row>"#, cell("A1", "record_id")),
        None,
    );
    for cut in [whole.len() / 2, whole.len() - 10, 30] {
        assert_eq!(
            read_within(&whole[..cut], 2, 16).unwrap_err().key,
            "file-bad-xlsx",
            "cut at {cut}"
        );
    }
}

/// A workbook whose one cell reference has more column letters than any sheet can have.
fn workbook_with_cell(reference: &str) -> Vec<u8> {
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
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_crafted_cell_reference_is_a_damaged_file_not_a_crash() {
    assert_eq!(
        read_within(&workbook_with_cell("A1"), 5, 64)
            .unwrap()
            .headers,
        ["record_id"]
    );
    // calamine panics here (caught): the panic hook's backtrace, when RUST_BACKTRACE asks for
    // one, reads debug information, which is what the larger bound allows for.
    let err = read_within(&workbook_with_cell("ZZZZZZZZZZZZZZZZ1"), 10, 512).unwrap_err();
    assert_eq!(err.key, "file-bad-xlsx");
}

#[test]
fn bad_files_are_errors_with_lines() {
    assert_eq!(read_within(b"", 5, 64).unwrap_err().key, "file-empty");
    let err = read_within(b"record_id,full_name\n1,ok\n2,\xff\xfe\n", 5, 64).unwrap_err();
    assert_eq!((err.key, err.line), ("file-not-utf8", 3));
    assert_eq!(
        read_within(b"\xD0\xCF\x11\xE0rest", 5, 64).unwrap_err().key,
        "file-old-excel"
    );
    assert_eq!(
        read_within(b"PK\x03\x04truncated", 5, 64).unwrap_err().key,
        "file-bad-xlsx"
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
    let t = read_within(&bytes, 5, 64).unwrap();
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
