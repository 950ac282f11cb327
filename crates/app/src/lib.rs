//! Mizalla (مظلة): the platform on which an alliance of NGOs — its technical secretariat and
//! its member foundations — coordinates its work.
//!
//! One folder per feature (`orgs`, `users`, `agreements`, `audit`, `registry`, `assistance`),
//! each with its types and rules, its queries and its `routes.rs`; shared parts beside them:
//! `db` (storage and the backend differences), `table` (reading and writing CSV and Excel),
//! `web` (router, middleware, auth, uploads, errors, rendering), `i18n` (Arabic and English)
//! and `config`.

pub mod access;
pub mod agreements;
pub mod assistance;
pub mod audit;
pub mod cache;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod orgs;
pub mod paging;
pub mod registry;
pub mod router;
pub mod table;
pub mod telemetry;
pub mod users;
pub mod web;

/// Opens (creating and migrating) the database, makes sure the secretariat exists, and loads
/// the assistance ledger's key (see `assistance::key`).
pub async fn open(settings: &config::Settings) -> anyhow::Result<db::Db> {
    let mut db = db::Db::connect(settings.database_url.expose()).await?;
    orgs::ensure_secretariat(&db)
        .await
        .map_err(|e| anyhow::anyhow!("could not create the secretariat: {e}"))?;
    assistance::chain::open(&mut db, settings).await?;
    Ok(db)
}
