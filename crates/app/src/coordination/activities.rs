//! Activities members report that are not aid to a registered person — a training, an
//! awareness session, a medical convoy, a rehabilitated school: their kind, place, dates, status
//! and the people they reached as the member counted them. One at a time from a form, or many
//! from a CSV/XLSX list with a preview first (the whole list planned in one transaction and rolled
//! back, so the preview is exactly what saving does). Each member sees and changes its own; the
//! secretariat sees all; everyone sees the totals in the 4W.

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result, form_date};
use crate::kinds::{ACTIVITIES, Category};
use crate::paging::Page;
use crate::table::{FileError, Table, header_key};
use serde::{Deserialize, Serialize};

pub const STATUSES: [&str; 3] = ["planned", "ongoing", "done"];

/// The most people one activity may say it reached (a national campaign is still under this).
const MAX_REACHED: i64 = 10_000_000;

pub const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub org_id: i64,
    pub type_code: String,
    pub title: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub reached_total: i64,
    pub reached_women: i64,
    pub reached_children: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS_SQL: &str = "id, org_id, type_code, title, governorate, district, village, starts_on, ends_on, status, \
     reached_total, reached_women, reached_children, created_at, updated_at";

/// An activity as a form (or a list's row) gives it: every field as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityInput {
    pub type_code: String,
    pub title: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub reached_total: String,
    pub reached_women: String,
    pub reached_children: String,
    /// The form's key: the same key twice saves once (see [`crate::submissions`]).
    pub submission: String,
}

/// An activity's checked values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Valid {
    pub type_code: String,
    pub title: String,
    /// The governorate's two-digit code.
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub reached_total: i64,
    pub reached_women: i64,
    pub reached_children: i64,
}

/// A count of people as typed: empty is 0; Arabic-Indic digits and thousands separators are
/// read; anything else, a negative or an absurd number is `None`.
fn count(raw: &str) -> Option<i64> {
    let digits: String = link::normalize::arabic::western_digits(raw.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '٬' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    // A spreadsheet may give a whole number as "120.0".
    let digits = digits.strip_suffix(".0").unwrap_or(&digits);
    if digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| *n <= MAX_REACHED)
}

/// A status as typed: its code, or its Arabic or English word.
fn status_of(cell: &str) -> Option<&'static str> {
    match header_key(cell.trim()).as_str() {
        "planned" | "مخطط" | "مخططه" | "مخطط له" | "لم يبدا" => {
            Some("planned")
        }
        "ongoing" | "جاري" | "جاريه" | "قيد التنفيذ" | "مستمر" => {
            Some("ongoing")
        }
        "done" | "completed" | "تم" | "منفذ" | "منفذه" | "انتهى" | "اكتمل" => {
            Some("done")
        }
        _ => None,
    }
}

