import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../../api/test/support/api-client.js';
import { axeCheck, describeBrowser, launchBrowser, logIn, openPage, screenshot, useBuiltDashboard } from './support/browser.js';

/** The first minute on a fresh install: an empty store says so, and tells how to fill it. */
describeBrowser('dashboard on an empty store in Chromium [PGlite]', () => {
  let api: TestApi;
  let browser: Browser;
  let restoreDashboard: () => void;
  beforeAll(async () => {
    restoreDashboard = useBuiltDashboard();
    [api, browser] = await Promise.all([startTestApi('pglite'), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    restoreDashboard?.();
  });

  it('says the store is empty and names npm run demo, in Chinese and in English, accessibly', async () => {
    const w = await openPage(browser, api.url);
    try {
      await logIn(w.page, api.adminToken);
      const notice = w.page.locator('[data-testid="empty-store"]');
      await notice.waitFor();
      expect(await notice.textContent()).toContain('npm run demo');
      expect(await notice.textContent()).toContain('还没有数据');
      expect({ violations: await axeCheck(w.page) }).toEqual({ violations: [] });
      await screenshot(w.page, 'empty-store');
      await w.page.getByRole('button', { name: 'English' }).click();
      await w.page.locator('[data-testid="empty-store"]', { hasText: 'No data yet' }).waitFor();
      expect(w.problems()).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
