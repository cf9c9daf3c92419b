//! Cross-site checks.
//!
//! A request that changes anything must not come from another site: the
//! browser's `Origin` header, when present, must be this server's origin,
//! and `Sec-Fetch-Site`, when present, must not be `cross-site`. Requests
//! with neither header come from programs other than browsers (scripts,
//! tests, the command line), which a cookie-riding attack cannot use.
//!
//! The sync WebSocket is stricter: browsers always send `Origin` on a
//! WebSocket upgrade, and cookies ride along on a cross-site upgrade too, so
//! the upgrade needs an `Origin` equal to this server's.

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};

use super::SessionConfig;

/// This server's origin as the request sees it: `CAIRN_PUBLIC_ORIGIN`, or
/// the scheme and the `Host` header.
pub fn expected_origin(config: &SessionConfig, headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = &config.public_origin {
        return Some(origin.clone());
    }
    let host = headers.get(HOST)?.to_str().ok()?;
    let scheme = if config.is_https(headers) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

fn header(headers: &HeaderMap, name: impl axum::http::header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Whether a request with `method` and `headers` may change state: safe
/// methods always may; others may unless the browser says they come from
/// another site.
pub fn is_same_site_request(config: &SessionConfig, method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if header(headers, "sec-fetch-site") == Some("cross-site") {
        return false;
    }
    match header(headers, ORIGIN) {
        None => true,
        Some(origin) => expected_origin(config, headers).is_some_and(|expected| expected == origin),
    }
}

/// Whether a WebSocket upgrade comes from a page of this server.
pub fn is_own_origin(config: &SessionConfig, headers: &HeaderMap) -> bool {
    match (header(headers, ORIGIN), expected_origin(config, headers)) {
        (Some(origin), Some(expected)) => origin == expected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn posts_from_another_site_are_refused() {
        let config = SessionConfig::default();
        let same = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        let other = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://evil.example"),
        ]);
        let fetch_cross = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]);
        let script = headers(&[("host", "127.0.0.1:3000")]);

        assert!(is_same_site_request(&config, &Method::POST, &same));
        assert!(!is_same_site_request(&config, &Method::POST, &other));
        assert!(!is_same_site_request(
            &config,
            &Method::DELETE,
            &fetch_cross
        ));
        assert!(is_same_site_request(&config, &Method::POST, &script));
        assert!(is_same_site_request(&config, &Method::GET, &other));
    }

    #[test]
    fn websockets_need_this_servers_origin() {
        let config = SessionConfig::default();
        assert!(is_own_origin(
            &config,
            &headers(&[
                ("host", "localhost:3000"),
                ("origin", "http://localhost:3000")
            ])
        ));
        assert!(!is_own_origin(
            &config,
            &headers(&[("host", "localhost:3000")])
        ));
        assert!(!is_own_origin(
            &config,
            &headers(&[
                ("host", "localhost:3000"),
                ("origin", "http://localhost:3001")
            ])
        ));

        let public = SessionConfig {
            public_origin: Some("https://cairn.example.org".to_owned()),
        };
        assert!(is_own_origin(
            &public,
            &headers(&[
                ("host", "10.0.0.5"),
                ("origin", "https://cairn.example.org")
            ])
        ));
    }
}
