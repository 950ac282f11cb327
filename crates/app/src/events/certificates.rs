//! Certificates: when the organiser closes an event that gives them, each seated person who
//! attended at least the event's share of sessions gets a serial number. The certificate is
//! drawn on demand as a PDF — Arabic right to left with real joining, and English, in the
//! vendored Amiri font (SIL Open Font License, `assets/fonts/OFL-Amiri.txt`) — by Typst used as a
//! library. The person's name, the event and the dates are handed to the fixed layout as data
//! (a JSON file it reads), never written into its markup, so no name can change the page.
//!
//! Its QR code leads to the public verification page (`/verify/{serial}`), which confirms the
//! certificate by showing what the certificate itself shows, nothing more.

use super::Event;
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::i18n::Locale;
use serde::Serialize;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The serial's letters after `MZ-`: random, so that serials cannot be walked through.
const SERIAL_LEN: usize = 10;

/// Closes event `id`: attendance is final, certificates are given to those who met the
/// criterion, and the event takes no more registrations or check-ins. Returns how many
/// certificates were given.
pub async fn close(db: &Db, actor: &Actor, id: i64) -> Result<usize> {
    let event = super::get(db, id).await?;
    if !super::organises(actor, &event) {
        return Err(if super::visible_to(actor, &event) {
            Error::Forbidden
        } else {
            Error::NotFound
        });
    }
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    if event.status != "open" {
        return Err(Error::Conflict("err-event-status"));
    }
    // Attendance is complete only once the last session has begun.
    if !may_close_now(db, id).await? {
        return Err(Error::Conflict("err-event-close-too-early"));
    }
    let mut tx = db.begin().await?;
    super::registration::lock(&mut tx, id).await?;
    let (sessions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM event_sessions WHERE event_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let attended: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT r.id, (SELECT COUNT(*) FROM event_checkins k WHERE k.registration_id = r.id) \
         FROM event_registrations r WHERE r.event_id = $1 AND r.status = 'seated' ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let now = db::now();
    let year = super::cairo_date(&now)
        .get(..4)
        .unwrap_or("0000")
        .to_owned();
    let mut given = 0;
    if event.certificate == 1 && sessions > 0 {
        for (rid, n) in attended {
            // At least the share asked, counted exactly: 4 of 5 sessions is 80 %.
            if n * 100 >= event.min_attendance * sessions {
                let serial = format!(
                    "MZ-{year}-{}",
                    super::grouped(&super::random_code(SERIAL_LEN))
                );
                sqlx::query(
                    "UPDATE event_registrations SET certificate_serial = $1, certificate_at = $2 WHERE id = $3",
                )
                .bind(&serial)
                .bind(&now)
                .bind(rid)
                .execute(&mut *tx)
                .await?;
                given += 1;
            }
        }
    }
    sqlx::query(
        "UPDATE events SET status = 'closed', closed_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "close",
        "event",
        Some(id),
        Some(serde_json::json!({"status": event.status})),
        Some(serde_json::json!({"status": "closed", "certificates": given})),
    )
    .await?;
    tx.commit().await?;
    Ok(given)
}

/// Whether event `id` may be closed now: its last session has begun.
pub async fn may_close_now(db: &Db, id: i64) -> Result<bool> {
    let (last,): (Option<String>,) =
        sqlx::query_as("SELECT MAX(starts_at) FROM event_sessions WHERE event_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    Ok(last.is_some_and(|l| l <= db::now()))
}

/// What a certificate says.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub serial: String,
    pub registration: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub name: String,
    pub event_id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub kind: String,
    pub hours_tenths: i64,
    /// The hours as people write them (`12`, `7.5`).
    pub hours: String,
    pub first_day: String,
    pub last_day: String,
    pub organiser_ar: String,
    pub organiser_en: String,
    pub issued_at: String,
}

type Row = (
    String,
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

const SELECT: &str = "SELECT r.certificate_serial, r.id, r.user_id, r.org_id, r.name, e.id, e.title_ar, e.title_en, e.kind, \
     e.hours_tenths, (SELECT MIN(s.starts_at) FROM event_sessions s WHERE s.event_id = e.id), \
     (SELECT MAX(s.ends_at) FROM event_sessions s WHERE s.event_id = e.id), o.name_ar, o.name_en, r.certificate_at \
     FROM event_registrations r JOIN events e ON e.id = r.event_id JOIN orgs o ON o.id = e.org_id";

fn of_row(r: Row) -> Certificate {
    Certificate {
        serial: r.0,
        registration: r.1,
        user_id: r.2,
        org_id: r.3,
        name: r.4,
        event_id: r.5,
        title_ar: r.6,
        title_en: r.7,
        kind: r.8,
        hours_tenths: r.9,
        hours: super::hours_text(r.9),
        first_day: r.10.as_deref().map(super::cairo_date).unwrap_or_default(),
        last_day: r.11.as_deref().map(super::cairo_date).unwrap_or_default(),
        organiser_ar: r.12,
        organiser_en: r.13,
        issued_at: r.14,
    }
}

/// The certificate with serial `serial` (as typed: case and spaces do not matter), if one was
/// given.
pub async fn by_serial(db: &Db, serial: &str) -> Result<Option<Certificate>> {
    let typed: String = crate::table::latin_digits(serial.trim())
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if typed.is_empty() || typed.len() > 40 {
        return Ok(None);
    }
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.certificate_serial = $1"
    )))
    .bind(&typed)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(of_row))
}

