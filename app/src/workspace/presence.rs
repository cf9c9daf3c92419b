//! Presence: who else has a plan open right now, and in which section.
//!
//! Each tab sends its presence ([`payload::Presence`]) to the other tabs of
//! a plan through the sync protocol's `ephemeral` messages, which the
//! server relays without storing them and labels with the sender's name.
//! A tab repeats its presence every [`HEARTBEAT_MS`] and sends a `leaving`
//! one when it closes the plan. The receiving tab keeps the entries in a
//! [`Roster`] and drops an entry after [`EXPIRY_MS`] without news, which is
//! how a killed tab or a dropped connection disappears.
//!
//! Presence lives only in memory: nothing of it is written to the plan's
//! document, the server's database or the browser's storage.

pub mod payload;

use std::collections::HashMap;

use cairn_sync::DocumentId;
#[cfg(feature = "hydrate")]
use leptos::prelude::GetValue;
use leptos::prelude::Track;

use self::payload::{Presence, Section, TabId};
use super::Workspace;

/// How often a tab repeats its presence on each plan it shows, in
/// milliseconds.
pub const HEARTBEAT_MS: u64 = 3_000;

/// How long an entry stays without a new message, in milliseconds: three
/// heartbeats and one second for the delays of the network and the tick.
pub const EXPIRY_MS: u64 = 3 * HEARTBEAT_MS + 1_000;

/// One person on a plan, as the plan page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerPresence {
    /// Their name, as the server sends it.
    pub name: String,
    /// The section of their tab that changed section last, or `None` when
    /// no tab of theirs reported a section this build recognizes.
    pub section: Option<Section>,
    /// The number of their tabs that have the plan open.
    pub tabs: usize,
}

/// One tab in the roster.
#[derive(Clone, Debug)]
struct Entry {
    section: Option<Section>,
    /// When the last message of the tab arrived.
    seen_ms: u64,
    /// When the tab appeared or last changed section, so a person with
    /// several tabs shows the section they moved to last.
    moved_ms: u64,
}

/// The other tabs on each plan, keyed by the sender's name and the tab id.
///
/// The key includes the name because the tab id comes from the sending
/// tab: a tab of one person cannot replace another person's entry by
/// sending the same id. Time is passed in, in milliseconds, so tests drive
/// the clock.
#[derive(Debug, Default)]
pub struct Roster {
    plans: HashMap<DocumentId, HashMap<(String, TabId), Entry>>,
}

/// The effect of one [`Roster::apply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RosterChange {
    /// A tab that was not in the roster appeared.
    Appeared,
    /// A known tab changed section or left.
    Changed,
    /// Only the time a known tab was last seen changed.
    Refreshed,
}

impl Roster {
    /// Creates an empty roster.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a presence message from `sender`'s tab on `plan`.
    pub fn apply(
        &mut self,
        plan: DocumentId,
        sender: &str,
        presence: Presence,
        now_ms: u64,
    ) -> RosterChange {
        let tabs = self.plans.entry(plan).or_default();
        let key = (sender.to_owned(), presence.tab);

        if presence.leaving {
            let removed = tabs.remove(&key).is_some();
            if tabs.is_empty() {
                self.plans.remove(&plan);
            }
            return if removed {
                RosterChange::Changed
            } else {
                RosterChange::Refreshed
            };
        }

        match tabs.get_mut(&key) {
            Some(entry) => {
                entry.seen_ms = now_ms;
                if entry.section == presence.section {
                    return RosterChange::Refreshed;
                }
                entry.section = presence.section;
                entry.moved_ms = now_ms;
                RosterChange::Changed
            }
            None => {
                tabs.insert(
                    key,
                    Entry {
                        section: presence.section,
                        seen_ms: now_ms,
                        moved_ms: now_ms,
                    },
                );
                RosterChange::Appeared
            }
        }
    }

    /// Drops every entry not seen within [`EXPIRY_MS`] of `now_ms`, and
    /// returns whether any was dropped.
    pub fn expire(&mut self, now_ms: u64) -> bool {
        let mut dropped = false;
        self.plans.retain(|_, tabs| {
            tabs.retain(|_, entry| {
                let fresh = now_ms.saturating_sub(entry.seen_ms) <= EXPIRY_MS;
                dropped |= !fresh;
                fresh
            });
            !tabs.is_empty()
        });
        dropped
    }

    /// Forgets every entry, and returns whether there were any. A tab that
    /// lost its connection cannot know who is still there.
    pub fn clear(&mut self) -> bool {
        let had_entries = !self.plans.is_empty();
        self.plans.clear();
        had_entries
    }

    /// Forgets the entries of one plan, when this tab closes it.
    pub fn forget(&mut self, plan: DocumentId) -> bool {
        self.plans.remove(&plan).is_some()
    }

    /// Returns the people on `plan`, one per name, sorted by name.
    pub fn peers(&self, plan: DocumentId) -> Vec<PeerPresence> {
        let Some(tabs) = self.plans.get(&plan) else {
            return Vec::new();
        };

        let mut people: HashMap<&str, (PeerPresence, u64)> = HashMap::new();
        for ((name, _), entry) in tabs {
            let (person, moved_ms) = people.entry(name.as_str()).or_insert_with(|| {
                (
                    PeerPresence {
                        name: name.clone(),
                        section: entry.section,
                        tabs: 0,
                    },
                    entry.moved_ms,
                )
            });
            person.tabs += 1;
            if entry.moved_ms > *moved_ms {
                person.section = entry.section;
                *moved_ms = entry.moved_ms;
            }
        }

        let mut peers: Vec<PeerPresence> = people.into_values().map(|(peer, _)| peer).collect();
        peers.sort_by(|a, b| a.name.cmp(&b.name));
        peers
    }
}

