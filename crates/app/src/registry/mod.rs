//! The shared beneficiary registry: members bring their lists, and the same person and household
//! registered by several members is recognised (by the linkage engine, `crates/link`).
//!
//! An import is planned first (a dry run that says what will happen to every row) and then
//! committed in one transaction: the member's rows are added or updated under the member's own
//! record key, and the whole registry is re-linked, so the result does not depend on the order in
//! which members imported. Person and household numbers stay stable across re-links: a cluster
//! keeps the number most of its registrations had.
//!
//! Privacy: a member sees in full only what it registered; of other members' registrations only
//! overlap facts ("already registered by another member").

pub mod explain;
pub mod file;
pub mod linking;
pub mod online;
pub mod priority;
pub mod routes;

use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use crate::paging::Page;
use crate::users::Actor;
use link::normalize::date::{self, Order};
use link::record::{Problem, RawRecord};
use serde::Serialize;
use std::collections::HashMap;

pub use linking::Linking;

/// Imports (and re-links) one at a time on this server: each re-links the whole registry.
static IMPORT_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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
    }
}

/// One row of a planned import.
#[derive(Debug, Clone, Serialize)]
pub struct RowPlan {
    pub line: u64,
    pub member_key: String,
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
        let (rows, rejected) = file::records(table, mapping);
        let order = date::infer_order(rows.iter().map(|(_, r)| r.date_of_birth.as_str()));
        Incoming {
            rows,
            rejected,
            order,
        }
    }
}

fn order_code(o: Order) -> &'static str {
    match o {
        Order::DayFirst => "dmy",
        Order::MonthFirst => "mdy",
    }
}

fn parse_order(s: &str) -> Order {
    if s == "mdy" {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

/// The stored fields of a registration, in [`RawRecord`]'s order.
/// The columns holding a row as the member typed it, in the order of [`raw_values`].
const RAW_FIELDS: [&str; 20] = [
    "household_ref",
    "relation_to_head",
    "full_name",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "date_of_birth",
    "age",
    "national_id",
    "phone",
    "governorate",
    "district",
    "village",
    "address",
    "registered_at",
    "disability",
    "monthly_income",
    "other_id",
];

fn raw_values(r: &RawRecord) -> [&str; 20] {
    [
        &r.household_ref,
        &r.relation_to_head,
        &r.full_name,
        &r.first_name,
        &r.father_name,
        &r.grandfather_name,
        &r.family_name,
        &r.gender,
        &r.date_of_birth,
        &r.age,
        &r.national_id,
        &r.phone,
        &r.governorate,
        &r.district,
        &r.village,
        &r.address,
        &r.registered_at,
        &r.disability,
        &r.monthly_income,
        &r.other_id,
    ]
}

/// `UPDATE` of a registration from a new row: the raw columns, then date order, import, time,
/// the three search keys and the id.
fn update_sql() -> String {
    let n = RAW_FIELDS.len();
    let set: Vec<String> = RAW_FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{f} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE registry_records SET {}, date_order = ${}, import_id = ${}, updated_at = ${}, name_key = ${}, \
         nid_key = ${}, phone_key = ${} WHERE id = ${}",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4,
        n + 5,
        n + 6,
        n + 7
    )
}

/// `INSERT` of a registration: org, member key, the raw columns, then date order, import, time
/// (created and updated) and the three search keys.
fn insert_sql() -> String {
    let n = RAW_FIELDS.len();
    let values: Vec<String> = (1..=n + 2).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO registry_records (org_id, member_key, {}, date_order, import_id, created_at, updated_at, \
         name_key, nid_key, phone_key) VALUES ({}, ${}, ${}, ${t}, ${t}, ${}, ${}, ${}) RETURNING id",
        RAW_FIELDS.join(", "),
        values.join(", "),
        n + 3,
        n + 4,
        n + 6,
        n + 7,
        n + 8,
        t = n + 5,
    )
}

/// Search keys of a row: name skeletons between spaces, ID digits, canonical mobile.
fn search_keys(raw: &RawRecord, order: Order) -> (String, String, String) {
    let r = link::record::normalize(raw, order);
    (
        format!(" {} ", r.skeletons.join(" ")),
        r.id_digits().unwrap_or_default().to_owned(),
        r.phone.unwrap_or_default(),
    )
}

