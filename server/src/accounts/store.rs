//! The account records in the database: [`AccountStore`].
//!
//! The queries run unchanged on SQLite and PostgreSQL: they use `$N`
//! placeholders and only SQL that both understand (see
//! [`crate::storage::pool`]).

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::model::{Access, District, Person, PersonId, PersonStatus, PlanRecord, Role, School};
use crate::storage::{from_millis, now_millis, DbPool, StorageError};
use cairn_sync::DocumentId;

mod review;

pub use review::{DecisionRecord, IndexRow, NewDecision};

/// Districts, schools, people, sessions, plan records, shares, actor ids
/// and the change log, in one SQLite or PostgreSQL database.
#[derive(Clone, Debug)]
pub struct AccountStore {
    pool: DbPool,
}

/// A person to create.
#[derive(Clone, Debug)]
pub struct NewPerson {
    /// Their district.
    pub district_id: Uuid,
    /// Their email; stored lowercased.
    pub email: String,
    /// The name others see.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Their schools.
    pub school_ids: Vec<Uuid>,
    /// The Argon2id hash of their password, or `None` for an invitation.
    pub password_hash: Option<String>,
    /// The SHA-256 of their invite token, for an invitation.
    pub invite_token_hash: Option<String>,
}

/// A direct share of a plan, for the share dialog.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PlanMember {
    /// The person.
    pub person_id: PersonId,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// The access the share gives.
    pub access: Access,
}

/// One stored change in a plan's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    /// The change hash, lowercase hex.
    pub hash: String,
    /// The person who sent it, when known.
    pub person_id: Option<PersonId>,
    /// Their name, when known.
    pub person_name: Option<String>,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
}

fn invalid(table: &'static str, reason: String) -> StorageError {
    StorageError::InvalidRow { table, reason }
}

