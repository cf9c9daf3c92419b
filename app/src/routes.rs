//! One module per page.

pub mod account;
pub mod dashboard;
pub mod invite;
pub mod people;
pub mod plan_history;
pub mod plan_list;
pub mod plan_page;
pub mod print_view;
pub mod setup;
pub mod sign_in;
