//! The lists of kinds the secretariat keeps: the kinds of assistance members record (food box,
//! cash, medical…) and the kinds of activity they report (a training, a medical convoy…). A kind
//! has a code (what entries refer to, so it never changes), Arabic and English names and a
//! sector (where it sits in the 4W); the secretariat adds, renames and retires kinds. A retired
//! kind stays on what used it but is no longer offered.

pub mod routes;

use crate::access::Actor;
use crate::audit;
use crate::db::Db;
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};

/// One of the lists: its table and its name in the audit trail.
pub struct List {
    table: &'static str,
    entity: &'static str,
}

/// The kinds of assistance.
pub const ASSISTANCE: List = List {
    table: "assistance_categories",
    entity: "assistance_category",
};

/// The kinds of activity members report.
pub const ACTIVITIES: List = List {
    table: "activity_types",
    entity: "activity_type",
};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Category {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub sector: String,
    pub active: bool,
}

/// Every kind of assistance, retired ones included (entries keep them), by code.
pub async fn all(db: &Db) -> Result<Vec<Category>> {
    ASSISTANCE.all(db).await
}

/// Whether `code` is a kind of assistance members may record now.
pub async fn is_offered(db: &Db, code: &str) -> Result<bool> {
    ASSISTANCE.is_offered(db, code).await
}

/// Adds or changes a kind of assistance (see [`List::save`]).
pub async fn save(
    db: &Db,
    actor: &Actor,
    existing: Option<&str>,
    input: CategoryInput,
) -> Result<()> {
    ASSISTANCE.save(db, actor, existing, input).await
}

