// The leaders' dashboard. Filters stay in the address, and the drill-down
// leads from the district to a school, a plan and a goal. Tables download
// as CSV files, and the print view lays them all out. The tests also cover
// the empty and offline states, and live updates while someone edits a
// plan in another browser.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';

import { downloadFrom, importPlanAtSchool } from './support/accounts';
import { expectNoErrors, newPerson } from './support/pages';
import { expectSaved, openPlan } from './support/plan';
import { CairnServer } from './support/server';

const lincolnTitle = 'Lincoln Elementary School - Tier 1 Behavior Action Plan 2026-27';
const riverbendTitle = 'District Early Literacy MTSS Plan 2026-2027';

let server: CairnServer;
let lincolnId: string;
let riverbendId: string;
let lincolnSchoolId: string;

test.beforeAll(async () => {
  server = await CairnServer.start();
  lincolnId = await importPlanAtSchool(server, 'lincoln-elementary-behavior-2026-27.csv', 'Lincoln Elementary');
  riverbendId = await importPlanAtSchool(server, 'riverbend-usd-early-literacy-2026-27.csv', 'Maple Grove Elementary');
  lincolnSchoolId = await server.school('Lincoln Elementary');
});

test.afterAll(async () => {
  await server.stop();
});

async function expectNoViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
  }));
  expect(summary).toEqual([]);
}

/// Opens the district view and waits until its plans table is filled.
async function openDashboard(page: Page, query = '', plans = 2): Promise<void> {
  await page.goto(`${server.url}/dashboard${query}`);
  await expect(page.getByTestId('plan-row')).toHaveCount(plans);
}

test('filters by school and status', async ({ browser }) => {
  // The Riverbend plan goes to review, so the two plans differ in status.
  const submitted = await server.api('POST', `/api/plans/${riverbendId}/review`, {
    action: 'submit',
    expected_status: 'draft',
  });
  expect(submitted.status).toBe(200);

  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await page.getByTestId('nav-dashboard').click();
  await expect(page).toHaveURL(`${server.url}/dashboard`);
  await expect(page.getByTestId('plan-row')).toHaveCount(2);
  await expect(page.getByTestId('figure-plans')).toHaveText('2');

  await page.getByTestId('filter-status').selectOption({ label: 'Submitted' });
  await expect(page).toHaveURL(`${server.url}/dashboard?status=submitted`);
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  await expect(page.getByTestId('plan-row')).toContainText(riverbendTitle);
  await expect(page.getByTestId('figure-plans')).toHaveText('1');

  // Both filters together leave no plan, and the page explains how to undo
  // it.
  await page.getByTestId('filter-school').selectOption({ label: 'Lincoln Elementary' });
  await expect(page).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}&status=submitted`);
  await expect(page.getByTestId('dashboard-no-match')).toBeVisible();
  await expect(page.getByTestId('plan-row')).toHaveCount(0);

  await page.getByTestId('filter-status').selectOption({ label: 'All statuses' });
  await expect(page).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}`);
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  await expect(page.getByTestId('plan-row')).toContainText(lincolnTitle);
  await expect(page.getByTestId('plan-row').getByTestId('plan-status')).toHaveText('Draft');

  // The back button returns through the views before.
  await page.goBack();
  await expect(page.getByTestId('dashboard-no-match')).toBeVisible();
  await expect(page.getByTestId('filter-status')).toHaveValue('submitted');
  await page.goBack();
  await expect(page).toHaveURL(`${server.url}/dashboard?status=submitted`);
  await expect(page.getByTestId('filter-school')).toHaveValue('');
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  await expect(page.getByTestId('plan-row')).toContainText(riverbendTitle);

  // A linked view opens with its filters.
  await openDashboard(page, '?status=draft', 1);
  await expect(page.getByTestId('filter-status')).toHaveValue('draft');
  await expect(page.getByTestId('plan-row')).toContainText(lincolnTitle);

  await page.getByTestId('clear-filters').click();
  await expect(page).toHaveURL(`${server.url}/dashboard`);
  await expect(page.getByTestId('plan-row')).toHaveCount(2);
  expectNoErrors(page);
});

