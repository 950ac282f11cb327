//! An import of a member's list: first its [`plan`] (a dry run saying what will happen to every
//! row, changing nothing), then its [`commit`] (the rows written and the registry re-linked in
//! one transaction). Both read the registry under [`store::WRITE_LOCK`], so a plan is what the
//! commit would do if nothing else is imported in between.

use super::store::{self, Stored};
use super::{Linking, incremental, keys, linking, online, relink};
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
    /// The whole registry was linked and its model estimated anew (the registry was new, had
    /// grown by a quarter, or its index was built by another engine); otherwise the rows were
    /// linked with the registrations they may be.
    #[serde(skip)]
    pub whole_registry_linked: bool,
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
/// the member, its registrations under the file's record keys, and for each incoming row the
/// registration it replaces (if any, in `existing`) and whether its values changed.
struct Opened {
    _guard: tokio::sync::MutexGuard<'static, ()>,
    org: crate::orgs::Org,
    existing: Vec<Stored>,
    matches: Vec<(Option<usize>, bool)>,
    /// The registry's stored model and the revision of its linking index.
    model: incremental::StoredModel,
}

impl Opened {
    /// The rows the file adds under keys the member has not used before.
    fn new_rows(&self) -> usize {
        self.matches
            .iter()
            .filter(|(found, _)| found.is_none())
            .count()
    }
}

async fn open(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    incoming: &Incoming,
) -> Result<(Opened, Tx<'static>)> {
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
    let file_keys: Vec<&str> = incoming
        .rows
        .iter()
        .map(|(_, r)| r.record_id.as_str())
        .collect();
    let existing =
        store::load_where(db.kind, &mut tx, Some(org_id), "member_key", &file_keys).await?;
    let by_key: HashMap<&str, usize> = existing
        .iter()
        .enumerate()
        .map(|(i, s)| (s.member_key(), i))
        .collect();
    let matches: Vec<(Option<usize>, bool)> = incoming
        .rows
        .iter()
        .map(|(_, raw)| match by_key.get(raw.record_id.as_str()) {
            Some(&i) => (Some(i), !existing[i].same_values(raw, incoming.order)),
            None => (None, true),
        })
        .collect();
    let model = incremental::StoredModel::read(&mut tx).await?;
    let opened = Opened {
        _guard: guard,
        org,
        existing,
        matches,
        model,
    };
    Ok((opened, tx))
}

/// What writing a file's rows did.
struct WrittenRows {
    /// The registration of each row.
    ids: Vec<i64>,
    /// The registrations written (new or with new values), as they now are.
    changed: Vec<Stored>,
    /// What is wrong with each row, as the engine read it.
    problems: Vec<Vec<Problem>>,
    new_rows: usize,
    updated_rows: usize,
}

