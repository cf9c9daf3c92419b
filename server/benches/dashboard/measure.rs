//! The measuring tools of the dashboard benchmark: an HTTP/1.1 client over
//! one kept-alive loopback connection, percentiles of timed samples, and the
//! process's memory as Linux reports it in `/proc/self/status`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A client signed in with a session cookie, on one connection, as a
/// browser tab reuses its connection for the dashboard's requests.
pub struct HttpClient {
    sender: SendRequest<Empty<Bytes>>,
    host: String,
    cookie: String,
}

/// One response body and the time from sending the request to reading
/// the last byte of the body.
pub struct TimedResponse {
    pub body: Bytes,
    pub elapsed: Duration,
}

impl HttpClient {
    /// Connects to `addr`. `cookie` is the `Cookie` header value,
    /// `cairn_session=…`.
    pub async fn connect(addr: SocketAddr, cookie: String) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to the server at {addr} failed"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("the HTTP/1.1 handshake failed")?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "the benchmark's HTTP connection failed");
            }
        });
        Ok(Self {
            sender,
            host: addr.to_string(),
            cookie,
        })
    }

    /// Sends `GET path` and reads the whole body.
    ///
    /// # Errors
    ///
    /// When the connection fails or the status is not `200 OK`.
    pub async fn get(&mut self, path: &str) -> anyhow::Result<TimedResponse> {
        let request = Request::get(path)
            .header("host", &self.host)
            .header("cookie", &self.cookie)
            .body(Empty::new())
            .with_context(|| format!("GET {path} is not a valid request"))?;

        self.sender.ready().await.context("the connection closed")?;
        let started = Instant::now();
        let response = self
            .sender
            .send_request(request)
            .await
            .with_context(|| format!("GET {path} failed"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .with_context(|| format!("reading the body of GET {path} failed"))?
            .to_bytes();
        let elapsed = started.elapsed();

        if status != StatusCode::OK {
            let text = String::from_utf8_lossy(&body);
            bail!("GET {path} returned {status}: {text}");
        }
        Ok(TimedResponse { body, elapsed })
    }
}

/// Timed samples of one operation.
#[derive(Default)]
pub struct Samples {
    times: Vec<Duration>,
    /// Response sizes in bytes, for HTTP rows.
    sizes: Vec<usize>,
}

impl Samples {
    pub fn push(&mut self, elapsed: Duration) {
        self.times.push(elapsed);
    }

    pub fn push_response(&mut self, response: &TimedResponse) {
        self.times.push(response.elapsed);
        self.sizes.push(response.body.len());
    }

    pub fn count(&self) -> usize {
        self.times.len()
    }

    /// The `percent` percentile by the nearest-rank method: the smallest
    /// sample that at least `percent` % of the samples do not exceed. With
    /// 30 samples, p95 is the second largest.
    pub fn percentile(&self, percent: usize) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        let rank = (percent * sorted.len()).div_ceil(100).max(1);
        sorted.get(rank - 1).copied().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.times.iter().max().copied().unwrap_or_default()
    }

    /// Returns the smallest and largest response, in bytes, or `None` for
    /// rows that are not HTTP requests.
    pub fn size_range(&self) -> Option<(usize, usize)> {
        let smallest = self.sizes.iter().min()?;
        let largest = self.sizes.iter().max()?;
        Some((*smallest, *largest))
    }
}

/// The process's resident memory, in KiB, from `/proc/self/status`.
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub resident: u64,
    /// `VmHWM`: the peak resident since the process started or since the
    /// last [`reset_peak_memory`].
    pub peak: u64,
}

/// Reads [`Memory`].
///
/// # Errors
///
/// When `/proc/self/status` is missing, as off Linux, or lacks the fields.
pub fn read_memory() -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string("/proc/self/status")
        .context("reading /proc/self/status failed (the memory figures need Linux)")?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .with_context(|| format!("/proc/self/status has no {name} line"))?;
        let kib = line.trim().trim_end_matches("kB").trim();
        kib.parse()
            .with_context(|| format!("{name} `{kib}` in /proc/self/status is not a number"))
    };
    Ok(Memory {
        resident: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

/// Resets `VmHWM` to the current resident memory, by writing `5` to
/// `/proc/self/clear_refs` (Linux 4.0 and later).
pub fn reset_peak_memory() -> anyhow::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
        .context("writing 5 to /proc/self/clear_refs failed, so the peak memory cannot be reset")
}

/// Formats a duration in milliseconds with two decimals.
pub fn millis(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

/// Formats KiB as MiB with one decimal.
pub fn mebibytes(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
