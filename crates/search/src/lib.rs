//! Text analysis for the knowledge library's search, Arabic first: documents and queries become
//! the same terms however they were spelled ([`analysis`]), a query says which terms and phrases
//! it wants ([`query`]), and a hit shows where it matched ([`excerpt`]).
//!
//! The databases only index what this crate produces (SQLite's FTS5 and PostgreSQL's `tsvector`
//! are given terms, not text), so both backends find the same documents: their own stemmers
//! disagree with each other and neither folds Arabic spelling the way staff vary it.

/// The version of the analysis: raised whenever a text's terms change, so that what indexed them
/// knows to index again (the library does, at start).
pub const ANALYSIS_VERSION: i64 = 2;

pub mod analysis;
pub mod excerpt;
pub mod query;

pub use analysis::{terms, tokens};
pub use excerpt::{Segment, excerpt, highlight};
pub use query::Query;
