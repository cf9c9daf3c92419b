//! Finding the columns of a table by their header names.
//!
//! A header cell is normalized (lowercased, `#` read as "number", `(s)`
//! and other punctuation dropped, spaces collapsed) and matched against a
//! list of aliases per field. Exact matches are assigned first, in the
//! order of the fields and of their aliases. Each remaining cell of at most
//! six words then takes the field whose alias words it contains, comparing
//! words without a plural `s`, and preferring the alias with the most
//! words. A row is a header when at least [`MIN_HEADER_MATCHES`] cells
//! match and they are more than half of its non-empty cells. The second
//! condition keeps a data row whose short cells contain column words
//! ("Grade-Level Leads", "Primary Action") from being taken for a header.
//! Inside a table, a row without a title row above it must name its
//! columns exactly (see [`Header::match_exact_names`]), because data cells
//! such as `Goal 1: attendance` contain column words too.

use std::collections::HashSet;

/// How many cells of a row must match known columns for it to be a header.
pub(crate) const MIN_HEADER_MATCHES: usize = 3;

/// The maximum number of words in a header cell matched by containment.
const MAX_FUZZY_WORDS: usize = 6;

/// The fields of one kind of table.
pub(crate) trait ColumnSet: Copy + Eq + Sized + 'static {
    /// Every field, in the order in which they claim header cells.
    const ALL: &'static [Self];

    /// Normalized header names, the preferred ones first.
    fn aliases(self) -> &'static [&'static str];
}

