// Starts and stops real `cairn` servers for the end-to-end tests.
//
// Each server gets a free port on 127.0.0.1 and a SQLite database in a
// fresh temporary folder. `launch` after `kill` reuses both, so a test can
// kill a server and check what survived.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
export const cairnBinary = process.env.CAIRN_BIN ?? join(root, 'target/release/cairn');
const siteRoot = process.env.CAIRN_SITE_ROOT ?? join(root, 'target/site');
export const fixtures = join(root, 'plan/tests/fixtures');

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export class CairnServer {
  private child: ChildProcess | null = null;
  private log = '';

  private constructor(
    readonly port: number,
    readonly databaseUrl: string,
  ) {}

  static async start(): Promise<CairnServer> {
    const folder = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
    const server = new CairnServer(await freePort(), join(folder, 'cairn.db'));
    await server.launch();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /// Runs a `cairn` subcommand against this server's database and returns
  /// its standard output.
  cli(...args: string[]): string {
    return execFileSync(cairnBinary, args, {
      env: { ...process.env, DATABASE_URL: this.databaseUrl, RUST_LOG: 'warn' },
      encoding: 'utf8',
    });
  }

  /// Imports a sample plan from `plan/tests/fixtures` into this server's
  /// database with `cairn import` and returns the new plan's id, which the
  /// command prints on its last line.
  importFixture(fileName: string): string {
    const output = this.cli('import', join(fixtures, fileName));
    return output.trim().split('\n').pop()!.trim();
  }

  async launch(): Promise<void> {
    const child = spawn(cairnBinary, ['serve', '--addr', `127.0.0.1:${this.port}`, '--site-root', siteRoot], {
      env: { ...process.env, DATABASE_URL: this.databaseUrl, RUST_LOG: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => (this.log += chunk));
    child.stderr?.on('data', (chunk) => (this.log += chunk));
    this.child = child;
    await this.waitUntilHealthy();
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) {
        throw new Error(`cairn serve exited with ${this.child?.exitCode} before it responded:\n${this.log}`);
      }
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((wait) => setTimeout(wait, 100));
    }
    throw new Error(`cairn serve did not respond to /healthz within 30 s:\n${this.log}`);
  }

  /// Kills the server at once with SIGKILL, as a crash would.
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  /// Stops the server with SIGTERM and returns its exit code.
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    const code = await exited;
    this.child = null;
    return code;
  }

  async planJson(id: string): Promise<any> {
    const response = await fetch(`${this.url}/api/plans/${id}`);
    if (!response.ok) throw new Error(`GET /api/plans/${id} responded with ${response.status}`);
    return response.json();
  }

  output(): string {
    return this.log;
  }
}
