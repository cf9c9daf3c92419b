//! Single-client measurements that run after the load: merging a large
//! offline backlog, and loading a large plan from a server that has just
//! started and has no document in memory.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use automerge::{transaction::Transactable, ActorId, Automerge, ChangeHash, ReadDoc, ROOT};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::load::{send_frames, Protocol, Target};

/// How long one single-client measurement may take before it fails.
const TIMEOUT: Duration = Duration::from_secs(300);

/// How often the client runs its protocol's timers.
const TICK: Duration = Duration::from_millis(500);

/// Returns `base` with `changes` more changes by a new actor, as a coach
/// makes them offline: each change sets one of 100 keys in the root map to
/// the change's number.
pub fn offline_backlog(base: &[u8], changes: usize) -> anyhow::Result<Vec<u8>> {
    let mut doc = Automerge::load(base).context("loading the plan")?;
    doc.set_actor(ActorId::random());
    for number in 0..changes {
        let mut transaction = doc.transaction();
        transaction.put(ROOT, format!("offline/{}", number % 100), number as u64)?;
        transaction.commit();
    }
    Ok(doc.save())
}

/// Returns `base` grown to at least `target_bytes` saved, by changes that
/// each set a new root key to 2,000 characters of generated text.
pub fn large_plan(base: &[u8], target_bytes: usize) -> anyhow::Result<Vec<u8>> {
    let mut doc = Automerge::load(base).context("loading the plan")?;
    doc.set_actor(ActorId::random());

    // A linear congruential generator gives varied text without a random
    // number crate, so the values do not compress to nothing.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut number = 0_usize;
    loop {
        let saved = doc.save();
        if saved.len() >= target_bytes {
            return Ok(saved);
        }
        for _ in 0..50 {
            let text: String = (0..2000)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    char::from(b"abcdefghijklmnopqrstuvwxyz     ,."[(state >> 59) as usize])
                })
                .collect();
            let mut transaction = doc.transaction();
            transaction.put(ROOT, format!("note/{number}"), text)?;
            transaction.commit();
            number += 1;
        }
    }
}

/// Returns the heads of a saved document.
pub fn heads_of(saved: &[u8]) -> anyhow::Result<Vec<ChangeHash>> {
    Ok(Automerge::load(saved)
        .context("loading the plan")?
        .get_heads())
}

/// Connects one client for plan `plan` with `doc` as its replica, and
/// returns the time from the start of the connection until `done` holds.
pub async fn sync_one<T: Target>(
    target: &T,
    plan: usize,
    mut doc: Automerge,
    done: impl Fn(&Automerge, &T::Client) -> bool,
) -> anyhow::Result<Duration> {
    let clock_origin = Instant::now();
    let now_ms = || u64::try_from(clock_origin.elapsed().as_millis()).unwrap_or(u64::MAX);
    let deadline = tokio::time::Instant::now() + TIMEOUT;

    let mut protocol = target.client(usize::MAX, plan);
    let (mut socket, _) = tokio_tungstenite::connect_async(target.request()?)
        .await
        .context("connecting")?;
    let frames = protocol.start(&doc, now_ms());
    send_frames(&mut socket, frames).await?;
    let mut tick = tokio::time::interval(TICK);

    while !done(&doc, &protocol) {
        tokio::select! {
            frame = socket.next() => {
                let bytes = match frame {
                    Some(Ok(WsMessage::Binary(bytes))) => bytes,
                    Some(Ok(WsMessage::Close(close))) => bail!("the server closed the connection: {close:?}"),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => bail!("reading from the server failed: {error}"),
                    None => bail!("the server closed the connection"),
                };
                let replies = protocol.receive(&bytes, &mut doc, now_ms())?;
                send_frames(&mut socket, replies).await?;
                let errors = protocol.take_errors();
                if !errors.is_empty() {
                    bail!("the server reported errors: {errors:?}");
                }
            }
            _ = tick.tick() => {
                let frames = protocol.tick(&doc, now_ms());
                send_frames(&mut socket, frames).await?;
            }
            _ = tokio::time::sleep_until(deadline) => {
                bail!("the client did not finish within {TIMEOUT:?}");
            }
        }
    }
    let elapsed = clock_origin.elapsed();
    let _ = futures::SinkExt::close(&mut socket).await;
    Ok(elapsed)
}

/// Returns whether `doc` contains every change in `heads`.
pub fn contains_heads(doc: &Automerge, heads: &[ChangeHash]) -> bool {
    heads
        .iter()
        .all(|hash| doc.get_change_by_hash(hash).is_some())
}