/// The certificates of event `id`, in the order people registered.
pub async fn of_event(db: &Db, id: i64) -> Result<Vec<Certificate>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.event_id = $1 AND r.certificate_serial IS NOT NULL ORDER BY r.id"
    )))
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(of_row).collect())
}

/// The certificates of person `user`, newest first.
pub async fn of_person(db: &Db, user: i64) -> Result<Vec<Certificate>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.user_id = $1 AND r.certificate_serial IS NOT NULL ORDER BY r.certificate_at DESC, r.id DESC"
    )))
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(of_row).collect())
}

/// Whether `actor` may download certificate `c`: its holder, their member's admin, the
/// event's organiser and auditors.
pub fn may_download(actor: &Actor, c: &Certificate, event: &Event) -> bool {
    actor.user_id == c.user_id
        || (actor.role == crate::access::Role::MemberAdmin && actor.org_id == c.org_id)
        || super::reads_as_organiser(actor, event)
}

/// The dates of a certificate written for `locale`: one day, or from … to ….
pub fn dates(locale: Locale, c: &Certificate) -> String {
    if c.first_day == c.last_day {
        locale.date(&c.first_day)
    } else {
        plain(&locale.t_args(
            "event-dates-range",
            &[
                ("from", locale.date(&c.first_day).into()),
                ("to", locale.date(&c.last_day).into()),
            ],
        ))
    }
}

fn plain(s: &str) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

/// Threads that draw certificates. Typst's layout recurses deeply, and it runs part of its work
/// on the rayon pool it is called from: on the threads of the global pool (2 MB stacks) a worker
/// that took up a second certificate while waiting inside the first overflowed its stack and
/// aborted the process. Its own pool, with stacks that cannot overflow, keeps that away from
/// the server's other work.
static DRAWERS: LazyLock<rayon::ThreadPool> = LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)))
        .stack_size(256 * 1024 * 1024)
        .thread_name(|i| format!("certificates-{i}"))
        .build()
        .expect("the certificates' threads")
});

/// The PDF of certificate `c`, its QR code leading to `verify_url`. Blocks while it is drawn.
pub fn pdf(c: &Certificate, alliance: (&str, &str), verify_url: &str) -> Result<Vec<u8>> {
    DRAWERS.install(|| draw(c, alliance, verify_url))
}

