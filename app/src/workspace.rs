//! The plans open in this tab, as the components see them.
//!
//! [`Workspace`] is provided as context by the [`crate::App`]. Components
//! read plans and sync status from it and send edits through it. In the
//! browser it owns the Automerge replicas, the document store and the
//! WebSocket connection (see [`crate::browser`]). On the server it is inert:
//! the server renders only the shell, and every plan view fills in after
//! hydration, so the first render is the same on both sides.

use cairn_plan::{Plan, PlanDocument, PlanError};
use cairn_sync::{DocumentId, SyncStatus};
use leptos::prelude::*;

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
}

/// What a plan page shows of a plan's sync state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanSyncState {
    /// The plan is not loaded in this tab yet.
    Loading,
    /// The sync layer's view of the plan.
    Known(SyncStatus),
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

        Self {
            revision,
            connection,
            notice,
            #[cfg(feature = "hydrate")]
            browser: StoredValue::new(crate::browser::BrowserHandle::new(
                crate::browser::Signals {
                    revision,
                    connection,
                    notice,
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

    /// Applies an edit to a plan, stores it on this device and sends it to
    /// the server. An edit that fails is shown as a notice and changes
    /// nothing.
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
    pub fn undo(&self, id: DocumentId) {
        #[cfg(feature = "hydrate")]
        self.browser.get_value().undo(id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Applies again the edit the latest undo took back.
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
    /// template's) and returns its id. It reaches the server with the first
    /// sync.
    pub fn create_plan(&self, content: &Plan) -> Option<DocumentId> {
        #[cfg(feature = "hydrate")]
        return self.browser.get_value().create_plan(content);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = content;
            None
        }
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
