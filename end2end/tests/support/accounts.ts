// Helpers for the end-to-end tests of accounts, sharing and access.
import { Download, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { admin, CairnServer, fixtures } from './server';

/// Imports a sample plan from `plan/tests/fixtures` into the school named
/// `schoolName` with `POST /api/plans/import`, as the district admin, and
/// returns the new plan's id. The school is added first when it does not
/// exist.
export async function importPlanAtSchool(server: CairnServer, fileName: string, schoolName: string): Promise<string> {
  const schoolId = await server.school(schoolName);
  const cookie = await server.sessionCookie(admin);
  const response = await fetch(`${server.url}/api/plans/import?school_id=${schoolId}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv' },
    body: readFileSync(join(fixtures, fileName)),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`importing ${fileName} failed: ${response.status} ${text}`);
  return JSON.parse(text).id;
}

/// Clicks the button with test id `testId` and returns the file the page
/// offers as a download, with its contents.
export async function downloadFrom(page: Page, testId: string): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await download.path();
  return { download, text: readFileSync(path, 'utf8') };
}

/// A console error or uncaught exception of a page, with the URL of the
/// resource that failed (empty for an exception).
export interface RecordedError {
  text: string;
  url: string;
}

/// Records the console errors and uncaught exceptions of a page, with the
/// URL of each failed resource.
export function recordErrors(page: Page): RecordedError[] {
  const errors: RecordedError[] = [];
  page.on('pageerror', (error) => errors.push({ text: `uncaught: ${error.message}`, url: '' }));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push({ text: message.text(), url: message.location().url });
  });
  return errors;
}

/// A response that a test causes on purpose and that Chromium logs as a
/// console error, such as `401` from `/api/session` in a tab with no
/// session.
export interface ExpectedFailure {
  status: number;
  path: string;
}

/// Fails when the page reported an error other than a response in
/// `failures`. With `allowConnectionErrors`, failed or refused sync
/// WebSockets and unreachable requests pass too, as in `expectNoErrors`.
export function expectOnlyFailures(
  errors: RecordedError[],
  server: CairnServer,
  failures: ExpectedFailure[],
  options: { allowConnectionErrors?: boolean } = {},
): void {
  const unexpected = errors.filter((error) => {
    if (options.allowConnectionErrors && /WebSocket|ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED/.test(error.text)) {
      return false;
    }
    return !failures.some(
      (failure) => error.text.includes(`status of ${failure.status} `) && error.url === `${server.url}${failure.path}`,
    );
  });
  expect(unexpected).toEqual([]);
}
