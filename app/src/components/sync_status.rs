//! The sync status of a plan: offline, syncing, all changes saved, or how
//! many changes the server has not acknowledged yet.

use cairn_sync::{DocumentId, SyncStatus};
use leptos::prelude::*;

use crate::workspace::{use_workspace, PlanSyncState};

/// The words shown for a plan's sync state.
pub fn describe(state: PlanSyncState) -> String {
    match state {
        PlanSyncState::Loading => "Loading…".to_owned(),
        PlanSyncState::Known(SyncStatus::Saved) => "All changes saved".to_owned(),
        PlanSyncState::Known(SyncStatus::Syncing { unacked }) => {
            format!("Syncing: {} not yet saved on the server", changes(unacked))
        }
        PlanSyncState::Known(SyncStatus::Offline { unacked: 0 }) => "Offline".to_owned(),
        PlanSyncState::Known(SyncStatus::Offline { unacked }) => {
            format!("Offline: {} not yet saved on the server", changes(unacked))
        }
        PlanSyncState::NotSyncing { unacked: 0 } => "Not syncing".to_owned(),
        PlanSyncState::NotSyncing { unacked } => {
            format!("Not syncing: {} not saved on the server", changes(unacked))
        }
    }
}

fn changes(count: usize) -> String {
    if count == 1 {
        "1 change".to_owned()
    } else {
        format!("{count} changes")
    }
}

/// The status line of a plan page.
#[component]
pub fn SyncStatusBadge(plan: DocumentId) -> impl IntoView {
    let workspace = use_workspace();
    let state = Memo::new(move |_| workspace.sync_state(plan));

    let class = move || match state.get() {
        PlanSyncState::Known(SyncStatus::Saved) => "sync-status saved",
        PlanSyncState::Known(SyncStatus::Offline { .. }) | PlanSyncState::NotSyncing { .. } => {
            "sync-status offline"
        }
        _ => "sync-status syncing",
    };

    view! {
        <p class=class role="status" aria-live="polite" data-testid="sync-status">
            {move || describe(state.get())}
        </p>
    }
}
