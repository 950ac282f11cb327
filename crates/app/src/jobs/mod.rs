//! Long work that runs on after the request that started it — today a registry import from the
//! web — with one runner for every feature: [`start`] records the job, runs it on a task, and
//! records its outcome; [`latest`] tells a page where the job is.
//!
//! A job is a row in `jobs`, so its outcome outlives the process. Its progress lives in memory on
//! the server that runs it ([`progress`]). A job whose server stopped (a crash, kill -9, a
//! restart) is *interrupted*: the process that ran it is not this one, and it has stopped saying
//! that it runs. On PostgreSQL a running job's server writes a heartbeat every few seconds, so
//! another server can tell; on SQLite, one process serves the file and the write lock is held by
//! the import itself, so the process identity alone tells.

pub mod progress;

use crate::access::Actor;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use progress::{Progress, Reading};
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

/// How often a running job says so, and after how long without a word it counts as interrupted.
const HEARTBEAT: Duration = Duration::from_secs(5);
const STALE_AFTER: time::Duration = time::Duration::seconds(30);

/// This server process, among those sharing the database.
static INSTANCE: LazyLock<String> = LazyLock::new(|| hex::encode(rand::random::<[u8; 8]>()));

/// The progress of the jobs this process runs, by database and job.
type Running = Mutex<HashMap<(u64, i64), Arc<Progress>>>;
static RUNNING: LazyLock<Running> = LazyLock::new(Default::default);

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Running,
    Done,
    Failed,
    /// Its server stopped before it finished; nothing of a transactional job was saved.
    Interrupted,
}

/// A job as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub subject_id: i64,
    pub name: String,
    pub state: State,
    /// Steps done, while it runs on this server.
    pub progress: Option<Reading>,
    /// What the work returned, when done.
    pub outcome: Option<serde_json::Value>,
    /// The message key of why it failed.
    pub failure: Option<String>,
    pub started_at: String,
    /// Seconds since it started.
    pub seconds: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    kind: String,
    subject_id: i64,
    name: String,
    state: String,
    instance: String,
    heartbeat_at: String,
    outcome_json: Option<String>,
    failure: Option<String>,
    started_at: String,
}

const COLUMNS: &str = "id, org_id, kind, subject_id, name, state, instance, heartbeat_at, outcome_json, failure, started_at";

impl Row {
    fn into_job(self, db: &Db) -> Job {
        let now = time::OffsetDateTime::now_utc();
        let parse = |t: &str| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        };
        let progress = RUNNING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(db.id, self.id))
            .map(|p| p.read());
        let state = match self.state.as_str() {
            "done" => State::Done,
            "failed" => State::Failed,
            _ if progress.is_some() => State::Running,
            // Started by this process, which no longer runs it: its task ended without a word.
            _ if self.instance == *INSTANCE => State::Interrupted,
            _ if db.kind.several_writers()
                && parse(&self.heartbeat_at).is_some_and(|t| now - t < STALE_AFTER) =>
            {
                State::Running
            }
            _ => State::Interrupted,
        };
        Job {
            id: self.id,
            org_id: self.org_id,
            kind: self.kind,
            subject_id: self.subject_id,
            name: self.name,
            state,
            progress,
            outcome: self
                .outcome_json
                .and_then(|j| serde_json::from_str(&j).ok()),
            failure: self.failure,
            seconds: parse(&self.started_at).map_or(0, |t| (now - t).whole_seconds()),
            started_at: self.started_at,
        }
    }
}

/// Starts `work` for the actor's organisation as a job of `kind` on `subject_id`, named `name`
/// for the pages, and returns its id at once. `work` gets the job's progress to advance, and
/// returns what the outcome page shows, or the message key of why it failed.
pub async fn start<F, Fut>(
    db: &Db,
    actor: &Actor,
    kind: &'static str,
    subject_id: i64,
    name: &str,
    work: F,
) -> Result<i64>
where
    F: FnOnce(Arc<Progress>) -> Fut + Send + 'static,
    Fut: Future<Output = std::result::Result<serde_json::Value, &'static str>> + Send + 'static,
{
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (org_id, user_id, kind, subject_id, name, state, instance, heartbeat_at, started_at) \
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $7) RETURNING id",
    )
    .bind(actor.org_id)
    .bind(actor.user_id)
    .bind(kind)
    .bind(subject_id)
    .bind(name)
    .bind(INSTANCE.as_str())
    .bind(&now)
    .fetch_one(&db.pool)
    .await?;
    let progress = Arc::new(Progress::default());
    RUNNING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert((db.id, id), progress.clone());
    let db = db.clone();
    tokio::spawn(async move {
        // The work on a task of its own: if it panics, the job is recorded as failed instead of
        // staying "running" on this server for ever.
        let mut work = tokio::spawn(work(progress));
        let mut beat = tokio::time::interval(HEARTBEAT);
        let outcome = loop {
            tokio::select! {
                outcome = &mut work => break outcome.unwrap_or_else(|e| {
                    tracing::error!(error = %e, job = id, "job ended without an outcome");
                    Err("err-internal")
                }),
                _ = beat.tick(), if db.kind.several_writers() => {
                    if let Err(e) = sqlx::query("UPDATE jobs SET heartbeat_at = $1 WHERE id = $2")
                        .bind(db::now())
                        .bind(id)
                        .execute(&db.pool)
                        .await
                    {
                        tracing::warn!(error = %e, job = id, "job heartbeat not written");
                    }
                }
            }
        };
        let (state, json, failure) = match outcome {
            Ok(v) => ("done", Some(v.to_string()), None),
            Err(key) => ("failed", None, Some(key)),
        };
        if let Err(e) = sqlx::query(
            "UPDATE jobs SET state = $1, outcome_json = $2, failure = $3, finished_at = $4 WHERE id = $5",
        )
        .bind(state)
        .bind(json)
        .bind(failure)
        .bind(db::now())
        .bind(id)
        .execute(&db.pool)
        .await
        {
            tracing::error!(error = %e, job = id, "job outcome not saved");
        }
        RUNNING
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(db.id, id));
    });
    Ok(id)
}

/// The newest job of `kind` on `subject_id`, if the actor's organisation ran one.
pub async fn latest(db: &Db, actor: &Actor, kind: &str, subject_id: i64) -> Result<Option<Job>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE kind = $1 AND subject_id = $2 AND org_id = $3 ORDER BY id DESC LIMIT 1"
    )))
    .bind(kind)
    .bind(subject_id)
    .bind(actor.org_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.into_job(db)))
}

/// The newest job of `kind` on each subject, of the actor's organisation's jobs of the last day.
pub async fn recent(db: &Db, actor: &Actor, kind: &str) -> Result<HashMap<i64, Job>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE kind = $1 AND org_id = $2 AND started_at >= $3 ORDER BY id"
    )))
    .bind(kind)
    .bind(actor.org_id)
    .bind(db::days_ago(1))
    .fetch_all(&db.pool)
    .await?;
    // Later rows replace earlier ones: the newest job of each subject stays.
    Ok(rows
        .into_iter()
        .map(|r| (r.subject_id, r.into_job(db)))
        .collect())
}

/// A job's outcome as its work returned it, or `NotFound` when it has none.
pub fn outcome<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T> {
    job.outcome
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or(Error::NotFound)
}
