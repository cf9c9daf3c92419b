// Two people co-edit one plan in two browser contexts and see each
// other's edits live.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { expectNoErrors, newPerson } from './support/pages';

let server: CairnServer;
let planId: string;

test.beforeAll(async () => {
  server = await CairnServer.start();
  planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');
});

test.afterAll(async () => {
  await server.stop();
});

test('each context sees the other context edits', async ({ browser }) => {
  const alice = await newPerson(browser, server);
  const bruno = await newPerson(browser, server);
  await openPlan(alice, server.url, planId);
  await openPlan(bruno, server.url, planId);

  await alice.getByTestId('plan-title').fill('Lincoln Tier 1 Behavior Plan, revised');
  await expect(bruno.getByTestId('plan-title')).toHaveValue('Lincoln Tier 1 Behavior Plan, revised');

  await bruno.getByTestId('add-root-cause').click();
  await bruno.getByTestId('root-cause-statement').last().fill('Arrival routines differ from class to class.');
  await expect(alice.getByTestId('root-cause')).toHaveCount(4);
  await expect(alice.getByTestId('root-cause-statement').last()).toHaveValue('Arrival routines differ from class to class.');

  await alice.getByTestId('add-goal').click();
  await expect(bruno.getByTestId('goal')).toHaveCount(4);
  await bruno.getByTestId('goal').last().getByTestId('goal-statement').fill('By May 2027, tardies drop from 40 to 20 a month.');
  await expect(alice.getByTestId('goal').last().getByTestId('goal-statement')).toHaveValue(
    'By May 2027, tardies drop from 40 to 20 a month.',
  );

  // The first primary action has a budget line, so removing it asks first.
  await alice.getByTestId('primary-actions').getByTestId('remove-action').first().click();
  await expect(alice.getByTestId('confirm-remove')).toContainText('Resource');
  await alice.getByTestId('confirm-remove-button').click();
  await expect(bruno.getByTestId('primary-actions').getByTestId('action')).toHaveCount(3);

  await expectSaved(alice);
  await expectSaved(bruno);
  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Lincoln Tier 1 Behavior Plan, revised');
  expect(stored.root_causes).toHaveLength(4);
  expect(stored.actions.filter((action: any) => action.kind === 'primary')).toHaveLength(3);
  expectNoErrors(alice);
  expectNoErrors(bruno);
});

test('two people typing in one field both keep their words', async ({ browser }) => {
  const alice = await newPerson(browser, server);
  const bruno = await newPerson(browser, server);
  await openPlan(alice, server.url, planId);
  await openPlan(bruno, server.url, planId);

  const aliceField = alice.getByTestId('root-cause-evidence').first();
  const brunoField = bruno.getByTestId('root-cause-evidence').first();
  await aliceField.fill('SWIS report.');
  await expect(brunoField).toHaveValue('SWIS report.');

  // Alice types at the start of the field while Bruno types at its end,
  // at the same time: a last-writer-wins field would lose one of them.
  await aliceField.focus();
  await alice.keyboard.press('Home');
  await brunoField.focus();
  await bruno.keyboard.press('End');
  await Promise.all([
    aliceField.pressSequentially('October data. ', { delay: 40 }),
    brunoField.pressSequentially(' Checked by the team.', { delay: 40 }),
  ]);

  const expected = 'October data. SWIS report. Checked by the team.';
  await expect(aliceField).toHaveValue(expected);
  await expect(brunoField).toHaveValue(expected);
  await expectSaved(alice);
  await expectSaved(bruno);
  const stored = await server.planJson(planId);
  expect(stored.root_causes[0].evidence).toBe(expected);
  expectNoErrors(alice);
  expectNoErrors(bruno);
});
