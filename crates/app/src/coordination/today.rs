//! The home page's answer to "what needs me today": for the secretariat, the registry's size,
//! pairs awaiting review, overlaps this month, overdue agreement points, activities reported this
//! month, members' answers awaited on requests; for a member, its own registrations, its overdue
//! points, the overlap warnings on its entries this month, what the registry told it lately, and
//! the announcements and requests awaiting its answer. Counts only, each a link to the
//! list it counts.

use crate::access::Actor;
use crate::db::{self, Db};
use crate::error::Result;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Today {
    pub persons: i64,
    pub households: i64,
    pub registrations: i64,
    pub pairs_open: i64,
    pub overlaps_month: i64,
    pub points_open: i64,
    pub points_overdue: i64,
    pub activities_month: i64,
    pub aid_month: i64,
    pub notices_week: i64,
    pub goals_off_track: i64,
    /// Members' answers still awaited on requests, and of those the late ones (secretariat).
    pub requests_awaited: i64,
    pub requests_late: i64,
    /// Announcements and requests the member has still to acknowledge or answer.
    pub to_answer: i64,
}

/// A value bound to one of the counts' placeholders.
enum Bind {
    Int(i64),
    Text(String),
}

/// One count.
async fn one(db: &Db, sql: &'static str, binds: &[Bind]) -> Result<i64> {
    let mut q = sqlx::query_as::<_, (i64,)>(sql);
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.clone()),
        };
    }
    Ok(q.fetch_one(&db.pool).await?.0)
}

/// What needs `actor` today.
pub async fn today(db: &Db, actor: &Actor) -> Result<Today> {
    use Bind::{Int, Text};
    let month = format!("{}-01", &db::today()[..7]);
    let week = db::days_ago(7);
    let (points_open, points_overdue) = crate::agreements::my_counts(db, actor).await?;
    if actor.sees_all() {
        let (persons, households): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(DISTINCT person_id), COUNT(DISTINCT household_id) FROM registry_records",
        )
        .fetch_one(&db.pool)
        .await?;
        let (requests_awaited, requests_late) = crate::announcements::awaited(db).await?;
        return Ok(Today {
            requests_awaited,
            requests_late,
            persons,
            households,
            registrations: one(db, "SELECT COUNT(*) FROM registry_records", &[]).await?,
            pairs_open: one(db, "SELECT COUNT(*) FROM registry_pairs WHERE status = 'open'", &[]).await?,
            overlaps_month: one(
                db,
                "SELECT COUNT(*) FROM assistance_overlaps o JOIN assistance a ON a.id = o.assistance_id WHERE a.given_on >= $1",
                &[Text(month.clone())],
            )
            .await?,
            activities_month: one(
                db,
                "SELECT COUNT(*) FROM activities WHERE starts_on >= $1",
                &[Text(month.clone())],
            )
            .await?,
            points_open,
            points_overdue,
            goals_off_track: super::goals::off_track(db).await?,
            ..Today::default()
        });
    }
    let org = actor.org_id;
    Ok(Today {
        registrations: one(db, "SELECT COUNT(*) FROM registry_records WHERE org_id = $1", &[Int(org)]).await?,
        households: one(
            db,
            "SELECT COUNT(DISTINCT household_id) FROM registry_records WHERE org_id = $1",
            &[Int(org)],
        )
        .await?,
        overlaps_month: one(
            db,
            "SELECT COUNT(*) FROM assistance_overlaps o JOIN assistance a ON a.id = o.assistance_id \
             WHERE a.org_id = $1 AND a.given_on >= $2",
            &[Int(org), Text(month.clone())],
        )
        .await?,
        aid_month: one(
            db,
            "SELECT COUNT(*) FROM assistance WHERE org_id = $1 AND given_on >= $2 AND reverses_id IS NULL",
            &[Int(org), Text(month.clone())],
        )
        .await?,
        activities_month: one(
            db,
            "SELECT COUNT(*) FROM activities WHERE org_id = $1 AND starts_on >= $2",
            &[Int(org), Text(month)],
        )
        .await?,
        notices_week: one(
            db,
            "SELECT COUNT(*) FROM registry_notices WHERE org_id = $1 AND created_at >= $2",
            &[Int(org), Text(week)],
        )
        .await?,
        to_answer: crate::announcements::waiting(db, org).await?,
        points_open,
        points_overdue,
        ..Today::default()
    })
}