test('drill-down from district to school, plan and goal', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openDashboard(page);
  await expectNoViolations(page);

  // District to school: the school's name narrows the dashboard.
  await page.getByTestId('school-row').getByRole('link', { name: 'Lincoln Elementary' }).click();
  await expect(page).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}`);
  await expect(page.getByTestId('filter-school')).toHaveValue(lincolnSchoolId);
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  const crumbs = page.getByTestId('breadcrumbs').getByRole('listitem');
  await expect(crumbs).toHaveText(['District', 'Lincoln Elementary']);

  // School to plan.
  await page.getByTestId('plan-link').click();
  await expect(page).toHaveURL(`${server.url}/dashboard/plans/${lincolnId}`);
  await expect(page.getByTestId('plan-figures-title')).toHaveText(lincolnTitle);
  await expect(crumbs).toHaveText(['District', 'Lincoln Elementary', lincolnTitle]);
  await expect(page.getByTestId('plan-review-status')).toHaveText('Draft');
  await expect(page.getByTestId('plan-goal-row')).toHaveCount(3);
  await expect(page.getByTestId('open-plan')).toHaveAttribute('href', `/plans/${lincolnId}`);
  await expectNoViolations(page);

  // Plan to goal.
  const goalLatest = await page.getByTestId('plan-goal-row').first().getByTestId('goal-latest').innerText();
  await page.getByTestId('goal-link').first().click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/plans/${lincolnId}/goals/[0-9a-f-]+$`));
  await expect(page.getByTestId('goal-figures-title')).toHaveText('Goal 1');
  await expect(crumbs).toHaveText(['District', 'Lincoln Elementary', lincolnTitle, 'Goal 1']);
  await expect(page.getByTestId('goal-latest')).toHaveText(goalLatest);
  await expect(page.getByTestId('goal-measurements')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('goal-actions')).toHaveText(/^\d+ of \d+ completed \(\d+%\)$/);
  await expect(page.getByTestId('goal-status')).toBeVisible();
  await expectNoViolations(page);

  // The breadcrumbs lead back up.
  await page.getByTestId('breadcrumbs').getByRole('link', { name: lincolnTitle }).click();
  await expect(page).toHaveURL(`${server.url}/dashboard/plans/${lincolnId}`);
  await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Lincoln Elementary' }).click();
  await expect(page).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}`);
  await page.getByTestId('breadcrumbs').getByRole('link', { name: 'District' }).click();
  await expect(page).toHaveURL(`${server.url}/dashboard`);
  await expect(page.getByTestId('plan-row')).toHaveCount(2);
  expectNoErrors(page);
});

test('tables download as CSV files', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openDashboard(page);

  const plans = await downloadFrom(page, 'plans-csv');
  expect(plans.download.suggestedFilename()).toMatch(/^cairn-dashboard-plans-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = plans.text.trimEnd().split('\r\n');
  expect(lines[0]).toBe(
    'Plan,School,Focus area,School year,Status,On track,At risk,Off track,Not enough data,' +
      'Actions completed,Actions planned,Overdue actions,Overdue milestones,Without a check-in in 30 days,' +
      'Budget,Currency,Last check-in,Last edit',
  );
  expect(lines).toHaveLength(3);
  const lincolnLine = lines.find((line) => line.startsWith(`${lincolnTitle},Lincoln Elementary,`));
  expect(lincolnLine).toBeDefined();
  const lincolnActions = await page.getByTestId('plan-row').filter({ hasText: lincolnTitle }).getByTestId('plan-actions').innerText();
  const [completed, planned] = lincolnActions.split(' of ');
  expect(lincolnLine).toContain(`,${completed},${planned},`);

  // The goals by status file contains the counts of the table on screen.
  const goals = await downloadFrom(page, 'goals-by-status-csv');
  expect(goals.download.suggestedFilename()).toMatch(/^cairn-dashboard-goals-by-status-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = goals.text.trimEnd().split('\r\n');
  expect(rows[0]).toBe('Goal status,Goals');
  const statuses: [string, string][] = [
    ['on_track', 'On track'],
    ['at_risk', 'At risk'],
    ['off_track', 'Off track'],
    ['not_enough_data', 'Not enough data'],
  ];
  let total = 0;
  for (const [value, label] of statuses) {
    const row = page.locator(`[data-testid="goal-status-row"][data-status="${value}"]`);
    const count = await row.locator('td').first().innerText();
    expect(rows).toContain(`${label},${count}`);
    total += Number(count);
  }
  await expect(page.getByTestId('goals-total')).toHaveText(String(total));
  expect(total).toBeGreaterThan(0);

  // The budget file keeps exact amounts and names each funding source.
  const budget = await downloadFrom(page, 'budget-csv');
  expect(budget.download.suggestedFilename()).toMatch(/^cairn-dashboard-budget-\d{4}-\d{2}-\d{2}\.csv$/);
  const budgetLines = budget.text.trimEnd().split('\r\n');
  expect(budgetLines[0]).toBe('Funding source,Amount,Currency,Plans');
  await expect(page.getByTestId('budget-row')).toHaveCount(budgetLines.length - 1);
  expectNoErrors(page);
});

test('print view lays out every section', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openDashboard(page, `?school_id=${lincolnSchoolId}`, 1);
  await page.getByTestId('dashboard-print-link').click();
  await expect(page).toHaveURL(`${server.url}/dashboard/print?school_id=${lincolnSchoolId}`);
  await expect(page.getByTestId('dashboard-print')).toBeVisible();
  await expect(page.getByTestId('print-summary')).toContainText('School: Lincoln Elementary.');
  for (const section of ['goals-by-status', 'actions-by-school', 'overdue', 'budget', 'check-ins', 'schools', 'plans']) {
    await expect(page.getByTestId(section)).toBeVisible();
  }
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  await expect(page.getByRole('button', { name: /as CSV/ })).toHaveCount(0);
  await expect(page.getByTestId('filter-school')).toHaveCount(0);
  await expectNoViolations(page);

  // Printed, the page drops the site header and the tools.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByTestId('print')).toBeHidden();
  await expect(page.getByTestId('plans')).toBeVisible();

  await page.emulateMedia({ media: 'screen' });
  await page.getByTestId('back-to-dashboard').click();
  await expect(page).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}`);
  expectNoErrors(page);
});

