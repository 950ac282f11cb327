//! Announcements and coordination requests: the secretariat writes to all members, or to those
//! working in chosen governorates or sectors (by their profiles); a *request* asks for an answer
//! by a date ("send your Ramadan distribution plan for Sohag by 1 March"), with text and an
//! attached file. Members acknowledge and answer (text and a file); the secretariat sees who
//! answered, who is late, and reminds those who have not answered.
//!
//! Members are told in the page (the count in the header, [`waiting`]) and by e-mail through
//! [`crate::mail`], queued in the transaction that sends or reminds.
//!
//! Who sees what: the secretariat (admins and staff) writes, reminds and reads every answer;
//! auditors read everything; a member sees only what was sent to it and only its own answer.

pub mod routes;

use crate::access::Actor;
use crate::audit;
use crate::cache::{self, Cache, Topic};
use crate::config::Settings;
use crate::db::{self, Db, Tx};
use crate::error::{Error, FieldErrors, Result, form_date};
use crate::i18n::Locale;
use crate::mail::{self, Mail};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use std::time::Duration;

pub const KINDS: [&str; 2] = ["announcement", "request"];
/// The largest file attached to an announcement or an answer.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Kinds of file people attach (documents, sheets, pictures); others are refused.
pub const FILE_TYPES: [&str; 15] = [
    "pdf", "docx", "doc", "xlsx", "xls", "csv", "odt", "ods", "pptx", "txt", "jpg", "jpeg", "png",
    "heic", "webp",
];
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 10_000;
/// A member reminded of a request is not reminded again within this many minutes.
const REMIND_AGAIN_AFTER_MINUTES: i64 = 60;
pub const PAGE_SIZE: i64 = 25;

/// An announcement or request as written, with its audience.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Announcement {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub answer_by: Option<String>,
    pub governorates: String,
    pub sectors: String,
    pub created_at: String,
}

/// Where one member stands with an announcement.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Recipient {
    pub org_id: i64,
    pub org_name_ar: String,
    pub org_name_en: String,
    /// The member's standing (`active`, `suspended`, `left`): only an active member is late or
    /// reminded.
    pub org_status: String,
    pub acknowledged_at: Option<String>,
    pub answered_at: Option<String>,
    pub answer: String,
    pub reminded_at: Option<String>,
    pub reminders: i64,
    /// Whether the member attached a file to its answer.
    pub answer_file: Option<String>,
    /// A request past its date with no answer (worked out, not stored).
    #[sqlx(skip)]
    pub late: bool,
    /// An answer given after the request's last day.
    #[sqlx(skip)]
    pub answered_late: bool,
}

/// A line of the list: the announcement, and for the secretariat how many answered and how many
/// are late; for a member its own standing.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub answer_by: Option<String>,
    pub created_at: String,
    pub recipients: i64,
    pub acknowledged: i64,
    pub answered: i64,
    /// Active members that have not answered.
    pub unanswered: i64,
    /// Requests past their date without the answer of this many members.
    #[sqlx(skip)]
    pub late: i64,
    /// For a member: whether it still has something to do (acknowledge, or answer).
    #[sqlx(skip)]
    pub waiting: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnnouncementInput {
    pub kind: String,
    pub title: String,
    pub body: String,
    pub answer_by: String,
    /// Governorate codes; none for every governorate.
    pub governorates: Vec<String>,
    /// Sectors; none for every sector.
    pub sectors: Vec<String>,
    pub submission: String,
}

pub use crate::files::File;

/// Checks an attached file: its kind by its name, and its size.
pub fn check_file(file: &File, field: &'static str, errs: &mut FieldErrors) {
    let ext = file
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !FILE_TYPES.contains(&ext.as_str()) {
        errs.add(field, "err-file-type");
    } else if file.bytes.len() > MAX_FILE_BYTES {
        errs.add(field, "err-file-too-large");
    }
}

/// What was checked of an input: ready to store.
struct Checked {
    kind: &'static str,
    title: String,
    body: String,
    answer_by: Option<String>,
    governorates: Vec<String>,
    sectors: Vec<String>,
}

