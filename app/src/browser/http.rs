//! JSON requests to the server's API.

use serde::de::DeserializeOwned;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

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
        /// The server's explanation, or the status text.
        message: String,
    },
    /// The response body was not the expected JSON.
    #[error("the server's response could not be read: {0}")]
    Body(String),
}

fn js_error(value: wasm_bindgen::JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Sends a request with a text body and parses the JSON response.
pub async fn request_json<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<T, HttpError> {
    let body = body.map(|body| wasm_bindgen::JsValue::from_str(&body));
    request_json_with_body(method, url, body).await
}

/// Sends a request whose body is any value `fetch` accepts, such as the
/// bytes of a file, and parses the JSON response.
pub async fn request_json_with_body<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<wasm_bindgen::JsValue>,
) -> Result<T, HttpError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = &body {
        init.set_body(body);
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
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|value| {
                value
                    .get("error")
                    .and_then(|error| error.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| response.status_text());
        return Err(HttpError::Status {
            status: response.status(),
            message,
        });
    }
    serde_json::from_str(&text).map_err(|error| HttpError::Body(error.to_string()))
}
