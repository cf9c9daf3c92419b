// A coach keeps editing while offline; after reconnecting, the server and
// a teammate have every edit.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { expectNoErrors, newPerson, watchErrors } from './support/pages';

let server: CairnServer;
let planId: string;

test.beforeAll(async () => {
  server = await CairnServer.start();
  planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
});

test.afterAll(async () => {
  await server.stop();
});

test('offline edits reach the server and a teammate after reconnect', async ({ browser }) => {
  const coachContext = await browser.newContext();
  await server.signIn(coachContext);
  const coach = await coachContext.newPage();
  watchErrors(coach);
  const teammate = await newPerson(browser, server);
  await openPlan(coach, server.url, planId);
  await openPlan(teammate, server.url, planId);

  await coachContext.setOffline(true);
  await expect(coach.getByTestId('sync-status')).toHaveText(/^Offline/);

  await coach.getByTestId('add-root-cause').click();
  await coach.getByTestId('root-cause-statement').last().fill('Hallway transitions have no adult at each end.');
  await coach.getByTestId('goal-statement').first().press('End');
  await coach.getByTestId('goal-statement').first().pressSequentially(' Reviewed offline.');
  await expect(coach.getByTestId('sync-status')).toHaveText(/^Offline: \d+ changes? not yet saved on the server$/);

  // Meanwhile the teammate edits the same plan online.
  await teammate.getByTestId('plan-focus-area').fill('Behavior (Tier 1)');

  // Nothing of the coach's offline work has reached the teammate.
  await expect(teammate.getByTestId('root-cause')).toHaveCount(3);

  await coachContext.setOffline(false);
  await expectSaved(coach);

  await expect(teammate.getByTestId('root-cause')).toHaveCount(4);
  await expect(teammate.getByTestId('root-cause-statement').last()).toHaveValue('Hallway transitions have no adult at each end.');
  await expect(teammate.getByTestId('goal-statement').first()).toHaveValue(/Reviewed offline\.$/);
  await expect(coach.getByTestId('plan-focus-area')).toHaveValue('Behavior (Tier 1)');

  const stored = await server.planJson(planId);
  expect(stored.root_causes).toHaveLength(4);
  expect(stored.focus_area).toBe('Behavior (Tier 1)');
  expect(stored.goals[0].statement).toMatch(/Reviewed offline\.$/);
  expectNoErrors(coach, { allowConnectionErrors: true });
  expectNoErrors(teammate);
});
