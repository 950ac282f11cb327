//! `mizalla ledger verify` and `mizalla ledger checkpoint` against someone who can write to the
//! database but has not got the ledger key: each way of shortening, rewriting or extending the
//! ledger behind the platform's back is found, on SQLite and on PostgreSQL. The tampering is
//! done as such a person would do it: straight in the database, the triggers that refuse
//! changes dropped or disabled first, hashes recomputed with the (public) algorithm.

mod common;

use common::fresh_database_url;
use mizalla::assistance::Entry;
use mizalla::assistance::chain::why;
use mizalla::db::{Db, Kind};
use std::path::PathBuf;
use std::process::Output;

/// A database with a member, its three registrations and four assistance entries, recorded with
/// `mizalla ledger import`.
struct Ledger {
    url: String,
    dir: PathBuf,
    /// `--ledger-key-file FILE` on PostgreSQL; nothing on SQLite (the key lies beside the file).
    key_args: Vec<String>,
}

impl Drop for Ledger {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(file) = self.url.strip_prefix("sqlite://")
            && let Some(dir) = std::path::Path::new(file).parent()
        {
            let _ = std::fs::remove_dir_all(dir);
        }
        let (Ok(admin), Some((_, name))) = (
            std::env::var("MIZALLA_TEST_DATABASE_URL"),
            self.url.rsplit_once('/'),
        ) else {
            return;
        };
        if !self.url.starts_with("postgres") {
            return;
        }
        let name = name.to_owned();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&pool).await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

const ENTRY_COLUMNS: &str = "id, org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, \
     reverses_id, created_by, created_at, prev_hash, hash, mac";

impl Ledger {
    async fn new(postgres: bool) -> Option<Ledger> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let url = fresh_database_url(postgres).await?;
        let dir = std::env::temp_dir().join(format!(
            "mizalla-ledger-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let key_args = if postgres {
            vec![
                "--ledger-key-file".to_owned(),
                dir.join("ledger.key").display().to_string(),
            ]
        } else {
            vec![]
        };
        let l = Ledger { url, dir, key_args };
        l.ok(&["org", "add", "amal", "--name", "جمعية الأمل"]);
        let people = l.dir.join("people.csv");
        std::fs::write(
            &people,
            "record_id,full_name,national_id,date_of_birth,gender\n\
             P1,محمد عبد الرحمن السيد,27804120101234,1978-04-12,ذكر\n\
             P2,فاطمة أحمد علي,28309020101245,1983-09-02,أنثى\n\
             P3,أحمد محمود حسن,29001010101256,1990-01-01,ذكر\n",
        )
        .unwrap();
        l.ok(&["import", "--org", "amal", people.to_str().unwrap()]);
        l.record(
            "aid.csv",
            "record_id,category,quantity,value,given_on\n\
             P1,cash,1,500,2026-01-15\n\
             P2,food_box,2,700,2026-01-15\n\
             P3,cash,1,400,2026-01-16\n\
             P1,blankets,3,300,2026-01-17\n",
        );
        Some(l)
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["--database-url", &self.url]);
        all.extend(self.key_args.iter().map(String::as_str));
        common::mizalla(&all)
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "mizalla {args:?} failed:\n{err}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Records an assistance list through `mizalla ledger import`.
    fn record(&self, name: &str, csv: &str) {
        let file = self.dir.join(name);
        std::fs::write(&file, csv).unwrap();
        self.ok(&["ledger", "import", "--org", "amal", file.to_str().unwrap()]);
    }

    /// `mizalla ledger verify [EXTRA…]`: did it pass, and what did it say (both streams).
    fn verify(&self, extra: &[&str]) -> (bool, String) {
        let mut args = vec!["ledger", "verify"];
        args.extend_from_slice(extra);
        let o = self.run(&args);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.success(), said)
    }

    fn checkpoint(&self) -> String {
        self.ok(&["ledger", "checkpoint"]).trim().to_owned()
    }

    /// The database as the attacker reaches it: a plain connection, no key.
    async fn attacker(&self) -> Db {
        Db::connect(&self.url).await.unwrap()
    }

    async fn entries(db: &Db) -> Vec<Entry> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM assistance ORDER BY id"
        )))
        .fetch_all(&db.pool)
        .await
        .unwrap()
    }

    /// Drops or disables the triggers that refuse changes to the ledger.
    async fn unlock(db: &Db) {
        let statements: &[&str] = match db.kind {
            Kind::Sqlite => &[
                "DROP TRIGGER assistance_append_only_update",
                "DROP TRIGGER assistance_append_only_delete",
            ],
            Kind::Postgres => &["ALTER TABLE assistance DISABLE TRIGGER USER"],
        };
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(*s))
                .execute(&db.pool)
                .await
                .unwrap();
        }
    }
}

