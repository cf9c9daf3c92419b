//! Plan templates: the bundled files, the plans they build, and the checks
//! that reject a broken template file.

use std::collections::HashSet;

use cairn_plan::templates::{template, templates, Template, TemplateError};
use cairn_plan::{ActionKind, Collection, EntityId, Plan, PlanDocument, ResourceKind, SupportType};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn every_id(plan: &Plan) -> Vec<EntityId> {
    let mut ids = Vec::new();
    ids.extend(plan.root_causes.iter().map(|entity| entity.id.clone()));
    ids.extend(plan.goals.iter().map(|entity| entity.id.clone()));
    ids.extend(plan.actions.iter().map(|entity| entity.id.clone()));
    ids.extend(plan.resources.iter().map(|entity| entity.id.clone()));
    ids.extend(plan.milestones.iter().map(|entity| entity.id.clone()));
    ids
}

fn bundled_plan(key: &str) -> Plan {
    template(key).unwrap().plan("2026-27").unwrap()
}

/// A small template with one root cause, goal, action, resource and
/// milestone, linked by key.
const SMALL_TEMPLATE: &str = r#"{
  "name": "Bus behavior",
  "description": "Expectations for the bus ride.",
  "focus_area": "Behavior - Transportation",
  "title": "Bus Behavior Plan",
  "root_causes": [
    { "key": "untaught", "statement": "Bus expectations are not taught." },
    { "key": "no-data", "statement": "Bus referrals are not reviewed.", "evidence": "Bus referral log" }
  ],
  "goals": [
    {
      "key": "bus-referrals",
      "statement": "Reduce bus referrals from [baseline] to [target].",
      "direction": "decrease",
      "root_causes": ["no-data", "untaught"]
    }
  ],
  "actions": [
    {
      "key": "bus-lessons",
      "kind": "primary",
      "title": "Teach bus expectations",
      "start": "08-17",
      "due": "01-22",
      "goals": ["bus-referrals"]
    },
    {
      "key": "driver-training",
      "kind": "support",
      "support_type": "training",
      "title": "Train bus drivers on the acknowledgement system"
    }
  ],
  "resources": [
    {
      "kind": "budget",
      "description": "Bus acknowledgement tickets",
      "amount": "480.00",
      "funding_source": "Title IV-A",
      "hours": "6.5",
      "actions": ["driver-training", "bus-lessons"]
    }
  ],
  "milestones": [
    { "title": "Drivers trained", "date": "06-04", "actions": ["driver-training"] }
  ]
}"#;

fn small_template() -> Template {
    Template::from_json("bus-behavior", SMALL_TEMPLATE).unwrap()
}

/// Loads `SMALL_TEMPLATE` with one piece of text replaced.
fn load_changed(from: &str, to: &str) -> Result<Template, TemplateError> {
    assert!(
        SMALL_TEMPLATE.contains(from),
        "`{from}` is not in the template"
    );
    Template::from_json("bus-behavior", &SMALL_TEMPLATE.replacen(from, to, 1))
}

#[test]
fn templates_are_listed_in_order() {
    let keys: Vec<String> = templates()
        .iter()
        .map(|template| template.key().to_owned())
        .collect();

    assert_eq!(
        keys,
        ["blank", "pbis-tier-1", "early-literacy", "attendance"]
    );
}

#[test]
fn template_finds_by_key() {
    let attendance = template("attendance").unwrap();

    assert_eq!(attendance.key(), "attendance");
    assert_eq!(attendance.name(), "Attendance (chronic absence)");
}

#[test]
fn unknown_template_key_is_none() {
    assert!(template("pbis-tier-3").is_none());
}

#[test]
fn every_template_has_name_and_description() {
    for template in templates() {
        assert!(
            !template.name().is_empty(),
            "{} has no name",
            template.key()
        );
        assert!(
            !template.description().is_empty(),
            "{} has no description",
            template.key()
        );
    }
}

#[test]
fn every_template_plan_becomes_a_document() {
    for template in templates() {
        let plan = template.plan("2026-27").unwrap();

        let document = PlanDocument::from_plan(&plan);

        assert!(document.is_ok(), "{}: {:?}", template.key(), document.err());
    }
}

#[test]
fn every_template_plan_survives_the_document() {
    for template in templates() {
        let plan = template.plan("2026-27").unwrap();

        let snapshot = PlanDocument::from_plan(&plan).unwrap().snapshot();

        assert_eq!(snapshot, plan, "{}", template.key());
    }
}

#[test]
fn two_plans_from_one_template_share_no_ids() {
    for template in templates() {
        let first: HashSet<EntityId> = every_id(&template.plan("2026-27").unwrap())
            .into_iter()
            .collect();
        let second = every_id(&template.plan("2026-27").unwrap());

        assert!(
            second.iter().all(|id| !first.contains(id)),
            "{} repeats an id",
            template.key()
        );
    }
}

