// A large plan syncs to completion over a slow network: high latency and
// little bandwidth, from a browser with nothing stored yet.
//
// Chromium's network emulation (`Network.emulateNetworkConditions` over
// CDP) slows the page's HTTP requests. Whether it also slows WebSocket
// frames is measured by the first test. The other test sends the sync
// WebSocket through a throttling TCP proxy on loopback, so it does not
// depend on that result. The proxy passes the page's HTTP requests at full
// speed: the WebAssembly bundle of a release build is about 4.8 MB and
// would take over a minute and a half at 50 KiB/s, while every byte of the
// plan travels over the sync WebSocket.
import { expect, test, Browser, Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CairnServer, fixtures } from './support/server';
import { expectNoErrors, watchErrors } from './support/pages';

/// The emulated network: 400 ms latency each way, 50 KiB/s down and
/// 20 KiB/s up.
const LATENCY_MS = 400;
const DOWNLOAD_BYTES_PER_SECOND = 50 * 1024;
const UPLOAD_BYTES_PER_SECOND = 20 * 1024;

/// The number of goals added to the Riverbend sample to make it large.
const EXTRA_GOALS = 400;

/// How long a wait on the throttled page may take. The page, its WebAssembly
/// bundle and the plan all travel over the slow network.
const SLOW_WAIT_MS = 240_000;

let server: CairnServer;

test.beforeAll(async () => {
  server = await CairnServer.start();
});

test.afterAll(async () => {
  await server.stop();
});

/// Returns words from a fixed list in a seeded order, so the plan's text
/// does not compress to almost nothing.
function wordsFrom(seed: number, count: number): string {
  const words = ['reading', 'fluency', 'phonics', 'benchmark', 'screener', 'tier', 'small-group',
    'decodable', 'coach', 'walkthrough', 'schedule', 'vocabulary', 'comprehension', 'grade',
    'intervention', 'progress', 'data', 'team', 'family', 'library', 'spring', 'winter', 'fall'];
  let state = seed * 2654435761 % 4294967296;
  const picked: string[] = [];
  for (let index = 0; index < count; index += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    picked.push(words[state % words.length]);
  }
  return picked.join(' ');
}

/// Writes the Riverbend sample with `EXTRA_GOALS` more goal rows, each
/// with its own measure, action steps and three measurements, and returns
/// the file's path.
function largePlanCsv(): string {
  const sample = readFileSync(join(fixtures, 'riverbend-usd-early-literacy-2026-27.csv'), 'utf8');
  const rows = [sample.trimEnd()];
  for (let goal = 3; goal < 3 + EXTRA_GOALS; goal += 1) {
    const statement = `Goal ${goal}: ${wordsFrom(goal, 30)}`;
    const rootCause = `Root cause ${goal}: ${wordsFrom(goal + 10_000, 20)}`;
    const steps = `1) ${wordsFrom(goal + 20_000, 8)}; 2) ${wordsFrom(goal + 30_000, 8)}`;
    rows.push([
      goal, `"${statement}"`, `Measure ${goal} (% at benchmark)`, '2026-09-18', '40%', '55%', '2027-05-21',
      `"${rootCause}"`, `Strategy ${goal}`, `"${steps}"`, `Lead ${goal}`, 'Aug 2026 - May 2027',
      `"Title I: $${goal}00 for materials"`, `Training ${goal}`, 'Monthly', '40%', '44%', '49%',
    ].join(','));
  }
  const folder = mkdtempSync(join(tmpdir(), 'cairn-slow-'));
  const path = join(folder, 'large-plan.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

/// One direction of a connection: bytes leave at most at `bytesPerSecond`
/// and arrive `latencyMs` later, in order. A rate of 0 passes them on at
/// once.
class ThrottledPipe {
  private queue: { at: number; bytes: Buffer }[] = [];
  private linkFreeAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;
  /// The number of bytes written to the receiving socket.
  transferred = 0;

  constructor(
    private readonly to: Socket,
    private readonly bytesPerSecond: number,
    private readonly latencyMs: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.bytesPerSecond === 0) {
      this.transferred += chunk.length;
      this.to.write(chunk);
      return;
    }
    // Slices of 1 KiB keep the pace even within a large frame.
    for (let offset = 0; offset < chunk.length; offset += 1024) {
      const bytes = chunk.subarray(offset, offset + 1024);
      const start = Math.max(Date.now(), this.linkFreeAt);
      this.linkFreeAt = start + (bytes.length * 1000) / this.bytesPerSecond;
      this.queue.push({ at: this.linkFreeAt + this.latencyMs, bytes });
    }
    this.schedule();
  }

  end(): void {
    this.ended = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const next = this.queue[0];
    if (!next) {
      if (this.ended) this.to.end();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0].at <= now) {
        const { bytes } = this.queue.shift()!;
        this.transferred += bytes.length;
        this.to.write(bytes);
      }
      this.schedule();
    }, Math.max(0, next.at - Date.now()));
  }
}