/// One stored registration: the row as the member typed it (`raw.record_id` is the member's
/// record key, `raw.member_org` its code) and what the registry keeps beside it. Read as one JSON
/// object per row (see [`stored_select`]).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Stored {
    pub id: i64,
    pub org_id: i64,
    pub date_order: String,
    pub person_id: i64,
    pub household_id: i64,
    #[serde(flatten)]
    pub raw: RawRecord,
}

impl Stored {
    /// A registration as it is stored after writing `raw` (keyed by the member's record key)
    /// under `id`.
    fn written(
        id: i64,
        org_id: i64,
        org_code: &str,
        raw: &RawRecord,
        order: Order,
        person_id: i64,
        household_id: i64,
    ) -> Stored {
        Stored {
            id,
            org_id,
            date_order: order_code(order).to_owned(),
            person_id,
            household_id,
            raw: RawRecord {
                member_org: org_code.to_owned(),
                ..raw.clone()
            },
        }
    }

    pub fn member_key(&self) -> &str {
        &self.raw.record_id
    }

    /// The name as the member wrote it: the full name, or the parts joined.
    pub fn display_name(&self) -> String {
        if self.raw.full_name.trim().is_empty() {
            [
                &self.raw.first_name,
                &self.raw.father_name,
                &self.raw.grandfather_name,
                &self.raw.family_name,
            ]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
        } else {
            self.raw.full_name.clone()
        }
    }

    /// The row as the linkage engine takes it: keyed by the registration's id, unique across
    /// members.
    pub fn raw(&self) -> RawRecord {
        RawRecord {
            record_id: self.id.to_string(),
            ..self.raw.clone()
        }
    }

    fn same_values(&self, raw: &RawRecord, order: Order) -> bool {
        raw_values(&self.raw) == raw_values(raw) && self.date_order == order_code(order)
    }
}

/// `SELECT` of stored registrations, one JSON object per row, to add `WHERE …` to and read with
/// [`read_stored`]. Through sqlx's Any driver a row of 24 columns took ~30 µs to decode (3 s
/// for 100,000 registrations, each import and each restart); one text column a fraction of that.
fn stored_select(kind: db::Kind) -> String {
    let raw: Vec<String> = RAW_FIELDS.iter().map(|f| format!("'{f}', r.{f}")).collect();
    format!(
        "SELECT {} FROM registry_records r JOIN orgs o ON o.id = r.org_id",
        kind.json_object(&format!(
            "'id', r.id, 'org_id', r.org_id, 'date_order', r.date_order, 'person_id', r.person_id, \
             'household_id', r.household_id, 'record_id', r.member_key, 'member_org', o.code, {}",
            raw.join(", ")
        ))
    )
}

/// The rows of a [`stored_select`], on all cores.
fn read_stored(rows: Vec<(String,)>) -> Result<Vec<Stored>> {
    use rayon::prelude::*;
    rows.par_iter()
        .map(|(json,)| serde_json::from_str::<Stored>(json))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Internal(anyhow::anyhow!("a stored registration is unreadable: {e}")))
}

/// The whole registry, in id order.
async fn load_all(kind: db::Kind, tx: &mut Tx<'_>) -> Result<Vec<Stored>> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} ORDER BY r.id",
        stored_select(kind)
    )))
    .fetch_all(&mut **tx)
    .await?;
    read_stored(rows)
}

/// What an officer decides of a pair of registrations (stored as its `status`, next to `open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// One person: the pair is linked at every re-link.
    Same,
    /// Two people: the pair is never linked or proposed again.
    Different,
    /// Cannot tell: the pair leaves the queue and the registry stays as it is.
    Unsure,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Same => "same",
            Decision::Different => "different",
            Decision::Unsure => "unsure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Decision::Same, Decision::Different, Decision::Unsure]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// People's decisions on pairs: (record, record, same?).
