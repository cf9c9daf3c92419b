//! The `cairn_session` cookie and the [`CurrentPerson`] extractor.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};

use crate::accounts::Person;
use crate::api::ApiError;
use crate::auth::token::token_hash;
use crate::AppState;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "cairn_session";

/// How long a session lasts, in days.
pub const SESSION_DAYS: i64 = 30;

/// Settings that decide the server's origin and the cookie's `Secure`
/// flag.
#[derive(Clone, Debug, Default)]
pub struct SessionConfig {
    /// `CAIRN_PUBLIC_ORIGIN`, such as `https://cairn.example.org`, without
    /// a trailing slash.
    pub public_origin: Option<String>,
}

impl SessionConfig {
    /// Reads `CAIRN_PUBLIC_ORIGIN`.
    pub fn from_env() -> Self {
        let public_origin = std::env::var("CAIRN_PUBLIC_ORIGIN")
            .ok()
            .map(|origin| origin.trim().trim_end_matches('/').to_owned())
            .filter(|origin| !origin.is_empty());
        Self { public_origin }
    }

    /// Whether the request reached the server over HTTPS, directly as the
    /// public origin says or through a proxy that says so.
    pub fn is_https(&self, headers: &HeaderMap) -> bool {
        if let Some(origin) = &self.public_origin {
            return origin.starts_with("https://");
        }
        // A chain of proxies lists one scheme each; the first is the
        // client's.
        headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .and_then(|protos| protos.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let max_age = SESSION_DAYS * 24 * 60 * 60;
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn cleared_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The session token from the request's cookies, if any.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token.to_owned())
        .filter(|token| !token.is_empty())
}

/// Finds the signed-in person of a request from its cookie.
///
/// # Errors
///
/// [`ApiError::SignedOut`] with no cookie, or one of an ended or unknown
/// session; [`ApiError::Storage`] when the database fails.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<CurrentPerson, ApiError> {
    let token = token_from_headers(headers).ok_or(ApiError::SignedOut)?;
    let hash = token_hash(&token);
    let person = state
        .accounts
        .session_person(&hash)
        .await?
        .ok_or(ApiError::SignedOut)?;
    Ok(CurrentPerson {
        person,
        session_hash: hash,
    })
}

/// The signed-in person of a request. Handlers that take it answer
/// `401 signed_out` to everyone else.
#[derive(Clone, Debug)]
pub struct CurrentPerson {
    /// The person.
    pub person: Person,
    /// The stored hash of their session token.
    pub session_hash: String,
}

impl FromRequestParts<AppState> for CurrentPerson {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        signed_in(state, &parts.headers).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_and_lax() {
        let cookie = session_cookie("abc", false);
        let text = cookie.to_str().unwrap();
        assert!(text.starts_with("cairn_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age="));
        assert!(!text.contains("Secure"));
        assert!(session_cookie("abc", true)
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }

    #[test]
    fn the_first_forwarded_scheme_decides_secure() {
        let config = SessionConfig::default();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https, http"));
        assert!(config.is_https(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!config.is_https(&headers));
    }

    #[test]
    fn the_token_is_read_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("theme=dark; cairn_session=tok123; x=1"),
        );
        assert_eq!(token_from_headers(&headers).as_deref(), Some("tok123"));
        headers.insert(COOKIE, HeaderValue::from_static("cairn_session="));
        assert_eq!(token_from_headers(&headers), None);
    }
}