impl Workspace {
    /// Returns the other people who have the plan open, with their
    /// section, sorted by name; tracked. This tab is never among them.
    pub fn peers(&self, id: DocumentId) -> Vec<PeerPresence> {
        self.presence.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().peers(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            Vec::new()
        }
    }

    /// Sets the section this tab is in on the plan's page, and sends it to
    /// the plan's other tabs when it changed. The first call marks the tab
    /// as present on the plan, until [`Workspace::close_plan`].
    pub fn set_presence_section(&self, id: DocumentId, section: Option<Section>) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().set_presence_section(id, section);
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, section);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> DocumentId {
        "67e55044-10b1-426f-9247-bb680e5fe0c8"
            .parse()
            .expect("a valid id")
    }

    fn tab(digit: char) -> TabId {
        TabId::parse(&digit.to_string().repeat(32)).expect("a valid tab id")
    }

    fn here(tab_digit: char, section: Section) -> Presence {
        Presence {
            tab: tab(tab_digit),
            section: Some(section),
            leaving: false,
        }
    }

    fn leaving(tab_digit: char) -> Presence {
        Presence {
            tab: tab(tab_digit),
            section: None,
            leaving: true,
        }
    }

    #[test]
    fn new_tab_appears_with_section() {
        let mut roster = Roster::new();

        let change = roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 0);

        assert_eq!(change, RosterChange::Appeared);
        assert_eq!(
            roster.peers(plan()),
            vec![PeerPresence {
                name: "Dana Admin".to_owned(),
                section: Some(Section::RootCauses),
                tabs: 1,
            }]
        );
    }

    #[test]
    fn heartbeat_refreshes_and_move_changes() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 0);

        let heartbeat = roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 3_000);
        let moved = roster.apply(plan(), "Dana Admin", here('a', Section::SmartGoals), 4_000);

        assert_eq!(heartbeat, RosterChange::Refreshed);
        assert_eq!(moved, RosterChange::Changed);
        assert_eq!(roster.peers(plan())[0].section, Some(Section::SmartGoals));
    }

    #[test]
    fn leaving_tab_disappears_at_once() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::Timeline), 0);

        let change = roster.apply(plan(), "Dana Admin", leaving('a'), 10);

        assert_eq!(change, RosterChange::Changed);
        assert!(roster.peers(plan()).is_empty());
    }

    #[test]
    fn leaving_unknown_tab_changes_nothing() {
        let mut roster = Roster::new();

        let change = roster.apply(plan(), "Dana Admin", leaving('a'), 10);

        assert_eq!(change, RosterChange::Refreshed);
        assert!(roster.peers(plan()).is_empty());
    }

    #[test]
    fn silent_tab_expires_after_timeout() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::Plan), 1_000);
        roster.apply(plan(), "Casey Coach", here('b', Section::Plan), 1_000);
        roster.apply(
            plan(),
            "Casey Coach",
            here('b', Section::Plan),
            1_000 + EXPIRY_MS,
        );

        let at_limit = roster.expire(1_000 + EXPIRY_MS);
        let names_at_limit: Vec<String> = roster
            .peers(plan())
            .into_iter()
            .map(|peer| peer.name)
            .collect();
        let past_limit = roster.expire(1_000 + EXPIRY_MS + 1);
        let names_past_limit: Vec<String> = roster
            .peers(plan())
            .into_iter()
            .map(|peer| peer.name)
            .collect();

        assert!(!at_limit);
        assert_eq!(names_at_limit, ["Casey Coach", "Dana Admin"]);
        assert!(past_limit);
        assert_eq!(names_past_limit, ["Casey Coach"]);
    }

    #[test]
    fn earlier_clock_expires_nothing() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::Plan), 50_000);

        assert!(!roster.expire(10_000));
        assert_eq!(roster.peers(plan()).len(), 1);
    }

    #[test]
    fn tabs_of_one_person_show_once() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 0);
        roster.apply(plan(), "Dana Admin", here('b', Section::Milestones), 100);
        // A heartbeat of the first tab is newer but is no move.
        roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 3_000);

        let peers = roster.peers(plan());

        assert_eq!(
            peers,
            vec![PeerPresence {
                name: "Dana Admin".to_owned(),
                section: Some(Section::Milestones),
                tabs: 2,
            }]
        );
    }

    #[test]
    fn same_tab_id_from_another_person_is_separate() {
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::RootCauses), 0);

        roster.apply(plan(), "Casey Coach", leaving('a'), 10);
        roster.apply(plan(), "Casey Coach", here('a', Section::CheckIns), 20);

        let peers = roster.peers(plan());
        assert_eq!(peers.len(), 2);
        assert_eq!(peers[1].name, "Dana Admin");
        assert_eq!(peers[1].section, Some(Section::RootCauses));
    }

    #[test]
    fn clear_and_forget_drop_entries() {
        let other: DocumentId = "11111111-10b1-426f-9247-bb680e5fe0c8"
            .parse()
            .expect("a valid id");
        let mut roster = Roster::new();
        roster.apply(plan(), "Dana Admin", here('a', Section::Plan), 0);
        roster.apply(other, "Dana Admin", here('a', Section::Plan), 0);

        assert!(roster.forget(plan()));
        assert!(roster.peers(plan()).is_empty());
        assert_eq!(roster.peers(other).len(), 1);
        assert!(roster.clear());
        assert!(roster.peers(other).is_empty());
        assert!(!roster.clear());
    }
}
