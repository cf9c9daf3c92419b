// Playwright runs Cairn's end-to-end tests in Debian's Chromium. Each test
// starts its own `cairn serve` on a free loopback port with a fresh SQLite
// database (see tests/support/server.ts), so tests can kill and restart
// their server without touching each other.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // One test at a time: each test already runs its own server and up to
  // three browser contexts.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
});
