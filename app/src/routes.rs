//! One module per page.

pub mod plan_history;
pub mod plan_list;
pub mod plan_page;
pub mod print_view;
