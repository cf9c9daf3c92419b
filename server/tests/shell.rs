//! The service worker and the offline shell through `app(state).oneshot(..)`,
//! over a site folder made for each test: a stand-in bundle in `pkg/` and
//! the real public files (favicon, icons, manifest).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use cairn_server::accounts::AccountStore;
use cairn_server::storage::SqlStorage;
use cairn_server::{app, AppState};
use tempfile::TempDir;
use tower::ServiceExt;

const PUBLIC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../public");

/// Returns the bundle's file name, which depends on how the server was built.
fn wasm_file() -> String {
    let options = cairn_server::leptos_options("target/site");
    cairn_server::shell::wasm_file_name(&options)
}

/// A site folder as cargo-leptos builds it, with stand-in bundle files.
fn site_folder() -> TempDir {
    let site = tempfile::tempdir().expect("a temporary folder");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(pkg.join("snippets/some-crate")).expect("the pkg folder is created");
    std::fs::write(pkg.join("cairn.js"), "export default function init() {}\n")
        .expect("the glue is written");
    std::fs::write(pkg.join(wasm_file()), b"\0asm\x01\0\0\0").expect("the bundle is written");
    std::fs::write(pkg.join("cairn.d.ts"), "export function mount(): void;\n")
        .expect("the declarations are written");
    std::fs::write(pkg.join("cairn.css"), "body { color: black; }\n").expect("the CSS is written");
    std::fs::write(
        pkg.join("snippets/some-crate/inline0.js"),
        "export function f() {}\n",
    )
    .expect("the snippet is written");
    copy_public(Path::new(PUBLIC_DIR), site.path());
    site
}

fn copy_public(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("the public folder is readable") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("a folder is created");
            copy_public(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a public file is copied");
        }
    }
}

/// A server state over a fresh database whose static files are in `site`.
async fn state_for(site: &Path) -> (AppState, TempDir) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let storage = SqlStorage::open_sqlite(&folder.path().join("cairn.db"))
        .await
        .expect("the database opens");
    let accounts = AccountStore::new(storage.pool().clone());
    let site_root = site.to_str().expect("a UTF-8 path");
    (
        AppState::new(Arc::new(storage), accounts, site_root),
        folder,
    )
}

async fn get(site: &Path, uri: &str) -> Response {
    let (state, _database) = state_for(site).await;
    let request = Request::get(uri)
        .body(Body::empty())
        .expect("a valid request");
    app(state)
        .oneshot(request)
        .await
        .expect("the router answers")
}

async fn text(response: Response) -> String {
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body can be read");
    String::from_utf8(body.to_vec()).expect("a UTF-8 body")
}

fn header_of<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("the response has no {name} header"))
        .to_str()
        .expect("an ASCII header")
}

/// The value of `const NAME = VALUE;` in the worker's code.
fn worker_constant<'a>(worker: &'a str, name: &str) -> &'a str {
    let start = format!("const {name} = ");
    let line = worker
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("the worker defines {name}"));
    line[start.len()..].trim_end_matches(';')
}

fn worker_release(worker: &str) -> String {
    worker_constant(worker, "RELEASE")
        .trim_matches('\'')
        .to_owned()
}

fn worker_shell_files(worker: &str) -> Vec<String> {
    serde_json::from_str(worker_constant(worker, "SHELL_FILES"))
        .expect("SHELL_FILES is a JSON array")
}

/// Every local address in `href="…"`, `from "…"` and `module_or_path: "…"`.
fn referenced_paths(html: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for marker in ["href=\"", "from \"", "module_or_path: \""] {
        for (start, _) in html.match_indices(marker) {
            let rest = &html[start + marker.len()..];
            let end = rest.find('"').expect("a closing quote");
            paths.insert(rest[..end].to_owned());
        }
    }
    paths
}

#[tokio::test]
async fn service_worker_is_uncached_javascript() {
    let site = site_folder();
    let response = get(site.path(), "/sw.js").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header_of(&response, "cache-control"), "no-cache");
    let release = header_of(&response, "cairn-release").to_owned();
    let worker = text(response).await;
    assert_eq!(worker_release(&worker), release);
    assert!(
        !worker.contains("__CAIRN_"),
        "every placeholder is filled in"
    );
}

