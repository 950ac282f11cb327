//! An import of a member's list: first its [`plan`] (a dry run saying what will happen to every
//! row, changing nothing), then its [`commit`] (the rows written and the registry re-linked in
//! one transaction). Both read the registry under [`store::WRITE_LOCK`], so a plan is what the
//! commit would do if nothing else is imported in between.

use super::store::{self, Stored};
use super::{Linking, linking, online, relink};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use link::normalize::date::{self, Order};
use link::record::{Problem, RawRecord};
use serde::Serialize;
use std::collections::HashMap;

/// What will happen (or happened) to one row of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A person not yet in the registry.
    NewPerson,
    /// The same person as one already registered (by this member or another).
    Linked,
    /// Perhaps someone already registered: people will decide.
    Review,
    /// Already imported with the same key and the same values.
    Unchanged,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Action::NewPerson => "action-new-person",
            Action::Linked => "action-linked",
            Action::Review => "action-review",
            Action::Unchanged => "action-unchanged",
        }
    }
}

/// The message key of a problem found in a row (the row is still used).
pub fn problem_key(p: Problem) -> &'static str {
    match p {
        Problem::NoName => "problem-no-name",
        Problem::IdDamagedByExcel => "problem-id-excel",
        Problem::IdMalformed => "problem-id-malformed",
        Problem::IdInconsistent => "problem-id-inconsistent",
        Problem::DateUnreadable => "problem-date",
        Problem::PhoneUnreadable => "problem-phone",
        Problem::GovernorateUnknown => "problem-governorate",
        Problem::GenderUnreadable => "problem-gender",
    }
}

/// One row of a planned import.
#[derive(Debug, Clone, Serialize)]
pub struct RowPlan {
    pub line: u64,
    pub member_key: String,
    /// The name as the row gives it, so that a clerk can tell the rows apart.
    pub name: String,
    pub action: Action,
    /// The row replaces an earlier import's values under the same key.
    pub updated: bool,
    pub problems: Vec<&'static str>,
}

/// What an import will do: every usable row's fate, and every unusable row with the reason.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Plan {
    pub rows: Vec<RowPlan>,
    pub rejected: Vec<crate::table::RowIssue>,
    pub new_persons: usize,
    pub linked: usize,
    pub review: usize,
    pub unchanged: usize,
    pub updated: usize,
}

/// A member's rows ready to import: the raw records with their lines, and the file's date order.
pub struct Incoming {
    pub rows: Vec<(u64, RawRecord)>,
    pub rejected: Vec<crate::table::RowIssue>,
    pub order: Order,
}

