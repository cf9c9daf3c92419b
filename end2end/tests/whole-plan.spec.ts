// A team builds a whole plan through the UI from nothing: the SMART check
// guides the goal, the chart, status, timeline and totals follow the data,
// and the plan exports to CSV and imports back equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, Page, test } from '@playwright/test';

import { withPositionalIds } from './support/equal-plans';
import { expectNoErrors, newPerson } from './support/pages';
import { expectSaved } from './support/plan';
import { CairnServer, fixtures } from './support/server';

let server: CairnServer;

test.beforeAll(async () => {
  server = await CairnServer.start();
});

test.afterAll(async () => {
  await server.stop();
});

/// Fills a field and leaves it, so fields that save on change save.
async function enter(page: Page, scope: ReturnType<Page['getByTestId']>, testId: string, value: string) {
  const field = scope.getByTestId(testId);
  await field.fill(value);
  await field.press('Tab');
}

async function expectMarks(goal: ReturnType<Page['getByTestId']>, marks: Record<string, boolean>) {
  for (const [letter, passes] of Object.entries(marks)) {
    await expect(goal.getByTestId(`smart-${letter}`)).toHaveAttribute('data-passes', String(passes));
  }
}

test('a plan built from nothing shows its progress and survives a CSV round trip', async ({ browser }) => {
  const page = await newPerson(browser, server);
  // The timeline marks today and flags overdue items, so the test fixes it.
  await page.clock.setFixedTime(new Date('2027-02-15T10:00:00'));
  await page.goto(server.url);
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);
  const planId = page.url().split('/').pop()!;

  await page.getByTestId('plan-title').fill('Cedar Park Elementary Early Literacy Plan');
  await page.getByTestId('plan-school').fill('Cedar Park Elementary');
  await page.getByTestId('plan-school-year').fill('2026-27');

  // Root cause.
  await page.getByTestId('add-root-cause').click();
  await page.getByTestId('root-cause-statement').fill('Core phonics lessons differ from one K-2 classroom to the next.');
  await page.getByTestId('root-cause-evidence').fill('Walkthroughs in September saw the adopted phonics routine in 4 of 11 rooms.');

  // A SMART goal that first fails Measurable and Time-bound.
  await page.getByTestId('add-goal').click();
  const goal = page.getByTestId('goal');
  await goal
    .getByTestId('goal-statement')
    .fill('Increase the percent of K-2 students at or above benchmark on the DIBELS 8 composite from 48% to 62%.');
  await goal.getByTestId('goal-measure').fill('K-2 students at or above benchmark');
  await goal.getByRole('checkbox').check();
  await expectMarks(goal, { M: false, T: false });
  await expect(goal.getByTestId('smart-reasons')).toContainText('Measurable: no baseline value');
  await expect(goal.getByTestId('smart-reasons')).toContainText('Time-bound: no target date');

  await goal.getByTestId('goal-unit').fill('%');
  await enter(page, goal, 'goal-baseline-value', '48');
  await enter(page, goal, 'goal-baseline-date', '2026-09-15');
  await enter(page, goal, 'goal-target-value', '62');
  await enter(page, goal, 'goal-target-date', '2027-05-28');
  await goal.getByTestId('goal-direction').selectOption('increase');
  await goal.getByTestId('goal-monitoring-frequency').fill('Every six weeks');

  // Two primary actions that work toward the goal, and a support structure.
  const primary = page.getByTestId('primary-actions');
  await primary.getByTestId('add-primary-actions').click();
  const smallGroups = primary.getByTestId('action').nth(0);
  await smallGroups.getByTestId('action-title').fill('Daily small-group phonics intervention');
  await enter(page, smallGroups, 'action-start-date', '2026-09-21');
  await enter(page, smallGroups, 'action-due-date', '2027-05-28');
  await smallGroups.getByRole('checkbox').check();
  await primary.getByTestId('add-primary-actions').click();
  const routine = primary.getByTestId('action').nth(1);
  await routine.getByTestId('action-title').fill('One phonics routine in every K-2 room');
  await enter(page, routine, 'action-start-date', '2026-10-01');
  await enter(page, routine, 'action-due-date', '2026-12-18');
  await routine.getByRole('checkbox').check();

  const support = page.getByTestId('support-structures');
  await support.getByTestId('add-support-structures').click();
  await support.getByTestId('action-title').fill('Coaching cycles on the phonics routine');
  await support.getByTestId('action-support-type').selectOption('training');

  await expectMarks(goal, { S: true, M: true, A: true, R: true, T: true });
  await expect(goal.getByTestId('smart-reasons')).toHaveCount(0);

  // A budget line.
  await page.getByTestId('add-resource').click();
  const resource = page.getByTestId('resource');
  await resource.getByTestId('resource-description').fill('Decodable text sets');
  await enter(page, resource, 'resource-amount', '$4,800.00');
  await resource.getByTestId('resource-funding-source').fill('Title I');
  await resource.getByRole('checkbox', { name: 'Daily small-group phonics intervention' }).check();

  // A milestone that is past due on the fixed today.
  await page.getByTestId('add-milestone').click();
  const milestone = page.getByTestId('milestone');
  await milestone.getByTestId('milestone-title').fill('Small groups running in every K-2 room');
  await enter(page, milestone, 'milestone-date', '2026-11-20');
  await milestone.getByRole('checkbox', { name: 'Daily small-group phonics intervention' }).check();

  // Three measurements.
  const progress = page.getByTestId('goal-progress');
  for (const [date, value] of [
    ['2026-10-30', '51'],
    ['2026-12-18', '54'],
    ['2027-02-05', '57'],
  ]) {
    await progress.getByTestId('add-measurement').click();
    const measurement = progress.getByTestId('measurement').last();
    await enter(page, measurement, 'measurement-date', date);
    await enter(page, measurement, 'measurement-value', value);
  }

  // A check-in that reviews the small groups.
  await page.getByTestId('add-check-in').click();
  const checkIn = page.getByTestId('check-in');
  await enter(page, checkIn, 'check-in-date', '2027-02-10');
  await checkIn.getByTestId('check-in-attendees').fill('Principal; Literacy coach; K-2 team leads');
  await checkIn.getByTestId('check-in-summary').fill('Winter benchmark reviewed; growth in every grade.');
  await checkIn.getByTestId('check-in-decisions').fill('Keep the groups at four students.');
  await checkIn.getByTestId('check-in-next-steps').fill('Share spring screening dates with families.');
  await checkIn.getByLabel('Daily small-group phonics intervention').selectOption('in_progress');

  // The chart, the status, the timeline and the totals.
  await expect(progress.getByTestId('chart-point')).toHaveCount(3);
  await expect(progress.getByTestId('aim-line')).toHaveAttribute('data-from', '48');
  await expect(progress.getByTestId('aim-line')).toHaveAttribute('data-to', '62');
  await expect(progress.getByTestId('trend-line')).toBeVisible();
  await expect(progress.getByTestId('goal-status')).toHaveAttribute('data-status', 'on_track');

  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByTestId('timeline-today')).toContainText('Feb 2027');
  await expect(timeline.getByTestId('timeline-item')).toHaveCount(3);
  const overdue = timeline.locator('[data-testid="timeline-item"][data-overdue="true"]');
  await expect(overdue).toHaveCount(2);
  await expect(overdue.first()).toContainText('One phonics routine in every K-2 room');
  await expect(overdue.last()).toContainText('Small groups running in every K-2 room');

  await expect(page.getByTestId('total-budget')).toHaveText('4,800.00 USD');
  await expect(page.getByTestId('budget-by-source')).toHaveText(['Title I4,800.00 USD']);
  await expect(page.getByTestId('budget-by-action')).toHaveText(['Daily small-group phonics intervention4,800.00 USD']);
  await expectSaved(page);

  // Export to CSV and import it back: the two plans are equal.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csvPath = await (await download).path();
  const csv = readFileSync(csvPath!, 'utf8');
  expect(csv).toContain('Decodable text sets');

  await page.goto(server.url);
  await page.getByTestId('import-csv').setInputFiles({ name: 'cedar-park.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);
  const importedId = page.url().split('/').pop()!;
  expect(importedId).not.toBe(planId);

  const original = await server.planJson(planId);
  const imported = await server.planJson(importedId);
  expect(withPositionalIds(imported)).toEqual(withPositionalIds(original));
  expectNoErrors(page);
});

