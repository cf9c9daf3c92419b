// A district imports its spreadsheet plan with `cairn import` and finds
// every part of it on the plan page.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { openPlan } from './support/plan';
import { expectNoErrors, watchErrors } from './support/pages';

let server: CairnServer;

test.beforeAll(async () => {
  server = await CairnServer.start();
});

test.afterAll(async () => {
  await server.stop();
});

test.beforeEach(async ({ context }) => {
  await server.signIn(context);
});

test('imported Lincoln plan shows every section', async ({ page }) => {
  const id = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
  watchErrors(page);

  await openPlan(page, server.url, id);

  await expect(page.getByTestId('plan-title-heading')).toHaveText(
    'Lincoln Elementary School - Tier 1 Behavior Action Plan 2026-27',
  );
  await expect(page.getByTestId('plan-school')).toHaveValue('Lincoln Elementary');
  await expect(page.getByTestId('root-cause')).toHaveCount(3);
  await expect(page.getByTestId('goal')).toHaveCount(3);
  await expect(page.getByTestId('primary-actions').getByTestId('action')).toHaveCount(4);
  await expect(page.getByTestId('support-structures').getByTestId('action')).toHaveCount(4);
  await expect(page.getByTestId('measurement')).toHaveCount(6);
  await expect(page.getByTestId('total-budget')).toHaveText('2,690.00 USD');
  expectNoErrors(page);
});

test('plan list shows the imported plan', async ({ page }) => {
  const id = server.importFixture('riverbend-usd-early-literacy-2026-27.csv');

  watchErrors(page);

  await page.goto(server.url);
  const link = page.getByTestId('plan-list').getByRole('link', { name: 'District Early Literacy MTSS Plan 2026-2027' });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/plans/${id}$`));
  await expect(page.getByTestId('goal')).toHaveCount(2);

  // The list now hydrates with a plan stored on this device, which the
  // server did not render.
  await page.goto(server.url);
  await expect(page.getByTestId('plan-list').getByRole('link', { name: 'District Early Literacy MTSS Plan 2026-2027' })).toBeVisible();
  expectNoErrors(page);
});

test('unknown plan id says not found', async ({ page }) => {
  await page.goto(`${server.url}/plans/00000000-0000-4000-8000-000000000000`);

  await expect(page.getByTestId('plan-loading')).toHaveText(/^No plan with this address was found/);
});

test('print view of an unknown plan id says not found', async ({ page }) => {
  await page.goto(`${server.url}/plans/00000000-0000-4000-8000-000000000000/print`);

  await expect(page.getByTestId('plan-loading')).toHaveText(/^No plan with this address was found/);
});
