//! claimdb: a claim-tracking and fact-check database.
//!
//! `domain` is pure logic (extraction, linking, diffing); `db` stores it in PostgreSQL;
//! `web` serves it; `cli` drives it all from the command line.

pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod fetch;
pub mod generate;
pub mod import;
pub mod startup;
pub mod telemetry;
pub mod watch;
pub mod web;
