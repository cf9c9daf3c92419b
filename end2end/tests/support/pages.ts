// Browser pages for the end-to-end tests that record every error the page
// reports, so a test can check that hydration and sync raised none.
import { Browser, expect, Page } from '@playwright/test';

import { Account, admin, CairnServer } from './server';

const recorded = new WeakMap<Page, string[]>();

/// Opens a page in a new browser context (a separate device, with its own
/// storage), signed in to `server` as `account` (the district admin by
/// default), and starts recording its errors.
export async function newPerson(browser: Browser, server: CairnServer, account: Account = admin): Promise<Page> {
  const context = await browser.newContext();
  await server.signIn(context, account);
  const page = await context.newPage();
  watchErrors(page);
  return page;
}

/// Records the console errors and uncaught exceptions of a page.
export function watchErrors(page: Page): void {
  const errors: string[] = [];
  recorded.set(page, errors);
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
}

/// Fails when the page reported an error since it was opened. A dropped
/// WebSocket, and an event stream cut mid-response, log an error in
/// Chromium, so tests that cut the connection on purpose pass
/// `allowConnectionErrors`.
export function expectNoErrors(page: Page, options: { allowConnectionErrors?: boolean } = {}): void {
  let errors = recorded.get(page) ?? [];
  if (options.allowConnectionErrors) {
    errors = errors.filter((error) => !/WebSocket|ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|ERR_INCOMPLETE_CHUNKED_ENCODING/.test(error));
  }
  expect(errors).toEqual([]);
}
