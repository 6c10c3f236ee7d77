//! Claim extraction (being built).