async fn decisions(tx: &mut Tx<'_>) -> Result<Vec<(i64, i64, bool)>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT record_l, record_r, status FROM registry_pairs WHERE status IN ('same', 'different')",
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(l, r, s)| (l, r, Decision::parse(&s) == Some(Decision::Same)))
        .collect())
}

/// Plans (`commit = false`) or performs an import of `incoming` for organisation `org_id`.
pub async fn import(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    file_name: &str,
    incoming: Incoming,
    commit: bool,
    progress: &crate::jobs::progress::Progress,
) -> Result<Plan> {
    if let Some(a) = actor
        && !(a.org_id == org_id && a.can_write())
    {
        return Err(Error::Forbidden);
    }
    let org = crate::orgs::get(db, org_id).await?;
    if !org.is_member() {
        return Err(Error::BadRequest("err-import-not-member"));
    }
    let _guard = IMPORT_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let mut stored = load_all(db.kind, &mut tx).await?;
    let by_key: HashMap<&str, usize> = stored
        .iter()
        .enumerate()
        .filter(|(_, s)| s.org_id == org_id)
        .map(|(i, s)| (s.member_key(), i))
        .collect();
    // Each incoming row: the stored registration it replaces, if any, and whether it changed.
    let matches: Vec<(Option<usize>, bool)> = incoming
        .rows
        .iter()
        .map(|(_, raw)| match by_key.get(raw.record_id.as_str()) {
            Some(&i) => (Some(i), !stored[i].same_values(raw, incoming.order)),
            None => (None, true),
        })
        .collect();
    let now = db::now();

    if !commit {
        // The registry as it would be: stored rows (replaced where the file updates them) and
        // the new ones, linked together exactly as a commit would.
        let mut entries = linking::entries(&stored);
        let mut index_of_row = Vec::with_capacity(incoming.rows.len());
        for ((_, raw), (existing, _)) in incoming.rows.iter().zip(&matches) {
            let entry = linking::Entry::incoming(
                raw,
                &org.code,
                incoming.order,
                existing.map(|i| &stored[i]),
            );
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
        let decided = decisions(&mut tx).await?;
        tx.rollback().await?;
        let linked = link_off_thread(entries, decided).await?;
        return Ok(plan(
            &incoming,
            &matches,
            &index_of_row,
            &linked.0,
            &linked.1,
        ));
    }

    // Commit: write the rows, then re-link the whole registry in the same transaction.
    let (mut new_rows, mut updated_rows) = (0usize, 0usize);
    let import_id: (i64,) = sqlx::query_as(
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
    let import_id = import_id.0;
    let mut row_ids: Vec<i64> = Vec::with_capacity(incoming.rows.len());
    progress.start(crate::jobs::progress::Stage::Writing, incoming.rows.len());
    for ((_, raw), (existing, changed)) in incoming.rows.iter().zip(&matches) {
        progress.step();
        match existing {
            Some(i) if !changed => row_ids.push(stored[*i].id),
            Some(i) => {
                let values = raw_values(raw);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(update_sql()));
                for v in values {
                    q = q.bind(v);
                }
                let (name_key, nid_key, phone_key) = search_keys(raw, incoming.order);
                q.bind(order_code(incoming.order))
                    .bind(import_id)
                    .bind(&now)
                    .bind(name_key)
                    .bind(nid_key)
                    .bind(phone_key)
                    .bind(stored[*i].id)
                    .execute(&mut *tx)
                    .await?;
                row_ids.push(stored[*i].id);
                let old = &stored[*i];
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
                let values = raw_values(raw);
                let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(insert_sql()))
                    .bind(org_id)
                    .bind(&raw.record_id);
                for v in values {
                    q = q.bind(v);
                }
                let (name_key, nid_key, phone_key) = search_keys(raw, incoming.order);
                let (id,) = q
                    .bind(order_code(incoming.order))
                    .bind(import_id)
                    .bind(&now)
                    .bind(name_key)
                    .bind(nid_key)
                    .bind(phone_key)
                    .fetch_one(&mut *tx)
                    .await?;
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
    let (linked, entries, snapshot) = relink_loaded(&mut tx, actor, stored, progress).await?;
    let plan = plan(&incoming, &matches, &index_of_row, &linked, &entries);
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
    tracing::info!(import_id, org = %org.code, rows = incoming.rows.len(), "registry import committed");
    online::publish(db, snapshot).await;
    Ok(plan)
}

/// Every row's fate, from the linkage of the registry with the rows in it.
fn plan(
    incoming: &Incoming,
    matches: &[(Option<usize>, bool)],
    index_of_row: &[usize],
    linked: &Linking,
    entries: &[linking::Entry],
) -> Plan {
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
        p.rows.push(RowPlan {
            line: *line,
            member_key: raw.record_id.clone(),
            action,
            updated,
            problems: entries[i]
                .problems
                .iter()
                .map(|x| problem_key(*x))
                .collect(),
        });
    }
    p
}

/// Links `entries` on a blocking thread (the engine is CPU-bound) and gives them back.
async fn link_off_thread(
    entries: Vec<linking::Entry>,
    decided: Vec<(i64, i64, bool)>,
) -> Result<(Linking, Vec<linking::Entry>)> {
    tokio::task::spawn_blocking(move || (linking::link(&entries, &decided), entries))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("linkage failed: {e}")))
}

