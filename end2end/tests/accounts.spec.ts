// Signing in and out, inviting a teammate, and what shares let people do
// with a plan: edit it live, only view it, or lose it while offline.
import { Browser, expect, test } from '@playwright/test';

import { downloadFrom, expectOnlyFailures, ExpectedFailure, importPlanAtSchool, recordErrors } from './support/accounts';
import { expectNoErrors, newPerson } from './support/pages';
import { expectSaved, openPlan } from './support/plan';
import { admin, CairnServer } from './support/server';

const lincolnFixture = 'lincoln-elementary-behavior-2026-27.csv';
const lincolnTitle = 'Lincoln Elementary School - Tier 1 Behavior Action Plan 2026-27';

// Chromium logs every `401` response and every refused sync WebSocket as a
// console error. A tab with no session gets `401` from these routes.
const signedOutFailures: ExpectedFailure[] = [
  { status: 401, path: '/api/session' },
  { status: 401, path: '/api/plans' },
];

let server: CairnServer;

test.beforeAll(async () => {
  server = await CairnServer.start();
});

test.afterAll(async () => {
  await server.stop();
});

test('sign-in, wrong password and sign-out', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = recordErrors(page);

  // Nobody has signed in on this device, so the app leads to sign-in.
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(`${server.url}/sign-in`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.getByTestId('sign-in-email').fill(admin.email);
  await page.getByTestId('sign-in-password').fill('not the right password');
  await page.getByTestId('sign-in').click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is not correct.');
  await expect(page).toHaveURL(`${server.url}/sign-in`);

  await page.getByTestId('sign-in-password').fill(admin.password);
  await page.getByTestId('sign-in').click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByRole('heading', { name: 'Action plans' })).toBeVisible();
  await expect(page.getByTestId('header-person')).toHaveText(admin.name);
  expect((await context.request.get(`${server.url}/api/session`)).status()).toBe(200);

  await page.getByTestId('header-sign-out').click();
  await expect(page).toHaveURL(`${server.url}/sign-in`);
  await expect(page.getByTestId('header-sign-in')).toBeVisible();
  await expect(page.getByTestId('header-person')).toHaveCount(0);
  expect((await context.request.get(`${server.url}/api/session`)).status()).toBe(401);

  // The session is gone from the device too: the plan list leads back to
  // sign-in.
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(`${server.url}/sign-in`);
  expectOnlyFailures(errors, server, signedOutFailures, { allowConnectionErrors: true });
});

