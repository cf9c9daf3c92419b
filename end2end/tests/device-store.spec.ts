// The plans on this device live in IndexedDB, with a journal in
// localStorage for the moment after a keystroke. These tests check five
// promises. A tab closed at once keeps its edit. Plans stored by earlier
// versions move over. A full store is reported without losing the edit.
// Reloading does not grow the store. Two tabs do not overwrite each other's
// changes on the device.
import { BrowserContext, expect, Page, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { expectNoErrors, watchErrors } from './support/pages';

let server: CairnServer;
let planId: string;

test.beforeEach(async () => {
  server = await CairnServer.start();
  planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
});

test.afterEach(async () => {
  expect(await server.stop()).toBe(0);
});

/// Opens a signed-in context of the district admin.
async function signedInContext(page: { context(): BrowserContext } | null, browser: any): Promise<BrowserContext> {
  const context: BrowserContext = page ? page.context() : await browser.newContext();
  await server.signIn(context);
  return context;
}

/// Opens a plan's page with the sync connection refused, so whatever the
/// page shows of the plan comes from this device.
async function openFromDevice(context: BrowserContext, id: string): Promise<Page> {
  const page = await context.newPage();
  watchErrors(page);
  await page.routeWebSocket(/\/sync$/, (socket) => socket.close());
  await page.goto(`${server.url}/plans/${id}`);
  await expect(page.getByTestId('plan-title')).toBeVisible();
  return page;
}

/// Returns the bytes this origin stores: the plan chunks in IndexedDB and
/// every key and value in localStorage, in UTF-16 code units.
async function storedBytes(page: Page): Promise<{ chunks: number; chunkBytes: number; localStorage: number }> {
  return page.evaluate(async () => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('cairn', 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const values = await new Promise<Uint8Array[]>((resolve, reject) => {
      const request = database.transaction('chunks').objectStore('chunks').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    database.close();
    let local = 0;
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index)!;
      local += key.length + (localStorage.getItem(key) ?? '').length;
    }
    return {
      chunks: values.length,
      chunkBytes: values.reduce((sum, value) => sum + value.byteLength, 0),
      localStorage: local,
    };
  });
}

test('tab closed right after typing keeps the edit', async ({ browser }) => {
  const context = await signedInContext(null, browser);
  const page = await context.newPage();
  watchErrors(page);
  await openPlan(page, server.url, planId);

  await context.setOffline(true);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Offline/);
  await page.getByTestId('plan-title').fill('Typed just before closing');
  await page.close();
  await context.setOffline(false);

  // The server never received the edit, so the page below can only have it
  // from the device.
  const reopened = await openFromDevice(context, planId);
  await expect(reopened.getByTestId('plan-title')).toHaveValue('Typed just before closing');
  expect((await server.planJson(planId)).title).not.toBe('Typed just before closing');
  await reopened.close();

  const synced = await context.newPage();
  await openPlan(synced, server.url, planId);
  await expect(synced.getByTestId('plan-title')).toHaveValue('Typed just before closing');
  await expect.poll(async () => (await server.planJson(planId)).title).toBe('Typed just before closing');
  expectNoErrors(synced);
});

test('plans stored by earlier versions move to IndexedDB', async ({ browser }) => {
  const context = await signedInContext(null, browser);
  const page = await context.newPage();
  await openPlan(page, server.url, planId);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Offline/);
  await page.getByTestId('plan-title').fill('Edited before the move');
  await expect(page.getByTestId('device-save')).toHaveText('Saved on this device');

  // Rewrite the device as an earlier version left it: the whole plan,
  // base64-encoded, under cairn.doc.<id>, and no IndexedDB database. The
  // rewrite runs on the manifest's URL, where the app does not start.
  const legacy = await page.evaluate(async (id) => {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('cairn', 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const values = await new Promise<Uint8Array[]>((resolve, reject) => {
      const range = IDBKeyRange.bound(`${id}:`, `${id};`);
      const request = database.transaction('chunks').objectStore('chunks').getAll(range);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    database.close();
    let binary = '';
    for (const value of values) {
      for (const byte of value) binary += String.fromCharCode(byte);
    }
    return btoa(binary);
  }, planId);
  await page.close();
  await context.setOffline(false);
  const rewrite = await context.newPage();
  await rewrite.goto(`${server.url}/manifest.webmanifest`);
  await rewrite.evaluate(async ({ id, encoded }) => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('cairn');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith('cairn.journal.')) localStorage.removeItem(key);
    }
    localStorage.setItem(`cairn.doc.${id}`, encoded);
  }, { id: planId, encoded: legacy });
  await rewrite.close();

  const moved = await openFromDevice(context, planId);
  await expect(moved.getByTestId('plan-title')).toHaveValue('Edited before the move');
  await expect.poll(() => moved.evaluate((id) => localStorage.getItem(`cairn.doc.${id}`), planId)).toBeNull();
  expect((await storedBytes(moved)).chunks).toBeGreaterThan(0);
  expectNoErrors(moved, { allowConnectionErrors: true });
});

