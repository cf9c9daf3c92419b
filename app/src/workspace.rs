//! The plans open in this tab, as the components see them.
//!
//! [`Workspace`] is provided as context by the [`crate::App`]. Components
//! read plans and sync status from it and send edits through it. In the
//! browser it owns the Automerge replicas, the document store and the
//! WebSocket connection (see [`crate::browser`]). On the server it is inert:
//! the server renders only the shell, and every plan view fills in after
//! hydration, so the first render is the same on both sides.
//!
//! A plan can be read-only in this tab: when the person may only view it
//! (see [`access`]), or when the server did not accept it (a refused plan,
//! see [`access::Refusal`]). Edits, undo and redo of a read-only plan change
//! nothing.

pub mod access;
pub mod presence;

use cairn_plan::{Plan, PlanDocument, PlanError};
use cairn_sync::{DocumentId, SyncStatus};
use leptos::prelude::*;

use self::access::{PlanAccess, Refusal};

/// The state of the tab's connection to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// The browser is offline or the server cannot be reached; edits stay on
    /// this device until the connection returns.
    Offline,
    /// A WebSocket is being opened.
    Connecting,
    /// Connected to the server.
    Online,
}

/// A plan stored on this device, for the plan list when the server cannot
/// be reached.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LocalPlanEntry {
    /// The plan's document.
    pub id: DocumentId,
    /// Its title when it was last stored.
    pub title: String,
    /// Its school when it was last stored.
    pub school: String,
    /// Its school year when it was last stored.
    pub school_year: String,
    /// The server's id of the school chosen when the plan was made on this
    /// device, sent when the plan is registered. `None` for a district-level
    /// plan, a plan whose school is chosen later, and plans stored before
    /// this field existed.
    #[serde(default)]
    pub school_id: Option<String>,
    /// Whether the plan was made on this device, so the server has no
    /// record of it until it is registered.
    #[serde(default)]
    pub made_here: bool,
}

/// What a plan page shows of a plan's sync state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanSyncState {
    /// The plan is not loaded in this tab yet.
    Loading,
    /// The sync layer's view of the plan.
    Known(SyncStatus),
    /// The server did not accept the plan, and this device stopped syncing
    /// it. `unacked` changes exist only on this device.
    NotSyncing {
        /// The number of changes not acknowledged as durable.
        unacked: usize,
    },
}

/// Whether a plan's changes are stored on this device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceSave {
    /// Every change in this tab is stored on this device.
    Saved,
    /// A write to the device is under way.
    Saving,
    /// The last write failed, so some changes are only in this tab (and on
    /// the server once synced); the tab tries again.
    NotSaved,
}

/// The plans open in this tab; `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct Workspace {
    /// Bumped after every change to any replica, so views re-read.
    revision: RwSignal<u64>,
    connection: RwSignal<ConnectionState>,
    /// The last problem worth telling the user about, such as a full
    /// browser store or an error from the server.
    notice: RwSignal<Option<String>>,
    /// Set when the server responded `401` because the session ended, so the
    /// app can ask the person to sign in again. Local edits stay on the
    /// device and sync after the sign-in. Cleared when a connection opens or
    /// the session route responds again.
    pub session_ended: RwSignal<bool>,
    /// Bumped when the other tabs on an open plan change (see [`presence`]).
    presence: RwSignal<u64>,
    #[cfg(feature = "hydrate")]
    browser: StoredValue<crate::browser::BrowserHandle>,
}

impl Workspace {
    /// Creates the workspace. In the browser nothing loads until
    /// [`Workspace::start`] runs after hydration.
    pub fn new() -> Self {
        let revision = RwSignal::new(0);
        let connection = RwSignal::new(ConnectionState::Connecting);
        let notice = RwSignal::new(None);
        let session_ended = RwSignal::new(false);
        let presence = RwSignal::new(0);

        Self {
            revision,
            connection,
            notice,
            session_ended,
            presence,
            #[cfg(feature = "hydrate")]
            browser: StoredValue::new(crate::browser::BrowserHandle::new(
                crate::browser::Signals {
                    revision,
                    connection,
                    notice,
                    session_ended,
                    presence,
                },
            )),
        }
    }

