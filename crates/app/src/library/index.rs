//! The library's text index, the one place where the two backends differ in it: SQLite keeps
//! the analysed terms in an FTS5 table (its `unicode61` tokenizer only splits them at the spaces
//! between them) and ranks by BM25; PostgreSQL keeps a `tsvector` written here term by term,
//! with positions and weights, and ranks by `ts_rank`. Neither database's parser or stemmer ever
//! sees the text: both are given the terms of `mizalla-search`, so both find the same documents
//! (the order among equally good ones may differ: their ranking functions are their own).
//!
//! A document's filters (who may read it, its organisation, sector, governorate, language, file
//! type, tags) are terms of the index too ([`filter`]), so a search filters and counts in the
//! index alone, never joining the documents (on a common word in 100,000 documents, 6 ms against
//! 170 ms).
//!
//! A search ranks in tiers: the documents holding the query's terms as one phrase, then those
//! holding every term; when none holds every term, those holding any. Within a tier, by weight
//! (BM25 or `ts_rank`, the title weighing most) — unless more than [`RANKED_AT_MOST`] documents
//! match (a word found in most of the library): they are listed newest first, those holding the
//! words in their title or keywords before the others, since weighing them all costs more than
//! it tells.

use crate::db::{Db, Kind, Tx};
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
/// A tier of more documents than this is listed newest first rather than weighed.
pub const RANKED_AT_MOST: i64 = 5_000;

/// The term of a filter: `name`, a `0`, and the value's bytes in hexadecimal (`access07075…`).
/// Letters run into digits in it, which the analysis never lets a word do, so no word typed or
/// written is ever a filter.
pub fn filter(name: &str, value: &str) -> String {
    format!("{name}0{}", hex::encode(value.as_bytes()))
}