impl ActivityInput {
    /// Checks every field, with the kinds of activity on offer; the errors name their fields.
    pub fn check(&self, offered: &[Category]) -> std::result::Result<Valid, FieldErrors> {
        let mut errs = FieldErrors::default();
        let kind = crate::kinds::named(&self.type_code, offered);
        if kind.is_none() {
            errs.add(
                "type_code",
                if self.type_code.trim().is_empty() {
                    "err-required"
                } else {
                    "err-choice"
                },
            );
        }
        let title = self.title.trim().to_owned();
        if title.is_empty() {
            errs.add("title", "err-required");
        } else if title.chars().count() > 200 {
            errs.add("title", "err-too-long");
        }
        let governorate = super::governorate(&self.governorate);
        if governorate.is_none() {
            errs.add(
                "governorate",
                if self.governorate.trim().is_empty() {
                    "err-required"
                } else {
                    "err-governorate"
                },
            );
        }
        for (field, value) in [("district", &self.district), ("village", &self.village)] {
            if value.trim().chars().count() > 100 {
                errs.add(field, "err-too-long");
            }
        }
        let starts_on = form_date(&self.starts_on);
        let ends_on = if self.ends_on.trim().is_empty() {
            starts_on.clone()
        } else {
            form_date(&self.ends_on)
        };
        let in_range = |d: &str| ("2000-01-01".."2100-01-01").contains(&d);
        match &starts_on {
            None => errs.add("starts_on", "err-date"),
            Some(d) if !in_range(d) => errs.add("starts_on", "err-date-years"),
            _ => {}
        }
        match (&starts_on, &ends_on) {
            // An end left empty is the start: its error is the start's alone.
            (None, None) if self.ends_on.trim().is_empty() => {}
            (_, None) => errs.add("ends_on", "err-date"),
            (Some(s), Some(e)) if e < s => errs.add("ends_on", "err-ends-before-start"),
            (_, Some(e)) if !in_range(e) => errs.add("ends_on", "err-date-years"),
            _ => {}
        }
        let status = status_of(&self.status);
        if status.is_none() {
            errs.add(
                "status",
                if self.status.trim().is_empty() {
                    "err-required"
                } else {
                    "err-choice"
                },
            );
        }
        let total = count(&self.reached_total);
        let women = count(&self.reached_women);
        let children = count(&self.reached_children);
        for (field, n) in [
            ("reached_total", total),
            ("reached_women", women),
            ("reached_children", children),
        ] {
            if n.is_none() {
                errs.add(field, "err-people");
            }
        }
        if let (Some(t), Some(w)) = (total, women)
            && w > t
        {
            errs.add("reached_women", "err-part-over-total");
        }
        if let (Some(t), Some(c)) = (total, children)
            && c > t
        {
            errs.add("reached_children", "err-part-over-total");
        }
        // A planned activity has reached nobody yet; one done or under way usually has.
        if status == Some("planned") && total.is_some_and(|t| t > 0) {
            errs.add("reached_total", "err-planned-reached");
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Valid {
            type_code: kind.map(|k| k.code.clone()).unwrap_or_default(),
            title,
            governorate: governorate.map(|g| g.code.to_owned()).unwrap_or_default(),
            district: self.district.trim().to_owned(),
            village: self.village.trim().to_owned(),
            starts_on: starts_on.unwrap_or_default(),
            ends_on: ends_on.unwrap_or_default(),
            status: status.unwrap_or_default().to_owned(),
            reached_total: total.unwrap_or(0),
            reached_women: women.unwrap_or(0),
            reached_children: children.unwrap_or(0),
        })
    }
}

impl Valid {
    fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// A member's writer: only members report activities, and only while active.
fn reporter(actor: &Actor) -> Result<()> {
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// Saves a new activity of the actor's organisation; the id of what was saved, and whether it
/// had been saved before under the same submission key.
pub async fn create(db: &Db, actor: &Actor, input: &ActivityInput) -> Result<(i64, bool)> {
    reporter(actor)?;
    let submission = crate::submissions::key(&input.submission)?;
    let offered = ACTIVITIES.all(db).await?;
    let v = input.check(&offered).map_err(Error::Validation)?;
    let mut tx = db.begin().await?;
    if let Some(s) = submission
        && let Some(id) = crate::submissions::earlier(&mut tx, actor.org_id, "activity", s).await?
    {
        tx.rollback().await?;
        return Ok((id, true));
    }
    let id = insert(&mut tx, actor, &v).await?;
    if let Some(s) = submission {
        crate::submissions::remember(&mut tx, actor.org_id, "activity", s, id).await?;
    }
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok((id, false))
}

async fn insert(tx: &mut db::Tx<'_>, actor: &Actor, v: &Valid) -> Result<i64> {
    let now = db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO activities (org_id, type_code, title, governorate, district, village, starts_on, ends_on, status, \
         reached_total, reached_women, reached_children, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(actor.org_id)
    .bind(&v.type_code)
    .bind(&v.title)
    .bind(&v.governorate)
    .bind(&v.district)
    .bind(&v.village)
    .bind(&v.starts_on)
    .bind(&v.ends_on)
    .bind(&v.status)
    .bind(v.reached_total)
    .bind(v.reached_women)
    .bind(v.reached_children)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        Some(actor),
        "create",
        "activity",
        Some(id),
        None,
        Some(v.audit_json()),
    )
    .await?;
    Ok(id)
}

/// One activity, for the actor: its own organisation's, or any for the secretariat.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Activity> {
    let a: Activity = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS_SQL} FROM activities WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    if !actor.sees_all() && a.org_id != actor.org_id {
        return Err(Error::NotFound);
    }
    Ok(a)
}

