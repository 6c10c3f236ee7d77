//! Linking figures across sources: which event an article reports, which figures answer the same
//! question, which of them are genuinely in conflict and why the others are not.
//!
//! Pure logic (no database): a storage layer calls, per ingested article version,
//! [`parts::infer_part_of`] on the extractor's claims, [`events::signature`] and
//! [`events::match_event`] against the stored signatures of candidate events (then
//! [`events::EventSignature::merge`] into the chosen one), and, for every event the version
//! touches, [`facts::link_event`] over all claims of that event.
//!
//! Data shipped with the crate: `places.toml` (gazetteer), `sources.toml` (source directory),
//! `incidents.toml` (incident kinds).

pub mod dates;
pub mod events;
pub mod facts;
pub mod gazetteer;
pub mod groups;
pub mod interval;
pub mod matcher;
pub mod normalize;
pub mod parts;
pub mod scope;
pub mod sources;
pub mod stage;
pub mod title;

pub use events::{candidate_keys, match_event, signature, EventSignature};
pub use facts::{link_event, Estimate, Fact, LinkClaim, Member, Role};
pub use gazetteer::Gazetteer;
pub use parts::infer_part_of;
pub use sources::{SourceDirectory, SourceRef};

#[cfg(test)]
mod tests;
