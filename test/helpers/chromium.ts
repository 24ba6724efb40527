/**
 * Debian's Chromium for browser tests (never a downloaded browser: nothing outside the package
 * registries is reachable). Found at CHROMIUM_PATH or /usr/bin/chromium. Without it the browser
 * tests are skipped with a message; with REQUIRE_BROWSER=1 (set by .ci/run) a missing browser
 * fails the run instead, so CI can never pass by skipping them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (p): p is string => Boolean(p),
);

export const chromiumPath = candidates.find((p) => existsSync(p));

if (!chromiumPath) {
  const message = `browser tests: no Chromium at ${candidates.join(' or ')} (apt-get install chromium fonts-noto-core fonts-noto-cjk, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error(`${message}; REQUIRE_BROWSER=1 makes this a failure`);
  process.stderr.write(`SKIPPED ${message}\n`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Screenshots go to test/artifacts/screenshots (kept out of git; CI can archive them). */
export function screenshotPath(name: string): string {
  const dir = join(process.cwd(), 'test', 'artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/**
 * The font families Chromium really drew the text of the matching nodes with (the first 12), by
 * the DevTools protocol: what the CSS asks for proves nothing if the font is not installed.
 */
export async function fontsUsed(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
  const families = new Set<string>();
  for (const nodeId of nodeIds.slice(0, 12)) {
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    for (const f of fonts) families.add(f.familyName);
  }
  await cdp.detach();
  return [...families];
}
