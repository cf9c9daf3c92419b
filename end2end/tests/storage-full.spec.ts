// When the browser rejects a write because its store is full, a notice
// appears and the edit still reaches the server.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { newPerson } from './support/pages';

test('full browser store shows notice and syncs', async ({ browser }) => {
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

  await page.getByTestId('plan-title').fill('Edited with a full store');

  await expect(page.getByTestId('notice')).toContainText('no room left');
  await expectSaved(page);
  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Edited with a full store');

  await page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('notice')).toHaveCount(0);
  expect(await server.stop()).toBe(0);
});
