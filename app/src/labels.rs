//! The words the interface shows for the plan's kinds and statuses, paired
//! with the values stored in the document.

use cairn_plan::{
    ActionKind, ActionStatus, CheckInKind, Direction, PlanStatus, ResourceKind, SupportType,
};

/// Plan statuses: stored value and label.
pub const PLAN_STATUSES: &[(&str, &str)] = &[
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("returned", "Returned"),
    ("approved", "Approved"),
    ("active", "Active"),
    ("closed", "Closed"),
];

/// Action kinds: stored value and label.
pub const ACTION_KINDS: &[(&str, &str)] = &[
    ("primary", "Primary action"),
    ("support", "Support structure"),
];

/// Support structure types, with an empty choice for primary actions.
pub const SUPPORT_TYPES: &[(&str, &str)] = &[
    ("", "Not a support structure"),
    ("training", "Training or professional development"),
    ("tool", "Tool"),
    ("procedure_audit", "Procedure audit"),
    ("other", "Other"),
];

/// Action statuses: stored value and label.
pub const ACTION_STATUSES: &[(&str, &str)] = &[
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("on_hold", "On hold"),
];

/// The choices for an action a check-in discussed: not discussed, or the
/// status the team gave it.
pub const ACTION_REVIEW_CHOICES: &[(&str, &str)] = &[
    ("", "Not discussed"),
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("on_hold", "On hold"),
];

/// Resource kinds: stored value and label.
pub const RESOURCE_KINDS: &[(&str, &str)] = &[
    ("budget", "Budget"),
    ("staff_role", "Staff role"),
    ("protected_time", "Protected time"),
    ("coach_or_mentor", "Coach or mentor"),
    ("material", "Material"),
];

/// Check-in kinds: stored value and label.
pub const CHECK_IN_KINDS: &[(&str, &str)] =
    &[("check_in", "Check-in"), ("pulse_check", "Pulse check")];

/// The currencies a plan's amounts can be stated in: ISO 4217 code and
/// label. US districts budget in dollars; the others serve schools near the
/// borders and overseas schools of US districts.
pub const CURRENCIES: &[(&str, &str)] = &[
    ("USD", "US dollar (USD)"),
    ("CAD", "Canadian dollar (CAD)"),
    ("MXN", "Mexican peso (MXN)"),
    ("EUR", "Euro (EUR)"),
];

/// Goal directions, with an empty choice for "not set".
pub const DIRECTIONS: &[(&str, &str)] = &[
    ("", "Not set"),
    ("increase", "Increase"),
    ("decrease", "Decrease"),
];

fn label_of(table: &[(&'static str, &'static str)], stored: &str) -> &'static str {
    table
        .iter()
        .find(|(value, _)| *value == stored)
        .map(|(_, label)| *label)
        .unwrap_or("Unknown")
}

/// The label of a plan status.
pub fn plan_status(status: PlanStatus) -> &'static str {
    label_of(PLAN_STATUSES, status.as_str())
}

/// The label of an action kind.
pub fn action_kind(kind: ActionKind) -> &'static str {
    label_of(ACTION_KINDS, kind.as_str())
}

/// The label of a support structure type.
pub fn support_type(kind: SupportType) -> &'static str {
    label_of(SUPPORT_TYPES, kind.as_str())
}

/// The label of an action status.
pub fn action_status(status: ActionStatus) -> &'static str {
    label_of(ACTION_STATUSES, status.as_str())
}

/// The label of a goal direction.
pub fn direction(direction: Direction) -> &'static str {
    label_of(DIRECTIONS, direction.as_str())
}

/// The label of a resource kind.
pub fn resource_kind(kind: ResourceKind) -> &'static str {
    label_of(RESOURCE_KINDS, kind.as_str())
}

/// The label of a check-in kind.
pub fn check_in_kind(kind: CheckInKind) -> &'static str {
    label_of(CHECK_IN_KINDS, kind.as_str())
}
