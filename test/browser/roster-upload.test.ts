/**
 * 政策找人 through a real browser (headless Chromium): the county admin picks a roster in the
 * real file input and sends it; with JavaScript the page's script polls the job and moves the
 * <progress> bar until the results appear; with JavaScript off the page refreshes itself (a
 * <noscript> meta refresh) until the results are there. The roster is large enough that the job
 * is still running when the first page arrives. Screenshots in test/artifacts/screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffUser } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { chineseCsv, type RosterHousehold } from '../helpers/roster-files.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

/** Households in the big roster: enough for a few seconds of screening on a loaded machine. */
const size = 20_000;
const roster = (): Buffer => {
  const households: RosterHousehold[] = [
    {
      id: 'KD-0001',
      township: '喀拉达拉镇',
      village: '一村',
      income: 600,
      ages: [45, 43],
      phone: '13900000001',
    },
  ];
  for (let i = 2; i <= size; i++)
    households.push({
      id: `KS-${String(i).padStart(5, '0')}`,
      township: '阔克苏乡',
      income: 9000,
      ages: [40],
    });
  return chineseCsv(households);
};

describe.skipIf(!chromiumPath)('a roster uploaded in the browser', () => {
  let server: Started;
  let browser: Browser;
  let dataDir: string;
  let admin: PageClient;
  let file: Buffer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'roster-browser-'));
    const password = addStaffUser(dataDir, [
      '--username',
      'roster.admin',
      '--role',
      'county_admin',
      '--county',
      'tekes',
    ]);
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    admin = (await signInAdmin(server.base, 'roster.admin', password)).page;
    file = roster();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(javaScriptEnabled: boolean): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled });
    await context.addCookies(admin.browserCookies(server.base));
    return context;
  }

  async function send(context: BrowserContext, shot: string) {
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${server.base}/staff/roster`);
    await page.setInputFiles('#roster-file', { name: '名单.csv', mimeType: 'text/csv', buffer: file });
    await page.screenshot({ path: screenshotPath(`${shot}-upload`), fullPage: true });
    await Promise.all([page.waitForURL(/\/staff\/roster\/[A-Za-z0-9_-]{43}$/), page.click('#roster-send')]);
    return page;
  }

  it('with JavaScript: the progress bar is shown while the job runs, then the results', async () => {
    const context = await signedIn(true);
    const page = await send(context, 'roster-js');
    expect(await page.locator('#roster-job').getAttribute('data-state')).toBe('running');
    expect(await page.locator('progress#roster-progress').count()).toBe(1);
    // The script moves the bar (no reload needed) until the job ends and it reloads the page.
    const values: number[] = [];
    let shotTaken = false;
    for (let i = 0; i < 600; i++) {
      if ((await page.locator('#roster-summary').count()) > 0) break;
      const v = await page
        .locator('progress#roster-progress')
        .getAttribute('value', { timeout: 1000 })
        .catch(() => null);
      if (v !== null) values.push(Number(v));
      if (!shotTaken && values.some((x) => x > 0 && x < 100)) {
        await page.screenshot({ path: screenshotPath('roster-js-progress'), fullPage: true });
        shotTaken = true;
      }
      await page.waitForTimeout(200);
    }
    await page.locator('#roster-summary').waitFor();
    expect(values.length).toBeGreaterThan(0);
    expect(Math.max(...values)).toBeGreaterThan(values[0]!);
    expect(await page.locator('progress#roster-progress').getAttribute('value')).toBe('100');
    const row = await page.locator('tr[data-household="KD-0001"]').innerText();
    expect(row).toContain('人均收入低于低保标准');
    await page.screenshot({ path: screenshotPath('roster-js-results'), fullPage: true });
    // Turn the flagged household into a visit from the page.
    await Promise.all([page.waitForURL(/#visits$/), page.click('#create-visits')]);
    expect(await page.locator('#visits-report').innerText()).toContain('已建立 1 个案件');
    await page.screenshot({ path: screenshotPath('roster-js-visits'), fullPage: false });
    await context.close();
  });

  it('without JavaScript: the page refreshes itself until the results are there', async () => {
    const context = await signedIn(false);
    const page = await send(context, 'roster-nojs');
    expect(await page.locator('#roster-job').getAttribute('data-state')).toBe('running');
    await page.screenshot({ path: screenshotPath('roster-nojs-running'), fullPage: true });
    const firstUrl = page.url();
    // Nothing on the page runs: only the meta refresh brings the results.
    await page.locator('#roster-summary').waitFor({ timeout: 120_000 });
    expect(page.url()).toBe(firstUrl);
    expect(await page.locator('tr[data-household="KD-0001"]').innerText()).toContain('人均收入低于低保标准');
    await page.screenshot({ path: screenshotPath('roster-nojs-results'), fullPage: true });
    // The same results in Uyghur: right to left, the Chinese reasons kept left to right.
    await admin.get('/staff');
    await admin.post('/staff/lang', { lang: 'ug', back: '/staff' });
    try {
      await page.reload();
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(
        await page.locator('tr[data-household="KD-0001"] td[lang="zh-CN"]').first().getAttribute('dir'),
      ).toBe('ltr');
      await page.screenshot({ path: screenshotPath('roster-nojs-results-ug'), fullPage: true });
    } finally {
      await admin.get('/staff');
      await admin.post('/staff/lang', { lang: 'zh', back: '/staff' });
    }
    await context.close();
  });
});