/// Changes one of the actor's organisation's activities (its status as it goes on, the people
/// it reached once done…).
pub async fn update(db: &Db, actor: &Actor, id: i64, input: &ActivityInput) -> Result<()> {
    reporter(actor)?;
    let before = get(db, actor, id).await?;
    let offered = ACTIVITIES.all(db).await?;
    // A retired kind stays valid on an activity that already had it.
    let mut offered = offered;
    for k in offered.iter_mut() {
        if k.code == before.type_code {
            k.active = true;
        }
    }
    let v = input.check(&offered).map_err(Error::Validation)?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE activities SET type_code = $1, title = $2, governorate = $3, district = $4, village = $5, \
         starts_on = $6, ends_on = $7, status = $8, reached_total = $9, reached_women = $10, reached_children = $11, \
         updated_at = $12 WHERE id = $13",
    )
    .bind(&v.type_code)
    .bind(&v.title)
    .bind(&v.governorate)
    .bind(&v.district)
    .bind(&v.village)
    .bind(&v.starts_on)
    .bind(&v.ends_on)
    .bind(&v.status)
    .bind(v.reached_total)
    .bind(v.reached_women)
    .bind(v.reached_children)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let was = Valid {
        type_code: before.type_code,
        title: before.title,
        governorate: before.governorate,
        district: before.district,
        village: before.village,
        starts_on: before.starts_on,
        ends_on: before.ends_on,
        status: before.status,
        reached_total: before.reached_total,
        reached_women: before.reached_women,
        reached_children: before.reached_children,
    };
    audit::record(
        &mut tx,
        Some(actor),
        "update",
        "activity",
        Some(id),
        Some(was.audit_json()),
        Some(v.audit_json()),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Picture);
    Ok(())
}

/// Which activities a list shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub type_code: String,
    pub governorate: String,
    pub status: String,
    /// Words of the title, district or village.
    pub q: String,
    /// The secretariat's choice of member (by id); members always see their own.
    pub org: String,
}

/// A page of the activities the actor may see, newest first, and how many there are.
pub async fn list(db: &Db, actor: &Actor, f: &Filter, page: Page) -> Result<(Vec<Activity>, i64)> {
    let mut binds = db::Binds::default();
    let mut clauses = Vec::new();
    if !actor.sees_all() {
        clauses.push(format!("org_id = {}", binds.add(actor.org_id)));
    } else if let Ok(org) = f.org.trim().parse::<i64>() {
        clauses.push(format!("org_id = {}", binds.add(org)));
    }
    if !f.type_code.trim().is_empty() {
        clauses.push(format!(
            "type_code = {}",
            binds.add(f.type_code.trim().to_owned())
        ));
    }
    if let Some(g) = super::governorate(&f.governorate) {
        clauses.push(format!("governorate = {}", binds.add(g.code.to_owned())));
    }
    if STATUSES.contains(&f.status.trim()) {
        clauses.push(format!(
            "status = {}",
            binds.add(f.status.trim().to_owned())
        ));
    }
    if !f.q.trim().is_empty() {
        let like = db::contains_pattern(f.q.trim());
        let p = binds.add(like);
        clauses.push(format!(
            "(LOWER(title) LIKE {p} ESCAPE '\\' OR LOWER(district) LIKE {p} ESCAPE '\\' OR LOWER(village) LIKE {p} ESCAPE '\\')"
        ));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM activities {filter}");
    let (total,): (i64,) = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(count_sql)))
        .fetch_one(&db.pool)
        .await?;
    let page = page.within(total);
    let list_sql = format!(
        "SELECT {COLUMNS_SQL} FROM activities {filter} ORDER BY starts_on DESC, id DESC LIMIT {} OFFSET {}",
        page.size(),
        page.offset()
    );
    let rows = binds
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(list_sql)))
        .fetch_all(&db.pool)
        .await?;
    Ok((rows, total))
}

