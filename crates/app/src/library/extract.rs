//! The text of an uploaded document, for the index and the excerpts: PDF through poppler's
//! `pdftotext` (the extractor that gave Arabic in reading order in our checks; Rust PDF crates gave
//! it reversed or in presentation forms), DOCX from its `word/document.xml`, XLSX through the
//! platform's table reader (its first sheet), plain text as UTF-8.
//!
//! Every file is hostile until read: `pdftotext` runs in a child process with a wall-clock
//! deadline, a CPU-time and an address-space limit (`prlimit`), and what it prints is read up to
//! [`MAX_TEXT_BYTES`]; a DOCX is unpacked through a counter that stops at [`MAX_UNPACKED_BYTES`]
//! (a zip bomb stops there); and at most [`AT_ONCE`] files are read at a time.

use std::io::{Cursor, Read};
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// Kinds of file the library takes, by extension.
pub const FILE_TYPES: [&str; 6] = ["pdf", "docx", "xlsx", "txt", "md", "csv"];
/// Most text kept of one document (beyond it, the rest is not searched).
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes a DOCX's text part may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// How long `pdftotext` may take over one file, on the clock and on the CPU.
pub const PDF_DEADLINE: Duration = Duration::from_secs(20);
/// The address space `pdftotext` may use.
const PDF_MEMORY_BYTES: u64 = 1024 * 1024 * 1024;
/// Files read at once by one server.
const AT_ONCE: usize = 2;

/// Why a file's text could not be had: a message key in the locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a PDF, or a damaged one.
    Pdf,
    /// The PDF took longer than [`PDF_DEADLINE`] or more memory than allowed.
    PdfTooSlow,
    /// `pdftotext` is not installed on the server.
    NoPdfReader,
    Docx,
    /// The DOCX unpacks to more than [`MAX_UNPACKED_BYTES`].
    TooLargeUnpacked,
    Xlsx,
    /// A file that is not text (NUL bytes, or no known encoding).
    NotText,
}

impl Unreadable {
    pub fn key(self) -> &'static str {
        match self {
            Unreadable::Pdf => "err-library-pdf",
            Unreadable::PdfTooSlow => "err-library-pdf-slow",
            Unreadable::NoPdfReader => "err-library-no-pdftotext",
            Unreadable::Docx => "err-library-docx",
            Unreadable::TooLargeUnpacked => "err-library-unpacked",
            Unreadable::Xlsx => "err-library-xlsx",
            Unreadable::NotText => "err-library-not-text",
        }
    }
}

/// The file type of `file_name` when the library takes it (`pdf`, `docx` …).
pub fn file_type(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    FILE_TYPES.iter().find(|t| **t == ext).copied()
}

/// The text of a file of `file_type`, at most [`MAX_TEXT_BYTES`] of it.
pub async fn text(file_type: &str, bytes: Vec<u8>) -> Result<String, Unreadable> {
    text_within(file_type, bytes, PDF_DEADLINE).await
}

/// [`text`], with `pdftotext` given `deadline` (on the clock and on the CPU).
pub async fn text_within(
    file_type: &str,
    bytes: Vec<u8>,
    deadline: Duration,
) -> Result<String, Unreadable> {
    static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(AT_ONCE);
    let _permit = READING.acquire().await.map_err(|_| Unreadable::Pdf)?;
    let text = match file_type {
        "pdf" => pdf(&bytes, deadline).await?,
        "docx" => tokio::task::spawn_blocking(move || docx(&bytes))
            .await
            .map_err(|_| Unreadable::Docx)??,
        "xlsx" => tokio::task::spawn_blocking(move || xlsx(&bytes))
            .await
            .map_err(|_| Unreadable::Xlsx)??,
        _ => plain(&bytes)?,
    };
    Ok(cut(clean(&text), MAX_TEXT_BYTES))
}

/// Extracted text without NUL bytes and without the direction controls extractors put around
/// runs of text (pdftotext writes U+202B … U+202C around every Arabic line): cut in the middle
/// of a run, as a passage is, they would turn the words that follow around.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\0' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
        })
        .collect()
}

fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut at = max;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
    }
    text
}

/// Plain text as people save it: UTF-8 (with or without its mark), UTF-16 with its mark (Notepad's
/// "Unicode"), or else Windows-1256, what Arabic Windows writes by default (Excel's CSV, Notepad's
/// "ANSI"). A file with NUL bytes left is no text.
fn plain(bytes: &[u8]) -> Result<String, Unreadable> {
    let text = if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .ok_or(Unreadable::NotText)?
            .into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1256
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or(Unreadable::NotText)?
                .into_owned(),
        }
    };
    if text.contains('\0') {
        return Err(Unreadable::NotText);
    }
    Ok(text.replace("\r\n", "\n"))
}

