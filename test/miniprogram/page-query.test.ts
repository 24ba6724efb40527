// @vitest-environment jsdom
/**
 * WeChat assigns a Component()-built page's properties from its URL query as the URL carries it
 * (the same raw values onLoad gets, which is why the pages decode in onLoad). The status page's
 * `at` (an ISO time, "07:42" encoded as "07%3A42" by the list) must find the referral either way;
 * harness.openPage sets no properties, so this test sets them as WeChat does. WeChat also calls
 * such a page's own onShow (from methods) when it comes back to the front. No server: the fake
 * wx answers sign-in and the list itself.
 */
import { join } from 'node:path';
import simulate from 'miniprogram-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMiniprogram, fakeWx, waitFor } from './harness.ts';

const at = '2026-12-01T07:42:06.000Z';
const referral = {
  createdAt: at,
  updatedAt: at,
  status: 'received',
  statusText: 'RECEIVED-TEXT',
  programs: [],
  subscribed: false,
};

let built: ReturnType<typeof buildMiniprogram>;
beforeAll(() => {
  built = buildMiniprogram();
});
afterAll(() => built?.remove());

/** A phone that is signed in and has one referral, created at `at`. */
function signedInWx() {
  const wx = fakeWx(built.dir, 'http://127.0.0.1:9') as ReturnType<typeof fakeWx> & {
    login: (o: { success?: (r: { code: string }) => void }) => void;
  };
  wx.storage.set('lang', 'zh');
  wx.login = ({ success }) => success?.({ code: 'code' });
  wx.request = (o) => {
    wx.requests.push(o.url);
    const path = new URL(o.url).pathname;
    const data =
      path === '/api/v1/miniprogram/sign-in' ? { token: 't', expiresIn: 3600 } : { referrals: [referral] };
    setTimeout(() => o.success?.({ statusCode: 200, data, header: {} }), 0);
  };
  return wx;
}

/** Opens a page as WeChat does: properties from the raw query, then attached, then onLoad(query). */
function openWithQuery(name: string, query: Record<string, string>) {
  const id = simulate.load(join(built.dir, 'pages', name, 'index'), { rootPath: built.dir });
  const page = simulate.render(id, query);
  const { document } = globalThis as unknown as { document: { createElement: (tag: string) => object } };
  page.attach(document.createElement('parent-wrapper'));
  (page.instance as { onLoad?: (q: Record<string, string>) => void }).onLoad?.call(page.instance, query);
  return page;
}

describe('the status page opened from my referrals', () => {
  it('finds the referral when its `at` arrives URL-encoded in the properties and onLoad', async () => {
    signedInWx();
    const page = openWithQuery('status', { at: encodeURIComponent(at) });
    await waitFor(() => !page.instance.data.loading, 'the status page to load');
    expect(page.instance.data.problem).toBe('');
    expect(page.querySelector('.status-text')?.dom?.textContent).toBe('RECEIVED-TEXT');
  });
});

describe('my referrals shown again', () => {
  it("reloads in the page's own onShow, which WeChat calls on a page built with Component()", async () => {
    const wx = signedInWx();
    const lists = () => wx.requests.filter((u) => u.endsWith('/api/v1/miniprogram/referrals')).length;
    wx.requests.length = 0;
    const page = openWithQuery('my-referrals', {});
    await waitFor(() => !page.instance.data.loading, 'the list to load');
    expect(lists()).toBe(1);
    const onShow = (page.instance as { onShow?: () => void }).onShow;
    expect(onShow, 'onShow in methods').toBeTypeOf('function');
    onShow?.call(page.instance);
    await waitFor(() => lists() === 2 && !page.instance.data.loading, 'the list to load again');
    expect(page.querySelector('.status-text')?.dom?.textContent).toBe('RECEIVED-TEXT');
  });
});
