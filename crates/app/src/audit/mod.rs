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

/// Every kind of event the platform records, by what it happened to: the log's filter offers
/// these, and each event has a sentence in both languages (`audit-ev-ENTITY-ACTION`).
pub const EVENTS: &[(&str, &[&str])] = &[
    ("org", &["create", "update", "set_status"]),
    (
        "user",
        &[
            "create",
            "activate",
            "deactivate",
            "change_password",
            "set_language",
        ],
    ),
    ("api_token", &["create", "revoke"]),
    ("agreement", &["create", "update"]),
    ("agreement_point", &["create", "follow_up"]),
    ("registry_upload", &["upload"]),
    ("registry_import", &["import"]),
    ("registry_mapping", &["save"]),
    ("registry_record", &["correct"]),
    ("registry", &["relink"]),
    ("registry_pair", &["decide", "reopen", "view_personal_data"]),
    ("assistance", &["create", "reverse", "import"]),
    ("assistance_list", &["import"]),
    ("assistance_category", &["create", "update"]),
    ("overlap_rule", &["create"]),
    ("ledger", &["seal"]),
    ("activity", &["create", "update"]),
    ("activity_type", &["create", "update"]),
    ("goal", &["create"]),
    ("indicator", &["create"]),
    ("indicator_value", &["create"]),
    (
        "announcement",
        &["create", "acknowledge", "answer", "update", "remind"],
    ),
    ("pool_offer", &["create", "reduce", "withdraw"]),
    ("pool_need", &["create", "withdraw", "draw"]),
    ("pool_run", &["create", "publish"]),
    ("pool_allocation", &["accept", "decline", "deliver"]),
    (
        "library_document",
        &["create", "add_version", "update", "remove"],
    ),
    (
        "event",
        &[
            "create",
            "update",
            "approve",
            "cancel",
            "register",
            "cancel_registration",
            "check_in",
            "close",
            "feedback",
            "new_feed",
        ],
    ),
];

/// An entry as the log shows it: a sentence in the reader's language, the local time, and what
/// changed as a list of fields.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub at: String,
    pub actor_email: String,
    pub sentence: String,
    pub entity_id: Option<i64>,
    pub changes: Vec<Change>,
}

/// One field of an entry's before and after, worded.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Entry {
    /// The entry worded for a reader of `locale`.
    pub fn shown(&self, locale: crate::i18n::Locale) -> Shown {
        let key = format!("audit-ev-{}-{}", self.entity, self.action);
        let sentence = if locale.knows(&key) {
            locale.t(&key)
        } else {
            format!("{} · {}", self.entity, self.action)
        };
        Shown {
            at: locale.datetime(&self.at),
            // Written by `mizalla` on the server itself (`record` names no one then).
            actor_email: if self.actor_email == "command line" {
                locale.t("audit-command-line")
            } else {
                self.actor_email.clone()
            },
            sentence,
            entity_id: self.entity_id,
            changes: changes(
                self.before_json.as_deref(),
                self.after_json.as_deref(),
                locale,
            ),
        }
    }
}

/// The fields of `before` and `after` (JSON objects, as recorded) whose values differ, worded:
/// a field's label from the pages' own words where there is one.
fn changes(before: Option<&str>, after: Option<&str>, locale: crate::i18n::Locale) -> Vec<Change> {
    use serde_json::Value;
    let object = |s: Option<&str>| -> serde_json::Map<String, Value> {
        match s.and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            Some(Value::Object(m)) => m,
            Some(other) => serde_json::Map::from_iter([("value".to_owned(), other)]),
            None => serde_json::Map::new(),
        }
    };
    let (before, after) = (object(before), object(after));
    let words = |v: Option<&Value>| -> String {
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => locale.t(if *b { "yes" } else { "no" }),
            other => other.to_string(),
        };
        match v {
            None => String::new(),
            Some(Value::Array(items)) => items.iter().map(text).collect::<Vec<_>>().join(
                if locale == crate::i18n::Locale::Ar {
                    "، "
                } else {
                    ", "
                },
            ),
            Some(v) => text(v),
        }
    };
    let mut fields: Vec<&String> = before.keys().collect();
    fields.extend(after.keys().filter(|k| !before.contains_key(*k)));
    fields
        .into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| {
            let label = [format!("field-{k}"), format!("audit-field-{k}")]
                .into_iter()
                .find(|key| locale.knows(key))
                .map(|key| locale.t(&key))
                .unwrap_or_else(|| k.replace('_', " "));
            // A list of the fields an action changed names them as the pages do.
            let field_names = |v: Option<&Value>| -> Option<Value> {
                let Some(Value::Array(items)) = v else {
                    return v.cloned();
                };
                Some(Value::Array(
                    items
                        .iter()
                        .map(|i| match i {
                            Value::String(f) if locale.knows(&format!("field-{f}")) => {
                                Value::String(locale.t(&format!("field-{f}")))
                            }
                            other => other.clone(),
                        })
                        .collect(),
                ))
            };
            // A status is worded as the pages word it (a point's, a pair's).
            let status_word = |v: Option<&Value>| -> Option<Value> {
                match v {
                    Some(Value::String(code)) => Some(Value::String(
                        [format!("status-{code}"), format!("review-status-{code}")]
                            .into_iter()
                            .find(|key| locale.knows(key))
                            .map_or_else(|| code.clone(), |key| locale.t(&key)),
                    )),
                    other => other.cloned(),
                }
            };
            let (b, a) = match k.as_str() {
                "fields" => (field_names(before.get(k)), field_names(after.get(k))),
                "status" => (status_word(before.get(k)), status_word(after.get(k))),
                _ => (before.get(k).cloned(), after.get(k).cloned()),
            };
            Change {
                field: label,
                before: words(b.as_ref()),
                after: words(a.as_ref()),
            }
        })
        .collect()
}

