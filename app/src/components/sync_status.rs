//! The sync status of a plan: offline, syncing, all changes saved, or how
//! many changes the server has not acknowledged yet; and whether its
//! changes are stored on this device.

use cairn_sync::{DocumentId, SyncStatus};
use leptos::prelude::*;

use crate::workspace::{use_workspace, DeviceSave, PlanSyncState};

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

/// Returns the words shown for whether a plan's changes are stored on this
/// device.
pub fn describe_device_save(save: DeviceSave) -> &'static str {
    match save {
        DeviceSave::Saved => "Saved on this device",
        DeviceSave::Saving => "Saving on this device…",
        DeviceSave::NotSaved => "Not saved on this device",
    }
}

/// The status line of a plan page: the sync status, then whether the
/// plan is stored on this device.
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

    let device_save = Memo::new(move |_| workspace.device_save(plan));
    let device_class = move || match device_save.get() {
        DeviceSave::NotSaved => "device-save not-saved",
        _ => "device-save",
    };
    let loaded = move || state.get() != PlanSyncState::Loading;

    view! {
        <div class="sync-line">
            <p class=class role="status" aria-live="polite" data-testid="sync-status">
                {move || describe(state.get())}
            </p>
            <Show when=loaded>
                <p class=device_class data-testid="device-save">
                    {move || describe_device_save(device_save.get())}
                </p>
            </Show>
        </div>
    }
}
