//! The plan's history panel: who changed the plan and when, from
//! `GET /api/plans/{id}/history`.
//!
//! The server groups the changes it stored into entries of consecutive
//! changes by one person, newest first. Each entry links to the plan as it
//! was after it, at `/plans/PLAN_ID/history/POINT`. Times show in the
//! browser's time zone.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Deserializer};

use super::requests::{self, encode_segment, RequestError};
use super::use_plan;

/// The message of the panel and the history view when the server cannot be
/// reached.
pub const NEEDS_CONNECTION: &str = "History needs a connection to the server.";

/// The person who made the changes of a history entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HistoryPerson {
    /// The name shown to others.
    #[serde(default)]
    pub name: String,
}

/// One entry of a plan's history: consecutive changes by one person.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HistoryEntry {
    /// The server's name for the plan's state after this entry, used in the
    /// entry's address. A number or a string on the wire.
    #[serde(deserialize_with = "point_text")]
    pub point: String,
    /// The person who made the changes.
    pub person: HistoryPerson,
    /// When the server stored the entry's first change.
    #[serde(deserialize_with = "timestamp")]
    pub first_at: DateTime<Utc>,
    /// When the server stored the entry's last change.
    #[serde(deserialize_with = "timestamp")]
    pub last_at: DateTime<Utc>,
    /// How many changes the entry groups.
    pub changes: u64,
}

/// Reads a history point given as a string or a number.
fn point_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Point {
        Text(String),
        Number(u64),
    }
    Ok(match Point::deserialize(deserializer)? {
        Point::Text(text) => text,
        Point::Number(number) => number.to_string(),
    })
}

/// Reads a time given as an RFC 3339 string or as Unix milliseconds.
fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Time {
        Text(String),
        Milliseconds(i64),
    }
    match Time::deserialize(deserializer)? {
        Time::Text(text) => DateTime::parse_from_rfc3339(&text)
            .map(|time| time.with_timezone(&Utc))
            .map_err(|error| {
                serde::de::Error::custom(format!(
                    "the time {text:?} is not an RFC 3339 time such as 2026-12-05T15:42:00Z: {error}"
                ))
            }),
        Time::Milliseconds(milliseconds) => DateTime::from_timestamp_millis(milliseconds)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "the time {milliseconds} is out of range for Unix milliseconds"
                ))
            }),
    }
}

/// Formats a time as "Dec 5, 2026, 10:42 AM" in the zone that is
/// `offset_minutes` east of UTC.
pub fn format_time(time: DateTime<Utc>, offset_minutes: i32) -> String {
    let zone =
        FixedOffset::east_opt(offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix());
    time.with_timezone(&zone)
        .format("%b %-d, %Y, %-I:%M %p")
        .to_string()
}

/// Formats a time in the browser's time zone, or in UTC off the browser.
pub fn local_time_text(time: DateTime<Utc>) -> String {
    format_time(time, local_offset_minutes(time))
}

/// Returns the browser's offset east of UTC at `time`, in minutes, so a
/// time on the other side of a daylight saving change gets its own offset.
#[cfg(feature = "hydrate")]
fn local_offset_minutes(time: DateTime<Utc>) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        time.timestamp_millis() as f64
    ));
    // `getTimezoneOffset` counts minutes west of UTC.
    -(date.get_timezone_offset() as i32)
}

#[cfg(not(feature = "hydrate"))]
fn local_offset_minutes(_time: DateTime<Utc>) -> i32 {
    0
}

/// Returns "1 change" or "N changes".
fn changes_text(count: u64) -> String {
    if count == 1 {
        "1 change".to_owned()
    } else {
        format!("{count} changes")
    }
}

/// Returns the person's name, or a stand-in when the server has none.
pub fn person_name(person: &HistoryPerson) -> &str {
    let name = person.name.trim();
    if name.is_empty() {
        "A person without a name"
    } else {
        name
    }
}

/// Describes an entry as "NAME — Dec 5, 2026, 10:42 AM — 12 changes", with
/// the time of its last change in the zone `offset_minutes` east of UTC.
pub fn describe_entry(entry: &HistoryEntry, offset_minutes: i32) -> String {
    format!(
        "{} — {} — {}",
        person_name(&entry.person),
        format_time(entry.last_at, offset_minutes),
        changes_text(entry.changes)
    )
}

/// Returns the banner of the plan as it was after `entry`.
pub fn as_of_banner(time_text: &str, name: &str) -> String {
    format!("This is the plan as it was on {time_text}, after changes by {name}. It is read-only.")
}

/// Returns the address of the plan as it was at `point`.
pub fn point_href(plan: cairn_sync::DocumentId, point: &str) -> String {
    format!("/plans/{plan}/history/{}", encode_segment(point))
}

/// The state of a history request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryState {
    /// Waiting for the server.
    Loading,
    /// The server cannot be reached.
    NeedsConnection,
    /// The server responded with an error.
    Failed(String),
    /// The entries, newest first.
    Loaded(Vec<HistoryEntry>),
}

impl HistoryState {
    /// Turns the response of the history route into the panel's state.
    pub fn from_result(result: Result<Vec<HistoryEntry>, RequestError>) -> Self {
        match result {
            Ok(entries) => HistoryState::Loaded(entries),
            Err(RequestError::NeedsConnection) => HistoryState::NeedsConnection,
            Err(error) => HistoryState::Failed(error.to_string()),
        }
    }
}

