// The review cycle of a plan on its page: a coach submits it, the school
// leader returns it with a comment that the team sees at the top of the
// page, the coach submits it again, the leader approves it, and the leader
// sees the team's later edits under "Changes since approval". Also what a
// viewer, an offline leader and a leader who decided second see.
import { expect, Page, test } from '@playwright/test';

import { expectOnlyFailures, importPlanAtSchool, recordErrors } from './support/accounts';
import { expectNoErrors, newPerson } from './support/pages';
import { expectSaved, openPlan } from './support/plan';
import { Account, CairnServer } from './support/server';

const lincolnFixture = 'lincoln-elementary-behavior-2026-27.csv';
const school = 'Lincoln Elementary';
const returnComment = 'Add a baseline date to the acknowledgement goal and name who runs the monthly ODR audit.';
const commentNeeded = 'Write a comment to return the plan, so the team knows what to change.';

let server: CairnServer;
let coach: Account;
let leader: Account;

test.beforeAll(async () => {
  server = await CairnServer.start();
  coach = await server.addPerson('Casey Coach', 'coach', [school]);
  leader = await server.addPerson('Lee Leader', 'school_leader', [school]);
});

test.afterAll(async () => {
  await server.stop();
});

/// Asks the page to load the plan's review again, as when its tab regains
/// focus.
async function focusTab(page: Page): Promise<void> {
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
}

/// Writes a goal value as the changes since approval do: `60%` for a
/// percentage, `60 ODRs` for another unit, `60` without one.
function inUnit(value: string, unit: string): string {
  const trimmed = unit.trim();
  if (trimmed === '') return value;
  if (['%', 'percent', 'percentage'].includes(trimmed.toLowerCase())) return `${value}%`;
  return `${value} ${trimmed}`;
}

/// Sends a review action as `account` over the API and returns the status
/// and the body.
async function decide(account: Account, planId: string, body: unknown): Promise<{ status: number; json: any }> {
  const cookie = await server.sessionCookie(account);
  return server.api('POST', `/api/plans/${planId}/review`, body, cookie);
}

