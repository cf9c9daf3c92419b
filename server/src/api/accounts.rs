//! Setup, sign-in, sessions, passwords, schools, people and invitations.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};
use uuid::Uuid;

use super::ApiError;
use crate::accounts::{policy, District, NewPerson, Person, Role, School};
use crate::auth::session::{cleared_cookie, session_cookie, set_cookie, SESSION_DAYS};
use crate::auth::token::{new_token, token_hash};
use crate::auth::{password, CurrentPerson};
use crate::AppState;

/// Builds the routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/setup", get(setup_status).post(setup))
        .route(
            "/api/session",
            get(current_session).post(sign_in).delete(sign_out),
        )
        .route("/api/account/password", post(change_password))
        .route("/api/schools", get(list_schools).post(create_school))
        .route("/api/people", get(list_people).post(invite_person))
        .route(
            "/api/people/{id}",
            patch(update_person).delete(remove_person),
        )
        .route("/api/people/{id}/invite", post(new_invite_link))
        .route("/api/invites/{token}", get(show_invite).post(accept_invite))
}

/// `GET /api/session` and the body of a sign-in.
#[derive(Debug, Serialize)]
struct SessionBody {
    user: Person,
    district: District,
}

async fn session_body(state: &AppState, person: Person) -> Result<SessionBody, ApiError> {
    let district = state
        .accounts
        .district(person.district_id)
        .await?
        .ok_or(ApiError::SignedOut)?;
    Ok(SessionBody {
        user: person,
        district,
    })
}

/// Starts a session for `person` and returns a response with the session
/// body and its cookie.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    person: Person,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let token = new_token();
    let expires_at = crate::storage::now_millis() + SESSION_DAYS * 24 * 60 * 60 * 1000;
    state
        .accounts
        .create_session(&token_hash(&token), person.id, expires_at)
        .await?;
    info!(person = %person.id, "signed in");

    let body = session_body(state, person).await?;
    let mut response = (status, Json(body)).into_response();
    set_cookie(
        response.headers_mut(),
        session_cookie(&token, state.sessions.is_https(headers)),
    );
    Ok(response)
}

fn require_text(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::Invalid(format!("{field} is empty; fill it in")));
    }
    if value.chars().count() > 200 {
        return Err(ApiError::Invalid(format!(
            "{field} is longer than 200 characters; shorten it"
        )));
    }
    Ok(value.to_owned())
}

fn require_email(value: &str) -> Result<String, ApiError> {
    let email = require_text("email", value)?.to_lowercase();
    if crate::accounts::model::is_email(&email) {
        Ok(email)
    } else {
        Err(ApiError::Invalid(format!(
            "`{email}` is not an email address; use the form name@school.org"
        )))
    }
}

// --- setup ---

#[derive(Debug, Serialize)]
struct SetupStatus {
    needed: bool,
}

/// `GET /api/setup`.
async fn setup_status(State(state): State<AppState>) -> Result<Json<SetupStatus>, ApiError> {
    let needed = !state.accounts.has_people().await?;
    Ok(Json(SetupStatus { needed }))
}

#[derive(Debug, Deserialize)]
struct SetupRequest {
    district_name: String,
    name: String,
    email: String,
    password: String,
}

/// `POST /api/setup`: the first district and its admin.
async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<SetupRequest>,
) -> Result<Response, ApiError> {
    if state.accounts.has_people().await? {
        return Err(ApiError::AlreadySetUp);
    }
    let district_name = require_text("the district's name", &request.district_name)?;
    let name = require_text("your name", &request.name)?;
    let email = require_email(&request.email)?;
    let hash = password::hash(request.password).await?;

    // The store checks again, in the transaction that creates the admin, so
    // two setups sent at once cannot both succeed.
    let person = state
        .accounts
        .create_first_admin(&district_name, email, name, hash)
        .await?
        .ok_or(ApiError::AlreadySetUp)?;
    info!(person = %person, "created the first district admin");
    let person = state
        .accounts
        .person(person)
        .await?
        .ok_or(ApiError::SignedOut)?;
    start_session(&state, &headers, person, StatusCode::CREATED).await
}

// --- sessions ---

/// `GET /api/session`.
async fn current_session(
    State(state): State<AppState>,
    current: CurrentPerson,
) -> Result<Json<SessionBody>, ApiError> {
    Ok(Json(session_body(&state, current.person).await?))
}

#[derive(Debug, Deserialize)]
struct SignInRequest {
    email: String,
    password: String,
}

/// The network address of the client, when the server knows it (it does
/// when serving, not in tests that call the router directly).
struct ClientAddress(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(Self(address))
    }
}

