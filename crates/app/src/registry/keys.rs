//! The registry's linking index in the database (`registry_keys`): every registration's blocking
//! keys and name parts, hashed by the engine ([`link::block::indexed`], [`link::block::name_key`]).
//! An import looks up its rows' keys to find the registrations they may be, and counts a key's
//! holders to know whether its block is too large to compare and how common a name is — without
//! reading the registry (issue 18). Every write of a registration writes its keys in the same
//! transaction; a re-link rebuilds them all when the engine's keys changed ([`revision`]).

use crate::db::{self, Tx};
use crate::error::Result;
use link::record::Record;
use std::collections::HashMap;

/// What the stored keys mean; see [`link::block::keys_revision`].
pub(super) fn revision() -> String {
    link::block::keys_revision()
}

/// Every key a registration is indexed under.
pub(super) fn of(r: &Record) -> Vec<u64> {
    let mut keys = link::block::indexed_keys(r);
    keys.extend(r.name_hashes.iter().map(|&h| link::block::name_key(h)));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Replaces the keys of the registrations `records` (registration id, its record).
pub(super) async fn write(tx: &mut Tx<'_>, records: &[(i64, &Record)]) -> Result<()> {
    let ids: Vec<i64> = records.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "DELETE FROM registry_keys WHERE record_id IN ({})",
            db::params(tx, 0, chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    add(tx, records).await
}

/// Rebuilds the whole index from every registration.
pub(super) async fn rebuild(tx: &mut Tx<'_>, records: &[(i64, &Record)]) -> Result<()> {
    sqlx::query("DELETE FROM registry_keys")
        .execute(&mut **tx)
        .await?;
    add(tx, records).await
}

/// Adds the keys of the new registrations `records` (registration id, its record).
pub(super) async fn add(tx: &mut Tx<'_>, records: &[(i64, &Record)]) -> Result<()> {
    let mut rows: Vec<(i64, i64)> = records
        .iter()
        .flat_map(|(id, r)| of(r).into_iter().map(move |k| (k as i64, *id)))
        .collect();
    // In the primary key's order: each statement then writes into a few neighbouring pages of
    // the index rather than hundreds scattered over it.
    rows.sort_unstable();
    let rows = rows
        .into_iter()
        .map(|(key, id)| vec![key.into(), id.into()])
        .collect();
    db::insert_rows_returning::<(i64,)>(
        tx,
        "registry_keys (key_hash, record_id)",
        rows,
        "ON CONFLICT DO NOTHING",
    )
    .await?;
    Ok(())
}

/// How many registrations hold each of `keys` (keys no registration holds are left out).
pub(super) async fn counts(tx: &mut Tx<'_>, keys: &[u64]) -> Result<HashMap<u64, usize>> {
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let mut out = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "SELECT key_hash, COUNT(*) FROM registry_keys WHERE key_hash IN ({}) GROUP BY key_hash",
            db::params(tx, 0, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
        for k in chunk {
            q = q.bind(*k as i64);
        }
        for (k, n) in q.fetch_all(&mut **tx).await? {
            out.insert(k as u64, n as usize);
        }
    }
    Ok(out)
}

/// The registrations holding any of `keys`, without repeats.
pub(super) async fn holders(tx: &mut Tx<'_>, keys: &[u64]) -> Result<Vec<i64>> {
    let mut out: Vec<i64> = Vec::new();
    for chunk in keys.chunks(db::IN_LIST_AT_MOST) {
        let sql = format!(
            "SELECT record_id FROM registry_keys WHERE key_hash IN ({})",
            db::params(tx, 0, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
        for k in chunk {
            q = q.bind(*k as i64);
        }
        out.extend(q.fetch_all(&mut **tx).await?.into_iter().map(|(id,)| id));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Counts each record's name parts against the whole registry, as
/// [`link::record::count_names`] counts them in a batch; `known` keeps the counts already asked
/// for.
pub(super) async fn count_names(
    tx: &mut Tx<'_>,
    records: &mut [Record],
    known: &mut HashMap<u64, usize>,
) -> Result<()> {
    let wanted: Vec<u64> = records
        .iter()
        .flat_map(|r| r.name_hashes.iter().map(|&h| link::block::name_key(h)))
        .filter(|k| !known.contains_key(k))
        .collect();
    let counted = counts(tx, &wanted).await?;
    known.extend(
        wanted
            .iter()
            .map(|k| (*k, counted.get(k).copied().unwrap_or(0))),
    );
    for r in records.iter_mut() {
        r.name_counts = r
            .name_hashes
            .iter()
            .map(|&h| known[&link::block::name_key(h)].max(1) as u32)
            .collect();
    }
    Ok(())
}
