//! The live events the server sends on `GET /api/events`, a stream of
//! Server-Sent Events.
//!
//! The stream carries one kind of event, named `plans`, whose data is
//! `{"plans": ["<plan id>", ...]}`: the plans the signed-in person may read
//! whose plan index row changed, because the server stored an edit or
//! recorded a review decision. The server gathers the changes of about half
//! a second into one event. Lines starting with `:` are keep-alive comments,
//! which the browser's `EventSource` drops.
//!
//! The browser side, which opens the stream, is `crate::browser::events`.
//! The types here are plain data, so they are tested without a browser.

use serde::Deserialize;

/// The Server-Sent Events name of a [`PlansChanged`] event.
pub const PLANS_EVENT: &str = "plans";

/// The address of the event stream.
pub const EVENTS_URL: &str = "/api/events";

/// The data of a `plans` event: the plans whose index row changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct PlansChanged {
    /// The ids of the changed plans.
    pub plans: Vec<String>,
}

impl PlansChanged {
    /// Parses the data of a `plans` event.
    ///
    /// # Errors
    ///
    /// The JSON error when `data` is not `{"plans": [...]}`.
    pub fn parse(data: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(data)
    }

    /// Returns whether the plan with `plan_id` is among the changed plans. Ids are
    /// compared without regard to case, because a UUID may be written in
    /// either.
    pub fn includes(&self, plan_id: &str) -> bool {
        self.plans
            .iter()
            .any(|changed| changed.eq_ignore_ascii_case(plan_id))
    }
}

/// An event of the stream, as a view receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerEvent {
    /// Plans the person may read changed.
    PlansChanged(PlansChanged),
    /// The stream opened again after it was interrupted. Events sent in the
    /// meantime are lost, so a view should fetch what it shows again.
    Reconnected,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_event_parses() {
        let event = PlansChanged::parse(r#"{"plans":["7f3a","b2c1"]}"#).unwrap();

        assert_eq!(event.plans, ["7f3a", "b2c1"]);
    }

    #[test]
    fn plans_event_rejects_other_shapes() {
        assert!(PlansChanged::parse(r#"["7f3a"]"#).is_err());
        assert!(PlansChanged::parse("").is_err());
    }

    #[test]
    fn includes_ignores_case() {
        let event = PlansChanged {
            plans: vec!["67E55044-10B1-426F-9247-BB680E5FE0C8".to_owned()],
        };

        assert!(event.includes("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!event.includes("00000000-0000-0000-0000-000000000000"));
    }
}
