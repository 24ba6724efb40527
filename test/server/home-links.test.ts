/**
 * The first page and what every page carries, against a really started server: each language
 * link leads to a page in that language, the footer speaks the page's language, and the icon
 * a browser asks for exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languages, languageTags, textDirection, translator } from '../../locales/i18n.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'home-links-'));
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function page(path: string): Promise<string> {
  const res = await fetch(server.base + path, { redirect: 'manual' });
  expect(res.status, path).toBe(200);
  return res.text();
}

const fromHtml = (s: string) => s.replaceAll('&amp;', '&');

/** Every link that names the language it leads to: the choices and the header's switch. */
function languageLinks(html: string): { href: string; tag: string; dir: string }[] {
  const links: { href: string; tag: string; dir: string }[] = [];
  // A choice: <li lang dir><a href>; the header switch: <a href lang dir hreflang>.
  for (const m of html.matchAll(/<li lang="([^"]+)" dir="([^"]+)">\s*<a class="choice" href="([^"]+)"/g)) {
    links.push({ tag: m[1]!, dir: m[2]!, href: fromHtml(m[3]!) });
  }
  for (const m of html.matchAll(/<a href="([^"]+)" lang="([^"]+)" dir="([^"]+)" hreflang=/g)) {
    links.push({ href: fromHtml(m[1]!), tag: m[2]!, dir: m[3]! });
  }
  return links;
}

const htmlLang = (html: string) => /<html lang="([^"]+)" dir="([^"]+)"/.exec(html)?.slice(1);
const footer = (html: string) => /<footer class="foot">([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '';

describe('language links', () => {
  it.each([
    '/',
    '/?lang=ug',
    '/?county=tekes',
  ])('every link on %s leads to its language page', async (path) => {
    const links = languageLinks(await page(path));
    // Three choices and two other languages in the header.
    expect(links).toHaveLength(5);
    for (const link of links) {
      expect(link.href, `${link.href} from ${path}`).toMatch(/^\/(zh|ug|kk)(\?|$)/);
      expect(htmlLang(await page(link.href)), link.href).toEqual([link.tag, link.dir]);
    }
  });

  it('keeps the county and township of a poster link', async () => {
    const html = await page('/?county=tekes&township=karadala');
    for (const link of languageLinks(html)) expect(link.href).toContain('county=tekes');
  });

  it('switches the language of a page with no language in its path (/api)', async () => {
    const links = languageLinks(await page('/api?lang=zh'));
    expect(links.map((l) => l.href).sort()).toEqual(['/api?lang=kk', '/api?lang=ug']);
    for (const link of links) expect(htmlLang(await page(link.href))).toEqual([link.tag, link.dir]);
  });
});

describe('footer', () => {
  it('speaks the page language on every language page', async () => {
    const seen = new Set<string>();
    for (const lang of languages) {
      const html = await page(`/${lang}`);
      const text = footer(html);
      expect(text).toContain(translator(lang)('web.site.decides'));
      seen.add(text);
    }
    expect(seen.size).toBe(3);
  });

  it('on the language chooser, says it in every language, each marked with its own', async () => {
    const text = footer(await page('/'));
    for (const lang of languages) {
      expect(text).toContain(
        `<p lang="${languageTags[lang]}" dir="${textDirection[lang]}">${translator(lang)('web.site.decides')}</p>`,
      );
    }
  });
});

describe('favicon', () => {
  it('/favicon.ico is an image, cached', async () => {
    const res = await fetch(`${server.base}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{6,}/);
    const body = Buffer.from(await res.arrayBuffer());
    // An ICO file: reserved 0, type 1 (icon), at least one image.
    expect([body.readUInt16LE(0), body.readUInt16LE(2)]).toEqual([0, 1]);
    expect(body.readUInt16LE(4)).toBeGreaterThan(0);
  });

  it.each(['/', '/ug/chat', '/staff/login'])('%s links an SVG icon served for a year', async (path) => {
    const html = await page(path);
    const href = /<link rel="icon" href="([^"]+\.svg)"/.exec(html)?.[1];
    expect(href, path).toBeDefined();
    const res = await fetch(server.base + href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(html).toContain('<link rel="icon" href="/favicon.ico"');
  });
});
