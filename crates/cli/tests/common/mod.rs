//! Helpers shared by the command-line tests: the labelled data, scoring, fresh databases.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The labelled set the tests use, `testdata/dev-small` in this repository.
pub fn dev_small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dev-small")
}

/// How many data rows a CSV file has (its records, not counting the header).
pub fn records_in(path: &Path) -> usize {
    csv::Reader::from_path(path).unwrap().records().count()
}

pub fn read_pairs(path: &Path, key: &str, value: &str) -> HashMap<String, String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    let (k, v) = (
        headers.iter().position(|h| h == key).unwrap(),
        headers.iter().position(|h| h == value).unwrap(),
    );
    r.records()
        .map(|row| row.unwrap())
        .map(|row| (row[k].to_owned(), row[v].to_owned()))
        .collect()
}

/// Pairwise precision, recall and F1 of a clustering against the truth.
pub fn pairwise_f1(
    pred: &HashMap<String, String>,
    truth: &HashMap<String, String>,
) -> (f64, f64, f64) {
    let pairs = |groups: &HashMap<String, String>| -> std::collections::HashSet<(String, String)> {
        let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
        for (rec, g) in groups {
            by.entry(g).or_default().push(rec);
        }
        let mut out = std::collections::HashSet::new();
        for members in by.values() {
            for i in 0..members.len() {
                for j in i + 1..members.len() {
                    let (a, b) = if members[i] < members[j] {
                        (members[i], members[j])
                    } else {
                        (members[j], members[i])
                    };
                    out.insert((a.to_owned(), b.to_owned()));
                }
            }
        }
        out
    };
    let (p, t) = (pairs(pred), pairs(truth));
    let tp = p.intersection(&t).count() as f64;
    let precision = tp / p.len().max(1) as f64;
    let recall = tp / t.len().max(1) as f64;
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall).max(1e-9),
    )
}

/// `mizalla ARGS…`, with no database URL from the environment.
pub fn mizalla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .args(args)
        .env_remove("MIZALLA_DATABASE_URL")
        .output()
        .unwrap()
}

/// Runs `mizalla ARGS…` and returns its standard error, failing the test if it failed.
pub fn mizalla_ok(args: &[&str]) -> String {
    let o = mizalla(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "mizalla {args:?} failed:\n{err}");
    err
}

/// The person-level pairwise F1 of a `record_id,cluster_id` file against the labelled set
/// `truth` (its `truth_records.csv`), as `score.py` counts it.
pub fn person_f1(prediction: &Path, truth: &Path) -> f64 {
    let pred = read_pairs(prediction, "record_id", "cluster_id");
    let persons = read_pairs(&truth.join("truth_records.csv"), "record_id", "person_id");
    pairwise_f1(&pred, &persons).2
}

/// A fresh database: a new SQLite file, or (`postgres`) a new database on the server named by
/// `MIZALLA_TEST_DATABASE_URL` — `None` when there is none (a failure under CI).
pub async fn fresh_database_url(postgres: bool) -> Option<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed) + std::process::id() as usize * 1000;
    if !postgres {
        let dir = std::env::temp_dir().join(format!("mizalla-cli-test-{n}"));
        std::fs::create_dir_all(&dir).unwrap();
        return Some(format!("sqlite://{}/test.db", dir.display()));
    }
    let admin = match std::env::var("MIZALLA_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI=true but MIZALLA_TEST_DATABASE_URL is not set"
            );
            eprintln!("skipped: PostgreSQL (set MIZALLA_TEST_DATABASE_URL=postgres://…)");
            return None;
        }
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    let name = format!("mizalla_cli_test_{n}");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (base, _) = admin
        .rsplit_once('/')
        .expect("postgres URL with a database name");
    Some(format!("{base}/{name}"))
}
