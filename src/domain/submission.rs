//! Submission validation.
