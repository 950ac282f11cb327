//! The assistance ledger: what each member gave to which registered person or household.
//!
//! Append-only (the database refuses updates and deletes) and hash-chained: each entry's hash
//! covers its own fields and the previous entry's hash. Each entry is also sealed with the ledger
//! key, kept outside the database ([`key`]), and has its audit row, with its hash, written in
//! the same transaction; [`verify`] checks all three, so it finds any entry changed, removed,
//! re-hashed or slipped in behind the application's back ([`chain`]). A correction is a new entry
//! reversing an earlier one.
//!
//! When a member records assistance that breaks one of the secretariat's overlap rules ("a food
//! box to the same household from two members within 30 days"), it is warned with the date and
//! category of the earlier assistance only, never with the other member's name or record.

pub mod chain;
pub mod import;
pub mod key;
pub mod overlaps;
pub mod routes;

pub use chain::{Verdict, verify};
pub use overlaps::{
    Overlap, OverlapSummary, Rule, RuleInput, add_rule, overlap_summary, overlap_table, rules,
    would_overlap,
};
use overlaps::{find_overlaps, worded};

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, FieldErrors, Result};
use crate::kinds as categories;
use crate::paging::Page;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain's start: the `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries are appended one at a time on this server; across servers the unique `prev_hash`
/// refuses a second entry on the same predecessor, and the write is retried.
static APPEND_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whom an entry of assistance, or an overlap rule, is for (stored as its `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One person of a household.
    Person,
    /// The whole household.
    Household,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Person => "person",
            Scope::Household => "household",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Scope::Person, Scope::Household]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AssistanceInput {
    /// The member's own registration the assistance went to (registry record id).
    #[serde(default)]
    pub record_id: String,
    /// `person` or `household`.
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub quantity: String,
    /// In Egyptian pounds, e.g. `250` or `250.50`.
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub given_on: String,
    #[serde(default)]
    pub programme: String,
    /// A key of the caller's, fresh for each entry it means to record (the form carries one):
    /// the same key again records nothing and answers with the entry it recorded.
    #[serde(default)]
    pub submission: String,
}

/// One ledger entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub org_id: i64,
    pub record_id: i64,
    pub scope: String,
    pub category: String,
    pub quantity: i64,
    pub value_piastres: i64,
    pub given_on: String,
    pub programme: String,
    pub reverses_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub prev_hash: String,
    pub hash: String,
    /// The entry's seal with the ledger key ([`key::LedgerKey::seal_entry`]); `None` for entries
    /// recorded before the ledger had a key.
    #[serde(skip_serializing)]
    pub mac: Option<String>,
}

const ENTRY_COLUMNS: &str = "id, org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, reverses_id, \
     created_by, created_at, prev_hash, hash, mac";

impl Entry {
    /// An entry not yet appended (no id, hash or seal): organisation `org_id`'s assistance `v`
    /// for registration `record_id`.
    fn new(org_id: i64, record_id: i64, v: Valid, created_by: Option<i64>) -> Entry {
        Entry {
            id: 0,
            org_id,
            record_id,
            scope: v.scope,
            category: v.category,
            quantity: v.quantity,
            value_piastres: v.value_piastres,
            given_on: v.given_on,
            programme: v.programme,
            reverses_id: None,
            created_by,
            created_at: db::now(),
            prev_hash: String::new(),
            hash: String::new(),
            mac: None,
        }
    }

    /// The hash of an entry: SHA-256 over its fields (not its id) and the previous hash.
    pub fn compute_hash(&self) -> String {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.org_id,
            self.record_id,
            self.scope,
            self.category,
            self.quantity,
            self.value_piastres,
            self.given_on,
            self.programme,
            self.reverses_id.map(|r| r.to_string()).unwrap_or_default(),
            self.created_by.map(|r| r.to_string()).unwrap_or_default(),
            self.created_at,
            self.prev_hash
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// The most units one ledger entry records.
pub const MAX_ENTRY_QUANTITY: i64 = 100_000;

/// What recording assistance did.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub record_id: i64,
    /// Other members' assistance the entry overlaps.
    pub overlaps: Vec<Overlap>,
    /// The member's own earlier assistance the entry repeats within a rule's window.
    pub repeats: Vec<Overlap>,
    /// The submission was recorded before: this is that entry, nothing new was written.
    pub repeated: bool,
}

/// Parses an amount in pounds (`250`, `250.5`, `250.50`, Arabic-Indic digits) into piastres.
fn piastres(s: &str) -> Option<i64> {
    let s: String = crate::table::latin_digits(s.trim())
        .chars()
        .map(|c| if matches!(c, '٫' | ',') { '.' } else { c })
        .collect();
    if s.is_empty() {
        return Some(0);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || whole.len() > 9
        || frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frac_value: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + frac_value)
}

struct Valid {
    scope: String,
    category: String,
    quantity: i64,
    value_piastres: i64,
    given_on: String,
    programme: String,
}

/// The checks on an entry's own values (scope, quantity, value, date, programme); the caller
/// checks the registration and the kind, which need the database.
fn check_values(input: &AssistanceInput) -> std::result::Result<Valid, FieldErrors> {
    let mut errs = FieldErrors::default();
    if Scope::parse(&input.scope).is_none() {
        errs.add("scope", "err-choice");
    }
    let quantity = match input.quantity.trim() {
        "" => Some(1),
        q => q
            .parse::<i64>()
            .ok()
            .filter(|q| (1..=MAX_ENTRY_QUANTITY).contains(q)),
    };
    if quantity.is_none() {
        errs.add("quantity", "err-quantity");
    }
    let value = piastres(&input.value).filter(|v| *v <= 10_000_000_000);
    if value.is_none() {
        errs.add("value", "err-amount");
    }
    let given_on = crate::error::form_date(&input.given_on).unwrap_or_default();
    match time::Date::parse(
        &given_on,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) if d <= time::OffsetDateTime::now_utc().date() && d.year() >= 2000 => {}
        Ok(_) => errs.add("given_on", "err-date-range"),
        Err(_) => errs.add("given_on", "err-date"),
    }
    let programme = input.programme.trim().to_owned();
    if programme.chars().count() > 200 {
        errs.add("programme", "err-too-long");
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Valid {
        scope: input.scope.clone(),
        category: input.category.clone(),
        quantity: quantity.unwrap_or(1),
        value_piastres: value.unwrap_or(0),
        given_on,
        programme,
    })
}

/// The registration an entry goes to (one of the actor's own) and its checked values.
async fn validate(
    db: &Db,
    actor: &Actor,
    input: &AssistanceInput,
    allocated: Option<i64>,
) -> Result<(i64, Valid)> {
    let record_id = input.record_id.trim().parse::<i64>().ok();
    let owner: Option<(i64,)> = match record_id {
        Some(id) => {
            sqlx::query_as("SELECT org_id FROM registry_records WHERE id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?
        }
        None => None,
    };
    let mut errs = FieldErrors::default();
    match owner {
        None => errs.add("record_id", "err-choice"),
        // Members record assistance to their own registrations only, and to a household the
        // resource pool allocated to them (`record_delivery`).
        Some((org,)) if org != actor.org_id && record_id != allocated => {
            return Err(Error::NotFound);
        }
        Some(_) => {}
    }
    if !categories::is_offered(db, &input.category).await? {
        errs.add("category", "err-choice");
    }
    match check_values(input) {
        Ok(v) if errs.is_empty() => Ok((record_id.unwrap_or_default(), v)),
        Ok(_) => Err(Error::Validation(errs)),
        Err(more) => {
            for (field, key) in more.iter() {
                errs.add(field, key);
            }
            Err(Error::Validation(errs))
        }
    }
}

/// The ledger key of `db`: every append seals its entry with it.
fn ledger_key(db: &Db) -> Result<std::sync::Arc<key::LedgerKey>> {
    db.attached::<key::LedgerKey>().ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "the assistance ledger has no key: set ledger_key_file (or MIZALLA_LEDGER_KEY_FILE)"
        ))
    })
}

/// Appends one entry to the chain inside `tx`, sealed with `key`, and returns it with its id.
/// The caller writes its audit row with [`audit_entry`] in the same transaction.
async fn append(tx: &mut Tx<'_>, key: &key::LedgerKey, mut e: Entry) -> Result<Entry> {
    let last: Option<(String,)> =
        sqlx::query_as("SELECT hash FROM assistance ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    e.prev_hash = last.map(|l| l.0).unwrap_or_else(|| GENESIS.to_owned());
    e.hash = e.compute_hash();
    e.mac = Some(key.seal_entry(&e.hash));
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assistance (org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, reverses_id, \
         created_by, created_at, prev_hash, hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(e.org_id)
    .bind(e.record_id)
    .bind(&e.scope)
    .bind(&e.category)
    .bind(e.quantity)
    .bind(e.value_piastres)
    .bind(&e.given_on)
    .bind(&e.programme)
    .bind(e.reverses_id)
    .bind(e.created_by)
    .bind(&e.created_at)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .bind(&e.mac)
    .fetch_one(&mut **tx)
    .await?;
    e.id = id;
    Ok(e)
}

/// The audit row of a new entry: it names the entry and carries its hash (never the personal
/// data of the registration), so that `verify` can match every entry with its audit row and
/// every ledger audit row with its entry. `after` is an object of what else the row tells.
async fn audit_entry(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    action: &str,
    entry: &Entry,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<()> {
    let mut after = match after {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    after.insert(
        chain::AUDIT_HASH.into(),
        serde_json::Value::String(entry.hash.clone()),
    );
    audit::record(
        tx,
        actor,
        action,
        chain::AUDIT_ENTITY,
        Some(entry.id),
        before,
        Some(serde_json::Value::Object(after)),
    )
    .await
}

/// Records assistance given by the actor's organisation, and returns the overlaps it makes.
pub async fn record(db: &Db, actor: &Actor, input: &AssistanceInput) -> Result<Recorded> {
    record_to(db, actor, input, None).await
}

/// Records the delivery of a resource-pool allocation: as [`record`], and the registration may
/// be `allocated`, the household the pool drew from the registry for this delivery, whoever
/// registered it. The caller checks that the allocation is the actor's to deliver.
pub async fn record_delivery(
    db: &Db,
    actor: &Actor,
    input: &AssistanceInput,
    allocated: Option<i64>,
) -> Result<Recorded> {
    record_to(db, actor, input, allocated).await
}

async fn record_to(
    db: &Db,
    actor: &Actor,
    input: &AssistanceInput,
    allocated: Option<i64>,
) -> Result<Recorded> {
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let submission = crate::submissions::key(&input.submission)?;
    let (record_id, v) = validate(db, actor, input, allocated).await?;
    let key = ledger_key(db)?;
    let _guard = APPEND_LOCK.lock().await;
    let mut tx = db.begin().await?;
    if let Some(s) = submission
        && let Some(id) =
            crate::submissions::earlier(&mut tx, actor.org_id, "assistance", s).await?
    {
        tx.rollback().await?;
        return recorded(db, actor, id, true).await;
    }
    let (entry, overlaps) = append_with_overlaps(
        &mut tx,
        &key,
        actor.org_id,
        record_id,
        v,
        Some(actor.user_id),
    )
    .await?;
    audit_entry(
        &mut tx,
        Some(actor),
        "create",
        &entry,
        None,
        serde_json::json!({
            "record_id": entry.record_id, "scope": entry.scope, "category": entry.category,
            "quantity": entry.quantity, "value_piastres": entry.value_piastres,
            "given_on": entry.given_on, "programme": entry.programme, "overlaps": overlaps.len(),
        }),
    )
    .await?;
    if let Some(s) = submission {
        crate::submissions::remember(&mut tx, actor.org_id, "assistance", s, entry.id).await?;
    }
    let repeats = worded(find_overlaps(&mut tx, &entry, true).await?);
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(Recorded {
        id: entry.id,
        record_id: entry.record_id,
        overlaps,
        repeats,
        repeated: false,
    })
}

/// What an entry the actor's organisation recorded overlaps today (other members' assistance and
/// its own within the rules' windows), as the page after recording shows it; another
/// organisation's entry is "not found".
pub async fn recorded(db: &Db, actor: &Actor, id: i64, repeated: bool) -> Result<Recorded> {
    let entry: Entry = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM assistance WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .filter(|e: &Entry| e.org_id == actor.org_id)
    .ok_or(Error::NotFound)?;
    let mut tx = db.begin_read().await?;
    let overlaps = worded(find_overlaps(&mut tx, &entry, false).await?);
    let repeats = worded(find_overlaps(&mut tx, &entry, true).await?);
    tx.rollback().await?;
    Ok(Recorded {
        id: entry.id,
        record_id: entry.record_id,
        overlaps,
        repeats,
        repeated,
    })
}

/// Appends an entry of organisation `org_id` for registration `record_id` and notes the
/// overlaps it makes under the rules; returns the entry and what the member may be told.
async fn append_with_overlaps(
    tx: &mut Tx<'_>,
    key: &key::LedgerKey,
    org_id: i64,
    record_id: i64,
    v: Valid,
    created_by: Option<i64>,
) -> Result<(Entry, Vec<Overlap>)> {
    let entry = append(tx, key, Entry::new(org_id, record_id, v, created_by)).await?;
    let overlaps = find_overlaps(tx, &entry, false).await?;
    let now = db::now();
    for (other_id, rule_id, _) in &overlaps {
        sqlx::query(
            "INSERT INTO assistance_overlaps (assistance_id, other_id, rule_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(entry.id)
        .bind(other_id)
        .bind(rule_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    Ok((entry, overlaps.into_iter().map(|(_, _, o)| o).collect()))
}

/// Corrects an entry by appending its reversal (same fields, negative quantity and value).
pub async fn reverse(db: &Db, actor: &Actor, id: i64) -> Result<i64> {
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    let key = ledger_key(db)?;
    let _guard = APPEND_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let original: Entry = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM assistance WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .filter(|e: &Entry| e.org_id == actor.org_id)
    .ok_or(Error::NotFound)?;
    let (already,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM assistance WHERE reverses_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if original.reverses_id.is_some() || already > 0 {
        return Err(Error::Conflict("err-already-reversed"));
    }
    let reversal = append(
        &mut tx,
        &key,
        Entry {
            quantity: -original.quantity,
            value_piastres: -original.value_piastres,
            reverses_id: Some(original.id),
            created_by: Some(actor.user_id),
            created_at: db::now(),
            ..original.clone()
        },
    )
    .await?;
    audit_entry(
        &mut tx,
        Some(actor),
        "reverse",
        &reversal,
        Some(serde_json::json!({ "reverses": original.id })),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(reversal.id)
}

/// The assistance a member recorded for one of its registrations, newest first.
pub async fn for_record(db: &Db, actor: &Actor, record_id: i64) -> Result<Vec<Entry>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM assistance WHERE record_id = $1 AND org_id = $2 ORDER BY id DESC"
    )))
    .bind(record_id)
    .bind(actor.org_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Entries on one page of a member's list.
pub const ENTRIES_PER_PAGE: i64 = 25;

/// A ledger entry of the member's, with the record it was given to as the member registered it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OwnEntry {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub entry: Entry,
    pub member_key: String,
    pub full_name: String,
}

/// Page `page` of the actor's member's entries, newest first, and how many there are.
pub async fn list_own(db: &Db, actor: &Actor, page: Page) -> Result<(Vec<OwnEntry>, i64)> {
    let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assistance WHERE org_id = $1")
        .bind(actor.org_id)
        .fetch_one(&db.pool)
        .await?;
    let columns: Vec<String> = ENTRY_COLUMNS
        .split(',')
        .map(|c| format!("a.{}", c.trim()))
        .collect();
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {}, COALESCE(r.member_key, '') AS member_key, COALESCE(r.full_name, '') AS full_name \
         FROM assistance a LEFT JOIN registry_records r ON r.id = a.record_id AND r.org_id = a.org_id \
         WHERE a.org_id = $1 ORDER BY a.id DESC LIMIT $2 OFFSET $3",
        columns.join(", ")
    )))
    .bind(actor.org_id)
    .bind(page.size())
    .bind(page.within(total).offset())
    .fetch_all(&db.pool)
    .await?;
    Ok((rows, total))
}

/// The member's entries as a table for its export, newest first, at most
/// [`crate::paging::EXPORT_ROWS`].
pub async fn own_table(
    db: &Db,
    actor: &Actor,
    locale: crate::i18n::Locale,
) -> Result<crate::table::export::Table> {
    use crate::table::export::Value;
    let (entries, _) = list_own(db, actor, Page::export()).await?;
    let names: std::collections::HashMap<String, String> = categories::all(db)
        .await?
        .into_iter()
        .map(|c| {
            let name = if locale == crate::i18n::Locale::Ar {
                c.name_ar
            } else {
                c.name_en
            };
            (c.code, name)
        })
        .collect();
    let header = [
        "assistance-entry",
        "field-given_on",
        "field-member_key",
        "field-full_name",
        "field-category",
        "field-scope",
        "field-quantity",
        "field-value",
        "field-programme",
        "assistance-cancels",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = entries
        .into_iter()
        .map(|o| {
            let e = o.entry;
            vec![
                Value::from(e.id),
                Value::from(e.given_on.as_str()),
                Value::from(o.member_key.as_str()),
                Value::from(o.full_name.as_str()),
                Value::from(
                    names
                        .get(&e.category)
                        .map_or(e.category.as_str(), String::as_str),
                ),
                Value::from(locale.t(&format!("scope-{}", e.scope))),
                Value::from(e.quantity),
                Value::from(e.value_piastres as f64 / 100.0),
                Value::from(e.programme.as_str()),
                Value::from(e.reverses_id),
            ]
        })
        .collect();
    Ok((header, rows))
}

#[cfg(test)]
mod tests {
    use super::piastres;

    #[test]
    fn amounts_in_pounds_become_piastres() {
        assert_eq!(piastres("250"), Some(25_000));
        assert_eq!(piastres("250.5"), Some(25_050));
        assert_eq!(piastres("٢٥٠٫٧٥"), Some(25_075));
        assert_eq!(piastres(""), Some(0));
        for bad in ["-5", "1.234", "abc", "1e5", ".5", "9999999999"] {
            assert_eq!(piastres(bad), None, "{bad}");
        }
    }
}