test('person who may read no plan sees why', async ({ browser }) => {
  const viewer = await server.addPerson('Vera Viewer', 'viewer');
  const page = await newPerson(browser, server, viewer);

  await page.goto(`${server.url}/dashboard`);

  await expect(page.getByTestId('dashboard-empty')).toContainText('No plan is shared with you yet');
  await expect(page.getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('plan-row')).toHaveCount(0);
  expectNoErrors(page);
});

test('offline shows the saved view and its time', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openDashboard(page);
  await expect(page.getByTestId('dashboard-updated')).toBeVisible();
  await page.getByTestId('filter-school').selectOption({ label: 'Lincoln Elementary' });
  await expect(page.getByTestId('plan-row')).toHaveCount(1);

  // Offline, the view opened before comes from the device, with its time.
  await page.context().setOffline(true);
  await page.goBack();
  await expect(page.getByTestId('dashboard-offline')).toHaveText(
    /^Offline: showing the dashboard as of [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M\.$/,
  );
  await expect(page.getByTestId('plan-row')).toHaveCount(2);

  // A view never opened on this device has no saved copy.
  await page.getByTestId('filter-school').selectOption({ label: 'Maple Grove Elementary' });
  await expect(page.getByTestId('dashboard-needs-connection')).toBeVisible();
  await expect(page.getByTestId('plan-row')).toHaveCount(0);

  // Back online, the view fills in without a reload.
  await page.context().setOffline(false);
  await expect(page.getByTestId('plan-row')).toHaveCount(1);
  await expect(page.getByTestId('plan-row')).toContainText(riverbendTitle);
  await expect(page.getByTestId('dashboard-offline')).toHaveCount(0);
  await expect(page.getByTestId('dashboard-updated')).toBeVisible();
  expectNoErrors(page, { allowConnectionErrors: true });
});

