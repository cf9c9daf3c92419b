//! The JSON export: its shape, and that it reads back into the same plan.

use cairn_plan::{
    export_json, import_csv, to_json_string_pretty, Action, ActionKind, Plan, PlanStatus,
};

const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

#[test]
fn export_reads_back_into_same_plan() {
    let plan = import_csv(RIVERBEND).unwrap().document.snapshot();

    let text = to_json_string_pretty(&plan);
    let read_back: Plan = serde_json::from_str(&text).unwrap();

    assert_eq!(read_back, plan);
}

#[test]
fn export_has_plan_fields_at_top_level() {
    let plan = Plan {
        title: "Attendance plan".to_owned(),
        status: PlanStatus::Approved,
        ..Plan::default()
    };

    let json = export_json(&plan);

    assert_eq!(json["title"], "Attendance plan");
    assert_eq!(json["status"], "approved");
    assert_eq!(json["participating_schools"], serde_json::json!([]));
    for array in [
        "root_causes",
        "goals",
        "actions",
        "resources",
        "milestones",
        "measurements",
        "check_ins",
    ] {
        assert!(json[array].is_array(), "{array} is missing");
    }
}

#[test]
fn export_writes_nulls_and_text_dates() {
    let mut action = Action::new(ActionKind::Primary, "Call families");
    action.due_date = chrono::NaiveDate::from_ymd_opt(2026, 10, 1);
    let plan = Plan {
        actions: vec![action],
        ..Plan::default()
    };

    let json = export_json(&plan);

    assert_eq!(json["actions"][0]["due_date"], "2026-10-01");
    assert!(json["actions"][0]["start_date"].is_null());
    assert!(json["actions"][0]["support_type"].is_null());
    assert_eq!(json["actions"][0]["status"], "not_started");
}