/// A TCP proxy on 127.0.0.1 in front of the Cairn server. It throttles
/// each connection that starts with a request for `/sync` like the
/// emulated network, and passes the others at full speed.
class ThrottlingProxy {
  private sockets = new Set<Socket>();
  private pipes: { up: ThrottledPipe; down: ThrottledPipe }[] = [];

  private constructor(private readonly listener: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<ThrottlingProxy> {
    let proxy: ThrottlingProxy | null = null;
    const listener = createServer((client) => proxy!.accept(client, targetPort));
    const port = await new Promise<number>((resolvePort, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', () => {
        const address = listener.address();
        resolvePort(typeof address === 'object' && address ? address.port : 0);
      });
    });
    proxy = new ThrottlingProxy(listener, port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /// Returns the bytes carried in each direction so far, over the throttled
  /// connections.
  traffic(): { uploaded: number; downloaded: number } {
    let uploaded = 0;
    let downloaded = 0;
    for (const { up, down } of this.pipes) {
      uploaded += up.transferred;
      downloaded += down.transferred;
    }
    return { uploaded, downloaded };
  }

  private accept(client: Socket, targetPort: number): void {
    client.once('data', (first) => {
      client.pause();
      const isSync = first.subarray(0, 10).toString('latin1') === 'GET /sync ';
      this.forward(client, first, targetPort, isSync);
      client.resume();
    });
  }

  private forward(client: Socket, first: Buffer, targetPort: number, throttled: boolean): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const up = throttled
      ? new ThrottledPipe(upstream, UPLOAD_BYTES_PER_SECOND, LATENCY_MS)
      : new ThrottledPipe(upstream, 0, 0);
    const down = throttled
      ? new ThrottledPipe(client, DOWNLOAD_BYTES_PER_SECOND, LATENCY_MS)
      : new ThrottledPipe(client, 0, 0);
    if (throttled) this.pipes.push({ up, down });
    up.push(first);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => up.push(chunk));
    client.on('end', () => up.end());
    upstream.on('data', (chunk) => down.push(chunk));
    upstream.on('end', () => down.end());
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.listener.close(done));
  }
}

/// Opens a page in a new signed-in context at `baseUrl`.
async function newPage(browser: Browser, baseUrl: string): Promise<Page> {
  const context = await browser.newContext();
  const response = await context.request.post(`${baseUrl}/api/session`, {
    data: { email: 'admin@example.org', password: 'correct horse battery staple' },
  });
  expect(response.ok()).toBe(true);
  const page = await context.newPage();
  watchErrors(page);
  return page;
}