/// Normalizes a header cell: lowercase, `#` as "number", no `(s)`, and only
/// letters and digits between single spaces.
pub(crate) fn normalize_header(text: &str) -> String {
    let text = text
        .to_lowercase()
        .replace("(s)", "")
        .replace('#', " number ");
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn singular(word: &str) -> &str {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

fn word_set(text: &str) -> HashSet<&str> {
    text.split(' ')
        .filter(|word| !word.is_empty())
        .map(singular)
        .collect()
}

/// The columns found in one header row.
#[derive(Clone, Debug)]
pub(crate) struct Header<C: ColumnSet> {
    /// The 1-based line of the header row.
    pub(crate) line: usize,
    /// The header cells as written.
    pub(crate) names: Vec<String>,
    assigned: Vec<(C, usize)>,
    /// One past the last non-empty header cell.
    pub(crate) width: usize,
}

impl<C: ColumnSet> Header<C> {
    /// Matches the cells of a row against the fields of `C`, by exact
    /// names first and then by the words of the remaining cells.
    pub(crate) fn match_row(line: usize, cells: &[String]) -> Self {
        Self::match_cells(line, cells, true)
    }

    /// Matches the cells of a row against the exact header names of `C`
    /// only, such as `Action Step` but not `Action 1: daily calls`.
    pub(crate) fn match_exact_names(line: usize, cells: &[String]) -> Self {
        Self::match_cells(line, cells, false)
    }

    fn match_cells(line: usize, cells: &[String], by_words: bool) -> Self {
        let normalized: Vec<String> = cells.iter().map(|cell| normalize_header(cell)).collect();
        let mut assigned: Vec<(C, usize)> = Vec::new();
        let mut used = vec![false; cells.len()];

        for field in C::ALL {
            let exact = field.aliases().iter().find_map(|alias| {
                (0..cells.len()).find(|&index| !used[index] && normalized[index] == *alias)
            });
            if let Some(index) = exact {
                used[index] = true;
                assigned.push((*field, index));
            }
        }

        let remaining = normalized.iter().enumerate().filter(|_| by_words);
        for (index, name) in remaining {
            let words = word_set(name);
            if used[index] || words.is_empty() || words.len() > MAX_FUZZY_WORDS {
                continue;
            }

            let mut best: Option<(C, usize)> = None;
            for field in C::ALL {
                if assigned.iter().any(|(taken, _)| taken == field) {
                    continue;
                }
                for alias in field.aliases() {
                    let alias_words = word_set(alias);
                    let contained = alias_words.iter().all(|word| words.contains(word));
                    let better = best.is_none_or(|(_, size)| alias_words.len() > size);
                    if contained && better {
                        best = Some((*field, alias_words.len()));
                    }
                }
            }
            if let Some((field, _)) = best {
                used[index] = true;
                assigned.push((field, index));
            }
        }

        let width = cells
            .iter()
            .rposition(|cell| !cell.trim().is_empty())
            .map_or(0, |last| last + 1);

        Self {
            line,
            names: cells.iter().map(|cell| cell.trim().to_owned()).collect(),
            assigned,
            width,
        }
    }

    pub(crate) fn match_count(&self) -> usize {
        self.assigned.len()
    }

    /// Returns whether enough cells match and most of the row's cells do.
    pub(crate) fn looks_like_header(&self) -> bool {
        let filled = self.names.iter().filter(|name| !name.is_empty()).count();
        self.match_count() >= MIN_HEADER_MATCHES && self.match_count() * 2 > filled
    }

    pub(crate) fn has(&self, field: C) -> bool {
        self.index(field).is_some()
    }

    pub(crate) fn index(&self, field: C) -> Option<usize> {
        self.assigned
            .iter()
            .find(|(candidate, _)| *candidate == field)
            .map(|(_, index)| *index)
    }

    /// Returns the cell of `field` in `cells`, or "" when the column or the
    /// cell is missing. Cells are trimmed when the file is read, except in
    /// a file written by the CSV export.
    pub(crate) fn cell<'a>(&self, cells: &'a [String], field: C) -> &'a str {
        self.index(field)
            .and_then(|index| cells.get(index))
            .map_or("", String::as_str)
    }

    /// Returns the header name of `field` as written in the file.
    pub(crate) fn name(&self, field: C) -> &str {
        self.index(field)
            .and_then(|index| self.names.get(index))
            .map_or("", String::as_str)
    }

    /// Header cells that name no known column, with their index.
    pub(crate) fn unknown_columns(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.names.iter().enumerate().filter_map(|(index, name)| {
            let known = self.assigned.iter().any(|(_, assigned)| *assigned == index);
            (!known && !name.is_empty()).then_some((index, name.as_str()))
        })
    }

    /// Whether the header cell at `index` repeats the name of a column that
    /// is imported, such as a second `Due Date` column.
    pub(crate) fn repeats_imported_column(&self, index: usize) -> bool {
        let Some(name) = self.names.get(index).map(|name| normalize_header(name)) else {
            return false;
        };
        self.assigned.iter().any(|(_, assigned)| {
            *assigned != index && normalize_header(&self.names[*assigned]) == name
        })
    }
}

/// The columns of the plan table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlanColumn {
    RootCauseNumber,
    RootCause,
    RootCauseEvidence,
    GoalNumber,
    GoalStatement,
    Measure,
    Unit,
    BaselineDate,
    Baseline,
    TargetDate,
    Target,
    Direction,
    InterimTargetDate,
    InterimTarget,
    MonitoringFrequency,
    Rationale,
    ActionNumber,
    ActionTitle,
    ActionDescription,
    ActionType,
    SupportType,
    Owner,
    StartDate,
    DueDate,
    Timeline,
    Status,
    SuccessIndicator,
    EvidenceOfImplementation,
    Notes,
    Resources,
    Budget,
    FundingSource,
    ProfessionalLearning,
    Fall,
    Winter,
    Spring,
}