/// The columns of an activities list, with the header spellings recognised (compared folded,
/// see [`header_key`]).
pub const COLUMNS: [(&str, &[&str]); 10] = [
    (
        "type_code",
        &[
            "type",
            "activity type",
            "kind",
            "نوع النشاط",
            "النشاط",
            "النوع",
        ],
    ),
    (
        "title",
        &[
            "title",
            "name",
            "activity",
            "description",
            "اسم النشاط",
            "العنوان",
            "الوصف",
        ],
    ),
    ("governorate", &["governorate", "gov", "المحافظة", "محافظة"]),
    (
        "district",
        &["district", "markaz", "المركز", "مركز", "الحي", "القسم"],
    ),
    (
        "village",
        &["village", "location", "القرية", "قرية", "المكان"],
    ),
    (
        "starts_on",
        &[
            "start",
            "start date",
            "from",
            "starts_on",
            "تاريخ البدء",
            "من",
            "البداية",
            "التاريخ",
        ],
    ),
    (
        "ends_on",
        &[
            "end",
            "end date",
            "to",
            "ends_on",
            "تاريخ الانتهاء",
            "الى",
            "النهاية",
        ],
    ),
    ("status", &["status", "الحالة"]),
    (
        "reached_total",
        &[
            "reached",
            "people reached",
            "total",
            "participants",
            "عدد المستفيدين",
            "المستفيدون",
            "العدد",
            "الإجمالي",
        ],
    ),
    (
        "reached_women",
        &["women", "female", "النساء", "السيدات", "عدد السيدات"],
    ),
];

/// The children's column is recognised too, but is optional like the women's.
const CHILDREN: &[&str] = &["children", "kids", "الأطفال", "عدد الأطفال"];