fn check(input: &AnnouncementInput, file: Option<&File>) -> Result<Checked> {
    let mut errs = FieldErrors::default();
    let kind = match KINDS.iter().find(|k| **k == input.kind.trim()) {
        Some(k) => *k,
        None => {
            errs.add("kind", "err-choice");
            "announcement"
        }
    };
    let title = errs.line("title", &input.title, MAX_TITLE, true);
    let body = errs.text("body", &input.body, MAX_TEXT, true);
    let answer_by = match (kind, input.answer_by.trim()) {
        ("request", "") => {
            errs.add("answer_by", "err-answer-by-required");
            None
        }
        ("request", raw) => match form_date(raw) {
            Some(d) if d < db::today() => {
                errs.add("answer_by", "err-answer-by-past");
                None
            }
            Some(d) => Some(d),
            None => {
                errs.add("answer_by", "err-date");
                None
            }
        },
        // An announcement asks for no answer: a date given with it is dropped.
        _ => None,
    };
    let governorates = errs.codes("governorates", &input.governorates, |g| {
        crate::orgs::governorates::by_code(g).is_some()
    });
    let sectors = errs.codes("sectors", &input.sectors, |s| {
        crate::orgs::SECTORS.contains(&s)
    });
    if let Some(f) = file {
        check_file(f, "file", &mut errs);
    }
    errs.check()?;
    Ok(Checked {
        kind,
        title,
        body,
        answer_by,
        governorates,
        sectors,
    })
}

/// The active members an audience reaches: those whose profile names one of `governorates`
/// (any, when none is chosen) and one of `sectors` (likewise).
async fn audience(db: &Db, governorates: &[String], sectors: &[String]) -> Result<Vec<i64>> {
    let orgs = crate::orgs::list(db).await?;
    Ok(orgs
        .into_iter()
        .filter(|o| o.is_member() && o.status == "active")
        .filter(|o| {
            let theirs = crate::orgs::split_list(&o.governorates);
            governorates.is_empty() || theirs.iter().any(|g| governorates.contains(g))
        })
        .filter(|o| {
            let theirs = crate::orgs::split_list(&o.sectors);
            sectors.is_empty() || theirs.iter().any(|s| sectors.contains(s))
        })
        .map(|o| o.id)
        .collect())
}

/// How many members an audience reaches now (the form shows it before sending).
pub async fn audience_size(db: &Db, governorates: &[String], sectors: &[String]) -> Result<usize> {
    Ok(audience(db, governorates, sectors).await?.len())
}

/// What an e-mail tells of.
struct About<'a> {
    id: i64,
    kind: &'a str,
    title: &'a str,
    answer_by: Option<&'a str>,
    reminder: bool,
}

/// The e-mails telling the users of `orgs` of an announcement, each in its user's language.
async fn mails_for(
    tx: &mut Tx<'_>,
    settings: &Settings,
    orgs: &[i64],
    about: About<'_>,
) -> Result<Vec<Mail>> {
    let About {
        id,
        kind,
        title,
        answer_by,
        reminder,
    } = about;
    if !mail::enabled(settings) || orgs.is_empty() {
        return Ok(Vec::new());
    }
    let list = db::placeholders(0, orgs.len());
    let sql = format!(
        "SELECT u.email, u.language FROM users u JOIN orgs o ON o.id = u.org_id \
         WHERE u.active = 1 AND o.status = 'active' AND u.role IN ('member_admin', 'member_staff') \
         AND u.org_id IN ({list}) ORDER BY u.id"
    );
    let mut q = sqlx::query_as::<_, (String, Option<String>)>(sqlx::AssertSqlSafe(sql));
    for o in orgs {
        q = q.bind(*o);
    }
    let users = q.fetch_all(&mut **tx).await?;
    let link = match settings.public_url.as_deref() {
        Some(base) if !base.trim().is_empty() => {
            format!("{}/announcements/{id}", base.trim().trim_end_matches('/'))
        }
        _ => format!("/announcements/{id}"),
    };
    Ok(users
        .into_iter()
        .map(|(to, language)| {
            let locale = language
                .as_deref()
                .and_then(Locale::parse)
                .unwrap_or_default();
            let request = kind == "request";
            let what = locale.t(match (reminder, request) {
                (true, true) => "mail-reminder",
                (true, false) => "mail-reminder-announcement",
                (false, true) => "mail-request",
                (false, false) => "mail-announcement",
            });
            let subject = format!("{}: {what} — {title}", locale.t("app-name"));
            let mut body = format!("{what}\n\n{title}\n\n");
            if let Some(d) = answer_by.filter(|_| request) {
                let passed = d < db::today().as_str();
                body.push_str(&plain(&locale.t_args(
                    if passed {
                        "mail-answer-by-passed"
                    } else {
                        "mail-answer-by"
                    },
                    &[("date", crate::i18n::Arg::Str(locale.date(d)))],
                )));
                body.push_str("\n\n");
            }
            body.push_str(&locale.t(if request {
                "mail-open"
            } else {
                "mail-open-read"
            }));
            body.push('\n');
            body.push_str(&link);
            body.push('\n');
            Mail {
                to,
                subject,
                body,
                image: None,
            }
        })
        .collect())
}