/// Re-links the whole registry (after people's decisions, a merge or a split).
pub async fn relink(db: &Db, actor: Option<&Actor>) -> Result<()> {
    let _guard = IMPORT_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let stored = load_all(db.kind, &mut tx).await?;
    let (_, _, snapshot) = relink_loaded(
        &mut tx,
        actor,
        stored,
        &crate::jobs::progress::Progress::default(),
    )
    .await?;
    tx.commit().await?;
    online::publish(db, snapshot).await;
    Ok(())
}

/// Links `stored` (the whole registry, read in `tx`), writes the persons, households and pairs
/// for review that changed, audits merges and splits and tells the members concerned; gives
/// back the registry's snapshot for "already registered?", to publish once committed.
async fn relink_loaded(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    stored: Vec<Stored>,
    progress: &crate::jobs::progress::Progress,
) -> Result<(Linking, Vec<linking::Entry>, online::Snapshot)> {
    let decided = decisions(tx).await?;
    let old_person: Vec<i64> = stored.iter().map(|s| s.person_id).collect();
    let old_household: Vec<i64> = stored.iter().map(|s| s.household_id).collect();
    let ids: Vec<i64> = stored.iter().map(|s| s.id).collect();
    progress.start(crate::jobs::progress::Stage::Linking, 0);
    let entries = linking::entries(&stored);
    let (mut linked, entries) = link_off_thread(entries, decided).await?;
    let (max_person, max_household): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(MAX(person_id), 0), COALESCE(MAX(household_id), 0) FROM registry_records",
    )
    .fetch_one(&mut **tx)
    .await?;
    let persons = linking::stable_ids(&old_person, &linked.person, max_person);
    let households = linking::stable_ids(&old_household, &linked.household, max_household);
    notify_moves(tx, &stored, &old_person, &persons).await?;
    let records = std::mem::take(&mut linked.records);
    let snapshot = online::Snapshot::of(&stored, &persons, records, linked.model.clone());
    snapshot.store(tx).await?;
    let mut changed = 0usize;
    progress.start(crate::jobs::progress::Stage::Saving, ids.len());
    for i in 0..ids.len() {
        progress.step();
        if persons[i] != old_person[i] || households[i] != old_household[i] {
            sqlx::query(
                "UPDATE registry_records SET person_id = $1, household_id = $2 WHERE id = $3",
            )
            .bind(persons[i])
            .bind(households[i])
            .bind(ids[i])
            .execute(&mut **tx)
            .await?;
            if old_person[i] != 0 {
                changed += 1;
            }
        }
    }
    // Pairs for review: open ones no longer uncertain go; new ones come; decided ones stay.
    let now = db::now();
    let mut keep: Vec<(i64, i64)> = Vec::with_capacity(linked.review.len());
    for (a, b, probability, explanation) in &linked.review {
        let (l, r) = (ids[*a].min(ids[*b]), ids[*a].max(ids[*b]));
        keep.push((l, r));
        sqlx::query(
            "INSERT INTO registry_pairs (record_l, record_r, probability, explanation, status, created_at) \
             VALUES ($1, $2, $3, $4, 'open', $5) ON CONFLICT (record_l, record_r) DO UPDATE \
             SET probability = $3, explanation = $4 WHERE registry_pairs.status = 'open'",
        )
        .bind(l)
        .bind(r)
        .bind(*probability)
        .bind(explanation)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    let open: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT id, record_l, record_r FROM registry_pairs WHERE status = 'open'")
            .fetch_all(&mut **tx)
            .await?;
    let keep: std::collections::HashSet<(i64, i64)> = keep.into_iter().collect();
    for (id, l, r) in open {
        if !keep.contains(&(l, r)) {
            sqlx::query("DELETE FROM registry_pairs WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    if changed > 0 {
        audit::record(
            tx,
            actor,
            "relink",
            "registry",
            None,
            None,
            Some(serde_json::json!({ "registrations_moved": changed, "pairs_for_review": linked.review.len() })),
        )
        .await?;
    }
    Ok((linked, entries, snapshot))
}

/// Tells members of merges and splits that touched their registrations: a registration whose
/// person now holds registrations of several former persons was merged; one whose former person
/// is now spread over several persons was split. New registrations (no former person) are not
/// news.
async fn notify_moves(
    tx: &mut Tx<'_>,
    stored: &[Stored],
    old_person: &[i64],
    persons: &[i64],
) -> Result<()> {
    let mut olds_of_new: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
    let mut news_of_old: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
    for (&old, &new) in old_person.iter().zip(persons) {
        if old != 0 {
            olds_of_new.entry(new).or_default().insert(old);
            news_of_old.entry(old).or_default().insert(new);
        }
    }
    let now = db::now();
    for ((s, &old), &new) in stored.iter().zip(old_person).zip(persons) {
        if old == 0 {
            continue;
        }
        let kind = if olds_of_new[&new].len() > 1 {
            "merged"
        } else if news_of_old[&old].len() > 1 {
            "split"
        } else {
            continue;
        };
        notice(tx, s.org_id, s.id, kind, old, new, &now).await?;
    }
    Ok(())
}

async fn notice(
    tx: &mut Tx<'_>,
    org_id: i64,
    record_id: i64,
    kind: &str,
    person_from: i64,
    person_to: i64,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO registry_notices (org_id, record_id, kind, person_from, person_to, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(record_id)
    .bind(kind)
    .bind(person_from)
    .bind(person_to)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What happened to one of the member's registrations, as its registry page lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub record_id: i64,
    pub member_key: String,
    pub kind: String,
    pub person_from: i64,
    pub person_to: i64,
    pub created_at: String,
}

/// Page `page` (from 1) of the notices for the actor's member organisation, newest first, and
/// how many there are. The secretariat has none: it took the decisions.
pub async fn notices(db: &Db, actor: &Actor, page: Page) -> Result<(Vec<Notice>, i64)> {
    if actor.sees_all() {
        return Ok((vec![], 0));
    }
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registry_notices WHERE org_id = $1")
            .bind(actor.org_id)
            .fetch_one(&db.pool)
            .await?;
    let rows = sqlx::query_as(
        "SELECT n.id, n.record_id, r.member_key, n.kind, n.person_from, n.person_to, n.created_at \
         FROM registry_notices n JOIN registry_records r ON r.id = n.record_id \
         WHERE n.org_id = $1 ORDER BY n.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(actor.org_id)
    .bind(page.size())
    .bind(page.within(total).offset())
    .fetch_all(&db.pool)
    .await?;
    Ok((rows, total))
}

pub const NOTICES_PER_PAGE: i64 = 20;
/// Pairs on one page of the review queue.
pub const REVIEW_PER_PAGE: i64 = 20;

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

/// `record_id,person_id,household_id` for every registration (the member's own record key).
pub async fn export_rows(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT member_key, person_id, household_id FROM registry_records ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The saved mapping of this member for files with these headers, if any.
pub async fn saved_mapping(
    db: &Db,
    org_id: i64,
    headers: &[String],
) -> Result<Option<HashMap<String, String>>> {
    // Mappings saved before signatures were hashed are still found under the headers themselves.
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT mapping_json FROM registry_mappings WHERE org_id = $1 AND signature IN ($2, $3) \
         ORDER BY updated_at DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(signature(headers))
    .bind(old_signature(headers))
    .fetch_optional(&db.pool)
    .await?;
    let Some((json,)) = row else { return Ok(None) };
    // Saved as the fields in column order; earlier as a map from folded header to field.
    if let Ok(fields) = serde_json::from_str::<Vec<String>>(&json) {
        return Ok(Some(
            headers
                .iter()
                .map(|h| file::header_key(h))
                .zip(fields)
                .collect(),
        ));
    }
    Ok(serde_json::from_str(&json).ok())
}

/// Saves a member's confirmed mapping (folded header → field) for files with these headers.
pub async fn save_mapping(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    headers: &[String],
    mapping: &[Option<&'static str>],
) -> Result<()> {
    // The fields in column order, under a hash of the headers: a file without a header row has
    // a beneficiary's data where its headers should be, which must stay out of this table and
    // out of the audit log (issue 12, 12).
    let fields: Vec<&str> = mapping.iter().map(|f| f.unwrap_or("")).collect();
    let json = serde_json::to_string(&fields).map_err(|e| Error::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM registry_mappings WHERE org_id = $1 AND signature = $2")
        .bind(org_id)
        .bind(old_signature(headers))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO registry_mappings (org_id, signature, mapping_json, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, signature) DO UPDATE SET mapping_json = $3, updated_at = $4",
    )
    .bind(org_id)
    .bind(signature(headers))
    .bind(&json)
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "save",
        "registry_mapping",
        Some(org_id),
        None,
        Some(serde_json::json!({ "columns": headers.len(), "fields": fields })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Files with the same headers (folded, in order) share a saved mapping, found by the SHA-256 of
/// those headers.
fn signature(headers: &[String]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(old_signature(headers).as_bytes()))
}

/// The headers themselves, as mappings were saved before (issue 12, 12).
fn old_signature(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| file::header_key(h))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// A registration as its own member sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub org_id: i64,
    pub member_key: String,
    pub full_name: String,
    pub national_id: String,
    pub phone: String,
    pub date_of_birth: String,
    pub gender: String,
    pub governorate: String,
    pub village: String,
    pub household_ref: String,
    pub person_id: i64,
    pub household_id: i64,
    /// How many other members registered the same person.
    pub elsewhere: i64,
}

const REGISTRATION_SELECT: &str = "SELECT r.id, r.org_id, r.member_key, \
     CASE WHEN r.full_name <> '' THEN r.full_name ELSE TRIM(r.first_name || ' ' || r.father_name || ' ' || r.grandfather_name || ' ' || r.family_name) END AS full_name, \
     r.national_id, r.phone, r.date_of_birth, r.gender, r.governorate, r.village, r.household_ref, r.person_id, r.household_id, \
     (SELECT COUNT(DISTINCT o.org_id) FROM registry_records o WHERE o.person_id = r.person_id AND o.org_id <> r.org_id) AS elsewhere \
     FROM registry_records r";

/// A registration of another member, as the secretariat sees it without opening it: first
/// name and initials, birth year, governorate, which member.
#[derive(Debug, Clone, Serialize)]
pub struct Masked {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub birth_year: String,
    pub governorate: String,
    pub person_id: i64,
    pub household_id: i64,
}

impl Masked {
    pub fn of(r: &Registration) -> Masked {
        let mut parts = r.full_name.split_whitespace();
        let first = parts.next().unwrap_or("").to_owned();
        let initials: Vec<String> = parts
            .filter_map(|p| p.chars().next())
            .map(|c| format!("{c}."))
            .collect();
        let digits: String = link::normalize::arabic::fold(&r.date_of_birth)
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        Masked {
            id: r.id,
            org_id: r.org_id,
            name: format!("{first} {}", initials.join(" ")).trim().to_owned(),
            birth_year: if digits.len() >= 4
                && (digits.starts_with("19") || digits.starts_with("20"))
            {
                digits[..4].to_owned()
            } else {
                String::new()
            },
            governorate: r.governorate.clone(),
            person_id: r.person_id,
            household_id: r.household_id,
        }
    }
}

/// What a search finds: the actor's own registrations in full; for the secretariat, every
/// member's, masked; for a member, only how many other members' registrations match.
#[derive(Debug, Default, Serialize)]
pub struct Found {
    pub own: Vec<Registration>,
    pub masked: Vec<Masked>,
    pub others: i64,
}

/// Searches by name (any spelling, Arabic or Latin), national ID or mobile number.
pub async fn search(db: &Db, actor: &Actor, q: &str) -> Result<Found> {
    let q = q.trim();
    if q.chars().count() > 200 {
        return Err(Error::field("q", "err-too-long"));
    }
    let digits: String = link::normalize::arabic::fold(q)
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    let looks_numeric =
        !digits.is_empty() && digits.len() * 2 >= q.chars().filter(|c| !c.is_whitespace()).count();
    let (condition, binds): (String, Vec<String>) = if looks_numeric {
        match link::normalize::phone::parse(q) {
            Some(p) if digits.len() < 14 => ("r.phone_key = $1".into(), vec![p]),
            _ => ("r.nid_key = $1".into(), vec![digits]),
        }
    } else {
        let raw = RawRecord {
            full_name: q.to_owned(),
            ..RawRecord::default()
        };
        let keys = link::record::normalize(&raw, Order::DayFirst).skeletons;
        // Names come from the registry's name index in memory: a LIKE over every
        // registration's name keys took seconds a search at a million registrations.
        let matches = online::by_name(db, &keys).await?;
        let fetch = |ids: Vec<i64>| async move {
            if ids.is_empty() {
                return Ok::<_, Error>(vec![]);
            }
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            Ok(
                sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(format!(
                    "{REGISTRATION_SELECT} WHERE r.id IN ({}) ORDER BY r.id",
                    ids.join(", ")
                )))
                .fetch_all(&db.pool)
                .await?,
            )
        };
        if actor.sees_all() {
            let rows = fetch(matches.iter().take(50).map(|m| m.0).collect()).await?;
            return Ok(Found {
                masked: rows.iter().map(Masked::of).collect(),
                ..Found::default()
            });
        }
        let own: Vec<i64> = matches
            .iter()
            .filter(|m| m.1 == actor.org_id)
            .take(50)
            .map(|m| m.0)
            .collect();
        return Ok(Found {
            own: fetch(own).await?,
            masked: vec![],
            others: matches.iter().filter(|m| m.1 != actor.org_id).count() as i64,
        });
    };
    let n = binds.len();
    let run = |scope: &str, limit: i64| {
        let sql =
            format!("{REGISTRATION_SELECT} WHERE {condition} {scope} ORDER BY r.id LIMIT {limit}");
        let mut query = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            query = query.bind(b.clone());
        }
        query
    };
    if actor.sees_all() {
        let rows = run("", 50).fetch_all(&db.pool).await?;
        return Ok(Found {
            masked: rows.iter().map(Masked::of).collect(),
            ..Found::default()
        });
    }
    let own = run(&format!("AND r.org_id = ${}", n + 1), 50)
        .bind(actor.org_id)
        .fetch_all(&db.pool)
        .await?;
    let mut count = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM registry_records r WHERE {condition} AND r.org_id <> ${}",
        n + 1
    )));
    for b in &binds {
        count = count.bind(b.clone());
    }
    let (others,) = count.bind(actor.org_id).fetch_one(&db.pool).await?;
    Ok(Found {
        own,
        masked: vec![],
        others,
    })
}

/// One registration in full, for its own member (or, through [`reveal`], the secretariat).
pub async fn registration(db: &Db, actor: &Actor, id: i64) -> Result<Registration> {
    let r = registration_any(db, id).await?;
    // Another member's registration does not exist for a member.
    if r.org_id != actor.org_id {
        return Err(Error::NotFound);
    }
    Ok(r)
}

/// A pair for people to decide, as the secretariat's queue shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPair {
    pub id: i64,
    pub probability: f64,
    /// What each field said of the pair (worded by the page in its language).
    pub evidence: Vec<explain::FieldAgreement>,
    pub status: String,
    pub left: Masked,
    pub right: Masked,
}