test('dashboard follows a coach editing a plan live', async ({ browser }) => {
  const coach = await server.addPerson('Casey Coach', 'coach', ['Lincoln Elementary']);
  const admin = await newPerson(browser, server);
  await openDashboard(admin, `?school_id=${lincolnSchoolId}`, 1);

  const row = admin.getByTestId('plan-row').filter({ hasText: lincolnTitle });
  const before = (await row.getByTestId('plan-actions').innerText()).split(' of ').map(Number);
  await expect(admin.getByTestId('figure-actions')).toHaveText(`${before[0]} of ${before[1]}`);

  // The page must update in place: a reload would clear this mark. The
  // schools table, scrolled to the top of a short window, must stay where
  // it is on screen while sections above it change size.
  await admin.evaluate(() => ((window as any).dashboardMark = 'not reloaded'));
  await admin.setViewportSize({ width: 1280, height: 400 });
  const schools = admin.getByTestId('schools');
  await schools.evaluate((section) => section.scrollIntoView({ block: 'start' }));
  const topOf = () => schools.evaluate((section) => Math.round(section.getBoundingClientRect().top));
  const top = await topOf();
  expect(await admin.evaluate(() => window.scrollY)).toBeGreaterThan(0);

  // The coach marks an action completed in another browser.
  const coachPage = await newPerson(browser, server, coach);
  await openPlan(coachPage, server.url, lincolnId);
  const action = coachPage.getByTestId('primary-actions').getByTestId('action').first();
  await action.getByTestId('action-status').selectOption('completed');
  await expectSaved(coachPage);

  await expect(row.getByTestId('plan-actions')).toHaveText(`${before[0] + 1} of ${before[1]}`);
  await expect(admin.getByTestId('figure-actions')).toHaveText(`${before[0] + 1} of ${before[1]}`);
  await expect(admin.getByTestId('actions-completed-total')).toHaveText(String(before[0] + 1));
  expect(await admin.evaluate(() => (window as any).dashboardMark)).toBe('not reloaded');
  expect(Math.abs((await topOf()) - top)).toBeLessThanOrEqual(1);
  expect(await admin.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await expect(admin).toHaveURL(`${server.url}/dashboard?school_id=${lincolnSchoolId}`);
  await expect(admin.getByTestId('filter-school')).toHaveValue(lincolnSchoolId);

  // With a goal's page open, a new measurement shows up there too.
  await row.getByTestId('plan-link').click();
  await admin.getByTestId('goal-link').first().click();
  await expect(admin.getByTestId('goal-figures-title')).toHaveText('Goal 1');
  const measurements = Number(await admin.getByTestId('goal-measurements').innerText());

  const progress = coachPage.getByTestId('goal-progress').first();
  await progress.getByTestId('add-measurement').click();
  const measurement = progress.getByTestId('measurement').last();
  await measurement.getByTestId('measurement-date').fill('2026-12-04');
  await measurement.getByTestId('measurement-date').press('Tab');
  await measurement.getByTestId('measurement-value').fill('27');
  await measurement.getByTestId('measurement-value').press('Tab');
  await expectSaved(coachPage);

  await expect(admin.getByTestId('goal-measurements')).toHaveText(String(measurements + 1));
  await expect(admin.getByTestId('goal-latest')).toHaveText(/^27\b.* on Dec 4, 2026$/);
  expect(await admin.evaluate(() => (window as any).dashboardMark)).toBe('not reloaded');
  expectNoErrors(admin);
  expectNoErrors(coachPage);
});
