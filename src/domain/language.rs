//! Language detection (being built).
