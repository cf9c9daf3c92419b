//! The library behind `cairn-bench`: a sync load generator that speaks
//! Cairn's protocol and automerge-repo's, the echo floor, and the report.
//! `src/main.rs` is the command line over it, and the smoke test drives it
//! against an in-process Cairn server.

pub mod bs58check;
pub mod cairn;
pub mod echo;
pub mod load;
pub mod process;
pub mod repo;
pub mod report;
pub mod scenarios;
