// Presence on the plan page. Two people in two browser contexts see each
// other and the section each is in, and follow each other's moves. A
// person disappears when they leave the page, close a tab, lose their
// connection or are killed without a word.
import { expect, Page, test } from '@playwright/test';

import { importPlanAtSchool } from './support/accounts';
import { expectNoErrors, newPerson, watchErrors } from './support/pages';
import { openPlan } from './support/plan';
import { Account, admin, CairnServer } from './support/server';

const school = 'Lincoln Elementary';

let server: CairnServer;
let coach: Account;
let planId: string;

test.beforeAll(async () => {
  server = await CairnServer.start();
  coach = await server.addPerson('Casey Coach', 'coach', [school]);
  planId = await importPlanAtSchool(server, 'lincoln-elementary-behavior-2026-27.csv', school);
});

test.afterAll(async () => {
  await server.stop();
});

/// Moves focus to the first field of the plan section with test id
/// `sectionTestId`.
async function focusSection(page: Page, sectionTestId: string): Promise<void> {
  await page.getByTestId(sectionTestId).locator('input, textarea, select').first().focus();
}

/// Returns the entry for the person named `name` in the page's "Also
/// here" line.
function peer(page: Page, name: string) {
  return page.getByTestId('presence-peer').filter({ has: page.getByTestId('presence-name').getByText(name, { exact: true }) });
}

test('each person sees the other in their section', async ({ browser }) => {
  const dana = await newPerson(browser, server, admin);
  const casey = await newPerson(browser, server, coach);
  await openPlan(dana, server.url, planId);
  await openPlan(casey, server.url, planId);

  await focusSection(dana, 'root-causes');
  await focusSection(casey, 'goals');

  await expect(dana.getByTestId('presence-peer')).toHaveCount(1);
  await expect(peer(dana, 'Casey Coach').getByTestId('presence-section')).toHaveText('SMART goals');
  await expect(casey.getByTestId('presence-peer')).toHaveCount(1);
  await expect(peer(casey, 'Dana Admin').getByTestId('presence-section')).toHaveText('Root causes');
  await expect(dana.getByTestId('presence')).toContainText('Also here:');
  await expect(dana.getByTestId('presence')).toHaveAttribute('aria-live', 'polite');
  await expect(peer(dana, 'Dana Admin')).toHaveCount(0);

  // Casey moves to the resources; Dana's line follows.
  await focusSection(casey, 'resources');
  await expect(peer(dana, 'Casey Coach').getByTestId('presence-section')).toHaveText('Resources');

  // Without focus in a section, the section most in view counts. The
  // window is made short, so the goals fill it.
  await casey.setViewportSize({ width: 1280, height: 400 });
  await casey.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await casey.evaluate(() => document.getElementById('goals-heading')?.scrollIntoView({ block: 'start' }));
  await expect(peer(dana, 'Casey Coach').getByTestId('presence-section')).toHaveText('SMART goals');

  // Casey leaves the plan page for the plan list.
  await casey.goto(`${server.url}/`);
  await expect(dana.getByTestId('presence-peer')).toHaveCount(0);

  expectNoErrors(dana);
  expectNoErrors(casey);
  await dana.context().close();
  await casey.context().close();
});

test('two tabs of one person show once', async ({ browser }) => {
  const dana = await newPerson(browser, server, admin);
  const caseyFirst = await newPerson(browser, server, coach);
  const caseySecond = await caseyFirst.context().newPage();
  watchErrors(caseySecond);
  await openPlan(dana, server.url, planId);
  await openPlan(caseyFirst, server.url, planId);
  await openPlan(caseySecond, server.url, planId);

  await expect(dana.getByTestId('presence-peer')).toHaveCount(1);
  await expect(peer(dana, 'Casey Coach').getByTestId('presence-tabs')).toHaveText('2 tabs');
  // Each of Casey's tabs lists the other one under Casey's own name.
  await expect(peer(caseyFirst, 'Casey Coach')).toHaveCount(1);

  await caseySecond.close();
  await expect(peer(dana, 'Casey Coach').getByTestId('presence-tabs')).toHaveCount(0);
  await expect(peer(dana, 'Casey Coach')).toHaveCount(1);

  expectNoErrors(dana);
  expectNoErrors(caseyFirst);
  await dana.context().close();
  await caseyFirst.context().close();
});

test('a tab that loses its connection drops out and comes back', async ({ browser }) => {
  const dana = await newPerson(browser, server, admin);
  const casey = await newPerson(browser, server, coach);
  await openPlan(dana, server.url, planId);
  await openPlan(casey, server.url, planId);
  await expect(peer(dana, 'Casey Coach')).toHaveCount(1);
  await expect(peer(casey, 'Dana Admin')).toHaveCount(1);

  // Offline, Casey's tab closes its socket without a word. It clears its
  // own list at once, and Dana's tab drops Casey when the entry expires.
  await casey.context().setOffline(true);
  await expect(casey.getByTestId('presence-peer')).toHaveCount(0);
  await expect(dana.getByTestId('presence-peer')).toHaveCount(0);

  // Back online, Casey's tab sends its presence as soon as it reconnects.
  await casey.context().setOffline(false);
  await expect(peer(dana, 'Casey Coach')).toHaveCount(1);
  await expect(peer(casey, 'Dana Admin')).toHaveCount(1);

  expectNoErrors(dana);
  expectNoErrors(casey, { allowConnectionErrors: true });
  await dana.context().close();
  await casey.context().close();
});

test('a killed context disappears after the expiry', async ({ browser }) => {
  const dana = await newPerson(browser, server, admin);
  const casey = await newPerson(browser, server, coach);
  await openPlan(dana, server.url, planId);
  await openPlan(casey, server.url, planId);
  await expect(peer(dana, 'Casey Coach')).toHaveCount(1);

  await casey.context().close();
  await expect(dana.getByTestId('presence-peer')).toHaveCount(0);

  expectNoErrors(dana);
  await dana.context().close();
});
