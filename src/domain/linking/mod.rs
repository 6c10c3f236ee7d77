//! Linking figures across sources (being built).