/// A message without Fluent's invisible isolation marks around its arguments (plain e-mail text
/// has no markup to keep apart).
fn plain(s: &str) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

/// Sends an announcement or request: stores it, fixes who it goes to, attaches the file, and
/// queues the e-mails. Returns its id and how many members it reached. A form sent twice under
/// one submission key sends once.
pub async fn create(
    db: &Db,
    settings: &Settings,
    actor: &Actor,
    input: &AnnouncementInput,
    file: Option<&File>,
) -> Result<(i64, usize)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let key = crate::submissions::key(&input.submission)?;
    let c = check(input, file)?;
    let orgs = audience(db, &c.governorates, &c.sectors).await?;
    if orgs.is_empty() {
        return Err(Error::field("governorates", "err-no-recipients"));
    }
    let mut tx = db.begin().await?;
    if let Some(k) = key
        && let Some(id) =
            crate::submissions::earlier(&mut tx, actor.org_id, "announcement", k).await?
    {
        return Ok((id, orgs.len()));
    }
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO announcements (kind, title, body, answer_by, governorates, sectors, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.kind)
    .bind(&c.title)
    .bind(&c.body)
    .bind(c.answer_by.as_deref())
    .bind(c.governorates.join(","))
    .bind(c.sectors.join(","))
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    for org in &orgs {
        sqlx::query(
            "INSERT INTO announcement_recipients (announcement_id, org_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(org)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(f) = file {
        store_file(&mut tx, id, None, f).await?;
    }
    let about = About {
        id,
        kind: c.kind,
        title: &c.title,
        answer_by: c.answer_by.as_deref(),
        reminder: false,
    };
    let mails = mails_for(&mut tx, settings, &orgs, about).await?;
    let queued = mail::queue(&mut tx, settings, &mails).await?;
    if let Some(k) = key {
        crate::submissions::remember(&mut tx, actor.org_id, "announcement", k, id).await?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "announcement",
        Some(id),
        None,
        Some(serde_json::json!({
            "kind": c.kind, "title": c.title, "answer_by": c.answer_by,
            "governorates": c.governorates, "sectors": c.sectors,
            "recipients": orgs.len(), "emails": queued, "file": file.map(|f| &f.name),
        })),
    )
    .await?;
    tx.commit().await?;
    cache::changed(Topic::Announcements);
    if queued > 0 {
        mail::wake();
    }
    Ok((id, orgs.len()))
}

