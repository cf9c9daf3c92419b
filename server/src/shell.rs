//! The files that let Cairn start with no network: the service worker at
//! `/sw.js`, the offline shell at `/offline-shell`, and the release they
//! belong to.
//!
//! The server renders each route's own HTML, which the WASM bundle
//! hydrates, so a cached copy of one route could not start another. The
//! offline shell is a page with the same head and an empty body whose
//! script calls the bundle's `mount` entry point instead of `hydrate`, so
//! the app renders any route in the browser. The service worker
//! (`shell/sw.js`) caches it with the bundle, the CSS, the icons and the
//! manifest, and returns it for a navigation when the network fails.
//!
//! The release is a hash of every shell file as this server read it at
//! startup, of the offline shell and of the worker's code. It names the
//! worker's cache and is sent in the `Cairn-Release` header of every
//! response, so the worker can tell the files of its own release from
//! newer ones. `docs/browser.md` describes the update rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use tracing::{info, warn};

/// The response header that carries the release of the server's files.
pub const RELEASE_HEADER: HeaderName = HeaderName::from_static("cairn-release");

/// The address of the offline shell.
pub const OFFLINE_SHELL_PATH: &str = "/offline-shell";

/// The address of the service worker.
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// The web app manifest, in the site's public files.
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";

/// The public files besides the bundle that every page links to.
const PUBLIC_SHELL_FILES: [&str; 4] = [
    "/favicon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    MANIFEST_PATH,
];

/// The worker's code, with the release and the shell files still to fill in.
const SERVICE_WORKER_TEMPLATE: &str = include_str!("shell/sw.js");

/// The background and header color of `style/main.css` (`--ink`), the
/// manifest's `theme_color`.
pub const THEME_COLOR: &str = "#1f2a33";

/// The shell files of one build of the site and the documents made from
/// them.
#[derive(Debug)]
pub struct Release {
    version: String,
    shell_files: Vec<String>,
    offline_shell: String,
    service_worker: String,
}

impl Release {
    /// Reads the shell files under the site root of `options`: every file
    /// in its pkg folder and the public files of [`PUBLIC_SHELL_FILES`]
    /// that exist. A file that cannot be read is left out and logged,
    /// because the server still serves the API without a built site.
    pub fn read(options: &LeptosOptions) -> Self {
        let site_root = Path::new(options.site_root.as_ref());
        let pkg_dir = options.site_pkg_dir.trim_matches('/');

        let mut paths = Vec::new();
        collect_files(site_root, &site_root.join(pkg_dir), &mut paths);
        for path in PUBLIC_SHELL_FILES {
            if site_root.join(path.trim_start_matches('/')).is_file() {
                paths.push(path.to_owned());
            }
        }
        paths.sort();

        let offline_shell = offline_shell(options);
        let mut hasher = Sha256::new();
        hasher.update(SERVICE_WORKER_TEMPLATE.as_bytes());
        hash_part(&mut hasher, OFFLINE_SHELL_PATH, offline_shell.as_bytes());
        let mut shell_files = Vec::with_capacity(paths.len() + 1);
        for path in paths {
            match std::fs::read(site_root.join(path.trim_start_matches('/'))) {
                Ok(bytes) => {
                    hash_part(&mut hasher, &path, &bytes);
                    shell_files.push(path);
                }
                Err(error) => {
                    warn!(%error, path, "could not read a shell file; the service worker leaves it out")
                }
            }
        }
        shell_files.push(OFFLINE_SHELL_PATH.to_owned());
        let digest = hasher.finalize();
        let version: String = digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();

        let service_worker = SERVICE_WORKER_TEMPLATE
            .replace("__CAIRN_RELEASE__", &version)
            .replace(
                "__CAIRN_SHELL_FILES__",
                &serde_json::to_string(&shell_files).unwrap_or_else(|_| "[]".to_owned()),
            );
        info!(release = %version, files = shell_files.len(), "read the shell files");

        Self {
            version,
            shell_files,
            offline_shell,
            service_worker,
        }
    }

    /// Returns the release: 16 hexadecimal digits of a SHA-256 hash.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The addresses the service worker stores at install, the offline
    /// shell last.
    pub fn shell_files(&self) -> &[String] {
        &self.shell_files
    }
}

/// Adds the file at `path` to the release hash. The path and the length go
/// first, so moving bytes from one file to the next changes the hash.
fn hash_part(hasher: &mut Sha256, path: &str, bytes: &[u8]) {
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// Pushes the address of every file under `dir`, relative to `site_root`,
/// onto `paths`. wasm-bindgen puts the JavaScript snippets of some crates
/// in subfolders of pkg, which the glue imports.
fn collect_files(site_root: &Path, dir: &Path, paths: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            warn!(%error, dir = %dir.display(), "could not list the site's pkg folder; the offline shell will not start");
            return;
        }
    };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            collect_files(site_root, &path, paths);
        } else if path.to_string_lossy().ends_with(".d.ts") {
            // TypeScript declarations from wasm-bindgen, which no page loads.
            continue;
        } else if let Ok(relative) = path.strip_prefix(site_root) {
            let segments: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
            paths.push(format!("/{}", segments.join("/")));
        }
    }
}

/// The offline shell: the head of every page and a script that mounts the
/// app on the empty body.
fn offline_shell(options: &LeptosOptions) -> String {
    let pkg = options.site_pkg_dir.trim_matches('/');
    let name = &options.output_name;
    let wasm = wasm_file_name(options);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cairn</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="{MANIFEST_PATH}">
<meta name="theme-color" content="{THEME_COLOR}">
<link rel="stylesheet" href="/{pkg}/{name}.css">
<link rel="modulepreload" href="/{pkg}/{name}.js">
<script type="module">
import init, {{ mount }} from "/{pkg}/{name}.js";
init({{ module_or_path: "/{pkg}/{wasm}" }}).then(() => mount());
</script>
</head>
<body></body>
</html>
"#
    )
}

/// Returns the name of the WASM bundle in the pkg folder, as Leptos 0.8.23's
/// `HydrationScripts` links it: cargo-leptos sets `LEPTOS_OUTPUT_NAME` at
/// build time and names the file `NAME.wasm`, while wasm-bindgen alone
/// names it `NAME_bg.wasm`.
pub fn wasm_file_name(options: &LeptosOptions) -> String {
    let name = &options.output_name;
    if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("{name}.wasm")
    } else {
        format!("{name}_bg.wasm")
    }
}

/// The routes of the service worker and the offline shell. Both are public
/// and hold no plan content.
pub fn router<S: Clone + Send + Sync + 'static>(release: Arc<Release>) -> Router<S> {
    Router::new()
        .route(SERVICE_WORKER_PATH, get(service_worker))
        .route(OFFLINE_SHELL_PATH, get(offline_shell_page))
        .with_state(release)
}

/// `GET /sw.js`. `no-cache` makes the browser ask the server each time it
/// checks for a new worker.
async fn service_worker(State(release): State<Arc<Release>>) -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        release.service_worker.clone(),
    )
        .into_response()
}

/// `GET /offline-shell`.
async fn offline_shell_page(State(release): State<Arc<Release>>) -> Response {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        release.offline_shell.clone(),
    )
        .into_response()
}

/// Adds the `Cairn-Release` header to a response.
pub async fn add_release_header(
    State(release): State<Arc<Release>>,
    mut response: Response,
) -> Response {
    if let Ok(value) = HeaderValue::from_str(&release.version) {
        response.headers_mut().insert(RELEASE_HEADER, value);
    }
    response
}
