//! The MTSS action plan of Cairn: one plan is one Automerge document.
//!
//! - [`model`]: the typed [`Plan`] snapshot, which is also the JSON export
//!   shape.
//! - [`document`]: [`PlanDocument`], the Automerge document with typed
//!   reads and edits, used by both the browser and the server.
//! - [`import`]: reading a plan from a spreadsheet's CSV export.
//! - [`export`]: the JSON and CSV exports.
//! - [`smart`]: the SMART checks of a goal.
//! - [`progress`]: a goal's progress monitoring chart and on-track status.
//! - [`timeline`]: the actions and milestones of a plan on the months of
//!   its school year.
//! - [`totals`]: the budget by funding source and by action, staff hours,
//!   and the coaches and mentors assigned.
//! - [`templates`]: starting content for new plans, kept as JSON files.
//! - [`references`]: what links to an entity, for the question before a
//!   removal.
//! - [`dashboard`]: what the plan index keeps of each plan, and the
//!   district view and plan drill-down built from it.
//! - [`review`]: the review cycle from draft to closed, and the record
//!   of decisions.
//! - [`history`]: [`EditHistory`], undo and redo of one person's own edits.
//!
//! The crate does no IO and builds for native targets and for
//! `wasm32-unknown-unknown`.

mod csv_layout;
pub mod dashboard;
pub mod document;
pub mod error;
pub mod export;
pub mod history;
pub mod ids;
pub mod import;
pub mod model;
mod position;
pub mod progress;
pub mod references;
pub mod review;
pub mod smart;
pub mod templates;
mod text;
pub mod timeline;
pub mod totals;

pub use document::{Collection, PlanDocument};
pub use error::PlanError;
pub use export::{export_csv, export_json, to_json_string_pretty};
pub use history::{EditHistory, Skipped, StepReport};
pub use ids::{EntityId, IdParseError};
pub use import::{import_csv, CellWarning, ImportError, ImportReport, Imported, SkippedRow};
pub use model::{
    Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind, Direction, Goal,
    Measurement, Milestone, ParseEnumError, Plan, PlanStatus, PlanSummary, Resource, ResourceKind,
    RootCause, SupportType, DEFAULT_CURRENCY,
};
pub use progress::{goal_progress, GoalProgress, GoalStatus, ProgressPoint};
pub use smart::{check_goal, SmartCheck, SmartProperty};
