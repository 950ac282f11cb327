//! The knowledge library: guides, reports, training material and templates that members and the
//! secretariat share, searched in Arabic and English however staff type.
//!
//! A document has a title, a summary, tags, a sector and a governorate, a language and an
//! access level, and one or more versions (a new upload keeps the older ones, which stay
//! downloadable); the newest is the one shown and searched. Its text is extracted on upload
//! ([`extract`]), analysed by the `mizalla-search` crate, and indexed ([`index`]).
//!
//! Who sees what ([`Viewer`]): a `public` document anyone, also without signing in (the public
//! page); a `members` document every signed-in user (a suspended member's staff too: it is the
//! alliance's shared knowledge, not data of families); a `secretariat` document ("private") the
//! secretariat and the organisation that added it. That holds in the results, their counts, their
//! excerpts and their downloads. The organisation that added a document and the secretariat change
//! it (a suspended member changes nothing); the command line acts as the secretariat.

pub mod extract;
pub mod index;
pub mod routes;

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Binds, Db};
use crate::error::{Error, FieldErrors, Result};
use crate::paging::Page;
use serde::{Deserialize, Serialize};

pub const ACCESS: [&str; 3] = ["public", "members", "secretariat"];
pub const LANGUAGES: [&str; 3] = ["ar", "en", "both"];
/// The largest file the library takes.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
pub const PAGE_SIZE: i64 = 20;
/// The deepest page of results (20 a page): beyond it, a narrower search helps more.
pub const MAX_RESULT_PAGE: i64 = 50;
const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 2_000;
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 40;
const MAX_NOTE: usize = 500;
/// How many characters of a hit's text its passage is taken from.
const EXCERPT_SCAN_CHARS: i64 = 65_536;
const EXCERPT_WIDTH: usize = 240;

/// Whose eyes a search or a download is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Not signed in: public documents only.
    Public,
    /// A member's user: public and members' documents, and its own organisation's.
    Member(i64),
    /// The secretariat, an auditor, or the command line: every document.
    All,
}

impl Viewer {
    pub fn of(actor: &Actor) -> Viewer {
        if actor.sees_all() {
            Viewer::All
        } else {
            Viewer::Member(actor.org_id)
        }
    }

    /// The index's filter for the documents this viewer sees: any of these terms (none: all).
    fn filter(self) -> Vec<String> {
        match self {
            Viewer::Public => vec![index::filter("access", "public")],
            Viewer::Member(org) => vec![
                index::filter("access", "public"),
                index::filter("access", "members"),
                index::filter("org", &org.to_string()),
            ],
            Viewer::All => Vec::new(),
        }
    }

    /// The SQL condition on `d` (a `library_documents` row) for the documents this viewer sees.
    fn condition(self, binds: &mut Binds) -> String {
        match self {
            Viewer::Public => "d.access = 'public'".to_owned(),
            Viewer::Member(org) => format!(
                "(d.access IN ('public', 'members') OR d.org_id = {})",
                binds.add(org)
            ),
            Viewer::All => "1 = 1".to_owned(),
        }
    }
}

/// A document as listed and shown, with its current version.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name_ar: String,
    pub org_name_en: String,
    pub title: String,
    pub summary: String,
    pub tags: String,
    pub sector: String,
    pub governorate: String,
    pub language: String,
    pub access: String,
    pub version: i64,
    pub file_name: String,
    pub file_type: String,
    pub bytes: i64,
    pub created_at: String,
    pub updated_at: String,
}

const DOCUMENT_COLUMNS: &str = "d.id, d.org_id, o.code AS org_code, o.name_ar AS org_name_ar, \
     o.name_en AS org_name_en, d.title, d.summary, d.tags, d.sector, d.governorate, d.language, \
     d.access, v.number AS version, v.file_name, v.file_type, v.bytes, d.created_at, d.updated_at";
const DOCUMENT_FROM: &str = "library_documents d JOIN orgs o ON o.id = d.org_id \
     JOIN library_versions v ON v.id = d.version_id";

/// One uploaded version of a document.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Version {
    pub number: i64,
    pub file_name: String,
    pub file_type: String,
    pub bytes: i64,
    pub note: String,
    pub created_at: String,
    pub created_by_name: Option<String>,
}

