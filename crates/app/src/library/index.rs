//! The library's text index, the one place where the two backends differ in it: SQLite keeps
//! the analysed terms in an FTS5 table (its `unicode61` tokenizer only splits them at the spaces
//! between them) and ranks by BM25; PostgreSQL keeps a `tsvector` written here term by term,
//! with positions and weights, and ranks by `ts_rank`. Neither database's parser or stemmer ever
//! sees the text: both are given the terms of `mizalla-search`, so both find the same documents
//! (the order among equally good ones may differ: their ranking functions are their own).
//!
//! A search runs as two queries and a count: the documents holding the query's terms as one
//! phrase, then those holding every term; when none holds every term, those holding any.

use crate::db::{Binds, Db, Kind, Tx};
use crate::error::Result;
use crate::paging::Page;
use mizalla_search::Query;
use std::collections::HashMap;

/// Most terms of one document's body indexed (a book of some 600 pages); the rest is not searched.
pub const MAX_BODY_TERMS: usize = 200_000;
/// PostgreSQL keeps positions up to 16,383 and at most 256 of them for one term.
const TS_MAX_POSITION: usize = 16_383;
const TS_MAX_POSITIONS: usize = 256;
/// A `tsvector` holds at most 1 MB: the terms written stop before it.
const TS_MAX_BYTES: usize = 900_000;

/// A document as the index takes it: its title, its keywords (summary, tags, sector and
/// governorate in both languages) and its text.
pub struct Fields {
    pub title: String,
    pub keywords: String,
    pub body: String,
}