test('undo takes back only this tab’s edit, and redo brings it back', async ({ browser }) => {
  const alice = await newPerson(browser, server);
  const bruno = await newPerson(browser, server);
  await alice.goto(server.url);
  await alice.getByTestId('new-plan').click();
  await expect(alice).toHaveURL(/\/plans\/[0-9a-f-]+$/);
  const url = alice.url();
  await bruno.goto(url);

  await alice.getByTestId('add-root-cause').click();
  await alice.getByTestId('root-cause-statement').fill('Arrival routines differ between classrooms.');
  await expect(bruno.getByTestId('root-cause-statement')).toHaveValue('Arrival routines differ between classrooms.');
  await bruno.getByTestId('plan-title').fill('Harbor View Attendance Plan');
  await expect(alice.getByTestId('plan-title')).toHaveValue('Harbor View Attendance Plan');

  await alice.getByTestId('undo').click();
  await expect(alice.getByTestId('root-cause-statement')).toHaveValue('');
  await expect(alice.getByTestId('plan-title')).toHaveValue('Harbor View Attendance Plan');

  await alice.keyboard.press('Control+Shift+Z');
  await expect(alice.getByTestId('root-cause-statement')).toHaveValue('Arrival routines differ between classrooms.');
  await expect(bruno.getByTestId('root-cause-statement')).toHaveValue('Arrival routines differ between classrooms.');
  expectNoErrors(alice);
  expectNoErrors(bruno);
});

