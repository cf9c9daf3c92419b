//! JSON requests to the account and sharing routes of the server's API.
//!
//! Request bodies go as JSON with `Content-Type: application/json`, which
//! axum's `Json` extractor requires. A `204 No Content` is a success with no
//! body. Error responses are `{"error": message, "code": code}`, and
//! [`ApiError::Status`] keeps both, so callers can tell a `404
//! plan_not_found` from a route the server does not have.

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// A failed API request.
#[derive(Clone, Debug, Error)]
pub enum ApiError {
    /// The request did not reach the server.
    #[error("the server cannot be reached ({0})")]
    Unreachable(String),
    /// The server responded with an error status.
    #[error("{message}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's error code, such as `plan_not_found`, when it sent one.
        code: Option<String>,
        /// The server's explanation, or the status text.
        message: String,
    },
    /// The response body was not the expected JSON.
    #[error("the server's response could not be read: {0}")]
    Body(String),
}

impl ApiError {
    /// Returns the HTTP status of an error response.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns whether the server responded `401`: the session ended or
    /// there is none.
    pub fn is_signed_out(&self) -> bool {
        self.status() == Some(401)
    }

    /// Returns whether the server responded `404 plan_not_found`. A `404`
    /// without that code comes from a route the server does not have.
    pub fn is_plan_not_found(&self) -> bool {
        matches!(self, ApiError::Status { status: 404, code: Some(code), .. } if code == "plan_not_found")
    }

    /// Returns whether the request never reached the server.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::Unreachable(_))
    }
}

fn js_error(value: wasm_bindgen::JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Sends `GET url` and parses the JSON response.
///
/// # Errors
///
/// [`ApiError`] when the request fails, the server responds with an error
/// status, or the body is missing or not the expected JSON.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    send_json::<(), T>("GET", url, None)
        .await?
        .ok_or_else(|| ApiError::Body("the response has no body".to_owned()))
}

/// Sends a request with an optional JSON body and parses the JSON response.
/// Returns `None` for a success without a body, such as `204 No Content`.
///
/// # Errors
///
/// [`ApiError`] when the request fails, the server responds with an error
/// status, or the body is not the expected JSON.
pub async fn send_json<B: Serialize, T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<&B>,
) -> Result<Option<T>, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|error| ApiError::Unreachable(js_error(error)))?;
    headers
        .set("Accept", "application/json")
        .map_err(|error| ApiError::Unreachable(js_error(error)))?;
    if let Some(body) = body {
        let text =
            serde_json::to_string(body).map_err(|error| ApiError::Body(error.to_string()))?;
        headers
            .set("Content-Type", "application/json")
            .map_err(|error| ApiError::Unreachable(js_error(error)))?;
        init.set_body(&wasm_bindgen::JsValue::from_str(&text));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|error| ApiError::Unreachable(js_error(error)))?;

    let window = web_sys::window().ok_or_else(|| ApiError::Unreachable("no window".to_owned()))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|error| ApiError::Unreachable(js_error(error)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|error| ApiError::Body(js_error(error)))?;

    let text_promise = response
        .text()
        .map_err(|error| ApiError::Body(js_error(error)))?;
    let text = JsFuture::from(text_promise)
        .await
        .map_err(|error| ApiError::Body(js_error(error)))?
        .as_string()
        .unwrap_or_default();

    if !response.ok() {
        return Err(status_error(
            response.status(),
            &response.status_text(),
            &text,
        ));
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| ApiError::Body(error.to_string()))
}

/// Reads an error response's `{"error": message, "code": code}` body, or a
/// `{"error": code, "message": message}` body, falling back to the status
/// text when the body is neither.
fn status_error(status: u16, status_text: &str, body: &str) -> ApiError {
    let parsed = serde_json::from_str::<serde_json::Value>(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|value| value.get(name))
            .and_then(|value| value.as_str())
            .map(str::to_owned)
    };
    if let Some(message) = field("message") {
        return ApiError::Status {
            status,
            code: field("code").or_else(|| field("error")),
            message,
        };
    }
    let message = field("error").unwrap_or_else(|| {
        if status_text.is_empty() {
            format!("the server answered with status {status}")
        } else {
            format!("the server answered {status} {status_text}")
        }
    });
    ApiError::Status {
        status,
        code: field("code"),
        message,
    }
}

/// Percent-encodes one path segment or query value.
pub fn encode_component(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}