fn joined(text: &str, max: usize) -> String {
    mizalla_search::tokens(text)
        .take(max)
        .map(|t| t.term)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Indexes document `id` as `fields` say, in place of what the index held of it.
pub async fn write(tx: &mut Tx<'_>, kind: Kind, id: i64, fields: &Fields) -> Result<()> {
    forget(tx, kind, id).await?;
    match kind {
        Kind::Sqlite => {
            sqlx::query(
                "INSERT INTO library_index (rowid, title, keywords, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(joined(&fields.title, MAX_BODY_TERMS))
            .bind(joined(&fields.keywords, MAX_BODY_TERMS))
            .bind(joined(&fields.body, MAX_BODY_TERMS))
            .execute(&mut **tx)
            .await?;
        }
        Kind::Postgres => {
            sqlx::query(
                "INSERT INTO library_index (document_id, terms) VALUES ($1, CAST($2 AS tsvector))",
            )
            .bind(id)
            .bind(tsvector(fields))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Takes document `id` out of the index.
pub async fn forget(tx: &mut Tx<'_>, kind: Kind, id: i64) -> Result<()> {
    let sql = match kind {
        Kind::Sqlite => "DELETE FROM library_index WHERE rowid = $1",
        Kind::Postgres => "DELETE FROM library_index WHERE document_id = $1",
    };
    sqlx::query(sql).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// The `tsvector` of a document, as PostgreSQL reads it: `'term':1A,7A 'other':2B …`. The title
/// weighs A, the keywords B, the body D; each field starts past the last position of the one
/// before, so that no phrase runs from one into the next.
fn tsvector(fields: &Fields) -> String {
    let mut positions: HashMap<String, Vec<String>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut size = 0usize;
    let mut next = 1usize;
    for (text, weight, max) in [
        (&fields.title, "A", MAX_BODY_TERMS),
        (&fields.keywords, "B", MAX_BODY_TERMS),
        (&fields.body, "", MAX_BODY_TERMS),
    ] {
        for t in mizalla_search::tokens(text).take(max) {
            let at = next.min(TS_MAX_POSITION);
            next += 1;
            let entry = match positions.get_mut(&t.term) {
                Some(e) => e,
                None => {
                    if size + t.term.len() + 8 > TS_MAX_BYTES {
                        continue;
                    }
                    size += t.term.len() + 8;
                    order.push(t.term.clone());
                    positions.entry(t.term).or_default()
                }
            };
            let p = format!("{at}{weight}");
            if entry.len() < TS_MAX_POSITIONS && entry.last() != Some(&p) && size + 8 < TS_MAX_BYTES
            {
                size += p.len() + 1;
                entry.push(p);
            }
        }
        next += 1;
    }
    order
        .iter()
        .map(|term| format!("'{term}':{}", positions[term].join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A search's expression in the index's own language: FTS5's (`"a" "b"`, `"a b"`, `"a" OR "b"`)
/// or a `tsquery` (`'a' & 'b'`, `'a' <-> 'b'`, `'a' | 'b'`). Terms are letters and digits only
/// (see `mizalla-search`), so quoting them is enough.
fn expression(kind: Kind, q: &Query, how: How) -> String {
    let phrase = |terms: &[String]| match kind {
        Kind::Sqlite => format!("\"{}\"", terms.join(" ")),
        Kind::Postgres => format!(
            "({})",
            terms
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(" <-> ")
        ),
    };
    let word = |t: &String| match kind {
        Kind::Sqlite => format!("\"{t}\""),
        Kind::Postgres => format!("'{t}'"),
    };
    let and = match kind {
        Kind::Sqlite => " AND ",
        Kind::Postgres => " & ",
    };
    let or = match kind {
        Kind::Sqlite => " OR ",
        Kind::Postgres => " | ",
    };
    let required: Vec<String> = q.phrases.iter().map(|p| phrase(p)).collect();
    let mut parts: Vec<String> = match how {
        How::Phrase => vec![phrase(&q.sequence)],
        How::Every => q.terms.iter().map(word).collect(),
        How::Any => vec![format!(
            "({})",
            q.terms.iter().map(word).collect::<Vec<_>>().join(or)
        )],
    };
    parts.extend(required);
    parts.join(and)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// The terms in the order typed, one after the other.
    Phrase,
    /// Every term, anywhere.
    Every,
    /// Any term.
    Any,
}

/// What a search found: this page's documents, best first, and which of them hold the phrase.
pub struct Found {
    pub ids: Vec<i64>,
    pub phrase: Vec<i64>,
    pub total: i64,
    pub some_words: bool,
}

/// The documents matching `q` and the conditions `filters` (on `d`, `o` and `v`; their values in
/// `binds`), for `page`.
pub async fn search(db: &Db, q: &Query, filters: &str, binds: &Binds, page: Page) -> Result<Found> {
    let wanted = (page.offset() + page.size()) as usize;
    let mut how = How::Every;
    let mut total = count(db, q, how, filters, binds).await?;
    if total == 0 && q.terms.len() > 1 && q.phrases.is_empty() {
        how = How::Any;
        total = count(db, q, how, filters, binds).await?;
    }
    let phrase = if how == How::Every && !q.sequence.is_empty() {
        ranked(db, q, How::Phrase, filters, binds, wanted).await?
    } else {
        Vec::new()
    };
    let mut ids = phrase.clone();
    if ids.len() < wanted {
        for id in ranked(db, q, how, filters, binds, wanted).await? {
            if !phrase.contains(&id) {
                ids.push(id);
            }
        }
    }
    let ids: Vec<i64> = ids
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.size() as usize)
        .collect();
    Ok(Found {
        phrase: phrase.into_iter().filter(|p| ids.contains(p)).collect(),
        ids,
        total,
        some_words: how == How::Any,
    })
}

/// `FROM … WHERE …` of a search, its expression bound first.
fn from_where(kind: Kind, q: &Query, how: How, filters: &str, binds: &Binds) -> (String, Binds) {
    let mut b = binds.clone();
    let e = b.add(expression(kind, q, how));
    let joins = "JOIN orgs o ON o.id = d.org_id JOIN library_versions v ON v.id = d.version_id";
    let sql = match kind {
        Kind::Sqlite => format!(
            "FROM library_index i JOIN library_documents d ON d.id = i.rowid {joins} \
             WHERE library_index MATCH {e} AND {filters}"
        ),
        Kind::Postgres => format!(
            "FROM library_index i JOIN library_documents d ON d.id = i.document_id {joins} \
             WHERE i.terms @@ CAST({e} AS tsquery) AND {filters}"
        ),
    };
    (sql, b)
}

async fn count(db: &Db, q: &Query, how: How, filters: &str, binds: &Binds) -> Result<i64> {
    let (from, b) = from_where(db.kind, q, how, filters, binds);
    let (n,): (i64,) = b
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) {from}"
        ))))
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

async fn ranked(
    db: &Db,
    q: &Query,
    how: How,
    filters: &str,
    binds: &Binds,
    limit: usize,
) -> Result<Vec<i64>> {
    let (from, mut b) = from_where(db.kind, q, how, filters, binds);
    let order = match db.kind {
        Kind::Sqlite => "i.rank, d.id".to_owned(),
        Kind::Postgres => {
            let e = b.add(expression(db.kind, q, how));
            format!("ts_rank(i.terms, CAST({e} AS tsquery)) DESC, d.id")
        }
    };
    let limit = b.add(limit as i64);
    let rows: Vec<(i64,)> = b
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.id {from} ORDER BY {order} LIMIT {limit}"
        ))))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The newest documents matching `filters`, for a search without words.
pub async fn newest(db: &Db, filters: &str, binds: &Binds, page: Page) -> Result<(Vec<i64>, i64)> {
    let from = format!(
        "FROM library_documents d JOIN orgs o ON o.id = d.org_id \
         JOIN library_versions v ON v.id = d.version_id WHERE {filters}"
    );
    let (total,): (i64,) = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) {from}"
        ))))
        .fetch_one(&db.pool)
        .await?;
    let mut b = binds.clone();
    let limit = b.add(page.size());
    let offset = b.add(page.offset());
    let rows: Vec<(i64,)> = b
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT d.id {from} ORDER BY d.updated_at DESC, d.id DESC LIMIT {limit} OFFSET {offset}"
        ))))
        .fetch_all(&db.pool)
        .await?;
    Ok((rows.into_iter().map(|(id,)| id).collect(), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_quote_terms_for_each_index() {
        let q = Query::parse("تدريب المعلمين \"الصحة المدرسية\"");
        assert_eq!(
            expression(Kind::Sqlite, &q, How::Every),
            "\"تدريب\" AND \"معلم\" AND \"صح\" AND \"مدرس\" AND \"صح مدرس\""
        );
        assert_eq!(
            expression(Kind::Postgres, &q, How::Phrase),
            "('تدريب' <-> 'معلم' <-> 'صح' <-> 'مدرس') & ('صح' <-> 'مدرس')"
        );
        assert_eq!(
            expression(Kind::Postgres, &Query::parse("water food"), How::Any),
            "('water' | 'food')"
        );
    }

    #[test]
    fn a_tsvector_places_fields_apart_and_weighs_them() {
        let v = tsvector(&Fields {
            title: "دليل التدريب".into(),
            keywords: "تدريب".into(),
            body: "التدريب الميداني".into(),
        });
        assert_eq!(v, "'دليل':1A 'تدريب':2A,4B,6 'ميدان':7");
    }

    #[test]
    fn a_tsvector_stays_within_postgresql_limits() {
        let body = (0..300_000)
            .map(|i| format!("w{i}x"))
            .collect::<Vec<_>>()
            .join(" ");
        let v = tsvector(&Fields {
            title: String::new(),
            keywords: String::new(),
            body,
        });
        assert!(v.len() < 1_000_000, "{}", v.len());
        let many = "تدريب ".repeat(1000);
        let v = tsvector(&Fields {
            title: String::new(),
            keywords: String::new(),
            body: many,
        });
        assert_eq!(v.matches(',').count(), TS_MAX_POSITIONS - 1);
    }
}