async fn registration_any(db: &Db, id: i64) -> Result<Registration> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REGISTRATION_SELECT} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)
}

/// The open pairs, most likely first, a page at a time (secretariat staff and admins).
pub async fn review_queue(db: &Db, actor: &Actor, page: Page) -> Result<(Vec<ReviewPair>, i64)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registry_pairs WHERE status = 'open'")
            .fetch_one(&db.pool)
            .await?;
    let rows: Vec<(i64, i64, i64, f64, String, String)> = sqlx::query_as(
        "SELECT id, record_l, record_r, probability, explanation, status FROM registry_pairs WHERE status = 'open' \
         ORDER BY probability DESC, id LIMIT $1 OFFSET $2",
    )
    .bind(page.size())
    .bind(page.within(total).offset())
    .fetch_all(&db.pool)
    .await?;
    // Both sides of every pair on the page, in one query.
    let ids: Vec<i64> = rows.iter().flat_map(|r| [r.1, r.2]).collect();
    let mut masked: HashMap<i64, Masked> = HashMap::new();
    if !ids.is_empty() {
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{REGISTRATION_SELECT} WHERE r.id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, Registration>(sqlx::AssertSqlSafe(sql));
        for id in &ids {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&db.pool).await? {
            masked.insert(r.id, Masked::of(&r));
        }
    }
    let out = rows
        .into_iter()
        .filter_map(|(id, l, r, probability, explanation, status)| {
            Some(ReviewPair {
                id,
                probability,
                evidence: explain::from_stored(&explanation),
                status,
                left: masked.get(&l)?.clone(),
                right: masked.get(&r)?.clone(),
            })
        })
        .collect();
    Ok((out, total))
}

