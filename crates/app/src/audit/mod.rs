//! The audit trail: every write records who, when, what, and the values before and after, in
//! the same transaction as the write itself. Secretariat admins and auditors browse it.

pub mod routes;

use crate::access::Actor;
use crate::db::{self, Db, Tx};
use crate::error::Result;
use serde::Serialize;

/// Records one write. Call it inside the transaction that makes the change.
pub async fn record(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_email, actor_org_id, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(db::now())
    .bind(actor.map(|a| a.user_id))
    .bind(actor.map(|a| a.email.as_str()).unwrap_or("command line"))
    .bind(actor.map(|a| a.org_id))
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub actor_email: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Debug, Default, Clone, serde::Deserialize, Serialize)]
pub struct Filter {
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    /// Entries on or after this date (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: String,
    /// Entries on or before this date.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

/// One page of entries matching `filter`, newest first, and the total count.
pub async fn list(db: &Db, actor: &Actor, filter: &Filter) -> Result<(Vec<Entry>, i64)> {
    if !(actor.is_secretariat_admin() || actor.role == crate::access::Role::Auditor) {
        return Err(crate::error::Error::Forbidden);
    }
    let from = if filter.from.trim().is_empty() {
        String::new()
    } else {
        filter.from.trim().to_owned()
    };
    // `to` is inclusive of the whole day: compare against the next character after the date.
    let to = if filter.to.trim().is_empty() {
        String::new()
    } else {
        format!("{}~", filter.to.trim())
    };
    let where_sql = "WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR LOWER(actor_email) LIKE $2 ESCAPE '\\') \
                     AND ($3 = '' OR action = $3) AND ($4 = '' OR at >= $4) AND ($5 = '' OR at <= $5)";
    let actor_like = if filter.actor.trim().is_empty() {
        String::new()
    } else {
        crate::db::contains_pattern(filter.actor.trim())
    };
    let page = crate::paging::Page::new(filter.page, PAGE_SIZE);
    let sql = format!(
        "SELECT id, at, actor_email, action, entity, entity_id, before_json, after_json FROM audit_log {where_sql} \
         ORDER BY id DESC LIMIT $6 OFFSET $7"
    );
    let rows: Vec<Entry> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(filter.entity.trim())
        .bind(&actor_like)
        .bind(filter.action.trim())
        .bind(&from)
        .bind(&to)
        .bind(page.size())
        .bind(page.offset())
        .fetch_all(&db.pool)
        .await?;
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_log {where_sql}"
    )))
    .bind(filter.entity.trim())
    .bind(&actor_like)
    .bind(filter.action.trim())
    .bind(&from)
    .bind(&to)
    .fetch_one(&db.pool)
    .await?;
    Ok((rows, total))
}
