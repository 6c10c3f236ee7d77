//! Linking figures across sources.
pub mod gazetteer;
pub mod matcher;
pub mod normalize;
pub mod dates;
pub mod sources;