/// Both registrations of a pair in full, for an officer who gave a reason (which is audited).
pub async fn reveal(
    db: &Db,
    actor: &Actor,
    pair_id: i64,
    reason: &str,
) -> Result<(Registration, Registration)> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(Error::field("reason", "err-reason"));
    }
    let (l, r): (i64, i64) =
        sqlx::query_as("SELECT record_l, record_r FROM registry_pairs WHERE id = $1")
            .bind(pair_id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(Error::NotFound)?;
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        Some(actor),
        "view_personal_data",
        "registry_pair",
        Some(pair_id),
        None,
        Some(serde_json::json!({ "records": [l, r], "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok((
        registration_any(db, l).await?,
        registration_any(db, r).await?,
    ))
}

/// Records an officer's decision on a pair and re-links the registry so that it takes effect, in
/// one transaction; the members whose registrations the pair holds are told the outcome.
pub async fn decide(db: &Db, actor: &Actor, pair_id: i64, decision: &str) -> Result<()> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let decision = Decision::parse(decision).ok_or(Error::field("decision", "err-choice"))?;
    let _guard = IMPORT_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let (before, record_l, record_r): (String, i64, i64) =
        sqlx::query_as("SELECT status, record_l, record_r FROM registry_pairs WHERE id = $1")
            .bind(pair_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
    sqlx::query(
        "UPDATE registry_pairs SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(decision.as_str())
    .bind(actor.user_id)
    .bind(db::now())
    .bind(pair_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "decide",
        "registry_pair",
        Some(pair_id),
        Some(serde_json::json!({ "status": before })),
        Some(serde_json::json!({ "status": decision.as_str() })),
    )
    .await?;
    let relinked = if decision == Decision::Unsure {
        None
    } else {
        let stored = load_all(db.kind, &mut tx).await?;
        let quiet = crate::jobs::progress::Progress::default();
        Some(relink_loaded(&mut tx, Some(actor), stored, &quiet).await?.2)
    };
    let now = db::now();
    for id in [record_l, record_r] {
        let (org_id, person_id): (i64, i64) =
            sqlx::query_as("SELECT org_id, person_id FROM registry_records WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        notice(
            &mut tx,
            org_id,
            id,
            decision.as_str(),
            person_id,
            person_id,
            &now,
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(snapshot) = relinked {
        online::publish(db, snapshot).await;
    }
    Ok(())
}
