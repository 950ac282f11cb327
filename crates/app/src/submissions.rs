//! Writes that happen once however often they are sent. A form that writes carries a key of its
//! own (a fresh one each time the form is shown), and so may an API call: the same key from the
//! same organisation twice is one write, so refreshing a page after "saved", or a double click,
//! writes nothing more; the second answer names what the first one wrote.

use crate::db::{self, Tx};
use crate::error::{Error, Result};

/// A submission key as callers may give it: up to 64 letters, digits, `-` and `_`; `None` when
/// none was given.
pub fn key(raw: &str) -> Result<Option<&str>> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if key.len() > 64
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::field("submission", "err-choice"));
    }
    Ok(Some(key))
}

/// What organisation `org_id` wrote of `entity` under `key` before, if anything.
pub async fn earlier(tx: &mut Tx<'_>, org_id: i64, entity: &str, key: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_as::<_, (i64,)>(
        "SELECT entity_id FROM submissions WHERE org_id = $1 AND submission_key = $2 AND entity = $3",
    )
    .bind(org_id)
    .bind(key)
    .bind(entity)
    .fetch_optional(&mut **tx)
    .await?
    .map(|(id,)| id))
}

/// Remembers, in the write's own transaction, that `key` wrote `entity` `id`.
pub async fn remember(
    tx: &mut Tx<'_>,
    org_id: i64,
    entity: &str,
    key: &str,
    id: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO submissions (org_id, submission_key, entity, entity_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org_id)
    .bind(key)
    .bind(entity)
    .bind(id)
    .bind(db::now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
