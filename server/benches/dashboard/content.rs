//! The words the generated plans are made of: focus areas with their plan
//! titles, root causes, SMART goal templates and actions, and the support
//! structures, owners, milestones, budget lines and funding sources every
//! plan draws from.
//!
//! All of it is fictional. Owners are roles, never people, and goals count
//! students only in aggregate, as a real plan does.

use cairn_plan::{Direction, SupportType};

/// One focus area and the content a plan in it draws from.
pub struct FocusArea {
    pub name: &'static str,
    /// Whether only high schools make plans in this focus area.
    pub high_school_only: bool,
    pub titles: &'static [&'static str],
    pub root_causes: &'static [&'static str],
    pub goals: &'static [GoalTemplate],
    /// Primary actions: work aimed straight at the goals.
    pub actions: &'static [&'static str],
}

/// A SMART goal with its measure and the ranges its numbers are drawn from.
pub struct GoalTemplate {
    /// The quantity measured, as it follows "Increase" or "Reduce" in the
    /// goal statement.
    pub subject: &'static str,
    pub measure: &'static str,
    /// `%`, or a unit that follows the number after a space.
    pub unit: &'static str,
    pub direction: Direction,
    /// The range the baseline value is drawn from.
    pub baseline: (f64, f64),
    /// The range of the distance from baseline to target.
    pub gap: (f64, f64),
}

