//! The JSON export of a plan: the [`Plan`] snapshot serialized with serde.
//! The format is described in `docs/export-format.md`.

use serde_json::Value;

use crate::model::Plan;

/// Converts a plan to its JSON export.
pub fn export_json(plan: &Plan) -> Value {
    match serde_json::to_value(plan) {
        Ok(value) => value,
        // Serializing a `Plan` to a `Value` cannot fail: every map key is a
        // string, and serde_json turns a non-finite number into `null`.
        Err(error) => unreachable!("serializing a plan to JSON failed: {error}"),
    }
}

/// Converts a plan to its JSON export as indented text.
pub fn to_json_string_pretty(plan: &Plan) -> String {
    match serde_json::to_string_pretty(&export_json(plan)) {
        Ok(text) => text,
        Err(error) => unreachable!("writing a JSON value as text failed: {error}"),
    }
}
