//! Files members upload (beneficiary lists, assistance lists): kept between their preview and
//! their commit, shown only to their organisation, and forgotten after a day (they hold personal
//! data). Routes that take files are declared with [`super::routing::Routes::upload`] and have a body
//! limit of their own.

use crate::access::Actor;
use crate::audit;
use crate::cache::Cache;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::table::{FileError, Table};
use axum::extract::Multipart;
use std::sync::Arc;

/// Stores the `file` field of an upload form for `purpose` (`registry` or `assistance`) and
/// returns its id.
pub async fn receive(
    db: &Db,
    actor: &Actor,
    mut form: Multipart,
    purpose: &'static str,
) -> Result<i64> {
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| Error::BadRequest("err-upload"))?
    {
        if field.name() == Some("file") {
            let name = field
                .file_name()
                .unwrap_or("file")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Error::BadRequest("err-too-large"))?;
            upload = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        return Err(Error::field("file", "err-no-file"));
    };
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM uploads WHERE created_at < $1")
        .bind(db::days_ago(1))
        .execute(&mut *tx)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO uploads (org_id, user_id, file_name, content, purpose, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(actor.org_id)
    .bind(actor.user_id)
    .bind(&name)
    .bind(bytes.as_slice())
    .bind(purpose)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "upload",
        "registry_upload",
        Some(id),
        None,
        Some(serde_json::json!({ "file": name, "bytes": bytes.len(), "purpose": purpose })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An upload of the actor's organisation for `purpose`: its name and content.
pub async fn of(db: &Db, actor: &Actor, id: i64, purpose: &str) -> Result<(String, Vec<u8>)> {
    let row: Option<(i64, String, String, Vec<u8>)> =
        sqlx::query_as("SELECT org_id, purpose, file_name, content FROM uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some((org, p, name, content)) if org == actor.org_id && p == purpose => Ok((name, content)),
        _ => Err(Error::NotFound),
    }
}

/// Why an upload's table could not be had: the upload is not there (or not the actor's), or its
/// file cannot be read.
enum Unread {
    App(Error),
    File(FileError),
}

/// Tables parsed from uploads, by database and upload. An upload never changes and its id is
/// never reused, so the preview, the mapping page and the commit of one file parse it once.
/// A table of a million rows holds about a gigabyte: two are kept, for ten minutes.
static TABLES: std::sync::LazyLock<Cache<Table>> =
    std::sync::LazyLock::new(|| Cache::new(std::time::Duration::from_secs(600), 2, &[]));

/// An upload of the actor's organisation for `purpose`: its name and its table, parsed off the
/// async workers (see [`crate::table::read`]) once per upload, or why the file cannot be read.
pub async fn table(
    db: &Db,
    actor: &Actor,
    id: i64,
    purpose: &str,
) -> Result<(String, std::result::Result<Arc<Table>, FileError>)> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT org_id, purpose, file_name FROM uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let name = match row {
        Some((org, p, name)) if org == actor.org_id && p == purpose => name,
        _ => return Err(Error::NotFound),
    };
    let parsed = TABLES
        .get_or_load(format!("{}/{id}", db.id), || async {
            let (_, bytes) = of(db, actor, id, purpose).await.map_err(Unread::App)?;
            crate::table::read(bytes).await.map_err(Unread::File)
        })
        .await;
    match parsed {
        Ok(table) => Ok((name, Ok(table))),
        Err(Unread::File(e)) => Ok((name, Err(e))),
        Err(Unread::App(e)) => Err(e),
    }
}

/// Whether upload `id` of the actor's organisation for `purpose` is still kept.
pub async fn exists(db: &Db, actor: &Actor, id: i64, purpose: &str) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM uploads WHERE id = $1 AND org_id = $2 AND purpose = $3")
            .bind(id)
            .bind(actor.org_id)
            .bind(purpose)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// A file kept between its upload and its commit.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub file_name: String,
    pub created_at: String,
}

/// The actor's organisation's files for `purpose` not yet committed (uploaded within the day),
/// newest first: a list left half-way, or one whose import was interrupted, to go on with.
pub async fn pending(db: &Db, actor: &Actor, purpose: &str) -> Result<Vec<Pending>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, created_at FROM uploads WHERE org_id = $1 AND purpose = $2 \
         AND created_at >= $3 ORDER BY id DESC LIMIT 50",
    )
    .bind(actor.org_id)
    .bind(purpose)
    .bind(db::days_ago(1))
    .fetch_all(&db.pool)
    .await?)
}

/// Forgets an upload once its rows are committed.
pub async fn forget(db: &Db, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The file of a form with text fields: none chosen, one (its name cleaned, see
/// [`crate::files::clean_file_name`]), or one over the size the route takes (its bytes dropped,
/// so that the form can be shown again with what was typed).
#[derive(Debug)]
pub enum FormFile {
    None,
    File(crate::files::File),
    TooLarge,
}

/// A form with text fields and at most one file (`file`), as a multipart body brings it: the
/// fields as URL-encoded text (for [`serde_html_form`], repeated fields becoming lists), and the
/// file as the browser named it (its name for the caller to clean). A file over `max_file` bytes
/// is [`FormFile::TooLarge`]; a field that is not UTF-8 text or holds a NUL is refused.
pub async fn form_with_file(mut form: Multipart, max_file: usize) -> Result<(String, FormFile)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file = FormFile::None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| Error::BadRequest("err-upload"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field
                .file_name()
                .unwrap_or("file")
                .chars()
                .take(1000)
                .collect::<String>();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Error::BadRequest("err-too-large"))?;
            if bytes.len() > max_file {
                file = FormFile::TooLarge;
            } else if !bytes.is_empty() {
                file = FormFile::File(crate::files::File {
                    name: crate::files::clean_file_name(&file_name),
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let value = field
                .text()
                .await
                .map_err(|_| Error::BadRequest("err-upload"))?;
            if value.contains('\0') {
                return Err(Error::BadRequest("err-nul"));
            }
            fields.push((name, value));
        }
    }
    let encoded =
        serde_urlencoded::to_string(&fields).map_err(|_| Error::BadRequest("err-upload"))?;
    Ok((encoded, file))
}

/// [`form_with_file`], its fields read into `T` (a form that does not fit `T` is a bad request).
pub async fn typed_form_with_file<T: serde::de::DeserializeOwned>(
    form: Multipart,
    max_file: usize,
) -> Result<(T, FormFile)> {
    let (fields, file) = form_with_file(form, max_file).await?;
    let input: T =
        serde_html_form::from_str(&fields).map_err(|_| Error::BadRequest("err-bad-request"))?;
    Ok((input, file))
}