async fn pdf(bytes: &[u8], deadline: Duration) -> Result<String, Unreadable> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(Unreadable::Pdf);
    }
    // pdftotext reads a file it can seek in: the upload goes to a private temporary file.
    let dir = std::env::temp_dir();
    let mut file = tempfile::Builder::new()
        .prefix("mizalla-library-")
        .suffix(".pdf")
        .tempfile_in(&dir)
        .map_err(|_| Unreadable::Pdf)?;
    std::io::Write::write_all(&mut file, bytes).map_err(|_| Unreadable::Pdf)?;
    let cpu = deadline.as_secs().max(1).to_string();
    let mut child = tokio::process::Command::new("prlimit")
        .arg(format!("--as={PDF_MEMORY_BYTES}"))
        .arg(format!("--cpu={cpu}"))
        .arg("--")
        .arg("pdftotext")
        .args(["-q", "-enc", "UTF-8", "-nopgbrk"])
        .arg(file.path())
        .arg("-")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|_| Unreadable::NoPdfReader)?;
    let mut out = Vec::new();
    let stdout = child.stdout.take().ok_or(Unreadable::Pdf)?;
    let read = async {
        let mut limited = stdout.take(MAX_TEXT_BYTES as u64);
        limited.read_to_end(&mut out).await.map(|_| ())
    };
    match tokio::time::timeout(deadline, read).await {
        Err(_) => {
            let _ = child.kill().await;
            return Err(Unreadable::PdfTooSlow);
        }
        Ok(Err(_)) => return Err(Unreadable::Pdf),
        Ok(Ok(())) => {}
    }
    // Enough text read: whatever pdftotext has left to say is not kept.
    if out.len() >= MAX_TEXT_BYTES {
        let _ = child.kill().await;
    }
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .map_err(|_| Unreadable::PdfTooSlow)?
        .map_err(|_| Unreadable::Pdf)?;
    if !status.success() && out.len() < MAX_TEXT_BYTES {
        // 127: prlimit found no pdftotext; killed by a signal: over its CPU or memory limit.
        use std::os::unix::process::ExitStatusExt;
        return Err(match (status.code(), status.signal()) {
            (Some(127), _) => Unreadable::NoPdfReader,
            (_, Some(_)) => Unreadable::PdfTooSlow,
            _ => Unreadable::Pdf,
        });
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The paragraphs of a Word document's body, a line each (tabs and line breaks kept).
fn docx(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unreadable::Docx)?;
    let mut part = zip
        .by_name("word/document.xml")
        .map_err(|_| Unreadable::Docx)?;
    let mut xml = Vec::new();
    (&mut part)
        .take(MAX_UNPACKED_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| Unreadable::Docx)?;
    if xml.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(Unreadable::TooLargeUnpacked);
    }
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut text = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "t" => in_text = true,
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                // An entity inside a run of text (&amp;, &#1575;).
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => {
                        let name = r.into_inner();
                        if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                            text.push_str(s);
                        }
                    }
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(Unreadable::Docx),
            _ => {}
        }
        if text.len() > MAX_TEXT_BYTES {
            break;
        }
        buf.clear();
    }
    Ok(text)
}

/// The cells of every sheet of a workbook, each sheet under its name, a row a line, cells apart
/// by tabs.
fn xlsx(bytes: &[u8]) -> Result<String, Unreadable> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(Unreadable::Xlsx);
    }
    crate::table::workbook_text(bytes, MAX_TEXT_BYTES).map_err(|e| {
        if e.key == "file-too-large-unpacked" {
            Unreadable::TooLargeUnpacked
        } else {
            Unreadable::Xlsx
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_types_are_known_by_their_extension() {
        assert_eq!(file_type("دليل.PDF"), Some("pdf"));
        assert_eq!(file_type("a.docx"), Some("docx"));
        assert_eq!(file_type("a.exe"), None);
        assert_eq!(file_type("noext"), None);
    }

    #[test]
    fn plain_text_is_utf8_without_nul() {
        assert_eq!(plain("\u{feff}سطر\r\nثان".as_bytes()).unwrap(), "سطر\nثان");
        // "مدرسة" in UTF-16 with its mark, and in Windows-1256.
        let utf16: Vec<u8> = [0xfeff_u16]
            .into_iter()
            .chain("مدرسة".encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(plain(&utf16).unwrap(), "مدرسة");
        assert_eq!(plain(&[0xe3, 0xcf, 0xd1, 0xd3, 0xc9]).unwrap(), "مدرسة");
        assert_eq!(plain(b"a\0b"), Err(Unreadable::NotText));
        assert_eq!(plain(b"\xff\xfe\x00"), Err(Unreadable::NotText));
    }

    #[test]
    fn direction_controls_are_taken_out_of_extracted_text() {
        assert_eq!(
            clean("\u{202b}دليل\u{202c} \u{202a}.guide\u{202c}\0"),
            "دليل .guide"
        );
    }

    #[test]
    fn text_is_cut_at_a_character() {
        assert_eq!(cut("ابج".into(), 3), "ا");
    }
}
