//! Assistance brought as a spreadsheet (CSV or XLSX): one row per assistance given, to one of
//! the member's own registrations named by its record key. The whole file is planned or recorded
//! in one transaction (a plan is the same work rolled back), so the preview shows exactly the
//! entries, refusals and overlap warnings a commit would make. A row already in the ledger (same
//! registration, kind, date, quantity, value and programme, not reversed) is not recorded again:
//! importing a file twice records it once.

use super::{AssistanceInput, Overlap};
use crate::access::Actor;
use crate::audit;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::kinds as categories;
use crate::table::header_key;
use crate::table::{FileError, Table};
use link::normalize::date;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The columns, with the header spellings recognised (compared folded, see
/// [`header_key`]). The record key, the kind and the date are required.
pub const COLUMNS: [(&str, &[&str]); 7] = [
    (
        "record_id",
        &[
            "record_id",
            "member_key",
            "record key",
            "beneficiary id",
            "رقم السجل",
            "رقم السجل لديكم",
            "كود المستفيد",
            "رقم المستفيد",
        ],
    ),
    (
        "category",
        &[
            "category",
            "kind",
            "type",
            "نوع المساعدة",
            "المساعدة",
            "النوع",
        ],
    ),
    ("scope", &["scope", "for", "لمن", "فرد او اسرة"]),
    ("quantity", &["quantity", "qty", "count", "الكمية", "العدد"]),
    (
        "value",
        &[
            "value",
            "amount",
            "egp",
            "القيمة",
            "المبلغ",
            "القيمة (جنيه)",
        ],
    ),
    (
        "given_on",
        &["given_on", "date", "given on", "التاريخ", "تاريخ الصرف"],
    ),
    (
        "programme",
        &["programme", "program", "البرنامج", "المشروع"],
    ),
];

/// What happened (or would happen) to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Recorded,
    AlreadyRecorded,
    Refused,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowFate {
    pub line: u64,
    pub record_key: String,
    pub fate: Fate,
    /// Refusal reasons: (field, message key).
    pub problems: Vec<(&'static str, &'static str)>,
    /// Overlap warnings the entry raises (date and kind of the other member's assistance only).
    pub overlaps: Vec<Overlap>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub committed: bool,
    pub rows: Vec<RowFate>,
    pub recorded: usize,
    pub already: usize,
    pub refused: usize,
    pub overlapping: usize,
    /// Rows that could not be read at all.
    pub unreadable: Vec<crate::table::RowIssue>,
}

/// Which field each column holds; the required ones must be there.
pub fn mapping(table: &Table) -> std::result::Result<Vec<Option<&'static str>>, FileError> {
    let mapping: Vec<Option<&'static str>> = table
        .headers
        .iter()
        .map(|h| {
            let k = header_key(h);
            COLUMNS
                .iter()
                .find(|(_, names)| names.iter().any(|n| header_key(n) == k))
                .map(|(f, _)| *f)
        })
        .collect();
    for required in ["record_id", "category", "given_on"] {
        if !mapping.contains(&Some(required)) {
            return Err(FileError {
                key: "file-missing-column",
                line: 1,
                detail: required.to_owned(),
            });
        }
    }
    Ok(mapping)
}

fn scope_of(cell: &str) -> Option<&'static str> {
    match header_key(cell.trim()).as_str() {
        "" | "household" | "اسرة" | "الاسرة" | "اسره" | "الاسره" => {
            Some(super::Scope::Household.as_str())
        }
        "person" | "individual" | "فرد" | "الفرد" | "شخص" => {
            Some(super::Scope::Person.as_str())
        }
        _ => None,
    }
}

/// A date as the ledger keeps it (`YYYY-MM-DD`), from ISO, D/M/Y or M/D/Y (`order`), an Excel
/// serial number or Arabic-Indic digits; a bare year is not a date of assistance.
fn iso_date(cell: &str, order: date::Order) -> Option<String> {
    let d = date::parse(cell, order)?;
    let (Some(m), Some(day)) = (d.month, d.day) else {
        return None;
    };
    Some(format!("{:04}-{m:02}-{day:02}", d.year))
}

