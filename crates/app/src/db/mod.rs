//! Storage: one pool over SQLite (the embedded default) or PostgreSQL, chosen by URL.
//!
//! Every query in the application is written once, with `$N` placeholders, and runs on both
//! backends through sqlx's `Any` driver. That works because the schema sticks to the types the
//! driver carries on both sides: BIGINT/INTEGER, TEXT (times as RFC 3339 UTC, dates as ISO
//! `YYYY-MM-DD`) and 0/1 flags. The few real differences — migration sets, connection pragmas,
//! test-database creation — live in this module and nowhere else.

use anyhow::Context as _;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::collections::HashMap;
use std::str::FromStr;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use sqlx::Any as Backend;
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    /// Whether several processes write to the database side by side while one holds a long
    /// transaction (PostgreSQL); SQLite has one writer at a time, usually one server.
    pub fn several_writers(self) -> bool {
        self == Kind::Postgres
    }

    /// A SQL expression building one JSON object, as text, of `pairs` (`'key', value, …`).
    pub fn json_object(self, pairs: &str) -> String {
        match self {
            Kind::Sqlite => format!("json_object({pairs})"),
            Kind::Postgres => format!("json_build_object({pairs})::text"),
        }
    }

    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Kind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Kind::Postgres)
        } else {
            anyhow::bail!("unsupported database URL: expected sqlite://FILE or postgres://…")
        }
    }
}

/// The application's database handle.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: Kind,
    /// Distinguishes databases opened by one process, for in-process caches.
    pub id: u64,
    /// What features attach to the opened database for everyone who uses it (the assistance
    /// ledger's key, kept outside the database, attached by [`crate::open`]).
    attached: Attached,
}

/// Values attached to a [`Db`], one per type: `db` names no feature, a feature attaches its own
/// type and finds it again.
#[derive(Clone, Default)]
struct Attached(std::sync::Arc<HashMap<std::any::TypeId, AttachedValue>>);

/// An attached value and its type's name (for `Debug`, which never shows the value).
type AttachedValue = (
    &'static str,
    std::sync::Arc<dyn std::any::Any + Send + Sync>,
);

impl std::fmt::Debug for Attached {
    /// The types attached, never their values (a key is one).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.values().map(|(name, _)| name))
            .finish()
    }
}

impl Db {
    /// Connects, creating the SQLite file if needed, and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        install_default_drivers();
        let kind = Kind::of_url(url)?;
        let url = match kind {
            Kind::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = sqlx::any::AnyConnectOptions::from_str(&url)
            .context("the database URL could not be parsed")?;
        let max = match kind {
            // One writer at a time anyway; a few readers share WAL snapshots.
            Kind::Sqlite => 8,
            Kind::Postgres => 16,
        };
        // SQLite reads the file through a memory map (up to 1 GiB, shared by the connections
        // through the page cache) and keeps 32 MiB of pages per connection: the 4W's one pass
        // over the ledger joined to the registry took 1.7 s of `pread` calls on 100,000 entries
        // without them.
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if kind == Kind::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -32768;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("could not connect to the database")?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let db = Db {
            pool,
            kind,
            id,
            attached: Attached::default(),
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.kind {
            Kind::Sqlite => &SQLITE_MIGRATIONS,
            Kind::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("database migration failed")?;
        Ok(())
    }

    /// `true` when a trivial query answers.
    /// Attaches `value` to this handle (and to its clones made afterwards), replacing any value
    /// of the same type.
    pub fn attach<T: Send + Sync + 'static>(&mut self, value: T) {
        let mut map = (*self.attached.0).clone();
        map.insert(
            std::any::TypeId::of::<T>(),
            (std::any::type_name::<T>(), std::sync::Arc::new(value)),
        );
        self.attached = Attached(std::sync::Arc::new(map));
    }

    /// The value of type `T` attached to this handle, if any.
    pub fn attached<T: Send + Sync + 'static>(&self) -> Option<std::sync::Arc<T>> {
        let (_, value) = self.attached.0.get(&std::any::TypeId::of::<T>())?;
        value.clone().downcast::<T>().ok()
    }

    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// A transaction. On SQLite it takes the write lock at its start (`BEGIN IMMEDIATE`): a
    /// transaction that reads and then writes would otherwise fail at its first write, at once
    /// and whatever the busy timeout, whenever another connection wrote in between ("database is
    /// locked", SQLITE_BUSY_SNAPSHOT); taken at the start, the lock is waited for instead (up to
    /// the busy timeout). A transaction that only reads uses [`Db::begin_read`].
    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        match self.kind {
            Kind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Kind::Postgres => self.pool.begin().await,
        }
    }

    /// A transaction that only reads (one consistent view of several queries, then rolled back):
    /// it takes no write lock, so writers do not wait for it.
    pub async fn begin_read(&self) -> Result<Tx<'static>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Names of tables and their columns, sorted: used to prove both migration sets agree. The
    /// library's text index is left out: it is each backend's own by design (an FTS5 table and
    /// its shadow tables on SQLite, a `tsvector` table on PostgreSQL; see `library::index`).
    pub async fn schema(&self) -> anyhow::Result<Vec<(String, String)>> {
        let sql = match self.kind {
            Kind::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                 AND (m.name NOT LIKE 'library_index%' OR m.name = 'library_index_version')"
            }
            Kind::Postgres => {
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' \
                 AND (table_name NOT LIKE 'library_index%' OR table_name = 'library_index_version')"
            }
        };
        let mut rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        rows.sort();
        Ok(rows)
    }
}

