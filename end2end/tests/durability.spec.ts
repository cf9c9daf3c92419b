// A server killed with SIGKILL and restarted has lost no acknowledged edit.
import { expect, test } from '@playwright/test';

import { CairnServer } from './support/server';
import { expectSaved, openPlan } from './support/plan';
import { expectNoErrors, newPerson } from './support/pages';

test('killed server keeps every acknowledged edit', async ({ browser }) => {
  const server = await CairnServer.start();
  const planId = server.importFixture('lincoln-elementary-behavior-2026-27.csv');

  const editor = await newPerson(browser, server);
  await openPlan(editor, server.url, planId);
  await editor.getByTestId('plan-title').fill('Saved before the crash');
  await editor.getByTestId('add-root-cause').click();
  await editor.getByTestId('root-cause-statement').last().fill('Acknowledged root cause');
  await expectSaved(editor);

  await server.kill();
  await expect(editor.getByTestId('sync-status')).toHaveText(/^Offline/);
  await server.launch();

  // The open tab reconnects by itself and has nothing left to send.
  await expectSaved(editor);

  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Saved before the crash');
  expect(stored.root_causes.map((cause: any) => cause.statement)).toContain('Acknowledged root cause');

  const reader = await newPerson(browser, server);
  await openPlan(reader, server.url, planId);
  await expect(reader.getByTestId('plan-title')).toHaveValue('Saved before the crash');
  await expect(reader.getByTestId('root-cause-statement').last()).toHaveValue('Acknowledged root cause');

  expectNoErrors(editor, { allowConnectionErrors: true });
  expectNoErrors(reader);
  expect(await server.stop()).toBe(0);
});