/// Writes the rows that are new or changed, with their keys in the linking index when the
/// index is current (`keys_current`; otherwise the whole re-link that follows rebuilds it). Each
/// row is read by the engine once, on all cores.
async fn write_rows(
    tx: &mut Tx<'_>,
    opened: &Opened,
    incoming: &Incoming,
    written: &store::Written<'_>,
    progress: &crate::jobs::progress::Progress,
) -> Result<WrittenRows> {
    use rayon::prelude::*;
    let (org, existing) = (&opened.org, &opened.existing);
    progress.start(crate::jobs::progress::Stage::Writing, incoming.rows.len());
    let records: Vec<link::record::Record> = incoming
        .rows
        .par_iter()
        .map(|(_, raw)| link::record::normalize(raw, incoming.order))
        .collect();
    let mut ids = vec![0i64; incoming.rows.len()];
    let (mut new, mut updated) = (Vec::new(), Vec::new());
    for (r, ((_, raw), (found, changed))) in incoming.rows.iter().zip(&opened.matches).enumerate() {
        match found {
            Some(i) => {
                ids[r] = existing[*i].id;
                if *changed {
                    store::update(tx, ids[r], raw, &records[r], written).await?;
                    updated.push(r);
                }
                progress.step();
            }
            None => new.push(r),
        }
    }
    let fresh: Vec<(&RawRecord, &link::record::Record)> = new
        .iter()
        .map(|&r| (&incoming.rows[r].1, &records[r]))
        .collect();
    for (&r, id) in new
        .iter()
        .zip(store::insert_rows(tx, org.id, &fresh, written).await?)
    {
        ids[r] = id;
        progress.step();
    }
    if opened.model.keys_current() {
        let of = |rows: &[usize]| -> Vec<(i64, &link::record::Record)> {
            rows.iter().map(|&r| (ids[r], &records[r])).collect()
        };
        keys::write(tx, &of(&updated)).await?;
        keys::add(tx, &of(&new)).await?;
    }
    let mut changed_rows: Vec<usize> = updated.iter().chain(&new).copied().collect();
    changed_rows.sort_unstable();
    let changed = changed_rows
        .iter()
        .map(|&r| {
            let replaces = opened.matches[r].0.map(|i| &existing[i]);
            Stored::written(
                ids[r],
                org.id,
                &org.code,
                &incoming.rows[r].1,
                incoming.order,
                replaces,
            )
        })
        .collect();
    Ok(WrittenRows {
        ids,
        changed,
        problems: records.into_iter().map(|r| r.problems).collect(),
        new_rows: new.len(),
        updated_rows: updated.len(),
    })
}

/// What planning an import would do: for an import the registry links incrementally, the rows
/// are written and linked in a transaction that is then rolled back; otherwise the registry as
/// it would be (stored rows, replaced where the file updates them, and the new ones) is linked
/// in memory, exactly as [`commit`] would link it.
pub async fn plan(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    incoming: &Incoming,
) -> Result<Plan> {
    let (opened, mut tx) = open(db, actor, org_id, incoming).await?;
    let quiet = crate::jobs::progress::Progress::default();
    let model = incremental::model_if_current(&mut tx, &opened.model, opened.new_rows()).await?;
    if let Some(model) = model {
        let now = db::now();
        let written = store::Written {
            import_id: None,
            order: incoming.order,
            now: &now,
        };
        let rows = write_rows(&mut tx, &opened, incoming, &written, &quiet).await?;
        let part = incremental::link(db.kind, &mut tx, actor, rows.changed, &model, &quiet).await?;
        tx.rollback().await?;
        return Ok(fates(
            incoming,
            &opened.matches,
            &part.outcome(&rows.ids, rows.problems),
        ));
    }
    let Opened {
        org,
        existing,
        matches,
        ..
    } = &opened;
    let stored = store::load_all(db.kind, &mut tx).await?;
    let position: HashMap<i64, usize> = stored.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut entries = linking::entries(&stored);
    let mut index_of_row = Vec::with_capacity(incoming.rows.len());
    for ((_, raw), (found, _)) in incoming.rows.iter().zip(matches) {
        let replaces = found.map(|i| &existing[i]);
        let entry = linking::Entry::incoming(raw, &org.code, incoming.order, replaces);
        match replaces.and_then(|s| position.get(&s.id)) {
            Some(&i) => {
                entries[i] = entry;
                index_of_row.push(i);
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
    Ok(Plan {
        whole_registry_linked: true,
        ..fates(
            incoming,
            matches,
            &RowsLinked::of(&index_of_row, &linked, &entries),
        )
    })
}

/// Imports `incoming` for organisation `org_id` in one transaction: the rows are written under
/// the member's record keys, linked with the registry (incrementally, or by re-linking the whole
/// registry when its model is due to be estimated again), the import is recorded and audited;
/// gives back what happened to every row.
pub async fn commit(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    file_name: &str,
    incoming: &Incoming,
    progress: &crate::jobs::progress::Progress,
) -> Result<Plan> {
    let (opened, mut tx) = open(db, actor, org_id, incoming).await?;
    let model = incremental::model_if_current(&mut tx, &opened.model, opened.new_rows()).await?;
    let now = db::now();
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
    let started = std::time::Instant::now();
    let rows = write_rows(&mut tx, &opened, incoming, &written, progress).await?;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "import: rows and keys written"
    );
    let (plan, snapshot) = match model {
        Some(model) => {
            let part =
                incremental::link(db.kind, &mut tx, actor, rows.changed, &model, progress).await?;
            (
                fates(
                    incoming,
                    &opened.matches,
                    &part.outcome(&rows.ids, rows.problems),
                ),
                None,
            )
        }
        None => {
            let stored = store::load_all(db.kind, &mut tx).await?;
            let position: HashMap<i64, usize> =
                stored.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
            let index_of_row: Vec<usize> = rows.ids.iter().map(|id| position[id]).collect();
            let (linked, entries, snapshot) =
                relink::relink_loaded(&mut tx, actor, stored, progress).await?;
            let plan = Plan {
                whole_registry_linked: true,
                ..fates(
                    incoming,
                    &opened.matches,
                    &RowsLinked::of(&index_of_row, &linked, &entries),
                )
            };
            (plan, Some(snapshot))
        }
    };
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        whole = plan.whole_registry_linked,
        "import: linked"
    );
    let (new_rows, updated_rows) = (rows.new_rows, rows.updated_rows);
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
            "org": opened.org.code, "file": file_name, "new": new_rows, "updated": updated_rows,
            "unchanged": plan.unchanged, "rejected": plan.rejected.len(),
            "new_persons": plan.new_persons, "linked": plan.linked, "review": plan.review,
            "linked_incrementally": snapshot.is_none(),
        })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    tracing::info!(import_id, org = %opened.org.code, rows = incoming.rows.len(), "registry import committed");
    match snapshot {
        Some(snapshot) => online::publish(db, snapshot).await,
        None => online::rebuild_soon(db),
    }
    Ok(plan)
}