/// The current time as stored: RFC 3339, UTC, whole seconds.
pub fn now() -> String {
    stamp(OffsetDateTime::now_utc())
}

/// The time `days` days ago as stored (for comparisons with stored times).
pub fn days_ago(days: i64) -> String {
    stamp(OffsetDateTime::now_utc() - time::Duration::days(days))
}

/// The time `minutes` minutes ago as stored.
pub fn minutes_ago(minutes: i64) -> String {
    stamp(OffsetDateTime::now_utc() - time::Duration::minutes(minutes))
}

/// The time `wait` from now as stored.
pub fn stamp_in(wait: std::time::Duration) -> String {
    stamp(OffsetDateTime::now_utc() + wait)
}

fn stamp(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Today's date as stored (`YYYY-MM-DD`, UTC).
pub fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

/// `true` when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(e) => e.is_unique_violation(),
        _ => false,
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching values that contain `text` as it was typed: LIKE's own
/// wildcards (`%`, `_`) and the escape character in it are escaped, so a search for "50%" means
/// the text "50%". Lower-cased, to compare with `LOWER(column)`.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Values bound into one `IN (…)` list at most: SQLite takes 32,766 parameters in a statement and
/// PostgreSQL 65,535, and a few hundred keep each statement quick to plan.
pub const IN_LIST_AT_MOST: usize = 500;

/// The placeholders of an `IN (…)` list of `n` values bound after `before` others: `$3, $4, $5`
/// for `placeholders(2, 3)`. The values themselves are always bound, never written into the SQL.
pub fn placeholders(before: usize, n: usize) -> String {
    (before + 1..=before + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The values of a query built from the filters in use, each bound to the placeholder
/// [`Binds::add`] gives it: `WHERE` conditions are written with those placeholders, and the
/// values go to the database as values, never into the SQL.
#[derive(Debug, Default, Clone)]
pub struct Binds(Vec<Bind>);

#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
    /// A missing whole number.
    Null,
}

impl Binds {
    /// Adds `value` and gives its placeholder (`$3`).
    pub fn add(&mut self, value: impl Into<BindValue>) -> String {
        self.0.push(value.into().0);
        format!("${}", self.0.len())
    }

    /// `query` with every value bound, in order.
    pub fn bind<'q, O>(
        &self,
        mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
        for b in &self.0 {
            query = match b {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
                Bind::Null => query.bind(None::<i64>),
            };
        }
        query
    }
}

/// A value [`Binds`] takes: a whole number or a text.
pub struct BindValue(Bind);

impl From<i64> for BindValue {
    fn from(v: i64) -> Self {
        BindValue(Bind::Int(v))
    }
}

impl From<Option<i64>> for BindValue {
    fn from(v: Option<i64>) -> Self {
        BindValue(v.map_or(Bind::Null, Bind::Int))
    }
}

impl From<String> for BindValue {
    fn from(v: String) -> Self {
        BindValue(Bind::Text(v))
    }
}

impl From<&str> for BindValue {
    fn from(v: &str) -> Self {
        BindValue(Bind::Text(v.to_owned()))
    }
}

/// The database `tx` runs on.
pub fn kind_of(tx: &Tx<'_>) -> Kind {
    if tx.backend_name() == "PostgreSQL" {
        Kind::Postgres
    } else {
        Kind::Sqlite
    }
}

/// Placeholders for `n` values bound in order after `before` others, as the database of `tx`
/// binds them fastest, for statements built with many values: PostgreSQL's `$3, $4, $5`;
/// SQLite's anonymous `?, ?, ?`, since SQLite finds a named placeholder (`$3`) by walking a list
/// of them, so that binding a statement of n named values costs n² (a third of an import's time
/// at 5,600 values a statement). A statement uses one kind or the other throughout.
pub fn params(tx: &Tx<'_>, before: usize, n: usize) -> String {
    match kind_of(tx) {
        Kind::Postgres => placeholders(before, n),
        Kind::Sqlite => vec!["?"; n].join(", "),
    }
}

/// The tuples `(…), (…)` of `rows` rows of `width` values each, bound in order from the first
/// (see [`params`]).
pub fn tuples(tx: &Tx<'_>, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", params(tx, r * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Values bound into one statement of many rows at most: the fewer statements the fewer round
/// trips, and a statement's values are parsed and bound once more each (bench/pool_page.sh
/// measured 400 values a statement the fastest on both with named placeholders).
const VALUES_PER_STATEMENT: usize = 1000;

/// Inserts `rows` with one statement per few dozen rows instead of one per row (a run of the
/// resource pool keeps some 40,000: one round trip each cost PostgreSQL 5 s). `into` is
/// `table (column, …)`; every row has one value per column. The values are bound, never spliced.
pub async fn insert_rows(
    tx: &mut Tx<'_>,
    into: &str,
    rows: Vec<Vec<BindValue>>,
) -> Result<(), sqlx::Error> {
    insert_rows_returning::<(i64,)>(tx, into, rows, "").await?;
    Ok(())
}

/// [`insert_rows`], each statement ended by `then` (`ON CONFLICT …`, `RETURNING …`), giving back
/// what a `RETURNING` gives for every row, in no promised order.
pub async fn insert_rows_returning<O>(
    tx: &mut Tx<'_>,
    into: &str,
    rows: Vec<Vec<BindValue>>,
    then: &str,
) -> Result<Vec<O>, sqlx::Error>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(vec![]);
    };
    let returns = then.contains("RETURNING");
    let per_statement = (VALUES_PER_STATEMENT / width.max(1)).max(1);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<BindValue>> = rows.by_ref().take(per_statement).collect();
        let sql = format!(
            "INSERT INTO {into} VALUES {} {then}",
            tuples(tx, chunk.len(), width)
        );
        let mut q = sqlx::query_as::<_, O>(sqlx::AssertSqlSafe(sql));
        for value in chunk.into_iter().flatten() {
            q = match value.0 {
                Bind::Int(v) => q.bind(v),
                Bind::Text(v) => q.bind(v),
                Bind::Null => q.bind(None::<i64>),
            };
        }
        if returns {
            out.extend(q.fetch_all(&mut **tx).await?);
        } else {
            q.fetch_all(&mut **tx).await?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn like_wildcards_in_a_search_are_text() {
        assert_eq!(super::contains_pattern("A_b%\\"), "%a\\_b\\%\\\\%");
    }
}
