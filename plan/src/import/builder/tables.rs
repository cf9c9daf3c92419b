//! Adding the rows of the milestone, resource, check-in and action review
//! tables to the plan, and finding the actions and check-ins they name.

use crate::ids::EntityId;
use crate::import::builder::PlanBuilder;
use crate::import::entity_tables::{
    ActionReferences, ActionReviewRow, CheckInRow, MilestoneRow, ResourceRow,
};
use crate::import::report::CellWarning;
use crate::import::values::normalize;
use crate::model::{ActionReview, CheckIn, Milestone, Resource};

impl PlanBuilder {
    /// Adds a milestone row.
    pub(crate) fn add_milestone(&mut self, row: MilestoneRow, warnings: &mut Vec<CellWarning>) {
        let mut milestone = Milestone::new(row.title, row.date);
        milestone.done = row.done;
        milestone.action_ids = self.find_actions(&row.actions, row.line, warnings);

        self.plan.milestones.push(milestone);
        self.report.rows_imported += 1;
    }

    /// Adds a resource row.
    pub(crate) fn add_resource(&mut self, row: ResourceRow, warnings: &mut Vec<CellWarning>) {
        let mut resource = Resource::new(row.kind, row.description);
        resource.amount = row.amount;
        resource.funding_source = row.funding_source;
        resource.hours = row.hours;
        resource.action_ids = self.find_actions(&row.actions, row.line, warnings);

        self.plan.resources.push(resource);
        self.report.rows_imported += 1;
    }

    /// Adds a check-in row.
    pub(crate) fn add_check_in(&mut self, row: CheckInRow) {
        let mut check_in = CheckIn::new(row.kind, row.date);
        check_in.attendees = row.attendees;
        check_in.summary = row.summary;
        check_in.decisions = row.decisions;
        check_in.next_steps = row.next_steps;

        self.plan.check_ins.push(check_in);
        self.check_in_numbers.push(row.number);
        self.report.rows_imported += 1;
    }

    /// Adds an action review to its check-in. A later review of the same
    /// action in the same check-in replaces the earlier one. Returns the
    /// reason when the check-in or the action is not in the plan.
    pub(crate) fn add_action_review(&mut self, row: ActionReviewRow) -> Result<(), String> {
        let Some(check_in) = self.check_in_numbers.find(&row.check_in) else {
            return Err(format!(
                "check-in `{}` is not a Check-in # of the check-in table",
                row.check_in
            ));
        };
        let Some(action) = self.find_action(&row.action) else {
            return Err(format!(
                "action `{}` is not an Action # or action title of the plan table",
                row.action
            ));
        };

        let action_id = self.plan.actions[action].id.clone();
        let reviews = &mut self.plan.check_ins[check_in].action_reviews;
        match reviews
            .iter_mut()
            .find(|review| review.action_id == action_id)
        {
            Some(review) => review.status = row.status,
            None => reviews.push(ActionReview {
                action_id,
                status: row.status,
            }),
        }
        self.report.rows_imported += 1;
        Ok(())
    }

    /// Finds the actions a link cell names, with a warning for each entry
    /// that names none.
    fn find_actions(
        &self,
        references: &ActionReferences,
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> = Vec::new();
        for entry in &references.entries {
            match self.find_action(entry) {
                Some(index) => {
                    let id = &self.plan.actions[index].id;
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
                None => warnings.push(CellWarning {
                    line,
                    column: references.column.clone(),
                    message: format!(
                        "`{entry}` is not an Action # or action title of the plan table, so \
                         that link was not imported"
                    ),
                }),
            }
        }
        ids
    }

    /// Finds an action by its Action # or, failing that, its title.
    fn find_action(&self, reference: &str) -> Option<usize> {
        let expected = normalize(reference);
        if expected.is_empty() {
            return None;
        }

        self.action_numbers.find(reference).or_else(|| {
            self.plan
                .actions
                .iter()
                .position(|action| normalize(&action.title) == expected)
        })
    }
}