/// Which field each column of a list holds; the type, title, governorate, start and status
/// must be there.
pub fn mapping(table: &Table) -> std::result::Result<Vec<Option<&'static str>>, FileError> {
    let mapping: Vec<Option<&'static str>> = table
        .headers
        .iter()
        .map(|h| {
            let k = header_key(h);
            if CHILDREN.iter().any(|n| header_key(n) == k) {
                return Some("reached_children");
            }
            COLUMNS
                .iter()
                .find(|(_, names)| names.iter().any(|n| header_key(n) == k))
                .map(|(f, _)| *f)
        })
        .collect();
    for required in ["type_code", "title", "governorate", "starts_on", "status"] {
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

/// One row of a list, as planned or saved.
#[derive(Debug, Clone, Serialize)]
pub struct RowFate {
    pub line: u64,
    pub title: String,
    pub saved: bool,
    /// Why it was refused: (field, message key).
    pub problems: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub committed: bool,
    pub rows: Vec<RowFate>,
    pub saved: usize,
    pub refused: usize,
}

/// Plans (`commit = None`) or saves the activities of `table` for the actor's organisation, in
/// one transaction: a plan is the same work rolled back. Saving takes the upload it came from
/// (`commit = Some(upload id)`) in the same transaction, so that the same list saved twice at
/// once — a double click — is saved once: the second finds its upload gone.
pub async fn import(
    db: &Db,
    actor: &Actor,
    table: &Table,
    mapping: &[Option<&'static str>],
    commit: Option<i64>,
) -> Result<Outcome> {
    reporter(actor)?;
    let offered = ACTIVITIES.all(db).await?;
    let mut tx = db.begin().await?;
    if let Some(upload) = commit {
        let taken = sqlx::query("DELETE FROM uploads WHERE id = $1 AND org_id = $2")
            .bind(upload)
            .bind(actor.org_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            return Err(Error::Conflict("err-list-saved"));
        }
    }
    let commit = commit.is_some();
    let mut out = Outcome {
        committed: commit,
        ..Outcome::default()
    };
    for (line, row) in &table.rows {
        let mut input = ActivityInput::default();
        for (cell, field) in row.iter().zip(mapping) {
            let slot = match field {
                Some("type_code") => &mut input.type_code,
                Some("title") => &mut input.title,
                Some("governorate") => &mut input.governorate,
                Some("district") => &mut input.district,
                Some("village") => &mut input.village,
                Some("starts_on") => &mut input.starts_on,
                Some("ends_on") => &mut input.ends_on,
                Some("status") => &mut input.status,
                Some("reached_total") => &mut input.reached_total,
                Some("reached_women") => &mut input.reached_women,
                Some("reached_children") => &mut input.reached_children,
                _ => continue,
            };
            *slot = cell.clone();
        }
        let line = *line;
        let title = crate::table::excerpt(&input.title, 80);
        match input.check(&offered) {
            Ok(v) => {
                insert(&mut tx, actor, &v).await?;
                out.saved += 1;
                out.rows.push(RowFate {
                    line,
                    title,
                    saved: true,
                    problems: Vec::new(),
                });
            }
            Err(errs) => {
                out.refused += 1;
                out.rows.push(RowFate {
                    line,
                    title,
                    saved: false,
                    problems: errs.iter().collect(),
                });
            }
        }
    }
    if commit {
        tx.commit().await?;
        crate::cache::changed(crate::cache::Topic::Picture);
    } else {
        tx.rollback().await?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds() -> Vec<Category> {
        vec![Category {
            code: "training".into(),
            name_ar: "تدريب".into(),
            name_en: "Training".into(),
            sector: "livelihoods".into(),
            active: true,
        }]
    }

    fn input() -> ActivityInput {
        ActivityInput {
            type_code: "تدريب".into(),
            title: "تدريب على الخياطة".into(),
            governorate: "محافظة سوهاج".into(),
            district: "مركز أخميم".into(),
            village: "".into(),
            starts_on: "١/٣/٢٠٢٦".into(),
            ends_on: "".into(),
            status: "منفذ".into(),
            reached_total: "1,200".into(),
            reached_women: "٨٠٠".into(),
            reached_children: "".into(),
            submission: "".into(),
        }
    }

    #[test]
    fn a_clerks_row_is_read_as_she_wrote_it() {
        let v = input().check(&kinds()).unwrap();
        assert_eq!(v.type_code, "training");
        assert_eq!(v.governorate, "26");
        assert_eq!(v.starts_on, "2026-03-01");
        assert_eq!(v.ends_on, "2026-03-01");
        assert_eq!(v.status, "done");
        assert_eq!(
            (v.reached_total, v.reached_women, v.reached_children),
            (1200, 800, 0)
        );
    }

    #[test]
    fn impossible_counts_and_dates_are_refused_by_field() {
        let mut bad = input();
        bad.reached_total = "50".into();
        bad.reached_women = "60".into();
        bad.reached_children = "-3".into();
        bad.ends_on = "1/1/2026".into();
        bad.governorate = "Atlantis".into();
        let errs = bad.check(&kinds()).unwrap_err();
        assert_eq!(errs.get("reached_women"), Some("err-part-over-total"));
        assert_eq!(errs.get("reached_children"), Some("err-people"));
        assert_eq!(errs.get("ends_on"), Some("err-ends-before-start"));
        assert_eq!(errs.get("governorate"), Some("err-governorate"));
        let mut huge = input();
        huge.reached_total = "99999999999999999999".into();
        assert_eq!(
            huge.check(&kinds()).unwrap_err().get("reached_total"),
            Some("err-people")
        );
        let mut planned = input();
        planned.status = "planned".into();
        assert_eq!(
            planned.check(&kinds()).unwrap_err().get("reached_total"),
            Some("err-planned-reached")
        );
    }
}
