//! The MTSS action plan of Cairn: one plan is one Automerge document.
//!
//! - [`model`]: the typed [`Plan`] snapshot, which is also the JSON export
//!   shape.
//! - [`document`]: [`PlanDocument`], the Automerge document with typed
//!   reads and edits, used by both the browser and the server.
//! - [`import`]: reading a plan from a spreadsheet's CSV export.
//! - [`export`]: the JSON and CSV exports.
//!
//! The crate does no IO and builds for native targets and for
//! `wasm32-unknown-unknown`.

mod csv_layout;
pub mod document;
pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod model;
mod position;

pub use document::{Collection, PlanDocument};
pub use error::PlanError;
pub use export::{export_csv, export_json, to_json_string_pretty};
pub use ids::{EntityId, IdParseError};
pub use import::{import_csv, CellWarning, ImportError, ImportReport, Imported, SkippedRow};
pub use model::{
    Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind, Direction, Goal,
    Measurement, Milestone, ParseEnumError, Plan, PlanStatus, PlanSummary, Resource, ResourceKind,
    RootCause, SupportType, DEFAULT_CURRENCY,
};
