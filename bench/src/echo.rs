//! The floor: a bare WebSocket echo server (tokio-tungstenite) and clients
//! that send it one message per edit slot of the same schedule, timing each
//! round trip. No sync server can deliver an edit faster than this on the
//! same machine, sockets and runtime.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::load::{websocket_request, Workload};
use crate::process::{free_loopback_addr, ProcessUsage, ServerProcess};
use crate::report::Latencies;

/// The size of each echo message in bytes, about the size of the sync frame
/// that carries one small edit.
pub const MESSAGE_BYTES: usize = 160;

/// Serves WebSocket echo on `addr` until the process is stopped.
pub async fn serve(addr: SocketAddr) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    loop {
        let (stream, _) = listener.accept().await.context("accepting a connection")?;
        tokio::spawn(async move {
            let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            while let Some(Ok(message)) = socket.next().await {
                if message.is_binary() && socket.send(message).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Starts the echo server as a child process of this binary.
pub async fn start(folder: &std::path::Path) -> anyhow::Result<ServerProcess> {
    let addr = free_loopback_addr()?;
    let mut command = Command::new(std::env::current_exe().context("finding cairn-bench")?);
    command.args(["echo-server", "--addr", &addr.to_string()]);
    ServerProcess::start("echo", command, addr, folder.join("echo.log")).await
}

/// The result of the echo run.
pub struct EchoResult {
    /// One round-trip time per message sent in the window.
    pub latencies: Latencies,
    pub sent: u64,
    pub received: u64,
    pub usage: ProcessUsage,
}

/// Runs the workload's schedule against the echo server: every client sends
/// a message at each of its edit times and times the echo.
pub async fn run(server: &ServerProcess, workload: &Workload) -> anyhow::Result<EchoResult> {
    let url = format!("ws://{}", server.addr);
    let mut sockets = Vec::with_capacity(workload.clients);
    for index in 0..workload.clients {
        let (socket, _) = tokio_tungstenite::connect_async(websocket_request(&url, &[])?)
            .await
            .with_context(|| format!("echo client {index} connecting to {url}"))?;
        sockets.push(socket);
    }

    let start = Instant::now() + Duration::from_millis(200);
    let window_start = start + workload.warmup;
    let end = window_start + workload.duration;
    let samples = Arc::new(Mutex::new(Vec::new()));
    let counts = Arc::new(Mutex::new((0_u64, 0_u64)));

    let mut tasks = Vec::new();
    for (index, mut socket) in sockets.into_iter().enumerate() {
        let offset = workload
            .edit_interval
            .mul_f64(index as f64 / workload.clients as f64);
        let interval = workload.edit_interval;
        let drain = workload.drain;
        let samples = samples.clone();
        let counts = counts.clone();

        tasks.push(tokio::spawn(async move {
            let mut next_send = Some(start + offset);
            let mut outstanding = 0_u64;
            let drain_end = end + drain;
            loop {
                let send_at = next_send.unwrap_or(drain_end);
                if next_send.is_none() && (outstanding == 0 || Instant::now() >= drain_end) {
                    break;
                }
                tokio::select! {
                    frame = socket.next() => {
                        let bytes = match frame {
                            Some(Ok(WsMessage::Binary(bytes))) => bytes,
                            Some(Ok(_)) => continue,
                            _ => bail!("echo client {index}: the connection ended"),
                        };
                        let arrived = Instant::now();
                        let (sent_nanos, timed) = read_stamp(&bytes)?;
                        outstanding -= 1;
                        if timed {
                            let sent = start + Duration::from_nanos(sent_nanos);
                            samples.lock().expect("no client panicked").push(arrived - sent);
                            counts.lock().expect("no client panicked").1 += 1;
                        }
                    }
                    _ = tokio::time::sleep_until(send_at.into()) => {
                        if next_send.is_none() {
                            continue;
                        }
                        let now = Instant::now();
                        let timed = send_at >= window_start;
                        let message = stamp(now.saturating_duration_since(start), timed);
                        socket.send(WsMessage::Binary(message.into())).await?;
                        outstanding += 1;
                        if timed {
                            counts.lock().expect("no client panicked").0 += 1;
                        }
                        let following = send_at + interval;
                        next_send = (following < end).then_some(following);
                    }
                }
            }
            let _ = socket.close(None).await;
            Ok(())
        }));
    }

    tokio::time::sleep_until(window_start.into()).await;
    let usage_before = server.usage()?;
    for task in tasks {
        task.await.context("an echo client panicked")??;
    }
    let usage_after = server.usage()?;

    let samples = std::mem::take(&mut *samples.lock().expect("no client panicked"));
    let (sent, received) = *counts.lock().expect("no client panicked");
    Ok(EchoResult {
        latencies: Latencies::new(samples),
        sent,
        received,
        usage: ProcessUsage {
            cpu_seconds: usage_after.cpu_seconds - usage_before.cpu_seconds,
            peak_rss_bytes: usage_after.peak_rss_bytes,
        },
    })
}

/// Builds an echo message: the send time in nanoseconds since the start,
/// whether it is timed, and padding up to [`MESSAGE_BYTES`].
fn stamp(since_start: Duration, timed: bool) -> Vec<u8> {
    let nanos = u64::try_from(since_start.as_nanos()).unwrap_or(u64::MAX);
    let mut message = Vec::with_capacity(MESSAGE_BYTES);
    message.extend_from_slice(&nanos.to_be_bytes());
    message.push(u8::from(timed));
    message.resize(MESSAGE_BYTES, 0);
    message
}

fn read_stamp(message: &[u8]) -> anyhow::Result<(u64, bool)> {
    let Some(nanos) = message.get(..8) else {
        bail!("an echo message of {} bytes is too short", message.len());
    };
    let nanos = u64::from_be_bytes(nanos.try_into()?);
    let timed = message.get(8) == Some(&1);
    Ok((nanos, timed))
}
