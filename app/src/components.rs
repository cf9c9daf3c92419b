//! Small components shared by the pages.

pub mod entity_controls;
pub mod fields;
pub mod links;
pub mod notice;
pub mod sync_status;
