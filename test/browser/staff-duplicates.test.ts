/**
 * Possible duplicates as a caseworker sees them on a 1366×768 office screen (issue 16 item 2):
 * the inbox mark sits inside its row's reference cell and is visible without scrolling; the
 * referral page's box is visible at the top, listing the other case with its status and why,
 * in zh and (right to left) ug. Screenshots for review in test/artifacts/screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhStaff from '../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { seededIdNumber, seededReferral, seedReferrals } from '../helpers/seed-referrals.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

const viewport = { width: 1366, height: 768 };
const names = [
  '阿依古丽',
  '古丽娜尔',
  '热依拉',
  '努尔',
  '阿力木',
  '阿娜尔',
  '买买提',
  '吐尔逊',
  '帕提古丽',
  '艾力',
];

describe.skipIf(!chromiumPath)('possible duplicates on a 1366×768 screen', () => {
  let server: Started;
  let browser: Browser;
  let worker: PageClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'duplicates-browser-'));

  beforeAll(async () => {
    await seedReferrals(dataDir, [
      // Ten unrelated cases, newest first in the inbox, and one pair: the first already approved.
      ...names.map((name, i) =>
        seededReferral(`TE-ROW${String(i).padStart(5, '0')}`, 10 + i, {
          name,
          phone: `1390000${String(1000 + i)}`,
          village: '阿克苏村',
        }),
      ),
      seededReferral(
        'TE-DUPOLD01',
        3,
        { name: '阿依努尔', phone: '13911112222', idNumber: seededIdNumber(7), village: '喀拉村' },
        { status: 'approved' },
      ),
      seededReferral('TE-DUPNEW01', 25, {
        name: '阿依努尔',
        phone: '13933334444',
        idNumber: seededIdNumber(7),
        village: '喀拉村',
      }),
      seededReferral('TE-DUPNEW02', 24, { name: '祖丽', phone: '13955556666' }),
      seededReferral('TE-DUPFAR01', 5, { name: '祖丽', phone: '13955556666' }, { township: 'kuokesu' }),
    ]);
    const password = addCaseworker(dataDir, 'dup.screen', 'karadala');
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    worker = await signIn(server.base, 'dup.screen', password);
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(lang: 'zh' | 'ug', path: string, shot: string) {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang, back: '/staff' });
    const context = await browser.newContext({ viewport, screen: viewport });
    await context.addCookies(worker.browserCookies(server.base));
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.base}${path}`);
    await page.screenshot({ path: screenshotPath(shot) });
    return { page, context };
  }

  it('the inbox marks the pair on both rows, inside the reference cell, above the fold', async () => {
    const { page, context } = await open('zh', '/staff?kind=referral', 'staff-duplicates-inbox-zh-1366');
    const mark = page.locator('tr[data-reference="TE-DUPNEW01"] td.ref .dup-badge');
    await expect(mark.isVisible()).resolves.toBe(true);
    expect(await mark.textContent()).toContain(zhStaff.duplicates.badge);
    expect(await mark.locator('a').getAttribute('href')).toBe('/staff/referrals/TE-DUPOLD01');
    const box = await mark.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
    // The other township's case: a count only.
    const far = page.locator('tr[data-reference="TE-DUPNEW02"] .dup-badge');
    expect(await far.textContent()).toContain('另有1件在其他乡镇');
    expect(await far.locator('a').count()).toBe(0);
    await context.close();
  });

  it.each(['zh', 'ug'] as const)('the referral page shows the box at the top (%s)', async (lang) => {
    const { page, context } = await open(
      lang,
      '/staff/referrals/TE-DUPNEW01',
      `staff-duplicates-referral-${lang}-1366`,
    );
    const box = page.locator('section.duplicates');
    await expect(box.isVisible()).resolves.toBe(true);
    const rect = await box.boundingBox();
    expect(rect!.y).toBeLessThan(viewport.height);
    const link = page.locator('tr[data-duplicate="TE-DUPOLD01"] a').first();
    expect(await link.getAttribute('href')).toBe('/staff/referrals/TE-DUPOLD01');
    // One line: the reference does not break at its dash (it did in Uyghur).
    expect((await link.boundingBox())!.height).toBeLessThan(40);
    // Nothing overflows the page sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    await context.close();
  });
});