/// `Entry ID (number N in the chain) WHY` in verify's output.
fn names(said: &str, id: i64, why: &str) -> bool {
    said.lines()
        .any(|l| l.contains(&format!("Entry {id} ")) && l.contains(why))
}

macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$name(false).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                super::$name(true).await;
            }
        }
    };
}

/// Nothing tampered with: verify passes, the checkpoint is proved, and still is once more
/// entries are recorded after it; a checkpoint that is not this ledger's is refused.
async fn an_untouched_ledger_verifies_and_extends_its_checkpoint(postgres: bool) {
    let Some(l) = Ledger::new(postgres).await else {
        return;
    };
    let (ok, said) = l.verify(&[]);
    assert!(ok, "{said}");
    assert!(said.contains("intact: 4 entries"), "{said}");
    assert!(said.contains("its record in the audit log"), "{said}");
    if !postgres {
        // The embedded database's key was made at first start, beside it, for its owner only.
        use std::os::unix::fs::PermissionsExt as _;
        let file = l.url.strip_prefix("sqlite://").unwrap().to_owned() + ".ledger-key";
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
    }
    let cp = l.checkpoint();
    assert!(cp.starts_with("4:"), "{cp}");
    let (ok, said) = l.verify(&["--checkpoint", &cp]);
    assert!(ok, "{said}");
    assert!(
        said.contains("still holds its 4 entries unchanged"),
        "{said}"
    );
    // The ledger grows after the checkpoint: it still extends it.
    l.record(
        "more.csv",
        "record_id,category,given_on\nP2,cash,2026-02-01\n",
    );
    let (ok, said) = l.verify(&["--checkpoint", &cp]);
    assert!(ok, "{said}");
    assert!(said.contains("intact: 5 entries"), "{said}");
    // Without its seal a checkpoint is still checked against the ledger.
    let (count_hash, seal) = cp.rsplit_once(':').unwrap();
    assert!(l.verify(&["--checkpoint", count_hash]).0);
    // A seal not made with this ledger's key (mistyped, or made up).
    let other = if seal.starts_with('0') { "1" } else { "0" };
    let forged = format!("{count_hash}:{other}{}", &seal[1..]);
    let (ok, said) = l.verify(&["--checkpoint", &forged]);
    assert!(!ok);
    assert!(said.contains(why::CP_FOREIGN), "{said}");
    // Not a checkpoint at all: a clear error.
    let (ok, said) = l.verify(&["--checkpoint", "yesterday"]);
    assert!(!ok);
    assert!(said.contains("is not a checkpoint"), "{said}");
}

on_both_backends!(an_untouched_ledger_verifies_and_extends_its_checkpoint);

/// Deleting the two newest entries: their audit rows name them; and when the audit rows are
/// deleted too, the checkpoint kept outside the platform shows the ledger was cut back.
async fn deleting_the_newest_entries_is_found(postgres: bool) {
    let Some(l) = Ledger::new(postgres).await else {
        return;
    };
    let cp = l.checkpoint();
    let db = l.attacker().await;
    Ledger::unlock(&db).await;
    let ids: Vec<i64> = Ledger::entries(&db).await.iter().map(|e| e.id).collect();
    let (third, fourth) = (ids[2], ids[3]);
    sqlx::query("DELETE FROM assistance WHERE id >= $1")
        .bind(third)
        .execute(&db.pool)
        .await
        .unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok, "{said}");
    assert!(names(&said, third, why::REMOVED), "{said}");
    assert!(names(&said, fourth, why::REMOVED), "{said}");
    assert!(said.contains("tampered with"), "{said}");
    // The attacker also deletes the audit rows: the checkpoint still shows it.
    sqlx::query("DELETE FROM audit_log WHERE entity = 'assistance' AND entity_id >= $1")
        .bind(third)
        .execute(&db.pool)
        .await
        .unwrap();
    let (ok, said) = l.verify(&["--checkpoint", &cp]);
    assert!(!ok, "{said}");
    assert!(said.contains(why::CP_CUT_BACK), "{said}");
    // What is left agrees with itself: a new checkpoint would say 2 entries, where the one
    // the auditor kept says 4.
    assert!(l.checkpoint().starts_with("2:"));
}

