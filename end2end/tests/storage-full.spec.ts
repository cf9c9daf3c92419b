// Plans live in IndexedDB, and localStorage keeps the journal and small state.
// With localStorage full, an edit is still stored on the device and
// reaches the server. The full IndexedDB case is in device-store.spec.ts.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { newPerson } from './support/pages';

test('full localStorage keeps storing and syncing', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);

  // Fill localStorage to its quota with filler keys.
  const filled = await page.evaluate(() => {
    let size = 1 << 20;
    let index = 0;
    while (size >= 16) {
      try {
        localStorage.setItem(`filler.${index}`, 'x'.repeat(size));
        index += 1;
      } catch {
        size = Math.floor(size / 2);
      }
    }
    return index;
  });
  expect(filled).toBeGreaterThan(0);

  await page.getByTestId('plan-title').fill('Edited with a full localStorage');

  await expect(page.getByTestId('device-save')).toHaveText('Saved on this device');
  await expectSaved(page);
  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Edited with a full localStorage');
  await expect(page.getByTestId('notice')).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('plan-title')).toHaveValue('Edited with a full localStorage');
  expect(await server.stop()).toBe(0);
});
