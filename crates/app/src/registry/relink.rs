//! Re-linking the whole registry (after an import, a decision, a merge or a split): the engine
//! links every registration, person and household numbers are kept stable, the pairs for review
//! are renewed, and members are told of merges and splits that touched their registrations
//! ([`Notice`]).

use super::review::Decision;
use super::store::{self, Stored};
use super::{Linking, keys, linking, online};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use crate::paging::Page;
use serde::Serialize;
use std::collections::HashMap;

/// People's decisions on pairs: (record, record, same?).
pub(super) async fn decisions(tx: &mut Tx<'_>) -> Result<Vec<(i64, i64, bool)>> {
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

/// Links `entries` on a blocking thread (the engine is CPU-bound) and gives them back.
pub(super) async fn link_off_thread(
    entries: Vec<linking::Entry>,
    decided: Vec<(i64, i64, bool)>,
) -> Result<(Linking, Vec<linking::Entry>)> {
    tokio::task::spawn_blocking(move || (linking::link(&entries, &decided), entries))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("linkage failed: {e}")))
}

/// The person numbers the registry's registrations `stored` would have if people's decisions
/// were `decided`: a dry run of a re-link, nothing written.
pub(super) async fn persons_if(
    tx: &mut Tx<'_>,
    stored: &[Stored],
    decided: Vec<(i64, i64, bool)>,
) -> Result<Vec<i64>> {
    let old: Vec<i64> = stored.iter().map(|s| s.person_id).collect();
    let (linked, _) = link_off_thread(linking::entries(stored), decided).await?;
    let (max_person,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(person_id), 0) FROM registry_records")
            .fetch_one(&mut **tx)
            .await?;
    Ok(linking::stable_ids(&old, &linked.person, max_person))
}

/// Re-links the whole registry, estimating the model anew (when checks find no model, and when
/// the secretariat asks: `mizalla relink`); gives the number of registrations linked.
pub async fn relink(db: &Db, actor: Option<&Actor>) -> Result<usize> {
    let _guard = store::WRITE_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let stored = store::load_all(db.kind, &mut tx).await?;
    let registrations = stored.len();
    let (_, _, snapshot) = relink_loaded(
        &mut tx,
        actor,
        stored,
        &crate::jobs::progress::Progress::default(),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    online::publish(db, snapshot).await;
    Ok(registrations)
}

/// Links `stored` (the whole registry, read in `tx`), writes the persons, households and pairs
/// for review that changed, audits merges and splits and tells the members concerned; gives
/// back the registry's snapshot for "already registered?", to publish once committed.
pub(super) async fn relink_loaded(
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
    let (max_person, max_household) = store::largest_numbers(tx).await?;
    let persons = linking::stable_ids(&old_person, &linked.person, max_person);
    let households = linking::stable_ids(&old_household, &linked.household, max_household);
    let records = std::mem::take(&mut linked.records);
    let keys_current = stored_revision(tx).await? == keys::revision();
    if !keys_current {
        // The engine's keys changed (or none were stored yet): the index is built anew.
        let indexed: Vec<(i64, &link::record::Record)> =
            ids.iter().copied().zip(&records).collect();
        keys::rebuild(tx, &indexed).await?;
    }
    let snapshot = online::Snapshot::of(&stored, &persons, records, linked.model.clone());
    snapshot.store(tx).await?;
    let review = linked
        .review
        .iter()
        .map(|(a, b, p, e)| (ids[*a], ids[*b], *p, e.clone()))
        .collect();
    progress.start(crate::jobs::progress::Stage::Saving, ids.len());
    write_decided(
        tx,
        actor,
        Decided {
            stored: &stored,
            persons,
            households,
            review,
        },
        None,
        progress,
    )
    .await?;
    Ok((linked, entries, snapshot))
}

/// The keys revision the stored index was built with ('' when none is).
pub(super) async fn stored_revision(tx: &mut Tx<'_>) -> Result<String> {
    Ok(
        sqlx::query_as::<_, (String,)>("SELECT keys_revision FROM registry_model WHERE id = 1")
            .fetch_optional(&mut **tx)
            .await?
            .map(|(r,)| r)
            .unwrap_or_default(),
    )
}

/// What a linkage decided for the registrations `stored` (the whole registry, or a part of it
/// closed under persons and households): their person and household numbers, and the pairs for
/// review as (registration id, registration id, probability, explanation).
pub(super) struct Decided<'a> {
    pub stored: &'a [Stored],
    pub persons: Vec<i64>,
    pub households: Vec<i64>,
    pub review: Vec<(i64, i64, f64, String)>,
}

/// Writes the persons and households that changed, renews the pairs for review, audits merges and
/// splits and tells the members concerned. `part` is the registrations a part linked (`None`: the
/// whole registry): open pairs within it that the linkage no longer finds uncertain go, others
/// stay.
pub(super) async fn write_decided(
    tx: &mut Tx<'_>,
    actor: Option<&Actor>,
    decided: Decided<'_>,
    part: Option<&std::collections::HashSet<i64>>,
    progress: &crate::jobs::progress::Progress,
) -> Result<()> {
    let Decided {
        stored,
        persons,
        households,
        review,
    } = decided;
    let old_person: Vec<i64> = stored.iter().map(|s| s.person_id).collect();
    notify_moves(tx, stored, &old_person, &persons).await?;
    // Registrations keeping their numbers are done at once; the others as they are written.
    let (mut moved, mut changed) = (Vec::new(), 0usize);
    for (i, s) in stored.iter().enumerate() {
        if persons[i] != s.person_id || households[i] != s.household_id {
            moved.push((s.id, persons[i], households[i]));
            if s.person_id != 0 {
                changed += 1;
            }
        } else {
            progress.step();
        }
    }
    write_numbers(tx, &moved, progress).await?;
    // Pairs for review: open ones no longer uncertain go; new ones come; decided ones stay.
    let now = db::now();
    let mut keep: Vec<(i64, i64)> = Vec::with_capacity(review.len());
    for (a, b, probability, explanation) in &review {
        let (l, r) = ((*a).min(*b), (*a).max(*b));
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
        let linked_here = part.is_none_or(|p| p.contains(&l) && p.contains(&r));
        if linked_here && !keep.contains(&(l, r)) {
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
            Some(serde_json::json!({ "registrations_moved": changed, "pairs_for_review": review.len() })),
        )
        .await?;
    }
    Ok(())
}

/// Registrations whose numbers are given by one `UPDATE` (three values each).
const NUMBERS_PER_UPDATE: usize = 300;

/// Gives registrations new person and household numbers: (registration, person, household),
/// several hundred to a statement.
async fn write_numbers(
    tx: &mut Tx<'_>,
    numbers: &[(i64, i64, i64)],
    progress: &crate::jobs::progress::Progress,
) -> Result<()> {
    for chunk in numbers.chunks(NUMBERS_PER_UPDATE) {
        // A VALUES list's columns are column1, column2… in both SQLite and PostgreSQL.
        let sql = format!(
            "UPDATE registry_records SET person_id = v.column2, household_id = v.column3 \
             FROM (VALUES {}) AS v WHERE registry_records.id = v.column1",
            db::tuples(tx, chunk.len(), 3)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, person, household) in chunk {
            q = q.bind(*id).bind(*person).bind(*household);
        }
        q.execute(&mut **tx).await?;
        for _ in chunk {
            progress.step();
        }
    }
    Ok(())
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

/// Tells organisation `org_id` what happened to its registration `record_id`.
pub(super) async fn notice(
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
