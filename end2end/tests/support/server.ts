// Starts and stops real `cairn` servers for the end-to-end tests.
//
// Each server gets a free port on 127.0.0.1 and a SQLite database in a
// fresh temporary folder. `launch` after `kill` reuses both, so a test can
// kill a server and check what survived. Every server starts with one
// district admin, created with `cairn admin create-user` as a new
// installation would, and signed in for the helper requests.
import { BrowserContext } from '@playwright/test';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
export const cairnBinary = process.env.CAIRN_BIN ?? join(root, 'target/release/cairn');
export const siteRoot = process.env.CAIRN_SITE_ROOT ?? join(root, 'target/site');
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

/// A person who can sign in.
export interface Account {
  email: string;
  password: string;
  name: string;
  id?: string;
}

/// The district admin every test server starts with.
export const admin: Account = {
  email: 'admin@example.org',
  password: 'correct horse battery staple',
  name: 'Dana Admin',
};

/// A role as the API spells it.
export type Role = 'district_admin' | 'school_leader' | 'coach' | 'team_member' | 'viewer';

export class CairnServer {
  private child: ChildProcess | null = null;
  private log = '';
  private adminCookie = '';

  private constructor(
    readonly port: number,
    readonly databaseUrl: string,
  ) {}

  static async start(): Promise<CairnServer> {
    const folder = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
    const server = new CairnServer(await freePort(), join(folder, 'cairn.db'));
    server.cli(
      ['admin', 'create-user', '--email', admin.email, '--name', admin.name,
        '--role', 'district-admin', '--district', 'Maple County Schools'],
      `${admin.password}\n`,
    );
    await server.launch();
    server.adminCookie = await server.sessionCookie(admin);
    return server;
  }

  /// Signs `account` in over the API and returns the `Cookie` header value.
  async sessionCookie(account: Account): Promise<string> {
    const response = await fetch(`${this.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    if (!response.ok) throw new Error(`signing in ${account.email} failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0];
  }

  /// Signs `account` in inside a browser context: its pages then share the
  /// session cookie, as after the sign-in form.
  async signIn(context: BrowserContext, account: Account = admin): Promise<void> {
    const response = await context.request.post(`${this.url}/api/session`, {
      data: { email: account.email, password: account.password },
    });
    if (!response.ok()) throw new Error(`signing in ${account.email} failed: ${response.status()}`);
  }

  /// Sends a JSON request to the API as the admin (or with `cookie`) and
  /// returns the status and the parsed body.
  async api(method: string, path: string, body?: unknown, cookie = this.adminCookie): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  /// Returns the id of the district's school named `name`, adding it first
  /// when it does not exist.
  async school(name: string): Promise<string> {
    const { json: schools } = await this.api('GET', '/api/schools');
    const found = schools.find((school: any) => school.name === name);
    if (found) return found.id;
    const { status, json } = await this.api('POST', '/api/schools', { name });
    if (status !== 201) throw new Error(`adding ${name} failed: ${JSON.stringify(json)}`);
    return json.id;
  }

  /// Invites a person as the admin and accepts the invitation for them, as
  /// the People page and the invite link do, and returns their account.
  async addPerson(name: string, role: Role, schools: string[] = []): Promise<Account> {
    const schoolIds = [];
    for (const school of schools) schoolIds.push(await this.school(school));
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`;
    const invited = await this.api('POST', '/api/people', { email, name, role, school_ids: schoolIds });
    if (invited.status !== 201) throw new Error(`inviting ${email} failed: ${JSON.stringify(invited.json)}`);
    const password = `${name} password 2026`;
    const token = invited.json.invite_path.split("/").pop();
    const accepted = await fetch(`${this.url}/api/invites/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    if (!accepted.ok) throw new Error(`accepting the invite of ${email} failed: ${accepted.status}`);
    return { email, password, name, id: invited.json.person.id };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /// Runs a `cairn` subcommand against this server's database and returns
  /// its standard output.
  cli(args: string[], input?: string): string {
    return execFileSync(cairnBinary, args, {
      env: { ...process.env, DATABASE_URL: this.databaseUrl, RUST_LOG: 'warn' },
      encoding: 'utf8',
      input,
    });
  }

  /// Imports a sample plan from `plan/tests/fixtures` into this server's
  /// database with `cairn import` and returns the new plan's id, which the
  /// command prints on its last line.
  importFixture(fileName: string): string {
    const output = this.cli(['import', join(fixtures, fileName)]);
    return output.trim().split('\n').pop()!.trim();
  }

  /// Starts `cairn serve` on this server's port and database. `site`
  /// serves another built site folder, as a new release would.
  async launch(options: { site?: string } = {}): Promise<void> {
    const site = options.site ?? siteRoot;
    const child = spawn(cairnBinary, ['serve', '--addr', `127.0.0.1:${this.port}`, '--site-root', site], {
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
    const response = await fetch(`${this.url}/api/plans/${id}`, { headers: { cookie: this.adminCookie } });
    if (!response.ok) throw new Error(`GET /api/plans/${id} responded with ${response.status}`);
    return response.json();
  }

  output(): string {
    return this.log;
  }
}