async fn store_file(tx: &mut Tx<'_>, id: i64, org: Option<i64>, f: &File) -> Result<()> {
    match org {
        Some(o) => {
            sqlx::query("DELETE FROM announcement_files WHERE announcement_id = $1 AND org_id = $2")
                .bind(id)
                .bind(o)
        }
        None => sqlx::query(
            "DELETE FROM announcement_files WHERE announcement_id = $1 AND org_id IS NULL",
        )
        .bind(id),
    }
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO announcement_files (announcement_id, org_id, file_name, content, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(org)
    .bind(&f.name)
    .bind(f.bytes.as_slice())
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether `actor` may read announcement `id`: the secretariat and auditors always, a member
/// when it was sent to it. A member asking for another's gets "not found".
async fn readable(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    if actor.sees_all() {
        return Ok(());
    }
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT org_id FROM announcement_recipients WHERE announcement_id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(actor.org_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|_| ()).ok_or(Error::NotFound)
}

/// One announcement, if `actor` may read it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Announcement> {
    readable(db, actor, id).await?;
    sqlx::query_as(
        "SELECT id, kind, title, body, answer_by, governorates, sectors, created_at FROM announcements WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)
}

/// The name of the file attached to announcement `id`, if any.
pub async fn file_name(db: &Db, id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_as::<_, (String,)>(
        "SELECT file_name FROM announcement_files WHERE announcement_id = $1 AND org_id IS NULL",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .map(|(n,)| n))
}

/// The file of announcement `id` (`org` `None`) or of member `org`'s answer to it. A member reads
/// the announcement's file and its own answer's only.
pub async fn file(db: &Db, actor: &Actor, id: i64, org: Option<i64>) -> Result<File> {
    readable(db, actor, id).await?;
    if let Some(o) = org
        && !actor.sees_all()
        && o != actor.org_id
    {
        return Err(Error::NotFound);
    }
    let row: Option<(String, Vec<u8>)> = match org {
        Some(o) => sqlx::query_as(
            "SELECT file_name, content FROM announcement_files WHERE announcement_id = $1 AND org_id = $2",
        )
        .bind(id)
        .bind(o),
        None => sqlx::query_as(
            "SELECT file_name, content FROM announcement_files WHERE announcement_id = $1 AND org_id IS NULL",
        )
        .bind(id),
    }
    .fetch_optional(&db.pool)
    .await?;
    let (name, bytes) = row.ok_or(Error::NotFound)?;
    Ok(File { name, bytes })
}

const RECIPIENT_COLUMNS: &str = "r.org_id, o.name_ar AS org_name_ar, o.name_en AS org_name_en, o.status AS org_status, r.acknowledged_at, r.answered_at, \
     r.answer, r.reminded_at, r.reminders, f.file_name AS answer_file";
const RECIPIENT_FROM: &str = "announcement_recipients r JOIN orgs o ON o.id = r.org_id \
     LEFT JOIN announcement_files f ON f.announcement_id = r.announcement_id AND f.org_id = r.org_id";

fn is_late(answer_by: Option<&str>, answered_at: Option<&str>) -> bool {
    matches!(answer_by, Some(d) if answered_at.is_none() && d < db::today().as_str())
}

/// Who an announcement went to and where each stands: every member for the secretariat and
/// auditors, the member's own row for a member. `late_only` keeps the late ones.
pub async fn recipients(
    db: &Db,
    actor: &Actor,
    a: &Announcement,
    late_only: bool,
) -> Result<Vec<Recipient>> {
    let mut rows: Vec<Recipient> = if actor.sees_all() {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM {RECIPIENT_FROM} WHERE r.announcement_id = $1 ORDER BY o.name_ar"
        )))
        .bind(a.id)
        .fetch_all(&db.pool)
        .await?
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM {RECIPIENT_FROM} WHERE r.announcement_id = $1 AND r.org_id = $2"
        )))
        .bind(a.id)
        .bind(actor.org_id)
        .fetch_all(&db.pool)
        .await?
    };
    for r in &mut rows {
        r.late =
            r.org_status == "active" && is_late(a.answer_by.as_deref(), r.answered_at.as_deref());
        r.answered_late = matches!(
            (a.answer_by.as_deref(), r.answered_at.as_deref()),
            (Some(by), Some(at)) if at.get(..10).is_some_and(|day| day > by)
        );
    }
    if late_only {
        rows.retain(|r| r.late);
    }
    Ok(rows)
}

/// What the list shows: `waiting_only` keeps, for a member, those it still has to acknowledge or
/// answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub kind: String,
    pub waiting: bool,
}