impl ColumnSet for PlanColumn {
    const ALL: &'static [Self] = &[
        PlanColumn::RootCauseNumber,
        PlanColumn::RootCause,
        PlanColumn::RootCauseEvidence,
        PlanColumn::GoalNumber,
        PlanColumn::GoalStatement,
        PlanColumn::SuccessIndicator,
        PlanColumn::Measure,
        PlanColumn::Unit,
        PlanColumn::BaselineDate,
        PlanColumn::Baseline,
        PlanColumn::InterimTargetDate,
        PlanColumn::InterimTarget,
        PlanColumn::TargetDate,
        PlanColumn::Target,
        PlanColumn::Direction,
        PlanColumn::MonitoringFrequency,
        PlanColumn::Rationale,
        PlanColumn::ActionNumber,
        PlanColumn::ActionTitle,
        PlanColumn::ActionDescription,
        PlanColumn::SupportType,
        PlanColumn::ActionType,
        PlanColumn::Owner,
        PlanColumn::StartDate,
        PlanColumn::DueDate,
        PlanColumn::Timeline,
        PlanColumn::Status,
        PlanColumn::EvidenceOfImplementation,
        PlanColumn::Notes,
        PlanColumn::Resources,
        PlanColumn::Budget,
        PlanColumn::FundingSource,
        PlanColumn::ProfessionalLearning,
        PlanColumn::Fall,
        PlanColumn::Winter,
        PlanColumn::Spring,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            PlanColumn::RootCauseNumber => &["root cause number", "root cause no", "root cause id"],
            PlanColumn::RootCause => &[
                "root cause",
                "root cause addressed",
                "root causes",
                "root cause statement",
                "contributing factor",
            ],
            PlanColumn::RootCauseEvidence => &[
                "root cause evidence",
                "evidence of root cause",
                "supporting data",
                "data evidence",
            ],
            PlanColumn::GoalNumber => &["goal number", "goal no", "goal id"],
            PlanColumn::GoalStatement => &[
                "smart goal",
                "goal statement",
                "goal",
                "smart goal statement",
                "goals",
                "annual goal",
            ],
            PlanColumn::SuccessIndicator => &[
                "progress monitoring measure",
                "success indicator",
                "success criteria",
                "indicator of success",
                "progress measure",
            ],
            PlanColumn::Measure => &["measure", "goal measure", "outcome measure", "metric"],
            PlanColumn::Unit => &["unit", "units"],
            PlanColumn::BaselineDate => &["baseline date", "date of baseline"],
            PlanColumn::Baseline => &["baseline", "baseline value", "baseline data"],
            PlanColumn::TargetDate => &["target date", "goal date"],
            PlanColumn::Target => &["target", "target value", "goal target"],
            PlanColumn::Direction => &["direction", "goal direction"],
            PlanColumn::InterimTargetDate => &["interim target date", "interim date"],
            PlanColumn::InterimTarget => &["interim target", "interim target value"],
            PlanColumn::Rationale => &["rationale", "goal rationale"],
            PlanColumn::ActionNumber => &["action number", "action no", "action id"],
            PlanColumn::SupportType => &["support type", "support structure type"],
            PlanColumn::MonitoringFrequency => &[
                "monitoring frequency",
                "progress monitoring frequency",
                "frequency",
                "review frequency",
            ],
            PlanColumn::ActionTitle => &[
                "action step",
                "strategy",
                "action",
                "activity",
                "intervention",
                "strategies",
                "action steps",
            ],
            PlanColumn::ActionDescription => &[
                "description",
                "action steps",
                "action description",
                "steps",
                "details",
            ],
            PlanColumn::ActionType => &["action type", "type", "action category"],
            PlanColumn::Owner => &[
                "person responsible",
                "lead",
                "owner",
                "responsible",
                "responsible person",
                "point person",
            ],
            PlanColumn::StartDate => &["start date", "start", "begin date"],
            PlanColumn::DueDate => &["due date", "due", "end date", "completion date", "deadline"],
            PlanColumn::Timeline => &["timeline", "timeframe", "time frame"],
            PlanColumn::Status => &["status", "action status", "progress"],
            PlanColumn::EvidenceOfImplementation => &[
                "evidence of implementation",
                "implementation evidence",
                "evidence",
            ],
            PlanColumn::Notes => &["notes", "note", "comments"],
            PlanColumn::Resources => &[
                "resources needed",
                "resources",
                "resources funding source",
                "resource",
            ],
            PlanColumn::Budget => &["budget", "cost", "amount", "budget amount"],
            PlanColumn::FundingSource => &["funding source", "funding", "source of funds"],
            PlanColumn::ProfessionalLearning => &[
                "professional learning",
                "professional development",
                "training",
            ],
            PlanColumn::Fall => &["fall"],
            PlanColumn::Winter => &["winter"],
            PlanColumn::Spring => &["spring"],
        }
    }
}

