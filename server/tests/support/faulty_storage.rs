//! A `Storage` over the real `SqlStorage` that fails some calls, as a
//! seeded random generator decides.
//!
//! A failure happens either before the call reaches the database (nothing is
//! written) or after it (the write committed but the call returns an
//! error, as when a connection drops before the result of the commit
//! arrives). The [`Faults`] are shared by every server that runs over the same
//! database file, so a restarted server keeps drawing from the same sequence.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use cairn_plan::PlanSummary;
use cairn_server::storage::{
    AppendOutcome, ChangesAfter, NewChange, PlanIndexEntry, SqlStorage, Storage, StorageError,
    StoredDocument,
};
use cairn_sync::DocumentId;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How often each kind of call fails, as a probability from 0 to 1.
#[derive(Clone, Copy, Debug)]
pub struct FaultRates {
    /// `load_document`, always before the read.
    pub load: f64,
    /// `append_changes`.
    pub append: f64,
    /// `compact`.
    pub compact: f64,
    /// The share of failed writes that fail after their commit.
    pub after_commit: f64,
}

/// Counts of the calls made and failed, for the test's summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct FaultCounts {
    pub loads: usize,
    pub failed_loads: usize,
    pub appends: usize,
    pub failed_appends: usize,
    pub failed_after_commit: usize,
    pub compactions: usize,
    pub failed_compactions: usize,
}

/// The seeded decisions of which calls fail, and whether failing is on.
#[derive(Debug)]
pub struct Faults {
    rates: FaultRates,
    rng: Mutex<StdRng>,
    enabled: AtomicBool,
    counts: Mutex<FaultCounts>,
}

/// Where a failing call fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    None,
    BeforeCall,
    AfterCommit,
}

impl Faults {
    /// Creates the decisions for `seed`, with failing switched off.
    pub fn new(seed: u64, rates: FaultRates) -> Arc<Self> {
        Arc::new(Self {
            rates,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            enabled: AtomicBool::new(false),
            counts: Mutex::new(FaultCounts::default()),
        })
    }

    /// Switches failing on or off. While off, every call reaches the
    /// database and reports its real outcome.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::SeqCst);
    }

    /// The counts so far.
    pub fn counts(&self) -> FaultCounts {
        *self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn count(&self, update: impl FnOnce(&mut FaultCounts)) {
        update(
            &mut self
                .counts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
    }

    /// Draws whether and where the next call fails. A draw is made for every
    /// call, even while failing is off, so the sequence of draws depends only
    /// on the seed and the order of the calls.
    fn draw(&self, rate: f64) -> Failure {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fails = rng.random_bool(rate);
        let after = rng.random_bool(self.rates.after_commit);
        if !fails || !self.enabled.load(Ordering::SeqCst) {
            Failure::None
        } else if after {
            Failure::AfterCommit
        } else {
            Failure::BeforeCall
        }
    }
}

/// The error a failing call returns: what a dropped connection gives.
fn injected() -> StorageError {
    StorageError::Database(sqlx::Error::PoolTimedOut)
}

/// Runs `call` unless `failure` says to fail before it, and returns the
/// injected error instead of its result when `failure` says so. A future
/// does nothing until awaited, so a call that fails before it never
/// reaches the database.
async fn failing<T>(
    failure: Failure,
    call: impl std::future::Future<Output = Result<T, StorageError>>,
) -> Result<T, StorageError> {
    match failure {
        Failure::None => call.await,
        Failure::BeforeCall => Err(injected()),
        Failure::AfterCommit => {
            call.await?;
            Err(injected())
        }
    }
}

/// `SqlStorage` with seeded failures.
pub struct FaultyStorage {
    inner: SqlStorage,
    faults: Arc<Faults>,
}

impl FaultyStorage {
    /// Wraps `inner`, failing calls as `faults` decides.
    pub fn new(inner: SqlStorage, faults: Arc<Faults>) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Storage for FaultyStorage {
    async fn load_document(&self, id: DocumentId) -> Result<Option<StoredDocument>, StorageError> {
        let failure = self.faults.draw(self.faults.rates.load);
        self.faults.count(|counts| {
            counts.loads += 1;
            if failure != Failure::None {
                counts.failed_loads += 1;
            }
        });
        if failure != Failure::None {
            return Err(injected());
        }
        self.inner.load_document(id).await
    }

    /// Fails as often as a load does, and counts as one: the document
    /// task reads the change rows after its own before it compacts.
    async fn changes_after(
        &self,
        id: DocumentId,
        after_seq: i64,
    ) -> Result<Option<ChangesAfter>, StorageError> {
        let failure = self.faults.draw(self.faults.rates.load);
        self.faults.count(|counts| {
            counts.loads += 1;
            if failure != Failure::None {
                counts.failed_loads += 1;
            }
        });
        if failure != Failure::None {
            return Err(injected());
        }
        self.inner.changes_after(id, after_seq).await
    }

    async fn create_document(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        self.inner.create_document(id, snapshot, summary).await
    }

    async fn append_changes(
        &self,
        id: DocumentId,
        changes: &[NewChange],
        summary: &PlanSummary,
    ) -> Result<AppendOutcome, StorageError> {
        let failure = self.faults.draw(self.faults.rates.append);
        self.faults.count(|counts| {
            counts.appends += 1;
            match failure {
                Failure::None => {}
                Failure::BeforeCall => counts.failed_appends += 1,
                Failure::AfterCommit => {
                    counts.failed_appends += 1;
                    counts.failed_after_commit += 1;
                }
            }
        });
        failing(failure, self.inner.append_changes(id, changes, summary)).await
    }

    async fn compact(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        let failure = self.faults.draw(self.faults.rates.compact);
        self.faults.count(|counts| {
            counts.compactions += 1;
            if failure != Failure::None {
                counts.failed_compactions += 1;
            }
        });
        failing(failure, self.inner.compact(id, snapshot, through_seq)).await
    }

    async fn list_plans(&self) -> Result<Vec<PlanIndexEntry>, StorageError> {
        self.inner.list_plans().await
    }

    async fn stale_index_entries(&self) -> Result<Vec<DocumentId>, StorageError> {
        self.inner.stale_index_entries().await
    }

    async fn refresh_index_entry(
        &self,
        id: DocumentId,
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        self.inner.refresh_index_entry(id, summary).await
    }

    async fn ping(&self) -> Result<(), StorageError> {
        self.inner.ping().await
    }

    async fn close(&self) {
        self.inner.close().await;
    }
}
