//! The knowledge library measured beside a plain full-text index (SQLite FTS5 with its default
//! tokenizer, on the raw text: what a developer would otherwise pick):
//!
//! 1. result quality on the retrieval test (`testdata/library/retrieval.json`): how many of its
//!    queries, typed the way staff type, find their document among the first three;
//! 2. indexing throughput: DOCUMENTS generated documents (Arabic with its prefixes and suffixes,
//!    a tenth in English) added through the library's own `add`, by batches of a tenth, and the
//!    same text into the plain index;
//! 3. search time in the process, both indexes, on queries drawn from the documents and typed with
//!    spelling variants; the queries are written to QUERIES for the load test through the web API
//!    (bench/library.sh).
//!
//! ```sh
//! cargo run --release -p mizalla-app --example library_bench -- sqlite:///tmp/lib.db 100000 /tmp/queries.txt
//! ```

use mizalla::library::{self, DocumentInput, File, Search, Viewer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const LETTERS: &[char] = &[
    'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ', 'ف',
    'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي',
];
/// Patterns of a three-letter root (1, 2, 3 stand for its letters).
const PATTERNS: [&str; 10] = [
    "123",
    "1ا23",
    "م12و3",
    "ت12ي3",
    "م123",
    "1ي23",
    "ا123",
    "م1ا23",
    "12ا3",
    "مت1ا23",
];
const PREFIXES: [(&str, u32); 7] = [
    ("", 50),
    ("ال", 25),
    ("و", 6),
    ("ب", 5),
    ("بال", 5),
    ("لل", 4),
    ("وال", 5),
];
const SUFFIXES: [(&str, u32); 7] = [
    ("", 50),
    ("ة", 18),
    ("ات", 10),
    ("ين", 7),
    ("ون", 5),
    ("ي", 5),
    ("ية", 5),
];
const ENGLISH: [&str; 40] = [
    "training",
    "workshop",
    "health",
    "school",
    "village",
    "water",
    "volunteer",
    "report",
    "family",
    "children",
    "women",
    "programme",
    "guide",
    "support",
    "community",
    "project",
    "monitoring",
    "evaluation",
    "cash",
    "relief",
    "housing",
    "disability",
    "nutrition",
    "clinic",
    "teacher",
    "farmer",
    "loan",
    "youth",
    "employment",
    "literacy",
    "sanitation",
    "hygiene",
    "protection",
    "emergency",
    "winter",
    "food",
    "medical",
    "convoy",
    "orphan",
    "budget",
];

fn pick<'a>(rng: &mut StdRng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut n = rng.random_range(0..total);
    for (s, w) in weighted {
        if n < *w {
            return s;
        }
        n -= w;
    }
    weighted[0].0
}

/// The vocabulary: `n` lemmas, each a root in a pattern.
fn lemmas(rng: &mut StdRng, n: usize) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    while out.len() < n {
        let root: Vec<char> = (0..3)
            .map(|_| LETTERS[rng.random_range(0..LETTERS.len())])
            .collect();
        let pattern = PATTERNS[rng.random_range(0..PATTERNS.len())];
        let word: String = pattern
            .chars()
            .map(|c| match c {
                '1' => root[0],
                '2' => root[1],
                '3' => root[2],
                c => c,
            })
            .collect();
        out.insert(word);
    }
    let mut v: Vec<String> = out.into_iter().collect();
    // A stable shuffle, so that frequent lemmas are not alphabetical.
    for i in (1..v.len()).rev() {
        v.swap(i, rng.random_range(0..=i));
    }
    v
}

/// A lemma drawn with Zipf-like frequencies (rank r with weight 1/r).
fn zipf(rng: &mut StdRng, n: usize) -> usize {
    let x: f64 = rng.random();
    ((n as f64).powf(x) as usize).saturating_sub(1).min(n - 1)
}

fn inflect(rng: &mut StdRng, lemma: &str) -> String {
    format!("{}{lemma}{}", pick(rng, &PREFIXES), pick(rng, &SUFFIXES))
}

fn document(rng: &mut StdRng, vocab: &[String]) -> (String, String) {
    if rng.random_range(0..10) == 0 {
        let words = |rng: &mut StdRng, n: usize| -> Vec<&str> {
            (0..n).map(|_| ENGLISH[zipf(rng, ENGLISH.len())]).collect()
        };
        let (t, b) = (rng.random_range(3..7), rng.random_range(120..400));
        let title = words(rng, t).join(" ");
        let body = words(rng, b).join(" ");
        return (title, body);
    }
    let word = |rng: &mut StdRng| {
        let lemma = &vocab[zipf(rng, vocab.len())];
        inflect(rng, lemma)
    };
    let (t, b) = (rng.random_range(3..8), rng.random_range(120..400));
    let title: Vec<String> = (0..t).map(|_| word(rng)).collect();
    let body: Vec<String> = (0..b).map(|_| word(rng)).collect();
    (title.join(" "), body.join(" "))
}

