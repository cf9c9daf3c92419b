//! The real `cairn` binary: crash recovery after SIGKILL, shutdown on
//! SIGTERM, and the import and export commands. Each test uses its own
//! temporary folder and database, and servers listen on free loopback
//! ports.

#[path = "support/client.rs"]
mod client;
#[path = "support/process.rs"]
mod process;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use automerge::ReadDoc;
use cairn_plan::PlanDocument;
use cairn_sync::DocumentId;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use client::SyncClient;
use process::ServerProcess;

use process::CAIRN;
const LINCOLN_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/lincoln-elementary-behavior-2026-27.csv"
);

fn database_url(folder: &TempDir) -> PathBuf {
    folder.path().join("data").join("cairn.db")
}

/// Runs `cairn` with `args` in `folder`, with `DATABASE_URL` set to the
/// folder's database when `database` is set.
fn run_cairn(folder: &Path, database: Option<&Path>, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(CAIRN);
    command
        .args(args)
        .current_dir(folder)
        .env("RUST_LOG", "warn");
    match database {
        Some(path) => command.env("DATABASE_URL", path),
        None => command.env_remove("DATABASE_URL"),
    };
    command.output().expect("the cairn binary runs")
}

/// The password of the admin that [`create_admin`] creates.
const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// Creates the first district admin with `cairn admin create-user`, the
/// password on standard input.
fn create_admin(folder: &TempDir) {
    let mut child = Command::new(CAIRN)
        .args([
            "admin",
            "create-user",
            "--email",
            "admin@example.org",
            "--role",
            "district-admin",
            "--district",
            "Test District",
        ])
        .current_dir(folder.path())
        .env("DATABASE_URL", database_url(folder))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cairn binary starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        writeln!(stdin, "{ADMIN_PASSWORD}").expect("the password is written");
    }
    let output = child.wait_with_output().expect("the command finishes");
    assert!(
        output.status.success(),
        "create-user failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("created admin@example.org as district_admin of Test District"),
        "unexpected output: {stdout}"
    );
}

