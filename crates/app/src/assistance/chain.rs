//! Proving the ledger: what `mizalla ledger verify` and `mizalla ledger checkpoint` check.
//!
//! The hash chain alone shows only that the entries agree with each other. Three anchors make a
//! change behind the platform's back visible:
//! - every entry is sealed with the ledger key, kept outside the database ([`super::key`]), so
//!   whoever can write to the database but has no key can neither recompute the chain after a
//!   change nor append an entry of their own;
//! - every entry has its audit row, naming it and carrying its hash, written in the same
//!   transaction: an entry without one was not recorded by the platform, and an audit row
//!   without its entry shows an entry deleted (the newest ones, or all);
//! - a checkpoint (count and hash of the chain's head, with its seal) that an auditor kept
//!   outside the platform proves the ledger still extends it: not cut back, not rewritten,
//!   even by someone who deleted the audit rows too.
//!
//! Entries recorded before the ledger had a key carry no seal. The first start with a key seals,
//! once, how many entries came before it and the last one's hash (`ledger_seal`); those entries
//! are then pinned by that seal and by the chain.

use super::key::LedgerKey;
use super::{ENTRY_COLUMNS, Entry, GENESIS};
use crate::audit;
use crate::db::{self, Db};
use crate::error::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The audit rows of ledger entries: this entity, the entry's id, and its hash under this key
/// of `after_json`.
pub const AUDIT_ENTITY: &str = "assistance";
pub const AUDIT_HASH: &str = "hash";

/// Entries read at a time.
const CHUNK: i64 = 10_000;
/// Findings listed in full; beyond that they are counted.
const MAX_FINDINGS: usize = 50;

/// What verify found wrong, in words an auditor reads after "entry N" (or alone when no entry is
/// concerned).
pub mod why {
    pub const LINK: &str = "does not follow the entry before it (an entry was removed or inserted)";
    pub const CONTENT: &str = "its content was changed after it was recorded";
    pub const NOT_SEALED: &str = "carries no seal made with the ledger key: it was not recorded by the platform but added behind its back";
    pub const BAD_SEAL: &str = "carries a seal that the ledger key did not make: the entry was forged, or the ledger was rewritten and its hashes recomputed";
    pub const NO_AUDIT: &str = "has no record in the audit log: it was not recorded by the platform but added behind its back";
    pub const AUDIT_DIFFERS: &str =
        "is not the entry the audit log recorded under this number: the ledger was rewritten";
    pub const REMOVED: &str =
        "is recorded in the audit log but is no longer in the ledger: it was deleted";
    pub const PRE_KEY: &str = "does not match the seal made when the ledger key was introduced: the entries recorded before the key were changed or deleted";
    pub const SEAL_MISSING: &str = "The record of when the ledger key was introduced is missing, so entries without a seal cannot be told from added ones";
    pub const SEAL_ALTERED: &str = "The record of when the ledger key was introduced was changed, or it was made with another key";
    pub const PRE_KEY_MISSING: &str = "The ledger has fewer entries than were recorded before the ledger key was introduced: entries were deleted";
    pub const NO_KEY: &str = "No ledger key is configured, so the entries' seals could not be checked (set ledger_key_file or MIZALLA_LEDGER_KEY_FILE)";
    pub const CP_REWRITTEN: &str = "is not the entry the checkpoint recorded at this place: the ledger was rewritten since the checkpoint";
    pub const CP_CUT_BACK: &str = "The ledger has fewer entries than the checkpoint recorded: entries were deleted since the checkpoint";
    pub const CP_FOREIGN: &str = "The checkpoint's seal was not made with this ledger's key: it was mistyped, made up, or belongs to another ledger";
}

/// The moment the ledger key was introduced.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Seal {
    pub key_id: String,
    pub pre_key_entries: i64,
    pub pre_key_head: String,
    pub mac: String,
    pub created_at: String,
}

pub async fn seal(db: &Db) -> Result<Option<Seal>> {
    Ok(sqlx::query_as(
        "SELECT key_id, pre_key_entries, pre_key_head, mac, created_at FROM ledger_seal WHERE id = 1",
    )
    .fetch_optional(&db.pool)
    .await?)
}

/// Loads the ledger key that `settings` name into `db` (see [`super::key::load`]), and at the
/// first start of a ledger with a key, seals what was recorded before it.
pub async fn open(db: &mut Db, settings: &crate::config::Settings) -> anyhow::Result<()> {
    let existing = seal(db)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the ledger's seal: {e}"))?;
    let Some(key) = super::key::load(settings, db, existing.as_ref().map(|s| s.key_id.as_str()))?
    else {
        tracing::warn!(
            "the assistance ledger has no key (PostgreSQL needs ledger_key_file or ledger_key): it cannot be written or verified"
        );
        return Ok(());
    };
    if existing.is_none() {
        introduce(db, &key).await?;
    }
    db.attach(key);
    Ok(())
}

