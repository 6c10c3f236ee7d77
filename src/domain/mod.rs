//! Pure domain logic: no database or web types here.

pub mod claim;
pub mod extract;
pub mod linking;

pub use claim::{ExtractedClaim, Measure, Qualifier, Stage, UNKNOWN_GROUP};
pub mod arabic;
pub mod auth;
pub mod diff;
pub mod language;
pub mod origin;
pub mod pipeline;
pub mod quote;
pub mod search_text;
pub mod submission;
pub mod url_date;