impl PlanColumn {
    /// The columns that make a header row a plan table: at least one of
    /// them must be present.
    pub(crate) const ANCHORS: [PlanColumn; 3] = [
        PlanColumn::RootCause,
        PlanColumn::GoalStatement,
        PlanColumn::ActionTitle,
    ];

    /// The expected headers, for the error about a file without a plan table.
    pub(crate) const EXPECTED: &'static str = "Root Cause, SMART Goal (or Goal Statement), \
         Action Step (or Strategy), Action Type, Person(s) Responsible (or Lead), \
         Resources Needed, Budget ($), Start Date, Due Date, Status";
}

/// The columns of a progress monitoring table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MeasurementColumn {
    Goal,
    Measure,
    Date,
    Value,
    EnteredBy,
    Note,
}

impl ColumnSet for MeasurementColumn {
    const ALL: &'static [Self] = &[
        MeasurementColumn::Goal,
        MeasurementColumn::Measure,
        MeasurementColumn::Date,
        MeasurementColumn::Value,
        MeasurementColumn::EnteredBy,
        MeasurementColumn::Note,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            MeasurementColumn::Goal => &["goal", "goal number", "goal statement", "smart goal"],
            MeasurementColumn::Measure => &["measure", "measure name", "metric", "data point"],
            MeasurementColumn::Date => &["date", "date collected", "collection date"],
            MeasurementColumn::Value => &["value", "result", "score"],
            MeasurementColumn::EnteredBy => &["entered by", "recorded by"],
            MeasurementColumn::Note => &["note", "notes", "comment", "comments"],
        }
    }
}

/// Returns whether a header row starts a plan table.
pub(crate) fn is_plan_header(header: &Header<PlanColumn>) -> bool {
    header.looks_like_header() && PlanColumn::ANCHORS.iter().any(|anchor| header.has(*anchor))
}

/// Returns whether a header row starts a progress monitoring table.
pub(crate) fn is_measurement_header(header: &Header<MeasurementColumn>) -> bool {
    header.looks_like_header()
        && header.has(MeasurementColumn::Measure)
        && header.has(MeasurementColumn::Date)
        && header.has(MeasurementColumn::Value)
}

/// The kinds of table a sheet can contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Plan,
    Measurements,
    Milestones,
    Resources,
    CheckIns,
    ActionReviews,
}

/// Returns the table that a one-cell title row introduces, such as
/// `Progress Monitoring` or `Milestones`.
pub(crate) fn table_title(text: &str) -> Option<Table> {
    match normalize_header(text).as_str() {
        "action plan" | "plan table" => Some(Table::Plan),
        "progress monitoring"
        | "progress monitoring data"
        | "progress monitoring measurements"
        | "measurements"
        | "progress data" => Some(Table::Measurements),
        "milestones" | "milestone" => Some(Table::Milestones),
        "resources" | "resource allocation" | "resources allocated" => Some(Table::Resources),
        "check ins" | "check in" | "check in records" | "checkins" => Some(Table::CheckIns),
        "action reviews" | "action review" => Some(Table::ActionReviews),
        _ => None,
    }
}

/// A field of the plan set by a `Key,Value` row above the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlanKey {
    Title,
    District,
    School,
    SchoolYear,
    FocusArea,
    Team,
    Schools,
    /// One participating school per row, so a name may contain `;`.
    ParticipatingSchool,
    Status,
    Currency,
}