/// Seals, once, the entries recorded before the ledger had a key (none on a new database).
async fn introduce(db: &Db, key: &LedgerKey) -> anyhow::Result<()> {
    // A ledger whose entries or audit rows show that it had a key, and has no seal, had its seal
    // removed: sealing it now would bless whatever was done to it. Verify reports it instead.
    let (sealed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assistance WHERE mac IS NOT NULL")
        .fetch_one(&db.pool)
        .await?;
    let (anchored,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND after_json LIKE $2")
            .bind(AUDIT_ENTITY)
            .bind(format!("%\"{AUDIT_HASH}\":%"))
            .fetch_one(&db.pool)
            .await?;
    if sealed > 0 || anchored > 0 {
        tracing::error!(
            "the assistance ledger's key seal is missing although entries were sealed: run `mizalla ledger verify`"
        );
        return Ok(());
    }
    let _guard = super::APPEND_LOCK.lock().await;
    let mut tx = db.begin().await?;
    let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assistance")
        .fetch_one(&mut *tx)
        .await?;
    let head: Option<(String,)> =
        sqlx::query_as("SELECT hash FROM assistance ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let head = head.map(|h| h.0).unwrap_or_else(|| GENESIS.to_owned());
    let inserted = sqlx::query(
        "INSERT INTO ledger_seal (id, key_id, pre_key_entries, pre_key_head, mac, created_at) \
         VALUES (1, $1, $2, $3, $4, $5)",
    )
    .bind(key.id())
    .bind(entries)
    .bind(&head)
    .bind(key.seal_introduction(entries, &head))
    .bind(db::now())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // Another process sealed it at the same moment: its key must be this one.
        Err(e) if db::is_unique_violation(&e) => {
            tx.rollback().await?;
            let other = seal(db).await?.map(|s| s.key_id).unwrap_or_default();
            if other != key.id() {
                anyhow::bail!(
                    "another server sealed the assistance ledger with another key (id {other}) at the same moment"
                );
            }
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        None,
        "seal",
        "ledger",
        None,
        None,
        Some(serde_json::json!({
            "key_id": key.id(), "pre_key_entries": entries, "pre_key_head": head,
        })),
    )
    .await?;
    tx.commit().await?;
    if entries > 0 {
        tracing::info!(
            entries,
            "the assistance ledger has a key from now on; the entries recorded before it are sealed as they are"
        );
    }
    Ok(())
}

/// The chain's newest entry: what an auditor writes down.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Head {
    /// Entries in the chain; the head is the `count`-th.
    pub count: i64,
    pub entry_id: i64,
    pub hash: String,
    pub recorded_at: String,
}

/// The head as the database holds it now (without checking the chain: see [`check`]).
pub async fn head(db: &Db) -> Result<Option<Head>> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assistance")
        .fetch_one(&db.pool)
        .await?;
    let last: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, hash, created_at FROM assistance ORDER BY id DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(last.map(|(entry_id, hash, recorded_at)| Head {
        count,
        entry_id,
        hash,
        recorded_at,
    }))
}

/// "The chain's `count`-th entry has hash `hash`", sealed with the ledger key. Written
/// `COUNT:HASH:SEAL`; `COUNT:HASH` is accepted too (its seal is then not checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub count: i64,
    pub hash: String,
    pub mac: Option<String>,
}

impl Checkpoint {
    /// The checkpoint of `head` (of an empty ledger when `None`), sealed with `key`.
    pub fn of(head: Option<&Head>, key: &LedgerKey) -> Self {
        let (count, hash) = head
            .map(|h| (h.count, h.hash.clone()))
            .unwrap_or((0, GENESIS.to_owned()));
        Checkpoint {
            mac: Some(key.seal_checkpoint(count, &hash)),
            count,
            hash,
        }
    }