#[tokio::test]
async fn offline_shell_is_public_uncached_html() {
    let site = site_folder();
    let response = get(site.path(), "/offline-shell").await;

    assert_eq!(response.status(), StatusCode::OK, "no session is needed");
    assert_eq!(
        header_of(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(header_of(&response, "cache-control"), "no-cache");
    let shell = text(response).await;
    assert!(shell.contains("import init, { mount } from \"/pkg/cairn.js\""));
    assert!(
        shell.contains("<body></body>"),
        "the app mounts on an empty body"
    );
    assert!(
        !shell.contains("hydrate"),
        "the shell mounts the app and hydrates nothing"
    );
}

#[tokio::test]
async fn offline_shell_references_the_precached_files() {
    let site = site_folder();
    let worker = text(get(site.path(), "/sw.js").await).await;
    let shell = text(get(site.path(), "/offline-shell").await).await;
    let precached: BTreeSet<String> = worker_shell_files(&worker).into_iter().collect();

    let referenced = referenced_paths(&shell);
    let wasm = format!("/pkg/{}", wasm_file());
    for linked in [
        "/pkg/cairn.js",
        &wasm,
        "/pkg/cairn.css",
        "/manifest.webmanifest",
        "/favicon.svg",
    ] {
        assert!(referenced.contains(linked), "the shell links {linked}");
    }
    assert!(
        !precached.contains("/pkg/cairn.d.ts"),
        "no page loads TypeScript declarations"
    );
    for path in &referenced {
        assert!(
            precached.contains(path),
            "the shell links {path}, which the worker does not store"
        );
    }

    let manifest = std::fs::read_to_string(site.path().join("manifest.webmanifest"))
        .expect("the manifest is readable");
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest).expect("the manifest is JSON");
    let icons: BTreeSet<String> = manifest["icons"]
        .as_array()
        .expect("the manifest lists icons")
        .iter()
        .map(|icon| icon["src"].as_str().expect("an icon address").to_owned())
        .collect();
    let snippet = "/pkg/snippets/some-crate/inline0.js".to_owned();
    for path in &precached {
        let linked = referenced.contains(path)
            || icons.contains(path)
            || *path == snippet
            || path == "/offline-shell";
        assert!(
            linked,
            "the worker stores {path}, which neither the shell nor the manifest links"
        );
    }
    assert!(
        precached.contains(&snippet),
        "files in pkg subfolders are stored too"
    );
    assert!(precached.contains("/offline-shell"));
}

#[tokio::test]
async fn app_shell_links_the_manifest() {
    let site = site_folder();
    let response = get(site.path(), "/sign-in").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#));
}

#[tokio::test]
async fn release_changes_with_a_pkg_file() {
    let site = site_folder();
    let before = text(get(site.path(), "/sw.js").await).await;
    let again = text(get(site.path(), "/sw.js").await).await;
    assert_eq!(before, again, "the same files make the same worker");

    std::fs::write(site.path().join("pkg/cairn.css"), "body { color: navy; }\n")
        .expect("the CSS is changed");
    let after = text(get(site.path(), "/sw.js").await).await;

    assert_ne!(worker_release(&before), worker_release(&after));
    assert_ne!(before, after);
}

#[tokio::test]
async fn every_response_names_the_release() {
    let site = site_folder();
    let worker = text(get(site.path(), "/sw.js").await).await;
    let release = worker_release(&worker);

    for uri in [
        "/",
        "/plans/00000000-0000-0000-0000-000000000000",
        "/pkg/cairn.js",
        "/manifest.webmanifest",
        "/api/session",
    ] {
        let response = get(site.path(), uri).await;
        assert_eq!(header_of(&response, "cairn-release"), release, "{uri}");
    }
}

#[tokio::test]
async fn manifest_and_icons_are_public() {
    let site = site_folder();
    for uri in [
        "/manifest.webmanifest",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/favicon.svg",
    ] {
        let response = get(site.path(), uri).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert!(
            response.headers().get(header::SET_COOKIE).is_none(),
            "{uri}"
        );
    }
}