/// A page of announcements for `actor`, newest first, and how many there are.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
    page: crate::paging::Page,
) -> Result<(Vec<Line>, i64)> {
    if !filter.kind.is_empty() && !KINDS.contains(&filter.kind.as_str()) {
        return Err(Error::field("kind", "err-choice"));
    }
    let mut binds = db::Binds::default();
    let mut wheres = Vec::new();
    if !actor.sees_all() {
        wheres.push(format!("r.org_id = {}", binds.add(actor.org_id)));
    }
    if KINDS.contains(&filter.kind.as_str()) {
        wheres.push(format!("a.kind = {}", binds.add(filter.kind.clone())));
    }
    if filter.waiting && !actor.sees_all() {
        wheres.push(
            "((a.kind = 'request' AND r.answered_at IS NULL) OR (a.kind = 'announcement' AND r.acknowledged_at IS NULL))"
                .to_owned(),
        );
    }
    let cond = if wheres.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wheres.join(" AND "))
    };
    let grouped = format!(
        "SELECT a.id, a.kind, a.title, a.answer_by, a.created_at, COUNT(*) AS recipients, \
         COUNT(r.acknowledged_at) AS acknowledged, COUNT(r.answered_at) AS answered, \
         COALESCE(SUM(CASE WHEN r.answered_at IS NULL AND o.status = 'active' THEN 1 ELSE 0 END), 0) AS unanswered \
         FROM announcements a JOIN announcement_recipients r ON r.announcement_id = a.id \
         JOIN orgs o ON o.id = r.org_id {cond} \
         GROUP BY a.id, a.kind, a.title, a.answer_by, a.created_at"
    );
    let total_sql = format!("SELECT COUNT(*) FROM ({grouped}) t");
    let (total,): (i64,) = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(total_sql)))
        .fetch_one(&db.pool)
        .await?;
    let sql = format!(
        "{grouped} ORDER BY a.created_at DESC, a.id DESC LIMIT {} OFFSET {}",
        page.size(),
        page.within(total).offset()
    );
    let mut lines: Vec<Line> = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .fetch_all(&db.pool)
        .await?;
    let today = db::today();
    for l in &mut lines {
        let past = l.answer_by.as_deref().is_some_and(|d| d < today.as_str());
        if past {
            l.late = l.unanswered;
        }
        l.waiting = if l.kind == "request" {
            l.answered < l.recipients
        } else {
            l.acknowledged < l.recipients
        };
    }
    Ok((lines, total))
}

/// What the member `org_id` still has to acknowledge or answer: the count in the page header.
/// Kept a minute per member, and worked out again as soon as anything of announcements changes.
pub async fn waiting(db: &Db, org_id: i64) -> Result<i64> {
    static WAITING: LazyLock<Cache<i64>> =
        LazyLock::new(|| Cache::new(Duration::from_secs(60), 10_000, &[Topic::Announcements]));
    let n = WAITING
        .get_or_load(format!("{}:{org_id}", db.id), || async {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id \
                 JOIN orgs o ON o.id = r.org_id AND o.status = 'active' \
                 WHERE r.org_id = $1 AND ((a.kind = 'request' AND r.answered_at IS NULL) \
                 OR (a.kind = 'announcement' AND r.acknowledged_at IS NULL))",
            )
            .bind(org_id)
            .fetch_one(&db.pool)
            .await?;
            Ok::<_, Error>(n)
        })
        .await?;
    Ok(*n)
}

/// For the secretariat's home: members' answers still awaited, and of those the late ones.
pub async fn awaited(db: &Db) -> Result<(i64, i64)> {
    let (awaited, late): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.answer_by < $1 THEN 1 ELSE 0 END), 0) \
         FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id \
         JOIN orgs o ON o.id = r.org_id AND o.status = 'active' \
         WHERE a.kind = 'request' AND r.answered_at IS NULL",
    )
    .bind(db::today())
    .fetch_one(&db.pool)
    .await?;
    Ok((awaited, late))
}

/// The member's own row, for a write: it must have been sent the announcement and be able to
/// write.
async fn own_row(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
) -> Result<(String, Option<String>, Option<String>)> {
    if actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT a.kind, r.acknowledged_at, r.answered_at FROM announcement_recipients r \
         JOIN announcements a ON a.id = r.announcement_id WHERE r.announcement_id = $1 AND r.org_id = $2",
    )
    .bind(id)
    .bind(actor.org_id)
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or(Error::NotFound)?;
    if !actor.can_write() {
        return Err(Error::Forbidden);
    }
    Ok(row)
}