/// The focus areas, each with four goal templates, so a plan with four
/// goals repeats none.
pub const FOCUS_AREAS: &[FocusArea] = &[
    FocusArea {
        name: "Literacy",
        high_school_only: false,
        titles: &[
            "Early reading foundations",
            "Grade 3 reading proficiency",
            "Adolescent literacy in every class",
            "Writing across the curriculum",
        ],
        root_causes: &[
            "Core reading instruction is not aligned with the science of reading",
            "Small-group time is used unevenly across classrooms",
            "Screening data reaches teachers weeks after testing",
            "Intervention rooms have few texts at students' instructional level",
        ],
        goals: &[
            percent_up(
                "the share of students in grades K-3 at or above benchmark on the reading screener",
                "Students at or above benchmark",
                (35.0, 55.0),
                (8.0, 18.0),
            ),
            percent_up(
                "the share of students meeting their oral reading fluency growth target",
                "Students meeting the fluency growth target",
                (40.0, 60.0),
                (10.0, 20.0),
            ),
            percent_up(
                "the share of students proficient on the state ELA assessment",
                "Students proficient in ELA",
                (30.0, 50.0),
                (5.0, 12.0),
            ),
            percent_up(
                "the share of writing samples scoring 3 or higher on the district rubric",
                "Writing samples at 3 or higher",
                (25.0, 45.0),
                (10.0, 20.0),
            ),
        ],
        actions: &[
            "Daily small-group phonics in grades K-2",
            "Structured literacy block in every grade",
            "Tier 2 reading intervention groups",
            "Decodable text library for each classroom",
            "Reading fluency partners in grade 3",
            "Family literacy night each quarter",
        ],
    },
    FocusArea {
        name: "Math",
        high_school_only: false,
        titles: &[
            "Math foundations in grades 3-5",
            "Algebra readiness",
            "Number sense in the early grades",
        ],
        root_causes: &[
            "Fact fluency gaps persist into the upper grades",
            "Intervention time overlaps with core math",
            "Teachers have few shared tasks for checking understanding",
        ],
        goals: &[
            percent_up(
                "the share of students at or above benchmark on the math screener",
                "Students at or above benchmark",
                (30.0, 50.0),
                (8.0, 15.0),
            ),
            percent_up(
                "the share of grade 8 students passing the algebra readiness check",
                "Students passing the readiness check",
                (40.0, 60.0),
                (8.0, 15.0),
            ),
            percent_up(
                "the share of students meeting their math growth target",
                "Students meeting the growth target",
                (45.0, 60.0),
                (8.0, 15.0),
            ),
            percent_up(
                "the share of students proficient on the state math assessment",
                "Students proficient in math",
                (25.0, 45.0),
                (5.0, 12.0),
            ),
        ],
        actions: &[
            "Number talks three times a week",
            "Tier 2 math intervention groups",
            "Common formative assessment in each unit",
            "Math fact fluency station",
            "Co-planning with the math coach",
            "Summer bridge for incoming grade 6",
        ],
    },
    FocusArea {
        name: "Attendance",
        high_school_only: false,
        titles: &[
            "Every day counts",
            "Reduce chronic absence",
            "Attendance and family outreach",
        ],
        root_causes: &[
            "Families learn late that absences are adding up",
            "Transportation gaps on the east bus routes",
            "Students lack a daily adult connection at school",
        ],
        goals: &[
            percent_down(
                "the share of students chronically absent",
                "Students chronically absent",
                (18.0, 32.0),
                (4.0, 9.0),
            ),
            percent_up(
                "average daily attendance",
                "Average daily attendance",
                (88.0, 93.0),
                (1.5, 3.5),
            ),
            percent_down(
                "the share of students missing 10 or more days by winter break",
                "Students missing 10 or more days",
                (12.0, 22.0),
                (3.0, 7.0),
            ),
            percent_down(
                "the share of students tardy more than twice a month",
                "Students with frequent tardies",
                (10.0, 20.0),
                (3.0, 6.0),
            ),
        ],
        actions: &[
            "Daily attendance check by the attendance team",
            "Positive postcards home after improved attendance",
            "Mentor check-ins for students with rising absences",
            "Attendance success plan meetings",
            "Morning greeting at every entrance",
            "Monthly attendance data review",
        ],
    },
    FocusArea {
        name: "Behavior",
        high_school_only: false,
        titles: &[
            "Positive behavior supports",
            "Safe and predictable classrooms",
            "Reduce exclusionary discipline",
        ],
        root_causes: &[
            "Expectations are taught once and not retaught",
            "Referral procedures differ from room to room",
            "Recess and lunch have few structured activities",
        ],
        goals: &[
            GoalTemplate {
                subject: "office discipline referrals",
                measure: "Office discipline referrals",
                unit: "referrals per month",
                direction: Direction::Decrease,
                baseline: (40.0, 90.0),
                gap: (10.0, 25.0),
            },
            GoalTemplate {
                subject: "out-of-school suspension days",
                measure: "Out-of-school suspension days",
                unit: "days per quarter",
                direction: Direction::Decrease,
                baseline: (20.0, 45.0),
                gap: (5.0, 15.0),
            },
            percent_down(
                "the share of students with two or more referrals",
                "Students with two or more referrals",
                (8.0, 15.0),
                (2.0, 5.0),
            ),
            percent_up(
                "the share of classrooms meeting the PBIS fidelity criteria",
                "Classrooms meeting fidelity criteria",
                (50.0, 70.0),
                (10.0, 20.0),
            ),
        ],
        actions: &[
            "Teach and reteach school-wide expectations",
            "Check-in check-out for Tier 2 students",
            "Classroom management coaching cycles",
            "Structured recess games",
            "Monthly PBIS data review",
            "Restorative conversations after referrals",
        ],
    },
    FocusArea {
        name: "SEL",
        high_school_only: false,
        titles: &[
            "Belonging and connection",
            "Social-emotional learning in every classroom",
            "Student well-being",
        ],
        root_causes: &[
            "SEL lessons are skipped when schedules are tight",
            "Students report few trusted adults",
            "Staff have had little training in SEL instruction",
        ],
        goals: &[
            percent_up(
                "the share of students who report a trusted adult at school",
                "Students reporting a trusted adult",
                (55.0, 70.0),
                (8.0, 15.0),
            ),
            percent_up(
                "the share of students at or above target on the SEL screener",
                "Students at or above the SEL target",
                (50.0, 65.0),
                (6.0, 12.0),
            ),
            percent_up(
                "the share of students who report feeling safe at school",
                "Students reporting they feel safe",
                (60.0, 75.0),
                (5.0, 12.0),
            ),
            percent_down(
                "the share of students referred for counseling more than once",
                "Students with repeat counseling referrals",
                (8.0, 14.0),
                (2.0, 4.0),
            ),
        ],
        actions: &[
            "Weekly SEL lessons in advisory",
            "Adult mentors for students new to the school",
            "Morning meetings in grades K-5",
            "Staff training on trauma-informed practice",
            "Student voice survey each semester",
            "Calm corners in every classroom",
        ],
    },
    FocusArea {
        name: "Graduation",
        high_school_only: true,
        titles: &[
            "On track to graduate",
            "Ninth grade success",
            "College and career readiness",
        ],
        root_causes: &[
            "Ninth grade course failures are found too late",
            "Credit recovery seats fill before the students who need them apply",
            "Few families know the FAFSA deadlines",
        ],
        goals: &[
            percent_up(
                "the share of ninth graders on track to graduate",
                "Ninth graders on track",
                (70.0, 82.0),
                (5.0, 10.0),
            ),
            percent_down(
                "the share of students with a course failure at the semester",
                "Students with a course failure",
                (15.0, 28.0),
                (4.0, 8.0),
            ),
            percent_up(
                "the share of seniors completing the FAFSA",
                "Seniors completing the FAFSA",
                (45.0, 60.0),
                (8.0, 15.0),
            ),
            percent_up(
                "the four-year graduation rate",
                "Four-year graduation rate",
                (78.0, 88.0),
                (2.0, 5.0),
            ),
        ],
        actions: &[
            "Ninth grade success team meets weekly",
            "Credit recovery during advisory",
            "Grade checks every three weeks",
            "FAFSA completion nights",
            "Mentors for students with a failing grade",
            "Freshman orientation and summer bridge",
        ],
    },
];

