//! The alliance's organisations: the technical secretariat and its member foundations, with
//! their profile, the governorates they cover and their membership history.

pub mod routes;

/// Egypt's governorates, shared with the linkage engine's place normaliser.
pub use link::normalize::place as governorates;

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};

pub const STATUSES: [&str; 3] = ["active", "suspended", "left"];

pub const SECTORS: [&str; 8] = [
    "relief",
    "health",
    "education",
    "livelihoods",
    "women_children",
    "disability",
    "housing",
    "water_sanitation",
];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Org {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name_ar: String,
    pub name_en: String,
    pub sectors: String,
    pub governorates: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An organisation's kind: the one secretariat, or a member foundation (stored as text).
pub const KIND_SECRETARIAT: &str = "secretariat";
pub const KIND_MEMBER: &str = "member";

impl Org {
    pub fn is_member(&self) -> bool {
        self.kind == KIND_MEMBER
    }
    pub fn is_secretariat(&self) -> bool {
        self.kind == KIND_SECRETARIAT
    }
}

const ORG_COLUMNS: &str = "id, code, kind, name_ar, name_en, sectors, governorates, contact_name, contact_phone, \
                           contact_email, status, created_at, updated_at";

/// The editable part of an organisation's profile, as submitted by a form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OrgInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_ar: String,
    #[serde(default)]
    pub name_en: String,
    /// Sector keys, comma-separated in forms.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// Governorate codes (`01`…`35`).
    #[serde(default)]
    pub governorates: Vec<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
}

impl OrgInput {
    pub fn from_org(o: &Org) -> Self {
        OrgInput {
            code: o.code.clone(),
            name_ar: o.name_ar.clone(),
            name_en: o.name_en.clone(),
            sectors: split_list(&o.sectors),
            governorates: split_list(&o.governorates),
            contact_name: o.contact_name.clone(),
            contact_phone: o.contact_phone.clone(),
            contact_email: o.contact_email.clone(),
        }
    }

    /// Trims and checks every field; the messages are keys in `errors.ftl`.
    fn validate(&mut self) -> Result<()> {
        let mut errs = FieldErrors::default();
        self.code = self.code.trim().to_lowercase();
        self.name_ar = self.name_ar.trim().to_owned();
        self.name_en = self.name_en.trim().to_owned();
        self.contact_name = self.contact_name.trim().to_owned();
        self.contact_phone = self.contact_phone.trim().to_owned();
        self.contact_email = self.contact_email.trim().to_lowercase();
        errs.code("code", &self.code);
        errs.name("name_ar", &self.name_ar);
        errs.name("name_en", &self.name_en);
        if self.contact_name.chars().count() > 200 {
            errs.add("contact_name", "err-too-long");
        }
        if !self.contact_phone.is_empty()
            && (self.contact_phone.len() > 20
                || !self
                    .contact_phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-".contains(c)))
        {
            errs.add("contact_phone", "err-phone");
        }
        if !self.contact_email.is_empty() {
            errs.email("contact_email", &self.contact_email);
        }
        self.sectors.retain(|s| !s.trim().is_empty());
        if self.sectors.iter().any(|s| !SECTORS.contains(&s.as_str())) {
            errs.add("sectors", "err-choice");
        }
        self.governorates.retain(|s| !s.trim().is_empty());
        if self
            .governorates
            .iter()
            .any(|g| governorates::by_code(g).is_none())
        {
            errs.add("governorates", "err-choice");
        }
        self.sectors.sort();
        self.sectors.dedup();
        self.governorates.sort();
        self.governorates.dedup();
        errs.check()
    }
}

/// Splits a stored comma-separated list.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn get(db: &Db, id: i64) -> Result<Org> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(&db.pool)
    .await?)
}

pub async fn by_code(db: &Db, code: &str) -> Result<Org> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE code = $1"
    )))
    .bind(code.trim().to_lowercase())
    .fetch_one(&db.pool)
    .await?)
}

/// The alliance directory: every organisation, secretariat first. Visible to every signed-in
/// user (names, coverage and contact person are the alliance's shared directory).
pub async fn list(db: &Db) -> Result<Vec<Org>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLUMNS} FROM orgs ORDER BY CASE WHEN kind = 'secretariat' THEN 0 ELSE 1 END, name_en"
    )))
    .fetch_all(&db.pool)
    .await?)
}

/// Every organisation's (Arabic, English) names by id as text, for pages that name the member a
/// row belongs to (template maps are keyed by text).
pub async fn names(db: &Db) -> Result<std::collections::HashMap<String, (String, String)>> {
    Ok(list(db)
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), (o.name_ar, o.name_en)))
        .collect())
}