/// What a linkage said of a file's rows, however it was linked.
pub(super) struct RowsLinked {
    /// The person of each row (any numbering).
    pub person: Vec<i64>,
    /// The persons that hold a registration outside the file.
    pub known: std::collections::HashSet<i64>,
    /// Whether each row is in a pair for review.
    pub in_review: Vec<bool>,
    /// What is wrong with each row, as the engine read it.
    pub problems: Vec<Vec<Problem>>,
}

impl RowsLinked {
    /// From a linkage of the whole registry, in which row `r` is entry `index_of_row[r]`.
    fn of(index_of_row: &[usize], linked: &Linking, entries: &[linking::Entry]) -> RowsLinked {
        let in_file: std::collections::HashSet<usize> = index_of_row.iter().copied().collect();
        let known = linked
            .person
            .iter()
            .enumerate()
            .filter(|(i, _)| !in_file.contains(i))
            .map(|(_, &p)| p as i64)
            .collect();
        let mut reviewed: std::collections::HashSet<usize> = std::collections::HashSet::new();
        for pair in &linked.review {
            // A doubt between two rows of this file alone is the member's own matter, still listed.
            reviewed.insert(pair.0);
            reviewed.insert(pair.1);
        }
        RowsLinked {
            person: index_of_row
                .iter()
                .map(|&i| linked.person[i] as i64)
                .collect(),
            known,
            in_review: index_of_row.iter().map(|i| reviewed.contains(i)).collect(),
            problems: index_of_row
                .iter()
                .map(|&i| entries[i].problems.clone())
                .collect(),
        }
    }
}

/// Every row's fate, from what the linkage said of the rows.
fn fates(incoming: &Incoming, matches: &[(Option<usize>, bool)], linked: &RowsLinked) -> Plan {
    let today = time::OffsetDateTime::now_utc().date();
    let mut p = Plan {
        rejected: incoming.rejected.clone(),
        ..Plan::default()
    };
    for (r, ((line, raw), (existing, changed))) in incoming.rows.iter().zip(matches).enumerate() {
        let action = if existing.is_some() && !changed {
            Action::Unchanged
        } else if linked.known.contains(&linked.person[r]) {
            Action::Linked
        } else if linked.in_review[r] {
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
        let mut problems: Vec<&'static str> =
            linked.problems[r].iter().map(|x| problem_key(*x)).collect();
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