/// Sends one HTTP/1.1 request and returns the status, the raw headers and
/// the body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    json: Option<&str>,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.expect("the server answers");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    let body = json.unwrap_or("");
    if json.is_some() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("the response is read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// Signs the admin in and returns the `Cookie` header value.
async fn sign_in(addr: SocketAddr) -> String {
    let body = format!(r#"{{"email":"admin@example.org","password":"{ADMIN_PASSWORD}"}}"#);
    let (status, head, body) = http(addr, "POST", "/api/session", None, Some(&body)).await;
    assert_eq!(status, 200, "sign-in failed: {body}");
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .expect("sign-in sets a cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap_or_default().to_owned()
}

/// Registers a new district-level plan and returns its id.
async fn register_plan(addr: SocketAddr, cookie: &str) -> DocumentId {
    let doc = DocumentId::new_random();
    let body = format!(r#"{{"id":"{doc}","school_id":null}}"#);
    let (status, _, body) = http(addr, "POST", "/api/plans", Some(cookie), Some(&body)).await;
    assert_eq!(status, 201, "registering the plan failed: {body}");
    doc
}

#[tokio::test]
async fn admin_created_on_the_command_line_signs_in_and_syncs() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    create_admin(&folder);
    let server = ServerProcess::start(&folder, &database_url(&folder)).await;

    let (status, _, body) = http(server.addr, "GET", "/api/plans", None, None).await;
    assert_eq!(
        status, 401,
        "the plan list answered without a session: {body}"
    );
    assert!(SyncClient::handshake(server.addr, None).await.is_err());

    let wrong = r#"{"email":"admin@example.org","password":"not the password"}"#;
    let (status, _, body) = http(server.addr, "POST", "/api/session", None, Some(wrong)).await;
    assert_eq!(status, 401);
    assert!(
        body.contains("The email or password is not correct."),
        "{body}"
    );

    let cookie = sign_in(server.addr).await;
    let doc = register_plan(server.addr, &cookie).await;
    let mut client = SyncClient::connect(server.addr, &cookie).await;
    client.open(doc, PlanDocument::create()).await;
    client
        .edit(doc, |plan| {
            plan.set_title("Signed-in plan").expect("title set")
        })
        .await;
    client.wait_saved(doc).await;
    let (status, _, body) = http(server.addr, "GET", "/api/plans", Some(&cookie), None).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Signed-in plan") && body.contains(r#""access":"edit""#),
        "{body}"
    );
}

#[tokio::test]
async fn killed_server_keeps_acknowledged_changes() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    create_admin(&folder);
    let mut server = ServerProcess::start(&folder, &database_url(&folder)).await;
    let cookie = sign_in(server.addr).await;
    let doc = register_plan(server.addr, &cookie).await;

    let mut client = SyncClient::connect(server.addr, &cookie).await;
    client.open(doc, PlanDocument::create()).await;
    for edit in 0..10 {
        client
            .edit(doc, |plan| {
                plan.set_title(&format!("Title {edit}")).expect("title set")
            })
            .await;
        client.wait_saved(doc).await;
    }
    // Edits in flight at the moment of the kill may be lost; they were
    // never acknowledged.
    for edit in 0..3 {
        client
            .edit(doc, |plan| {
                plan.set_school(&format!("School {edit}"))
                    .expect("school set")
            })
            .await;
    }

    server.child.kill().expect("SIGKILL is delivered");
    server.child.wait().expect("the killed server is reaped");
    let acked = client.acked_heads(doc);
    drop(client);

    let restarted = ServerProcess::start(&folder, &database_url(&folder)).await;
    let mut fresh = SyncClient::connect(restarted.addr, &cookie).await;
    fresh.open(doc, PlanDocument::empty()).await;
    fresh
        .run_until("every acknowledged change after the restart", |fresh| {
            let replica = fresh.replica(doc).automerge();
            acked
                .iter()
                .all(|hash| replica.get_change_by_hash(hash).is_some())
        })
        .await;

    assert!(
        !acked.is_empty(),
        "no change was acknowledged before the kill"
    );
    for hash in &acked {
        let replica = fresh.replica(doc).automerge();
        assert!(
            replica.get_change_by_hash(hash).is_some(),
            "acknowledged change {hash} is missing after the restart"
        );
    }
}

#[tokio::test]
async fn sigterm_closes_sockets_and_exits_zero() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    create_admin(&folder);
    let mut server = ServerProcess::start(&folder, &database_url(&folder)).await;
    let cookie = sign_in(server.addr).await;
    let doc = register_plan(server.addr, &cookie).await;
    let mut client = SyncClient::connect(server.addr, &cookie).await;
    client.open(doc, PlanDocument::create()).await;
    client.wait_saved(doc).await;

    server.terminate();
    let close = client.wait_closed().await;
    let status = server.wait_exit().await;

    assert_eq!(close.map(|frame| frame.code), Some(CloseCode::Away));
    assert!(status.success(), "exit status {status}:\n{}", server.log());
    assert!(
        server.log().contains("server stopped"),
        "no shutdown log:\n{}",
        server.log()
    );
}

