//! Agreements between the secretariat and its members — a visit, a meeting or a memorandum —
//! with the points both sides agreed on. Each point has an owner organisation, a due date and
//! a status, and is followed up by a thread of dated updates until it is done or dropped.
//!
//! Who may do what: the secretariat (admins and staff) records agreements and points and sees
//! them all; auditors see them all; a member sees the agreements it is party to and posts
//! updates on the points it owns.

pub mod list;
pub mod routes;

pub(crate) use list::{LIST_TOPICS, LIST_TTL};
pub use list::{list, my_counts};

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use serde::{Deserialize, Serialize};

pub const KINDS: [&str; 3] = ["visit", "meeting", "memorandum"];
/// Where a point of an agreement stands (stored as its `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    Open,
    InProgress,
    Done,
    Dropped,
}

impl PointStatus {
    pub const ALL: [PointStatus; 4] = [
        PointStatus::Open,
        PointStatus::InProgress,
        PointStatus::Done,
        PointStatus::Dropped,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            PointStatus::Open => "open",
            PointStatus::InProgress => "in_progress",
            PointStatus::Done => "done",
            PointStatus::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        PointStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Still to be done: a point past its due date in one of these is overdue.
    pub fn is_pending(self) -> bool {
        matches!(self, PointStatus::Open | PointStatus::InProgress)
    }
}

/// The statuses as stored and offered in forms, in their order.
pub const STATUSES: [&str; 4] = [
    PointStatus::Open.as_str(),
    PointStatus::InProgress.as_str(),
    PointStatus::Done.as_str(),
    PointStatus::Dropped.as_str(),
];
pub const PAGE_SIZE: i64 = 25;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Agreement {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub participants: String,
    pub summary: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Party {
    pub agreement_id: i64,
    pub id: i64,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Point {
    pub id: i64,
    pub agreement_id: i64,
    pub body: String,
    pub owner_org_id: i64,
    pub owner_name_ar: String,
    pub owner_name_en: String,
    pub due_on: Option<String>,
    pub status: String,
    pub updated_at: String,
    /// Not done or dropped, and past its due date.
    #[sqlx(skip)]
    pub overdue: bool,
    #[sqlx(skip)]
    pub updates: Vec<PointUpdate>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PointUpdate {
    pub id: i64,
    pub point_id: i64,
    pub author_email: String,
    pub note: String,
    pub status_from: String,
    pub status_to: String,
    pub created_at: String,
}

/// One line of the agreements list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub points: i64,
    pub done: i64,
    pub overdue: i64,
    #[sqlx(skip)]
    pub parties: Vec<Party>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub agreement: Agreement,
    pub parties: Vec<Party>,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PointInput {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub owner_org_id: i64,
    #[serde(default)]
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AgreementInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub summary: String,
    /// The member organisations party to the agreement.
    #[serde(default)]
    pub member_ids: Vec<i64>,
    /// Points agreed at the same time (more can be added later).
    #[serde(default)]
    pub points: Vec<PointInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpdateInput {
    #[serde(default)]
    pub note: String,
    /// The point's new status; empty or absent keeps it.
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Filter {
    /// Only agreements this member organisation is party to.
    #[serde(default)]
    pub member: Option<i64>,
    /// Only agreements with at least one point in this status.
    #[serde(default)]
    pub status: Option<String>,
    /// Only agreements with an overdue point.
    #[serde(default)]
    pub overdue: Option<bool>,
    /// Words in the title, place or summary.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

fn check_len(errs: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errs.add(field, "err-too-long");
    }
}

fn validate_point(errs: &mut FieldErrors, p: &mut PointInput, allowed_owners: &[i64]) {
    p.body = p.body.trim().to_owned();
    // None is no due date; a text must be a real date (the forms send a blank field as none).
    p.due_on = p.due_on.take().map(|d| d.trim().to_owned());
    if let Some(iso) = p.due_on.as_deref().and_then(crate::error::form_date) {
        p.due_on = Some(iso);
    }
    if p.body.is_empty() {
        errs.add("point_body", "err-required");
    }
    check_len(errs, "point_body", &p.body, 2000);
    if !allowed_owners.contains(&p.owner_org_id) {
        errs.add("point_owner", "err-owner-not-party");
    }
    if p.due_on
        .as_deref()
        .is_some_and(|d| crate::error::form_date(d).is_none())
    {
        errs.add("point_due", "err-date");
    }
}

async fn secretariat_id(db: &Db) -> Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM orgs WHERE kind = 'secretariat' ORDER BY id LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .map_err(|e| Error::Internal(anyhow::anyhow!("no secretariat organisation: {e}")))?;
    Ok(id)
}

impl AgreementInput {
    async fn validate(&mut self, db: &Db) -> Result<()> {
        let mut errs = FieldErrors::default();
        self.title = self.title.trim().to_owned();
        self.held_on = self.held_on.trim().to_owned();
        self.place = self.place.trim().to_owned();
        self.participants = self.participants.trim().to_owned();
        self.summary = self.summary.trim().to_owned();
        if !KINDS.contains(&self.kind.as_str()) {
            errs.add("kind", "err-choice");
        }
        if self.title.is_empty() {
            errs.add("title", "err-required");
        }
        check_len(&mut errs, "title", &self.title, 200);
        match crate::error::form_date(&self.held_on) {
            Some(iso) => self.held_on = iso,
            None => errs.add("held_on", "err-date"),
        }
        check_len(&mut errs, "place", &self.place, 200);
        check_len(&mut errs, "participants", &self.participants, 2000);
        check_len(&mut errs, "summary", &self.summary, 10_000);
        self.member_ids.sort_unstable();
        self.member_ids.dedup();
        if self.member_ids.is_empty() {
            errs.add("member_ids", "err-members-required");
        } else if self.member_ids.len() > 200 {
            errs.add("member_ids", "err-too-long");
        } else {
            for id in &self.member_ids {
                let kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM orgs WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?;
                if kind.is_none_or(|(k,)| k != "member") {
                    errs.add("member_ids", "err-choice");
                    break;
                }
            }
        }
        if self.points.len() > 100 {
            errs.add("point_body", "err-too-long");
        }
        let mut owners = self.member_ids.clone();
        owners.push(secretariat_id(db).await?);
        for p in &mut self.points {
            validate_point(&mut errs, p, &owners);
        }
        errs.check()
    }
}

/// Whether the actor may see agreement `id`.
async fn visible(db: &Db, actor: &Actor, id: i64) -> Result<bool> {
    if actor.sees_all() {
        return Ok(true);
    }
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM agreement_members WHERE agreement_id = $1 AND org_id = $2")
            .bind(id)
            .bind(actor.org_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

async fn insert_point(
    tx: &mut db::Tx<'_>,
    actor: &Actor,
    agreement_id: i64,
    p: &PointInput,
    now: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO agreement_points (agreement_id, body, owner_org_id, due_on, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'open', $5, $5) RETURNING id",
    )
    .bind(agreement_id)
    .bind(&p.body)
    .bind(p.owner_org_id)
    .bind(p.due_on.as_deref())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        Some(actor),
        "create",
        "agreement_point",
        Some(id),
        None,
        Some(serde_json::to_value(p).unwrap_or_default()),
    )
    .await?;
    Ok(id)
}

async fn set_members(tx: &mut db::Tx<'_>, agreement_id: i64, member_ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM agreement_members WHERE agreement_id = $1")
        .bind(agreement_id)
        .execute(&mut **tx)
        .await?;
    for org in member_ids {
        sqlx::query("INSERT INTO agreement_members (agreement_id, org_id) VALUES ($1, $2)")
            .bind(agreement_id)
            .bind(org)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn header_json(a: &AgreementInput) -> serde_json::Value {
    serde_json::json!({
        "kind": a.kind, "title": a.title, "held_on": a.held_on, "place": a.place,
        "participants": a.participants, "summary": a.summary, "member_ids": a.member_ids,
    })
}

/// Records an agreement with its parties and points, in one transaction.
pub async fn create(db: &Db, actor: &Actor, mut input: AgreementInput) -> Result<i64> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    input.validate(db).await?;
    let now = db::now();
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO agreements (kind, title, held_on, place, participants, summary, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&input.kind)
    .bind(&input.title)
    .bind(&input.held_on)
    .bind(&input.place)
    .bind(&input.participants)
    .bind(&input.summary)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    set_members(&mut tx, id, &input.member_ids).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "create",
        "agreement",
        Some(id),
        None,
        Some(header_json(&input)),
    )
    .await?;
    for p in &input.points {
        insert_point(&mut tx, actor, id, p, &now).await?;
    }
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Agreements);
    Ok(id)
}

/// Changes an agreement's header and parties (its points are followed up one by one).
pub async fn update(db: &Db, actor: &Actor, id: i64, mut input: AgreementInput) -> Result<()> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let before = get(db, actor, id).await?;
    input.points.clear();
    input.validate(db).await?;
    // A party that owns points cannot be removed while it does.
    for p in &before.points {
        if !input.member_ids.contains(&p.owner_org_id)
            && before.parties.iter().any(|m| m.id == p.owner_org_id)
        {
            return Err(Error::field("member_ids", "err-member-owns-points"));
        }
    }
    let before_json = serde_json::json!({
        "kind": before.agreement.kind, "title": before.agreement.title, "held_on": before.agreement.held_on,
        "place": before.agreement.place, "participants": before.agreement.participants,
        "summary": before.agreement.summary, "member_ids": before.parties.iter().map(|p| p.id).collect::<Vec<_>>(),
    });
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE agreements SET kind = $1, title = $2, held_on = $3, place = $4, participants = $5, summary = $6, \
         updated_at = $7 WHERE id = $8",
    )
    .bind(&input.kind)
    .bind(&input.title)
    .bind(&input.held_on)
    .bind(&input.place)
    .bind(&input.participants)
    .bind(&input.summary)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    set_members(&mut tx, id, &input.member_ids).await?;
    audit::record(
        &mut tx,
        Some(actor),
        "update",
        "agreement",
        Some(id),
        Some(before_json),
        Some(header_json(&input)),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Agreements);
    Ok(())
}

/// Adds a point to an existing agreement.
pub async fn add_point(
    db: &Db,
    actor: &Actor,
    agreement_id: i64,
    mut input: PointInput,
) -> Result<i64> {
    if !actor.coordinates() {
        return Err(Error::Forbidden);
    }
    let detail = get(db, actor, agreement_id).await?;
    let mut owners: Vec<i64> = detail.parties.iter().map(|p| p.id).collect();
    owners.push(secretariat_id(db).await?);
    let mut errs = FieldErrors::default();
    validate_point(&mut errs, &mut input, &owners);
    errs.check()?;
    let mut tx = db.begin().await?;
    let id = insert_point(&mut tx, actor, agreement_id, &input, &db::now()).await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Agreements);
    Ok(id)
}

/// The agreement a point belongs to.
pub async fn agreement_of_point(db: &Db, point_id: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("SELECT agreement_id FROM agreement_points WHERE id = $1")
        .bind(point_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(id)
}

/// Posts a follow-up on a point, optionally changing its status, and returns the point's
/// agreement. The secretariat may follow up any point; a member the points its own
/// organisation owns.
pub async fn post_update(db: &Db, actor: &Actor, point_id: i64, input: UpdateInput) -> Result<i64> {
    let (agreement_id, owner, status): (i64, i64, String) = sqlx::query_as(
        "SELECT agreement_id, owner_org_id, status FROM agreement_points WHERE id = $1",
    )
    .bind(point_id)
    .fetch_one(&db.pool)
    .await?;
    if !visible(db, actor, agreement_id).await? {
        return Err(Error::NotFound);
    }
    if !(actor.coordinates() || (actor.can_write() && owner == actor.org_id)) {
        return Err(Error::Forbidden);
    }
    let note = input.note.trim();
    let new_status = input
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&status)
        .to_owned();
    let mut errs = FieldErrors::default();
    if PointStatus::parse(&new_status).is_none() {
        errs.add("status", "err-choice");
    }
    if note.is_empty() && new_status == status {
        errs.add("note", "err-note-or-status");
    }
    check_len(&mut errs, "note", note, 5000);
    errs.check()?;
    let now = db::now();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO point_updates (point_id, author_id, note, status_from, status_to, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(point_id)
    .bind(actor.user_id)
    .bind(note)
    .bind(&status)
    .bind(&new_status)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE agreement_points SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(&new_status)
        .bind(&now)
        .bind(point_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "follow_up",
        "agreement_point",
        Some(point_id),
        Some(serde_json::json!({"status": status})),
        Some(serde_json::json!({"status": new_status, "note": note})),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Agreements);
    Ok(agreement_id)
}

/// An agreement with its parties, points and their updates, if the actor may see it.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Detail> {
    let agreement: Agreement = sqlx::query_as(
        "SELECT id, kind, title, held_on, place, participants, summary, created_at, updated_at FROM agreements WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    if !visible(db, actor, id).await? {
        // Not "forbidden": a member must not learn that another member's agreement exists.
        return Err(Error::NotFound);
    }
    let parties = parties_of(db, &[id]).await?;
    let mut points: Vec<Point> = sqlx::query_as(
        "SELECT p.id, p.agreement_id, p.body, p.owner_org_id, o.name_ar AS owner_name_ar, o.name_en AS owner_name_en, \
         p.due_on, p.status, p.updated_at FROM agreement_points p JOIN orgs o ON o.id = p.owner_org_id \
         WHERE p.agreement_id = $1 ORDER BY p.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let updates: Vec<PointUpdate> = sqlx::query_as(
        "SELECT u.id, u.point_id, us.email AS author_email, u.note, u.status_from, u.status_to, u.created_at \
         FROM point_updates u JOIN agreement_points p ON p.id = u.point_id JOIN users us ON us.id = u.author_id \
         WHERE p.agreement_id = $1 ORDER BY u.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let today = db::today();
    for p in &mut points {
        p.overdue = is_overdue(&p.status, p.due_on.as_deref(), &today);
        p.updates = updates
            .iter()
            .filter(|u| u.point_id == p.id)
            .cloned()
            .collect();
    }
    Ok(Detail {
        agreement,
        parties,
        points,
    })
}

pub fn is_overdue(status: &str, due_on: Option<&str>, today: &str) -> bool {
    PointStatus::parse(status).is_some_and(PointStatus::is_pending)
        && due_on.is_some_and(|d| d < today)
}

async fn parties_of(db: &Db, ids: &[i64]) -> Result<Vec<Party>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.agreement_id, o.id, o.code, o.name_ar, o.name_en FROM agreement_members m JOIN orgs o ON o.id = m.org_id \
         WHERE m.agreement_id IN ({}) ORDER BY o.name_en",
        db::placeholders(0, ids.len())
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&db.pool).await?)
}
