// After one visit online, Cairn starts with no network at any route from
// the service worker's offline shell, and a new release replaces the
// cached shell when the person chooses Reload on the update banner.
import { expect, Page, test } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CairnServer, siteRoot } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { expectNoErrors, newPerson } from './support/pages';

const planTitle = 'Lincoln Elementary School - Tier 1 Behavior Action Plan 2026-27';

/// Waits until a service worker controls the page.
async function waitForWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/// Whether the page is the offline shell, which calls the bundle's
/// `mount`, rather than server HTML, which calls `hydrate`.
async function isOfflineShell(page: Page): Promise<boolean> {
  return page.evaluate(() => [...document.scripts].some((script) => script.text.includes('mount()')));
}

/// The names of the caches of the page's origin.
async function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(() => caches.keys());
}

/// The value of the CSS custom property `--release-marker` on the page,
/// which only the changed release's CSS sets.
async function releaseMarker(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--release-marker').trim());
}

test('plan opens offline at any route after one visit', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  await waitForWorker(page);
  await expect.poll(() => cacheNames(page)).toEqual([expect.stringMatching(/^cairn-shell-[0-9a-f]{16}$/)]);

  expect(await isOfflineShell(page)).toBe(false);

  // Playwright's offline mode covers the worker's fetches too, so the
  // worker falls back to the offline shell.
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByTestId('plan-title')).toHaveValue(planTitle);
  expect(await isOfflineShell(page)).toBe(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Offline');
  await expect(page.getByTestId('root-cause')).toHaveCount(3);

  await page.getByTestId('plan-focus-area').fill('Behavior, edited with no network');
  await expect(page.getByTestId('sync-status')).toHaveText(/^Offline: \d+ changes? not yet saved on the server$/);

  // Routes this device never opened start from the same shell.
  await page.goto(`${server.url}/plans/${planId}/print`);
  await expect(page.getByTestId('print-view').getByRole('heading', { level: 1 })).toHaveText(planTitle);
  expect(await isOfflineShell(page)).toBe(true);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('plan-list')).toContainText(planTitle);
  await page.goto(`${server.url}/plans/${planId}`);
  await expect(page.getByTestId('plan-focus-area')).toHaveValue('Behavior, edited with no network');

  await page.context().setOffline(false);
  await expectSaved(page);
  expect((await server.planJson(planId)).focus_area).toBe('Behavior, edited with no network');

  expectNoErrors(page, { allowConnectionErrors: true });
  expect(await server.stop()).toBe(0);
});

test('offline edit survives closing the tab at once', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  const page = await newPerson(browser, server);
  const context = page.context();
  await openPlan(page, server.url, planId);
  await waitForWorker(page);

  // Offline: reload the plan's page, edit, and close the tab at once.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('plan-title')).toHaveValue(planTitle);
  await page.getByTestId('plan-title').fill('Typed offline, tab closed at once');
  await page.close();

  // Still offline, a new tab finds the edit on the device.
  const reopened = await context.newPage();
  await reopened.goto(`${server.url}/plans/${planId}`);
  await expect(reopened.getByTestId('plan-title')).toHaveValue('Typed offline, tab closed at once');
  await expect(reopened.getByTestId('sync-status')).toHaveText(/^Offline: \d+ changes? not yet saved on the server$/);
  expect(await isOfflineShell(reopened)).toBe(true);

  // Back online, the server and a teammate's context get it.
  await context.setOffline(false);
  await expectSaved(reopened);
  expect((await server.planJson(planId)).title).toBe('Typed offline, tab closed at once');
  const teammate = await newPerson(browser, server);
  await openPlan(teammate, server.url, planId);
  await expect(teammate.getByTestId('plan-title')).toHaveValue('Typed offline, tab closed at once');

  expectNoErrors(teammate);
  expect(await server.stop()).toBe(0);
});

test('plan opens while the server is down', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  await waitForWorker(page);

  await server.kill();
  await page.goto(`${server.url}/plans/${planId}`);
  await expect(page.getByTestId('plan-title')).toHaveValue(planTitle);
  expect(await isOfflineShell(page)).toBe(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Offline');

  await server.launch();
  await expectSaved(page);
  expectNoErrors(page, { allowConnectionErrors: true });
  expect(await server.stop()).toBe(0);
});

test('new release waits for Reload', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  await waitForWorker(page);
  const [oldCache] = await cacheNames(page);
  expect(await releaseMarker(page)).toBe('');

  // The next release differs in its CSS only.
  const newSite = mkdtempSync(join(tmpdir(), 'cairn-site-'));
  cpSync(siteRoot, newSite, { recursive: true });
  appendFileSync(join(newSite, 'pkg/cairn.css'), '\n:root { --release-marker: next; }\n');
  expect(await server.stop()).toBe(0);
  await server.launch({ site: newSite });

  // The reloaded page comes from the new server with the new release's
  // files, while the old worker still controls it.
  await page.reload();
  await expect(page.getByTestId('update-banner')).toHaveText(/A new version of Cairn is ready\./);
  expect(await releaseMarker(page)).toBe('next');
  await page.getByTestId('plan-focus-area').fill('Behavior, edited before the update');
  await expectSaved(page);

  await Promise.all([
    page.waitForEvent('load'),
    page.getByTestId('update-reload').click(),
  ]);
  await expect(page.getByTestId('plan-focus-area')).toHaveValue('Behavior, edited before the update');
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  expect(await releaseMarker(page)).toBe('next');
  const caches = await cacheNames(page);
  expect(caches).toHaveLength(1);
  expect(caches[0]).not.toBe(oldCache);

  // The new release is the one cached for starting offline.
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByTestId('plan-focus-area')).toHaveValue('Behavior, edited before the update');
  expect(await isOfflineShell(page)).toBe(true);
  expect(await releaseMarker(page)).toBe('next');

  expectNoErrors(page, { allowConnectionErrors: true });
  await page.context().setOffline(false);
  expect(await server.stop()).toBe(0);
});