    /// Opens the connection to the server. Call once, from an effect, so it
    /// runs only in the browser and after hydration.
    pub fn start(&self) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().start();
    }

    /// The connection state, tracked.
    pub fn connection(&self) -> ConnectionState {
        self.connection.get()
    }

    /// The last notice for the user, tracked.
    pub fn notice(&self) -> Option<String> {
        self.notice.get()
    }

    /// Shows a problem to the user in the notice banner.
    pub fn report(&self, message: String) {
        self.notice.set(Some(message));
    }

    /// Clears the notice.
    pub fn dismiss_notice(&self) {
        self.notice.set(None);
    }

    /// Loads a plan from this device's store (or starts an empty replica that
    /// waits for the server) and starts syncing it.
    pub fn open_plan(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().open_plan(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Stops syncing a plan, when its page closes.
    pub fn close_plan(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().close_plan(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// The plan's current state, tracked; `None` while it is not loaded or
    /// while an empty replica still waits for its first sync.
    pub fn plan(&self, id: DocumentId) -> Option<Plan> {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().plan(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            None
        }
    }

    /// The plan's sync state, tracked.
    pub fn sync_state(&self, id: DocumentId) -> PlanSyncState {
        self.revision.track();
        self.connection.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().sync_state(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            PlanSyncState::Loading
        }
    }

    /// Returns whether the plan's changes are stored on this device, tracked.
    pub fn device_save(&self, id: DocumentId) -> DeviceSave {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().device_save(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            DeviceSave::Saved
        }
    }

    /// Applies an edit to a plan, stores it on this device and sends it to
    /// the server. An edit that fails is shown as a notice and changes
    /// nothing, and so does an edit of a read-only plan.
    pub fn edit(
        &self,
        id: DocumentId,
        edit: impl FnOnce(&mut PlanDocument) -> Result<(), PlanError>,
    ) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().edit(id, edit);
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, edit);
    }

    /// Undoes this tab's latest edit of the plan; other people's edits stay.
    /// Does nothing for a read-only plan.
    pub fn undo(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().undo(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Applies again the edit the latest undo took back. Does nothing for a
    /// read-only plan.
    pub fn redo(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().redo(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Returns whether this tab has an edit of the plan to undo and one to
    /// redo, tracked.
    pub fn history_state(&self, id: DocumentId) -> (bool, bool) {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().history_state(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            (false, false)
        }
    }

    /// Creates a new plan on this device with `content` (an empty plan or a
    /// template's) and returns its id. `school_id` is the server's id of
    /// the plan's school, `None` for district level or a school chosen
    /// later. The plan is registered with the server when the server first
    /// reports that it does not know it, then syncs.
    pub fn create_plan(&self, content: &Plan, school_id: Option<String>) -> Option<DocumentId> {
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().create_plan(content, school_id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (content, school_id);
            None
        }
    }

    /// Marks a plan as read-only in this tab, or editable again. The plan
    /// still receives other people's changes.
    pub fn set_read_only(&self, id: DocumentId, read_only: bool) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().set_read_only(id, read_only);
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, read_only);
    }

    /// Returns whether edits of the plan are turned off, because the person
    /// may only view it or the server did not accept it; tracked.
    pub fn is_read_only(&self, id: DocumentId) -> bool {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().is_read_only(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            false
        }
    }

    /// Returns whether the plan was made on this device and the server has
    /// not acknowledged any of it yet: the server has no record of it, so
    /// asking for its access would only answer `404`.
    pub fn awaits_registration(&self, id: DocumentId) -> bool {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().awaits_registration(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            false
        }
    }

    /// Returns why the server did not accept the plan, if it did not;
    /// tracked.
    pub fn refusal(&self, id: DocumentId) -> Option<Refusal> {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().refusal(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            None
        }
    }

    /// Returns the plan's access as last stored on this device.
    pub fn cached_access(&self, id: DocumentId) -> Option<PlanAccess> {
        #[cfg(feature = "hydrate")]
        return crate::browser::store::load_access(&id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            None
        }
    }

    /// Applies a response of the plan's access route: stores it on this
    /// device, makes the plan read-only for a viewer, and syncs a refused
    /// plan once more when the response shows the server may now accept it.
    pub fn apply_access(&self, id: DocumentId, access: &PlanAccess) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().apply_access(id, access);
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, access);
    }

    /// Returns whether a plan made offline waits for its person to choose
    /// its school before it can be registered with the server; tracked.
    pub fn needs_school(&self, id: DocumentId) -> bool {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().needs_school(id);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = id;
            false
        }
    }

    /// Stores the school chosen for a plan made on this device and, when
    /// the plan waits for it, registers the plan under it.
    pub fn choose_school(&self, id: DocumentId, school_id: String) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().choose_school(id, school_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, school_id);
    }

    /// Handles `404 plan_not_found` from the plan's access route: refuses a
    /// plan the server acknowledged before, and leaves a plan made on this
    /// device that is not registered yet as it is.
    pub fn access_not_found(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().access_not_found(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// The plans stored on this device, tracked.
    pub fn local_plans(&self) -> Vec<LocalPlanEntry> {
        self.revision.track();
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().local_plans();
        #[cfg(not(feature = "hydrate"))]
        Vec::new()
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// The workspace provided by the app.
///
/// # Panics
///
/// Panics when called outside the [`crate::App`], which always provides it.
pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_without_school_id_loads() {
        let entry: LocalPlanEntry = serde_json::from_str(
            r#"{"id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "title": "Attendance",
                "school": "Lincoln Elementary", "school_year": "2026-27"}"#,
        )
        .unwrap();

        assert_eq!(entry.school_id, None);
        assert_eq!(entry.title, "Attendance");
    }

    #[test]
    fn entry_keeps_school_id() {
        let entry = LocalPlanEntry {
            id: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
            title: "Attendance".to_owned(),
            school: "Lincoln Elementary".to_owned(),
            school_year: "2026-27".to_owned(),
            school_id: Some("s1".to_owned()),
            made_here: true,
        };

        let stored = serde_json::to_string(&entry).unwrap();

        assert_eq!(
            serde_json::from_str::<LocalPlanEntry>(&stored).unwrap(),
            entry
        );
    }
}
