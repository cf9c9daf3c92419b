//! Small components shared by the pages.

pub mod account_fields;
pub mod account_menu;
pub mod entity_controls;
pub mod fields;
pub mod focus;
pub mod goal_status;
pub mod links;
pub mod notice;
pub mod presence;
pub mod progress_chart;
pub mod resource_totals;
pub mod session_gate;
pub mod site_nav;
pub mod smart_marks;
pub mod sync_status;
pub mod timeline_table;
pub mod update_banner;