/// A member may not carry the secretariat's name in either language: its pages, agreements and
/// messages would then read as the secretariat's to other members. Names are compared folded
/// (case, spacing, hamza and alef forms, diacritics and punctuation aside), each against both.
async fn refuse_secretariat_names(db: &Db, input: &OrgInput) -> Result<()> {
    use link::normalize::arabic::fold;
    let secretariat = match secretariat(db).await {
        Ok(org) => org,
        Err(Error::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    let taken = [fold(&secretariat.name_ar), fold(&secretariat.name_en)];
    let mut errs = FieldErrors::default();
    for (field, name) in [("name_ar", &input.name_ar), ("name_en", &input.name_en)] {
        let name = fold(name);
        if !name.is_empty() && taken.contains(&name) {
            errs.add(field, "err-name-secretariat");
        }
    }
    errs.check()
}

/// Creates an organisation. Only a secretariat admin may (or the command line, `actor = None`).
pub async fn create(
    db: &Db,
    actor: Option<&Actor>,
    kind: &str,
    mut input: OrgInput,
) -> Result<i64> {
    if actor.is_some_and(|a| !a.is_secretariat_admin()) {
        return Err(Error::Forbidden);
    }
    if kind != KIND_MEMBER && kind != KIND_SECRETARIAT {
        return Err(Error::field("kind", "err-choice"));
    }
    input.validate()?;
    if kind == KIND_MEMBER {
        refuse_secretariat_names(db, &input).await?;
    }
    if kind == KIND_SECRETARIAT {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE kind = 'secretariat'")
            .fetch_one(&db.pool)
            .await?;
        if n > 0 {
            return Err(Error::Conflict("err-one-secretariat"));
        }
    }
    let now = db::now();
    let mut tx = db.begin().await?;
    let res: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO orgs (code, kind, name_ar, name_en, sectors, governorates, contact_name, contact_phone, contact_email, \
         status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $10) RETURNING id",
    )
    .bind(&input.code)
    .bind(kind)
    .bind(&input.name_ar)
    .bind(&input.name_en)
    .bind(input.sectors.join(","))
    .bind(input.governorates.join(","))
    .bind(&input.contact_name)
    .bind(&input.contact_phone)
    .bind(&input.contact_email)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await;
    let id = match res {
        Ok((id,)) => id,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(Error::field("code", "err-code-taken"));
        }
        Err(e) => return Err(e.into()),
    };
    sqlx::query("INSERT INTO org_status_history (org_id, status, note, changed_by, changed_at) VALUES ($1, 'active', '', $2, $3)")
        .bind(id)
        .bind(actor.map(|a| a.user_id))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "create",
        "org",
        Some(id),
        None,
        Some(serde_json::to_value(&input).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Updates a profile. A secretariat admin edits any; a member admin only its own, and cannot
/// change its code.
pub async fn update(db: &Db, actor: &Actor, id: i64, mut input: OrgInput) -> Result<()> {
    let org = get(db, id).await?;
    if !actor.administers(id) {
        return Err(Error::Forbidden);
    }
    if !actor.is_secretariat_admin() {
        // The member's admin sends the code it has (the form shows it read-only); another one
        // is refused rather than quietly kept.
        let sent = input.code.trim().to_lowercase();
        if !sent.is_empty() && sent != org.code {
            return Err(Error::field("code", "err-code-fixed"));
        }
        input.code = org.code.clone();
    }
    input.validate()?;
    if org.is_member() {
        refuse_secretariat_names(db, &input).await?;
    }
    let before = serde_json::to_value(OrgInput::from_org(&org)).unwrap_or_default();
    let mut tx = db.begin().await?;
    let res = sqlx::query(
        "UPDATE orgs SET code = $1, name_ar = $2, name_en = $3, sectors = $4, governorates = $5, contact_name = $6, \
         contact_phone = $7, contact_email = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&input.code)
    .bind(&input.name_ar)
    .bind(&input.name_en)
    .bind(input.sectors.join(","))
    .bind(input.governorates.join(","))
    .bind(&input.contact_name)
    .bind(&input.contact_phone)
    .bind(&input.contact_email)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(Error::field("code", "err-code-taken"));
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        Some(actor),
        "update",
        "org",
        Some(id),
        Some(before),
        Some(serde_json::to_value(&input).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    // Agreement lists, among others, show organisation names.
    crate::cache::changed(crate::cache::Topic::Organisations);
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StatusChange {
    pub status: String,
    pub note: String,
    pub changed_at: String,
    pub changed_by_email: Option<String>,
}

/// Changes membership status (active, suspended, left), keeping the history. Secretariat admins only.
pub async fn set_status(db: &Db, actor: &Actor, id: i64, status: &str, note: &str) -> Result<()> {
    if !actor.is_secretariat_admin() {
        return Err(Error::Forbidden);
    }
    let org = get(db, id).await?;
    if !STATUSES.contains(&status) {
        return Err(Error::field("status", "err-choice"));
    }
    if org.is_secretariat() {
        return Err(Error::Conflict("err-secretariat-status"));
    }
    let note = note.trim();
    if note.chars().count() > 1000 {
        return Err(Error::field("note", "err-too-long"));
    }
    if org.status == status {
        return Ok(());
    }
    let now = db::now();
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE orgs SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO org_status_history (org_id, status, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(status)
        .bind(note)
        .bind(actor.user_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "set_status",
        "org",
        Some(id),
        Some(serde_json::json!({"status": org.status})),
        Some(serde_json::json!({"status": status, "note": note})),
    )
    .await?;
    tx.commit().await?;
    // A suspended member's sessions become read-only; a member that left cannot sign in.
    crate::cache::changed(crate::cache::Topic::Organisations);
    Ok(())
}

pub async fn history(db: &Db, id: i64) -> Result<Vec<StatusChange>> {
    Ok(sqlx::query_as(
        "SELECT h.status, h.note, h.changed_at, u.email AS changed_by_email FROM org_status_history h \
         LEFT JOIN users u ON u.id = h.changed_by WHERE h.org_id = $1 ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

/// The secretariat's organisation (created at first start, see [`ensure_secretariat`]).
pub async fn secretariat(db: &Db) -> Result<Org> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLUMNS} FROM orgs WHERE kind = 'secretariat' ORDER BY id LIMIT 1"
    )))
    .fetch_one(&db.pool)
    .await?)
}

/// Every alliance has its technical secretariat: a new database gets one, code `secretariat`,
/// so that the first admin can be added to it.
pub async fn ensure_secretariat(db: &Db) -> Result<i64> {
    if let Ok(org) = secretariat(db).await {
        return Ok(org.id);
    }
    let input = OrgInput {
        code: "secretariat".into(),
        name_ar: "الأمانة الفنية".into(),
        name_en: "Technical Secretariat".into(),
        ..OrgInput::default()
    };
    create(db, None, "secretariat", input).await
}