#[test]
fn every_template_leaves_baselines_and_targets_empty() {
    for template in templates() {
        let plan = template.plan("2026-27").unwrap();

        for goal in &plan.goals {
            assert_eq!(goal.baseline_value, None, "{}", template.key());
            assert_eq!(goal.baseline_date, None, "{}", template.key());
            assert_eq!(goal.target_value, None, "{}", template.key());
            assert_eq!(goal.target_date, None, "{}", template.key());
        }
    }
}

#[test]
fn every_template_date_falls_in_its_year() {
    for school_year in ["2026-27", "2027-28", "2031-32"] {
        for template in templates() {
            let plan = template.plan(school_year).unwrap();
            let year = cairn_plan::timeline::SchoolYear::parse(school_year).unwrap();
            let dates = plan
                .actions
                .iter()
                .flat_map(|action| [action.start_date, action.due_date])
                .chain(plan.milestones.iter().map(|milestone| milestone.date))
                .flatten();

            for date in dates {
                assert!(
                    year.contains(date),
                    "{} {school_year}: {date}",
                    template.key()
                );
            }
        }
    }
}

#[test]
fn every_template_links_actions_to_goals() {
    for template in templates() {
        let plan = template.plan("2026-27").unwrap();
        let unlinked = plan
            .actions
            .iter()
            .find(|action| action.goal_ids.is_empty());

        assert!(unlinked.is_none(), "{}: {unlinked:?}", template.key());
    }
}

#[test]
fn blank_template_has_no_entities() {
    let plan = bundled_plan("blank");

    assert!(plan.root_causes.is_empty());
    assert!(plan.goals.is_empty());
    assert!(plan.actions.is_empty());
    assert!(plan.resources.is_empty());
    assert!(plan.milestones.is_empty());
    assert_eq!(plan.title, "");
    assert_eq!(plan.school_year, "2026-27");
}

#[test]
fn content_templates_fill_every_section() {
    for key in ["pbis-tier-1", "early-literacy", "attendance"] {
        let plan = bundled_plan(key);

        assert!(!plan.root_causes.is_empty(), "{key} has no root causes");
        assert!(!plan.goals.is_empty(), "{key} has no goals");
        assert!(
            plan.actions_of_kind(ActionKind::Primary).count() > 0,
            "{key} has no primary actions"
        );
        assert!(
            plan.actions_of_kind(ActionKind::Support).count() > 0,
            "{key} has no support structures"
        );
        assert!(!plan.resources.is_empty(), "{key} has no resources");
        assert!(!plan.milestones.is_empty(), "{key} has no milestones");
        assert!(!plan.focus_area.is_empty(), "{key} has no focus area");
    }
}

#[test]
fn pbis_goal_measures_office_discipline_referrals() {
    let plan = bundled_plan("pbis-tier-1");

    assert!(plan.goals[0]
        .measure
        .to_lowercase()
        .contains("office discipline referrals"));
}

#[test]
fn pbis_goal_answers_every_root_cause() {
    let plan = bundled_plan("pbis-tier-1");
    let root_cause_ids: Vec<EntityId> = plan.root_causes.iter().map(|r| r.id.clone()).collect();

    assert_eq!(plan.goals[0].root_cause_ids, root_cause_ids);
}

#[test]
fn pbis_has_training_tool_and_procedure_audit() {
    let plan = bundled_plan("pbis-tier-1");
    let types: HashSet<SupportType> = plan
        .actions_of_kind(ActionKind::Support)
        .filter_map(|action| action.support_type)
        .collect();

    assert!(types.contains(&SupportType::Training));
    assert!(types.contains(&SupportType::Tool));
    assert!(types.contains(&SupportType::ProcedureAudit));
}

#[test]
fn pbis_protects_time_for_the_team() {
    let plan = bundled_plan("pbis-tier-1");

    assert!(plan
        .resources
        .iter()
        .any(|resource| resource.kind == ResourceKind::ProtectedTime));
}

#[test]
fn early_literacy_assigns_a_coach() {
    let plan = bundled_plan("early-literacy");

    assert!(plan
        .resources
        .iter()
        .any(|resource| resource.kind == ResourceKind::CoachOrMentor
            && !resource.action_ids.is_empty()));
}

#[test]
fn plan_takes_year_label_and_title() {
    let plan = small_template().plan("2026-2027").unwrap();

    assert_eq!(plan.school_year, "2026-27");
    assert_eq!(plan.title, "Bus Behavior Plan 2026-27");
    assert_eq!(plan.focus_area, "Behavior - Transportation");
}

#[test]
fn autumn_dates_fall_in_first_calendar_year() {
    let plan = small_template().plan("2026-27").unwrap();

    assert_eq!(plan.actions[0].start_date, date(2026, 8, 17));
}

#[test]
fn spring_dates_fall_in_second_calendar_year() {
    let plan = small_template().plan("2026-27").unwrap();

    assert_eq!(plan.actions[0].due_date, date(2027, 1, 22));
    assert_eq!(plan.milestones[0].date, date(2027, 6, 4));
}

