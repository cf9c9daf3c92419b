//! The benchmark's district in a new SQLite file: its schools, a district
//! admin signed in through a session row, and the generated plans stored
//! the way an import stores a plan.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use cairn_server::accounts::{AccountStore, NewPerson, Person, PlanRecord, Role, School};
use cairn_server::auth::token::{new_token, token_hash};
use cairn_server::storage::SqlStorage;
use cairn_server::AppState;
use cairn_sync::DocumentId;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use sqlx::AnyPool;

use super::content::{SCHOOL_LEVELS, SCHOOL_NAMES};
use super::plans::{generate_plan, DISTRICT_NAME};

/// The server state over the benchmark's database, and who is in it.
pub struct District {
    pub id: uuid::Uuid,
    pub state: AppState,
    /// The database under `state`, for queries of the benchmark's own.
    pub pool: AnyPool,
    pub schools: Vec<School>,
    pub admin: Person,
    /// The admin's `Cookie` header value, `cairn_session=…`.
    pub admin_cookie: String,
}

/// A tally of the plans [`District::store_plans`] stored.
#[derive(Default)]
pub struct StoredPlans {
    pub plans: usize,
    pub ids: Vec<DocumentId>,
    /// The sum of the plans' `save()` sizes.
    pub document_bytes: usize,
    /// The sum of the sizes of the plans' metrics JSON in the index.
    pub metrics_bytes: usize,
    /// The sum of the plans' Automerge changes, one per edit.
    pub changes: usize,
}

impl District {
    /// Opens a new database at `path` and creates the district, `schools`
    /// schools and a district admin with a session that never expires.
    pub async fn create(path: &Path, schools: usize) -> anyhow::Result<Self> {
        let sqlite = SqlStorage::open_sqlite(path)
            .await
            .with_context(|| format!("opening the database {} failed", path.display()))?;
        let pool = sqlite.pool().sqlx().clone();
        let accounts = AccountStore::new(sqlite.pool().clone());
        let state = AppState::new(Arc::new(sqlite), accounts, "target/site");
        let accounts = &state.accounts;

        let district = accounts.create_district(DISTRICT_NAME).await?;
        let mut created = Vec::with_capacity(schools);
        for index in 0..schools {
            created.push(
                accounts
                    .create_school(district.id, &school_name(index))
                    .await?,
            );
        }

        let admin = accounts
            .create_person(NewPerson {
                district_id: district.id,
                email: "admin@example.org".to_owned(),
                name: "District admin".to_owned(),
                role: Role::DistrictAdmin,
                school_ids: Vec::new(),
                // No one signs in with a password. The session below is
                // created directly, as the integration tests do.
                password_hash: Some("unused".to_owned()),
                invite_token_hash: None,
            })
            .await?;
        let token = new_token();
        let never = i64::MAX / 2;
        accounts
            .create_session(&token_hash(&token), admin.id, never)
            .await?;

        Ok(Self {
            id: district.id,
            state,
            pool,
            schools: created,
            admin,
            admin_cookie: format!("cairn_session={token}"),
        })
    }

    /// Generates `count` plans, each in a random school, and stores each
    /// one with its plan index row, its `plans` row and its review status.
    pub async fn store_plans(
        &self,
        rng: &mut StdRng,
        count: usize,
        today: NaiveDate,
    ) -> anyhow::Result<StoredPlans> {
        let mut stored = StoredPlans::default();
        for _ in 0..count {
            let school = self
                .schools
                .choose(rng)
                .context("the district has no school")?;
            let plan = generate_plan(rng, &school.name, today)?;
            let summary = plan.document.snapshot().summary();
            let bytes = plan.document.save();

            self.state
                .storage
                .create_document(plan.id, &bytes, &summary)
                .await?;
            let record = PlanRecord {
                district_id: self.id,
                school_id: Some(school.id),
            };
            self.state
                .accounts
                .record_plan(plan.id, record, Some(self.admin.id))
                .await?;
            self.state
                .accounts
                .set_review_status(plan.id, plan.status)
                .await?;

            stored.plans += 1;
            stored.ids.push(plan.id);
            stored.document_bytes += bytes.len();
            stored.metrics_bytes += serde_json::to_string(&summary.metrics)?.len();
            stored.changes += plan.document.automerge().get_changes(&[]).len();
        }
        Ok(stored)
    }
}

/// Names the school at `index`: a first word and a level, unique for the
/// first 75 schools, then numbered, as "Alder Elementary 2".
fn school_name(index: usize) -> String {
    let name = SCHOOL_NAMES[index % SCHOOL_NAMES.len()];
    let level = SCHOOL_LEVELS[index % SCHOOL_LEVELS.len()];
    let round = index / (SCHOOL_NAMES.len() * SCHOOL_LEVELS.len());
    if round == 0 {
        format!("{name} {level}")
    } else {
        format!("{name} {level} {}", round + 1)
    }
}
