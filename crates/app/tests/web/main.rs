//! Integration tests: the real application on a random port with a fresh database, on SQLite
//! and — when `MIZALLA_TEST_DATABASE_URL` is set (always in CI) — on PostgreSQL.

mod helpers;

mod access;
mod agreements;
mod announcements;
mod api;
mod auth;
mod bad_input;
mod browser;
mod coordination;
mod events;
mod everyday;
mod hardening;
mod i18n;
mod ledger;
mod library;
mod orgs;
mod platform;
mod pool;
mod registry;