test('plan goes from submitted to returned to approved', async ({ browser }) => {
  const planId = await importPlanAtSchool(server, lincolnFixture, school);
  const coachPage = await newPerson(browser, server, coach);
  const leaderPage = await newPerson(browser, server, leader);

  // The coach sees a draft, read-only in the header, and submits it.
  await openPlan(coachPage, server.url, planId);
  await expect(coachPage.getByTestId('plan-review-status')).toHaveText('Draft');
  await expect(coachPage.getByTestId('plan-status')).toHaveCount(0);
  const coachPanel = coachPage.getByTestId('review-panel');
  await expect(coachPanel.getByTestId('review-status')).toHaveText('Draft');
  await expect(coachPanel.getByTestId('review-approve')).toHaveCount(0);
  await coachPanel.getByTestId('review-submit').click();
  await expect(coachPanel.getByTestId('review-status')).toHaveText('Submitted');
  await expect(coachPage.getByTestId('plan-review-status')).toHaveText('Submitted');
  await expect(coachPanel.getByTestId('review-decision')).toHaveText([/^Submitted by Casey Coach on /]);
  await expect(coachPanel.getByTestId('review-submit')).toHaveCount(0);

  // The leader may approve or return it. Return waits for a comment.
  await openPlan(leaderPage, server.url, planId);
  const leaderPanel = leaderPage.getByTestId('review-panel');
  await expect(leaderPanel.getByTestId('review-status')).toHaveText('Submitted');
  await expect(leaderPanel.getByTestId('review-approve')).toBeEnabled();
  await expect(leaderPanel.getByTestId('review-return')).toBeDisabled();
  await expect(leaderPanel.getByTestId('review-comment-needed')).toHaveText(commentNeeded);
  await expect(leaderPanel.getByTestId('review-return')).toHaveAttribute('aria-describedby', 'review-comment-needed');
  await leaderPanel.getByTestId('review-comment').fill('   ');
  await expect(leaderPanel.getByTestId('review-return')).toBeDisabled();

  // The server rejects a return without a comment sent past the page too.
  const refused = await decide(leader, planId, { action: 'return', expected_status: 'submitted', comment: ' ' });
  expect(refused.status).toBe(400);
  expect(refused.json.code).toBe('comment_required');
  const unchanged = await server.api('GET', `/api/plans/${planId}/review`);
  expect(unchanged.json.status).toBe('submitted');

  await leaderPanel.getByTestId('review-comment').fill(returnComment);
  await expect(leaderPanel.getByTestId('review-comment-needed')).toHaveCount(0);
  await leaderPanel.getByTestId('review-return').click();
  await expect(leaderPanel.getByTestId('review-status')).toHaveText('Returned');
  await expect(leaderPanel.getByTestId('review-done')).toHaveText("The plan's review status is now Returned.");
  await expect(leaderPanel.getByTestId('review-comment')).toHaveValue('');

  // The coach's tab loads the review again when it regains focus, and the
  // notice with the leader's comment opens the page.
  await focusTab(coachPage);
  const notice = coachPage.getByTestId('review-returned');
  await expect(notice).toBeVisible();
  await expect(notice.getByRole('heading')).toHaveText('Returned for changes');
  await expect(notice.getByTestId('review-returned-by')).toHaveText(/^Lee Leader returned this plan to the team on .+\.$/);
  await expect(notice.getByTestId('review-returned-comment')).toHaveText(returnComment);
  await expect(coachPage.getByTestId('plan-review-status')).toHaveText('Returned');
  const noticeBox = await notice.boundingBox();
  const bodyBox = await coachPage.getByTestId('plan-body').boundingBox();
  expect(noticeBox!.y).toBeLessThan(bodyBox!.y);
  await expect(coachPanel.getByTestId('review-decision').nth(1)).toContainText('Returned by Lee Leader on ');
  await expect(coachPanel.getByTestId('review-decision').nth(1)).toContainText(returnComment);

  // The coach submits again, which removes the notice, and the leader
  // approves.
  await coachPanel.getByTestId('review-submit').click();
  await expect(coachPanel.getByTestId('review-status')).toHaveText('Submitted');
  await expect(notice).toHaveCount(0);

  await focusTab(leaderPage);
  await expect(leaderPanel.getByTestId('review-status')).toHaveText('Submitted');
  await leaderPanel.getByTestId('review-approve').click();
  await expect(leaderPanel.getByTestId('review-status')).toHaveText('Approved');
  await expect(leaderPanel.getByTestId('review-decision')).toHaveText([
    /^Submitted by Casey Coach on /,
    /^Returned by Lee Leader on /,
    /^Submitted by Casey Coach on /,
    /^Approved by Lee Leader on /,
  ]);
  const changes = leaderPanel.getByTestId('review-changes');
  await expect(changes).toContainText('No changes since approval.');

  // The team edits the approved plan: a goal's target and a new root cause.
  await focusTab(coachPage);
  await expect(coachPanel.getByTestId('review-status')).toHaveText('Approved');
  const goal = coachPage.getByTestId('goal').first();
  const targetBefore = await goal.getByTestId('goal-target-value').inputValue();
  const unit = await goal.getByTestId('goal-unit').inputValue();
  await goal.getByTestId('goal-target-value').fill('18');
  await goal.getByTestId('goal-target-value').press('Tab');
  await coachPage.getByTestId('add-root-cause').click();
  await coachPage.getByTestId('root-cause-statement').last().fill('Arrival routines differ from class to class.');
  await expectSaved(coachPage);

  // The leader sees what changed since the approval, and who changed it.
  await focusTab(leaderPage);
  await expect(changes.getByTestId('review-changes-summary')).toHaveText(
    /^Approved by Lee Leader on .+\. Edited since by Casey Coach\.$/,
  );
  await expect(changes.getByRole('heading')).toHaveText(['Changes since approval', 'Root causes', 'SMART goals']);
  await expect(changes.getByTestId('review-change')).toHaveText([
    'Arrival routines differ from class to class. — Added',
    `By May 29, 2027, reduce the monthly average of ODRs from… — Target value: ${inUnit(targetBefore, unit)} → ${inUnit('18', unit)}`,
  ]);

  // Marking the plan active keeps the changes in view.
  await focusTab(coachPage);
  await coachPanel.getByTestId('review-activate').click();
  await expect(coachPanel.getByTestId('review-status')).toHaveText('Active');
  await expect(coachPanel.getByTestId('review-changes').getByTestId('review-change')).toHaveCount(2);

  expectNoErrors(coachPage);
  expectNoErrors(leaderPage);
});

