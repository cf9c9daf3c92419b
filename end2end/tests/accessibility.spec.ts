// axe-core finds no accessibility violations on the plan list, the plan
// page and the print view, and every control of the plan page can be
// reached and used from the keyboard.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';

import { expectNoErrors, newPerson } from './support/pages';
import { openPlan } from './support/plan';
import { CairnServer } from './support/server';

let server: CairnServer;
let planId: string;

test.beforeAll(async () => {
  server = await CairnServer.start();
  planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
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

test('the plan list has no accessibility violations', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(server.url);
  await expect(page.getByTestId('plan-list')).toContainText('Lincoln');
  await expectNoViolations(page);
  expectNoErrors(page);
});

test('the plan page has no accessibility violations', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  await expect(page.getByTestId('goal-progress').first()).toBeVisible();
  await expectNoViolations(page);

  // The question before a removal is part of the page too.
  await page.getByTestId('remove-root-cause').first().click();
  await expect(page.getByTestId('confirm-remove')).toBeVisible();
  await expectNoViolations(page);
  expectNoErrors(page);
});

test('the print view has no accessibility violations', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await page.goto(`${server.url}/plans/${planId}/print`);
  await expect(page.getByTestId('print-view')).toBeVisible();
  await expect(page.getByTestId('printed-goal')).toHaveCount(3);
  await expectNoViolations(page);
  expectNoErrors(page);
});

test('every control of the plan page is reached by Tab', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  await expect(page.getByTestId('goal-progress').first()).toBeVisible();

  // Number every visible control, then Tab through the page and note which
  // numbers receive focus.
  const controls = await page.evaluate(() => {
    const selector = 'a[href], button:not([disabled]), input, select, textarea, [tabindex="0"]';
    const visible = Array.from(document.querySelectorAll<HTMLElement>(selector)).filter((element) => {
      const box = element.getBoundingClientRect();
      return (box.width > 0 && box.height > 0) || element.classList.contains('visually-hidden');
    });
    visible.forEach((element, index) => element.setAttribute('data-control', String(index)));
    return visible.length;
  });
  expect(controls).toBeGreaterThan(100);

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const reached = new Set<string>();
  // Some elements that are not controls also take focus on the way (a
  // scrollable region, for one), so Tab may take more presses than there
  // are controls.
  for (let step = 0; step < 2 * controls && reached.size < controls; step += 1) {
    await page.keyboard.press('Tab');
    const control = await page.evaluate(() => document.activeElement?.getAttribute('data-control') ?? null);
    if (control !== null) reached.add(control);
  }
  const missed = Array.from({ length: controls }, (_, index) => String(index)).filter((index) => !reached.has(index));
  expect(missed).toEqual([]);
  expectNoErrors(page);
});

test('a root cause is added, written and removed with the keyboard alone', async ({ browser }) => {
  const page = await newPerson(browser, server);
  await openPlan(page, server.url, planId);
  const before = await page.getByTestId('root-cause').count();

  await page.getByTestId('add-root-cause').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('root-cause')).toHaveCount(before + 1);
  await page.getByTestId('root-cause-statement').last().focus();
  await page.keyboard.type('Recess transitions have no taught routine.');
  await expect(page.getByTestId('root-cause-statement').last()).toHaveValue('Recess transitions have no taught routine.');

  await page.getByTestId('remove-root-cause').last().focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('root-cause')).toHaveCount(before);
  expectNoErrors(page);
});
