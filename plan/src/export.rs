//! The exports of a plan.
//!
//! - JSON: the [`Plan`] snapshot serialized with serde, so the model
//!   structs define the format.
//! - CSV ([`export_csv`]): one spreadsheet sheet in the importer's layout,
//!   which imports back into an equal plan.
//!
//! Both are described, with examples, in `docs/export-format.md`.

pub(crate) mod csv;

use serde_json::Value;

pub use self::csv::export_csv;

use crate::model::Plan;

/// Converts a plan to its JSON export.
pub fn export_json(plan: &Plan) -> Value {
    match serde_json::to_value(plan) {
        Ok(value) => value,
        // Serializing a `Plan` to a `Value` cannot fail. The model contains
        // no map with non-string keys, and serde_json writes a non-finite
        // number as `null`.
        Err(error) => unreachable!("serializing a plan to JSON failed: {error}"),
    }
}

/// Converts a plan to its JSON export as indented text, with the fields of
/// each object in the order of the model structs.
pub fn to_json_string_pretty(plan: &Plan) -> String {
    match serde_json::to_string_pretty(plan) {
        Ok(text) => text,
        // The same reasoning as in `export_json` applies.
        Err(error) => unreachable!("serializing a plan to JSON text failed: {error}"),
    }
}