/// Sends one binary frame of `bytes` bytes on a new `/sync` WebSocket from
/// the page and returns the milliseconds until the server's reply (an
/// `Error`, because the frame is not a valid message) arrives.
async function frameRoundTripMs(page: Page, bytes: number): Promise<number> {
  return page.evaluate(async (size) => {
    const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/sync`);
    socket.binaryType = 'arraybuffer';
    await new Promise((opened, failed) => {
      socket.onopen = opened;
      socket.onerror = failed;
    });
    const frame = new Uint8Array(size);
    frame[0] = 1;
    frame[1] = 0xff;
    const started = performance.now();
    const reply = new Promise((received) => {
      socket.onmessage = received;
    });
    socket.send(frame);
    await reply;
    const elapsed = performance.now() - started;
    socket.close();
    return elapsed;
  }, bytes);
}

test('CDP network emulation and WebSocket frames', async ({ browser }) => {
  test.setTimeout(SLOW_WAIT_MS);
  const page = await newPage(browser, server.url);
  await page.goto(`${server.url}/account`);
  const frameBytes = 100 * 1024;
  const unthrottled = await frameRoundTripMs(page, frameBytes);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LATENCY_MS,
    downloadThroughput: DOWNLOAD_BYTES_PER_SECOND,
    uploadThroughput: UPLOAD_BYTES_PER_SECOND,
  });
  const throttled = await frameRoundTripMs(page, frameBytes);

  // At 20 KiB/s a 100 KiB frame alone takes 5 seconds to upload. The
  // times are recorded for the reader and not asserted.
  const version = page.context().browser()?.version() ?? 'unknown';
  test.info().annotations.push({
    type: 'websocket-emulation',
    description: `Chromium ${version}: a ${frameBytes}-byte frame and its reply took ` +
      `${Math.round(unthrottled)} ms without emulation and ${Math.round(throttled)} ms with it`,
  });
  console.log(test.info().annotations.at(-1)?.description);
  expectNoErrors(page);
});

test('large plan syncs to completion over a slow network', async ({ browser }) => {
  test.setTimeout(4 * SLOW_WAIT_MS);
  const output = server.cli(['import', largePlanCsv()]);
  const id = output.trim().split('\n').pop()!.trim();
  const proxy = await ThrottlingProxy.start(server.port);

  try {
    // A context with an empty store opens the plan over the slow network.
    // TODO: this test fails: the page opened through the proxy showed no
    // goal within 240 s in its only run, and the cause (the proxy, the
    // page, or the sync) is not found yet. Chromium 156's CDP emulation
    // throttles WebSocket frames (see the first test), so the proxy could
    // be replaced by it once the cause is known.
    const slow = await newPage(browser, proxy.url);
    await slow.goto(`${proxy.url}/plans/${id}`, { timeout: SLOW_WAIT_MS });
    await expect(slow.getByTestId('goal')).toHaveCount(2 + EXTRA_GOALS, { timeout: SLOW_WAIT_MS });
    await expect(slow.getByTestId('sync-status')).toHaveText('All changes saved', { timeout: SLOW_WAIT_MS });
    const afterOpen = proxy.traffic();

    // Edits on the slow page: the title, a new root cause, and a text field
    // of the last goal.
    await slow.getByTestId('plan-title').fill('Early Literacy Plan, edited on a slow network');
    await slow.getByTestId('add-root-cause').click();
    await slow.getByTestId('root-cause-statement').last().fill('Intervention groups start late in the fall.');
    await slow.getByTestId('goal').last().getByTestId('goal-statement').fill(
      'By May 2027, 55% of grade 3 readers reach benchmark.',
    );
    await expect(slow.getByTestId('sync-status')).toHaveText('All changes saved', { timeout: SLOW_WAIT_MS });
    const afterEdits = proxy.traffic();

    const stored = await server.planJson(id);
    expect(stored.title).toBe('Early Literacy Plan, edited on a slow network');
    expect(stored.root_causes.at(-1).statement).toBe('Intervention groups start late in the fall.');
    expect(stored.goals).toHaveLength(2 + EXTRA_GOALS);
    expect(stored.goals.at(-1).statement).toBe('By May 2027, 55% of grade 3 readers reach benchmark.');

    // A second, unthrottled context sees the edits.
    const fast = await newPage(browser, server.url);
    await fast.goto(`${server.url}/plans/${id}`);
    await expect(fast.getByTestId('plan-title')).toHaveValue('Early Literacy Plan, edited on a slow network', { timeout: SLOW_WAIT_MS });
    await expect(fast.getByTestId('root-cause-statement').last()).toHaveValue('Intervention groups start late in the fall.');
    await expect(fast.getByTestId('goal').last().getByTestId('goal-statement')).toHaveValue(
      'By May 2027, 55% of grade 3 readers reach benchmark.',
    );
    await expect(fast.getByTestId('sync-status')).toHaveText('All changes saved');

    test.info().annotations.push({
      type: 'traffic',
      description: `through the proxy: ${afterOpen.downloaded} bytes down and ${afterOpen.uploaded} up ` +
        `to open the plan, then ${afterEdits.downloaded - afterOpen.downloaded} down and ` +
        `${afterEdits.uploaded - afterOpen.uploaded} up for the edits`,
    });
    console.log(test.info().annotations.at(-1)?.description);
    expectNoErrors(slow);
    expectNoErrors(fast);
  } finally {
    await proxy.stop();
  }
});
