/**
 * With JavaScript on, a chat answer the server refuses (this address has started its hourly
 * budget of conversations) shows the server's own, translated reason under the composer, not
 * "the network failed, tap send again", which would have the resident tap in vain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kkWeb from '../../locales/kk/web.json' with { type: 'json' };
import ugWeb from '../../locales/ug/web.json' with { type: 'json' };
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

// A browser global used inside a page function (the project compiles without the DOM library).
declare const document: { getElementById(id: string): { textContent: string | null } | null };

const phone = { width: 375, height: 740 };
const web = { zh: zhWeb, ug: ugWeb, kk: kkWeb };

describe.skipIf(!chromiumPath)('a chat answer refused by the new-conversation budget', () => {
  let server: Started;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-refusal-'));

  beforeAll(async () => {
    // One new conversation an hour from this address: the second resident's first answer is refused.
    server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      NEW_CONVERSATIONS_PER_HOUR: '1',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['zh', 'ug', 'kk'] as const)('says why in %s, with the answer kept in the box', async (lang) => {
    const answer = async () => {
      const context = await browser.newContext({ viewport: phone });
      const page = await context.newPage();
      await page.goto(`${server.base}/${lang}/chat`);
      await page.click('#composer button[name="quick"]');
      return page;
    };
    if (lang === 'zh') await (await answer()).waitForSelector('#chat .turn >> nth=1'); // uses the budget
    const page = await answer();
    const expected = web[lang].error_page.too_many_conversations;
    await page.waitForFunction(
      (text) => document.getElementById('chat-status')?.textContent === text,
      expected,
    );
    expect(await page.textContent('#chat-status')).not.toBe(web[lang].chat.network_error);
    await page.screenshot({ path: screenshotPath(`${lang}-chat-refused-375`) });
  });
});