/// Support structures: what helps staff carry out the primary actions.
pub const SUPPORT_STRUCTURES: &[(SupportType, &str)] = &[
    (
        SupportType::Training,
        "Professional learning day for grade-level teams",
    ),
    (SupportType::Tool, "Shared progress monitoring dashboard"),
    (
        SupportType::ProcedureAudit,
        "Quarterly fidelity walk-throughs",
    ),
    (SupportType::Other, "Protected PLC time each week"),
    (
        SupportType::Training,
        "Onboarding sessions for new teachers",
    ),
    (SupportType::Tool, "Progress monitoring calendar"),
];

/// Owners of actions, as roles.
pub const OWNERS: &[&str] = &[
    "Principal",
    "Assistant principal",
    "Instructional coach",
    "Intervention teacher",
    "School counselor",
    "Grade-level team lead",
    "Attendance clerk",
    "MTSS coordinator",
];

pub const MILESTONES: &[&str] = &[
    "Baseline data reviewed with staff",
    "Intervention groups formed",
    "Staff training completed",
    "Family survey sent",
    "Mid-year data review",
    "Fidelity check completed",
    "End-of-year data review",
    "Plan presented to the school board",
];

pub const BUDGET_LINES: &[&str] = &[
    "Substitute coverage for PLC days",
    "Instructional materials",
    "After-school tutoring stipends",
    "Screener licenses",
    "Family night supplies",
    "Coach stipend",
    "Conference registration",
    "Recognition and incentives",
];

pub const FUNDING_SOURCES: &[&str] = &[
    "Title I",
    "Title II-A",
    "Title IV-A",
    "General fund",
    "ESSER III",
    "State literacy grant",
];

/// First words of school names. Each one is used once per school level.
pub const SCHOOL_NAMES: &[&str] = &[
    "Alder", "Aspen", "Birch", "Briar", "Cedar", "Clover", "Cypress", "Elm", "Fern", "Hawthorn",
    "Hazel", "Hickory", "Juniper", "Laurel", "Linden", "Magnolia", "Maple", "Oak", "Pine",
    "Poplar", "Redwood", "Sequoia", "Spruce", "Sycamore", "Willow",
];

pub const SCHOOL_LEVELS: &[&str] = &["Elementary", "Middle", "High"];

const fn percent_up(
    subject: &'static str,
    measure: &'static str,
    baseline: (f64, f64),
    gap: (f64, f64),
) -> GoalTemplate {
    GoalTemplate {
        subject,
        measure,
        unit: "%",
        direction: Direction::Increase,
        baseline,
        gap,
    }
}

const fn percent_down(
    subject: &'static str,
    measure: &'static str,
    baseline: (f64, f64),
    gap: (f64, f64),
) -> GoalTemplate {
    GoalTemplate {
        direction: Direction::Decrease,
        ..percent_up(subject, measure, baseline, gap)
    }
}