/// One page of entries matching `filter`, newest first, and the total count.
pub async fn list(db: &Db, actor: &Actor, filter: &Filter) -> Result<(Vec<Entry>, i64)> {
    list_page(
        db,
        actor,
        filter,
        crate::paging::Page::new(filter.page, PAGE_SIZE),
    )
    .await
}

/// The entries matching `filter` (all pages, at most [`crate::paging::EXPORT_ROWS`]) as a table
/// for the log's export: the local time, who, the event's sentence, the record's number and what
/// changed, in the reader's language.
pub async fn export_table(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
    locale: crate::i18n::Locale,
) -> Result<crate::table::export::Table> {
    use crate::table::export::Value;
    let (rows, _) = list_page(db, actor, filter, crate::paging::Page::export()).await?;
    let header = [
        "field-when",
        "field-actor",
        "audit-what",
        "audit-entity-id",
        "audit-changes",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let sep = if locale == crate::i18n::Locale::Ar {
        "؛ "
    } else {
        "; "
    };
    let rows = rows
        .iter()
        .map(|e| {
            let shown = e.shown(locale);
            let changes: Vec<String> = shown
                .changes
                .iter()
                .map(|c| {
                    let after = if c.after.is_empty() {
                        locale.t("audit-emptied")
                    } else {
                        c.after.clone()
                    };
                    if c.before.is_empty() {
                        format!("{}: {after}", c.field)
                    } else {
                        format!(
                            "{}: {} {} {after}",
                            c.field,
                            c.before,
                            locale.t("audit-arrow")
                        )
                    }
                })
                .collect();
            vec![
                Value::from(shown.at),
                Value::from(shown.actor_email),
                Value::from(shown.sentence),
                Value::from(shown.entity_id),
                Value::from(changes.join(sep)),
            ]
        })
        .collect();
    Ok((header, rows))
}

async fn list_page(
    db: &Db,
    actor: &Actor,
    filter: &Filter,
    page: crate::paging::Page,
) -> Result<(Vec<Entry>, i64)> {
    if !(actor.is_secretariat_admin() || actor.role == crate::access::Role::Auditor) {
        return Err(crate::error::Error::Forbidden);
    }
    // A date as typed (day first or `YYYY-MM-DD`); one that is no date is said, not ignored.
    let day = |s: &str, field: &'static str| -> Result<String> {
        if s.trim().is_empty() {
            return Ok(String::new());
        }
        crate::error::form_date(s).ok_or(crate::error::Error::field(field, "err-date"))
    };
    let from = day(&filter.from, "from")?;
    // `to` is inclusive of the whole day: compare against the next character after the date.
    let to = day(&filter.to, "to")?;
    let to = if to.is_empty() { to } else { format!("{to}~") };
    let where_sql = "WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR LOWER(actor_email) LIKE $2 ESCAPE '\\') \
                     AND ($3 = '' OR action = $3) AND ($4 = '' OR at >= $4) AND ($5 = '' OR at <= $5)";
    let actor_like = if filter.actor.trim().is_empty() {
        String::new()
    } else {
        crate::db::contains_pattern(filter.actor.trim())
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    /// Issue 13, 2: registry, assistance, decision and reveal events showed "Unknown
    /// localization key". Every event has its sentence and its entity a name, in both languages.
    #[test]
    fn every_event_reads_as_a_sentence_in_both_languages() {
        for locale in [Locale::Ar, Locale::En] {
            for (entity, actions) in EVENTS {
                assert!(
                    locale.has(&format!("entity-{entity}")),
                    "{entity} {locale:?}"
                );
                for action in *actions {
                    let key = format!("audit-ev-{entity}-{action}");
                    assert!(locale.has(&key), "{key} in {locale:?}");
                }
            }
        }
    }

    #[test]
    fn what_changed_is_a_list_of_worded_fields() {
        let changes = changes(
            Some(r#"{"status": "open", "note": "x"}"#),
            Some(r#"{"status": "done", "note": "x", "sessions_ended": 2, "fields": ["a", "b"]}"#),
            Locale::En,
        );
        let shown: Vec<(String, String, String)> = changes
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Status".to_owned(), "Open".to_owned(), "Done".to_owned()),
                ("Fields".to_owned(), String::new(), "a, b".to_owned()),
                ("Sessions ended".to_owned(), String::new(), "2".to_owned()),
            ]
        );
        assert!(super::changes(None, None, Locale::Ar).is_empty());
    }
}