fn parse_uuid(table: &'static str, value: &str) -> Result<Uuid, StorageError> {
    Uuid::parse_str(value).map_err(|error| invalid(table, format!("id `{value}`: {error}")))
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl AccountStore {
    /// Wraps the pool of a migrated database.
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    // --- districts and schools ---

    /// Returns whether anyone, active or invited, exists.
    pub async fn has_people(&self) -> Result<bool, StorageError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE removed_at IS NULL")
            .fetch_one(self.pool.sqlx())
            .await?;
        Ok(count > 0)
    }

    /// Creates a district, and gives it every plan that belongs to no
    /// district yet (documents stored before districts existed).
    pub async fn create_district(&self, name: &str) -> Result<District, StorageError> {
        let mut transaction = self.pool.begin_write().await?;
        let id = insert_district(&mut transaction, name, now_millis()).await?;
        transaction.commit().await?;
        Ok(District {
            id,
            name: name.trim().to_owned(),
        })
    }

    /// Lists every district, by name.
    pub async fn districts(&self) -> Result<Vec<District>, StorageError> {
        let rows = sqlx::query("SELECT id, name FROM districts ORDER BY name")
            .fetch_all(self.pool.sqlx())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(District {
                    id: parse_uuid("districts", row.try_get("id")?)?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    /// Finds the district with this id.
    pub async fn district(&self, id: Uuid) -> Result<Option<District>, StorageError> {
        Ok(self.districts().await?.into_iter().find(|d| d.id == id))
    }

    /// Creates a school in a district.
    ///
    /// # Errors
    ///
    /// [`StorageError::NameTaken`] when the district has a school of that
    /// name.
    pub async fn create_school(&self, district: Uuid, name: &str) -> Result<School, StorageError> {
        let id = Uuid::new_v4();
        let name = name.trim();
        let inserted = sqlx::query(
            "INSERT INTO schools (id, district_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(district.to_string())
        .bind(name)
        .bind(now_millis())
        .execute(self.pool.sqlx())
        .await;
        match inserted {
            Ok(_) => Ok(School {
                id,
                name: name.to_owned(),
            }),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StorageError::NameTaken {
                    name: name.to_owned(),
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Lists the schools of a district, by name.
    pub async fn schools(&self, district: Uuid) -> Result<Vec<School>, StorageError> {
        let rows = sqlx::query("SELECT id, name FROM schools WHERE district_id = $1 ORDER BY name")
            .bind(district.to_string())
            .fetch_all(self.pool.sqlx())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(School {
                    id: parse_uuid("schools", row.try_get("id")?)?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    // --- people ---

    /// Creates a person.
    ///
    /// # Errors
    ///
    /// [`StorageError::EmailTaken`] when someone active has the email.
    pub async fn create_person(&self, new: NewPerson) -> Result<Person, StorageError> {
        let id = Uuid::new_v4();
        let email = normalize_email(&new.email);
        let mut transaction = self.pool.begin_write().await?;

        let inserted = sqlx::query(
            "INSERT INTO people (id, district_id, email, name, role, password_hash, \
                                 invite_token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(new.district_id.to_string())
        .bind(&email)
        .bind(new.name.trim())
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(&new.invite_token_hash)
        .bind(now_millis())
        .execute(&mut *transaction)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(StorageError::EmailTaken { email });
            }
            Err(error) => return Err(error.into()),
        }
        for school in &new.school_ids {
            sqlx::query("INSERT INTO person_schools (person_id, school_id) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(school.to_string())
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;

        Ok(Person {
            id,
            district_id: new.district_id,
            email,
            name: new.name.trim().to_owned(),
            role: new.role,
            school_ids: new.school_ids,
            status: if new.password_hash.is_some() {
                PersonStatus::Active
            } else {
                PersonStatus::Invited
            },
        })
    }

    async fn person_where(
        &self,
        condition: &str,
        value: &str,
    ) -> Result<Option<(Person, Option<String>)>, StorageError> {
        let query = format!(
            "SELECT id, district_id, email, name, role, password_hash FROM people \
             WHERE removed_at IS NULL AND {condition} = $1"
        );
        let Some(row) = sqlx::query(&query)
            .bind(value)
            .fetch_optional(self.pool.sqlx())
            .await?
        else {
            return Ok(None);
        };
        let mut person = person_from_row(&row)?;
        person.school_ids = self.school_ids_of(person.id).await?;
        let hash: Option<String> = row.try_get("password_hash")?;
        Ok(Some((person, hash)))
    }

    /// The active or invited person with this email, and their password
    /// hash.
    pub async fn person_by_email(
        &self,
        email: &str,
    ) -> Result<Option<(Person, Option<String>)>, StorageError> {
        self.person_where("email", &normalize_email(email)).await
    }

    /// Finds the person with this id, unless removed.
    pub async fn person(&self, id: PersonId) -> Result<Option<Person>, StorageError> {
        Ok(self
            .person_where("id", &id.to_string())
            .await?
            .map(|(person, _)| person))
    }

    /// Reads the password hash of a person.
    pub async fn password_hash(&self, id: PersonId) -> Result<Option<String>, StorageError> {
        Ok(self
            .person_where("id", &id.to_string())
            .await?
            .and_then(|(_, hash)| hash))
    }

    /// The invited person whose invite token hashes to `token_hash`.
    pub async fn person_by_invite(&self, token_hash: &str) -> Result<Option<Person>, StorageError> {
        Ok(self
            .person_where("invite_token_hash", token_hash)
            .await?
            .map(|(person, _)| person))
    }

    async fn school_ids_of(&self, id: PersonId) -> Result<Vec<Uuid>, StorageError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT school_id FROM person_schools WHERE person_id = $1")
                .bind(id.to_string())
                .fetch_all(self.pool.sqlx())
                .await?;
        rows.iter()
            .map(|id| parse_uuid("person_schools", id))
            .collect()
    }

    /// Everyone in a district who is not removed, by name.
    pub async fn people(&self, district: Uuid) -> Result<Vec<Person>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, district_id, email, name, role, password_hash FROM people \
             WHERE removed_at IS NULL AND district_id = $1 ORDER BY name, email",
        )
        .bind(district.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        let links = sqlx::query(
            "SELECT person_id, school_id FROM person_schools \
             WHERE person_id IN (SELECT id FROM people WHERE district_id = $1)",
        )
        .bind(district.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        let mut schools: HashMap<String, Vec<Uuid>> = HashMap::new();
        for link in &links {
            let school: String = link.try_get("school_id")?;
            schools
                .entry(link.try_get("person_id")?)
                .or_default()
                .push(parse_uuid("person_schools", &school)?);
        }

        rows.iter()
            .map(|row| {
                let mut person = person_from_row(row)?;
                person.school_ids = schools.remove(&person.id.to_string()).unwrap_or_default();
                Ok(person)
            })
            .collect()
    }

    /// Changes a person's role, schools or name.
    pub async fn update_person(
        &self,
        id: PersonId,
        role: Option<Role>,
        school_ids: Option<&[Uuid]>,
        name: Option<&str>,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin_write().await?;
        if let Some(role) = role {
            sqlx::query("UPDATE people SET role = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(role.as_str())
                .execute(&mut *transaction)
                .await?;
        }
        if let Some(name) = name {
            sqlx::query("UPDATE people SET name = $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(name.trim())
                .execute(&mut *transaction)
                .await?;
        }
        if let Some(school_ids) = school_ids {
            sqlx::query("DELETE FROM person_schools WHERE person_id = $1")
                .bind(id.to_string())
                .execute(&mut *transaction)
                .await?;
            for school in school_ids {
                sqlx::query("INSERT INTO person_schools (person_id, school_id) VALUES ($1, $2)")
                    .bind(id.to_string())
                    .bind(school.to_string())
                    .execute(&mut *transaction)
                    .await?;
            }
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Removes a person: ends their sessions and drops their shares and
    /// schools. The row stays, so history still names them.
    pub async fn remove_person(&self, id: PersonId) -> Result<(), StorageError> {
        let id = id.to_string();
        let mut transaction = self.pool.begin_write().await?;
        sqlx::query(
            "UPDATE people SET removed_at = $2, invite_token_hash = NULL, password_hash = NULL \
             WHERE id = $1",
        )
        .bind(&id)
        .bind(now_millis())
        .execute(&mut *transaction)
        .await?;
        for table in ["sessions", "plan_members", "person_schools"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
                .bind(&id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Creates the first district and its admin in one transaction, or
    /// returns `None` when someone exists already.
    pub async fn create_first_admin(
        &self,
        district_name: &str,
        email: String,
        name: String,
        password_hash: String,
    ) -> Result<Option<PersonId>, StorageError> {
        let now = now_millis();
        let mut transaction = self.pool.begin_write().await?;
        let people: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE removed_at IS NULL")
                .fetch_one(&mut *transaction)
                .await?;
        if people > 0 {
            return Ok(None);
        }

        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM districts ORDER BY created_at LIMIT 1")
                .fetch_optional(&mut *transaction)
                .await?;
        let district = match existing {
            Some(id) => id,
            None => insert_district(&mut transaction, district_name, now)
                .await?
                .to_string(),
        };

        let person = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO people (id, district_id, email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(person.to_string())
        .bind(&district)
        .bind(normalize_email(&email))
        .bind(name.trim())
        .bind(Role::DistrictAdmin.as_str())
        .bind(&password_hash)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(Some(person))
    }

    /// Uses an invite token: sets the person's password (and name, when
    /// given) and clears the token, in one statement. Returns `None` when
    /// no invited person has the token, such as a link used already.
    pub async fn accept_invite(
        &self,
        token_hash: &str,
        password_hash: &str,
        name: Option<&str>,
    ) -> Result<Option<PersonId>, StorageError> {
        let id: Option<String> = sqlx::query_scalar(
            "UPDATE people SET password_hash = $2, name = COALESCE($3, name), \
                               invite_token_hash = NULL \
             WHERE invite_token_hash = $1 AND removed_at IS NULL RETURNING id",
        )
        .bind(token_hash)
        .bind(password_hash)
        .bind(name.map(str::trim))
        .fetch_optional(self.pool.sqlx())
        .await?;
        id.map(|id| parse_uuid("people", &id)).transpose()
    }

    /// Sets a new invite token for an invited person.
    pub async fn set_invite(&self, id: PersonId, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("UPDATE people SET invite_token_hash = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(token_hash)
            .execute(self.pool.sqlx())
            .await?;
        Ok(())
    }

    /// Sets a person's password hash, clears their invite token and ends
    /// every session of theirs.
    pub async fn set_password(&self, id: PersonId, hash: &str) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin_write().await?;
        sqlx::query("UPDATE people SET password_hash = $2, invite_token_hash = NULL WHERE id = $1")
            .bind(id.to_string())
            .bind(hash)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    // --- sessions ---

    /// Stores a session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        person: PersonId,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(person.to_string())
        .bind(now_millis())
        .bind(expires_at)
        .execute(self.pool.sqlx())
        .await?;
        Ok(())
    }

    /// Finds the person of an unexpired session.
    pub async fn session_person(&self, token_hash: &str) -> Result<Option<Person>, StorageError> {
        let person: Option<String> = sqlx::query_scalar(
            "SELECT person_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(self.pool.sqlx())
        .await?;
        match person {
            Some(id) => self.person(parse_uuid("sessions", &id)?).await,
            None => Ok(None),
        }
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool.sqlx())
            .await?;
        Ok(())
    }

    // --- plans and shares ---

    /// The district and school of a plan, or `None` when it has no record.
    pub async fn plan(&self, document: DocumentId) -> Result<Option<PlanRecord>, StorageError> {
        let row = sqlx::query("SELECT district_id, school_id FROM plans WHERE document_id = $1")
            .bind(document.to_string())
            .fetch_optional(self.pool.sqlx())
            .await?;
        row.map(|row| plan_from_row(&row)).transpose()
    }

    /// Records a new plan.
    ///
    /// # Errors
    ///
    /// [`StorageError::AlreadyExists`] when the id has a record or a stored
    /// document.
    pub async fn create_plan(
        &self,
        document: DocumentId,
        record: PlanRecord,
        created_by: PersonId,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin_write().await?;
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE id = $1")
            .bind(document.to_string())
            .fetch_one(&mut *transaction)
            .await?;
        if stored > 0 {
            return Err(StorageError::AlreadyExists { id: document });
        }
        insert_plan(&mut transaction, document, record, Some(created_by)).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Records the district and school of a document that is already
    /// stored, such as an imported plan.
    pub async fn record_plan(
        &self,
        document: DocumentId,
        record: PlanRecord,
        created_by: Option<PersonId>,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin_write().await?;
        insert_plan(&mut transaction, document, record, created_by).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Every plan record of a district with the current person's shares.
    pub async fn plans_of_district(
        &self,
        district: Uuid,
        person: PersonId,
    ) -> Result<Vec<(DocumentId, PlanRecord, Option<Access>)>, StorageError> {
        let rows = sqlx::query(
            "SELECT p.document_id, p.district_id, p.school_id, m.access FROM plans p \
             LEFT JOIN plan_members m ON m.document_id = p.document_id AND m.person_id = $2 \
             WHERE p.district_id = $1",
        )
        .bind(district.to_string())
        .bind(person.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("document_id")?;
                let id = DocumentId::from_str(&id)
                    .map_err(|error| invalid("plans", error.to_string()))?;
                let access: Option<String> = row.try_get("access")?;
                Ok((
                    id,
                    plan_from_row(row)?,
                    access.as_deref().and_then(Access::parse),
                ))
            })
            .collect()
    }

    /// Reads the direct share a person has on a plan.
    pub async fn share(
        &self,
        document: DocumentId,
        person: PersonId,
    ) -> Result<Option<Access>, StorageError> {
        let access: Option<String> = sqlx::query_scalar(
            "SELECT access FROM plan_members WHERE document_id = $1 AND person_id = $2",
        )
        .bind(document.to_string())
        .bind(person.to_string())
        .fetch_optional(self.pool.sqlx())
        .await?;
        Ok(access.as_deref().and_then(Access::parse))
    }

    /// Lists the direct shares of a plan, by name.
    pub async fn members(&self, document: DocumentId) -> Result<Vec<PlanMember>, StorageError> {
        let rows = sqlx::query(
            "SELECT m.person_id, m.access, p.name, p.email FROM plan_members m \
             JOIN people p ON p.id = m.person_id \
             WHERE m.document_id = $1 AND p.removed_at IS NULL ORDER BY p.name, p.email",
        )
        .bind(document.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        rows.iter()
            .map(|row| {
                let access: String = row.try_get("access")?;
                Ok(PlanMember {
                    person_id: parse_uuid("plan_members", row.try_get("person_id")?)?,
                    name: row.try_get("name")?,
                    email: row.try_get("email")?,
                    access: Access::parse(&access)
                        .ok_or_else(|| invalid("plan_members", format!("access `{access}`")))?,
                })
            })
            .collect()
    }

    /// Shares a plan with a person, replacing an earlier share.
    pub async fn set_share(
        &self,
        document: DocumentId,
        person: PersonId,
        access: Access,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO plan_members (document_id, person_id, access) VALUES ($1, $2, $3) \
             ON CONFLICT (document_id, person_id) DO UPDATE SET access = excluded.access",
        )
        .bind(document.to_string())
        .bind(person.to_string())
        .bind(access.as_str())
        .execute(self.pool.sqlx())
        .await?;
        Ok(())
    }

    /// Removes a direct share.
    pub async fn remove_share(
        &self,
        document: DocumentId,
        person: PersonId,
    ) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM plan_members WHERE document_id = $1 AND person_id = $2")
            .bind(document.to_string())
            .bind(person.to_string())
            .execute(self.pool.sqlx())
            .await?;
        Ok(())
    }

    // --- actors and history ---

    /// Returns the owner of an actor id, making `person` its owner when it
    /// has none.
    pub async fn claim_actor(
        &self,
        actor: &str,
        person: PersonId,
    ) -> Result<PersonId, StorageError> {
        sqlx::query(
            "INSERT INTO actors (actor_id, person_id, first_seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (actor_id) DO NOTHING",
        )
        .bind(actor)
        .bind(person.to_string())
        .bind(now_millis())
        .execute(self.pool.sqlx())
        .await?;
        let owner: String = sqlx::query_scalar("SELECT person_id FROM actors WHERE actor_id = $1")
            .bind(actor)
            .fetch_one(self.pool.sqlx())
            .await?;
        parse_uuid("actors", &owner)
    }

    /// The change log of a plan, oldest first.
    pub async fn change_log(
        &self,
        document: DocumentId,
    ) -> Result<Vec<ChangeRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT c.hash, c.person_id, c.received_at, p.name FROM change_log c \
             LEFT JOIN people p ON p.id = c.person_id \
             WHERE c.document_id = $1 ORDER BY c.received_at, c.rowid",
        )
        .bind(document.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        rows.iter()
            .map(|row| {
                let person: Option<String> = row.try_get("person_id")?;
                Ok(ChangeRecord {
                    hash: row.try_get("hash")?,
                    person_id: person.map(|id| parse_uuid("change_log", &id)).transpose()?,
                    person_name: row.try_get("name")?,
                    received_at: from_millis(row.try_get("received_at")?),
                })
            })
            .collect()
    }
}

/// Inserts a district and gives it every stored document that belongs to
/// no district yet (documents stored before districts existed).
async fn insert_district(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    name: &str,
    now: i64,
) -> Result<Uuid, StorageError> {
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO districts (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(id.to_string())
        .bind(name.trim())
        .bind(now)
        .execute(&mut **transaction)
        .await?;
    sqlx::query(
        "INSERT INTO plans (document_id, district_id, school_id, created_by, created_at, \
                            review_status) \
         SELECT d.id, $1, NULL, NULL, $2, COALESCE(i.status, 'draft') FROM documents d \
         LEFT JOIN plan_index i ON i.document_id = d.id \
         WHERE d.id NOT IN (SELECT document_id FROM plans)",
    )
    .bind(id.to_string())
    .bind(now)
    .execute(&mut **transaction)
    .await?;
    Ok(id)
}

async fn insert_plan(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    document: DocumentId,
    record: PlanRecord,
    created_by: Option<PersonId>,
) -> Result<(), StorageError> {
    let inserted = sqlx::query(
        "INSERT INTO plans (document_id, district_id, school_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(document.to_string())
    .bind(record.district_id.to_string())
    .bind(record.school_id.map(|id| id.to_string()))
    .bind(created_by.map(|id| id.to_string()))
    .bind(now_millis())
    .execute(&mut **transaction)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            Err(StorageError::AlreadyExists { id: document })
        }
        Err(error) => Err(error.into()),
    }
}

fn person_from_row(row: &AnyRow) -> Result<Person, StorageError> {
    let role: String = row.try_get("role")?;
    let hash: Option<String> = row.try_get("password_hash")?;
    Ok(Person {
        id: parse_uuid("people", row.try_get("id")?)?,
        district_id: parse_uuid("people", row.try_get("district_id")?)?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::from_str(&role).map_err(|error| invalid("people", error.to_string()))?,
        school_ids: Vec::new(),
        status: if hash.is_some() {
            PersonStatus::Active
        } else {
            PersonStatus::Invited
        },
    })
}

fn plan_from_row(row: &AnyRow) -> Result<PlanRecord, StorageError> {
    let school: Option<String> = row.try_get("school_id")?;
    Ok(PlanRecord {
        district_id: parse_uuid("plans", row.try_get("district_id")?)?,
        school_id: school.map(|id| parse_uuid("plans", &id)).transpose()?,
    })
}
