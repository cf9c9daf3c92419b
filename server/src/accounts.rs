//! Districts, schools, people and who may do what with a plan.
//!
//! - [`model`] holds the records: [`Role`], [`Person`], [`PlanRecord`],
//!   [`Access`].
//! - [`policy`] decides, from those records alone, whether a person may
//!   read, edit, create or share a plan, and whom they may manage. It does
//!   no IO, so the whole matrix of roles is tested directly.
//! - [`store`] keeps the records in the database, behind [`AccountStore`].
//!
//! `docs/accounts.md` describes the rules for people who use Cairn.

pub mod model;
pub mod policy;
pub mod store;

pub use model::{Access, District, Person, PersonId, PersonStatus, PlanRecord, Role, School};
pub use store::{
    AccountStore, ChangeRecord, DecisionRecord, IndexRow, NewDecision, NewPerson, PlanMember,
};