impl PlanKey {
    /// Reads the key cell of a `Key,Value` row.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match normalize_header(text).as_str() {
            "plan" | "plan title" | "title" | "plan name" => Some(PlanKey::Title),
            "district" | "district name" => Some(PlanKey::District),
            "school" | "school name" | "campus" => Some(PlanKey::School),
            "school year" | "year" => Some(PlanKey::SchoolYear),
            "focus area" | "focus" | "area of focus" => Some(PlanKey::FocusArea),
            "team" | "team members" | "planning team" => Some(PlanKey::Team),
            "schools" | "participating schools" => Some(PlanKey::Schools),
            "participating school" => Some(PlanKey::ParticipatingSchool),
            "status" | "plan status" => Some(PlanKey::Status),
            "currency" => Some(PlanKey::Currency),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn punctuation_is_dropped_from_headers() {
        assert_eq!(
            normalize_header("Person(s) Responsible"),
            "person responsible"
        );
        assert_eq!(normalize_header(" Budget ($) "), "budget");
        assert_eq!(normalize_header("Goal #"), "goal number");
        assert_eq!(
            normalize_header("Resources / Funding Source"),
            "resources funding source"
        );
    }

    #[test]
    fn strategy_is_title_when_action_steps_follow() {
        let header = Header::<PlanColumn>::match_row(
            1,
            &cells(&["Goal Statement", "Strategy", "Action Steps", "Lead"]),
        );

        assert_eq!(header.index(PlanColumn::ActionTitle), Some(1));
        assert_eq!(header.index(PlanColumn::ActionDescription), Some(2));
        assert_eq!(header.index(PlanColumn::Owner), Some(3));
    }

    #[test]
    fn progress_monitoring_measure_is_not_goal_measure() {
        let header = Header::<PlanColumn>::match_row(
            1,
            &cells(&["SMART Goal", "Action Step", "Progress Monitoring Measure"]),
        );

        assert_eq!(header.index(PlanColumn::SuccessIndicator), Some(2));
        assert!(!header.has(PlanColumn::Measure));
    }

    #[test]
    fn reworded_headers_match_by_words() {
        let header = Header::<PlanColumn>::match_row(
            1,
            &cells(&[
                "ROOT CAUSES IDENTIFIED",
                "Persons  Responsible",
                "Action Status",
                "Goal",
            ]),
        );

        assert_eq!(header.index(PlanColumn::RootCause), Some(0));
        assert_eq!(header.index(PlanColumn::Owner), Some(1));
        assert_eq!(header.index(PlanColumn::Status), Some(2));
        assert_eq!(header.index(PlanColumn::GoalStatement), Some(3));
    }

    #[test]
    fn long_text_cells_do_not_match_by_words() {
        let header = Header::<PlanColumn>::match_row(
            1,
            &cells(&["Train the team on the new goal action status root cause form"]),
        );

        assert_eq!(header.match_count(), 0);
    }

    #[test]
    fn data_row_is_not_header() {
        let header = Header::<PlanColumn>::match_row(
            1,
            &cells(&[
                "Staff respond inconsistently to minor behaviors",
                "By March 31, 2027, 85% of staff will correctly classify minor vs. major behaviors",
                "Teach expectation lessons in every classroom",
                "Primary Action",
                "Grade-Level Leads",
                "Lesson plans",
                "0",
                "2026-11-30",
                "2027-05-28",
                "Boosters after winter and spring breaks",
            ]),
        );

        assert!(!is_plan_header(&header));
    }

    #[test]
    fn measurement_header_is_recognized() {
        let header = Header::<MeasurementColumn>::match_row(
            1,
            &cells(&["Measure", "Date", "Value", "Entered By", "Note", ""]),
        );

        assert!(is_measurement_header(&header));
        assert_eq!(header.width, 5);
    }
}
