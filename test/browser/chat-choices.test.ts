/**
 * The web chat on a 360-px phone in zh, ug and kk (issue 15 items 2, 8, 9), in a real Chromium
 * against a really started server. With JavaScript: "which programs do you already receive?"
 * offers its twelve programs as toggles; a tap is echoed by its label; switching language keeps
 * every earlier bubble's lang and dir while the header, <html> and the address follow; a reload
 * shows the earlier answers. Without JavaScript: the same question shows its numbered list.
 * Nothing is wider than the phone. Screenshots are saved for review.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import kkChat from '../../locales/kk/chat.json' with { type: 'json' };
import kkWeb from '../../locales/kk/web.json' with { type: 'json' };
import ugChat from '../../locales/ug/chat.json' with { type: 'json' };
import ugWeb from '../../locales/ug/web.json' with { type: 'json' };
import zhChat from '../../locales/zh/chat.json' with { type: 'json' };
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };
import { programIds } from '../../rules/engine/household-values.ts';
import { chromiumPath, screenshotPath } from '../helpers/chromium.ts';
import { expectFitsPhone, phoneContext, serverAndBrowser } from '../helpers/phone-browser.ts';

declare const document: { querySelectorAll(s: string): ArrayLike<unknown> };
declare function getComputedStyle(e: unknown): { listStyleType: string };

const width = 360;
const langs = ['zh', 'ug', 'kk'] as const;
type Lang = (typeof langs)[number];
const chat = { zh: zhChat, ug: ugChat, kk: kkChat };
const web = { zh: zhWeb, ug: ugWeb, kk: kkWeb };
const tags = { zh: 'zh-CN', ug: 'ug-Arab-CN', kk: 'kk-Arab-CN' };
const dirs = { zh: 'ltr', ug: 'rtl', kk: 'rtl' };
/** Each language switches to the next one: Chinese to Uyghur, Uyghur to Kazakh, Kazakh to Chinese. */
const switchTo: Record<Lang, Lang> = { zh: 'ug', ug: 'kk', kk: 'zh' };
const programs = (lang: Lang) =>
  programIds.map((id) => chat[lang].options[`program_${id}` as keyof typeof zhChat.options]);

/** The Tekes couple of test/helpers/transcripts.ts, up to "what do you already receive?". */
const toPrograms: [how: 'tap' | 'type', what: string][] = [
  ['tap', '1'],
  ['tap', '3'],
  ['tap', '2'],
  ['type', '2'],
  ['type', '45 43'],
  ['tap', '1'],
  ['tap', '1'],
  ['type', '600'],
  ['tap', '1'],
  ['tap', '0'],
  ['tap', '2'],
  ['tap', '2'],
];