test('invited teammate edits a shared plan live', async ({ browser }) => {
  const planId = await importPlanAtSchool(server, lincolnFixture, 'Lincoln Elementary');
  const adminPage = await newPerson(browser, server);
  const teammateEmail = 'terry.teammate@example.org';

  // The admin invites a team member on the People page.
  await adminPage.goto(`${server.url}/people`);
  await adminPage.getByTestId('invite-email').fill(teammateEmail);
  await adminPage.getByTestId('invite-person-name').fill('Terry Teammate');
  await adminPage.getByTestId('invite-role').selectOption({ label: 'Team member' });
  await adminPage.getByRole('checkbox', { name: 'Lincoln Elementary' }).check();
  await adminPage.getByTestId('invite-submit').click();
  const linkField = adminPage.getByTestId('invite-link-url');
  await expect(linkField).toHaveValue(new RegExp(`^${server.url}/invite/\\S+$`));
  const inviteLink = await linkField.inputValue();
  const invitedRow = adminPage.getByTestId('person').filter({ hasText: teammateEmail });
  await expect(invitedRow).toContainText('Team member');
  await expect(invitedRow).toContainText('Invited');

  // The teammate opens the link on their own device and sets a password.
  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();
  const teammateErrors = recordErrors(teammate);
  await teammate.goto(inviteLink);
  await expect(teammate.getByTestId('invite-heading')).toHaveText(`Join Maple County Schools as ${teammateEmail}`);
  await expect(teammate.getByTestId('invite-name')).toHaveValue('Terry Teammate');
  await teammate.getByTestId('invite-password').fill('Terry teammate password 2026');
  await teammate.getByTestId('invite-confirm').fill('Terry teammate password 2026');
  await teammate.getByTestId('accept-invite').click();
  await expect(teammate).toHaveURL(`${server.url}/`);
  await expect(teammate.getByTestId('header-person')).toHaveText('Terry Teammate');

  // A team member reads only the plans shared with them.
  await expect(teammate.getByText('No plans yet. Create one or import a spreadsheet.')).toBeVisible();

  // The admin shares the plan with them from the plan page.
  await openPlan(adminPage, server.url, planId);
  await adminPage.getByTestId('share-toggle').click();
  const sharePanel = adminPage.getByTestId('share-panel');
  await expect(sharePanel).toContainText('Not shared with anyone directly.');
  await sharePanel.getByTestId('share-person').selectOption({ label: `Terry Teammate (${teammateEmail})` });
  await sharePanel.getByTestId('share-access').selectOption({ label: 'Can edit' });
  await sharePanel.getByTestId('share-submit').click();
  const member = sharePanel.getByTestId('share-member');
  await expect(member).toHaveCount(1);
  await expect(member).toContainText(`Terry Teammate (${teammateEmail})`);
  await expect(member.getByTestId('share-member-access')).toHaveValue('edit');
  await expect(sharePanel.getByTestId('share-error')).toHaveText('');

  // The shared plan now appears in the teammate's plan list.
  await teammate.goto(`${server.url}/`);
  await teammate.getByRole('link', { name: lincolnTitle }).click();
  await expect(teammate).toHaveURL(`${server.url}/plans/${planId}`);
  await expect(teammate.getByTestId('plan-title')).toHaveValue(lincolnTitle);
  await expectSaved(teammate);
  await expect(teammate.getByTestId('plan-title')).toBeEnabled();

  await teammate.getByTestId('plan-focus-area').fill('Behavior (Tier 1), arrival routines');
  await expect(adminPage.getByTestId('plan-focus-area')).toHaveValue('Behavior (Tier 1), arrival routines');

  await expectSaved(teammate);
  const stored = await server.planJson(planId);
  expect(stored.focus_area).toBe('Behavior (Tier 1), arrival routines');
  expectNoErrors(adminPage);
  // Before the invite signs the teammate in, their tab has no session.
  expectOnlyFailures(teammateErrors, server, signedOutFailures, { allowConnectionErrors: true });
});

test('viewer cannot edit but exports', async ({ browser }) => {
  const planId = server.importFixture(lincolnFixture);
  const viewer = await server.addPerson('Vera Viewer', 'viewer');
  const shared = await server.api('PUT', `/api/plans/${planId}/members/${viewer.id}`, { access: 'view' });
  expect(shared.status).toBe(204);

  const viewerPage = await newPerson(browser, server, viewer);
  await openPlan(viewerPage, server.url, planId);
  await expect(viewerPage.getByTestId('view-only')).toHaveText('You can view this plan but not change it.');
  await expect(viewerPage.getByTestId('plan-body')).toHaveAttribute('disabled');
  await expect(viewerPage.getByTestId('plan-title')).toBeDisabled();
  await expect(viewerPage.getByTestId('plan-focus-area')).toBeDisabled();
  await expect(viewerPage.getByTestId('add-root-cause')).toBeDisabled();
  await expect(viewerPage.getByTestId('undo')).toBeDisabled();
  await expect(viewerPage.getByTestId('share-toggle')).toHaveCount(0);

  // Someone who may edit still reaches the viewer live.
  const adminPage = await newPerson(browser, server);
  await openPlan(adminPage, server.url, planId);
  await adminPage.getByTestId('plan-title').fill('Lincoln Tier 1 Behavior Plan, reviewed');
  await expect(viewerPage.getByTestId('plan-title')).toHaveValue('Lincoln Tier 1 Behavior Plan, reviewed');
  await expect(viewerPage.getByTestId('plan-title')).toBeDisabled();

  const { download, text } = await downloadFrom(viewerPage, 'export-csv');
  expect(download.suggestedFilename()).toBe('lincoln-tier-1-behavior-plan-reviewed.csv');
  expect(text).toContain('Lincoln Tier 1 Behavior Plan, reviewed');
  expect(text).toContain('Root Cause');

  await expectSaved(adminPage);
  const stored = await server.planJson(planId);
  expect(stored.title).toBe('Lincoln Tier 1 Behavior Plan, reviewed');
  expectNoErrors(viewerPage);
  expectNoErrors(adminPage);
});

const refusedMessage =
  'Your changes to this plan were not accepted: the server has no plan you can open under this id. ' +
  'It may have been removed, or your access to it was removed. ' +
  'Your copy stays on this device; export it to keep your work.';

