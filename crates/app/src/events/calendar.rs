//! Calendar files: an event's sessions as an `.ics` file (one session's alone, or all of them),
//! and each person's feed of the events they are seated or waiting for, at a secret address a
//! calendar application subscribes to without signing in.

use super::{Event, Session};
use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::Result;
use crate::i18n::Locale;
use icalendar::{Calendar, Component, EventLike};

/// `2026-12-10T08:00:00Z` as iCalendar writes a UTC time: `20261210T080000Z`.
fn ics_time(utc: &str) -> String {
    utc.chars().filter(|c| *c != '-' && *c != ':').collect()
}

/// The calendar entries of `sessions` of `event`, in `locale`'s words, with a link to the
/// event's page at `link`.
fn entries(
    cal: &mut Calendar,
    locale: Locale,
    event: &Event,
    sessions: &[Session],
    link: &str,
    host: &str,
) {
    let title = locale.pick(&event.title_ar, &event.title_en);
    let description = locale.pick(&event.description_ar, &event.description_en);
    let many = sessions.len() > 1;
    for (i, s) in sessions.iter().enumerate() {
        let mut summary = title.to_owned();
        if many {
            summary = format!("{summary} ({}/{})", i + 1, sessions.len());
        }
        if !s.title.is_empty() {
            summary = format!("{summary} — {}", s.title);
        }
        let mut e = icalendar::Event::new();
        e.uid(&format!(
            "mizalla-event-{}-session-{}@{host}",
            event.id, s.id
        ))
        .summary(&summary)
        .add_property("DTSTAMP", ics_time(&event.updated_at))
        .add_property("DTSTART", ics_time(&s.starts_at))
        .add_property("DTEND", ics_time(&s.ends_at))
        .url(link);
        let place = match (s.place.is_empty(), s.online_url.is_empty()) {
            (false, false) => format!("{} · {}", s.place, s.online_url),
            (false, true) => s.place.clone(),
            _ => s.online_url.clone(),
        };
        if !place.is_empty() {
            e.location(&place);
        }
        let mut text = description.to_owned();
        if !s.online_url.is_empty() {
            text = format!("{text}\n\n{}", s.online_url);
        }
        text = format!("{text}\n\n{link}");
        e.description(text.trim());
        if event.status == "cancelled" {
            e.add_property("STATUS", "CANCELLED");
        }
        cal.push(e.done());
    }
}

fn host(settings: &crate::config::Settings) -> String {
    settings
        .public_url
        .as_deref()
        .and_then(|u| u.split("://").nth(1))
        .map(|h| h.split('/').next().unwrap_or(h).to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "mizalla.local".into())
}

/// The `.ics` file of `sessions` of `event` (all of them, or one), linking to the event's page
/// at `link`.
pub fn file(
    settings: &crate::config::Settings,
    locale: Locale,
    event: &Event,
    sessions: &[Session],
    link: &str,
) -> String {
    let mut cal = Calendar::new();
    cal.name(locale.pick(&event.title_ar, &event.title_en));
    entries(&mut cal, locale, event, sessions, link, &host(settings));
    cal.done().to_string()
}

/// A person's feed: the sessions of the events they are seated or waiting for (not cancelled
/// ones), in their language, linking to the events' pages under `base`.
pub async fn feed(
    db: &Db,
    settings: &crate::config::Settings,
    user: i64,
    base: &str,
) -> Result<String> {
    let language: Option<(Option<String>,)> =
        sqlx::query_as("SELECT language FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&db.pool)
            .await?;
    let locale = language
        .and_then(|(l,)| l)
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default();
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT event_id FROM event_registrations WHERE user_id = $1 AND status <> 'cancelled' ORDER BY event_id",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    let mut cal = Calendar::new();
    cal.name(&format!(
        "{} — {}",
        locale.t("app-name"),
        locale.t("events-title")
    ));
    let host = host(settings);
    for (id,) in ids {
        let event = super::get(db, id).await?;
        let sessions = super::sessions(db, id).await?;
        let link = format!("{base}/events/{id}");
        entries(&mut cal, locale, &event, &sessions, &link, &host);
    }
    Ok(cal.done().to_string())
}

/// A new secret address for `actor`'s feed (the old one stops working). Returns the token.
pub async fn new_feed(db: &Db, actor: &Actor) -> Result<String> {
    if !actor.can_write() {
        return Err(crate::error::Error::Forbidden);
    }
    let token = crate::users::random_token();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM event_feeds WHERE user_id = $1")
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO event_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)")
        .bind(actor.user_id)
        .bind(crate::users::token_hash(&token))
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, Some(actor), "new_feed", "event", None, None, None).await?;
    tx.commit().await?;
    Ok(token)
}

/// Whether `actor` has a feed address.
pub async fn has_feed(db: &Db, actor: &Actor) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM event_feeds WHERE user_id = $1")
        .bind(actor.user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// The person whose feed `token` opens, if it is theirs and they can still sign in.
pub async fn feed_owner(db: &Db, token: &str) -> Result<Option<i64>> {
    if token.len() > 64 {
        return Ok(None);
    }
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT f.user_id FROM event_feeds f JOIN users u ON u.id = f.user_id JOIN orgs o ON o.id = u.org_id \
         WHERE f.token_hash = $1 AND u.active = 1 AND o.status <> 'left'",
    )
    .bind(crate::users::token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(u,)| u))
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_times_in_ical_form() {
        assert_eq!(super::ics_time("2026-12-10T08:00:00Z"), "20261210T080000Z");
    }
}