/// The member says it has read announcement `id` (once; again is no change).
pub async fn acknowledge(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let (_, acknowledged, _) = own_row(&mut tx, actor, id).await?;
    if acknowledged.is_some() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE announcement_recipients SET acknowledged_at = $1 WHERE announcement_id = $2 AND org_id = $3",
    )
    .bind(db::now())
    .bind(id)
    .bind(actor.org_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "acknowledge",
        "announcement",
        Some(id),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    cache::changed(Topic::Announcements);
    Ok(())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    pub answer: String,
}

/// The member answers request `id` with a text and, if it likes, a file. It may answer again
/// until it is content (the last answer is kept; an earlier file is replaced by a new one).
pub async fn answer(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AnswerInput,
    file: Option<&File>,
) -> Result<()> {
    let mut errs = FieldErrors::default();
    let answer = errs.text("answer", &input.answer, MAX_TEXT, true);
    if let Some(f) = file {
        check_file(f, "file", &mut errs);
    }
    let mut tx = db.begin().await?;
    let (kind, _, before) = own_row(&mut tx, actor, id).await?;
    if kind != "request" {
        return Err(Error::field("answer", "err-not-a-request"));
    }
    errs.check()?;
    let now = db::now();
    sqlx::query(
        "UPDATE announcement_recipients SET answered_at = $1, answered_by = $2, answer = $3, \
         acknowledged_at = COALESCE(acknowledged_at, $1) WHERE announcement_id = $4 AND org_id = $5",
    )
    .bind(&now)
    .bind(actor.user_id)
    .bind(&answer)
    .bind(id)
    .bind(actor.org_id)
    .execute(&mut *tx)
    .await?;
    if let Some(f) = file {
        store_file(&mut tx, id, Some(actor.org_id), f).await?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        if before.is_some() { "update" } else { "answer" },
        "announcement",
        Some(id),
        None,
        // The answer's size, not its text: what members write stays in their answer.
        Some(serde_json::json!({ "characters": answer.chars().count(), "file": file.map(|f| &f.name) })),
    )
    .await?;
    tx.commit().await?;
    cache::changed(Topic::Announcements);
    Ok(())
}

/// Reminds the members that have not answered request `id` (or not acknowledged an
/// announcement), except those reminded within the hour: the reminder shows on their page and
/// goes by e-mail. Returns how many were reminded.
pub async fn remind(db: &Db, settings: &Settings, actor: &Actor, id: i64) -> Result<usize> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let a = get(db, actor, id).await?;
    let column = if a.kind == "request" {
        "answered_at"
    } else {
        "acknowledged_at"
    };
    let mut tx = db.begin().await?;
    let orgs: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT org_id FROM announcement_recipients WHERE announcement_id = $1 AND {column} IS NULL \
         AND (reminded_at IS NULL OR reminded_at < $2) \
         AND org_id IN (SELECT id FROM orgs WHERE status = 'active') ORDER BY org_id"
    )))
    .bind(id)
    .bind(db::minutes_ago(REMIND_AGAIN_AFTER_MINUTES))
    .fetch_all(&mut *tx)
    .await?;
    let orgs: Vec<i64> = orgs.into_iter().map(|(o,)| o).collect();
    if orgs.is_empty() {
        return Ok(0);
    }
    let now = db::now();
    for o in &orgs {
        sqlx::query(
            "UPDATE announcement_recipients SET reminded_at = $1, reminders = reminders + 1 \
             WHERE announcement_id = $2 AND org_id = $3",
        )
        .bind(&now)
        .bind(id)
        .bind(o)
        .execute(&mut *tx)
        .await?;
    }
    let about = About {
        id,
        kind: &a.kind,
        title: &a.title,
        answer_by: a.answer_by.as_deref(),
        reminder: true,
    };
    let mails = mails_for(&mut tx, settings, &orgs, about).await?;
    let queued = mail::queue(&mut tx, settings, &mails).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "remind",
        "announcement",
        Some(id),
        None,
        Some(serde_json::json!({ "members": orgs, "emails": queued })),
    )
    .await?;
    tx.commit().await?;
    cache::changed(Topic::Announcements);
    if queued > 0 {
        mail::wake();
    }
    Ok(orgs.len())
}
