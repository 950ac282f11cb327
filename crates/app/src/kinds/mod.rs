//! The kinds of assistance members record (food box, cash, medical…): the secretariat adds,
//! renames and retires them. A retired category stays on the entries and rules that used it
//! but is no longer offered.

use crate::access::Actor;
use crate::audit;
use crate::db::Db;
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Category {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub active: bool,
}

/// Every category, retired ones included (entries keep them), by code.
pub async fn all(db: &Db) -> Result<Vec<Category>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT code, name_ar, name_en, active FROM assistance_categories ORDER BY code",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name_ar, name_en, active)| Category {
            code,
            name_ar,
            name_en,
            active: active != 0,
        })
        .collect())
}

/// Whether `code` is a category members may record now.
pub async fn is_offered(db: &Db, code: &str) -> Result<bool> {
    Ok(all(db).await?.iter().any(|c| c.active && c.code == code))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryInput {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// "1" offered, anything else retired (a form's checkbox).
    pub active: String,
}

impl CategoryInput {
    fn validate(&mut self) -> Result<()> {
        self.code = self.code.trim().to_lowercase();
        self.name_ar = self.name_ar.trim().to_owned();
        self.name_en = self.name_en.trim().to_owned();
        let mut errs = FieldErrors::default();
        errs.code("code", &self.code);
        errs.name("name_ar", &self.name_ar);
        errs.name("name_en", &self.name_en);
        errs.check()
    }
}

/// Adds a category (`existing` = None) or renames, retires or offers again the one with code
/// `existing` (whose code does not change: entries and rules refer to it).
pub async fn save(
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
    let before: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT name_ar, name_en, active FROM assistance_categories WHERE code = $1",
    )
    .bind(&input.code)
    .fetch_optional(&mut *tx)
    .await?;
    match (existing, &before) {
        (None, Some(_)) => {
            let mut errs = FieldErrors::default();
            errs.add("code", "err-code-taken");
            return Err(Error::Validation(errs));
        }
        (Some(_), None) => return Err(Error::NotFound),
        (None, None) => {
            sqlx::query(
                "INSERT INTO assistance_categories (code, name_ar, name_en, active) VALUES ($1, $2, $3, 1)",
            )
            .bind(&input.code)
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .execute(&mut *tx)
            .await?;
        }
        (Some(_), Some(_)) => {
            sqlx::query(
                "UPDATE assistance_categories SET name_ar = $1, name_en = $2, active = $3 WHERE code = $4",
            )
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .bind(active)
            .bind(&input.code)
            .execute(&mut *tx)
            .await?;
        }
    }
    let as_json = |name_ar: &str, name_en: &str, active: i64| serde_json::json!({ "code": input.code, "name_ar": name_ar, "name_en": name_en, "active": active != 0 });
    audit::record(
        &mut tx,
        Some(actor),
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        "assistance_category",
        None,
        before.map(|(ar, en, a)| as_json(&ar, &en, a)),
        Some(as_json(&input.name_ar, &input.name_en, active)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
            active: "1".into(),
        };
        assert!(ok.validate().is_ok());
        assert_eq!(ok.code, "winter_kit");
        let mut bad = CategoryInput {
            code: "كرتونة".into(),
            name_ar: "".into(),
            name_en: "x".repeat(201),
            active: String::new(),
        };
        let Err(crate::error::Error::Validation(errs)) = bad.validate() else {
            panic!("accepted");
        };
        assert_eq!(errs.get("code"), Some("err-code-format"));
        assert_eq!(errs.get("name_ar"), Some("err-required"));
        assert_eq!(errs.get("name_en"), Some("err-too-long"));
    }
}