/// A document as the index takes it: its title, its keywords (summary, tags, sector and
/// governorate in both languages), its text, and its filters ([`filter`]).
pub struct Fields {
    pub title: String,
    pub keywords: String,
    pub body: String,
    pub filters: Vec<String>,
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
                "INSERT INTO library_index (rowid, title, keywords, body, filters) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(joined(&fields.title, MAX_BODY_TERMS))
            .bind(joined(&fields.keywords, MAX_BODY_TERMS))
            .bind(joined(&fields.body, MAX_BODY_TERMS))
            .bind(fields.filters.join(" "))
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
    // The filters after everything, weight C (`ts_rank` weighs them all alike).
    let at = next.min(TS_MAX_POSITION);
    for f in &fields.filters {
        if !positions.contains_key(f) {
            order.push(f.clone());
            positions.insert(f.clone(), vec![format!("{at}C")]);
        }
    }
    order
        .iter()
        .map(|term| format!("'{term}':{}", positions[term].join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A search's expression in the index's own language: FTS5's (`"a" AND "b"`, `"a b"`,
/// `{title keywords} : ("a" AND "b")`, `("a" OR "b")`) or a `tsquery` (`'a' & 'b'`,
/// `('a' <-> 'b')`, `'a':AB & 'b':AB`, `('a' | 'b')`), with the phrases typed in quotes and the
/// filters (each a choice of terms). Terms are letters and digits only (see `mizalla-search`,
/// and [`filter`]), so quoting them is enough.
fn expression(kind: Kind, q: &Query, how: How, filters: &[Vec<String>]) -> String {
    let quoted = |t: &String| match kind {
        Kind::Sqlite => format!("\"{t}\""),
        Kind::Postgres => format!("'{t}'"),
    };
    let (and, or, then) = match kind {
        Kind::Sqlite => (" AND ", " OR ", " "),
        Kind::Postgres => (" & ", " | ", " <-> "),
    };
    let phrase = |terms: &[String]| match kind {
        Kind::Sqlite => format!("\"{}\"", terms.join(" ")),
        Kind::Postgres => format!(
            "({})",
            terms.iter().map(quoted).collect::<Vec<_>>().join(then)
        ),
    };
    let every = q.terms.iter().map(quoted).collect::<Vec<_>>().join(and);
    let mut parts: Vec<String> = match how {
        How::Phrase => vec![phrase(&q.sequence)],
        How::Heading => match kind {
            Kind::Sqlite => vec![format!("{{title keywords}} : ({every})")],
            Kind::Postgres => q.terms.iter().map(|t| format!("'{t}':AB")).collect(),
        },
        How::Every => vec![every],
        How::Any => vec![format!(
            "({})",
            q.terms.iter().map(quoted).collect::<Vec<_>>().join(or)
        )],
    };
    parts.extend(q.phrases.iter().map(|p| phrase(p)));
    for choice in filters {
        parts.push(format!(
            "({})",
            choice.iter().map(quoted).collect::<Vec<_>>().join(or)
        ));
    }
    parts.join(and)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// The terms in the order typed, one after the other.
    Phrase,
    /// Every term, in the title or the keywords.
    Heading,
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

/// The documents matching `q` and `filters` (each a choice of filter terms), for `page`.
pub async fn search(db: &Db, q: &Query, filters: &[Vec<String>], page: Page) -> Result<Found> {
    let wanted = (page.offset() + page.size()) as usize;
    let mut how = How::Every;
    let mut total = count(db, q, how, filters).await?;
    if total == 0 && q.terms.len() > 1 {
        how = How::Any;
        total = count(db, q, how, filters).await?;
    }
    // A library small enough to weigh is ranked by weight, which already puts the title and
    // keywords first; one too large is listed newest first, the documents holding the words in
    // their title or keywords before the others.
    let large = total > RANKED_AT_MOST;
    let mut tiers = Vec::new();
    if how == How::Every {
        if !q.sequence.is_empty() {
            tiers.push(How::Phrase);
        }
        if large {
            tiers.push(How::Heading);
        }
    }
    tiers.push(how);
    let mut ids: Vec<i64> = Vec::new();
    let mut phrase: Vec<i64> = Vec::new();
    for tier in tiers {
        if ids.len() >= wanted {
            break;
        }
        for id in ranked(db, q, tier, filters, wanted, large).await? {
            if !ids.contains(&id) {
                ids.push(id);
                if tier == How::Phrase {
                    phrase.push(id);
                }
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

async fn count(db: &Db, q: &Query, how: How, filters: &[Vec<String>]) -> Result<i64> {
    let sql = match db.kind {
        Kind::Sqlite => "SELECT COUNT(*) FROM library_index WHERE library_index MATCH $1",
        Kind::Postgres => "SELECT COUNT(*) FROM library_index WHERE terms @@ CAST($1 AS tsquery)",
    };
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(expression(db.kind, q, how, filters))
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// The best `limit` documents of a tier; with `newest`, the newest instead.
async fn ranked(
    db: &Db,
    q: &Query,
    how: How,
    filters: &[Vec<String>],
    limit: usize,
    newest: bool,
) -> Result<Vec<i64>> {
    let sql = match (db.kind, newest) {
        (Kind::Sqlite, false) => {
            "SELECT rowid FROM library_index WHERE library_index MATCH $1 ORDER BY rank, rowid DESC LIMIT $2"
        }
        (Kind::Sqlite, true) => {
            "SELECT rowid FROM library_index WHERE library_index MATCH $1 ORDER BY rowid DESC LIMIT $2"
        }
        (Kind::Postgres, false) => {
            "SELECT document_id FROM library_index WHERE terms @@ CAST($1 AS tsquery) \
             ORDER BY ts_rank(terms, CAST($1 AS tsquery)) DESC, document_id DESC LIMIT $2"
        }
        (Kind::Postgres, true) => {
            "SELECT document_id FROM library_index WHERE terms @@ CAST($1 AS tsquery) \
             ORDER BY document_id DESC LIMIT $2"
        }
    };
    let rows: Vec<(i64,)> = sqlx::query_as(sql)
        .bind(expression(db.kind, q, how, filters))
        .bind(limit as i64)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The newest documents matching `filters` (SQL conditions on `d`, `o` and `v`, their values in
/// `binds`), for a search without words.
pub async fn newest(
    db: &Db,
    filters: &str,
    binds: &crate::db::Binds,
    page: Page,
) -> Result<(Vec<i64>, i64)> {
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
        let f = vec![vec!["a0b".to_owned(), "c0d".to_owned()]];
        assert_eq!(
            expression(Kind::Sqlite, &q, How::Every, &f),
            "\"تدريب\" AND \"معلم\" AND \"صح\" AND \"مدرس\" AND \"صح مدرس\" AND (\"a0b\" OR \"c0d\")"
        );
        assert_eq!(
            expression(Kind::Postgres, &q, How::Phrase, &[]),
            "('تدريب' <-> 'معلم' <-> 'صح' <-> 'مدرس') & ('صح' <-> 'مدرس')"
        );
        assert_eq!(
            expression(Kind::Sqlite, &Query::parse("water food"), How::Heading, &[]),
            "{title keywords} : (\"water\" AND \"food\")"
        );
        assert_eq!(
            expression(
                Kind::Postgres,
                &Query::parse("water food"),
                How::Heading,
                &[]
            ),
            "'water':AB & 'food':AB"
        );
        assert_eq!(
            expression(Kind::Postgres, &Query::parse("water food"), How::Any, &[]),
            "('water' | 'food')"
        );
    }

    #[test]
    fn no_word_is_ever_a_filter() {
        let f = filter("tag", "تدريب");
        assert!(mizalla_search::terms(&f).iter().all(|t| *t != f));
        assert!(f.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn a_tsvector_places_fields_apart_and_weighs_them() {
        let v = tsvector(&Fields {
            title: "دليل التدريب".into(),
            keywords: "تدريب".into(),
            body: "التدريب الميداني".into(),
            filters: vec![filter("access", "members")],
        });
        assert_eq!(
            v,
            "'دليل':1A 'تدريب':2A,4B,6 'ميدان':7 'access06d656d62657273':9C"
        );
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
            filters: Vec::new(),
        });
        assert!(v.len() < 1_000_000, "{}", v.len());
        let many = "تدريب ".repeat(1000);
        let v = tsvector(&Fields {
            title: String::new(),
            keywords: String::new(),
            body: many,
            filters: Vec::new(),
        });
        assert_eq!(v.matches(',').count(), TS_MAX_POSITIONS - 1);
    }
}