/// A word as staff type it: the article dropped or kept, ة written ه.
fn typed(rng: &mut StdRng, word: &str) -> String {
    let mut w = word.to_owned();
    if rng.random_bool(0.5) {
        w = w.replace('ة', "ه");
    }
    if rng.random_bool(0.3) {
        w = w.strip_prefix("ال").unwrap_or(&w).to_owned();
    }
    w
}

/// A plain FTS5 query of what was typed: its words, each quoted (FTS5's own syntax left out).
fn plain_query(q: &str) -> String {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "sqlite:///tmp/library-bench.db".into());
    let documents: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let queries_out = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "/tmp/library-queries.txt".into());
    let settings = mizalla::config::Settings {
        database_url: mizalla::config::DatabaseUrl::new(url.clone()),
        ..Default::default()
    };
    let db = mizalla::open(&settings).await?;
    let org = mizalla::orgs::secretariat(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let plain = db.kind == mizalla::db::Kind::Sqlite;
    if plain {
        sqlx::query("CREATE VIRTUAL TABLE IF NOT EXISTS plain_index USING fts5(title, body)")
            .execute(&db.pool)
            .await?;
    }
    let add = |title: String, text: String| {
        let db = db.clone();
        async move {
            let input = DocumentInput {
                title: title.clone(),
                access: "members".into(),
                ..Default::default()
            };
            let file = File {
                name: "document.txt".into(),
                bytes: text.clone().into_bytes(),
            };
            let id = library::add(&db, None, org, &input, &file)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::Ok((id, title, text))
        }
    };
    let plain_add = |id: i64, title: String, text: String| {
        let db = db.clone();
        async move {
            if plain {
                sqlx::query("INSERT INTO plain_index (rowid, title, body) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(title)
                    .bind(text)
                    .execute(&db.pool)
                    .await?;
            }
            anyhow::Ok(())
        }
    };
    let search = |q: String, size: i64| {
        let db = db.clone();
        async move {
            library::search(
                &db,
                Viewer::All,
                &Search {
                    q,
                    ..Default::default()
                },
                mizalla::paging::Page::new(Some(1), size),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    let plain_search = |q: String, size: i64| {
        let db = db.clone();
        async move {
            let expr = plain_query(&q);
            if expr.is_empty() || !plain {
                return anyhow::Ok(Vec::new());
            }
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT rowid FROM plain_index WHERE plain_index MATCH $1 ORDER BY rank LIMIT $2",
            )
            .bind(expr)
            .bind(size)
            .fetch_all(&db.pool)
            .await?;
            anyhow::Ok(rows.into_iter().map(|(id,)| id).collect::<Vec<i64>>())
        }
    };

    // A database already holding the documents, with its queries written: only the search is
    // measured again.
    let (have,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM library_documents")
        .fetch_one(&db.pool)
        .await?;
    if have as usize >= documents && std::path::Path::new(&queries_out).exists() {
        let queries: Vec<String> = std::fs::read_to_string(&queries_out)?
            .lines()
            .map(str::to_owned)
            .collect();
        return measure(&queries, documents, plain, &search, &plain_search).await;
    }

    // 1. Quality on the retrieval test.
    #[derive(serde::Deserialize)]
    struct Corpus {
        documents: Vec<Doc>,
        queries: Vec<Query>,
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        key: String,
        title: String,
        text: String,
    }
    #[derive(serde::Deserialize)]
    struct Query {
        q: String,
        expect: String,
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/library/retrieval.json");
    let corpus: Corpus = serde_json::from_slice(&std::fs::read(path)?)?;
    let mut key_of = std::collections::HashMap::new();
    for d in &corpus.documents {
        let (id, title, text) = add(d.title.clone(), d.text.clone()).await?;
        plain_add(id, title, text).await?;
        key_of.insert(id, d.key.clone());
    }
    let (mut ours, mut theirs) = (0, 0);
    for q in &corpus.queries {
        let found = search(q.q.clone(), 3).await?;
        if found
            .hits
            .iter()
            .any(|h| key_of.get(&h.document.id) == Some(&q.expect))
        {
            ours += 1;
        }
        if plain_search(q.q.clone(), 3)
            .await?
            .iter()
            .any(|id| key_of.get(id) == Some(&q.expect))
        {
            theirs += 1;
        }
    }
    let n = corpus.queries.len();
    println!("## Retrieval test: queries whose document is in the first three");
    println!();
    println!("| index | found | share |");
    println!("|---|---|---|");
    println!(
        "| Mizalla (Arabic analysis in Rust, FTS5 on terms) | {ours} / {n} | {:.0} % |",
        100.0 * ours as f64 / n as f64
    );
    if plain {
        println!(
            "| plain FTS5, default tokenizer, raw text | {theirs} / {n} | {:.0} % |",
            100.0 * theirs as f64 / n as f64
        );
    }
    println!();

    // 2. Indexing.
    let mut rng = StdRng::seed_from_u64(16);
    let vocab = lemmas(&mut rng, 20_000);
    let mut queries: Vec<String> = Vec::new();
    let batch = (documents / 10).max(1);
    println!("## Indexing {documents} generated documents, in batches of {batch}");
    println!();
    println!("| documents before | Mizalla docs/s | Mizalla MB/s of text | plain FTS5 docs/s |");
    println!("|---|---|---|---|");
    let mut done = 0;
    while done < documents {
        let this = batch.min(documents - done);
        let docs: Vec<(String, String)> = (0..this).map(|_| document(&mut rng, &vocab)).collect();
        let bytes: usize = docs.iter().map(|(t, b)| t.len() + b.len()).sum();
        let started = Instant::now();
        let mut added = Vec::with_capacity(this);
        for (t, b) in docs {
            added.push(add(t, b).await?);
        }
        let ours = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut tx = db.begin().await?;
        for (id, t, b) in &added {
            if plain {
                sqlx::query("INSERT INTO plain_index (rowid, title, body) VALUES ($1, $2, $3)")
                    .bind(*id)
                    .bind(t)
                    .bind(b)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        let theirs = started.elapsed().as_secs_f64();
        // Queries from this batch: two or three words of a title or a body, typed with variants.
        for (_, t, b) in added.iter().step_by((this / 100).max(1)) {
            let words: Vec<&str> = if rng.random_bool(0.5) {
                t.split(' ').collect()
            } else {
                b.split(' ').collect()
            };
            let k = rng.random_range(1..=3.min(words.len()));
            let at = rng.random_range(0..=words.len() - k);
            let q: Vec<String> = words[at..at + k]
                .iter()
                .map(|w| typed(&mut rng, w))
                .collect();
            queries.push(q.join(" "));
        }
        println!(
            "| {done} | {:.0} | {:.2} | {} |",
            this as f64 / ours,
            bytes as f64 / ours / 1e6,
            if plain {
                format!("{:.0}", this as f64 / theirs)
            } else {
                "—".into()
            }
        );
        done += this;
    }
    println!();
    std::fs::write(&queries_out, queries.join("\n") + "\n")?;

    measure(&queries, documents, plain, &search, &plain_search).await
}

/// 3. Search time in the process, both indexes, the queries in turn.
async fn measure<S, SF, P, PF>(
    queries: &[String],
    documents: usize,
    plain: bool,
    search: &S,
    plain_search: &P,
) -> anyhow::Result<()>
where
    S: Fn(String, i64) -> SF,
    SF: std::future::Future<Output = anyhow::Result<library::Results>>,
    P: Fn(String, i64) -> PF,
    PF: std::future::Future<Output = anyhow::Result<Vec<i64>>>,
{
    let (mut t_ours, mut t_plain, mut found_ours, mut found_plain) =
        (Vec::new(), Vec::new(), 0usize, 0usize);
    for q in queries {
        let started = Instant::now();
        let r = search(q.clone(), 20).await?;
        t_ours.push(started.elapsed().as_secs_f64() * 1000.0);
        found_ours += usize::from(r.total > 0);
        let started = Instant::now();
        let r = plain_search(q.clone(), 20).await?;
        t_plain.push(started.elapsed().as_secs_f64() * 1000.0);
        found_plain += usize::from(!r.is_empty());
    }
    t_ours.sort_by(f64::total_cmp);
    t_plain.sort_by(f64::total_cmp);
    println!(
        "## Search in the process: {} queries on {documents} documents (page of 20)",
        queries.len()
    );
    println!();
    println!("| index | p50 ms | p90 ms | p99 ms | queries with results |");
    println!("|---|---|---|---|---|");
    println!(
        "| Mizalla (analysis, phrase tier, count, passages) | {:.2} | {:.2} | {:.2} | {found_ours} |",
        percentile(&t_ours, 0.5),
        percentile(&t_ours, 0.9),
        percentile(&t_ours, 0.99)
    );
    if plain {
        println!(
            "| plain FTS5 (ids only) | {:.2} | {:.2} | {:.2} | {found_plain} |",
            percentile(&t_plain, 0.5),
            percentile(&t_plain, 0.9),
            percentile(&t_plain, 0.99)
        );
    }
    Ok(())
}
