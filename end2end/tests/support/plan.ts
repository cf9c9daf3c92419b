// Page helpers shared by the end-to-end tests.
import { expect, Page } from '@playwright/test';

/// Opens a plan page and waits until the plan is loaded and the tab is
/// connected.
export async function openPlan(page: Page, baseUrl: string, id: string): Promise<void> {
  await page.goto(`${baseUrl}/plans/${id}`);
  await expect(page.getByTestId('plan-title')).toBeVisible();
  await expect(page.getByTestId('sync-status')).toHaveText('All changes saved');
}

/// Waits until the server has acknowledged every change of the open plan.
export async function expectSaved(page: Page): Promise<void> {
  await expect(page.getByTestId('sync-status')).toHaveText('All changes saved');
}
