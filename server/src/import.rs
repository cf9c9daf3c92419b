//! Creating a plan from a spreadsheet's CSV export, shared by `cairn import`
//! and `POST /api/plans/import`.

use cairn_plan::{import_csv, ImportError, ImportReport, Imported};
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
    let Imported { document, report } = import_csv(csv)?;

    let id = DocumentId::new_random();
    let summary = document.snapshot().summary();
    storage
        .create_document(id, &document.save(), &summary)
        .await?;

    info!(
        document_id = %id,
        rows_imported = report.rows_imported,
        rows_skipped = report.rows_skipped,
        warnings = report.warnings.len(),
        "imported a plan"
    );
    Ok(ImportedPlan { id, report })
}