impl Incoming {
    /// Reads the rows of `table` under `mapping`.
    pub fn from_table(table: &crate::table::Table, mapping: &[Option<&'static str>]) -> Self {
        let (rows, rejected) = super::mapping::records(table, mapping);
        let order = date::infer_order(rows.iter().map(|(_, r)| r.date_of_birth.as_str()));
        Incoming {
            rows,
            rejected,
            order,
        }
    }
}

/// How a member's file meets the registry, read under the import lock in one transaction:
/// the member, the whole registry, and for each incoming row the stored registration it
/// replaces (if any) and whether its values changed.
struct Opened {
    _guard: tokio::sync::MutexGuard<'static, ()>,
    org: crate::orgs::Org,
    tx: Tx<'static>,
    stored: Vec<Stored>,
    matches: Vec<(Option<usize>, bool)>,
}

async fn open(db: &Db, actor: Option<&Actor>, org_id: i64, incoming: &Incoming) -> Result<Opened> {
    if let Some(a) = actor
        && !(a.org_id == org_id && a.can_write())
    {
        return Err(Error::Forbidden);
    }
    let org = crate::orgs::get(db, org_id).await?;
    if !org.is_member() {
        return Err(Error::BadRequest("err-import-not-member"));
    }
    let guard = store::WRITE_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let stored = store::load_all(db.kind, &mut tx).await?;
    let by_key: HashMap<&str, usize> = stored
        .iter()
        .enumerate()
        .filter(|(_, s)| s.org_id == org_id)
        .map(|(i, s)| (s.member_key(), i))
        .collect();
    let matches: Vec<(Option<usize>, bool)> = incoming
        .rows
        .iter()
        .map(|(_, raw)| match by_key.get(raw.record_id.as_str()) {
            Some(&i) => (Some(i), !stored[i].same_values(raw, incoming.order)),
            None => (None, true),
        })
        .collect();
    Ok(Opened {
        _guard: guard,
        org,
        tx,
        stored,
        matches,
    })
}

/// What importing `incoming` for organisation `org_id` would do, row by row, changing nothing:
/// the registry as it would be (stored rows, replaced where the file updates them, and the new
/// ones) is linked exactly as [`commit`] would link it.
pub async fn plan(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    incoming: &Incoming,
) -> Result<Plan> {
    let Opened {
        _guard,
        org,
        mut tx,
        stored,
        matches,
    } = open(db, actor, org_id, incoming).await?;
    let mut entries = linking::entries(&stored);
    let mut index_of_row = Vec::with_capacity(incoming.rows.len());
    for ((_, raw), (existing, _)) in incoming.rows.iter().zip(&matches) {
        let entry =
            linking::Entry::incoming(raw, &org.code, incoming.order, existing.map(|i| &stored[i]));
        match existing {
            Some(i) => {
                entries[*i] = entry;
                index_of_row.push(*i);
            }
            None => {
                index_of_row.push(entries.len());
                entries.push(entry);
            }
        }
    }
    let decided = relink::decisions(&mut tx).await?;
    tx.rollback().await?;
    let (linked, entries) = relink::link_off_thread(entries, decided).await?;
    Ok(fates(incoming, &matches, &index_of_row, &linked, &entries))
}

/// Imports `incoming` for organisation `org_id` in one transaction: the rows are written under
/// the member's record keys, the whole registry is re-linked, the import is recorded and
/// audited; gives back what happened to every row.
pub async fn commit(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    file_name: &str,
    incoming: &Incoming,
    progress: &crate::jobs::progress::Progress,
) -> Result<Plan> {
    let Opened {
        _guard,
        org,
        mut tx,
        mut stored,
        matches,
    } = open(db, actor, org_id, incoming).await?;
    let now = db::now();
    let (mut new_rows, mut updated_rows) = (0usize, 0usize);
    let (import_id,): (i64,) = sqlx::query_as(
        "INSERT INTO registry_imports (org_id, file_name, rows_read, rows_new, rows_updated, rows_unchanged, rows_rejected, \
         linked, for_review, created_by, created_at) VALUES ($1, $2, $3, 0, 0, 0, $4, 0, 0, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(file_name)
    .bind((incoming.rows.len() + incoming.rejected.len()) as i64)
    .bind(incoming.rejected.len() as i64)
    .bind(actor.map(|a| a.user_id))
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let written = store::Written {
        import_id: Some(import_id),
        order: incoming.order,
        now: &now,
    };
    let mut row_ids: Vec<i64> = Vec::with_capacity(incoming.rows.len());
    progress.start(crate::jobs::progress::Stage::Writing, incoming.rows.len());
    for ((_, raw), (existing, changed)) in incoming.rows.iter().zip(&matches) {
        progress.step();
        match existing {
            Some(i) if !changed => row_ids.push(stored[*i].id),
            Some(i) => {
                let old = &stored[*i];
                store::update(&mut tx, old.id, raw, &written).await?;
                row_ids.push(old.id);
                stored[*i] = Stored::written(
                    old.id,
                    org_id,
                    &org.code,
                    raw,
                    incoming.order,
                    old.person_id,
                    old.household_id,
                );
                updated_rows += 1;
            }
            None => {
                let id = store::insert(&mut tx, org_id, raw, &written).await?;
                row_ids.push(id);
                // Ids grow, so the registry stays in id order, as it is read from the database.
                stored.push(Stored::written(
                    id,
                    org_id,
                    &org.code,
                    raw,
                    incoming.order,
                    0,
                    0,
                ));
                new_rows += 1;
            }
        }
    }
    let position: HashMap<i64, usize> = stored.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let index_of_row: Vec<usize> = row_ids.iter().map(|id| position[id]).collect();
    let (linked, entries, snapshot) =
        relink::relink_loaded(&mut tx, actor, stored, progress).await?;
    let plan = fates(incoming, &matches, &index_of_row, &linked, &entries);
    sqlx::query(
        "UPDATE registry_imports SET rows_new = $1, rows_updated = $2, rows_unchanged = $3, linked = $4, for_review = $5 WHERE id = $6",
    )
    .bind(new_rows as i64)
    .bind(updated_rows as i64)
    .bind(plan.unchanged as i64)
    .bind(plan.linked as i64)
    .bind(plan.review as i64)
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    // Counts and keys only: the rows' personal data stays out of the audit trail's JSON.
    audit::record(
        &mut tx,
        actor,
        "import",
        "registry_import",
        Some(import_id),
        None,
        Some(serde_json::json!({
            "org": org.code, "file": file_name, "new": new_rows, "updated": updated_rows,
            "unchanged": plan.unchanged, "rejected": plan.rejected.len(),
            "new_persons": plan.new_persons, "linked": plan.linked, "review": plan.review,
        })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    tracing::info!(import_id, org = %org.code, rows = incoming.rows.len(), "registry import committed");
    online::publish(db, snapshot).await;
    Ok(plan)
}

/// Every row's fate, from the linkage of the registry with the rows in it.
fn fates(
    incoming: &Incoming,
    matches: &[(Option<usize>, bool)],
    index_of_row: &[usize],
    linked: &Linking,
    entries: &[linking::Entry],
) -> Plan {
    let today = time::OffsetDateTime::now_utc().date();
    let mut p = Plan {
        rejected: incoming.rejected.clone(),
        ..Plan::default()
    };
    // Persons that hold a registration outside this file.
    let in_file: std::collections::HashSet<usize> = index_of_row.iter().copied().collect();
    let mut known_persons: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (i, &person) in linked.person.iter().enumerate() {
        if !in_file.contains(&i) {
            known_persons.insert(person);
        }
    }
    let mut in_review: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for pair in &linked.review {
        // A doubt between two rows of this file alone is the member's own matter, still listed.
        in_review.insert(pair.0);
        in_review.insert(pair.1);
    }
    for (((line, raw), (existing, changed)), &i) in
        incoming.rows.iter().zip(matches).zip(index_of_row)
    {
        let action = if existing.is_some() && !changed {
            Action::Unchanged
        } else if known_persons.contains(&linked.person[i]) {
            Action::Linked
        } else if in_review.contains(&i) {
            Action::Review
        } else {
            Action::NewPerson
        };
        match action {
            Action::NewPerson => p.new_persons += 1,
            Action::Linked => p.linked += 1,
            Action::Review => p.review += 1,
            Action::Unchanged => p.unchanged += 1,
        }
        let updated = existing.is_some() && *changed;
        p.updated += updated as usize;
        let mut problems: Vec<&'static str> = entries[i]
            .problems
            .iter()
            .map(|x| problem_key(*x))
            .collect();
        if born_after(raw, incoming.order, today) {
            problems.push("problem-date-future");
        }
        p.rows.push(RowPlan {
            line: *line,
            member_key: raw.record_id.clone(),
            name: store::display_name(raw),
            action,
            updated,
            problems,
        });
    }
    p
}

/// Whether the row's birth date is after `today` (a typing slip: 2062 for 1962).
pub(super) fn born_after(raw: &RawRecord, order: Order, today: time::Date) -> bool {
    let Some(d) = date::parse(&raw.date_of_birth, order) else {
        return false;
    };
    let (y, m, day) = (today.year(), u8::from(today.month()), today.day());
    (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1)) > (y, m, day)
}

/// An earlier import, as its member's import page lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub rows_read: i64,
    pub rows_new: i64,
    pub linked: i64,
    pub for_review: i64,
    pub rows_rejected: i64,
    pub created_at: String,
}

/// A member's last twenty imports, newest first.
pub async fn recent_imports(db: &Db, org_id: i64) -> Result<Vec<ImportSummary>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, rows_read, rows_new, linked, for_review, rows_rejected, created_at FROM registry_imports \
         WHERE org_id = $1 ORDER BY id DESC LIMIT 20",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?)
}