    /// Reads `COUNT:HASH` or `COUNT:HASH:SEAL` (hexadecimal hash and seal, any case, spaces
    /// around ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split(':');
        let count = parts
            .next()?
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|c| *c >= 0)?;
        let hex64 = |s: &str| {
            let s = s.trim().to_ascii_lowercase();
            (s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())).then_some(s)
        };
        let hash = hex64(parts.next()?)?;
        let mac = match parts.next() {
            Some(m) => Some(hex64(m)?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Checkpoint { count, hash, mac })
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.count, self.hash)?;
        if let Some(m) = &self.mac {
            write!(f, ":{m}")?;
        }
        Ok(())
    }
}

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The entry concerned (its id), when there is one.
    pub entry_id: Option<i64>,
    /// Its place in the chain (1 for the first), when it is in the chain.
    pub position: Option<i64>,
    pub why: &'static str,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.entry_id, self.position) {
            (Some(id), Some(p)) => write!(f, "Entry {id} (number {p} in the chain) {}.", self.why),
            (Some(id), None) => write!(f, "Entry {id} {}.", self.why),
            (None, _) => write!(f, "{}.", self.why),
        }
    }
}

/// What checking the whole ledger found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Entries in the chain.
    pub entries: usize,
    /// Of them, recorded before the ledger had a key (sealed together when it was introduced).
    pub pre_key_entries: i64,
    pub head: Option<Head>,
    /// The id of the key the seals were checked with.
    pub key_id: Option<String>,
    pub findings: Vec<Finding>,
    /// Findings beyond those listed.
    pub more_findings: usize,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }

    fn find(&mut self, entry_id: Option<i64>, position: Option<i64>, why: &'static str) {
        if self.findings.len() < MAX_FINDINGS {
            self.findings.push(Finding {
                entry_id,
                position,
                why,
            });
        } else {
            self.more_findings += 1;
        }
    }
}

/// The hashes the audit log recorded, by entry id, for entries with ids in `(after, upto]`
/// (`upto` `None`: no upper bound), read [`CHUNK`] audit rows at a time.
async fn audit_hashes(
    db: &Db,
    after: i64,
    upto: Option<i64>,
) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut from_row = 0i64;
    loop {
        let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, entity_id, after_json FROM audit_log WHERE entity = $1 AND entity_id > $2 \
             AND entity_id <= $3 AND id > $4 ORDER BY id LIMIT $5",
        )
        .bind(AUDIT_ENTITY)
        .bind(after)
        .bind(upto.unwrap_or(i64::MAX))
        .bind(from_row)
        .bind(CHUNK)
        .fetch_all(&db.pool)
        .await?;
        let Some(last) = rows.last() else { break };
        from_row = last.0;
        for (_, entry_id, after_json) in rows {
            // Rows written before entries were anchored carry no hash: they prove nothing.
            let hash = after_json
                .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
                .and_then(|v| v.get(AUDIT_HASH)?.as_str().map(str::to_owned));
            if let Some(h) = hash {
                out.entry(entry_id).or_default().push(h);
            }
        }
    }
    Ok(out)
}

