//! The server processes under test: starting them, waiting until they
//! listen, reading their CPU time and memory from `/proc`, and stopping them.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// How long a server may take to accept connections after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A server process whose standard error goes to a log file.
pub struct ServerProcess {
    name: &'static str,
    child: Child,
    /// The loopback address it listens on.
    pub addr: SocketAddr,
    log: PathBuf,
}

/// CPU time and peak memory of a process, from `/proc/<pid>/stat` and
/// `/proc/<pid>/status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessUsage {
    /// User plus system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// `VmHWM`, the peak resident set size, in bytes.
    pub peak_rss_bytes: u64,
}

impl ServerProcess {
    /// Starts `command` (which must listen on `addr`) with its standard
    /// error in `log`, and waits until `addr` accepts TCP connections.
    pub async fn start(
        name: &'static str,
        mut command: Command,
        addr: SocketAddr,
        log: PathBuf,
    ) -> anyhow::Result<Self> {
        let log_file =
            File::create(&log).with_context(|| format!("creating the log {}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting the {name} server: {command:?}"))?;
        let mut server = Self {
            name,
            child,
            addr,
            log,
        };

        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "the {name} server exited with {status} before it listened on {addr}; its log:\n{}",
                    server.log_text()
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "the {name} server did not listen on {addr} within {START_TIMEOUT:?}; its log:\n{}",
                    server.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Returns the process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads the process's CPU time and peak memory so far.
    pub fn usage(&self) -> anyhow::Result<ProcessUsage> {
        process_usage(self.pid())
    }

    /// Returns the server's log, or an empty string when it cannot be read.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits up to 30 seconds for the exit, then kills.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.pid().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();

        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child
            .kill()
            .with_context(|| format!("killing the {} server", self.name))?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // A server left running would hold its port and skew the next run;
        // `stop` has already reaped it when it was called.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads the CPU time and peak resident memory of process `pid`.
pub fn process_usage(pid: u32) -> anyhow::Result<ProcessUsage> {
    let stat_path = format!("/proc/{pid}/stat");
    let stat =
        std::fs::read_to_string(&stat_path).with_context(|| format!("reading {stat_path}"))?;

    // The command name in field 2 may contain spaces, so the fields are
    // counted from after its closing parenthesis: utime and stime are fields
    // 14 and 15, the 12th and 13th after it.
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .with_context(|| format!("{stat_path} has no command name in parentheses"))?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| -> anyhow::Result<u64> {
        fields
            .get(index)
            .and_then(|field| field.parse().ok())
            .with_context(|| format!("{stat_path} has no CPU time in field {}", index + 3))
    };
    let cpu_ticks = ticks(11)? + ticks(12)?;

    let status_path = format!("/proc/{pid}/status");
    let status =
        std::fs::read_to_string(&status_path).with_context(|| format!("reading {status_path}"))?;
    let peak_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("{status_path} has no VmHWM line"))?;

    Ok(ProcessUsage {
        cpu_seconds: cpu_ticks as f64 / clock_ticks_per_second() as f64,
        peak_rss_bytes: peak_kib * 1024,
    })
}

/// Returns the kernel's clock tick rate, the unit of the CPU times in
/// `/proc/<pid>/stat`, from `getconf CLK_TCK`.
fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        // NOTE: 100 is the value on Linux for x86 and arm64 builds, used when
        // getconf is missing.
        .unwrap_or(100)
}

/// Returns a loopback address whose port was free a moment ago.
pub fn free_loopback_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding an ephemeral port")?;
    Ok(listener.local_addr()?)
}

/// Returns `path` made absolute against the current directory.
pub fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))
}