on_both_backends!(deleting_the_newest_entries_is_found);

/// Deleting every entry: each is still named by its audit row, and the checkpoint shows it.
async fn deleting_every_entry_is_found(postgres: bool) {
    let Some(l) = Ledger::new(postgres).await else {
        return;
    };
    let cp = l.checkpoint();
    let db = l.attacker().await;
    let ids: Vec<i64> = Ledger::entries(&db).await.iter().map(|e| e.id).collect();
    Ledger::unlock(&db).await;
    sqlx::query("DELETE FROM assistance")
        .execute(&db.pool)
        .await
        .unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok, "{said}");
    for id in &ids {
        assert!(names(&said, *id, why::REMOVED), "{id}: {said}");
    }
    let (ok, said) = l.verify(&["--checkpoint", &cp]);
    assert!(!ok);
    assert!(said.contains(why::CP_CUT_BACK), "{said}");
    // No checkpoint is made of a ledger that does not verify.
    let o = l.run(&["ledger", "checkpoint"]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
}

on_both_backends!(deleting_every_entry_is_found);

/// Changes entry `from` (its value) and recomputes the chain from it on, consistently, as the
/// code does — but without the key. `audit`: the audit rows' hashes are rewritten to match;
/// `seals`: keep the old seals (else removed).
async fn rehash(db: &Db, from: usize, audit: bool, seals: bool) {
    let entries = Ledger::entries(db).await;
    let mut prev = entries[from - 1].prev_hash.clone();
    for (i, mut e) in entries.into_iter().enumerate().skip(from - 1) {
        if i == from - 1 {
            e.value_piastres += 100_000;
        }
        let old = e.hash.clone();
        e.prev_hash = prev;
        e.hash = e.compute_hash();
        sqlx::query(
            "UPDATE assistance SET value_piastres = $1, prev_hash = $2, hash = $3, mac = $4 WHERE id = $5",
        )
        .bind(e.value_piastres)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .bind(if seals { e.mac.clone() } else { None })
        .bind(e.id)
        .execute(&db.pool)
        .await
        .unwrap();
        if audit {
            sqlx::query(
                "UPDATE audit_log SET after_json = REPLACE(after_json, $1, $2) WHERE entity = 'assistance' AND entity_id = $3",
            )
            .bind(&old)
            .bind(&e.hash)
            .bind(e.id)
            .execute(&db.pool)
            .await
            .unwrap();
        }
        prev = e.hash;
    }
}

/// A re-hashed chain: every hash and link agrees again, the audit log was rewritten to match,
/// but the seals were made with the key over the old hashes (or are gone).
async fn a_rehashed_chain_is_found(postgres: bool) {
    let Some(l) = Ledger::new(postgres).await else {
        return;
    };
    let cp = l.checkpoint();
    let db = l.attacker().await;
    Ledger::unlock(&db).await;
    let ids: Vec<i64> = Ledger::entries(&db).await.iter().map(|e| e.id).collect();
    // The whole chain, from its first entry, audit log and all; the old seals kept.
    rehash(&db, 1, true, true).await;
    let (ok, said) = l.verify(&[]);
    assert!(!ok, "{said}");
    for id in &ids {
        assert!(names(&said, *id, why::BAD_SEAL), "{id}: {said}");
    }
    assert!(
        !said.contains(why::CONTENT) && !said.contains(why::LINK),
        "the chain itself agrees: {said}"
    );
    // The checkpoint's entry is not the one it recorded any more.
    let (ok, said) = l.verify(&["--checkpoint", &cp]);
    assert!(!ok);
    assert!(names(&said, ids[3], why::CP_REWRITTEN), "{said}");
    // Seals removed instead, as if the entries predated the key.
    rehash(&db, 2, true, false).await;
    let (ok, said) = l.verify(&[]);
    assert!(!ok);
    for id in &ids[1..] {
        assert!(names(&said, *id, why::NOT_SEALED), "{id}: {said}");
    }
}