/// What a form or the command line gives of a document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentInput {
    pub title: String,
    pub summary: String,
    /// Comma-separated (`,` or `،`).
    pub tags: String,
    pub sector: String,
    pub governorate: String,
    /// `ar`, `en` or `both`; empty to tell from the text.
    pub language: String,
    pub access: String,
    /// What changed, for a new version.
    pub note: String,
    pub submission: String,
}

/// A file as uploaded.
pub use crate::files::File;

struct Checked {
    title: String,
    summary: String,
    tags: Vec<String>,
    sector: String,
    governorate: String,
    language: Option<&'static str>,
    access: &'static str,
}

/// The tags of a comma-separated list (`,` or the Arabic `،`): trimmed, each once.
pub fn split_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw.split([',', '،', ';', '؛']) {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() && !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
            tags.push(t);
        }
    }
    tags
}

fn check(input: &DocumentInput, default_title: Option<&str>) -> Result<Checked> {
    let mut errs = FieldErrors::default();
    let typed = input.title.trim();
    let title = if typed.is_empty() {
        default_title.unwrap_or_default().trim().to_owned()
    } else {
        typed.to_owned()
    };
    let title = errs.line("title", &title, MAX_TITLE, true);
    let summary = errs.text("summary", &input.summary, MAX_SUMMARY, false);
    let tags = split_tags(&input.tags);
    if tags.len() > MAX_TAGS {
        errs.add("tags", "err-library-too-many-tags");
    } else if tags.iter().any(|t| t.chars().count() > MAX_TAG_CHARS) {
        errs.add("tags", "err-library-tag-too-long");
    } else if tags.iter().any(|t| {
        t.chars()
            .any(|c| c.is_control() || crate::error::reorders(c))
    }) {
        errs.add("tags", "err-control-character");
    }
    let sector = input.sector.trim().to_owned();
    if !sector.is_empty() && !crate::orgs::SECTORS.contains(&sector.as_str()) {
        errs.add("sector", "err-choice");
    }
    let governorate = input.governorate.trim().to_owned();
    if !governorate.is_empty() && crate::orgs::governorates::by_code(&governorate).is_none() {
        errs.add("governorate", "err-choice");
    }
    let language = match input.language.trim() {
        "" => None,
        l => match LANGUAGES.iter().find(|x| **x == l) {
            Some(l) => Some(*l),
            None => {
                errs.add("language", "err-choice");
                None
            }
        },
    };
    let access = match ACCESS.iter().find(|a| **a == input.access.trim()) {
        Some(a) => *a,
        None => {
            errs.add("access", "err-choice");
            "members"
        }
    };
    errs.check()?;
    Ok(Checked {
        title,
        summary,
        tags,
        sector,
        governorate,
        language,
        access,
    })
}

/// The language of a text by its letters: Arabic, English, or both when each has a fifth.
pub fn language_of(text: &str) -> &'static str {
    let (mut ar, mut latin) = (0usize, 0usize);
    for c in text.chars().take(200_000) {
        if ('\u{0600}'..='\u{06ff}').contains(&c) {
            ar += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    let all = (ar + latin).max(1);
    match (ar * 5 >= all, latin * 5 >= all) {
        (true, true) => "both",
        (false, true) => "en",
        _ => "ar",
    }
}

/// A file's type and text, or the field error that says why the library cannot take it.
async fn read_file(file: &File) -> Result<(&'static str, String)> {
    let Some(kind) = extract::file_type(&file.name) else {
        return Err(Error::field("file", "err-library-file-type"));
    };
    if file.bytes.is_empty() {
        return Err(Error::field("file", "err-no-file"));
    }
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(Error::field("file", "err-file-too-large"));
    }
    match extract::text(kind, file.bytes.clone()).await {
        Ok(text) => Ok((kind, text)),
        Err(e) => Err(Error::field("file", e.key())),
    }
}

/// Who may add documents: every user who may write (members' staff and the secretariat).
fn may_add(actor: &Actor) -> bool {
    actor.can_write()
}

