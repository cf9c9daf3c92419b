//! Creating a plan from a spreadsheet's CSV export, shared by `cairn import`
//! and `POST /api/plans/import`.

use cairn_plan::{import_csv, ImportError, ImportReport, Imported, PlanStatus};
use cairn_sync::DocumentId;
use tracing::info;

use crate::storage::{Storage, StorageError};

/// A plan created by [`import_plan`].
#[derive(Debug)]
pub struct ImportedPlan {
    /// The new plan's document id.
    pub id: DocumentId,
    /// The report of the rows read and skipped.
    pub report: ImportReport,
    /// The status the spreadsheet gives the plan.
    pub status: PlanStatus,
}

/// The error type of [`import_plan`].
#[derive(Debug, thiserror::Error)]
pub enum ImportPlanError {
    /// The file contains no plan that can be read.
    #[error(transparent)]
    Csv(#[from] ImportError),

    /// The plan could not be stored.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Reads a plan from CSV bytes and stores it as a new document under a
/// random id, with its plan index row, in one transaction.
///
/// # Errors
///
/// [`ImportPlanError::Csv`] when the file has no plan table, and
/// [`ImportPlanError::Storage`] when the write fails.
pub async fn import_plan(
    storage: &dyn Storage,
    csv: &[u8],
) -> Result<ImportedPlan, ImportPlanError> {
    // Parsing a large spreadsheet and building its document takes CPU time
    // that must not hold up the async workers serving other requests.
    let (Imported { document, report }, summary, bytes) = crate::blocking::run_cpu_bound(|| {
        let imported = import_csv(csv)?;
        let summary = imported.document.snapshot().summary();
        let bytes = imported.document.save();
        Ok::<_, ImportError>((imported, summary, bytes))
    })?;
    drop(document);

    let id = DocumentId::new_random();
    storage.create_document(id, &bytes, &summary).await?;

    info!(
        document_id = %id,
        rows_imported = report.rows_imported,
        rows_skipped = report.rows_skipped,
        warnings = report.warnings.len(),
        "imported a plan"
    );
    Ok(ImportedPlan {
        id,
        report,
        status: summary.status,
    })
}
