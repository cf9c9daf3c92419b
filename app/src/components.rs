//! Small components shared by the pages.

pub mod fields;
pub mod sync_status;