test('viewer sees the record without buttons', async ({ browser }) => {
  const planId = await importPlanAtSchool(server, lincolnFixture, school);
  const viewer = await server.addPerson('Vera Viewer', 'viewer');
  const shared = await server.api('PUT', `/api/plans/${planId}/members/${viewer.id}`, { access: 'view' });
  expect(shared.status).toBe(204);
  expect((await decide(coach, planId, { action: 'submit', expected_status: 'draft' })).status).toBe(200);
  expect((await decide(leader, planId, { action: 'return', expected_status: 'submitted', comment: returnComment })).status).toBe(200);

  const viewerPage = await newPerson(browser, server, viewer);
  await openPlan(viewerPage, server.url, planId);
  const panel = viewerPage.getByTestId('review-panel');
  await expect(panel.getByTestId('review-status')).toHaveText('Returned');
  await expect(panel.getByTestId('review-decision')).toHaveCount(2);
  await expect(viewerPage.getByTestId('review-returned-comment')).toHaveText(returnComment);
  await expect(panel.getByTestId('review-actions')).toHaveCount(0);
  await expect(panel.getByRole('button')).toHaveCount(0);
  expectNoErrors(viewerPage);
});

test('offline leader sees saved review', async ({ browser }) => {
  const planId = await importPlanAtSchool(server, lincolnFixture, school);
  expect((await decide(coach, planId, { action: 'submit', expected_status: 'draft' })).status).toBe(200);

  const leaderPage = await newPerson(browser, server, leader);
  await openPlan(leaderPage, server.url, planId);
  const panel = leaderPage.getByTestId('review-panel');
  await expect(panel.getByTestId('review-status')).toHaveText('Submitted');
  await expect(panel.getByTestId('review-saved-copy')).toHaveCount(0);

  await leaderPage.context().setOffline(true);
  await expect(leaderPage.getByTestId('sync-status')).toHaveText(/^Offline/);
  await expect(panel.getByTestId('review-saved-copy')).toHaveText(
    /^You are offline\. This is the review as of .+, saved on this device\. It may have changed since\.$/,
  );
  await expect(panel.getByTestId('review-approve')).toBeDisabled();
  await expect(panel.getByTestId('review-offline')).toHaveText(
    'You are offline. Review decisions need a connection to the server.',
  );

  // A reload offline cannot load the page itself (there is no service
  // worker), so the saved copy is checked where it lives.
  const saved = await leaderPage.evaluate((id) => window.localStorage.getItem(`cairn.review.${id}`), planId);
  expect(JSON.parse(saved!).state.status).toBe('submitted');

  await leaderPage.context().setOffline(false);
  await expect(panel.getByTestId('review-saved-copy')).toHaveCount(0);
  await expect(panel.getByTestId('review-approve')).toBeEnabled();
  expectNoErrors(leaderPage, { allowConnectionErrors: true });
});

test('second decision shows status changed', async ({ browser }) => {
  const planId = await importPlanAtSchool(server, lincolnFixture, school);
  expect((await decide(coach, planId, { action: 'submit', expected_status: 'draft' })).status).toBe(200);

  const leaderPage = await newPerson(browser, server, leader);
  const errors = recordErrors(leaderPage);
  // With its event stream held unanswered, the page keeps what it showed,
  // as when the other decision lands between the page's last refresh and
  // the click.
  await leaderPage.route('**/api/events', () => {});
  await openPlan(leaderPage, server.url, planId);
  const panel = leaderPage.getByTestId('review-panel');
  await expect(panel.getByTestId('review-status')).toHaveText('Submitted');

  // The district admin approves first, while the leader's page still
  // shows the plan as submitted.
  const approved = await server.api('POST', `/api/plans/${planId}/review`, {
    action: 'approve',
    expected_status: 'submitted',
  });
  expect(approved.status).toBe(200);

  await panel.getByTestId('review-comment').fill('The second goal needs a baseline date.');
  await panel.getByTestId('review-return').click();
  const alert = panel.getByTestId('review-error');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('The plan is approved now, not submitted');
  await expect(panel.getByTestId('review-status')).toHaveText('Submitted');

  await alert.getByTestId('review-refresh').click();
  await expect(panel.getByTestId('review-status')).toHaveText('Approved');
  await expect(panel.getByTestId('review-decision').last()).toContainText('Approved by Dana Admin on ');
  await expect(panel.getByTestId('review-return')).toHaveCount(0);
  await expect(alert).toBeEmpty();
  expectOnlyFailures(errors, server, [{ status: 409, path: `/api/plans/${planId}/review` }]);
});
