/**
 * The one set-up the browser tests share: a really started server with its own data directory
 * and Debian's Chromium, a phone's browser context, and the width check. A mobile viewport
 * widens its layout viewport to fit whatever overflows, so scrollWidth and innerWidth agree with
 * each other even when the page is too wide: both are compared with the device's width instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, screenshotPath } from './chromium.ts';
import { type Started, startServer } from './start-server.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

export interface ServerAndBrowser {
  readonly dataDir: string;
  readonly server: Started;
  readonly browser: Browser;
}

/**
 * Starts server/main.ts on a fresh data directory and Chromium before the tests of the calling
 * describe block, and stops both (and removes the directory) after them. `prepare` runs on the
 * directory before the server takes it (e.g. the admin command adding a caseworker).
 */
export function serverAndBrowser(
  prefix: string,
  env: Record<string, string> = {},
  prepare?: (dataDir: string) => void,
): ServerAndBrowser {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  let server: Started | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    prepare?.(dataDir);
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, ...env });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    get server() {
      if (!server) throw new Error('the server is started in beforeAll');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is launched in beforeAll');
      return browser;
    },
  };
}

/** A phone's context: the width given, touch, two device pixels per CSS pixel. */
export function phoneContext(
  browser: Browser,
  width: number,
  options: { height?: number; javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  const height = options.height ?? 740;
  return browser.newContext({
    viewport: { width, height },
    screen: { width, height },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
}

/** The layout's and the viewport's width, as the page itself measures them. */
export function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

/**
 * Saves a full-page screenshot named `name`, then checks both widths against the device's.
 * Soft, so a page too wide is reported by name and the walk goes on to the next page.
 */
export async function expectFitsPhone(page: Page, width: number, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  const seen = await pageWidths(page);
  expect.soft({ page: name, ...seen }).toEqual({ page: name, scrollWidth: width, innerWidth: width });
}

/**
 * On the one-page form (already open): a 70-year-old alone in the country on 200 yuan, sent,
 * then "show results" on the form that comes back with the questions the rules still need.
 */
export async function elderAloneToResults(page: Page): Promise<void> {
  await page.check('input[name="area"][value="rural"]');
  await page.fill('input[name="age_0"]', '70');
  await page.selectOption('select[name="work_0"]', 'none');
  await page.fill('#income', '200');
  await page.check('input[name="property"][value="yes"]');
  await page.click('.actions button[value="submit"]');
  await page.click('.actions button[value="results"]');
}