/// Checks the whole ledger: every link and hash, every entry's seal, every entry against its
/// audit row and every ledger audit row against its entry, the seal of the entries recorded
/// before the key, and — given one — that the ledger still extends `checkpoint`.
pub async fn check(db: &Db, checkpoint: Option<&Checkpoint>) -> Result<Report> {
    let key = db.attached::<super::key::LedgerKey>();
    let mut r = Report {
        key_id: key.as_ref().map(|k| k.id()),
        ..Report::default()
    };
    if key.is_none() {
        r.find(None, None, why::NO_KEY);
    }
    let seal = seal(db).await?;
    match (&seal, &key) {
        (None, _) => r.find(None, None, why::SEAL_MISSING),
        (Some(s), Some(k))
            if s.key_id != k.id()
                || !k.introduction_sealed(s.pre_key_entries, &s.pre_key_head, &s.mac) =>
        {
            r.find(None, None, why::SEAL_ALTERED)
        }
        _ => {}
    }
    let pre_key = seal.as_ref().map(|s| s.pre_key_entries).unwrap_or(0);
    if let Some(cp) = checkpoint
        && let (Some(mac), Some(k)) = (&cp.mac, &key)
        && !k.checkpoint_sealed(cp.count, &cp.hash, mac)
    {
        r.find(None, None, why::CP_FOREIGN);
    }

    let sql = format!("SELECT {ENTRY_COLUMNS} FROM assistance WHERE id > $1 ORDER BY id LIMIT $2");
    let mut prev = GENESIS.to_owned();
    let (mut position, mut after) = (0i64, 0i64);
    let mut last: Option<Entry> = None;
    loop {
        let chunk: Vec<Entry> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(after)
            .bind(CHUNK)
            .fetch_all(&db.pool)
            .await?;
        let Some(chunk_last) = chunk.last() else {
            break;
        };
        let upto = chunk_last.id;
        let mut audited = audit_hashes(db, after, Some(upto)).await?;
        for e in chunk {
            position += 1;
            let (id, at) = (Some(e.id), Some(position));
            if e.prev_hash != prev {
                r.find(id, at, why::LINK);
            }
            if e.compute_hash() != e.hash {
                r.find(id, at, why::CONTENT);
            }
            let before_key = e.mac.is_none() && position <= pre_key;
            match (&e.mac, &key) {
                (None, _) if before_key => r.pre_key_entries += 1,
                (None, _) => r.find(id, at, why::NOT_SEALED),
                (Some(mac), Some(k)) if !k.entry_sealed(&e.hash, mac) => {
                    r.find(id, at, why::BAD_SEAL)
                }
                _ => {}
            }
            if position == pre_key
                && let Some(s) = &seal
                && s.pre_key_head != e.hash
            {
                r.find(id, at, why::PRE_KEY);
            }
            let hashes = audited.remove(&e.id).unwrap_or_default();
            if hashes.iter().any(|h| *h != e.hash) {
                r.find(id, at, why::AUDIT_DIFFERS);
            } else if hashes.is_empty() && !before_key {
                r.find(id, at, why::NO_AUDIT);
            }
            if let Some(cp) = checkpoint
                && cp.count == position
                && cp.hash != e.hash
            {
                r.find(id, at, why::CP_REWRITTEN);
            }
            // Go on from the hash as stored, so that one changed entry is reported once.
            prev = e.hash.clone();
            last = Some(e);
        }
        // Audit rows of entries that are gone from between the ones still there.
        for id in audited.into_keys() {
            r.find(Some(id), None, why::REMOVED);
        }
        after = upto;
    }
    // Audit rows of entries after the last one still there: the newest entries, or all, deleted.
    loop {
        let (next,): (Option<i64>,) = sqlx::query_as(
            "SELECT MIN(entity_id) FROM audit_log WHERE entity = $1 AND entity_id > $2",
        )
        .bind(AUDIT_ENTITY)
        .bind(after)
        .fetch_one(&db.pool)
        .await?;
        let Some(start) = next else { break };
        let upto = start.saturating_add(CHUNK);
        for id in audit_hashes(db, start - 1, Some(upto)).await?.into_keys() {
            r.find(Some(id), None, why::REMOVED);
        }
        after = upto;
    }
    if position < pre_key {
        r.find(None, None, why::PRE_KEY_MISSING);
    } else if pre_key == 0
        && let Some(s) = &seal
        && s.pre_key_head != GENESIS
    {
        r.find(None, None, why::PRE_KEY_MISSING);
    }
    if let Some(cp) = checkpoint {
        if cp.count > position {
            r.find(None, None, why::CP_CUT_BACK);
        } else if cp.count == 0 && cp.hash != GENESIS {
            r.find(None, None, why::CP_REWRITTEN);
        }
    }
    r.entries = position as usize;
    r.head = last.map(|e| Head {
        count: position,
        entry_id: e.id,
        hash: e.hash,
        recorded_at: e.created_at,
    });
    Ok(r)
}

/// The outcome of checking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry's hash, link, seal and audit row is right.
    Intact { entries: usize },
    /// The first thing found wrong: the entry concerned (0 when none is) and how.
    Broken { entry_id: i64, why: &'static str },
}

/// Checks the whole ledger ([`check`]) and tells the first thing found wrong.
pub async fn verify(db: &Db) -> Result<Verdict> {
    let r = check(db, None).await?;
    Ok(match r.findings.first() {
        None => Verdict::Intact { entries: r.entries },
        Some(f) => Verdict::Broken {
            entry_id: f.entry_id.unwrap_or(0),
            why: f.why,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_read_as_auditors_copy_them() {
        let h = "ab".repeat(32);
        let m = "CD".repeat(32);
        let cp = Checkpoint::parse(&format!(" 12:{h}:{m} ")).unwrap();
        assert_eq!(cp.count, 12);
        assert_eq!(cp.hash, h);
        assert_eq!(cp.mac.as_deref(), Some("cd".repeat(32).as_str()));
        assert_eq!(Checkpoint::parse(&cp.to_string()), Some(cp));
        assert_eq!(
            Checkpoint::parse(&format!("3:{h}")).unwrap().mac,
            None,
            "the seal is optional"
        );
        for bad in [
            "".to_owned(),
            "12".into(),
            format!("-1:{h}"),
            format!("x:{h}"),
            "12:abc".into(),
            format!("12:{h}:zz"),
            format!("12:{h}:{m}:{m}"),
        ] {
            assert!(Checkpoint::parse(&bad).is_none(), "{bad}");
        }
    }
}