on_both_backends!(a_rehashed_chain_is_found);

/// An entry appended behind the platform's back, with a correct chain hash: without the key
/// its seal is wrong (or missing); without the platform it has no audit row — and a forged
/// audit row does not help.
async fn an_appended_forged_entry_is_found(postgres: bool) {
    let Some(l) = Ledger::new(postgres).await else {
        return;
    };
    let db = l.attacker().await;
    let head = Ledger::entries(&db).await.pop().unwrap();
    let forge = |seal: Option<String>| {
        let db = db.clone();
        let head = head.clone();
        async move {
            let last: (String,) =
                sqlx::query_as("SELECT hash FROM assistance ORDER BY id DESC LIMIT 1")
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            let mut e = Entry {
                value_piastres: 9_999_900,
                created_at: mizalla::db::now(),
                prev_hash: last.0,
                ..head
            };
            e.hash = e.compute_hash();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO assistance (org_id, record_id, scope, category, quantity, value_piastres, given_on, programme, \
                 reverses_id, created_by, created_at, prev_hash, hash, mac) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
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
            .bind(seal)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            (id, e.hash)
        }
    };
    // No seal, no audit row.
    let (first, _) = forge(None).await;
    let (ok, said) = l.verify(&[]);
    assert!(!ok, "{said}");
    assert!(names(&said, first, why::NOT_SEALED), "{said}");
    assert!(names(&said, first, why::NO_AUDIT), "{said}");
    assert!(!said.contains(why::LINK), "the chain hash is right: {said}");
    // A seal of the right form, made without the key, and a forged audit row with the hash.
    let (second, hash) = forge(Some("ab".repeat(32))).await;
    sqlx::query(
        "INSERT INTO audit_log (at, actor_email, action, entity, entity_id, after_json) \
         VALUES ($1, 'staff@amal.example', 'create', 'assistance', $2, $3)",
    )
    .bind(mizalla::db::now())
    .bind(second)
    .bind(serde_json::json!({ "hash": hash }).to_string())
    .execute(&db.pool)
    .await
    .unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok);
    assert!(names(&said, second, why::BAD_SEAL), "{said}");
    assert!(!names(&said, second, why::NO_AUDIT), "{said}");
}

on_both_backends!(an_appended_forged_entry_is_found);

/// The key is checked at every start: a sealed ledger with its key file gone, or another key,
/// does not start (a new key would seal new entries that nobody could check the old ones with).
async fn a_missing_or_different_ledger_key_stops_the_start(postgres: bool) {
    let Some(mut l) = Ledger::new(postgres).await else {
        return;
    };
    let file = match postgres {
        true => l.dir.join("ledger.key"),
        false => PathBuf::from(l.url.strip_prefix("sqlite://").unwrap().to_owned() + ".ledger-key"),
    };
    let kept = l.dir.join("kept.key");
    std::fs::rename(&file, &kept).unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok);
    assert!(said.contains("is missing"), "{said}");
    assert!(!file.exists(), "no new key is made for a sealed ledger");
    std::fs::write(&file, format!("{}\n", "5a".repeat(32))).unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok);
    assert!(said.contains("is not the key"), "{said}");
    // The key given another way (a setting) is checked the same.
    std::fs::rename(&kept, &file).unwrap();
    assert!(l.verify(&[]).0);
    l.key_args = vec!["--ledger-key-file".into(), kept.display().to_string()];
    std::fs::write(&kept, "too short").unwrap();
    let (ok, said) = l.verify(&[]);
    assert!(!ok);
    assert!(said.contains("too short"), "{said}");
}

on_both_backends!(a_missing_or_different_ledger_key_stops_the_start);