/// The kind on offer a cell of a member's list names: its code, or its Arabic or English name
/// (compared folded, as headers are).
pub fn named<'a>(cell: &str, offered: &'a [Category]) -> Option<&'a Category> {
    let k = crate::table::header_key(cell.trim());
    offered.iter().filter(|c| c.active).find(|c| {
        [&c.code, &c.name_ar, &c.name_en]
            .iter()
            .any(|name| crate::table::header_key(name) == k)
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryInput {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub sector: String,
    /// "1" offered, anything else retired (a form's checkbox).
    pub active: String,
}

impl CategoryInput {
    fn validate(&mut self) -> Result<()> {
        self.code = self.code.trim().to_lowercase();
        self.name_ar = self.name_ar.trim().to_owned();
        self.name_en = self.name_en.trim().to_owned();
        self.sector = self.sector.trim().to_owned();
        let mut errs = FieldErrors::default();
        errs.code("code", &self.code);
        errs.name("name_ar", &self.name_ar);
        errs.name("name_en", &self.name_en);
        if self.sector.is_empty() {
            errs.add("sector", "err-required");
        } else if !crate::orgs::SECTORS.contains(&self.sector.as_str()) {
            errs.add("sector", "err-choice");
        }
        errs.check()
    }
}

impl List {
    /// Every kind of the list, retired ones included, by code.
    /// Read on most pages and changed a few times a year: kept a minute, and read again as soon
    /// as a kind is saved on this server (`save` says `Topic::Picture`).
    pub async fn all(&self, db: &Db) -> Result<Vec<Category>> {
        static ALL: std::sync::LazyLock<crate::cache::Cache<Vec<Category>>> =
            std::sync::LazyLock::new(|| {
                crate::cache::Cache::new(
                    std::time::Duration::from_secs(60),
                    64,
                    &[crate::cache::Topic::Picture],
                )
            });
        let kinds = ALL
            .get_or_load(format!("{}:{}", db.id, self.table), || async {
                let rows: Vec<(String, String, String, String, i64)> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT code, name_ar, name_en, sector, active FROM {} ORDER BY code",
                        self.table
                    )))
                    .fetch_all(&db.pool)
                    .await?;
                Ok::<_, crate::error::Error>(
                    rows.into_iter()
                        .map(|(code, name_ar, name_en, sector, active)| Category {
                            code,
                            name_ar,
                            name_en,
                            sector,
                            active: active != 0,
                        })
                        .collect(),
                )
            })
            .await?;
        Ok(kinds.as_ref().clone())
    }

    /// Whether `code` is a kind members may use now.
    pub async fn is_offered(&self, db: &Db, code: &str) -> Result<bool> {
        Ok(self
            .all(db)
            .await?
            .iter()
            .any(|c| c.active && c.code == code))
    }

    /// Adds a kind (`existing` = None) or renames, moves to another sector, retires or offers
    /// again the one with code `existing` (whose code does not change: entries refer to it).
    pub async fn save(
        &self,
        db: &Db,
        actor: &Actor,
        existing: Option<&str>,
        mut input: CategoryInput,
    ) -> Result<()> {
        if !actor.is_secretariat_admin() {
            return Err(Error::Forbidden);
        }
        if let Some(code) = existing {
            input.code = code.to_owned();
        }
        input.validate()?;
        let active = i64::from(input.active == "1" || existing.is_none());
        let mut tx = db.begin().await?;
        let before: Option<(String, String, String, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name_ar, name_en, sector, active FROM {} WHERE code = $1",
                self.table
            )))
            .bind(&input.code)
            .fetch_optional(&mut *tx)
            .await?;
        match (existing, &before) {
            (None, Some(_)) => return Err(Error::field("code", "err-code-taken")),
            (Some(_), None) => return Err(Error::NotFound),
            (None, None) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {} (code, name_ar, name_en, sector, active) VALUES ($1, $2, $3, $4, 1)",
                    self.table
                )))
                .bind(&input.code)
                .bind(&input.name_ar)
                .bind(&input.name_en)
                .bind(&input.sector)
                .execute(&mut *tx)
                .await?;
            }
            (Some(_), Some(_)) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {} SET name_ar = $1, name_en = $2, sector = $3, active = $4 WHERE code = $5",
                    self.table
                )))
                .bind(&input.name_ar)
                .bind(&input.name_en)
                .bind(&input.sector)
                .bind(active)
                .bind(&input.code)
                .execute(&mut *tx)
                .await?;
            }
        }
        let as_json = |name_ar: &str, name_en: &str, sector: &str, active: i64| serde_json::json!({ "code": input.code, "name_ar": name_ar, "name_en": name_en, "sector": sector, "active": active != 0 });
        audit::record(
            &mut tx,
            Some(actor),
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            self.entity,
            None,
            before.map(|(ar, en, sector, a)| as_json(&ar, &en, &sector, a)),
            Some(as_json(
                &input.name_ar,
                &input.name_en,
                &input.sector,
                active,
            )),
        )
        .await?;
        tx.commit().await?;
        // The alliance's picture names kinds and their sectors.
        crate::cache::changed(crate::cache::Topic::Picture);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::CategoryInput;

    #[test]
    fn codes_and_names_are_checked() {
        let mut ok = CategoryInput {
            code: " Winter_Kit ".into(),
            name_ar: "شنطة الشتاء".into(),
            name_en: "Winter kit".into(),
            sector: "relief".into(),
            active: "1".into(),
        };
        assert!(ok.validate().is_ok());
        assert_eq!(ok.code, "winter_kit");
        let mut bad = CategoryInput {
            code: "كرتونة".into(),
            name_ar: "".into(),
            name_en: "x".repeat(201),
            sector: "weather".into(),
            active: String::new(),
        };
        let Err(crate::error::Error::Validation(errs)) = bad.validate() else {
            panic!("accepted");
        };
        assert_eq!(errs.get("code"), Some("err-code-format"));
        assert_eq!(errs.get("name_ar"), Some("err-required"));
        assert_eq!(errs.get("name_en"), Some("err-too-long"));
        assert_eq!(errs.get("sector"), Some("err-choice"));
    }
}
