//! A `cairn serve` process for tests: the built binary on a free loopback
//! port, its log in a file of the test folder.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::client::WAIT;

/// The built `cairn` binary.
pub const CAIRN: &str = env!("CARGO_BIN_EXE_cairn");

/// How often the tests poll a process or the health check.
pub const POLL: Duration = Duration::from_millis(50);

/// Returns a port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("an ephemeral loopback port");
    listener
        .local_addr()
        .expect("the listener's address")
        .port()
}

/// Sends `GET /healthz` and returns the status code, or `None` when the
/// server does not answer.
pub async fn health_status(addr: SocketAddr) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let response = String::from_utf8_lossy(&response);
    response.split_whitespace().nth(1)?.parse().ok()
}

/// A `cairn serve` process whose log goes to a file in the test folder.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `cairn serve` in `folder` on the database that
    /// `database_url` names and waits until `/healthz` answers 200.
    pub async fn start(folder: &TempDir, database_url: impl AsRef<OsStr>) -> Self {
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let log = folder.path().join(format!("server-{}.log", addr.port()));
        let log_file = File::create(&log).expect("the log file can be created");

        let child = Command::new(CAIRN)
            .arg("serve")
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--site-root")
            .arg(folder.path().join("site"))
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "info")
            .current_dir(folder.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("the cairn binary starts");

        let mut server = Self { child, addr, log };
        server.wait_healthy().await;
        server
    }

    pub async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            if health_status(self.addr).await == Some(200) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server exited with {status} before it was healthy:\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server was not healthy after {WAIT:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("the kill command runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits up to [`WAIT`] for the process to exit.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the process can be polled") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {WAIT:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