test('full browser store is reported and the edit syncs', async ({ browser }) => {
  // Chromium reads a site's quota when its storage is first used, so the
  // quota goes down before the page opens IndexedDB.
  const context = await signedInContext(null, browser);
  const page = await context.newPage();
  watchErrors(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 1024 });
  await openPlan(page, server.url, planId);

  await page.getByTestId('plan-title').fill('Edited with a full store');

  await expect(page.getByTestId('notice')).toContainText('no room left');
  await expect(page.getByTestId('device-save')).toHaveText('Not saved on this device');
  await expectSaved(page);
  expect((await server.planJson(planId)).title).toBe('Edited with a full store');
  await page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await page.close();

  // The journal in localStorage kept the edit that IndexedDB refused.
  const reopened = await openFromDevice(context, planId);
  await expect(reopened.getByTestId('plan-title')).toHaveValue('Edited with a full store');
});

test('hundred reloads leave stored bytes flat', async ({ browser }) => {
  test.setTimeout(600_000);
  const context = await signedInContext(null, browser);
  const page = await context.newPage();
  watchErrors(page);
  await openPlan(page, server.url, planId);

  // The first load writes the plan as it arrives and the next compacts it.
  await page.reload();
  await expectSaved(page);
  await expect(page.getByTestId('device-save')).toHaveText('Saved on this device');
  const before = await storedBytes(page);
  expect(before.chunks).toBe(1);

  for (let reload = 0; reload < 100; reload += 1) {
    await page.reload();
    await expect(page.getByTestId('plan-title')).toBeVisible();
    await expectSaved(page);
    await expect(page.getByTestId('device-save')).toHaveText('Saved on this device');
  }

  expect(await storedBytes(page)).toEqual(before);
  expectNoErrors(page);
});

test('two tabs converge offline and online', async ({ browser }) => {
  const context = await signedInContext(null, browser);
  const first = await context.newPage();
  const second = await context.newPage();
  watchErrors(first);
  watchErrors(second);
  await openPlan(first, server.url, planId);
  await openPlan(second, server.url, planId);

  // Offline, each tab writes its own edit to the device.
  await context.setOffline(true);
  await expect(first.getByTestId('sync-status')).toHaveText(/^Offline/);
  await first.getByTestId('plan-title').fill('Title from the first tab');
  await second.getByTestId('plan-focus-area').fill('Focus from the second tab');
  await expect(first.getByTestId('device-save')).toHaveText('Saved on this device');
  await expect(second.getByTestId('device-save')).toHaveText('Saved on this device');

  // The tabs pass their changes to each other with no server.
  await expect(second.getByTestId('plan-title')).toHaveValue('Title from the first tab');
  await expect(first.getByTestId('plan-focus-area')).toHaveValue('Focus from the second tab');
  await first.close();
  await second.close();
  await context.setOffline(false);

  const reopened = await openFromDevice(context, planId);
  await expect(reopened.getByTestId('plan-title')).toHaveValue('Title from the first tab');
  await expect(reopened.getByTestId('plan-focus-area')).toHaveValue('Focus from the second tab');
  await reopened.close();

  // Online again, both tabs converge with the server.
  const third = await context.newPage();
  const fourth = await context.newPage();
  await openPlan(third, server.url, planId);
  await openPlan(fourth, server.url, planId);
  await third.getByTestId('plan-team').fill('Team typed in the third tab');
  await expect(fourth.getByTestId('plan-team')).toHaveValue('Team typed in the third tab');
  await fourth.getByTestId('plan-title').fill('Title typed in the fourth tab');
  await expect(third.getByTestId('plan-title')).toHaveValue('Title typed in the fourth tab');
  await expectSaved(third);
  await expectSaved(fourth);
  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Title typed in the fourth tab');
  expect(stored.focus_area).toBe('Focus from the second tab');
  expect(stored.team).toBe('Team typed in the third tab');
  expectNoErrors(third);
  expectNoErrors(fourth);
});
