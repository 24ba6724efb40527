/**
 * The caseworker's week in a real Chromium (issue 16 item 4), with 200 seeded Karadala cases
 * (every status, call-backs, visits): at 1366×768 and 1280×800 the inbox shows at least ten
 * rows within the first screen and every column without a sideways scroll, and no reference
 * or status cell wraps (each cell's text lies on one line, measured from its layout boxes) in
 * zh, ug and kk; 我的入户 fits a 375-px phone. Screenshots in test/artifacts/screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralStatuses } from '../../bot/referral/referral-record.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { seedCase, seedCases } from '../helpers/seed-cases.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { rulesWithDeadlines } from '../helpers/test-rules.ts';

const hour = 3600_000;

/** What the first screen shows: rows wholly inside the viewport, and the cells that wrap. */
const measure = `(() => {
  // Wrapped: two pieces of the cell's text that share no height (a second line), whatever
  // the fonts and sizes on one line.
  const lines = (el) => {
    const boxes = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(n);
      boxes.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    const apart = boxes.some((a) => boxes.some((b) => a.bottom <= b.top + 1 || b.bottom <= a.top + 1));
    return apart ? 2 : 1;
  };
  const rows = [...document.querySelectorAll('table.inbox tbody tr')];
  const visible = rows.filter((r) => r.getBoundingClientRect().bottom <= window.innerHeight);
  return {
    rows: rows.length,
    visible: visible.length,
    heights: [...new Set(visible.map((r) => Math.round(r.getBoundingClientRect().height)))],
    wrapped: visible.flatMap((r) =>
      [...r.querySelectorAll('td.ref, td.status')].filter((c) => lines(c) > 1).map((c) => c.textContent.trim()),
    ),
    // Every column on screen: the table does not scroll sideways inside its box.
    tableOverflow: (() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth; })(),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
})()`;

describe.skipIf(!chromiumPath)('the inbox and the visit list in a browser', () => {
  let server: Started;
  let browser: Browser;
  let worker: PageClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'inbox-week-'));
  const rulesDir = rulesWithDeadlines();

  beforeAll(async () => {
    const password = addCaseworker(dataDir, 'week.worker', 'karadala');
    const now = new Date();
    await seedCases(dataDir, (id) =>
      Array.from({ length: 200 }, (_, i) => {
        const status = referralStatuses[i % referralStatuses.length]!;
        return seedCase(i + 1, 2 + i * 7, now, {
          status,
          kind: i % 11 === 0 ? 'callback' : 'referral',
          programs: [
            { id: 'dibao', verdict: 'likely' },
            { id: 'tekun', verdict: 'possible' },
            { id: 'medical', verdict: 'likely' },
          ],
          village: i % 5 === 0 ? '阿克塔斯村第三村民小组' : `村${i}`,
          ...(i % 3 === 0 ? { assignee: id('week.worker') } : {}),
          ...(status === 'visit_scheduled'
            ? { visitAt: new Date(now.getTime() + (i % 4) * 24 * hour + 3 * hour).toISOString() }
            : {}),
        });
      }),
    );
    server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      RULES_DIR: rulesDir,
      LOGINS_PER_MINUTE: '100',
    });
    worker = await signIn(server.base, 'week.worker', password);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(rulesDir, { recursive: true, force: true });
  });

  async function signedIn(
    viewport: { width: number; height: number },
    mobile = false,
  ): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport,
      screen: viewport,
      ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    await context.addCookies(worker.browserCookies(server.base));
    return context;
  }

  // 1366×768 and 1280×800: the two commonest laptop screens in a township office.
  it.each([
    ['zh', 1366, 768],
    ['ug', 1366, 768],
    ['kk', 1366, 768],
    ['zh', 1280, 800],
    ['ug', 1280, 800],
    ['kk', 1280, 800],
  ] as const)('at %s %i×%i the inbox shows ≥ 10 whole rows and every column, no reference or status wrapped', async (lang, width, height) => {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang, back: '/staff' });
    const context = await signedIn({ width, height });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.base}/staff?sort=waiting&dir=desc`);
    await page.screenshot({ path: screenshotPath(`inbox-week-${lang}-${width}`) });
    const seen = (await page.evaluate(measure)) as {
      rows: number;
      visible: number;
      heights: number[];
      wrapped: string[];
      tableOverflow: number;
      scrollWidth: number;
      innerWidth: number;
    };
    expect(seen.rows).toBe(50);
    expect(seen.visible).toBeGreaterThanOrEqual(10);
    expect(seen.wrapped).toEqual([]);
    expect(seen.tableOverflow).toBeLessThanOrEqual(1);
    expect(seen.scrollWidth).toBe(seen.innerWidth);
    await context.close();
  });

  it('我的入户 fits a 375-px phone', async () => {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang: 'zh', back: '/staff' });
    const context = await signedIn({ width: 375, height: 740 }, true);
    const page = await context.newPage();
    await page.goto(`${server.base}/staff/visits`);
    await page.screenshot({ path: screenshotPath('visits-zh-375'), fullPage: true });
    const seen = (await page.evaluate(
      `({ width: document.documentElement.scrollWidth, visits: document.querySelectorAll('.visit-list li').length })`,
    )) as { width: number; visits: number };
    expect(seen.visits).toBeGreaterThan(0);
    expect(seen.width).toBe(375);
    await context.close();
  });
});
