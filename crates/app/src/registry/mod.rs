//! The shared beneficiary registry: members bring their lists, and the same person and household
//! registered by several members is recognised (by the linkage engine, `crates/link`).
//!
//! An import is planned first (a dry run that says what will happen to every row) and then
//! committed in one transaction: the member's rows are added or updated under the member's own
//! record key and linked with the registrations they may be, found through the stored index of
//! blocking keys; the whole registry is re-linked when its model is due to be estimated again, so
//! the result depends little on the order in which members imported. Person and household numbers stay stable across re-links: a cluster
//! keeps the number most of its registrations had.
//!
//! Privacy: a member sees in full only what it registered; of other members' registrations only
//! overlap facts ("already registered by another member").
//!
//! The rooms:
//! - [`store`]: a registration as it is kept, read and written (the one place with its SQL);
//! - [`mapping`]: a member's list read as registrations (headers → fields; saved mappings);
//! - [`import`]: the plan of an import and its commit;
//! - [`linking`] and [`relink`]: the registry linked by the engine, numbers kept stable, members
//!   told of merges and splits;
//! - [`keys`] and [`incremental`]: the linking index in the database, and an import linked
//!   through it with the registrations its rows may be, not the whole registry;
//! - [`search`]: finding registrations, each actor seeing what it may;
//! - [`review`]: the secretariat's queue of uncertain pairs and its decisions;
//! - [`online`]: "already registered?" against the registry's snapshot in memory;
//! - [`priority`]: a member's households, most in need first;
//! - [`explain`]: the engine's evidence on a pair, stored and worded;
//! - [`routes`]: the pages and API.

pub mod correct;
pub mod explain;
pub mod import;
pub mod incremental;
pub mod keys;
pub mod linking;
pub mod mapping;
pub mod online;
pub mod priority;
pub mod relink;
pub mod review;
pub mod routes;
pub mod search;
pub mod store;

pub use import::{Action, ImportSummary, Incoming, Plan, RowPlan, commit, plan, recent_imports};
pub use linking::Linking;
pub use mapping::{save_mapping, saved_mapping};
pub use relink::{NOTICES_PER_PAGE, Notice, notices, relink};
pub use review::{Decision, Effect, REVIEW_PER_PAGE, ReviewPair, decide, reveal, review_queue};
pub use search::{Found, LIST_PAGE, ListFilter, Masked, own_list, registration, search};
pub use store::{Registration, Stored, export_rows};
