//! The Cairn target: a `cairn serve` process over a new SQLite file, one
//! signed-in district admin whose session every client shares, and clients
//! that speak Cairn's envelope through `cairn_sync::ClientSession`.
//!
//! The setup uses only the product's own interfaces: `cairn admin
//! create-user` (password on standard input), then `POST /api/session` to
//! sign in and `POST /api/plans` to register each plan, as
//! `docs/operations.md` and `docs/accounts.md` describe.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use automerge::Automerge;
use cairn_sync::{ClientEvent, ClientSession, DocumentId, Message, SyncStatus};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::client::Request;

use crate::load::{websocket_request, Protocol, ProtocolError, Target};
use crate::process::{free_loopback_addr, ServerProcess};

/// The email of the person every client signs in as.
const EMAIL: &str = "bench-admin@example.org";

/// The password of that person; the database is a throwaway file.
const PASSWORD: &str = "bench password, not secret";

/// A running Cairn server with a signed-in session and registered plans.
pub struct CairnTarget {
    addr: SocketAddr,
    cookie: String,
    plans: Vec<DocumentId>,
}

/// Starts `cairn serve` from `binary` over a new database in `folder`,
/// creates the admin, signs in and registers `plan_ids`.
pub async fn start(
    binary: &Path,
    folder: &Path,
    plan_ids: &[[u8; 16]],
) -> anyhow::Result<(ServerProcess, CairnTarget)> {
    create_admin(binary, folder, &folder.join("cairn.db"))?;
    let server = serve(binary, folder).await?;
    let addr = server.addr;

    let cookie = sign_in(addr).await?;
    let mut plans = Vec::with_capacity(plan_ids.len());
    for bytes in plan_ids {
        let doc = DocumentId::from(uuid::Uuid::from_bytes(*bytes));
        register_plan(addr, &cookie, doc).await?;
        plans.push(doc);
    }

    Ok((server, CairnTarget::new(addr, cookie, plans)))
}

/// Starts `cairn serve` over the database in `folder` on a free port, at
/// the default log level.
pub async fn serve(binary: &Path, folder: &Path) -> anyhow::Result<ServerProcess> {
    let addr = free_loopback_addr()?;
    let mut command = Command::new(binary);
    command
        .args(["serve", "--addr", &addr.to_string(), "--site-root"])
        .arg(folder.join("site"))
        .env("DATABASE_URL", folder.join("cairn.db"))
        .env("RUST_LOG", "info")
        .current_dir(folder);
    let log = folder.join(format!("cairn-{}.log", addr.port()));
    ServerProcess::start("cairn", command, addr, log).await
}

impl CairnTarget {
    /// Describes a server at `addr` where the session `cookie`
    /// (`cairn_session=…`) may edit `plans`.
    pub fn new(addr: SocketAddr, cookie: String, plans: Vec<DocumentId>) -> Self {
        Self {
            addr,
            cookie,
            plans,
        }
    }

    /// Returns the same session and plans on a server that listens on
    /// `addr`, such as the same database served again.
    pub fn moved_to(&self, addr: SocketAddr) -> Self {
        Self::new(addr, self.cookie.clone(), self.plans.clone())
    }
}

fn create_admin(binary: &Path, folder: &Path, database: &Path) -> anyhow::Result<()> {
    let mut child = Command::new(binary)
        .args(["admin", "create-user", "--email", EMAIL])
        .args(["--role", "district-admin", "--district", "Bench District"])
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .current_dir(folder)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().context("the password pipe")?;
        writeln!(stdin, "{PASSWORD}").context("writing the password")?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "cairn admin create-user failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Signs in and returns the `Cookie` header value, `cairn_session=…`.
async fn sign_in(addr: SocketAddr) -> anyhow::Result<String> {
    let body = format!(r#"{{"email":"{EMAIL}","password":"{PASSWORD}"}}"#);
    let (status, head, body) = http_post(addr, "/api/session", None, &body).await?;
    if status != 200 {
        bail!("signing in failed with HTTP {status}: {body}");
    }
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie").then(|| {
                value
                    .trim()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
        })
        .context("the sign-in response sets no cookie")
}

async fn register_plan(addr: SocketAddr, cookie: &str, doc: DocumentId) -> anyhow::Result<()> {
    let body = format!(r#"{{"id":"{doc}","school_id":null}}"#);
    let (status, _, body) = http_post(addr, "/api/plans", Some(cookie), &body).await?;
    if status != 201 {
        bail!("registering plan {doc} failed with HTTP {status}: {body}");
    }
    Ok(())
}

/// Sends one HTTP/1.1 POST with a JSON body and returns the status, the
/// header lines and the body.
async fn http_post(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    json: &str,
) -> anyhow::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\nContent-Type: application/json\r\n"
    );
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{json}", json.len()));
    stream.write_all(request.as_bytes()).await?;

    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("POST {path} returned no HTTP status"))?;
    Ok((status, head.to_owned(), body.to_owned()))
}

impl Target for CairnTarget {
    type Client = CairnClient;

    fn request(&self) -> anyhow::Result<Request> {
        let origin = format!("http://{}", self.addr);
        websocket_request(
            &format!("ws://{}/sync", self.addr),
            &[("origin", &origin), ("cookie", &self.cookie)],
        )
    }

    fn client(&self, _index: usize, plan: usize) -> CairnClient {
        let mut session = ClientSession::new();
        let _nothing_registered_yet = session.connected();
        CairnClient {
            session,
            doc_id: self.plans[plan],
            errors: Vec::new(),
        }
    }
}

/// One browser tab's connection with one plan open.
pub struct CairnClient {
    session: ClientSession,
    doc_id: DocumentId,
    errors: Vec<String>,
}

fn encode_all(messages: Vec<Message>) -> Vec<Vec<u8>> {
    messages.iter().map(cairn_sync::encode).collect()
}

impl Protocol for CairnClient {
    fn start(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>> {
        encode_all(self.session.open(self.doc_id, doc, now_ms))
    }

    fn local_change(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>> {
        encode_all(self.session.local_change(self.doc_id, doc, now_ms))
    }

    fn receive(
        &mut self,
        frame: &[u8],
        doc: &mut Automerge,
        now_ms: u64,
    ) -> Result<Vec<Vec<u8>>, ProtocolError> {
        let message = cairn_sync::decode(frame)
            .map_err(|error| ProtocolError::InvalidFrame(error.to_string()))?;
        let received = self
            .session
            .receive(message, Some(doc), now_ms)
            .map_err(|error| ProtocolError::Sync(error.to_string()))?;

        for event in received.events {
            if let ClientEvent::ServerError { code, message, .. } = event {
                self.errors.push(format!("{code:?}: {message}"));
            }
        }
        Ok(encode_all(received.outgoing))
    }

    fn disconnected(&mut self) {
        self.session.disconnected();
    }

    fn reconnected(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>> {
        let mut messages = Vec::new();
        for doc_id in self.session.connected() {
            messages.extend(self.session.resume(doc_id, doc, now_ms));
        }
        encode_all(messages)
    }

    fn tick(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>> {
        encode_all(self.session.tick(self.doc_id, doc, now_ms))
    }

    fn is_synced(&self, doc: &Automerge) -> bool {
        self.session.status(&self.doc_id, doc) == SyncStatus::Saved
    }

    fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }
}