#[test]
fn import_prints_id_last_then_export_json() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let database = database_url(&folder);

    let imported = run_cairn(folder.path(), Some(&database), &["import", LINCOLN_CSV]);
    let stdout = String::from_utf8_lossy(&imported.stdout).into_owned();
    let last_line = stdout.lines().last().unwrap_or_default().to_owned();
    let id: Result<DocumentId, _> = last_line.parse();

    assert!(
        imported.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(
        stdout.starts_with("Imported 14 rows"),
        "unexpected report: {stdout}"
    );
    assert!(id.is_ok(), "the last line is not a plan id: {last_line}");

    let exported = run_cairn(
        folder.path(),
        Some(&database),
        &["export", &last_line, "--format", "json"],
    );
    let json: serde_json::Value =
        serde_json::from_slice(&exported.stdout).expect("export prints JSON");

    assert!(
        exported.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&exported.stderr)
    );
    assert_eq!(json["root_causes"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["goals"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["actions"].as_array().map(Vec::len), Some(8));
}

#[test]
fn export_csv_imports_back_into_same_plan() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let database = database_url(&folder);
    let imported = run_cairn(folder.path(), Some(&database), &["import", LINCOLN_CSV]);
    let first_id = last_line(&imported.stdout);

    let exported = run_cairn(
        folder.path(),
        Some(&database),
        &["export", &first_id, "--format", "csv"],
    );
    let csv = String::from_utf8_lossy(&exported.stdout).into_owned();

    assert!(
        exported.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&exported.stderr)
    );
    assert!(
        csv.starts_with("Format,Cairn CSV 1\r\n"),
        "unexpected CSV: {csv}"
    );

    let sheet = folder.path().join("lincoln-export.csv");
    std::fs::write(&sheet, &csv).expect("the CSV file is written");
    let sheet = sheet.to_str().expect("a UTF-8 path");
    let reimported = run_cairn(folder.path(), Some(&database), &["import", sheet]);
    let report = String::from_utf8_lossy(&reimported.stdout).into_owned();
    let second_id = last_line(&reimported.stdout);

    assert!(
        reimported.status.success(),
        "import of the export failed: {}",
        String::from_utf8_lossy(&reimported.stderr)
    );
    assert!(
        report.contains("skipped 0, 0 cell warnings"),
        "unexpected report: {report}"
    );
    assert_ne!(first_id, second_id);

    let first = export_json(folder.path(), &database, &first_id);
    let second = export_json(folder.path(), &database, &second_id);

    assert_eq!(first["title"], second["title"]);
    assert_eq!(titles(&first["actions"]), titles(&second["actions"]));
    assert_eq!(
        first["resources"].as_array().map(Vec::len),
        second["resources"].as_array().map(Vec::len)
    );
    assert_eq!(
        first["measurements"].as_array().map(Vec::len),
        second["measurements"].as_array().map(Vec::len)
    );
}

/// Returns the last line of a command's output, where `cairn import`
/// prints the new plan's id.
fn last_line(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines().last().unwrap_or_default().to_owned()
}

fn export_json(folder: &Path, database: &Path, id: &str) -> serde_json::Value {
    let exported = run_cairn(folder, Some(database), &["export", id, "--format", "json"]);
    serde_json::from_slice(&exported.stdout).expect("export prints JSON")
}

fn titles(actions: &serde_json::Value) -> Vec<String> {
    actions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|action| action["title"].as_str())
        .map(str::to_owned)
        .collect()
}

#[test]
fn import_creates_default_data_folder() {
    let folder = tempfile::tempdir().expect("a temporary folder");

    let imported = run_cairn(folder.path(), None, &["import", LINCOLN_CSV]);

    assert!(
        imported.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(folder.path().join("data").join("cairn.db").is_file());
}

#[test]
fn export_unknown_plan_names_the_id() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    let exported = run_cairn(
        folder.path(),
        Some(&database_url(&folder)),
        &["export", id, "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&exported.stderr);

    assert!(
        !exported.status.success(),
        "export of an unknown plan succeeded"
    );
    assert!(
        stderr.contains(&format!("plan {id} not found")),
        "unexpected error: {stderr}"
    );
}

#[test]
fn export_unknown_format_names_choices() {
    let folder = tempfile::tempdir().expect("a temporary folder");

    let exported = run_cairn(
        folder.path(),
        Some(&database_url(&folder)),
        &[
            "export",
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "--format",
            "xml",
        ],
    );
    let stderr = String::from_utf8_lossy(&exported.stderr);

    assert!(
        !exported.status.success(),
        "export in an unknown format succeeded"
    );
    assert!(
        stderr.contains("'xml'"),
        "the error does not name the value: {stderr}"
    );
    assert!(
        stderr.contains("json"),
        "the error does not name the choices: {stderr}"
    );
}

#[test]
fn unsupported_database_url_names_scheme() {
    let folder = tempfile::tempdir().expect("a temporary folder");

    let imported = run_cairn(
        folder.path(),
        Some(Path::new("foo://user:secret@localhost/db")),
        &["import", LINCOLN_CSV],
    );
    let stderr = String::from_utf8_lossy(&imported.stderr);

    assert!(
        !imported.status.success(),
        "an unsupported DATABASE_URL was accepted"
    );
    assert!(
        stderr.contains("`foo://` is not supported"),
        "unexpected error: {stderr}"
    );
    assert!(
        !stderr.contains("secret"),
        "the error shows the password: {stderr}"
    );
}
