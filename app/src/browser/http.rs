//! JSON requests to the server's API.
//!
//! Requests go to the page's own origin, so `fetch` sends the session
//! cookie without extra options.

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::accounts::api::{ErrorBody, SIGNED_OUT};

/// A failed API request.
#[derive(Debug, Error)]
pub enum HttpError {
    /// The request did not reach the server.
    #[error("the server cannot be reached ({0})")]
    Unreachable(String),
    /// The server responded with an error status.
    #[error("{message}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's `code`, such as `signed_out`; empty when the
        /// response was not the API's JSON error body.
        code: String,
        /// The server's explanation, or the status text.
        message: String,
        /// How long to wait before trying again, in seconds: the body's
        /// `retry_after_seconds`, or else the `Retry-After` header.
        retry_after_seconds: Option<u64>,
    },
    /// The response body was not the expected JSON.
    #[error("the server's response could not be read: {0}")]
    Body(String),
}

impl HttpError {
    /// Returns the server's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            HttpError::Status { code, .. } if !code.is_empty() => Some(code),
            _ => None,
        }
    }

    /// Returns the HTTP status, when the server responded.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns whether the request failed because the session ended:
    /// `401` with the code `signed_out`, or a `401` without the API's error
    /// body. Other `401` responses, such as a wrong password, do not count.
    pub fn is_signed_out(&self) -> bool {
        match self {
            HttpError::Status {
                status: 401, code, ..
            } => code.is_empty() || code == SIGNED_OUT,
            _ => false,
        }
    }

    /// Returns whether the request never reached the server, as when the
    /// device is offline.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HttpError::Unreachable(_))
    }

    /// Words the error for a page: the server's message as it is, or what
    /// went wrong and what to do.
    pub fn user_message(&self) -> String {
        match self {
            HttpError::Unreachable(_) => {
                "The server cannot be reached. Check the connection and try again.".to_owned()
            }
            HttpError::Status { message, .. } => message.clone(),
            HttpError::Body(reason) => {
                format!("The server's response could not be read ({reason}). Try again.")
            }
        }
    }
}

fn js_error(value: JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Sends a request with a text body and parses the JSON response.
pub async fn request_json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<T, HttpError> {
    let body = body.map(|body| JsValue::from_str(&body));
    request_json_with_body(method, url, body).await
}

/// Sends a request whose body is any value `fetch` accepts, such as the
/// bytes of a file, and parses the JSON response.
pub async fn request_json_with_body<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<JsValue>,
) -> Result<T, HttpError> {
    let text = fetch_text(method, url, body, None).await?;
    parse_json(&text)
}

/// Sends `body` as JSON, with `Content-Type: application/json`, and parses
/// the JSON response.
pub async fn send_json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: &impl Serialize,
) -> Result<T, HttpError> {
    let text = fetch_text(
        method,
        url,
        Some(json_body(body)?),
        Some("application/json"),
    )
    .await?;
    parse_json(&text)
}

/// Sends `body` as JSON to a route that responds `204 No Content`. Any
/// response body is ignored.
pub async fn send_json_no_content(
    method: &str,
    url: &str,
    body: &impl Serialize,
) -> Result<(), HttpError> {
    fetch_text(
        method,
        url,
        Some(json_body(body)?),
        Some("application/json"),
    )
    .await?;
    Ok(())
}

/// Sends a request without a body, such as `DELETE`, to a route that
/// responds `204 No Content`. Any response body is ignored.
pub async fn request_no_content(method: &str, url: &str) -> Result<(), HttpError> {
    fetch_text(method, url, None, None).await?;
    Ok(())
}

/// Encodes one path segment, such as an invite token or a person's id.
pub fn path_segment(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

fn json_body(body: &impl Serialize) -> Result<JsValue, HttpError> {
    // Serializing these plain structs does not fail; the error is kept
    // for a future body type that can.
    serde_json::to_string(body)
        .map(|text| JsValue::from_str(&text))
        .map_err(|error| HttpError::Body(error.to_string()))
}

fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, HttpError> {
    serde_json::from_str(text).map_err(|error| HttpError::Body(error.to_string()))
}

/// Sends a request and returns the response text, or the error status the
/// server responded with.
async fn fetch_text(
    method: &str,
    url: &str,
    body: Option<JsValue>,
    content_type: Option<&str>,
) -> Result<String, HttpError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = &body {
        init.set_body(body);
    }
    if let Some(content_type) = content_type {
        let headers = Headers::new().map_err(|error| HttpError::Unreachable(js_error(error)))?;
        headers
            .set("Content-Type", content_type)
            .map_err(|error| HttpError::Unreachable(js_error(error)))?;
        init.set_headers(&headers);
    }
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|error| HttpError::Unreachable(js_error(error)))?;

    let window = web_sys::window().ok_or_else(|| HttpError::Unreachable("no window".to_owned()))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|error| HttpError::Unreachable(js_error(error)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|error| HttpError::Body(js_error(error)))?;

    let text_promise = response
        .text()
        .map_err(|error| HttpError::Body(js_error(error)))?;
    let text = JsFuture::from(text_promise)
        .await
        .map_err(|error| HttpError::Body(js_error(error)))?
        .as_string()
        .unwrap_or_default();

    if !response.ok() {
        return Err(status_error(&response, &text));
    }
    Ok(text)
}

fn status_error(response: &Response, text: &str) -> HttpError {
    let retry_after_header = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse::<u64>().ok());

    match ErrorBody::parse(text) {
        Some(body) => HttpError::Status {
            status: response.status(),
            code: body.code,
            message: body.error,
            retry_after_seconds: body.retry_after_seconds.or(retry_after_header),
        },
        None => {
            // HTTP/2 responses carry no status text.
            let status_text = response.status_text();
            let message = if status_text.is_empty() {
                format!("the server answered with status {}", response.status())
            } else {
                status_text
            };
            HttpError::Status {
                status: response.status(),
                code: String::new(),
                message,
                retry_after_seconds: retry_after_header,
            }
        }
    }
}