#[test]
fn july_dates_fall_in_first_calendar_year() {
    let template = load_changed(r#""date": "06-04""#, r#""date": "07-06""#).unwrap();

    let plan = template.plan("2026-27").unwrap();

    assert_eq!(plan.milestones[0].date, date(2026, 7, 6));
}

#[test]
fn dates_follow_the_requested_year() {
    let plan = small_template().plan("2030-31").unwrap();

    assert_eq!(plan.actions[0].start_date, date(2030, 8, 17));
    assert_eq!(plan.actions[0].due_date, date(2031, 1, 22));
}

#[test]
fn local_keys_become_links_in_plan_order() {
    let plan = small_template().plan("2026-27").unwrap();
    let root_cause_ids: Vec<EntityId> = plan.root_causes.iter().map(|r| r.id.clone()).collect();
    let action_ids: Vec<EntityId> = plan.actions.iter().map(|a| a.id.clone()).collect();

    assert_eq!(plan.goals[0].root_cause_ids, root_cause_ids);
    assert_eq!(plan.actions[0].goal_ids, [plan.goals[0].id.clone()]);
    assert_eq!(plan.resources[0].action_ids, action_ids);
    assert_eq!(plan.milestones[0].action_ids, [action_ids[1].clone()]);
}

#[test]
fn resource_amount_and_hours_are_exact() {
    let plan = small_template().plan("2026-27").unwrap();
    let resource = &plan.resources[0];

    assert_eq!(resource.amount, Some(Decimal::new(48000, 2)));
    assert_eq!(resource.hours, Some(Decimal::new(65, 1)));
    assert_eq!(resource.funding_source, "Title IV-A");
}

#[test]
fn support_structure_keeps_its_type() {
    let plan = small_template().plan("2026-27").unwrap();

    assert_eq!(plan.actions[1].kind, ActionKind::Support);
    assert_eq!(plan.actions[1].support_type, Some(SupportType::Training));
}

#[test]
fn invalid_school_year_is_rejected() {
    let result = small_template().plan("next year");

    assert!(matches!(
        result,
        Err(TemplateError::InvalidSchoolYear { text }) if text == "next year"
    ));
}

#[test]
fn duplicate_key_is_rejected() {
    let result = load_changed(r#""key": "no-data""#, r#""key": "untaught""#);

    assert!(matches!(
        result,
        Err(TemplateError::DuplicateKey { collection: Collection::RootCauses, key, .. })
            if key == "untaught"
    ));
}

#[test]
fn link_to_unknown_key_is_rejected() {
    let result = load_changed(r#""goals": ["bus-referrals"]"#, r#""goals": ["bus-refs"]"#);

    assert!(matches!(
        result,
        Err(TemplateError::UnknownKey { from: Collection::Actions, to: Collection::Goals, key, .. })
            if key == "bus-refs"
    ));
}

#[test]
fn unknown_key_message_names_entity_and_key() {
    let error = load_changed(
        r#""actions": ["driver-training"]"#,
        r#""actions": ["drivers"]"#,
    )
    .unwrap_err();

    assert_eq!(
        error.to_string(),
        "template `bus-behavior`: the milestone `Drivers trained` links to the action key \
         `drivers`, which no action in the file has"
    );
}

#[test]
fn support_type_on_primary_action_is_rejected() {
    let result = load_changed(
        r#""kind": "primary","#,
        r#""kind": "primary", "support_type": "tool","#,
    );

    assert!(matches!(
        result,
        Err(TemplateError::SupportTypeOnPrimaryAction { title, .. })
            if title == "Teach bus expectations"
    ));
}

#[test]
fn due_before_start_is_rejected() {
    let result = load_changed(r#""due": "01-22""#, r#""due": "07-31""#);

    assert!(matches!(
        result,
        Err(TemplateError::DueBeforeStart { title, .. }) if title == "Teach bus expectations"
    ));
}

#[test]
fn february_29_is_rejected() {
    let error = load_changed(r#""due": "01-22""#, r#""due": "02-29""#).unwrap_err();

    assert!(matches!(error, TemplateError::InvalidFile { .. }));
    assert!(error.to_string().contains("use 02-28 or 03-01"), "{error}");
}

#[test]
fn malformed_month_day_is_rejected() {
    for bad in ["8-17", "13-01", "04-31", "08/17", "2026-08-17"] {
        let result = load_changed(r#""start": "08-17""#, &format!(r#""start": "{bad}""#));

        assert!(
            matches!(result, Err(TemplateError::InvalidFile { .. })),
            "{bad} was accepted"
        );
    }
}

#[test]
fn unknown_field_is_rejected() {
    let result = load_changed(
        r#""title": "Drivers trained""#,
        r#""titel": "Drivers trained""#,
    );

    assert!(matches!(result, Err(TemplateError::InvalidFile { .. })));
}

#[test]
fn baseline_in_template_is_rejected() {
    let result = load_changed(
        r#""direction": "decrease","#,
        r#""direction": "decrease", "baseline_value": 12,"#,
    );

    assert!(matches!(result, Err(TemplateError::InvalidFile { .. })));
}