/// `POST /api/session`: checks the rate limits, then the password.
async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> Result<Response, ApiError> {
    let email = request.email.trim().to_lowercase();

    state
        .sign_in_limiter
        .try_begin(&email, address, Instant::now())
        .map_err(|wait| ApiError::TooManyAttempts {
            retry_after_seconds: wait.as_secs().max(1),
        })?;

    let found = state.accounts.person_by_email(&email).await?;
    let (person, hash) = match found {
        Some((person, hash)) => (Some(person), hash),
        None => (None, None),
    };
    let matches = password::verify(request.password, hash).await;

    match person {
        Some(person) if matches => {
            state.sign_in_limiter.record_success(&email, address);
            start_session(&state, &headers, person, StatusCode::OK).await
        }
        _ => {
            warn!(address = ?address, "a sign-in failed");
            Err(ApiError::InvalidCredentials)
        }
    }
}

/// `DELETE /api/session`: ends the session and clears the cookie.
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    current: CurrentPerson,
) -> Result<Response, ApiError> {
    state.accounts.delete_session(&current.session_hash).await?;
    state.access_epoch.bump();
    info!(person = %current.person.id, "signed out");

    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(
        response.headers_mut(),
        cleared_cookie(state.sessions.is_https(&headers)),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/account/password`: ends every session of the person and
/// starts a new one for this browser.
async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    current: CurrentPerson,
    Json(request): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    state
        .sign_in_limiter
        .try_begin(&current.person.email, None, Instant::now())
        .map_err(|wait| ApiError::TooManyAttempts {
            retry_after_seconds: wait.as_secs().max(1),
        })?;
    let stored = state.accounts.password_hash(current.person.id).await?;
    if !password::verify(request.current_password, stored).await {
        return Err(ApiError::Invalid(
            "the current password is not correct; type the password you signed in with".to_owned(),
        ));
    }
    let hash = password::hash(request.new_password).await?;
    state
        .accounts
        .set_password(current.person.id, &hash)
        .await?;
    state.access_epoch.bump();
    info!(person = %current.person.id, "changed the password and ended the other sessions");

    let mut response = start_session(&state, &headers, current.person, StatusCode::OK).await?;
    *response.status_mut() = StatusCode::NO_CONTENT;
    *response.body_mut() = axum::body::Body::empty();
    Ok(response)
}

// --- schools ---

/// `GET /api/schools`.
async fn list_schools(
    State(state): State<AppState>,
    current: CurrentPerson,
) -> Result<Json<Vec<School>>, ApiError> {
    Ok(Json(
        state.accounts.schools(current.person.district_id).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct NewSchool {
    name: String,
}

/// `POST /api/schools`, for district admins.
async fn create_school(
    State(state): State<AppState>,
    current: CurrentPerson,
    Json(request): Json<NewSchool>,
) -> Result<(StatusCode, Json<School>), ApiError> {
    if current.person.role != Role::DistrictAdmin {
        return Err(ApiError::NotAllowed(
            "only a district admin can add schools".to_owned(),
        ));
    }
    let name = require_text("the school's name", &request.name)?;
    let school = state
        .accounts
        .create_school(current.person.district_id, &name)
        .await?;
    Ok((StatusCode::CREATED, Json(school)))
}

/// Checks that every id is a school of the district, once.
async fn check_schools(state: &AppState, district: Uuid, ids: &[Uuid]) -> Result<(), ApiError> {
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != ids.len() {
        return Err(ApiError::Invalid(
            "a school is listed twice; list each school once".to_owned(),
        ));
    }
    let schools = state.accounts.schools(district).await?;
    for id in ids {
        if !schools.iter().any(|school| school.id == *id) {
            return Err(ApiError::Invalid(format!(
                "school {id} is not a school of your district; pick one from the list"
            )));
        }
    }
    Ok(())
}

// --- people ---

/// A person as the people page lists them.
#[derive(Debug, Serialize)]
struct PersonRow {
    #[serde(flatten)]
    person: Person,
    /// Whether the caller may change or remove them.
    can_manage: bool,
}

/// `GET /api/people`: for admins and school leaders, everyone in the
/// district, each marked with whether the caller manages them.
async fn list_people(
    State(state): State<AppState>,
    current: CurrentPerson,
) -> Result<Json<Vec<PersonRow>>, ApiError> {
    if !policy::manages_people(&current.person) {
        return Err(policy::ManageDenied::NotAManager.into());
    }
    let people = state.accounts.people(current.person.district_id).await?;
    let rows = people
        .into_iter()
        .map(|person| PersonRow {
            can_manage: policy::can_manage(&current.person, &person).is_ok(),
            person,
        })
        .collect();
    Ok(Json(rows))
}

#[derive(Debug, Deserialize)]
struct InviteRequest {
    email: String,
    name: String,
    role: Role,
    #[serde(default)]
    school_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize)]
struct InviteResponse {
    person: Person,
    invite_path: String,
}

/// `POST /api/people`: creates an invited person and returns their
/// invite link.
async fn invite_person(
    State(state): State<AppState>,
    current: CurrentPerson,
    Json(request): Json<InviteRequest>,
) -> Result<(StatusCode, Json<InviteResponse>), ApiError> {
    policy::can_assign(&current.person, request.role, &request.school_ids)?;
    check_schools(&state, current.person.district_id, &request.school_ids).await?;
    let email = require_email(&request.email)?;
    let name = require_text("the name", &request.name)?;

    let token = new_token();
    let person = state
        .accounts
        .create_person(NewPerson {
            district_id: current.person.district_id,
            email,
            name,
            role: request.role,
            school_ids: request.school_ids,
            password_hash: None,
            invite_token_hash: Some(token_hash(&token)),
        })
        .await?;
    info!(person = %person.id, invited_by = %current.person.id, role = %person.role, "invited a person");

    Ok((
        StatusCode::CREATED,
        Json(InviteResponse {
            person,
            invite_path: format!("/invite/{token}"),
        }),
    ))
}

async fn managed_person(state: &AppState, manager: &Person, id: &str) -> Result<Person, ApiError> {
    let not_found = || ApiError::PersonNotFound(id.to_owned());
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let person = state.accounts.person(id).await?.ok_or_else(not_found)?;
    if person.district_id != manager.district_id {
        return Err(not_found());
    }
    policy::can_manage(manager, &person)?;
    Ok(person)
}

#[derive(Debug, Deserialize)]
struct PersonUpdate {
    role: Option<Role>,
    school_ids: Option<Vec<Uuid>>,
    name: Option<String>,
}

/// `PATCH /api/people/{id}`.
async fn update_person(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
    Json(update): Json<PersonUpdate>,
) -> Result<Json<Person>, ApiError> {
    let person = managed_person(&state, &current.person, &id).await?;
    let role = update.role.unwrap_or(person.role);
    let school_ids = update
        .school_ids
        .clone()
        .unwrap_or_else(|| person.school_ids.clone());
    policy::can_assign(&current.person, role, &school_ids)?;
    check_schools(&state, current.person.district_id, &school_ids).await?;
    let name = update
        .name
        .as_deref()
        .map(|name| require_text("the name", name))
        .transpose()?;

    state
        .accounts
        .update_person(
            person.id,
            update.role,
            update.school_ids.as_deref(),
            name.as_deref(),
        )
        .await?;
    state.access_epoch.bump();
    info!(person = %person.id, changed_by = %current.person.id, role = %role, "changed a person");

    let updated = state
        .accounts
        .person(person.id)
        .await?
        .ok_or_else(|| ApiError::PersonNotFound(id))?;
    Ok(Json(updated))
}

/// `DELETE /api/people/{id}`.
async fn remove_person(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let person = managed_person(&state, &current.person, &id).await?;
    state.accounts.remove_person(person.id).await?;
    state.access_epoch.bump();
    info!(person = %person.id, removed_by = %current.person.id, "removed a person");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize)]
struct InviteLink {
    invite_path: String,
}

/// `POST /api/people/{id}/invite`: a new link replaces the old one.
async fn new_invite_link(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<InviteLink>, ApiError> {
    let person = managed_person(&state, &current.person, &id).await?;
    if person.status != crate::accounts::PersonStatus::Invited {
        return Err(ApiError::Invalid(format!(
            "{} has already set a password; they sign in with it",
            person.email
        )));
    }
    let token = new_token();
    state
        .accounts
        .set_invite(person.id, &token_hash(&token))
        .await?;
    Ok(Json(InviteLink {
        invite_path: format!("/invite/{token}"),
    }))
}

// --- invitations ---

#[derive(Debug, Serialize)]
struct InviteDetails {
    email: String,
    name: String,
    district: String,
}

async fn invited_person(state: &AppState, token: &str) -> Result<Person, ApiError> {
    state
        .accounts
        .person_by_invite(&token_hash(token))
        .await?
        .ok_or(ApiError::InviteNotFound)
}

/// `GET /api/invites/{token}`.
async fn show_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<InviteDetails>, ApiError> {
    let person = invited_person(&state, &token).await?;
    let district = state
        .accounts
        .district(person.district_id)
        .await?
        .ok_or(ApiError::InviteNotFound)?;
    Ok(Json(InviteDetails {
        email: person.email,
        name: person.name,
        district: district.name,
    }))
}

#[derive(Debug, Deserialize)]
struct AcceptInvite {
    name: Option<String>,
    password: String,
}

/// `POST /api/invites/{token}`: sets the password and signs in.
async fn accept_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Json(request): Json<AcceptInvite>,
) -> Result<Response, ApiError> {
    invited_person(&state, &token).await?;
    let name = request
        .name
        .as_deref()
        .map(|name| require_text("your name", name))
        .transpose()?;
    let hash = password::hash(request.password).await?;

    // Taking the token and setting the password happen in one statement,
    // so a link used twice at once signs in only one of the requests.
    let person = state
        .accounts
        .accept_invite(&token_hash(&token), &hash, name.as_deref())
        .await?
        .ok_or(ApiError::InviteNotFound)?;
    info!(person = %person, "accepted an invitation");

    let person = state
        .accounts
        .person(person)
        .await?
        .ok_or(ApiError::InviteNotFound)?;
    start_session(&state, &headers, person, StatusCode::OK).await
}