/// Shows the list of history entries, opened by the History button.
#[component]
pub fn HistoryPanel() -> impl IntoView {
    let context = use_plan();
    let state = RwSignal::new(HistoryState::Loading);

    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let result = requests::history(context.id).await;
            let _ = state.try_set(HistoryState::from_result(result));
        });
    });

    view! {
        <section class="history-panel" id="plan-history" aria-labelledby="plan-history-heading" data-testid="history-panel">
            <h2 id="plan-history-heading">"History"</h2>
            {move || match state.get() {
                HistoryState::Loading => view! { <p>"Loading the history…"</p> }.into_any(),
                HistoryState::NeedsConnection => view! { <p class="notice" role="status">{NEEDS_CONNECTION}</p> }.into_any(),
                HistoryState::Failed(message) => view! {
                    <p class="notice" role="alert">{format!("The plan's history could not be loaded: {message}.")}</p>
                }
                .into_any(),
                HistoryState::Loaded(entries) if entries.is_empty() => view! {
                    <p>"The server has recorded no changes to this plan yet. Changes stored before accounts existed are not listed."</p>
                }
                .into_any(),
                HistoryState::Loaded(entries) => view! {
                    <ol class="history-entries">
                        {entries.into_iter().map(|entry| view! { <HistoryRow entry/> }).collect_view()}
                    </ol>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn HistoryRow(entry: HistoryEntry) -> impl IntoView {
    let context = use_plan();
    let offset = local_offset_minutes(entry.last_at);
    let text = describe_entry(&entry, offset);
    let link_label = format!(
        "View the plan as it was on {}",
        format_time(entry.last_at, offset)
    );

    view! {
        <li data-testid="history-entry">
            <span>{text}</span>
            " "
            <a href=point_href(context.id, &entry.point) aria-label=link_label>"View"</a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(json: &str) -> HistoryEntry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn entry_reads_rfc3339_times() {
        let entry = entry(
            r#"{"point": "p-7", "person": {"id": "u1", "name": "Dana Coach"},
                "first_at": "2026-12-05T15:30:00Z", "last_at": "2026-12-05T15:42:10.5Z", "changes": 12}"#,
        );

        assert_eq!(entry.point, "p-7");
        assert_eq!(entry.person.name, "Dana Coach");
        assert_eq!(entry.changes, 12);
        assert_eq!(entry.last_at.to_rfc3339(), "2026-12-05T15:42:10.500+00:00");
    }

    #[test]
    fn entry_reads_numeric_point_and_milliseconds() {
        let entry = entry(
            r#"{"point": 42, "person": {"id": "u1", "name": "Dana Coach"},
                "first_at": 1796484600000, "last_at": 1796485320000, "changes": 1}"#,
        );

        assert_eq!(entry.point, "42");
        assert_eq!(entry.last_at.to_rfc3339(), "2026-12-05T15:42:00+00:00");
    }

    #[test]
    fn entry_rejects_unreadable_time() {
        let result = serde_json::from_str::<HistoryEntry>(
            r#"{"point": 1, "person": {"name": "Dana"}, "first_at": "yesterday", "last_at": "today", "changes": 1}"#,
        );

        let error = result.unwrap_err().to_string();
        assert!(error.contains("RFC 3339"), "{error}");
    }

    #[test]
    fn time_formats_in_offset_zone() {
        let time = DateTime::parse_from_rfc3339("2026-12-05T15:42:00Z")
            .unwrap()
            .with_timezone(&Utc);

        assert_eq!(format_time(time, 0), "Dec 5, 2026, 3:42 PM");
        assert_eq!(format_time(time, -5 * 60), "Dec 5, 2026, 10:42 AM");
        assert_eq!(format_time(time, 9 * 60), "Dec 6, 2026, 12:42 AM");
    }

    #[test]
    fn description_matches_layout() {
        let entry = entry(
            r#"{"point": 3, "person": {"id": "u1", "name": "Dana Coach"},
                "first_at": "2026-12-05T15:30:00Z", "last_at": "2026-12-05T15:42:00Z", "changes": 12}"#,
        );

        assert_eq!(
            describe_entry(&entry, -5 * 60),
            "Dana Coach — Dec 5, 2026, 10:42 AM — 12 changes"
        );
    }

    #[test]
    fn description_counts_one_change() {
        let entry = entry(
            r#"{"point": 3, "person": {"id": "u1", "name": "  "},
                "first_at": "2026-12-05T15:42:00Z", "last_at": "2026-12-05T15:42:00Z", "changes": 1}"#,
        );

        assert_eq!(
            describe_entry(&entry, 0),
            "A person without a name — Dec 5, 2026, 3:42 PM — 1 change"
        );
    }

    #[test]
    fn banner_names_time_and_person() {
        assert_eq!(
            as_of_banner("Dec 5, 2026, 10:42 AM", "Dana Coach"),
            "This is the plan as it was on Dec 5, 2026, 10:42 AM, after changes by Dana Coach. It is read-only."
        );
    }

    #[test]
    fn point_href_encodes_point() {
        let plan: cairn_sync::DocumentId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();

        assert_eq!(
            point_href(plan, "12"),
            "/plans/67e55044-10b1-426f-9247-bb680e5fe0c8/history/12"
        );
        assert_eq!(
            point_href(plan, "a/b"),
            "/plans/67e55044-10b1-426f-9247-bb680e5fe0c8/history/a%2Fb"
        );
    }

    #[test]
    fn history_state_from_errors() {
        assert_eq!(
            HistoryState::from_result(Err(RequestError::NeedsConnection)),
            HistoryState::NeedsConnection
        );
        assert_eq!(
            HistoryState::from_result(Err(RequestError::Failed("storage failed".to_owned()))),
            HistoryState::Failed("storage failed".to_owned())
        );
        assert_eq!(
            HistoryState::from_result(Ok(Vec::new())),
            HistoryState::Loaded(Vec::new())
        );
    }
}
