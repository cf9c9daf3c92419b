//! CPU-bound work inside async code.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs CPU-bound work (applying a large change, saving a document,
/// parsing a spreadsheet) without holding up the other tasks of the
/// runtime.
///
/// On the multi-threaded runtime that `cairn serve` uses, the runtime moves
/// this worker's other tasks to another worker while `work` runs. On a
/// current-thread runtime, as in some tests, there is no other worker, and
/// `work` simply runs.
pub fn run_cpu_bound<T>(work: impl FnOnce() -> T) -> T {
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}