/// Shares a new plan with a new team member named `memberName` as editor,
/// edits its focus area in their browser while offline, removes the share
/// meanwhile, and reconnects. Returns once the page shows that the server
/// refused the edit.
async function refuseOfflineEdit(browser: Browser, memberName: string, offlineEdit: string) {
  const planId = server.importFixture(lincolnFixture);
  const member = await server.addPerson(memberName, 'team_member');
  const shared = await server.api('PUT', `/api/plans/${planId}/members/${member.id}`, { access: 'edit' });
  expect(shared.status).toBe(204);

  const context = await browser.newContext();
  await server.signIn(context, member);
  const page = await context.newPage();
  const errors = recordErrors(page);
  await openPlan(page, server.url, planId);
  const focusBefore = (await server.planJson(planId)).focus_area;

  await context.setOffline(true);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Offline/);
  await page.getByTestId('plan-focus-area').fill(offlineEdit);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Offline: \d+ changes? not yet saved on the server$/);

  // While the member is offline, the admin removes their share.
  const removed = await server.api('DELETE', `/api/plans/${planId}/members/${member.id}`);
  expect(removed.status).toBe(204);

  await context.setOffline(false);
  await expect(page.getByTestId('plan-refused')).toHaveText(refusedMessage);
  return { planId, member, page, errors, focusBefore };
}

test('removed member keeps refused offline edits', async ({ browser }) => {
  const offlineEdit = 'Behavior (Tier 1), written offline';
  const { planId, page, errors, focusBefore } = await refuseOfflineEdit(browser, 'Mel Member', offlineEdit);

  const refused = page.getByTestId('plan-refused');
  await expect(refused).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('sync-status')).toHaveText(/^Not syncing: \d+ changes? not saved on the server$/);
  await expect(page.getByTestId('plan-focus-area')).toHaveValue(offlineEdit);
  await expect(page.getByTestId('plan-focus-area')).toBeDisabled();

  const { download, text } = await downloadFrom(page, 'export-json');
  expect(download.suggestedFilename()).toBe('lincoln-elementary-school-tier-1-behavior-action-plan-2026-27.json');
  expect(JSON.parse(text).focus_area).toBe(offlineEdit);

  // The refusal and the local copy survive a reload, and opening the page
  // again does not send the edit.
  const accessChecked = page.waitForResponse(`${server.url}/api/plans/${planId}/access`);
  await page.reload();
  expect((await accessChecked).status()).toBe(404);
  await expect(refused).toHaveText(refusedMessage);
  await expect(page.getByTestId('sync-status')).toHaveText(/^Not syncing: \d+ changes? not saved on the server$/);
  await expect(page.getByTestId('plan-focus-area')).toHaveValue(offlineEdit);
  await expect(page.getByTestId('plan-focus-area')).toBeDisabled();

  const stored = await server.planJson(planId);
  expect(stored.focus_area).toBe(focusBefore);
  expect(stored.focus_area).not.toBe(offlineEdit);
  // The access and review routes return `404 plan_not_found` once the
  // share is gone. The review panel requests its route when the plan has
  // loaded from the device, which can be before the refusal is known.
  expectOnlyFailures(errors, server, [
    { status: 404, path: `/api/plans/${planId}/access` },
    { status: 404, path: `/api/plans/${planId}/review` },
  ], {
    allowConnectionErrors: true,
  });
});

test('shared again, refused edits sync', async ({ browser }) => {
  const offlineEdit = 'Behavior (Tier 1), kept through the refusal';
  const { planId, member, page, errors } = await refuseOfflineEdit(browser, 'Rio Member', offlineEdit);

  // Once the access route returns the plan's access again, the page sends
  // the copy and the server accepts it.
  const shared = await server.api('PUT', `/api/plans/${planId}/members/${member.id}`, { access: 'edit' });
  expect(shared.status).toBe(204);
  await page.reload();
  await expectSaved(page);
  await expect(page.getByTestId('plan-refused')).toHaveCount(0);
  await expect(page.getByTestId('plan-focus-area')).toHaveValue(offlineEdit);
  await expect(page.getByTestId('plan-focus-area')).toBeEnabled();

  const stored = await server.planJson(planId);
  expect(stored.focus_area).toBe(offlineEdit);
  expectOnlyFailures(errors, server, [{ status: 404, path: `/api/plans/${planId}/access` }], {
    allowConnectionErrors: true,
  });
});