/// The PDFs of `certificates` (each with its verification link), drawn side by side.
pub fn pdfs(
    certificates: &[(Certificate, String)],
    alliance: (&str, &str),
) -> Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    DRAWERS.install(|| {
        certificates
            .par_iter()
            .map(|(c, url)| draw(c, alliance, url))
            .collect()
    })
}

fn draw(c: &Certificate, alliance: (&str, &str), verify_url: &str) -> Result<Vec<u8>> {
    let qr = super::qr::svg(verify_url, 160)?;
    let (ar, en) = (Locale::Ar, Locale::En);
    let hours = super::hours_text(c.hours_tenths);
    let mut data = serde_json::Map::new();
    for (k, v) in [
        ("alliance_ar", alliance.0.to_owned()),
        ("alliance_en", alliance.1.to_owned()),
        ("name", c.name.clone()),
        ("title_ar", c.title_ar.clone()),
        ("title_en", c.title_en.clone()),
        ("kind_ar", ar.t(&format!("event-kind-{}", c.kind))),
        ("kind_en", en.t(&format!("event-kind-{}", c.kind))),
        ("dates_ar", dates(ar, c)),
        ("dates_en", dates(en, c)),
        ("organiser_ar", c.organiser_ar.clone()),
        ("organiser_en", c.organiser_en.clone()),
        (
            "hours",
            if c.hours_tenths > 0 {
                hours
            } else {
                String::new()
            },
        ),
        ("serial", c.serial.clone()),
        ("verify", verify_url.to_owned()),
        ("qr", qr),
    ] {
        data.insert(k.into(), v.into());
    }
    let world = Certificates {
        data: Bytes::new(serde_json::Value::Object(data).to_string().into_bytes()),
    };
    let doc = typst::compile::<typst_layout::PagedDocument>(&world).output;
    let pdf = doc.and_then(|doc| typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()));
    // Typst memoises across compilations, and every certificate is another compilation: every
    // `EVICT_EVERY` certificates, what the last two rounds did not use again is dropped, or a
    // server drawing thousands would grow without end.
    static DRAWN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    if DRAWN
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .is_multiple_of(EVICT_EVERY)
    {
        comemo::evict(2);
    }
    pdf.map_err(|e| {
        let why: Vec<String> = e.iter().map(|d| d.message.to_string()).collect();
        Error::Internal(anyhow::anyhow!("certificate: {}", why.join("; ")))
    })
}

/// Certificates drawn between two trims of Typst's caches (see [`draw`]).
const EVICT_EVERY: usize = 16;

/// The certificate's layout: fixed markup reading everything it shows from `data.json`.
const LAYOUT: &str = include_str!("certificate.typ");

static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    [
        &include_bytes!("../../../../assets/fonts/Amiri-Regular.ttf")[..],
        &include_bytes!("../../../../assets/fonts/Amiri-Bold.ttf")[..],
    ]
    .into_iter()
    .filter_map(|data| Font::new(Bytes::new(data), 0))
    .collect()
});

static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

fn file_id(name: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(name).expect("a plain file name"),
    ))
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file_id("certificate.typ"));
static DATA: LazyLock<FileId> = LazyLock::new(|| file_id("data.json"));
/// The layout, parsed once.
static SOURCE: LazyLock<Source> = LazyLock::new(|| Source::new(*MAIN, LAYOUT.to_owned()));
/// Typst's standard library, built once: a certificate's data is a file, not an input, so every
/// certificate is drawn with the same library (built for each, it was kept by Typst's caches:
/// 400 KB a certificate that were never given back).
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// The smallest world Typst needs: the layout, the certificate's data as `data.json`, two fonts;
/// no file system, no packages.
struct Certificates {
    data: Bytes,
}

impl World for Certificates {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }
    fn main(&self) -> FileId {
        *MAIN
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(SOURCE.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }
    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
