//! Notices that a plan's index row changed, for live dashboards.
//!
//! A document task publishes the plan's id after it stores changes, and the
//! review routes publish it after a decision. `GET /api/events` subscribes
//! and sends each browser the ids of the changed plans it may read, so open
//! dashboards and plan pages fetch again. A notice carries only the id:
//! what changed is read again through the routes that check access.

use cairn_sync::DocumentId;
use tokio::sync::broadcast;

/// How many notices a slow subscriber may fall behind before it misses
/// some. A subscriber that misses notices gets an event naming every plan
/// it may read, so nothing it shows stays stale.
const CAPACITY: usize = 1024;

/// The channel of index notices. Cloning it is cheap and every clone is
/// the same channel.
#[derive(Clone, Debug)]
pub struct IndexEvents {
    sender: broadcast::Sender<DocumentId>,
}

impl Default for IndexEvents {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        Self { sender }
    }
}

impl IndexEvents {
    /// Tells the subscribers that the index row of `plan` changed.
    pub fn publish(&self, plan: DocumentId) {
        // With no subscriber the notice has no one to reach, which is fine.
        let _ = self.sender.send(plan);
    }

    /// Starts receiving the notices published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DocumentId> {
        self.sender.subscribe()
    }
}