/// Plans (`commit = false`) or records the assistance rows of `table` (columns as [`mapping`]
/// found them) for organisation `org_id`.
pub async fn import(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    file_name: &str,
    table: &Table,
    mapping: &[Option<&'static str>],
    commit: bool,
) -> Result<Outcome> {
    if let Some(a) = actor
        && !(a.org_id == org_id && a.can_write() && !a.sees_all())
    {
        return Err(Error::Forbidden);
    }
    let offered = categories::all(db).await?;
    let keys: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT member_key, id FROM registry_records WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .collect();
    let cell = |row: &[String], field: &str| -> String {
        mapping
            .iter()
            .position(|m| *m == Some(field))
            .and_then(|i| row.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let order = date::infer_order(
        table
            .rows
            .iter()
            .map(|(_, r)| cell(r, "given_on"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );

    let ledger_key = super::ledger_key(db)?;
    let _guard = super::APPEND_LOCK.lock().await;
    let mut tx = db.begin().await?;
    // What the member already recorded, to recognise a row imported before.
    let earlier: Vec<(i64, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT a.record_id, a.category, a.given_on, a.quantity, a.value_piastres, a.programme FROM assistance a \
         WHERE a.org_id = $1 AND a.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM assistance x WHERE x.reverses_id = a.id)",
    )
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut seen: HashSet<(i64, String, String, i64, i64, String)> = earlier.into_iter().collect();
    let mut out = Outcome {
        unreadable: table.unreadable.clone(),
        ..Outcome::default()
    };
    let (mut first_id, mut last_id) = (None, None);
    for (line, row) in &table.rows {
        let record_key = cell(row, "record_id");
        let mut fate = RowFate {
            line: *line,
            record_key: record_key.clone(),
            fate: Fate::Refused,
            problems: vec![],
            overlaps: vec![],
        };
        if let Some(i) = row.iter().position(|v| v.starts_with('=')) {
            let field = mapping.get(i).copied().flatten().unwrap_or("programme");
            fate.problems.push((field, "err-formula"));
        }
        let record_id = keys.get(&record_key).copied();
        if record_id.is_none() {
            fate.problems.push(("record_id", "err-unknown-record"));
        }
        let category = categories::named(&cell(row, "category"), &offered);
        if category.is_none() {
            fate.problems.push(("category", "err-choice"));
        }
        let scope = scope_of(&cell(row, "scope"));
        if scope.is_none() {
            fate.problems.push(("scope", "err-choice"));
        }
        let given_on = iso_date(&cell(row, "given_on"), order);
        if given_on.is_none() {
            fate.problems.push(("given_on", "err-date"));
        }
        let input = AssistanceInput {
            record_id: record_id.unwrap_or_default().to_string(),
            scope: scope.unwrap_or(super::Scope::Household.as_str()).to_owned(),
            category: category.map(|c| c.code.clone()).unwrap_or_default(),
            quantity: cell(row, "quantity"),
            value: cell(row, "value"),
            given_on: given_on.clone().unwrap_or_default(),
            programme: cell(row, "programme"),
            ..AssistanceInput::default()
        };
        let valid = match super::check_values(&input) {
            Ok(v) => Some(v),
            Err(errs) => {
                for (field, key) in errs.iter() {
                    if !fate.problems.iter().any(|(f, _)| *f == field) {
                        fate.problems.push((field, key));
                    }
                }
                None
            }
        };
        if let (Some(record_id), Some(_), Some(v), true) =
            (record_id, category, valid, fate.problems.is_empty())
        {
            let key = (
                record_id,
                v.category.clone(),
                v.given_on.clone(),
                v.quantity,
                v.value_piastres,
                v.programme.clone(),
            );
            if !seen.insert(key) {
                fate.fate = Fate::AlreadyRecorded;
                out.already += 1;
            } else {
                let (entry, overlaps) = super::append_with_overlaps(
                    &mut tx,
                    &ledger_key,
                    org_id,
                    record_id,
                    v,
                    actor.map(|a| a.user_id),
                )
                .await?;
                // Each entry has its own audit row (with its hash), like one recorded by hand.
                super::audit_entry(
                    &mut tx,
                    actor,
                    "import",
                    &entry,
                    None,
                    serde_json::json!({ "line": line, "overlaps": overlaps.len() }),
                )
                .await?;
                first_id.get_or_insert(entry.id);
                last_id = Some(entry.id);
                fate.fate = Fate::Recorded;
                fate.overlaps = overlaps;
                out.recorded += 1;
                out.overlapping += usize::from(!fate.overlaps.is_empty());
            }
        } else {
            out.refused += 1;
        }
        out.rows.push(fate);
    }
    if !commit {
        tx.rollback().await?;
        return Ok(out);
    }
    // And one for the file (it names no entry: each entry has its own).
    audit::record(
        &mut tx,
        actor,
        "import",
        "assistance_list",
        None,
        None,
        Some(serde_json::json!({
            "org_id": org_id, "file": file_name, "recorded": out.recorded,
            "already_recorded": out.already, "refused": out.refused,
            "overlapping": out.overlapping, "entries": [first_id, last_id],
        })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    out.committed = true;
    tracing::info!(
        org_id,
        recorded = out.recorded,
        refused = out.refused,
        "assistance import committed"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_scopes_and_dates_are_read_as_members_write_them() {
        let offered = vec![categories::Category {
            code: "food_box".into(),
            name_ar: "كرتونة مواد غذائية".into(),
            name_en: "Food box".into(),
            sector: "relief".into(),
            active: true,
        }];
        for cell in ["food_box", "Food Box", "كرتونه مواد غذائيه", " FOOD_BOX "] {
            assert!(categories::named(cell, &offered).is_some(), "{cell}");
        }
        assert!(categories::named("cash", &offered).is_none());
        assert_eq!(scope_of(""), Some("household"));
        assert_eq!(scope_of("الأسرة"), Some("household"));
        assert_eq!(scope_of("فرد"), Some("person"));
        assert_eq!(scope_of("family?"), None);
        let dmy = date::Order::DayFirst;
        assert_eq!(iso_date("2026-03-01", dmy).as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("١/٣/٢٠٢٦", dmy).as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("46082", dmy).as_deref(), Some("2026-03-01"));
        assert_eq!(iso_date("2026", dmy), None);
        assert_eq!(iso_date("31/02/2026", dmy), None);
    }
}