describe.skipIf(!chromiumPath)('the web chat on a phone', () => {
  const run = serverAndBrowser('chat-choices-', { RATE_LIMIT_PER_MINUTE: '10000' });
  const phone = (javaScriptEnabled: boolean) => phoneContext(run.browser, width, { javaScriptEnabled });

  async function fits(page: Page, name: string) {
    await expectFitsPhone(page, width, name);
    // And what the phone's screen shows around the newest turn.
    await page.locator('#chat .turn').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(`${name}-screen`) });
  }

  /** One answer; with JavaScript the page stays and one more turn is appended. */
  async function answer(page: Page, how: 'tap' | 'type', what: string, js: boolean) {
    const turns = await page.locator('#chat .turn').count();
    if (how === 'tap') await page.click(`#composer button[name="quick"][value="${what}"]`);
    else {
      await page.fill('#text', what);
      await page.click('#composer .send-row button');
    }
    if (js) await page.locator('#chat .turn').nth(turns).waitFor();
    else await page.waitForLoadState();
  }

  const bubble = (page: Page, selector: string) =>
    page.locator(selector).evaluateAll((els) =>
      els.map((e) => {
        const el = e as unknown as { lang: string; dir: string; innerText: string };
        return { lang: el.lang, dir: el.dir, text: el.innerText };
      }),
    );

  it.each(langs)('with JavaScript in %s: toggles, labels echoed, language switch, reload', async (lang) => {
    const context = await phone(true);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${run.server.base}/${lang}/chat`);
    const county = await page.locator('#composer button[name="quick"][value="1"]').innerText();
    for (const [how, what] of toPrograms) await answer(page, how, what, true);

    // The programs question: twelve toggles with their names; the numbered list is left to no-JS pages.
    expect(await page.locator('.bubble.question').last().innerText()).toContain(
      chat[lang].questions.current.slice(0, 12),
    );
    const toggles = page.locator('#composer .picks label.toggle');
    expect(await toggles.allInnerTexts()).toEqual(programs(lang));
    expect(await page.locator('.bubble .numbered-choices').last().isVisible()).toBe(false);
    await fits(page, `chat-${lang}-programs-js-${width}`);

    // The first tap echoed the county's name, not "1".
    const mine = await bubble(page, '.bubble.you');
    expect(mine[0]!.text).toContain(county);
    expect(mine.map((b) => b.text.split('\n').at(-1)!.trim())).not.toContain('1');

    // Two toggles, one send: the echo names both programs.
    await toggles.nth(0).click();
    await toggles.nth(5).click();
    const turns = await page.locator('#chat .turn').count();
    await page.click('#composer .pick-send');
    await page.locator('#chat .turn').nth(turns).waitFor();
    const echoed = (await bubble(page, '.bubble.you')).at(-1)!.text;
    expect(echoed).toContain(programs(lang)[0]!);
    expect(echoed).toContain(programs(lang)[5]!);
    await fits(page, `chat-${lang}-results-js-${width}`);

    // Switch language mid-chat: "language", then the other language's button.
    const other = switchTo[lang];
    const before = await bubble(page, '#chat .bubble');
    await answer(page, 'type', chat[lang].commandWords.language.split('|')[0]!, true);
    await page.click(`#composer button[name="quick"][lang="${other}"]`);
    await page.waitForFunction(
      (tag) => document.querySelectorAll(`html[lang="${tag}"]`).length === 1,
      tags[other],
    );
    const after = await bubble(page, '#chat .bubble');
    // Every earlier bubble is as it was: its own language and direction.
    expect(after.slice(0, before.length).map((b) => [b.lang, b.dir])).toEqual(
      before.map((b) => [b.lang, b.dir]),
    );
    expect(before.every((b) => b.lang === tags[lang] && b.dir === dirs[lang])).toBe(true);
    expect(after.at(-1)).toMatchObject({ lang: tags[other], dir: dirs[other] });
    // The page around the chat follows: direction, heading, address.
    expect(await page.getAttribute('html', 'dir')).toBe(dirs[other]);
    expect(await page.locator('main > h1').innerText()).toBe(web[other].chat.title);
    expect(new URL(page.url()).pathname).toBe(`/${other}/chat`);
    await fits(page, `chat-${lang}-switched-to-${other}-js-${width}`);

    // Reload: the earlier answers are there, each bubble still in its own language.
    await page.reload();
    const reloaded = await bubble(page, '.bubble.you');
    expect(reloaded.length).toBeGreaterThanOrEqual(toPrograms.length + 2);
    expect(reloaded[0]!.text).toContain(county);
    expect(reloaded[0]).toMatchObject({ lang: tags[lang], dir: dirs[lang] });
    expect(reloaded.map((b) => b.text).join('\n')).toContain(programs(lang)[5]!);
    await fits(page, `chat-${lang}-reloaded-js-${width}`);
    await context.close();
  });

  it.each(langs)('without JavaScript in %s: the numbered list of programs', async (lang) => {
    const context = await phone(false);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${run.server.base}/${lang}/chat`);
    for (const [how, what] of toPrograms) await answer(page, how, what, false);
    const list = page.locator('.bubble.question').last().locator('ol.numbered-choices li');
    expect(await list.allInnerTexts()).toEqual(programs(lang));
    expect(await list.first().isVisible()).toBe(true);
    // Numbered as the question says ("reply with numbers"): the list shows its numbers.
    expect(await list.first().evaluate((li) => getComputedStyle(li).listStyleType)).toBe('decimal');
    // Earlier answers are shown above, tapped ones by their labels.
    expect((await bubble(page, '.bubble.you')).length).toBe(toPrograms.length);
    await fits(page, `chat-${lang}-programs-nojs-${width}`);
    await context.close();
  });
});
