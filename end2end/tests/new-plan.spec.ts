// A team builds a plan from nothing in the browser, and every section
// reaches the server and survives a reload.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved } from './support/plan';
import { expectNoErrors, newPerson } from './support/pages';

let server: CairnServer;

test.beforeAll(async () => {
  server = await CairnServer.start();
});

test.afterAll(async () => {
  await server.stop();
});

test('new plan with every section is stored', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);
  const planId = page.url().split('/').pop()!;

  await page.getByTestId('plan-title').fill('Maple Grove Attendance Plan 2026-27');
  await page.getByTestId('add-root-cause').click();
  await page.getByTestId('root-cause-statement').fill('Families do not hear about absences until the third day.');
  await page.getByTestId('add-goal').click();
  await page.getByTestId('goal-statement').fill('Reduce chronic absence from 18% to 12% by May 2027.');
  await page.getByTestId('goal').getByRole('checkbox').check();
  await page.getByTestId('add-primary-actions').click();
  await page.getByTestId('action-title').fill('Call families on the first day of an absence');
  await page.getByTestId('action').getByRole('checkbox').check();

  await page.getByTestId('add-resource').click();
  await page.getByTestId('resource-description').fill('Attendance clerk overtime');
  await page.getByTestId('resource-amount').fill('$1,250.50');
  await page.getByTestId('resource-amount').press('Tab');
  await page.getByTestId('resource-funding-source').fill('Title I');
  await page.getByTestId('resource').getByRole('checkbox').check();

  await page.getByTestId('add-milestone').click();
  await page.getByTestId('milestone-title').fill('Call log in use in every grade');
  await page.getByTestId('milestone-date').fill('2027-01-15');

  await page.getByTestId('add-measurement').click();
  await page.getByTestId('measurement-date').fill('2026-10-31');
  await page.getByTestId('measurement-value').fill('17.5');
  await page.getByTestId('measurement-value').press('Tab');

  await page.getByTestId('add-check-in').click();
  await page.getByTestId('check-in-summary').fill('October data reviewed.');
  await page.getByTestId('check-in-decisions').fill('Keep the first-day calls.');

  await expect(page.getByTestId('total-budget')).toHaveText('1,250.50 USD');
  await expectSaved(page);

  await page.reload();
  await expect(page.getByTestId('milestone-title')).toHaveValue('Call log in use in every grade');
  await expect(page.getByTestId('check-in-decisions')).toHaveValue('Keep the first-day calls.');

  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Maple Grove Attendance Plan 2026-27');
  expect(stored.goals[0].root_cause_ids).toEqual([stored.root_causes[0].id]);
  expect(stored.actions[0].goal_ids).toEqual([stored.goals[0].id]);
  expect(stored.resources[0].amount).toBe('1250.50');
  expect(stored.resources[0].funding_source).toBe('Title I');
  expect(stored.resources[0].action_ids).toEqual([stored.actions[0].id]);
  expect(stored.milestones[0].date).toBe('2027-01-15');
  expect(stored.measurements[0].goal_id).toBe(stored.goals[0].id);
  expect(stored.measurements[0].date).toBe('2026-10-31');
  expect(stored.measurements[0].value).toBe(17.5);
  expect(stored.check_ins[0].summary).toBe('October data reviewed.');
  expectNoErrors(page);
});

test('a new plan from the PBIS Tier 1 template starts with its content', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.clock.setFixedTime(new Date('2026-09-08T09:00:00'));
  await page.goto(server.url);
  await page.getByTestId('new-plan-template').selectOption('pbis-tier-1');
  await expect(page.locator('#template-description')).not.toBeEmpty();
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);
  const planId = page.url().split('/').pop()!;

  await expect(page.getByTestId('plan-title')).toHaveValue('Tier 1 PBIS Action Plan 2026-27');
  await expect(page.getByTestId('plan-school-year')).toHaveValue('2026-27');
  await expect(page.getByTestId('root-cause')).toHaveCount(3);
  await expect(page.getByTestId('goal')).toHaveCount(1);
  await expectSaved(page);

  const stored = await server.planJson(planId);
  expect(stored.actions).toHaveLength(6);
  expect(stored.goals[0].baseline_value).toBeNull();
  expectNoErrors(page);
});
