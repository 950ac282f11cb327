//! Mizalla (مظلة): the platform on which an alliance of NGOs — its technical secretariat and
//! its member foundations — coordinates its work.
//!
//! Rooms in layers (docs/ARCHITECTURE.md draws them): the features (`agreements`,
//! `announcements`, `assistance`, `coordination`, `events`, `kinds`, `library`, `pool`, `registry`), each with its types,
//! rules and queries and a `routes.rs` for its pages and API; the core they stand on (`orgs`,
//! `users`, `audit`); the web layer (`web`, `jobs`, `mail`); the shared
//! rooms below everything (`access`, `db`, `files`, `table`, `paging`, `cache`, `error`, `i18n`, `config`,
//! `telemetry`); and at the top `router`, the one place that lists every feature's routes.

pub mod access;
pub mod agreements;
pub mod announcements;
pub mod assistance;
pub mod audit;
pub mod cache;
pub mod config;
pub mod coordination;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod files;
pub mod i18n;
pub mod jobs;
pub mod kinds;
pub mod library;
pub mod mail;
pub mod orgs;
pub mod paging;
pub mod pool;
pub mod registry;
pub mod router;
pub mod submissions;
pub mod table;
pub mod telemetry;
pub mod users;
pub mod web;

/// Opens (creating and migrating) the database, makes sure the secretariat exists, loads the
/// assistance ledger's key (see `assistance::key`), and indexes the library again if its text
/// analysis changed.
pub async fn open(settings: &config::Settings) -> anyhow::Result<db::Db> {
    let mut db = db::Db::connect(settings.database_url.expose()).await?;
    orgs::ensure_secretariat(&db)
        .await
        .map_err(|e| anyhow::anyhow!("could not create the secretariat: {e}"))?;
    assistance::chain::open(&mut db, settings).await?;
    library::reindex_if_stale(&db)
        .await
        .map_err(|e| anyhow::anyhow!("could not index the library: {e}"))?;
    Ok(db)
}