test('removing a linked root cause asks first and names what links to it', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);

  await page.getByTestId('add-root-cause').click();
  await page.getByTestId('root-cause-statement').fill('Families hear about absences only on the third day.');
  await page.getByTestId('add-goal').click();
  await page.getByTestId('goal-statement').fill('Reduce chronic absence from 18% to 12% by May 28, 2027.');
  await page.getByTestId('goal').getByRole('checkbox').check();

  await page.getByTestId('remove-root-cause').click();
  const question = page.getByTestId('confirm-remove');
  await expect(question).toContainText('Goal “Reduce chronic absence from 18% to 12% by May 28, 2027.”: its link is removed');
  await expect(page.getByTestId('keep-button')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(page.getByTestId('root-cause')).toHaveCount(1);

  await page.getByTestId('remove-root-cause').click();
  await page.getByTestId('confirm-remove-button').click();
  await expect(page.getByTestId('root-cause')).toHaveCount(0);
  await expect(page.getByTestId('goal').getByRole('checkbox')).toHaveCount(0);
  expectNoErrors(page);
});

test('entities move up and down', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);

  for (const statement of ['Schedules leave no intervention block.', 'Screening data arrive late.']) {
    await page.getByTestId('add-root-cause').click();
    await page.getByTestId('root-cause-statement').last().fill(statement);
  }
  await expect(page.getByTestId('move-up-root-cause').first()).toBeDisabled();
  await page.getByTestId('move-up-root-cause').last().click();
  await expect(page.getByTestId('root-cause-statement').first()).toHaveValue('Screening data arrive late.');
  await page.getByTestId('move-down-root-cause').first().click();
  await expect(page.getByTestId('root-cause-statement').first()).toHaveValue('Schedules leave no intervention block.');
  expectNoErrors(page);
});

test('Ctrl+Z after a removal brings the entity back and leaves other text alone', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await page.getByTestId('new-plan').click();
  await expect(page).toHaveURL(/\/plans\/[0-9a-f-]+$/);

  await page.getByTestId('add-root-cause').click();
  await page.getByTestId('root-cause-statement').last().fill('First cause');
  await page.getByTestId('add-root-cause').click();
  await page.getByTestId('root-cause-statement').last().fill('Second cause');

  await page.getByTestId('remove-root-cause').last().click();
  await expect(page.getByTestId('root-cause')).toHaveCount(1);
  await expect(page.getByTestId('add-root-cause')).toBeFocused();

  await page.keyboard.press('Control+Z');
  await expect(page.getByTestId('root-cause')).toHaveCount(2);
  await expect(page.getByTestId('root-cause-statement').first()).toHaveValue('First cause');
  await expect(page.getByTestId('root-cause-statement').last()).toHaveValue('Second cause');
  expectNoErrors(page);
});

test('a browser import with unreadable cells shows the report before the plan', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  const lincoln = readFileSync(join(fixtures, 'lincoln-elementary-behavior-2026-27.csv'));
  await page.getByTestId('import-csv').setInputFiles({ name: 'lincoln.csv', mimeType: 'text/csv', buffer: lincoln });

  const report = page.getByTestId('import-report');
  await expect(report).toContainText('lincoln.csv: imported');
  await expect(report).toContainText('Line 6');
  await report.getByTestId('open-imported-plan').click();
  await expect(page.getByTestId('root-cause')).toHaveCount(3);
  expectNoErrors(page);
});
