//! Version diffs (being built).
