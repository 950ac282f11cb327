//! Record linkage for an alliance's beneficiary registries: recognise the same person and the
//! same household registered by several members, under different spellings.
//!
//! The pipeline is normalise → block → compare → score → cluster → explain:
//! - [`normalize`]: field normalisers (Arabic and Latin names, national IDs, dates, phones, places);
//! - [`record`]: a member's raw row and its normalised form;
//! - [`block`]: candidate pairs from several blocking rules with bounded block sizes;
//! - [`compare`]: graded agreement levels per field;
//! - [`model`]: a Fellegi–Sunter model whose parameters are estimated from the data (EM), with
//!   term-frequency adjustment for common first names;
//! - [`cluster`]: linked pairs into persons, resistant to chaining; households;
//! - [`pipeline`]: the whole run, with an explanation for every pair;
//! - [`online`]: one new record against an indexed registry ("already registered?").
//!
//! No I/O, no async, no database: callers bring rows and take results.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod model;
pub mod normalize;
pub mod online;
pub mod pipeline;
pub mod record;

/// A 64-bit hash with a fixed hasher, so equal in every run and every index: name parts and
/// address words ([`record::Record`]) and blocking keys ([`block`]) are compared by it millions
/// of times. Among the few million distinct values of a registry a collision is vanishingly
/// rare, and costs at most one pair compared or weighed as agreeing.
pub fn stable_hash(value: impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(value)
}