/// Who may change document `org_id` added: the secretariat's writers and that organisation's.
fn may_change(actor: &Actor, org_id: i64) -> bool {
    actor.can_write() && (actor.coordinates() || actor.org_id == org_id)
}

/// Adds a document for organisation `org_id` (the actor's own, or any for the secretariat; the
/// command line passes no actor). Its title defaults to the file's name. Returns its id; a form
/// sent twice under one submission key adds it once.
pub async fn add(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    input: &DocumentInput,
    file: &File,
) -> Result<i64> {
    if let Some(a) = actor
        && (!may_add(a) || (a.org_id != org_id && !a.coordinates()))
    {
        return Err(Error::Forbidden);
    }
    let key = crate::submissions::key(&input.submission)?;
    let stem = file
        .name
        .rsplit_once('.')
        .map_or(file.name.as_str(), |(s, _)| s);
    let c = check(input, Some(stem));
    let read = read_file(file).await;
    // Every field's error at once, the file's beside the others'.
    let (c, (kind, text)) = match (c, read) {
        (Ok(c), Ok(r)) => (c, r),
        (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
            a.0.extend(b.0);
            return Err(Error::Validation(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let language = c.language.unwrap_or_else(|| language_of(&text));
    let mut tx = db.begin().await?;
    if let (Some(k), Some(a)) = (key, actor)
        && let Some(id) =
            crate::submissions::earlier(&mut tx, a.org_id, "library_document", k).await?
    {
        return Ok(id);
    }
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO library_documents (org_id, title, summary, tags, sector, governorate, language, access, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(&c.title)
    .bind(&c.summary)
    .bind(c.tags.join(","))
    .bind(&c.sector)
    .bind(&c.governorate)
    .bind(language)
    .bind(c.access)
    .bind(actor.map(|a| a.user_id))
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let version = store_version(&mut tx, actor, id, 1, file, kind, &text, "").await?;
    sqlx::query("UPDATE library_documents SET version_id = $1 WHERE id = $2")
        .bind(version)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let about = Indexed {
        org_id,
        language,
        file_type: kind,
    };
    index::write(&mut tx, db.kind, id, &indexed(&c, about, &text)).await?;
    if let (Some(k), Some(a)) = (key, actor) {
        crate::submissions::remember(&mut tx, a.org_id, "library_document", k, id).await?;
    }
    audit::record(
        &mut tx,
        actor,
        "create",
        "library_document",
        Some(id),
        None,
        Some(serde_json::json!({
            "title": c.title, "access": c.access, "org_id": org_id,
            "file": file.name, "bytes": file.bytes.len(), "version": 1,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn store_version(
    tx: &mut db::Tx<'_>,
    actor: Option<&Actor>,
    document: i64,
    number: i64,
    file: &File,
    kind: &str,
    text: &str,
    note: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO library_versions (document_id, number, file_name, file_type, bytes, content, text, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(document)
    .bind(number)
    .bind(&file.name)
    .bind(kind)
    .bind(file.bytes.len() as i64)
    .bind(file.bytes.as_slice())
    .bind(text)
    .bind(note)
    .bind(actor.map(|a| a.user_id))
    .bind(db::now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// What the index keeps of a document beside its checked fields: for its filters.
#[derive(Clone, Copy)]
struct Indexed<'a> {
    org_id: i64,
    language: &'a str,
    file_type: &'a str,
}

impl<'a> Indexed<'a> {
    fn of(doc: &'a Document) -> Self {
        Indexed {
            org_id: doc.org_id,
            language: &doc.language,
            file_type: &doc.file_type,
        }
    }
}

/// The fields of a document as the index takes them: its words, and its filters as terms.
fn indexed(c: &Checked, about: Indexed<'_>, text: &str) -> index::Fields {
    let mut keywords = vec![c.summary.clone(), c.tags.join(" ")];
    if !c.sector.is_empty() {
        for l in [crate::i18n::Locale::Ar, crate::i18n::Locale::En] {
            keywords.push(l.t(&format!("sector-{}", c.sector)));
        }
    }
    if let Some(g) = crate::orgs::governorates::by_code(&c.governorate) {
        keywords.push(g.name_ar.to_owned());
        keywords.push(g.name_en.to_owned());
    }
    let mut filters = vec![
        index::filter("access", c.access),
        index::filter("org", &about.org_id.to_string()),
        index::filter("language", about.language),
        index::filter("type", about.file_type),
    ];
    if !c.sector.is_empty() {
        filters.push(index::filter("sector", &c.sector));
    }
    if !c.governorate.is_empty() {
        filters.push(index::filter("governorate", &c.governorate));
    }
    for t in &c.tags {
        filters.push(index::filter("tag", &t.to_lowercase()));
    }
    index::Fields {
        title: c.title.clone(),
        keywords: keywords.join("\n"),
        body: text.to_owned(),
        filters,
    }
}

/// The text of document `id`'s current version, as extracted on upload.
async fn current_text(tx: &mut db::Tx<'_>, id: i64) -> Result<String> {
    let (text,): (String,) = sqlx::query_as(
        "SELECT v.text FROM library_versions v JOIN library_documents d ON d.version_id = v.id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(text)
}

/// Indexes every document again when the index was written by another version of the analysis
/// (or never): a change of stemming changes the terms, and old terms would no longer be found.
/// Run at start, before the server answers.
pub async fn reindex_if_stale(db: &Db) -> Result<usize> {
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT version FROM library_index_version WHERE id = 1")
            .fetch_optional(&db.pool)
            .await?;
    if current.map(|(v,)| v) == Some(mizalla_search::ANALYSIS_VERSION) {
        return Ok(0);
    }
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM library_documents WHERE removed_at IS NULL AND version_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    for chunk in ids.chunks(200) {
        let mut tx = db.begin().await?;
        for (id,) in chunk {
            let doc = get(db, Viewer::All, *id).await?;
            let text = current_text(&mut tx, *id).await?;
            let fields = indexed(&checked_of(&doc), Indexed::of(&doc), &text);
            index::write(&mut tx, db.kind, *id, &fields).await?;
        }
        tx.commit().await?;
    }
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM library_index_version")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO library_index_version (id, version) VALUES (1, $1)")
        .bind(mizalla_search::ANALYSIS_VERSION)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if !ids.is_empty() {
        tracing::info!(
            documents = ids.len(),
            "library indexed again for a new text analysis"
        );
    }
    Ok(ids.len())
}

/// A document the viewer may see (not one taken out of the library).
pub async fn get(db: &Db, viewer: Viewer, id: i64) -> Result<Document> {
    let mut binds = Binds::default();
    let id_p = binds.add(id);
    let seen = viewer.condition(&mut binds);
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_FROM} WHERE d.id = {id_p} AND d.removed_at IS NULL AND {seen}"
    );
    binds
        .bind(sqlx::query_as::<_, Document>(sqlx::AssertSqlSafe(sql)))
        .fetch_optional(&db.pool)
        .await?
        .ok_or(Error::NotFound)
}

/// Every version of a document the viewer may see, newest first.
pub async fn versions(db: &Db, viewer: Viewer, id: i64) -> Result<Vec<Version>> {
    get(db, viewer, id).await?;
    Ok(sqlx::query_as(
        "SELECT v.number, v.file_name, v.file_type, v.bytes, v.note, v.created_at, u.display_name AS created_by_name \
         FROM library_versions v LEFT JOIN users u ON u.id = v.created_by \
         WHERE v.document_id = $1 ORDER BY v.number DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

/// A version's file (the current one when `number` is none), for a viewer who may see it.
pub async fn file(db: &Db, viewer: Viewer, id: i64, number: Option<i64>) -> Result<File> {
    let doc = get(db, viewer, id).await?;
    let (name, bytes): (String, Vec<u8>) = sqlx::query_as(
        "SELECT file_name, content FROM library_versions WHERE document_id = $1 AND number = $2",
    )
    .bind(id)
    .bind(number.unwrap_or(doc.version))
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(File { name, bytes })
}

/// Uploads a new version of a document; the older ones are kept. Returns its number.
pub async fn add_version(db: &Db, actor: &Actor, id: i64, note: &str, file: &File) -> Result<i64> {
    let doc = get(db, Viewer::of(actor), id).await?;
    if !may_change(actor, doc.org_id) {
        return Err(Error::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let note = errs.text("note", note, MAX_NOTE, false);
    errs.check()?;
    let (kind, text) = read_file(file).await?;
    let mut tx = db.begin().await?;
    let (number,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM library_versions WHERE document_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let version = store_version(&mut tx, Some(actor), id, number, file, kind, &text, &note).await?;
    sqlx::query("UPDATE library_documents SET version_id = $1, updated_at = $2 WHERE id = $3")
        .bind(version)
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let about = Indexed {
        file_type: kind,
        ..Indexed::of(&doc)
    };
    index::write(
        &mut tx,
        db.kind,
        id,
        &indexed(&checked_of(&doc), about, &text),
    )
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "add_version",
        "library_document",
        Some(id),
        Some(serde_json::json!({ "version": doc.version, "file": doc.file_name })),
        Some(
            serde_json::json!({ "version": number, "file": file.name, "bytes": file.bytes.len() }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

fn checked_of(doc: &Document) -> Checked {
    Checked {
        title: doc.title.clone(),
        summary: doc.summary.clone(),
        tags: split_tags(&doc.tags),
        sector: doc.sector.clone(),
        governorate: doc.governorate.clone(),
        language: LANGUAGES.iter().find(|l| **l == doc.language).copied(),
        access: ACCESS
            .iter()
            .find(|a| **a == doc.access)
            .copied()
            .unwrap_or("secretariat"),
    }
}

/// Changes a document's description and access (not its file: that is a new version).
pub async fn update(db: &Db, actor: &Actor, id: i64, input: &DocumentInput) -> Result<()> {
    let doc = get(db, Viewer::of(actor), id).await?;
    if !may_change(actor, doc.org_id) {
        return Err(Error::Forbidden);
    }
    let stem = doc
        .file_name
        .rsplit_once('.')
        .map_or(doc.file_name.as_str(), |(s, _)| s);
    let c = check(input, Some(stem))?;
    let mut tx = db.begin().await?;
    let text = current_text(&mut tx, id).await?;
    let language = c.language.unwrap_or_else(|| language_of(&text));
    sqlx::query(
        "UPDATE library_documents SET title = $1, summary = $2, tags = $3, sector = $4, governorate = $5, \
         language = $6, access = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&c.title)
    .bind(&c.summary)
    .bind(c.tags.join(","))
    .bind(&c.sector)
    .bind(&c.governorate)
    .bind(language)
    .bind(c.access)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let about = Indexed {
        language,
        ..Indexed::of(&doc)
    };
    index::write(&mut tx, db.kind, id, &indexed(&c, about, &text)).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "update",
        "library_document",
        Some(id),
        Some(serde_json::json!({
            "title": doc.title, "summary": doc.summary, "tags": doc.tags, "sector": doc.sector,
            "governorate": doc.governorate, "language": doc.language, "access": doc.access,
        })),
        Some(serde_json::json!({
            "title": c.title, "summary": c.summary, "tags": c.tags.join(","), "sector": c.sector,
            "governorate": c.governorate, "language": language, "access": c.access,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a document out of the library: no longer listed, searched or downloaded; its versions
/// stay in the database for the audit trail.
pub async fn remove(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let doc = get(db, Viewer::of(actor), id).await?;
    if !may_change(actor, doc.org_id) {
        return Err(Error::Forbidden);
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE library_documents SET removed_at = $1 WHERE id = $2")
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    index::forget(&mut tx, db.kind, id).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "remove",
        "library_document",
        Some(id),
        Some(serde_json::json!({ "title": doc.title, "access": doc.access })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A search: the words typed and the filters chosen.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Search {
    pub q: String,
    pub sector: String,
    pub governorate: String,
    /// A member's code.
    pub org: String,
    pub tag: String,
    pub language: String,
    pub file_type: String,
    pub access: String,
}

impl Search {
    /// The coded filters must be codes the library knows (empty for any): an unknown one is a
    /// mistake to say, not a filter that silently finds nothing.
    fn check(&self) -> Result<()> {
        let mut errs = FieldErrors::default();
        let known = |v: &str, codes: &[&str]| v.trim().is_empty() || codes.contains(&v.trim());
        if !known(&self.language, &LANGUAGES) {
            errs.add("language", "err-choice");
        }
        if !known(&self.file_type, &extract::FILE_TYPES) {
            errs.add("file_type", "err-choice");
        }
        if !known(&self.access, &ACCESS) {
            errs.add("access", "err-choice");
        }
        if !known(&self.sector, &crate::orgs::SECTORS) {
            errs.add("sector", "err-choice");
        }
        let g = self.governorate.trim();
        if !g.is_empty() && crate::orgs::governorates::by_code(g).is_none() {
            errs.add("governorate", "err-choice");
        }
        errs.check()
    }

    /// Whether a filter beside the words is chosen.
    pub fn is_filtered(&self) -> bool {
        [
            &self.sector,
            &self.governorate,
            &self.org,
            &self.tag,
            &self.language,
            &self.file_type,
            &self.access,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The index's filters of this search and `viewer`: each a list of terms of which a document
    /// must have one. A member is given by its code; one that does not exist matches nothing.
    async fn filters(&self, db: &Db, viewer: Viewer) -> Result<Vec<Vec<String>>> {
        let mut out = Vec::new();
        let seen = viewer.filter();
        if !seen.is_empty() {
            out.push(seen);
        }
        for (name, value) in [
            ("sector", &self.sector),
            ("governorate", &self.governorate),
            ("language", &self.language),
            ("type", &self.file_type),
            ("access", &self.access),
        ] {
            let v = value.trim();
            if !v.is_empty() {
                out.push(vec![index::filter(name, v)]);
            }
        }
        let tag = self.tag.split_whitespace().collect::<Vec<_>>().join(" ");
        if !tag.is_empty() {
            out.push(vec![index::filter("tag", &tag.to_lowercase())]);
        }
        let org = self.org.trim().to_lowercase();
        if !org.is_empty() {
            let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM orgs WHERE code = $1")
                .bind(&org)
                .fetch_optional(&db.pool)
                .await?;
            out.push(vec![index::filter(
                "org",
                &id.map_or("none".to_owned(), |(id,)| id.to_string()),
            )]);
        }
        Ok(out)
    }

    /// The SQL conditions of the filters chosen, on `d` (and `o`, its organisation).
    fn conditions(&self, binds: &mut Binds) -> Vec<String> {
        let mut out = Vec::new();
        let mut eq = |column: &str, value: &str| {
            let v = value.trim();
            if !v.is_empty() {
                out.push(format!("{column} = {}", binds.add(v)));
            }
        };
        eq("d.sector", &self.sector);
        eq("d.governorate", &self.governorate);
        eq("o.code", &self.org.to_lowercase());
        eq("d.language", &self.language);
        eq("d.access", &self.access);
        eq("v.file_type", &self.file_type);
        let tag = self.tag.trim();
        if !tag.is_empty() {
            // The tag between commas, LIKE's wildcards in it escaped (`contains_pattern` wraps
            // the escaped text in one `%` on each side).
            let pattern = db::contains_pattern(tag);
            let inner = &pattern[1..pattern.len() - 1];
            out.push(format!(
                "(',' || LOWER(d.tags) || ',') LIKE {} ESCAPE '\\'",
                binds.add(format!("%,{inner},%"))
            ));
        }
        out
    }
}

/// One document found, with where it matched.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub document: Document,
    pub title: Vec<mizalla_search::Segment>,
    pub excerpt: Vec<mizalla_search::Segment>,
    /// The words typed appear in it as one phrase.
    pub phrase: bool,
}

/// A page of results.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Documents found (all of them, not only this page's).
    pub total: i64,
    /// No document holds every word: these hold some of them.
    pub some_words: bool,
    /// The query held no word to search for (only function words or punctuation).
    pub no_words: bool,
}

/// The documents the viewer may see that match `search`, best first: those holding the words as
/// typed in one phrase, then those holding every word, by weight (a word of the title counts
/// most); when none holds every word, those holding some. Without words, the newest documents.
pub async fn search(db: &Db, viewer: Viewer, search: &Search, page: Page) -> Result<Results> {
    search.check()?;
    let page = Page::new(Some(page.number().min(MAX_RESULT_PAGE)), page.size());
    let query = mizalla_search::Query::parse(&search.q);
    if query.is_empty() {
        // The newest documents: a list of the documents table, filtered there.
        let mut binds = Binds::default();
        let mut conds = search.conditions(&mut binds);
        conds.push(viewer.condition(&mut binds));
        conds.push("d.removed_at IS NULL".to_owned());
        let filters = conds.join(" AND ");
        let (ids, total) = index::newest(db, &filters, &binds, page).await?;
        let hits = hits(db, viewer, &ids, &query).await?;
        return Ok(Results {
            hits,
            total,
            some_words: false,
            no_words: !search.q.trim().is_empty(),
        });
    }
    let found = index::search(db, &query, &search.filters(db, viewer).await?, page).await?;
    Ok(Results {
        hits: hits(db, viewer, &found.ids, &query)
            .await?
            .into_iter()
            .map(|mut h| {
                h.phrase = found.phrase.contains(&h.document.id);
                h
            })
            .collect(),
        total: found.total,
        some_words: found.some_words,
        no_words: false,
    })
}

/// The documents `ids`, in that order, with their marked titles and passages (those the viewer
/// may see: the index already filtered them, and this checks again). Not removed is written so
/// that no index serves it: SQLite otherwise walks the index of listed documents (all of them)
/// instead of taking the twenty by id — 15 ms on 100,000 documents against 0.3 ms.
async fn hits(
    db: &Db,
    viewer: Viewer,
    ids: &[i64],
    query: &mizalla_search::Query,
) -> Result<Vec<Hit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut binds = Binds::default();
    let list: Vec<String> = ids.iter().map(|id| binds.add(*id)).collect();
    let seen = viewer.condition(&mut binds);
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS}, SUBSTR(v.text, 1, {EXCERPT_SCAN_CHARS}) AS text FROM {DOCUMENT_FROM} \
         WHERE d.id IN ({}) AND COALESCE(d.removed_at, '') = '' AND {seen}",
        list.join(", ")
    );
    let rows = binds
        .bind(sqlx::query_as::<_, DocumentWithText>(sqlx::AssertSqlSafe(
            sql,
        )))
        .fetch_all(&db.pool)
        .await?;
    let terms = &query.terms;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = rows.iter().find(|r| r.document.id == *id) {
            let excerpt = if r.document.summary.is_empty() || !terms.is_empty() {
                mizalla_search::excerpt(&r.text, terms, EXCERPT_WIDTH)
            } else {
                mizalla_search::excerpt(&r.document.summary, terms, EXCERPT_WIDTH)
            };
            out.push(Hit {
                title: mizalla_search::highlight(&r.document.title, terms),
                excerpt,
                document: r.document.clone(),
                phrase: false,
            });
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct DocumentWithText {
    #[sqlx(flatten)]
    document: Document,
    text: String,
}

/// The tags of the documents the viewer sees, for the search page's filter: the thirty most used
/// in the newest 5,000 documents (a library of 100,000 is not read for a list of choices).
pub async fn tags(db: &Db, viewer: Viewer) -> Result<Vec<(String, i64)>> {
    let mut binds = Binds::default();
    let seen = viewer.condition(&mut binds);
    let sql = format!(
        "SELECT d.tags FROM library_documents d WHERE d.removed_at IS NULL AND {seen} \
         ORDER BY d.updated_at DESC LIMIT 5000"
    );
    let rows: Vec<(String,)> = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
        .fetch_all(&db.pool)
        .await?;
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for (tags,) in rows.iter().filter(|(t,)| !t.is_empty()) {
        for t in split_tags(tags) {
            *counts.entry(t).or_default() += 1;
        }
    }
    let mut out: Vec<(String, i64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(30);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_at_either_comma_and_are_kept_once() {
        assert_eq!(
            split_tags("تدريب، صحة ,  Health,health,, تدريب"),
            vec!["تدريب", "صحة", "Health"]
        );
    }

    #[test]
    fn the_language_is_told_from_the_letters() {
        assert_eq!(language_of("دليل التدريب"), "ar");
        assert_eq!(language_of("Training guide"), "en");
        assert_eq!(language_of("دليل التدريب Training guide"), "both");
        assert_eq!(language_of("2024"), "ar");
    }
}
