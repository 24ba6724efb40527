/**
 * Runs the real mini-program pages in miniprogram-simulate (jsdom): the TypeScript is transpiled
 * to CommonJS in a temporary copy (WeChat DevTools compiles it the same way), and the tests give
 * the pages a `wx` whose request goes to a really started server with fetch.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import simulate from 'miniprogram-simulate';
import ts from 'typescript';

/**
 * The repository (tests run from its root). Not import.meta.url: under vitest's jsdom
 * environment `URL` is jsdom's and resolves it to the wrong place.
 */
export const repoRoot = process.cwd();
const source = join(repoRoot, 'miniprogram');

/** A copy of miniprogram/ with every .ts next to its .js, as DevTools would run it. */
export function buildMiniprogram(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'miniprogram-'));
  cpSync(source, dir, { recursive: true });
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) {
        const out = ts.transpileModule(readFileSync(p, 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
          fileName: p,
        });
        writeFileSync(p.slice(0, -3) + '.js', out.outputText);
      }
    }
  };
  walk(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface RequestOptions {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
  success?: (res: { statusCode: number; data: unknown; header: Record<string, string> }) => void;
  fail?: (err: { errMsg: string }) => void;
}

export interface FakeWx {
  storage: Map<string, unknown>;
  /** What getApp() returns: the running app, its globalData (gone when the app closes). */
  app: { globalData: Record<string, unknown> };
  titles: string[];
  navigations: string[];
  requests: string[];
  getStorageSync: (key: string) => unknown;
  setStorageSync: (key: string, value: unknown) => void;
  setNavigationBarTitle: (o: { title: string }) => void;
  navigateTo: (o: { url: string }) => void;
  redirectTo: (o: { url: string }) => void;
  request: (o: RequestOptions) => void;
}

/**
 * The `wx` the pages see. Requests must go to the base in the built config.ts (as WeChat only
 * allows the configured domain); they are then sent to `server` instead.
 */
export function fakeWx(built: string, server: string): FakeWx {
  const require = createRequire(join(built, 'app.js'));
  const configured: string = require(join(built, 'config.js')).config.serverBase;
  const wx: FakeWx = {
    storage: new Map(),
    app: { globalData: {} },
    titles: [],
    navigations: [],
    requests: [],
    getStorageSync: (key) => wx.storage.get(key) ?? '',
    setStorageSync: (key, value) => void wx.storage.set(key, value),
    setNavigationBarTitle: ({ title }) => void wx.titles.push(title),
    navigateTo: ({ url }) => void wx.navigations.push(url),
    redirectTo: ({ url }) => void wx.navigations.push(url),
    request: (o) => {
      wx.requests.push(o.url);
      if (!o.url.startsWith(configured)) {
        o.fail?.({ errMsg: `request:fail url not in domain list: ${o.url}` });
        return;
      }
      fetch(server + o.url.slice(configured.length), {
        method: o.method ?? 'GET',
        headers: o.header ?? {},
        body: o.data === undefined ? undefined : JSON.stringify(o.data),
      })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {}
          o.success?.({ statusCode: res.status, data, header: {} });
        })
        .catch((e: Error) => o.fail?.({ errMsg: `request:fail ${e.message}` }));
    },
  };
  (globalThis as unknown as { wx: FakeWx }).wx = wx;
  (globalThis as unknown as { getApp: () => FakeWx['app'] }).getApp = () => wx.app;
  return wx;
}

/**
 * WXML is compiled by WeChat's own compiler (miniprogram-compiler ships wcc for Linux x86-64,
 * macOS and Windows); on other Linux machines (arm64) the package's pure-JS compiler stands in.
 * Both pass these tests.
 */
const compiler = process.platform === 'linux' && process.arch !== 'x64' ? 'simulate' : 'official';

/**
 * Loads and attaches a real page (pages/<name>/index) of the built copy, then calls its onLoad
 * with `query` (the URL's ?id=...) as WeChat does for a page built with Component().
 */
export function openPage(built: string, name: string, query: Record<string, string> = {}) {
  const id = simulate.load(join(built, 'pages', name, 'index'), { rootPath: built, compiler });
  const page = simulate.render(id);
  // jsdom's document (the vitest environment); the root tsconfig has no DOM types, on purpose.
  const { document } = globalThis as unknown as { document: { createElement: (tag: string) => object } };
  page.attach(document.createElement('parent-wrapper'));
  const onLoad = (page.instance as { onLoad?: (q: Record<string, string>) => void }).onLoad;
  onLoad?.call(page.instance, query);
  return page;
}

/** Waits until `check` returns something truthy (the page is waiting for the server). */
export async function waitFor<T>(check: () => T, what: string, ms = 20_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
